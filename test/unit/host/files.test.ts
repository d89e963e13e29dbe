/** The user's CA files: regular files of bounded size only, so a FIFO or device named *.pem cannot hang a run. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readCaPath } from '../../../src/host/files.js';
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
    assert.throws(() => readCaPath(big), /at most 1 MiB/);
  });
});
