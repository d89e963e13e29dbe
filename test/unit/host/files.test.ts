/** The user's key and CA files: regular files of bounded size only, so a FIFO or device cannot hang a run. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readCaPath, readKeyFile } from '../../../src/host/files.js';
import { tempDir } from '../../helpers/fixtures.js';

describe('readCaPath', () => {
  it('reads a file, or the *.crt and *.pem files of a folder in name order, skipping dot entries', () => {
    const dir = join(tempDir(), 'certs');
    mkdirSync(dir);
    writeFileSync(join(dir, 'b.pem'), 'B');
    writeFileSync(join(dir, 'a.crt'), 'A');
    writeFileSync(join(dir, 'notes.txt'), 'N');
    writeFileSync(join(dir, '.hidden.pem'), 'H');
    assert.deepEqual(readCaPath(dir), ['A', 'B']);
    assert.deepEqual(readCaPath(join(dir, 'b.pem')), ['B']);
  });

  it('refuses a FIFO named like a certificate at once (it would block forever)', () => {
    const dir = join(tempDir(), 'fifo');
    mkdirSync(dir);
    execFileSync('mkfifo', [join(dir, 'ca.pem')]);
    assert.throws(() => readCaPath(dir), /not a regular file/);
  });

  it('refuses a file over 1 MiB', () => {
    const big = join(tempDir(), 'big.pem');
    writeFileSync(big, Buffer.alloc(1024 * 1024 + 1, 65));
    assert.throws(() => readCaPath(big), /larger than 1 MiB/);
  });
});

describe('readKeyFile', () => {
  it('reads a regular file of up to 1 MiB, following a symlink (a mounted Secret)', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'key.pem'), Buffer.alloc(1024 * 1024, 66));
    symlinkSync(join(dir, 'key.pem'), join(dir, 'link.pem'));
    assert.equal(readKeyFile(join(dir, 'link.pem'), '--key').length, 1024 * 1024);
  });

  // FIFOs, which a plain read would wait on forever, are tested through the CLI with a timeout
  // (test/unit/cli/special-files.test.ts), so that a regression fails instead of hanging this process.
  it('refuses a device and a folder with one E_KEY error naming the input and the path', () => {
    const dir = tempDir();
    for (const p of ['/dev/null', dir]) {
      assert.throws(() => readKeyFile(p, '--key'), {
        code: 'E_KEY',
        message: `--key ${p}: the file is not a regular file (a FIFO, device or folder)`,
      });
    }
  });

  it('refuses a file over 1 MiB, and names a missing one as such', () => {
    const big = join(tempDir(), 'big.pem');
    writeFileSync(big, Buffer.alloc(1024 * 1024 + 1, 65));
    assert.throws(() => readKeyFile(big, '--key'), {
      code: 'E_KEY',
      message: `--key ${big}: the file is larger than 1 MiB`,
    });
    assert.throws(() => readKeyFile(`${big}.nope`, '--key'), /cannot read the file \(ENOENT\)/);
  });
});
