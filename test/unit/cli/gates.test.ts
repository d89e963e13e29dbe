/** The release-gate flags on the command line: --help documents them, key text is refused, --output is gated. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { assertOneError, runCli } from '../../helpers/cli.js';
import { keyPair, makeLayout, tempDir, writeKeyPair } from '../../helpers/fixtures.js';
import { assertNothingWritten } from '../pipeline/support.js';

describe('CLI release gates', () => {
  const dir = tempDir();
  const layout = join(dir, 'layout');
  makeLayout(layout, { layers: [{ files: { a: 'a' } }] });
  const kp = keyPair('p256');
  const alice = writeKeyPair(dir, 'alice', kp);

  it('--help lists --verify-key, --expect-recipients and --config-secrets, and what they do', () => {
    const r = runCli(['--help']);
    assert.equal(r.status, 0);
    for (const s of [
      '[--verify-key PRIV]...',
      '[--expect-recipients FP,...]',
      '[--config-secrets warn|fail|off]',
      'Release gates:',
      'no digest is printed',
      'never the value',
    ])
      assert.ok(r.stdout.includes(s), `--help lacks ${s}`);
  });

  it('--verify-key takes a path: key text on the command line is refused without echoing it', () => {
    const out = join(dir, 'out-text');
    const base = ['encrypt', '--layout', layout, '--output', out, '--recipient', alice.pub];
    const jwk = JSON.stringify(kp.privateKey.export({ format: 'jwk' }));
    for (const args of [[`--verify-key=${kp.privatePem}`], ['--verify-key', jwk]]) {
      const r = runCli([...base, ...args]);
      assertOneError(r, 2, ['--verify-key: the value is key text']);
      assert.ok(!r.stderr.includes(kp.privatePem.split('\n')[1]!) && !r.stderr.includes(jwk), r.stderr);
    }
    assertNothingWritten(out);
  });

  it('--verify-key belongs to encrypt', () => {
    assertOneError(
      runCli([
        'decrypt',
        '--layout',
        layout,
        '--output',
        join(dir, 'd'),
        '--key',
        alice.priv,
        '--verify-key',
        alice.priv,
      ]),
      2,
      ['decrypt does not take --verify-key'],
    );
  });

  it('--output with the right --verify-key: written, and the gate is reported', () => {
    const r = runCli([
      'encrypt',
      '--layout',
      layout,
      '--output',
      join(dir, 'out'),
      '--recipient',
      alice.pub,
      '--verify-key',
      alice.priv,
    ]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(
      r.stderr,
      /decryptability gate: passed for sha256:[0-9a-f]{64} \(1 encrypted layer\(s\); 1 decrypted in full, HMAC checked\)/,
    );
  });
});
