/**
 * Index use case: the platforms of a fan-out build, each already pushed by digest (by its own CI job, say), → one
 * OCI index over them in the image's repository, verified, then tagged. Nothing is encrypted and no layer byte
 * moves: each source manifest is read (an index source is flattened into its manifests), its platform taken
 * from its config (an index entry that says otherwise is refused), and checked (one image per platform; with
 * requireEncrypted, every layer encrypted; an attestation must be one); its blobs are found in the target repository or mounted there from the source's. The push
 * is encrypt's (pushPlanned): blobs, the child manifests, the index by digest, the read-back, the tags last.
 */
import { createHash } from 'node:crypto';
import { OepError } from '../errors.js';
import { isAttestation, withoutAttestationMark } from '../oci/attestation.js';
import { isEncryptedMediaType, MT } from '../oci/mediatypes.js';
import { ANNOTATION_REFERENCE_DIGEST, serialize, type Descriptor } from '../oci/model.js';
import { formatPlatform, platformKey, type Platform } from '../oci/platform.js';
import type { BlobSource } from '../oci/source.js';
import { loadImage, manifestNodes, type ManifestNode } from '../oci/tree.js';
import { configPlatform } from '../oci/walk.js';
import type { RegistryClient } from '../registry/client.js';
import { RegistryError } from '../registry/errors.js';
import { BlobPusher } from '../registry/push.js';
import { parseReference } from '../registry/reference.js';
import { retryOperation, type RetryPolicy } from '../registry/retry.js';
import {
  encryptionIntact,
  pushPlanned,
  type PushPlan,
  type PushReport,
  type PushStage,
  type PushTargetOptions,
} from './push.js';
import { platformReport } from './inspect.js';
import { registrySource } from './registry-source.js';
import type { ImageReport } from './result.js';

export interface IndexImageOptions extends Pick<
  PushTargetOptions,
  'image' | 'tags' | 'registry' | 'log' | 'temps' | 'concurrency' | 'signal'
> {
  /** Each platform's image, `registry/repository@digest`, in the image's registry (the request checks that). */
  sources: string[];
  /** Refuse a source image with a layer that is not encrypted. */
  requireEncrypted: boolean;
}

/** One manifest of the index to be: an image (one per platform) or an attestation carried along with it. */
interface Part {
  /** The source it came from: `registry/repository@digest`. */
  source: string;
  /** The source's repository: its blobs are mounted from there. */
  repository: string;
  node: ManifestNode;
  /** Its entry in the new index. */
  desc: Descriptor;
  /** `os/arch[/variant]`; absent for an attestation. */
  platform?: string;
}

/** A source that is not there fails on `sources`, naming it; a missing blob of one that is stays as it is. */
function missing(err: unknown, source: string): unknown {
  if (!(err instanceof RegistryError) || err.status !== 404) return err;
  if (err.diagnostics.some((d) => d.code === 'BLOB_UNKNOWN')) return err;
  return new OepError('E_IMAGE_REF', `sources: ${source} is not in the registry`, {
    hint: 'check the digest the platform job output, and that it pushed to this repository',
    cause: err,
  });
}

/** The manifests of one source (an index flattened), read and verified by digest. */
async function readSource(
  source: string,
  client: RegistryClient,
  retry: RetryPolicy,
): Promise<{ nodes: ManifestNode[]; blobs: BlobSource }> {
  const blobs = registrySource(client, parseReference(source));
  try {
    const image = await retryOperation(`reading ${source}`, retry, () => loadImage(blobs));
    return { nodes: manifestNodes(image.root), blobs };
  } catch (err) {
    throw missing(err, source);
  }
}

/** With require-encrypted, every layer of an image carries its encryption: the first that does not is named. */
function checkEncrypted(source: string, node: ManifestNode, platform: string): void {
  const bad = node.doc.layers.flatMap((l, i) => (encryptionIntact(l) ? [] : [{ l, i }]));
  if (bad.length === 0) return;
  const { l, i } = bad[0]!;
  const what = isEncryptedMediaType(l.mediaType)
    ? 'is marked encrypted but carries no wrapped keys'
    : 'is plaintext';
  const more = bad.length > 1 ? ` (and ${bad.length - 1} more)` : '';
  throw new OepError(
    'E_PLAINTEXT',
    `sources: ${source}: layer ${i} (${l.digest}) of the ${platform} image ${what}${more}, and require-encrypted is on`,
    {
      hint: 'encrypt every layer of each platform, encrypt-layers left empty; or, when plaintext base layers are meant, set require-encrypted to false: --require-encrypted=false',
    },
  );
}

/** Windows images name their build in the config's `os.version`, and index entries repeat it. */
function withOsVersion(platform: Platform | undefined, config: Buffer): Platform | undefined {
  if (!platform) return undefined;
  const v = (JSON.parse(config.toString('utf8')) as Record<string, unknown>)['os.version'];
  return typeof v === 'string' && v ? { ...platform, 'os.version': v } : platform;
}

/**
 * An image's platform is its config's, which its digest vouches for; the entry of a source index is only a label,
 * and a wrong one would send one platform's image to another's machines: one that disagrees is refused.
 */
function imagePlatform(source: string, node: ManifestNode): Platform {
  const platform = withOsVersion(configPlatform(node.config), node.config);
  if (!platform) {
    throw new OepError(
      'E_PLATFORM',
      `sources: ${source}: manifest ${node.desc.digest} names no platform (its config has no os and architecture)`,
      { hint: 'build each image for its platform: docker buildx build --platform linux/arm64' },
    );
  }
  const said = node.desc.platform;
  if (said && platformKey(said) !== platformKey(platform)) {
    throw new OepError(
      'E_PLATFORM',
      `sources: ${source}: the index entry of ${node.desc.digest} says ${formatPlatform(said)}, its config ${formatPlatform(platform)}`,
      { hint: 'the source index is mislabelled: rebuild it, or give the image itself by digest' },
    );
  }
  return platform;
}

/**
 * An attestation is carried as it is: its manifest and config were verified by digest as they were read, its
 * in-toto layers are mounted by digest, and it holds nothing to encrypt. What it cannot be is an image in
 * disguise: with no layer it attests nothing (BuildKit writes one statement at least), and an entry for a real
 * platform would be picked by a runtime (BuildKit lists them for unknown/unknown).
 */
function checkAttestation(source: string, node: ManifestNode): void {
  const { digest, platform } = node.desc;
  const hint = 'give the images built by docker buildx as they were pushed, or each platform image by digest';
  if (node.doc.layers.length === 0) {
    throw new OepError(
      'E_MANIFEST',
      `sources: ${source}: ${digest} is marked as an attestation but holds no in-toto statement`,
      { hint },
    );
  }
  if (platform && (platform.os !== 'unknown' || platform.architecture !== 'unknown')) {
    throw new OepError(
      'E_PLATFORM',
      `sources: ${source}: ${digest} is an attestation, yet its index entry lists it for ${formatPlatform(platform)}, not unknown/unknown`,
      { hint },
    );
  }
}

function partsOf(source: string, nodes: ManifestNode[], requireEncrypted: boolean): Part[] {
  const repository = parseReference(source).repository;
  return nodes.map((node): Part => {
    // Only a manifest of in-toto documents is an attestation: by its annotation alone, an image would dodge the
    // checks below.
    if (isAttestation(node.desc, node.doc)) {
      checkAttestation(source, node);
      return { source, repository, node, desc: node.desc };
    }
    const platform = imagePlatform(source, node);
    const name = formatPlatform(platform);
    if (requireEncrypted) checkEncrypted(source, node, name);
    const { mediaType, digest, size, annotations } = withoutAttestationMark(node.desc);
    const desc: Descriptor = { mediaType, digest, size, ...(annotations ? { annotations } : {}), platform };
    return { source, repository, node: { ...node, platform }, desc, platform: name };
  });
}

/** One image per platform: a second source for the same platform is refused, naming both. */
function checkPlatforms(parts: Part[]): void {
  const seen = new Map<string, Part>();
  for (const p of parts) {
    if (!p.platform) continue;
    const key = platformKey(p.desc.platform!);
    const first = seen.get(key);
    if (first) {
      const both =
        first.desc.digest === p.desc.digest
          ? `${p.desc.digest} is listed twice, both`
          : first.source === p.source
            ? `${p.source} holds two images`
            : `${first.source} and ${p.source} are both`;
      throw new OepError(
        'E_PLATFORM',
        `sources: ${both} for ${p.platform}: an index holds one image per platform`,
        {
          hint: 'give one source per platform: each matrix job pushes its own',
        },
      );
    }
    seen.set(key, p);
  }
}

/** The index over the parts (images in the order given, attestations after them), and its report. */
async function assembled(
  parts: Part[],
): Promise<{ root: { desc: Descriptor; bytes: Buffer }; report: ImageReport }> {
  const images = parts.filter((p) => p.platform);
  const attestations = parts.filter((p) => !p.platform);
  const manifests = [...images, ...attestations].map((p) => p.desc);
  const bytes = serialize({ schemaVersion: 2, mediaType: MT.ociIndex, manifests });
  const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  const desc: Descriptor = { mediaType: MT.ociIndex, digest, size: bytes.length };
  const report: ImageReport = {
    digest,
    mediaType: MT.ociIndex,
    size: bytes.length,
    platforms: await Promise.all(images.map((p) => platformReport(p.node))),
    skippedPlatforms: [],
    attestations: attestations.map((p) => ({
      digest: p.desc.digest,
      reference: p.desc.annotations?.[ANNOTATION_REFERENCE_DIGEST] ?? '',
    })),
  };
  return { root: { desc, bytes }, report };
}

/** The blobs of the parts, each once with a source that holds it. A layer with URLs (foreign) may live elsewhere. */
function blobsOf(
  parts: { part: Part; blobs: BlobSource }[],
): Map<string, { desc: Descriptor; part: Part; blobs: BlobSource }> {
  const out = new Map<string, { desc: Descriptor; part: Part; blobs: BlobSource }>();
  for (const { part, blobs } of parts) {
    for (const desc of [part.node.doc.config, ...part.node.doc.layers.filter((l) => !l.urls?.length)]) {
      if (!out.has(desc.digest)) out.set(desc.digest, { desc, part, blobs });
    }
  }
  return out;
}

/** Read and check every source, then plan the push: its blobs (mounted from their sources), manifests, index. */
async function plan(opts: IndexImageOptions, stage: PushStage): Promise<PushPlan> {
  const { client } = stage.targets[0]!;
  const read: { part: Part; blobs: BlobSource }[] = [];
  for (const source of opts.sources) {
    const { nodes, blobs } = await readSource(source, client, stage.pushOpts.retry);
    for (const part of partsOf(source, nodes, opts.requireEncrypted)) read.push({ part, blobs });
  }
  const parts = read.map((r) => r.part);
  checkPlatforms(parts);
  // The same attestation reached from two sources is listed once.
  const unique = [...new Map(parts.map((p) => [p.desc.digest, p])).values()];
  const { root, report } = await assembled(unique);
  stage.pushOpts.log(`index of ${report.platforms.map((p) => p.platform).join(', ')}: ${root.desc.digest}`);
  const blobs = blobsOf(read);
  // Mounted from the source's repository when the target lacks it; read from there only if a mount is refused.
  const mountFrom = (blob: Pick<Descriptor, 'digest'>, host: string) =>
    host === client.host ? blobs.get(blob.digest)?.part.repository : undefined;
  const reader = { open: (d: Descriptor) => blobs.get(d.digest)!.blobs.open(d) };
  const pusher = new BlobPusher(stage.targets, reader, { ...stage.pushOpts, mountFrom });
  const manifests = [...unique.map((p) => ({ desc: p.node.desc, bytes: p.node.bytes })), root];
  return { report, pusher, content: { blobs: [...blobs.values()].map((b) => b.desc), manifests } };
}

/** Assemble, push, verify and tag the index; its digest is reported once all of that landed. */
export function indexImage(opts: IndexImageOptions): Promise<PushReport> {
  return pushPlanned({ ...opts, verify: true }, (stage) => plan(opts, stage));
}
