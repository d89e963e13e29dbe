/**
 * The pure half of a rewrite (go-containerregistry's `mutate`): given the loaded image graph and what became of
 * each layer, rebuild every manifest and index bottom-up, computed once per node of the DAG. No I/O: the result
 * holds each document's bytes and descriptor, and the caller writes or pushes them. Manifests and indexes are
 * rebuilt only where something below them changed, so untouched parts keep their exact bytes; a rebuilt index
 * repoints its attestations at the new image digests; a docker manifest that gets a transformed layer becomes
 * OCI (with `convertDockerToOci`), and a docker list that then holds an OCI manifest becomes an OCI index.
 */
import { createHash } from 'node:crypto';
import { withoutAttestationMark } from './attestation.js';
import { MT, ociLayerMediaType } from './mediatypes.js';
import { ANNOTATION_REFERENCE_DIGEST, isAttestationManifest, serialize, type Descriptor } from './model.js';
import { formatPlatform } from './platform.js';
import { manifestNodes, nodesBottomUp, type IndexNode, type ManifestNode, type TreeNode } from './tree.js';

export interface LayerOutcome {
  index: number;
  action: 'transformed' | 'copied' | 'external';
  source: Descriptor;
  /** The layer as it is now (the source descriptor unless transformed). */
  result: Descriptor;
}

export interface ManifestOutcome {
  platform: string;
  source: Descriptor;
  result: Descriptor;
  layers: LayerOutcome[];
}

/** A manifest or index as rebuilt: the bytes to write or push, and the descriptor that points at them. */
export interface Document {
  desc: Descriptor;
  bytes: Buffer;
}

export interface Mutation {
  root: Descriptor;
  /** Every manifest and index of the result, children before parents, each digest once, the root last. */
  documents: Document[];
  /** The image manifests (attestations left out), in the order they were rebuilt. */
  manifests: ManifestOutcome[];
  /** Attestation manifests carried over, with the image digest they now refer to. */
  attestations: { digest: string; reference: string }[];
  /** The configs and layers of every manifest of the result, each digest once. */
  blobs: Descriptor[];
}

export interface MutateOptions {
  /** Convert docker schema2 manifests that get a transformed layer to OCI (encryption needs OCI). */
  convertDockerToOci: boolean;
}

/** What became of the layers of one manifest, in its order. */
export type LayerOutcomes = (manifest: ManifestNode) => LayerOutcome[];

interface Rebuilt extends Document {
  /** For manifests: the config and layers as they are now. */
  blobs?: Descriptor[];
}

/** A parent's own descriptor of a child (its annotations, platform), pointing at what the child became. */
function repoint(own: Descriptor, r: Descriptor): Descriptor {
  return { ...own, mediaType: r.mediaType, digest: r.digest, size: r.size };
}

function sha256(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** The node's own bytes when nothing changed (and it has a digest of its own), else the new document. */
function emit(node: TreeNode, changed: boolean, doc: Record<string, unknown>, mediaType: string): Document {
  const bytes = changed || node.desc.digest === '' ? serialize(doc) : node.bytes;
  return { bytes, desc: { ...node.desc, mediaType, digest: sha256(bytes), size: bytes.length } };
}

/** One rebuild of an image graph; each node is rebuilt once however many parents share it. */
class Mutator {
  readonly #rebuilt = new Map<TreeNode, Rebuilt>();
  /** Source digest -> rebuilt digest, for attestations that refer to an image by digest. */
  readonly #newDigest = new Map<string, string>();
  readonly manifests: ManifestOutcome[] = [];
  readonly attestations: Mutation['attestations'] = [];

  constructor(
    readonly layers: LayerOutcomes,
    readonly opts: MutateOptions,
  ) {}

  rebuild(node: TreeNode): Rebuilt {
    let r = this.#rebuilt.get(node);
    if (!r) {
      r = node.kind === 'manifest' ? this.#manifest(node) : this.#index(node);
      this.#rebuilt.set(node, r);
    }
    return r;
  }

  #manifest(node: ManifestNode): Rebuilt {
    const layers = this.layers(node);
    const changed = layers.some((l) => l.action === 'transformed');
    let mediaType = node.doc.mediaType;
    const raw: Record<string, unknown> = { ...node.doc.raw, layers: layers.map((l) => l.result) };
    let config = node.doc.config;
    if (changed && this.opts.convertDockerToOci && mediaType === MT.dockerManifest) {
      // As containers/image does: only OCI manifests can carry encrypted layers. The config bytes stay the
      // same (the docker config is a superset of the OCI one); only the descriptors' media types change.
      mediaType = MT.ociManifest;
      config = { ...node.doc.config, mediaType: MT.ociConfig };
      Object.assign(raw, { mediaType, config });
      raw.layers = layers.map((l) => ({ ...l.result, mediaType: ociLayerMediaType(l.result.mediaType) }));
    }
    const doc = emit(node, changed, raw, mediaType);
    this.#newDigest.set(node.desc.digest, doc.desc.digest);
    if (!isAttestationManifest(node.desc)) {
      this.manifests.push({
        platform: formatPlatform(node.platform),
        source: node.desc,
        result: doc.desc,
        layers,
      });
    }
    return { ...doc, blobs: [config, ...(raw.layers as Descriptor[])] };
  }

  #index(node: IndexNode): Rebuilt {
    // Images first, so that attestations can point at their new digests.
    const results = new Map<number, Descriptor>();
    for (const [i, child] of node.children.entries()) {
      if (child && !isAttestationManifest(child.desc)) {
        // An image found under an attestation mark (settleAttestations) loses the mark in its parent too.
        results.set(i, repoint(withoutAttestationMark(node.doc.manifests[i]!), this.rebuild(child).desc));
      }
    }
    for (const [i, child] of node.children.entries()) {
      if (!child || !isAttestationManifest(child.desc)) continue;
      const copied = repoint(node.doc.manifests[i]!, this.rebuild(child).desc);
      const ref = copied.annotations?.[ANNOTATION_REFERENCE_DIGEST] ?? '';
      const target = this.#newDigest.get(ref) ?? ref;
      this.attestations.push({ digest: copied.digest, reference: target });
      results.set(i, {
        ...copied,
        annotations: { ...copied.annotations, [ANNOTATION_REFERENCE_DIGEST]: target },
      });
    }
    const kept = node.children.flatMap((_, i) => (results.has(i) ? [results.get(i)!] : []));
    const changed =
      kept.length !== node.doc.manifests.length ||
      kept.some((d, i) => JSON.stringify(d) !== JSON.stringify(node.doc.manifests[i]));
    let mediaType = node.doc.mediaType;
    const raw: Record<string, unknown> = { ...node.doc.raw, manifests: kept };
    if (changed && mediaType === MT.dockerManifestList && kept.some((d) => d.mediaType === MT.ociManifest)) {
      mediaType = MT.ociIndex;
      raw.mediaType = mediaType;
    }
    return emit(node, changed, raw, mediaType);
  }
}

/** Each element once by key, in first-seen order; a later duplicate's value replaces the earlier one's. */
function byKey<T>(items: T[], key: (t: T) => string): T[] {
  return [...new Map(items.map((t) => [key(t), t] as const)).values()];
}

/**
 * Rebuild the image under `root` from what became of its layers. Pure and synchronous: nothing is read or
 * written, so the same inputs always give the same bytes.
 */
export function mutateImage(root: TreeNode, layers: LayerOutcomes, opts: MutateOptions): Mutation {
  const m = new Mutator(layers, opts);
  const top = m.rebuild(root);
  const documents = byKey(
    nodesBottomUp(root).map((n) => m.rebuild(n)),
    (d) => d.desc.digest,
  ).map(({ desc, bytes }) => ({ desc, bytes }));
  const blobs = byKey(
    manifestNodes(root).flatMap((n) => m.rebuild(n).blobs!),
    (d) => d.digest,
  );
  return { root: top.desc, documents, manifests: m.manifests, attestations: m.attestations, blobs };
}
