/**
 * The image graph under one entry of a layout: the root (a manifest or an index, possibly nested indexes) with
 * every manifest and index read, digest-verified and parsed. Layers are not read here: they stream later.
 *
 * The graph is a DAG, not a tree: indexes may list the same child many times and share children, so a layout of
 * a few KB can reach one manifest by millions of paths. Every document is read once (memoised by descriptor) and
 * becomes one node, shared by all its parents; the walkers below visit each node once.
 */
import { OepError } from '../errors.js';
import type { BlobSource } from './source.js';
import {
  ANNOTATION_REF_NAME,
  isAttestationManifest,
  parseManifestOrIndex,
  type Descriptor,
  type ImageIndex,
  type ImageManifest,
} from './model.js';
import { formatPlatform, platformMatches, type Platform } from './platform.js';
import { configPlatform, MAX_INDEX_DEPTH, Walk } from './walk.js';

export { MAX_DOCUMENTS, MAX_INDEX_DEPTH, readNode } from './walk.js';

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
      'E_REF_NAME',
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
  throw new OepError(
    'E_REF_NAME',
    `${sourceName} holds ${entries.length} images; choose one with --ref-name`,
    {
      hint: `candidates: ${candidates(entries)}`,
    },
  );
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
  const wanted = opts.platforms?.length ? opts.platforms : undefined;
  const walk = new Walk(source, wanted);

  let root: TreeNode;
  if (entry) {
    root = (await walk.child(entry, 0)).node;
  } else {
    const desc: Descriptor = { mediaType: top.mediaType, digest: '', size: indexBytes.length };
    const loaded = await walk.build(desc, top, indexBytes, 0);
    if (loaded.height > MAX_INDEX_DEPTH) {
      throw new OepError('E_MANIFEST', `${source.name}: indexes nest deeper than ${MAX_INDEX_DEPTH}`);
    }
    root = loaded.node;
  }
  const skipped = [...walk.skipped];
  if (wanted && root.kind === 'manifest' && !wanted.some((p) => platformMatches(p, root.platform))) {
    throw new OepError(
      'E_PLATFORM',
      `${source.name}: the image is for ${formatPlatform(root.platform)}, not ${wanted.map(formatPlatform).join(', ')}`,
      {
        hint: 'leave out --platform for a single-platform image, or name its platform',
      },
    );
  }
  if (wanted && root.kind === 'index' && countImages(root) === 0) {
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
  return { root, entry, skippedPlatforms: skipped };
}

/** Every manifest under a node once (a DAG shares nodes), attestation manifests included, in tree order. */
export function manifestNodes(node: TreeNode): ManifestNode[] {
  const seen = new Set<TreeNode>();
  const out: ManifestNode[] = [];
  const visit = (n: TreeNode): void => {
    if (seen.has(n)) return;
    seen.add(n);
    if (n.kind === 'manifest') out.push(n);
    else for (const c of n.children) if (c) visit(c);
  };
  visit(node);
  return out;
}

/** The image manifests under a node: attestation manifests left out. */
export function imageManifestNodes(node: TreeNode): ManifestNode[] {
  return manifestNodes(node).filter((m) => !isAttestationManifest(m.desc));
}

/** Every manifest and index once, children before parents: the order a registry accepts them in. */
export function nodesBottomUp(node: TreeNode): TreeNode[] {
  const seen = new Set<TreeNode>();
  const digests = new Set<string>();
  const out: TreeNode[] = [];
  const visit = (n: TreeNode): void => {
    if (seen.has(n)) return;
    seen.add(n);
    if (n.kind === 'index') for (const c of n.children) if (c) visit(c);
    if (!digests.has(n.desc.digest)) {
      digests.add(n.desc.digest);
      out.push(n);
    }
  };
  visit(node);
  return out;
}

export function countImages(node: TreeNode): number {
  return imageManifestNodes(node).length;
}

/** The node of a manifest read outside a walk (an attestation-marked one found to be an image). */
export async function manifestNode(
  source: BlobSource,
  desc: Descriptor,
  doc: ImageManifest,
  bytes: Buffer,
): Promise<ManifestNode> {
  const config = await source.read(doc.config);
  return { kind: 'manifest', desc, doc, bytes, config, platform: desc.platform ?? configPlatform(config) };
}
