/** The file loop opens the blob the source checked: a link or FIFO swapped in since is refused, never followed. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isOepError } from '../../../src/errors.js';
import { runFileJob, type FileJob } from '../../../src/host/layer-files.js';
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
