/**
 * One walk over an untrusted image graph: each manifest, index and config read once (memoised by descriptor),
 * whichever parent asks first, under caps on the number of distinct documents and on index nesting.
 */
import { OepError } from '../errors.js';
import { withoutAttestationMark } from './attestation.js';
import { isIndexMediaType, isManifestMediaType } from './mediatypes.js';
import {
  ANNOTATION_REFERENCE_DIGEST,
  isAttestationManifest,
  parseManifestOrIndex,
  type Descriptor,
  type ImageDocument,
} from './model.js';
import { formatPlatform, platformMatches, type Platform } from './platform.js';
import type { BlobSource } from './source.js';
import type { TreeNode } from './tree.js';

/**
 * Caps on an untrusted graph. Distinct manifests and indexes: a 50-platform image with attestations has about
 * a hundred; 10,000 bounds the reads (each up to 4 MiB) a hostile registry or layout can ask of us.
 * Index nesting: real images nest at most two indexes (index.json's entry, BuildKit's index); 8 leaves room for
 * tools that wrap indexes while bounding every walker's recursion. Memoisation makes work proportional to the
 * distinct documents, so the depth cap guards recursion, not time.
 */
export const MAX_DOCUMENTS = 10_000;
export const MAX_INDEX_DEPTH = 8;
/**
 * All manifests, indexes and configs of one graph are held in memory until it is rebuilt: 10,000 documents of up
 * to 4 MiB (plus their configs) would be unbounded in practice. Real images use well under a MiB.
 */
export const MAX_GRAPH_BYTES = 256 * 1024 * 1024;

export async function readNode(
  source: BlobSource,
  desc: Descriptor,
): Promise<{ doc: ImageDocument; bytes: Buffer }> {
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

export interface Loaded {
  node: TreeNode;
  /** Indexes on the longest path down from this node, itself included (0 for a manifest). */
  height: number;
}

/** One walk: the memo of documents and configs read so far, and the platforms left out. */
export class Walk {
  readonly #docs = new Map<string, Promise<Loaded>>();
  readonly #configs = new Map<string, Promise<Buffer>>();
  readonly skipped = new Set<string>();

  #bytes = 0;

  constructor(
    readonly source: BlobSource,
    readonly wanted: Platform[] | undefined,
    readonly budget = MAX_GRAPH_BYTES,
  ) {}

  /** Count what a read holds in memory against the budget. */
  #held(bytes: Buffer): Buffer {
    this.#bytes += bytes.length;
    if (this.#bytes > this.budget) {
      throw new OepError(
        'E_MANIFEST',
        `${this.source.name}: its manifests, indexes and configs exceed ${Math.round(this.budget / 1048576)} MiB`,
        { hint: 'this graph is malformed or hostile; push or encrypt its images separately' },
      );
    }
    return bytes;
  }

  #tooDeep(): OepError {
    return new OepError('E_MANIFEST', `${this.source.name}: indexes nest deeper than ${MAX_INDEX_DEPTH}`, {
      hint: `images nest at most ${MAX_INDEX_DEPTH} indexes; this graph is malformed or hostile`,
    });
  }

  /** The node of `desc` with `depth` indexes above it: read once, whichever parent asks first. */
  async child(desc: Descriptor, depth: number, attestation = false): Promise<Loaded> {
    if (isIndexMediaType(desc.mediaType) && depth >= MAX_INDEX_DEPTH) throw this.#tooDeep();
    const key = `${desc.digest} ${desc.size} ${desc.mediaType}${attestation ? ' attestation' : ''}`;
    let p = this.#docs.get(key);
    if (!p) {
      if (this.#docs.size >= MAX_DOCUMENTS) {
        throw new OepError(
          'E_MANIFEST',
          `${this.source.name}: the image has more than ${MAX_DOCUMENTS} distinct manifests and indexes`,
          { hint: 'this graph is malformed or hostile; push or encrypt its images separately' },
        );
      }
      p = readNode(this.source, desc).then((r) => this.build(desc, r.doc, this.#held(r.bytes), depth));
      this.#docs.set(key, p);
    }
    const loaded = await p;
    // A node first met shallow can be reached again deeper: the cap holds on every path.
    if (depth + loaded.height > MAX_INDEX_DEPTH) throw this.#tooDeep();
    return loaded;
  }

  async build(desc: Descriptor, doc: ImageDocument, bytes: Buffer, depth: number): Promise<Loaded> {
    if (doc.kind === 'manifest') {
      const config = await this.#config(doc.config);
      const platform = desc.platform ?? configPlatform(config);
      return { node: { kind: 'manifest', desc, doc, bytes, config, platform }, height: 0 };
    }
    const children: (TreeNode | undefined)[] = [];
    const selected = new Set<string>();
    let below = 0;
    for (const child of doc.manifests) {
      const isImage = isManifestMediaType(child.mediaType) && !isAttestationManifest(child);
      if (isImage && this.wanted && !this.wanted.some((p) => platformMatches(p, child.platform))) {
        this.skipped.add(formatPlatform(child.platform));
        children.push(undefined);
      } else if (isAttestationManifest(child) && !isIndexMediaType(child.mediaType)) {
        children.push(undefined); // decided once the images are known (see below)
      } else {
        // An index is never an attestation: under the mark it is walked like any other, the mark dropped.
        const loaded = await this.child(withoutAttestationMark(child), depth + 1);
        children.push(loaded.node);
        below = Math.max(below, loaded.height);
        selected.add(child.digest);
      }
    }
    // Attestations describe one image manifest; keep those whose image we keep.
    for (const [i, child] of doc.manifests.entries()) {
      const ref = child.annotations?.[ANNOTATION_REFERENCE_DIGEST];
      if (isAttestationManifest(child) && isManifestMediaType(child.mediaType) && ref && selected.has(ref)) {
        children[i] = (await this.child(child, depth + 1, true)).node;
      }
    }
    return { node: { kind: 'index', desc, doc, bytes, children }, height: below + 1 };
  }

  /** Configs are shared by platforms more often than not: each is read once too. */
  #config(desc: Descriptor): Promise<Buffer> {
    const key = `${desc.digest} ${desc.size}`;
    let p = this.#configs.get(key);
    if (!p) {
      p = this.source.read(desc).then((b) => this.#held(b));
      this.#configs.set(key, p);
    }
    return p;
  }
}

/** os/architecture/variant of an image config, when it is a JSON object that has them. */
export function configPlatform(config: Buffer): Platform | undefined {
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
