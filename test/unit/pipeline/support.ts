/**
 * Shared by the pipeline tests (not a test file itself): keys as the pipeline takes them, layout walkers, and the
 * BuildKit-shaped multi-platform fixture with an attestation manifest.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { isOepError, type ErrorCode } from '../../../src/errors.js';
import {
  parseDecryptionKeys,
  parseRecipients,
  type DecryptionKey,
  type Recipient,
} from '../../../src/pipeline/keys.js';
import {
  buildImage,
  putIndex,
  putJsonBlob,
  readBlob,
  readJson,
  writeIndexJson,
  type BuiltImage,
  type KeyPair,
} from '../../helpers/fixtures.js';

export const MT = {
  index: 'application/vnd.oci.image.index.v1+json',
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
  tar: 'application/vnd.oci.image.layer.v1.tar',
  gzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  zstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
  foreignGzip: 'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  dockerTar: 'application/vnd.docker.image.rootfs.diff.tar',
  inToto: 'application/vnd.in-toto+json',
} as const;

export const REF_NAME = 'org.opencontainers.image.ref.name';
export const REF_TYPE = 'vnd.docker.reference.type';
export const REF_DIGEST = 'vnd.docker.reference.digest';
export const ENC_KEYS_JWE = 'org.opencontainers.image.enc.keys.jwe';
export const ENC_PUBOPTS = 'org.opencontainers.image.enc.pubopts';

export function recipients(kp: KeyPair, source = 'pub.pem'): Recipient[] {
  return parseRecipients(kp.publicPem, source);
}

export function decryptionKeys(kp: KeyPair, source = 'key.pem'): DecryptionKey[] {
  return parseDecryptionKeys(Buffer.from(kp.privatePem), source);
}

export interface Desc {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
  platform?: { os: string; architecture: string; variant?: string };
  [k: string]: unknown;
}

export interface ManifestDoc {
  schemaVersion: number;
  mediaType?: string;
  config: Desc;
  layers: Desc[];
  annotations?: Record<string, string>;
}

export interface IndexDoc {
  schemaVersion: number;
  mediaType?: string;
  manifests: Desc[];
}

export function indexJson(layout: string): IndexDoc {
  return readJson<IndexDoc>(join(layout, 'index.json'));
}

export function blobJson<T>(layout: string, digest: string): T {
  return JSON.parse(readBlob(layout, digest).toString('utf8')) as T;
}

/** The single image manifest reachable from index.json's only entry. */
export function onlyManifest(layout: string): { desc: Desc; doc: ManifestDoc } {
  const idx = indexJson(layout);
  assert.equal(idx.manifests.length, 1, 'index.json should list one image');
  const desc = idx.manifests[0]!;
  return { desc, doc: blobJson<ManifestDoc>(layout, desc.digest) };
}

/** Every file under blobs/, with its bytes. */
export function allBlobs(layout: string): { name: string; bytes: Buffer }[] {
  const out: { name: string; bytes: Buffer }[] = [];
  const root = join(layout, 'blobs');
  for (const alg of readdirSync(root)) {
    for (const f of readdirSync(join(root, alg))) {
      out.push({ name: `${alg}/${f}`, bytes: readFileSync(join(root, alg, f)) });
    }
  }
  return out;
}

/** Blobs (and index.json) whose raw bytes contain `needle`. */
export function filesContaining(layout: string, needle: string): string[] {
  const n = Buffer.from(needle);
  const hits = allBlobs(layout)
    .filter((b) => b.bytes.includes(n))
    .map((b) => b.name);
  if (readFileSync(join(layout, 'index.json')).includes(n)) hits.push('index.json');
  return hits;
}

/** Awaits `p`, expecting an OepError with `code` whose message mentions every string in `mentions`. */
export async function rejectsWith(p: Promise<unknown>, code: ErrorCode, mentions: string[] = []) {
  let caught: unknown;
  try {
    await p;
  } catch (err) {
    caught = err;
  }
  assert.ok(caught !== undefined, `expected ${code}, but the call succeeded`);
  assert.ok(isOepError(caught), `expected an OepError ${code}, got ${String(caught)}`);
  assert.equal(caught.code, code, `expected ${code}, got ${caught.code}: ${caught.describe()}`);
  for (const m of mentions) {
    assert.ok(caught.describe().includes(m), `"${caught.describe()}" should mention ${m}`);
  }
  return caught;
}

/** Nothing was written: the output does not exist and no staging folder is left next to it. */
export function assertNothingWritten(output: string): void {
  assert.equal(existsSync(output), false, `${output} should not exist`);
  const parent = dirname(output);
  if (!existsSync(parent)) return;
  const leftovers = readdirSync(parent).filter((f) => f.startsWith(`.${basename(output)}.oep-`));
  assert.deepEqual(leftovers, [], 'a staging folder was left behind');
}

export interface BuildKitImage {
  amd64: BuiltImage;
  arm64: BuiltImage;
  /** The nested index that index.json's entry points at. */
  index: Desc;
  attestation: { desc: Desc; layer: Desc; statement: Buffer };
}

/**
 * The shape `docker buildx build --output type=oci` writes: index.json → one index (with the ref name) →
 * linux/amd64, linux/arm64/v8, and an attestation manifest for amd64 (platform unknown/unknown, one in-toto layer).
 */
export function makeBuildKitLayout(
  layout: string,
  opts: { secret?: string; refName?: string } = {},
): BuildKitImage {
  const secret = opts.secret ?? 'no secret';
  const amd64 = buildImage(layout, {
    platform: { os: 'linux', architecture: 'amd64' },
    layers: [
      { files: { 'etc/os-release': 'ID=test\n' } },
      { files: { 'app/secret.txt': `amd64 ${secret}` }, compression: 'none' },
    ],
  });
  const arm64 = buildImage(layout, {
    platform: { os: 'linux', architecture: 'arm64', variant: 'v8' },
    layers: [
      { files: { 'etc/os-release': 'ID=test-arm\n' } },
      { files: { 'app/secret.txt': `arm64 ${secret}` }, compression: 'none' },
    ],
  });
  const statement = Buffer.from(
    JSON.stringify({
      _type: 'https://in-toto.io/Statement/v0.1',
      predicateType: 'https://slsa.dev/provenance/v0.2',
      subject: [{ name: 'pkg:docker/test', digest: { sha256: amd64.manifest.digest.slice(7) } }],
      predicate: { builder: { id: 'test' } },
    }),
  );
  const layerBlob = putJsonBlob(layout, JSON.parse(statement.toString('utf8')));
  const layer: Desc = {
    mediaType: MT.inToto,
    ...layerBlob,
    annotations: { 'in-toto.io/predicate-type': 'https://slsa.dev/provenance/v0.2' },
  };
  const config = putJsonBlob(layout, {
    architecture: 'unknown',
    os: 'unknown',
    config: {},
    rootfs: { type: 'layers', diff_ids: [layerBlob.digest] },
  });
  const attManifest = putJsonBlob(layout, {
    schemaVersion: 2,
    mediaType: MT.manifest,
    config: { mediaType: MT.config, ...config },
    layers: [layer],
  });
  const attDesc: Desc = {
    mediaType: MT.manifest,
    ...attManifest,
    annotations: { [REF_TYPE]: 'attestation-manifest', [REF_DIGEST]: amd64.manifest.digest },
    platform: { os: 'unknown', architecture: 'unknown' },
  };
  const index = putIndex(layout, [amd64.manifest, arm64.manifest, attDesc]);
  writeIndexJson(layout, [{ ...index, annotations: { [REF_NAME]: opts.refName ?? 'v1' } }]);
  return { amd64, arm64, index, attestation: { desc: attDesc, layer, statement } };
}
