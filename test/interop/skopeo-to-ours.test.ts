/**
 * Images skopeo 1.9.3 encrypts open with ours: go-jose's flattened JWE (one recipient), its general JWE with
 * the stray top-level encrypted_key (several recipients), and a partly encrypted image (--encrypt-layer -1).
 * Our inspect reads who skopeo wrapped each layer for.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { keyPair, tempDir, writeKeyPair } from '../helpers/fixtures.js';
import { needPeer } from '../helpers/peers.js';
import {
  assertEncrypted,
  assertSameLayers,
  assertSecretReadable,
  jweItems,
  oursDecrypt,
  oursFails,
  oursInspect,
  protectedHeader,
  secretImage,
  skopeoEncrypt,
} from './interop.js';

/**
 * skopeo gzips the source's uncompressed tar layer before it encrypts it, and its private options then carry
 * the digest of the tar, not of what was encrypted (format doc §3): ours must not trip over either.
 */
const GZ = { gzipped: true };

test('skopeo → ours, one RSA recipient (flattened JWE)', (t) => {
  if (!needPeer(t, 'skopeo')) return;
  const dir = tempDir('oep-interop-');
  const src = join(dir, 'src');
  const enc = join(dir, 'enc');
  secretImage(src);
  const rsa = writeKeyPair(dir, 'rsa', keyPair('rsa2048'));
  const other = writeKeyPair(dir, 'stranger', keyPair('rsa2048'));

  skopeoEncrypt(src, enc, [rsa.pub]);
  for (const l of assertEncrypted(enc, src, undefined, GZ)) {
    const [jwe, ...rest] = jweItems(l);
    assert.equal(rest.length, 0);
    assert.ok(!('recipients' in jwe!), 'go-jose writes one recipient as flattened JSON');
    assert.deepEqual(protectedHeader(jwe!), { alg: 'RSA-OAEP', enc: 'A256GCM' });
  }

  const out = join(dir, 'out');
  oursDecrypt(enc, out, [rsa.priv]);
  assertSameLayers(out, src, GZ);
  assertSecretReadable(out);

  assert.match(
    oursFails(['decrypt', '--layout', enc, '--output', join(dir, 'nope'), '--key', other.priv]),
    /none of the given keys opens layer/,
  );
  // Several keys: the wrong one first, then the right one.
  const out2 = join(dir, 'out2');
  oursDecrypt(enc, out2, [other.priv, rsa.priv]);
  assertSameLayers(out2, src, GZ);
});

test('skopeo → ours, RSA + P-256 + P-521 (general JWE with the top-level encrypted_key): each key alone', (t) => {
  if (!needPeer(t, 'skopeo')) return;
  const dir = tempDir('oep-interop-');
  const src = join(dir, 'src');
  const enc = join(dir, 'enc');
  secretImage(src);
  const rsa = writeKeyPair(dir, 'rsa', keyPair('rsa2048'));
  const p256 = writeKeyPair(dir, 'p256', keyPair('p256'));
  const p521kp = keyPair('p521');
  const p521 = writeKeyPair(dir, 'p521', p521kp);
  // skopeo cannot read SEC1 EC PEM; we can: open the P-521 recipient with that too.
  const p521sec1 = join(dir, 'p521.sec1.pem');
  writeFileSync(p521sec1, p521kp.privateKey.export({ type: 'sec1', format: 'pem' }));

  skopeoEncrypt(src, enc, [rsa.pub, p256.pub, p521.pub]);
  for (const l of assertEncrypted(enc, src, undefined, GZ)) {
    const items = jweItems(l);
    assert.equal(items.length, 1);
    const jwe = items[0]!;
    assert.ok('recipients' in jwe, 'several recipients: general JSON');
    assert.deepEqual(protectedHeader(jwe), { enc: 'A256GCM' });
    assert.equal(jwe.recipients.length, 3);
    // go-jose's quirk, which this test exists to exercise: a copy of recipient 0's encrypted_key at the top.
    const top = (jwe as { encrypted_key?: string }).encrypted_key;
    assert.equal(
      top,
      jwe.recipients[0]!.encrypted_key,
      'go-jose no longer writes the top-level encrypted_key',
    );
  }

  for (const [name, key] of Object.entries({ rsa: rsa.priv, p256: p256.priv, p521: p521.priv, p521sec1 })) {
    const out = join(dir, `out-${name}`);
    oursDecrypt(enc, out, [key]);
    assertSameLayers(out, src, GZ);
  }
});

test('skopeo → ours, --encrypt-layer -1: only the top layer is encrypted, and ours opens it', (t) => {
  if (!needPeer(t, 'skopeo')) return;
  const dir = tempDir('oep-interop-');
  const src = join(dir, 'src');
  const enc = join(dir, 'enc');
  const out = join(dir, 'out');
  secretImage(src);
  const p384 = writeKeyPair(dir, 'p384', keyPair('p384'));

  skopeoEncrypt(src, enc, [p384.pub], ['--encrypt-layer', '-1']);
  assertEncrypted(enc, src, [1], GZ);
  const report = oursInspect(enc);
  assert.equal(report.platforms.length, 1);
  assert.deepEqual(
    report.platforms[0]!.layers.map((l) => [l.index, l.encrypted]),
    [
      [0, false],
      [1, true],
    ],
  );

  oursDecrypt(enc, out, [p384.priv]);
  assertSameLayers(out, src, GZ);
  assertSecretReadable(out);
});

test('our inspect reports the recipients skopeo wrapped for (RSA-OAEP, ECDH-ES+A256KW and the curve)', (t) => {
  if (!needPeer(t, 'skopeo')) return;
  const dir = tempDir('oep-interop-');
  const src = join(dir, 'src');
  secretImage(src);
  const rsa = writeKeyPair(dir, 'rsa', keyPair('rsa2048'));
  const p256 = writeKeyPair(dir, 'p256', keyPair('p256'));
  const p384 = writeKeyPair(dir, 'p384', keyPair('p384'));

  const cases = [
    {
      name: 'general',
      keys: [rsa.pub, p256.pub],
      want: [{ alg: 'RSA-OAEP' }, { alg: 'ECDH-ES+A256KW', crv: 'P-256' }],
    },
    { name: 'flattened-rsa', keys: [rsa.pub], want: [{ alg: 'RSA-OAEP' }] },
    { name: 'flattened-ec', keys: [p384.pub], want: [{ alg: 'ECDH-ES+A256KW', crv: 'P-384' }] },
  ];
  for (const c of cases) {
    const enc = join(dir, c.name);
    skopeoEncrypt(src, enc, c.keys);
    const report = oursInspect(enc);
    const layers = report.platforms[0]!.layers;
    assert.equal(layers.length, 2);
    for (const l of layers) {
      assert.equal(l.encrypted, true, `${c.name}: layer ${l.index}`);
      assert.deepEqual(
        l.recipients,
        [{ scheme: 'jwe', items: 1, recipients: c.want }],
        `${c.name}: layer ${l.index}`,
      );
    }
  }
});
