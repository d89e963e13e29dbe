/**
 * Images we encrypt open with skopeo (Debian bookworm: skopeo 1.9.3, ocicrypt 1.0.3, go-jose v2): every key
 * type we wrap to, one at a time and all in one run; the layers skopeo decrypts are the source's bytes, and a
 * key the image was not encrypted for opens nothing.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { keyPair, tempDir, writeKeyPair, type KeyKind, type KeyPair } from '../helpers/fixtures.js';
import { needPeer, skopeo } from '../helpers/peers.js';
import {
  assertEncrypted,
  assertSameLayers,
  assertSecretReadable,
  jweItems,
  layers,
  oursEncrypt,
  protectedHeader,
  secretImage,
  skopeoDecrypt,
  skopeoFails,
} from './interop.js';

interface Case {
  name: string;
  kind: KeyKind;
  /** Give the recipient as a public JWK carrying this `alg` instead of SPKI PEM. */
  jwkAlg?: string;
  alg: string;
  crv?: string;
}

const CASES: Case[] = [
  { name: 'RSA 2048 (SPKI PEM)', kind: 'rsa2048', alg: 'RSA-OAEP' },
  { name: 'RSA 4096 (SPKI PEM)', kind: 'rsa4096', alg: 'RSA-OAEP' },
  { name: 'EC P-256 (SPKI PEM)', kind: 'p256', alg: 'ECDH-ES+A256KW', crv: 'P-256' },
  { name: 'EC P-384 (SPKI PEM)', kind: 'p384', alg: 'ECDH-ES+A256KW', crv: 'P-384' },
  { name: 'EC P-521 (SPKI PEM)', kind: 'p521', alg: 'ECDH-ES+A256KW', crv: 'P-521' },
  {
    name: 'RSA 2048 JWK with "alg":"RSA-OAEP-256"',
    kind: 'rsa2048',
    jwkAlg: 'RSA-OAEP-256',
    alg: 'RSA-OAEP-256',
  },
  // Beyond skopeo 1.9.3 itself (it cannot encrypt to EC JWKs), but what we write from one must still open.
  {
    name: 'EC P-384 JWK with "alg":"ECDH-ES+A256KW"',
    kind: 'p384',
    jwkAlg: 'ECDH-ES+A256KW',
    alg: 'ECDH-ES+A256KW',
    crv: 'P-384',
  },
];

/** A key of the same family the images were not encrypted for (RSA 2048 stands in for RSA 4096: keygen is slow). */
const strangers = new Map<string, KeyPair>();
function stranger(kind: KeyKind): KeyPair {
  const k: KeyKind = kind.startsWith('rsa') ? 'rsa2048' : kind;
  if (!strangers.has(k)) strangers.set(k, keyPair(k));
  return strangers.get(k)!;
}

function writeRecipient(
  dir: string,
  name: string,
  kp: KeyPair,
  jwkAlg?: string,
): { pub: string; priv: string } {
  const paths = writeKeyPair(dir, name, kp);
  if (!jwkAlg) return paths;
  const jwk = join(dir, `${name}.pub.jwk`);
  writeFileSync(jwk, JSON.stringify({ ...kp.publicKey.export({ format: 'jwk' }), alg: jwkAlg, use: 'enc' }));
  return { pub: jwk, priv: paths.priv };
}

describe('ours → skopeo, one recipient', () => {
  for (const c of CASES) {
    test(c.name, (t) => {
      if (!needPeer(t, 'skopeo')) return;
      const dir = tempDir('oep-interop-');
      const src = join(dir, 'src');
      const enc = join(dir, 'enc');
      secretImage(src);
      const kp = keyPair(c.kind);
      const { pub, priv } = writeRecipient(dir, 'me', kp, c.jwkAlg);
      const other = writeKeyPair(dir, 'stranger', stranger(c.kind)).priv;

      oursEncrypt(src, enc, [pub]);
      const encLayers = assertEncrypted(enc, src);
      for (const l of encLayers) {
        const [jwe, ...rest] = jweItems(l);
        assert.equal(rest.length, 0, 'one wrap run gives one JWE item');
        assert.ok(!('recipients' in jwe!), 'one recipient gives flattened JSON, as go-jose writes it');
        const h = protectedHeader(jwe!);
        assert.equal(h.alg, c.alg);
        assert.equal(h.enc, 'A256GCM');
        assert.equal((h.epk as { crv?: string } | undefined)?.crv, c.crv);
      }

      // The right key: skopeo decrypts, and the layers are the source's bytes.
      const out = join(dir, 'out');
      skopeoDecrypt(enc, out, priv);
      assertSameLayers(out, src);
      assertSecretReadable(out);

      // An unrelated key of the same family opens nothing.
      const stderr = skopeoFails([
        'copy',
        '--decryption-key',
        other,
        `oci:${enc}:latest`,
        `oci:${join(dir, 'nope')}:latest`,
      ]);
      assert.match(stderr, /none of the private keys could be used for decryption/);
    });
  }
});

test('ours → skopeo: without a key skopeo copies the layers still encrypted', (t) => {
  if (!needPeer(t, 'skopeo')) return;
  const dir = tempDir('oep-interop-');
  const src = join(dir, 'src');
  const enc = join(dir, 'enc');
  const copy = join(dir, 'copy');
  secretImage(src);
  const { pub } = writeKeyPair(dir, 'me', keyPair('p256'));
  oursEncrypt(src, enc, [pub]);
  skopeo(['copy', '--quiet', `oci:${enc}:latest`, `oci:${copy}:latest`]);
  assert.deepEqual(layers(copy), layers(enc), 'skopeo changed encrypted layers it has no key for');
});

test('ours → skopeo, RSA + P-256 + P-384 in one run: each private key alone opens the image', (t) => {
  if (!needPeer(t, 'skopeo')) return;
  const dir = tempDir('oep-interop-');
  const src = join(dir, 'src');
  const enc = join(dir, 'enc');
  secretImage(src);
  const keys = (['rsa2048', 'p256', 'p384'] as const).map((k) => writeKeyPair(dir, k, keyPair(k)));

  oursEncrypt(
    src,
    enc,
    keys.map((k) => k.pub),
  );
  for (const l of assertEncrypted(enc, src)) {
    const items = jweItems(l);
    assert.equal(items.length, 1, 'all recipients of one run share one JWE item');
    const jwe = items[0]!;
    assert.ok('recipients' in jwe, 'several recipients give general JSON');
    assert.deepEqual(protectedHeader(jwe), { enc: 'A256GCM' }, 'enc (only) in the protected header');
    assert.deepEqual(
      jwe.recipients.map((r) => [r.header?.alg, (r.header?.epk as { crv?: string } | undefined)?.crv]),
      [
        ['RSA-OAEP', undefined],
        ['ECDH-ES+A256KW', 'P-256'],
        ['ECDH-ES+A256KW', 'P-384'],
      ],
    );
  }

  for (const [i, k] of keys.entries()) {
    const out = join(dir, `out-${i}`);
    skopeoDecrypt(enc, out, k.priv);
    assertSameLayers(out, src);
  }
  const other = writeKeyPair(dir, 'stranger', stranger('p256')).priv;
  assert.match(
    skopeoFails(['copy', '--decryption-key', other, `oci:${enc}:latest`, `oci:${join(dir, 'nope')}:latest`]),
    /none of the private keys could be used for decryption/,
  );
});

for (const form of [['--encrypt-layers=-1'], ['--encrypt-layers', '-1']]) {
  // BUG (src/cli/args.ts, parseCommand): the space-separated form, which USAGE documents ("-1 is the top
  // layer") and skopeo users type (`--encrypt-layer -1`), fails: node:util parseArgs (strict) refuses an option
  // value starting with "-" ("argument is ambiguous"), exit 2. Only `--encrypt-layers=-1` works today. This
  // test fails for the second form until args.ts passes negative layer lists through.
  test(`ours → skopeo, ${form.join(' ')}: skopeo decrypts the top layer and the base stays as it was`, (t) => {
    if (!needPeer(t, 'skopeo')) return;
    const dir = tempDir('oep-interop-');
    const src = join(dir, 'src');
    const enc = join(dir, 'enc');
    const out = join(dir, 'out');
    secretImage(src);
    const { pub, priv } = writeKeyPair(dir, 'me', keyPair('rsa2048'));
    oursEncrypt(src, enc, [pub], form);
    assertEncrypted(enc, src, [1]);
    skopeoDecrypt(enc, out, priv);
    assertSameLayers(out, src);
  });
}
