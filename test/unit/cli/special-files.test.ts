/**
 * Key, CA and key-provider configuration files that are not regular files: a FIFO would block a plain read
 * forever (no writer ever comes), a device never ends. Each is refused at once with one error naming the path;
 * the CLI is killed after 30 s, so a regression fails here instead of hanging the suite.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { assertOneError, runCli } from '../../helpers/cli.js';
import { makeLayout, tempDir } from '../../helpers/fixtures.js';
import { assertNothingWritten } from '../pipeline/support.js';

const WITHIN = 30_000;

describe('CLI: FIFOs, devices and huge files given as keys, CAs or configuration', () => {
  const dir = tempDir();
  const layout = join(dir, 'layout');
  makeLayout(layout, { layers: [{ files: { a: 'base' } }] });
  const fifo = join(dir, 'key.pem');
  execFileSync('mkfifo', [fifo]);
  const out = join(dir, 'out');
  const encrypt = (more: string[], env: NodeJS.ProcessEnv = {}) =>
    runCli(['encrypt', '--layout', layout, '--output', out, ...more], { env, timeoutMs: WITHIN });
  const providerConfig = (entry: object) => {
    const file = join(dir, `providers-${Math.random()}.json`);
    writeFileSync(file, JSON.stringify({ 'key-providers': { kms: entry } }));
    return file;
  };

  const cases: [string, () => ReturnType<typeof runCli>, number, string[]][] = [
    [
      'decrypt --key FIFO',
      () => runCli(['decrypt', '--layout', layout, '--output', out, '--key', fifo], { timeoutMs: WITHIN }),
      1,
      ['E_KEY', fifo, 'not a regular file'],
    ],
    [
      'decrypt --key /dev/zero',
      () =>
        runCli(['decrypt', '--layout', layout, '--output', out, '--key', '/dev/zero'], {
          timeoutMs: WITHIN,
        }),
      1,
      ['E_KEY', '/dev/zero', 'not a regular file'],
    ],
    [
      'encrypt --recipient FIFO',
      () => encrypt(['--recipient', fifo]),
      1,
      ['E_KEY', fifo, 'not a regular file'],
    ],
    [
      '--keyprovider-config FIFO',
      () => encrypt(['--recipient', 'provider:kms', '--keyprovider-config', fifo]),
      1,
      ['E_KEY', `keyprovider-config ${fifo}`, 'not a regular file'],
    ],
    [
      'OCICRYPT_KEYPROVIDER_CONFIG=FIFO',
      () => encrypt(['--recipient', 'provider:kms'], { OCICRYPT_KEYPROVIDER_CONFIG: fifo }),
      1,
      ['E_KEY', `OCICRYPT_KEYPROVIDER_CONFIG ${fifo}`, 'not a regular file'],
    ],
    [
      'grpc-tls root-ca-file FIFO',
      () =>
        encrypt([
          '--recipient',
          'provider:kms',
          '--keyprovider-config',
          providerConfig({ grpc: '127.0.0.1:1', 'grpc-tls': { 'root-ca-file': fifo } }),
        ]),
      1,
      ['E_KEY', `grpc-tls ${fifo}`, 'not a regular file'],
    ],
    [
      'inspect --ca-file FIFO',
      () => runCli(['inspect', '--image', '127.0.0.1:1/x', '--ca-file', fifo], { timeoutMs: WITHIN }),
      2,
      ['E_USAGE', fifo, 'not a regular file'],
    ],
  ];
  for (const [name, run, status, mentions] of cases) {
    it(`${name}: one error naming the path, at once`, () => {
      assertOneError(run(), status, mentions);
      assertNothingWritten(out);
    });
  }

  it('a key file over 1 MiB is refused as such', () => {
    const big = join(dir, 'big.pem');
    writeFileSync(big, Buffer.alloc(1024 * 1024 + 1, 65));
    const r = runCli(['decrypt', '--layout', layout, '--output', out, '--key', big], { timeoutMs: WITHIN });
    assertOneError(r, 1, ['E_KEY', big, 'larger than 1 MiB']);
    assert.equal(r.stdout, '');
  });
});
