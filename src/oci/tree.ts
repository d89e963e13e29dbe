/**
 * The image graph under one entry of a layout: the root (a manifest or an index, possibly nested indexes) with
 * every manifest and index read, digest-verified and parsed. Layers are not read here: they stream later.
 */
import { OepError } from '../errors.js';
import type { BlobSource } from './source.js';
import {
  ANNOTATION_REF_NAME,
  ANNOTATION_REFERENCE_DIGEST,
  isAttestationManifest,
  parseManifestOrIndex,
  type Descriptor,
  type ImageIndex,
  type ImageManifest,
} from './model.js';
import { isIndexMediaType, isManifestMediaType } from './mediatypes.js';
import { formatPlatform, platformMatches, type Platform } from './platform.js';

export interface ManifestNode {
  kind: 'manifest';
  desc: Descriptor;
  doc: ImageManifest;
  bytes: Buffer;
  /** The config blob, verified (small; ocicrypt never encrypts it). */
  config: Buffer;
  /** From the index descriptor, else from the config's os/architecture/variant. */
  platform: Platform | undefined;
}

export interface IndexNode {
  kind: 'index';
  desc: Descriptor;
  doc: ImageIndex;
  bytes: Buffer;
  /** One entry per descriptor of doc.manifests, in order; `undefined` where the child was not selected. */
  children: (TreeNode | undefined)[];
}

export type TreeNode = ManifestNode | IndexNode;

export interface LoadedImage {
  root: TreeNode;
  /** The entry of index.json the root came from (carries the ref name); absent when index.json itself is the image index. */
  entry: Descriptor | undefined;
  /** Platforms present in the image but not selected. */
  skippedPlatforms: string[];
}

const MAX_DEPTH = 4;

function candidates(entries: Descriptor[]): string {
  return entries.map((e) => e.annotations?.[ANNOTATION_REF_NAME] ?? e.digest).join(', ');
}

/**
 * Pick the entry of index.json to work on. With a ref name: the one entry carrying it. Without: the only
 * entry; or, when index.json lists platform manifests directly (no ref names), index.json itself.
 */
export function selectEntry(index: ImageIndex, sourceName: string, refName?: string): Descriptor | undefined {
  const entries = index.manifests;
  if (entries.length === 0) throw new OepError('E_LAYOUT', `${sourceName}: index.json lists no image`);
  if (refName !== undefined) {
    const hits = entries.filter((e) => e.annotations?.[ANNOTATION_REF_NAME] === refName);
    if (hits.length === 1) return hits[0];
    if (hits.length > 1 && new Set(hits.map((h) => h.digest)).size === 1) return hits[0];
    const named = entries.filter((e) => e.annotations?.[ANNOTATION_REF_NAME] !== undefined);
    throw new OepError(
      'E_REF',
      hits.length > 1
        ? `${sourceName}: ref name ${JSON.stringify(refName)} names ${hits.length} different images`
        : `${sourceName}: no image has ref name ${JSON.stringify(refName)}`,
      {
        hint: named.length
          ? `ref names here: ${candidates(named)}`
          : 'this layout has no ref names: omit --ref-name',
      },
    );
  }
  if (entries.length === 1) return entries[0];
  const platformList = entries.every((e) => e.platform && !e.annotations?.[ANNOTATION_REF_NAME]);
  if (platformList) return undefined;
  throw new OepError('E_REF', `${sourceName} holds ${entries.length} images; choose one with --ref-name`, {
    hint: `candidates: ${candidates(entries)}`,
  });
}

export async function readNode(
  source: BlobSource,
  desc: Descriptor,
): Promise<{ doc: ImageManifest | ImageIndex; bytes: Buffer }> {
  if (!isIndexMediaType(desc.mediaType) && !isManifestMediaType(desc.mediaType)) {
    throw new OepError(
      'E_UNSUPPORTED',
      `${source.name}: ${desc.digest} has unsupported media type ${desc.mediaType}`,
      {
        hint: 'OCI and docker schema2 manifests and indexes are supported',
      },
    );
  }
  const bytes = await source.read(desc);
  return { doc: parseManifestOrIndex(bytes, `${source.name} ${desc.digest}`, desc.mediaType), bytes };
}

export interface LoadOptions {
  refName?: string;
  /** Only these platforms (others are left out and listed in skippedPlatforms); all when absent or empty. */
  platforms?: Platform[];
}

export async function loadImage(source: BlobSource, opts: LoadOptions = {}): Promise<LoadedImage> {
  const indexBytes = await source.indexJson();
  const top = parseManifestOrIndex(indexBytes, `${source.name} index.json`);
  if (top.kind !== 'index')
    throw new OepError('E_LAYOUT', `${source.name}: index.json is not an image index`);
  const entry = selectEntry(top, source.name, opts.refName);
  const skipped: string[] = [];
  const wanted = opts.platforms?.length ? opts.platforms : undefined;

  async function load(
    desc: Descriptor,
    doc: ImageManifest | ImageIndex,
    bytes: Buffer,
    depth: number,
  ): Promise<TreeNode> {
    if (doc.kind === 'manifest') return manifestNode(source, desc, doc, bytes);
    if (depth > MAX_DEPTH)
      throw new OepError('E_MANIFEST', `${source.name}: indexes nest deeper than ${MAX_DEPTH}`);
    const children: (TreeNode | undefined)[] = [];
    const selected = new Set<string>();
    for (const child of doc.manifests) {
      const isImage = isManifestMediaType(child.mediaType) && !isAttestationManifest(child);
      if (isImage && wanted && !wanted.some((p) => platformMatches(p, child.platform))) {
        skipped.push(formatPlatform(child.platform));
        children.push(undefined);
        continue;
      }
      if (isAttestationManifest(child)) {
        children.push(undefined); // decided once the images are known (see below)
        continue;
      }
      const read = await readNode(source, child);
      children.push(await load(child, read.doc, read.bytes, depth + 1));
      selected.add(child.digest);
    }
    // Attestations describe one image manifest; keep those whose image we keep.
    for (const [i, child] of doc.manifests.entries()) {
      const ref = child.annotations?.[ANNOTATION_REFERENCE_DIGEST];
      if (isAttestationManifest(child) && ref && selected.has(ref)) {
        const read = await readNode(source, child);
        if (read.doc.kind === 'manifest')
          children[i] = await manifestNode(source, child, read.doc, read.bytes);
      }
    }
    return { kind: 'index', desc, doc, bytes, children };
  }

  let root: TreeNode;
  if (entry) {
    const read = await readNode(source, entry);
    root = await load(entry, read.doc, read.bytes, 0);
  } else {
    const desc: Descriptor = { mediaType: top.mediaType, digest: '', size: indexBytes.length };
    root = await load(desc, top, indexBytes, 0);
  }
  if (wanted && root.kind === 'manifest' && !wanted.some((p) => platformMatches(p, root.platform))) {
    throw new OepError(
      'E_PLATFORM',
      `${source.name}: the image is for ${formatPlatform(root.platform)}, not ${wanted.map(formatPlatform).join(', ')}`,
      {
        hint: 'leave out --platform for a single-platform image, or name its platform',
      },
    );
  }
  if (wanted && root.kind === 'index') {
    if (countImages(root) === 0) {
      throw new OepError(
        'E_PLATFORM',
        `${source.name}: no image matches platform ${wanted.map(formatPlatform).join(', ')}`,
        {
          hint: skipped.length
            ? `platforms here: ${skipped.join(', ')}`
            : 'this image carries no platform list',
        },
      );
    }
  }
  return { root, entry, skippedPlatforms: skipped };
}

/** Every manifest under a node, attestation manifests included, in tree order. */
export function manifestNodes(node: TreeNode): ManifestNode[] {
  if (node.kind === 'manifest') return [node];
  return node.children.flatMap((c) => (c ? manifestNodes(c) : []));
}

/** The image manifests under a node: attestation manifests left out. */
export function imageManifestNodes(node: TreeNode): ManifestNode[] {
  return manifestNodes(node).filter((m) => !isAttestationManifest(m.desc));
}

/** Every manifest and index once, children before parents: the order a registry accepts them in. */
export function nodesBottomUp(node: TreeNode, out: TreeNode[] = []): TreeNode[] {
  if (node.kind === 'index') for (const c of node.children) if (c) nodesBottomUp(c, out);
  if (!out.some((n) => n.desc.digest === node.desc.digest)) out.push(node);
  return out;
}

export function countImages(node: TreeNode): number {
  return imageManifestNodes(node).length;
}

export async function manifestNode(
  source: BlobSource,
  desc: Descriptor,
  doc: ImageManifest,
  bytes: Buffer,
): Promise<ManifestNode> {
  const config = await source.read(doc.config);
  return { kind: 'manifest', desc, doc, bytes, config, platform: desc.platform ?? configPlatform(config) };
}

/** os/architecture/variant of an image config, when it is a JSON object that has them. */
function configPlatform(config: Buffer): Platform | undefined {
  try {
    const c = JSON.parse(config.toString('utf8')) as Record<string, unknown>;
    if (typeof c.os !== 'string' || typeof c.architecture !== 'string') return undefined;
    return {
      os: c.os,
      architecture: c.architecture,
      ...(typeof c.variant === 'string' ? { variant: c.variant } : {}),
    };
  } catch {
    return undefined;
  }
}
