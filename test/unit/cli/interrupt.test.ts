// An interrupted run (Ctrl-C, a cancelled CI job, a stopped pod) leaves no staging folder and no output behind.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { keyPair, makeLayout, tempDir, writeKeyPair } from '../../helpers/fixtures.js';

const CLI = fileURLToPath(new URL('../../../dist/cli/index.js', import.meta.url));

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  test(`${signal} during encrypt removes the staging folder and exits ${signal === 'SIGINT' ? 130 : 143}`, async () => {
    const dir = tempDir();
    makeLayout(join(dir, 'src'), {
      layers: [0, 1, 2, 3].map((i) => ({
        files: { [`f${i}`]: randomBytes(48 * 1024 * 1024) },
        compression: 'none' as const,
      })),
    });
    const key = writeKeyPair(dir, 'k', keyPair('p256'));
    const out = join(dir, 'out');
    const child = spawn(process.execPath, [
      CLI,
      'encrypt',
      '--layout',
      join(dir, 'src'),
      '--output',
      out,
      '--recipient',
      key.pub,
    ]);
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    // Signal once the run is under way: its staging folder exists next to the output.
    const staging = () => readdirSync(dir).filter((f) => f.startsWith('.out.oep-'));
    for (let i = 0; i < 500 && staging().length === 0; i++) await sleep(10);
    assert.equal(staging().length, 1, 'the run never started staging');
    child.kill(signal);
    const code = await exited;
    assert.equal(code, signal === 'SIGINT' ? 130 : 143, stderr);
    assert.match(stderr, new RegExp(`interrupted \\(${signal}\\)`));
    assert.deepEqual(staging(), [], 'a staging folder was left behind');
    assert.equal(existsSync(out), false);
  });
}
