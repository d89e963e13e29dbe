/**
 * Byte-level agreement with skopeo on what an encrypted layer carries: the same annotations, the pubopts JSON
 * exactly as Go writes it, and inside the JWE (opened here with jose and the private key, not with our code)
 * the private options with Go's field order. The key and nonce are then used with node:crypto alone to check
 * the cipher and the MAC on the blob.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { test } from 'node:test';
import { keyPair, readBlob, tempDir, writeKeyPair, type KeyPair } from '../helpers/fixtures.js';
import { needPeer } from '../helpers/peers.js';
import {
  ANN_JWE,
  ANN_PUBOPTS,
  jweItems,
  layers,
  MT_TAR,
  MT_TAR_GZ,
  openWithOptions,
  oursEncrypt,
  PRIVOPTS_RE,
  protectedHeader,
  PUBOPTS_RE,
  pubopts,
  secretImage,
  skopeoEncrypt,
  unwrap,
  type Descriptor,
} from './interop.js';

interface LayerView {
  annotationKeys: string[];
  pub: string;
  priv: string;
  jweMembers: string[];
  headers: Record<string, unknown>[];
}

/** Everything about one encrypted layer that both tools should agree on, checked against the source layer. */
async function view(
  enc: string,
  l: Descriptor,
  src: string,
  s: Descriptor,
  key: KeyPair,
): Promise<LayerView> {
  const pub = pubopts(l);
  assert.match(pub, PUBOPTS_RE);
  const [jwe, ...rest] = jweItems(l);
  assert.equal(rest.length, 0);
  const priv = await unwrap(jwe!, key.privateKey);
  assert.match(priv, PRIVOPTS_RE);
  // Go's field order, not just the same fields.
  assert.deepEqual(Object.keys(JSON.parse(priv) as object), ['symkey', 'digest', 'cipheroptions']);
  assert.deepEqual(Object.keys(JSON.parse(pub) as object), ['cipher', 'hmac', 'cipheroptions']);
  // `digest` is the source descriptor's digest, for both tools, even when skopeo gzipped the layer first.
  assert.equal((JSON.parse(priv) as { digest: string }).digest, s.digest);

  const plain = openWithOptions(priv, pub, readBlob(enc, l.digest));
  const source = readBlob(src, s.digest);
  if (s.mediaType === MT_TAR && l.mediaType === `${MT_TAR_GZ}+encrypted`) {
    // skopeo gzipped the uncompressed layer before encrypting it.
    assert.ok(gunzipSync(plain).equals(source), 'decrypted (and gunzipped) layer differs from the source');
  } else {
    assert.ok(plain.equals(source), 'decrypted layer differs from the source');
  }

  const members = Object.keys(jwe!).filter((k) => k !== 'encrypted_key' || !('recipients' in jwe!));
  const headers = 'recipients' in jwe! ? jwe.recipients.map((r) => r.header ?? {}) : [protectedHeader(jwe!)];
  return {
    annotationKeys: Object.keys(l.annotations ?? {}).sort(),
    pub,
    priv,
    jweMembers: members.sort(),
    headers,
  };
}

/** Header names per recipient, and the header values that do not vary between runs. */
function shape(h: Record<string, unknown>): unknown {
  const epk = h.epk as Record<string, unknown> | undefined;
  return {
    names: Object.keys(h).sort(),
    alg: h.alg,
    enc: h.enc,
    ...(epk ? { epk: Object.keys(epk).sort(), crv: epk.crv, kty: epk.kty } : {}),
  };
}

async function compare(keys: KeyPair[], label: string): Promise<void> {
  const dir = tempDir('oep-interop-');
  const src = join(dir, 'src');
  secretImage(src);
  const pubs = keys.map((k, i) => writeKeyPair(dir, `k${i}`, k).pub);
  const oursDir = join(dir, 'ours');
  const theirs = join(dir, 'skopeo');
  oursEncrypt(src, oursDir, pubs);
  skopeoEncrypt(src, theirs, pubs);

  const srcLayers = layers(src);
  const a = layers(oursDir);
  const b = layers(theirs);
  for (const [i, s] of srcLayers.entries()) {
    // Every recipient's key opens both tools' JWEs.
    for (const key of keys) {
      const mine = await view(oursDir, a[i]!, src, s, key);
      const skopeos = await view(theirs, b[i]!, src, s, key);
      const what = `${label}, layer ${i}`;
      assert.deepEqual(mine.annotationKeys, [ANN_JWE, ANN_PUBOPTS], what);
      assert.deepEqual(mine.annotationKeys, skopeos.annotationKeys, what);
      assert.deepEqual(mine.jweMembers, skopeos.jweMembers, `${what}: JWE members`);
      assert.deepEqual(mine.headers.map(shape), skopeos.headers.map(shape), `${what}: JWE headers`);
    }
  }
}

test('annotations: one RSA recipient, ours and skopeo write the same shapes', async (t) => {
  if (!needPeer(t, 'skopeo')) return;
  await compare([keyPair('rsa2048')], 'RSA');
});

test('annotations: one EC P-256 recipient, ours and skopeo write the same shapes', async (t) => {
  if (!needPeer(t, 'skopeo')) return;
  await compare([keyPair('p256')], 'P-256');
});

test('annotations: RSA + P-384 (general JWE), ours and skopeo write the same shapes', async (t) => {
  if (!needPeer(t, 'skopeo')) return;
  await compare([keyPair('rsa2048'), keyPair('p384')], 'RSA + P-384');
});
