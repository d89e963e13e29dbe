/**
 * The file loop opens the blob the source checked: a link or FIFO swapped in since is refused, never followed.
 * The loop a push sends as it goes (madeChunks) makes the file loop's bytes, an empty layer included, and
 * refuses the same swaps, whether it reads the blob in one go (small) or through a FileHandle.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isOepError } from '../../../src/errors.js';
import { madeChunks, runFileJob, type FileJob } from '../../../src/host/layer-files.js';
import { sha256, tempDir } from '../../helpers/fixtures.js';

describe('runFileJob: the source file', () => {
  const dir = tempDir();
  const data = Buffer.from('layer bytes');
  const job = (path: string, out: string): FileJob => ({
    mode: 'copy',
    source: { path, offset: 0, size: data.length },
    expected: { digest: sha256(data), size: data.length },
    sourceName: 'layout',
    out,
  });

  it('copies a regular file (the control case)', async () => {
    const path = join(dir, 'blob');
    writeFileSync(path, data);
    const r = await runFileJob(job(path, join(dir, 'out-ok')));
    assert.equal(r.digest, sha256(data));
  });

  it('refuses a FIFO swapped in after the check, at once, and leaves no output', async () => {
    const path = join(dir, 'fifo');
    execFileSync('mkfifo', [path]);
    const out = join(dir, 'out-fifo');
    await assert.rejects(runFileJob(job(path, out)), (e) => isOepError(e, 'E_DIGEST'));
    assert.equal(existsSync(out), false);
  });

  it('refuses a symlink swapped in after the check', async () => {
    const target = join(dir, 'elsewhere');
    writeFileSync(target, data);
    const path = join(dir, 'link');
    symlinkSync(target, path);
    await assert.rejects(runFileJob(job(path, join(dir, 'out-link'))), (e) => isOepError(e, 'E_DIGEST'));
  });
});

describe('madeChunks: a layer made as it is sent', () => {
  const dir = tempDir();
  const made = async (data: Buffer) => {
    const path = join(dir, `blob-${data.length}`);
    writeFileSync(path, data);
    const key = Buffer.alloc(32, 7);
    const nonce = Buffer.alloc(16, 9);
    const common = { mode: 'encrypt' as const, key, nonce, sourceName: 'layout' };
    const job = { ...common, source: { path, offset: 0, size: data.length } };
    const m = madeChunks({ ...job, expected: { digest: sha256(data), size: data.length } });
    const parts: Buffer[] = [];
    for await (const c of m.chunks) parts.push(c);
    const out = join(dir, `file-${data.length}`);
    const file = await runFileJob({ ...job, expected: { digest: sha256(data), size: data.length }, out });
    return { result: await m.result, bytes: Buffer.concat(parts), file, fileBytes: readFileSync(out) };
  };

  it('an empty layer settles its result (digest, MAC) as the file loop does', async () => {
    const r = await made(Buffer.alloc(0));
    assert.equal(r.bytes.length, 0);
    assert.deepEqual(
      { ...r.result, hmac: Buffer.from(r.result.hmac!) },
      { ...r.file, hmac: Buffer.from(r.file.hmac!) },
    );
  });

  it("a layer of a few chunks gives the file loop's bytes, digest and MAC", async () => {
    const r = await made(randomBytes(2 * 1024 * 1024 + 5));
    assert.ok(r.bytes.equals(r.fileBytes));
    assert.equal(r.result.digest, sha256(r.bytes));
    assert.deepEqual(Buffer.from(r.result.hmac!), Buffer.from(r.file.hmac!));
  });

  it("a layer of one chunk or less (read with plain system calls) gives the file loop's bytes", async () => {
    for (const size of [1, 10 * 1024, 1024 * 1024]) {
      const r = await made(randomBytes(size));
      assert.ok(r.bytes.equals(r.fileBytes), `${size} bytes`);
      assert.equal(r.result.digest, sha256(r.bytes));
    }
  });

  it('refuses a FIFO or a symlink swapped in after the check, small or large, at once', async () => {
    const target = join(dir, 'target');
    writeFileSync(target, 'x');
    const fifo = join(dir, 'swapped-fifo');
    execFileSync('mkfifo', [fifo]);
    const link = join(dir, 'swapped-link');
    symlinkSync(target, link);
    for (const path of [fifo, link]) {
      for (const size of [10, 2 * 1024 * 1024]) {
        const job = { mode: 'copy' as const, sourceName: 'layout', source: { path, offset: 0, size } };
        const m = madeChunks({ ...job, expected: { digest: sha256(Buffer.alloc(size)), size } });
        const drain = async () => {
          for await (const c of m.chunks) assert.fail(`read ${c.length} bytes of ${path}`);
        };
        await assert.rejects(drain(), (e) => isOepError(e, 'E_DIGEST'), `${path}, ${size} bytes`);
        await assert.rejects(m.result, (e) => isOepError(e, 'E_DIGEST'));
      }
    }
  });
});
