/**
 * Test fixtures made at run time: key pairs, and small OCI layouts built from in-memory files with our own tar
 * writer. No upstream keys or samples are committed.
 */
import { createHash, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { after } from 'node:test';
import { buildTar } from '../../src/oci/layout/tar.js';

export function tempDir(prefix = 'oep-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function sha256(data: Uint8Array): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** A key's fingerprint as reports print it and expect-recipients takes it: sha256 of its DER SPKI. */
export function fingerprintOf(key: KeyObject): string {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  return `sha256:${createHash('sha256')
    .update(pub.export({ type: 'spki', format: 'der' }))
    .digest('hex')}`;
}

export type KeyKind =
  'rsa2048' | 'rsa4096' | 'rsa1024' | 'p256' | 'p384' | 'p521' | 'secp256k1' | 'ed25519' | 'x25519';

export interface KeyPair {
  publicKey: KeyObject;
  privateKey: KeyObject;
  /** Written as SPKI PEM. */
  publicPem: string;
  /** Written as PKCS#8 PEM (what skopeo reads). */
  privatePem: string;
}

export function keyPair(kind: KeyKind): KeyPair {
  let kp: { publicKey: KeyObject; privateKey: KeyObject };
  if (kind.startsWith('rsa')) kp = generateKeyPairSync('rsa', { modulusLength: Number(kind.slice(3)) });
  else if (kind === 'ed25519') kp = generateKeyPairSync('ed25519');
  else if (kind === 'x25519') kp = generateKeyPairSync('x25519');
  else {
    const curves: Record<string, string> = {
      p256: 'prime256v1',
      p384: 'secp384r1',
      p521: 'secp521r1',
      secp256k1: 'secp256k1',
    };
    const curve = curves[kind]!;
    kp = generateKeyPairSync('ec', { namedCurve: curve });
  }
  return {
    ...kp,
    publicPem: kp.publicKey.export({ type: 'spki', format: 'pem' }) as string,
    privatePem: kp.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
  };
}

/** Write a key pair as pub.pem / key.pem under dir/name-*. Returns the paths. */
export function writeKeyPair(dir: string, name: string, kp: KeyPair): { pub: string; priv: string } {
  const pub = join(dir, `${name}.pub.pem`);
  const priv = join(dir, `${name}.key.pem`);
  writeFileSync(pub, kp.publicPem);
  writeFileSync(priv, kp.privatePem, { mode: 0o600 });
  return { pub, priv };
}

export interface LayerSpec {
  files: Record<string, string | Uint8Array>;
  /** gzip (default), none, or a given media type with raw bytes. */
  compression?: 'gzip' | 'none';
  mediaType?: string;
  annotations?: Record<string, string>;
}

export interface ImageSpec {
  layers: LayerSpec[];
  platform?: { os: string; architecture: string; variant?: string };
  docker?: boolean;
  manifestAnnotations?: Record<string, string>;
  /** The config's `config` section (default: Env PATH only). */
  config?: { Env?: string[]; Labels?: Record<string, string>; Cmd?: string[] };
  /** The config's history, one created_by each (default: one "test fixture" entry per layer). */
  history?: string[];
}

export interface BuiltImage {
  manifest: { mediaType: string; digest: string; size: number; platform?: Record<string, string> };
  layers: { digest: string; size: number; mediaType: string; diffId: string }[];
}

function putBlob(layout: string, data: Uint8Array): { digest: string; size: number } {
  const digest = sha256(data);
  mkdirSync(join(layout, 'blobs', 'sha256'), { recursive: true });
  writeFileSync(join(layout, 'blobs', 'sha256', digest.slice(7)), data);
  return { digest, size: data.length };
}

export function buildImage(layout: string, spec: ImageSpec): BuiltImage {
  const platform = spec.platform ?? { os: 'linux', architecture: 'amd64' };
  const layers = spec.layers.map((l) => {
    const tar = buildTar(Object.entries(l.files).map(([name, data]) => ({ name, data: Buffer.from(data) })));
    const gz = l.compression !== 'none';
    const blob = gz ? gzipSync(tar) : tar;
    const mediaType =
      l.mediaType ??
      (spec.docker
        ? gz
          ? 'application/vnd.docker.image.rootfs.diff.tar.gzip'
          : 'application/vnd.docker.image.rootfs.diff.tar'
        : gz
          ? 'application/vnd.oci.image.layer.v1.tar+gzip'
          : 'application/vnd.oci.image.layer.v1.tar');
    return { ...putBlob(layout, blob), mediaType, diffId: sha256(tar), annotations: l.annotations };
  });
  const config = Buffer.from(
    JSON.stringify({
      architecture: platform.architecture,
      os: platform.os,
      ...(platform.variant ? { variant: platform.variant } : {}),
      config: spec.config ?? { Env: ['PATH=/usr/bin'] },
      rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) },
      history: (spec.history ?? layers.map(() => 'test fixture')).map((created_by) => ({ created_by })),
    }),
  );
  const cfg = putBlob(layout, config);
  const manifestDoc = {
    schemaVersion: 2,
    mediaType: spec.docker
      ? 'application/vnd.docker.distribution.manifest.v2+json'
      : 'application/vnd.oci.image.manifest.v1+json',
    config: {
      mediaType: spec.docker
        ? 'application/vnd.docker.container.image.v1+json'
        : 'application/vnd.oci.image.config.v1+json',
      ...cfg,
    },
    layers: layers.map((l) => ({
      mediaType: l.mediaType,
      digest: l.digest,
      size: l.size,
      ...(l.annotations ? { annotations: l.annotations } : {}),
    })),
    ...(spec.manifestAnnotations ? { annotations: spec.manifestAnnotations } : {}),
  };
  const m = putBlob(layout, Buffer.from(JSON.stringify(manifestDoc)));
  return {
    manifest: { mediaType: manifestDoc.mediaType, ...m, platform: platform as Record<string, string> },
    layers: layers.map(({ digest, size, mediaType, diffId }) => ({ digest, size, mediaType, diffId })),
  };
}

export function writeIndexJson(layout: string, manifests: object[]): void {
  writeFileSync(join(layout, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  writeFileSync(join(layout, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests }));
}

/** A single-platform OCI layout with a ref name. */
export function makeLayout(layout: string, spec: ImageSpec, refName = 'latest'): BuiltImage {
  mkdirSync(layout, { recursive: true });
  const img = buildImage(layout, spec);
  const { platform: _p, ...desc } = img.manifest;
  writeIndexJson(layout, [{ ...desc, annotations: { 'org.opencontainers.image.ref.name': refName } }]);
  return img;
}

/** Put an index blob into the layout; returns its descriptor. */
export function putIndex(
  layout: string,
  manifests: object[],
  mediaType = 'application/vnd.oci.image.index.v1+json',
) {
  const doc = { schemaVersion: 2, mediaType, manifests };
  return { mediaType, ...putBlob(layout, Buffer.from(JSON.stringify(doc))) };
}

export function putJsonBlob(layout: string, doc: unknown): { digest: string; size: number } {
  return putBlob(layout, Buffer.from(JSON.stringify(doc)));
}

export function readJson<T = Record<string, unknown>>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

export function readBlob(layout: string, digest: string): Buffer {
  return readFileSync(join(layout, 'blobs', 'sha256', digest.replace(/^sha256:/, '')));
}
