import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isOepError } from '../../../src/errors.js';
import { buildTar, indexTar, safeEntryName } from '../../../src/oci/layout/tar.js';
import { tempDir } from '../../helpers/fixtures.js';

function layoutError(fragment: string) {
  return (e: unknown) => isOepError(e, 'E_LAYOUT') && e.message.includes(fragment);
}

async function entryBytes(tarPath: string, name: string): Promise<Buffer> {
  const entries = await indexTar(tarPath);
  const e = entries.get(name);
  assert.ok(e, `${name} is indexed (have: ${[...entries.keys()].join(', ')})`);
  return readFileSync(tarPath).subarray(e.offset, e.offset + e.size);
}

describe('safeEntryName', () => {
  it('normalises ./ and trailing slashes', () => {
    assert.equal(safeEntryName('./blobs/sha256/', 'x.tar'), 'blobs/sha256');
    assert.equal(safeEntryName('index.json', 'x.tar'), 'index.json');
    assert.equal(safeEntryName('./', 'x.tar'), '');
    assert.equal(safeEntryName('a..b/c', 'x.tar'), 'a..b/c', 'dots inside a name are fine');
  });

  for (const bad of ['/etc/passwd', '../x', 'blobs/../../x', './..', 'a/..', '..']) {
    it(`refuses ${bad}`, () => {
      assert.throws(() => safeEntryName(bad, 'img.tar'), layoutError('img.tar'));
    });
  }
});

describe('indexTar / buildTar', () => {
  const dir = tempDir();

  it('buildTar output is read back by indexTar with exact offsets and sizes, and by GNU tar', async () => {
    const files = [
      { name: 'oci-layout', data: Buffer.from('{"imageLayoutVersion":"1.0.0"}') },
      { name: 'empty', data: Buffer.alloc(0) },
      { name: 'exactly-512', data: randomBytes(512) },
      { name: 'odd', data: randomBytes(1234) },
      { name: `${'p'.repeat(90)}/${'q'.repeat(60)}`, data: Buffer.from('long name via ustar prefix') },
    ];
    const tarPath = join(dir, 'ours.tar');
    writeFileSync(tarPath, buildTar([{ name: 'blobs', dir: true }, ...files]));
    const entries = await indexTar(tarPath);
    assert.deepEqual(
      [...entries.keys()].sort(),
      files.map((f) => f.name).sort(),
      'directories are not entries',
    );
    for (const f of files) assert.deepEqual(await entryBytes(tarPath, f.name), f.data, f.name);
    // GNU tar agrees.
    const listed = execFileSync('tar', ['-tvf', tarPath], { encoding: 'utf8' }).trim().split('\n');
    assert.equal(listed.length, files.length + 1);
    assert.ok(
      listed.some((l) => l.startsWith('d') && / blobs\/?$/.test(l)),
      'blobs is a directory entry',
    );
    assert.equal(execFileSync('tar', ['-xOf', tarPath, 'odd']).compare(files[3]!.data), 0);
  });

  for (const format of ['gnu', 'posix', 'ustar'] as const) {
    it(`reads ${format} archives from GNU tar, including names over 100 bytes`, async () => {
      const src = join(dir, `src-${format}`);
      const long = `${'d'.repeat(60)}/${'e'.repeat(60)}/file.bin`;
      mkdirSync(join(src, 'd'.repeat(60), 'e'.repeat(60)), { recursive: true });
      const data = randomBytes(3000);
      writeFileSync(join(src, long), data);
      writeFileSync(join(src, 'small'), 'hello');
      const tarPath = join(dir, `${format}.tar`);
      execFileSync('tar', [`--format=${format}`, '-cf', tarPath, '-C', src, '.']);
      assert.deepEqual(await entryBytes(tarPath, long), data);
      assert.deepEqual(await entryBytes(tarPath, 'small'), Buffer.from('hello'));
    });
  }

  it('refuses a symlink entry, naming the archive and the entry', async () => {
    const src = join(dir, 'src-link');
    mkdirSync(src);
    writeFileSync(join(src, 'a'), 'a');
    symlinkSync('/etc/shadow', join(src, 'evil'));
    const tarPath = join(dir, 'link.tar');
    execFileSync('tar', ['-cf', tarPath, '-C', src, '.']);
    await assert.rejects(
      indexTar(tarPath),
      (e: unknown) => layoutError(tarPath)(e) && (e as Error).message.includes('evil'),
    );
  });

  it('refuses absolute and .. names', async () => {
    for (const name of ['/abs/file', '../up', 'blobs/../../up']) {
      const tarPath = join(dir, 'bad-name.tar');
      writeFileSync(
        tarPath,
        buildTar([
          { name: 'ok', data: Buffer.from('ok') },
          { name, data: Buffer.from('x') },
        ]),
      );
      await assert.rejects(indexTar(tarPath), layoutError(name));
    }
  });

  it('refuses a truncated archive (header or data cut off)', async () => {
    const whole = buildTar([{ name: 'big', data: randomBytes(5000) }]);
    for (const cut of [100, 512 + 1000]) {
      const tarPath = join(dir, `cut-${cut}.tar`);
      writeFileSync(tarPath, whole.subarray(0, cut));
      await assert.rejects(indexTar(tarPath), layoutError('truncated'));
    }
  });

  it('refuses a corrupt size field', async () => {
    const t = buildTar([{ name: 'f', data: Buffer.from('abc') }]);
    t.write('99999999999\0', 124, 'ascii'); // 9 is not octal
    const tarPath = join(dir, 'corrupt.tar');
    writeFileSync(tarPath, t);
    await assert.rejects(indexTar(tarPath), layoutError('corrupt tar header'));
  });
});
