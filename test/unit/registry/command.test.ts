/**
 * The default command runner (credential helpers, key providers): a program that outlives its timeout, leaves
 * children holding the pipes, or floods its output is stopped, and the run goes on at once.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_STDOUT, spawnCommand } from '../../../src/registry/command.js';

describe('spawnCommand', () => {
  it('answers with the output and exit code of a program', async () => {
    const r = await spawnCommand('sh', ['-c', 'cat; echo err >&2; exit 3'], { input: 'hello' });
    assert.deepEqual([r.code, r.stdout, r.stderr.trim(), r.timedOut], [3, 'hello', 'err', undefined]);
  });

  it('stops a program and the children it started at the timeout, without waiting for them', async () => {
    const started = Date.now();
    const r = await spawnCommand('sh', ['-c', 'sleep 30 & cat >/dev/null; sleep 30'], {
      input: '',
      timeoutMs: 500,
    });
    assert.equal(r.timedOut, true);
    assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
  });

  it('stops a program whose output exceeds the cap, with a clear answer instead of a crash', async () => {
    const r = await spawnCommand('sh', ['-c', 'yes xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'], {
      input: '',
      timeoutMs: 20_000,
    });
    assert.notEqual(r.code, 0);
    assert.ok(r.stdout.length <= MAX_STDOUT);
    assert.match(r.stderr, /exceeded/);
  });
});
