/**
 * Shared steps of the interop tests: a source image holding known secrets, our CLI and skopeo run on OCI layout
 * folders, and checks on what they wrote (layers byte-equal to the source, annotations decoded, JWEs opened).
 * Not a test file itself: the *.test.ts files next to it use these.
 */
import assert from 'node:assert/strict';
import { createDecipheriv, createHmac, randomBytes, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { flattenedDecrypt, generalDecrypt, type FlattenedJWE, type GeneralJWE } from 'jose';
import { runCli } from '../helpers/cli.js';
import { makeLayout, readBlob, sha256, type BuiltImage } from '../helpers/fixtures.js';
import { run, skopeo } from '../helpers/peers.js';

export const ANN_JWE = 'org.opencontainers.image.enc.keys.jwe';
export const ANN_PUBOPTS = 'org.opencontainers.image.enc.pubopts';
export const MT_TAR = 'application/vnd.oci.image.layer.v1.tar';
export const MT_TAR_GZ = 'application/vnd.oci.image.layer.v1.tar+gzip';

/** Plaintext markers that must be visible in the clear layers and nowhere in the encrypted ones. */
export const SECRET_GZ = 'the-gzip-layer-secret: hunter2';
export const SECRET_TAR = 'the-tar-layer-secret: correct horse battery staple';

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
}

export interface Manifest {
  schemaVersion: number;
  mediaType?: string;
  config: Descriptor;
  layers: Descriptor[];
}

/**
 * A two-layer image with a known secret in each: a gzip layer, and an uncompressed tar layer (so the secret's
 * bytes would show in the blob if it were not encrypted). Both layers are larger than the 10 KiB Go holds back
 * before it checks the MAC, and span many AES blocks.
 */
export function secretImage(layout: string): BuiltImage {
  return makeLayout(layout, {
    layers: [
      { files: { 'etc/secret.txt': `${SECRET_GZ}\n`, 'opt/noise.bin': randomBytes(24 * 1024) } },
      {
        compression: 'none',
        files: { 'root/secret.txt': `${SECRET_TAR}\n`, 'opt/more-noise.bin': randomBytes(12 * 1024 + 7) },
      },
    ],
  });
}

/** The manifest `index.json` tags `ref`, parsed. */
export function readManifest(layout: string, ref = 'latest'): { digest: string; doc: Manifest } {
  const index = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8')) as {
    manifests: (Descriptor & { annotations?: Record<string, string> })[];
  };
  const entry = index.manifests.find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === ref);
  assert.ok(entry, `${layout}/index.json has no manifest tagged ${ref}`);
  const bytes = readBlob(layout, entry.digest);
  assert.equal(sha256(bytes), entry.digest, `${layout}: manifest blob does not match its digest`);
  return { digest: entry.digest, doc: JSON.parse(bytes.toString('utf8')) as Manifest };
}

export function layers(layout: string): Descriptor[] {
  return readManifest(layout).doc.layers;
}

/**
 * The decrypted image `out` has exactly the source's layers: same media types and digests, blobs present and
 * byte-equal to the source blobs, no encryption annotations left. The config is the source's, untouched.
 *
 * `gzipped`: the image went through skopeo's encryption, which gzips uncompressed layers before it encrypts
 * them (c/image 5.23); such a layer comes back as tar+gzip whose decompressed bytes are the source tar.
 */
export function assertSameLayers(out: string, src: string, opts: { gzipped?: boolean } = {}): void {
  const got = readManifest(out).doc;
  const want = readManifest(src).doc;
  assert.equal(got.config.digest, want.config.digest, 'the config blob changed');
  assert.equal(got.layers.length, want.layers.length, 'layer count differs');
  got.layers.forEach((l, i) => {
    const w = want.layers[i]!;
    const bytes = readBlob(out, l.digest);
    assert.equal(sha256(bytes), l.digest, `layer ${i}: blob in ${out} does not match its digest`);
    assert.equal(bytes.length, l.size, `layer ${i}: size`);
    const enc = Object.keys(l.annotations ?? {}).filter((k) => k.startsWith('org.opencontainers.image.enc'));
    assert.deepEqual(enc, [], `layer ${i}: encryption annotations left after decryption`);
    if (opts.gzipped && w.mediaType === MT_TAR) {
      assert.equal(l.mediaType, MT_TAR_GZ, `layer ${i}: media type`);
      assert.ok(gunzipSync(bytes).equals(readBlob(src, w.digest)), `layer ${i}: tar differs from the source`);
      return;
    }
    assert.equal(l.mediaType, w.mediaType, `layer ${i}: media type`);
    assert.equal(l.digest, w.digest, `layer ${i}: digest`);
    assert.ok(bytes.equals(readBlob(src, w.digest)), `layer ${i}: bytes differ from the source blob`);
  });
}

/**
 * The encrypted image `enc` has the source's layers encrypted at `which` (all by default) and untouched
 * elsewhere: `+encrypted` media type, a new digest, the same size (CTR), both annotations, no plaintext marker.
 * `gzipped`: made by skopeo, which gzips uncompressed layers first (see assertSameLayers).
 */
export function assertEncrypted(
  enc: string,
  src: string,
  which?: number[],
  opts: { gzipped?: boolean } = {},
): Descriptor[] {
  const got = readManifest(enc).doc;
  const want = readManifest(src).doc;
  assert.equal(got.config.digest, want.config.digest, 'the config blob changed');
  assert.equal(got.layers.length, want.layers.length);
  const selected = new Set(which ?? want.layers.map((_, i) => i));
  got.layers.forEach((l, i) => {
    const w = want.layers[i]!;
    if (!selected.has(i)) {
      assert.deepEqual(l, w, `layer ${i} should be left as it was`);
      return;
    }
    const gzipped = opts.gzipped && w.mediaType === MT_TAR;
    assert.equal(l.mediaType, `${gzipped ? MT_TAR_GZ : w.mediaType}+encrypted`, `layer ${i}: media type`);
    assert.notEqual(l.digest, w.digest, `layer ${i}: digest unchanged`);
    if (!gzipped) assert.equal(l.size, w.size, `layer ${i}: CTR ciphertext has the plaintext's size`);
    assert.ok(l.annotations?.[ANN_JWE], `layer ${i}: no ${ANN_JWE}`);
    assert.ok(l.annotations?.[ANN_PUBOPTS], `layer ${i}: no ${ANN_PUBOPTS}`);
    const blob = readBlob(enc, l.digest);
    assert.equal(sha256(blob), l.digest);
    assert.ok(!blob.includes(SECRET_TAR) && !blob.includes(SECRET_GZ), `layer ${i}: plaintext in ciphertext`);
  });
  return got.layers;
}

/** The uncompressed tar layer of secretImage holds its marker in the clear once decrypted. */
export function assertSecretReadable(out: string): void {
  const [, tar] = layers(out);
  let bytes = readBlob(out, tar!.digest);
  if (tar!.mediaType === MT_TAR_GZ) bytes = gunzipSync(bytes);
  assert.ok(bytes.includes(SECRET_TAR), 'the decrypted tar layer lacks its secret');
}

// ---- our CLI ---------------------------------------------------------------------------------------------

export function ours(args: string[]): string {
  const r = runCli(args);
  assert.equal(r.status, 0, `oci-encrypt-push ${args.join(' ')} failed (${r.status}):\n${r.stderr}`);
  return r.stdout;
}

export function oursFails(args: string[]): string {
  const r = runCli(args);
  assert.notEqual(r.status, 0, `oci-encrypt-push ${args.join(' ')} should have failed:\n${r.stdout}`);
  return r.stderr;
}

export function oursEncrypt(src: string, out: string, recipients: string[], extra: string[] = []): void {
  ours([
    'encrypt',
    '--layout',
    src,
    '--output',
    out,
    ...recipients.flatMap((r) => ['--recipient', `jwe:${r}`]),
    ...extra,
  ]);
}

export function oursDecrypt(enc: string, out: string, keys: string[]): void {
  ours(['decrypt', '--layout', enc, '--output', out, ...keys.flatMap((k) => ['--key', k])]);
}

export interface InspectReport {
  platforms: {
    layers: {
      index: number;
      mediaType: string;
      digest: string;
      encrypted: boolean;
      recipients?: {
        scheme: string;
        items: number;
        recipients: { alg: string; crv?: string; kid?: string }[];
      }[];
    }[];
  }[];
}

export function oursInspect(layout: string): InspectReport {
  return JSON.parse(ours(['inspect', '--layout', layout, '--json'])) as InspectReport;
}

// ---- skopeo ----------------------------------------------------------------------------------------------

export function skopeoDecrypt(enc: string, out: string, key: string): void {
  skopeo(['copy', '--quiet', '--decryption-key', key, `oci:${enc}:latest`, `oci:${out}:latest`]);
}

export function skopeoEncrypt(src: string, out: string, recipients: string[], extra: string[] = []): void {
  skopeo([
    'copy',
    '--quiet',
    ...recipients.flatMap((r) => ['--encryption-key', `jwe:${r}`]),
    ...extra,
    `oci:${src}:latest`,
    `oci:${out}:latest`,
  ]);
}

/** skopeo must fail; returns its stderr. */
export function skopeoFails(args: string[]): string {
  const r = run('skopeo', ['--insecure-policy', ...args]);
  assert.notEqual(r.status, 0, `skopeo ${args.join(' ')} should have failed`);
  return r.stderr;
}

// ---- annotations and JWEs ------------------------------------------------------------------------------

/** The layer's JWE items: base64 standard (padded) around compact JSON, comma-separated. */
export function jweItems(desc: Descriptor): (FlattenedJWE | GeneralJWE)[] {
  const value = desc.annotations?.[ANN_JWE];
  assert.ok(value, `layer ${desc.digest} has no ${ANN_JWE}`);
  return value.split(',').map((item) => {
    const text = Buffer.from(item, 'base64').toString('utf8');
    assert.equal(Buffer.from(text, 'utf8').toString('base64'), item, 'not standard padded base64');
    return JSON.parse(text) as FlattenedJWE | GeneralJWE;
  });
}

export function protectedHeader(jwe: { protected?: string }): Record<string, unknown> {
  assert.ok(jwe.protected, 'JWE has no protected header');
  return JSON.parse(Buffer.from(jwe.protected, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** The text of the layer's pubopts annotation (checked to be standard padded base64). */
export function pubopts(desc: Descriptor): string {
  const value = desc.annotations?.[ANN_PUBOPTS];
  assert.ok(value, `layer ${desc.digest} has no ${ANN_PUBOPTS}`);
  const text = Buffer.from(value, 'base64').toString('utf8');
  assert.equal(Buffer.from(text, 'utf8').toString('base64'), value, 'pubopts is not standard padded base64');
  return text;
}

/** Open a JWE item with a private key, as a third party would (jose, not our code): the private options text. */
export async function unwrap(jwe: FlattenedJWE | GeneralJWE, key: KeyObject): Promise<string> {
  const res =
    'recipients' in jwe && Array.isArray(jwe.recipients)
      ? await generalDecrypt(jwe as GeneralJWE, key)
      : await flattenedDecrypt(jwe as FlattenedJWE, key);
  return Buffer.from(res.plaintext).toString('utf8');
}

/** Go's bytes for the two option documents (blockcipher.go field order, standard padded base64). */
const B64 = (bytes: number) => {
  const chars = Math.ceil(bytes / 3) * 4;
  const pad = (3 - (bytes % 3)) % 3;
  return `[A-Za-z0-9+/]{${chars - pad}}${'='.repeat(pad)}`;
};
export const PUBOPTS_RE = new RegExp(
  `^\\{"cipher":"AES_256_CTR_HMAC_SHA256","hmac":"${B64(32)}","cipheroptions":\\{\\}\\}$`,
);
export const PRIVOPTS_RE = new RegExp(
  `^\\{"symkey":"${B64(32)}","digest":"sha256:[0-9a-f]{64}","cipheroptions":\\{"nonce":"${B64(16)}"\\}\\}$`,
);

/**
 * Check the format end to end with node:crypto alone: the public hmac is HMAC-SHA256 keyed with the symkey over
 * the ciphertext, and AES-256-CTR with the symkey and the nonce as the full initial counter block gives the
 * plaintext, which is returned.
 */
export function openWithOptions(privText: string, pubText: string, ciphertext: Buffer): Buffer {
  const priv = JSON.parse(privText) as { symkey: string; cipheroptions: { nonce: string } };
  const pub = JSON.parse(pubText) as { hmac: string };
  const key = Buffer.from(priv.symkey, 'base64');
  const nonce = Buffer.from(priv.cipheroptions.nonce, 'base64');
  const mac = createHmac('sha256', key).update(ciphertext).digest('base64');
  assert.equal(mac, pub.hmac, 'hmac is not HMAC-SHA256(symkey, ciphertext)');
  const d = createDecipheriv('aes-256-ctr', key, nonce);
  return Buffer.concat([d.update(ciphertext), d.final()]);
}
