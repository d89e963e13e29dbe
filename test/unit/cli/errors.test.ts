/**
 * The CLI's error line for a fault of our own: something that is not an OepError (here, stdout throwing while
 * `--version` prints) is `error[E_INTERNAL]: …` on one line, exit 1; its stack follows only under OEP_DEBUG=1.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { main } from '../../../src/cli/cli.js';

describe('CLI: an unexpected error', () => {
  const write = { out: process.stdout.write, err: process.stderr.write };
  const debug = process.env.OEP_DEBUG;
  let stderr = '';

  beforeEach(() => {
    stderr = '';
    process.stdout.write = () => {
      throw new TypeError('stdout is gone');
    };
    process.stderr.write = (chunk: string | Uint8Array) => {
      stderr += String(chunk);
      return true;
    };
  });
  afterEach(() => {
    process.stdout.write = write.out;
    process.stderr.write = write.err;
    if (debug === undefined) delete process.env.OEP_DEBUG;
    else process.env.OEP_DEBUG = debug;
  });

  test('is one E_INTERNAL line that says to report it, exit 1, no stack', async () => {
    delete process.env.OEP_DEBUG;
    const status = await main(['--version']);
    assert.equal(status, 1);
    assert.match(
      stderr,
      /^error\[E_INTERNAL\]: TypeError: stdout is gone \(a bug in oci-encrypt-push: run again with OEP_DEBUG=1[^\n]*\)\n$/,
    );
  });

  test('with OEP_DEBUG=1, the same line and then the stack', async () => {
    process.env.OEP_DEBUG = '1';
    const status = await main(['--version']);
    assert.equal(status, 1);
    const [line, ...stack] = stderr.trimEnd().split('\n');
    assert.match(line!, /^error\[E_INTERNAL\]: TypeError: stdout is gone \(/);
    assert.equal(stack[0], 'TypeError: stdout is gone');
    assert.match(stack[1]!, /^\s+at /);
  });
});
