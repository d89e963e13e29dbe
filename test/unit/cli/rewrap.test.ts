// `oci-encrypt-push rewrap` on layouts: the help says what a rewrap revokes (nothing) and what does (--rekey);
// each usage mistake is one error line naming the flag; a rewrap and a rekey give the report users read.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { assertOneError, runCli } from '../../helpers/cli.js';
import { fingerprintOf, keyPair, makeLayout, tempDir, writeKeyPair } from '../../helpers/fixtures.js';

describe('rewrap (CLI)', () => {
  const dir = tempDir();
  const src = join(dir, 'src');
  makeLayout(src, { layers: [{ files: { 'a.txt': 'base\n' } }, { files: { 'b.txt': 'app\n' } }] });
  const ka = keyPair('rsa2048');
  const kb = keyPair('p256');
  const a = writeKeyPair(dir, 'a', ka);
  const b = writeKeyPair(dir, 'b', kb);
  const enc = join(dir, 'enc');
  const made = runCli([
    'encrypt',
    '--layout',
    src,
    '--output',
    enc,
    '--recipient',
    a.pub,
    '--encrypt-layers=-1',
  ]);
  assert.equal(made.status, 0, made.stderr);

  it('--help says that removing a recipient revokes nothing, and that --rekey is what revocation needs', () => {
    const r = runCli(['--help']);
    assert.equal(r.status, 0);
    const text = r.stdout.replace(/\s+/g, ' ');
    assert.match(text, /oci-encrypt-push rewrap \(--layout PATH \[--ref-name NAME\] \| --from REF\)/);
    assert.match(text, /Removing a recipient this way does NOT revoke anything/);
    assert.match(text, /--rekey re-encrypts every encrypted layer with a fresh key/);
    assert.match(text, /what revocation needs/);
  });

  for (const [name, args, mentions] of [
    ['no source', ['--output', join(dir, 'x'), '--key', a.priv, '--recipient', b.pub], ['from:', '--layout']],
    [
      'two sources',
      [
        '--layout',
        enc,
        '--from',
        'r.example/a:1',
        '--output',
        join(dir, 'x'),
        '--key',
        a.priv,
        '--recipient',
        b.pub,
      ],
      ['from: and layout are both set'],
    ],
    ['no destination', ['--layout', enc, '--key', a.priv, '--recipient', b.pub], ['image:', '--output DIR']],
    [
      'two destinations',
      [
        '--layout',
        enc,
        '--image',
        'r.example/a:1',
        '--output',
        join(dir, 'x'),
        '--key',
        a.priv,
        '--recipient',
        b.pub,
      ],
      ['output: and image are both set'],
    ],
    [
      'no key',
      ['--layout', enc, '--output', join(dir, 'x'), '--recipient', b.pub],
      ['rewrap needs at least one --key'],
    ],
    ['no recipient', ['--layout', enc, '--output', join(dir, 'x'), '--key', a.priv], ['E_NO_RECIPIENT']],
    [
      'a --rekey that is neither true nor false',
      ['--layout', enc, '--output', join(dir, 'x'), '--key', a.priv, '--recipient', b.pub, '--rekey=maybe'],
      ['rekey: "maybe" is not true or false'],
    ],
    [
      'a flag of encrypt',
      ['--layout', enc, '--output', join(dir, 'x'), '--encrypt-layers', '0'],
      ['--encrypt-layers'],
    ],
  ] as const) {
    it(`refuses ${name} with one error line, writing nothing`, () => {
      const r = runCli(['rewrap', ...args]);
      assertOneError(r, name === 'no recipient' ? 1 : 2, [...mentions]);
      assert.equal(existsSync(join(dir, 'x')), false);
    });
  }

  it('rewraps for {A, B}: the same blob, the new recipients reported; a rekey makes a new blob', () => {
    const ab = join(dir, 'ab');
    const r = runCli([
      ...['rewrap', '--layout', enc, '--output', ab, '--key', a.priv, '--json'],
      ...['--recipient', a.pub, '--recipient', b.pub],
    ]);
    assert.equal(r.status, 0, r.stderr);
    const report = JSON.parse(r.stdout) as {
      platforms: { layers: { action: string; digest: string; sourceDigest: string }[] }[];
      recipients: { source: string; fingerprint: string }[];
    };
    const layers = report.platforms[0]!.layers;
    assert.deepEqual(
      layers.map((l) => [l.action, l.digest === l.sourceDigest]),
      [
        ['kept', true],
        ['rewrapped', true],
      ],
    );
    assert.deepEqual(
      report.recipients.map((x) => x.source),
      [a.pub, b.pub],
    );
    assert.deepEqual(
      report.recipients.map((x) => x.fingerprint),
      [fingerprintOf(ka.publicKey), fingerprintOf(kb.publicKey)],
      'fingerprints in the form --expect-recipients takes',
    );
    const back = runCli(['decrypt', '--layout', ab, '--key', b.priv, '--output', join(dir, 'plain-b')]);
    assert.equal(back.status, 0, back.stderr);

    const bk = join(dir, 'bk');
    const k = runCli([
      'rewrap',
      '--layout',
      ab,
      '--output',
      bk,
      '--key',
      b.priv,
      '--recipient',
      b.pub,
      '--rekey',
      '--json',
    ]);
    assert.equal(k.status, 0, k.stderr);
    const rekeyed = (JSON.parse(k.stdout) as typeof report).platforms[0]!.layers[1]!;
    assert.equal(rekeyed.action, 'rekeyed');
    assert.notEqual(rekeyed.digest, rekeyed.sourceDigest);
    assertOneError(runCli(['decrypt', '--layout', bk, '--key', a.priv, '--output', join(dir, 'no')]), 1, [
      'E_DECRYPT',
    ]);
  });

  it('--expect-recipients pins a rewrap: the exact set passes, a mismatch fails before anything is written', () => {
    const base = ['rewrap', '--layout', enc, '--key', a.priv, '--recipient', a.pub, '--recipient', b.pub];
    const both = `${fingerprintOf(kb.publicKey)},${fingerprintOf(ka.publicKey)}`;
    const ok = runCli([...base, '--output', join(dir, 'pinned'), '--expect-recipients', both]);
    assert.equal(ok.status, 0, ok.stderr);
    const out = join(dir, 'pinned-wrong');
    const r = runCli([...base, '--output', out, '--expect-recipients', fingerprintOf(ka.publicKey)]);
    const line = assertOneError(r, 1, ['E_RECIPIENTS', 'expect-recipients', fingerprintOf(kb.publicKey)]);
    assert.match(line, /nothing was encrypted or pushed/);
    assert.equal(existsSync(out), false);
  });
});
