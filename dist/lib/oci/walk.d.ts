import { type Descriptor, type ImageDocument } from './model.js';
import { type Platform } from './platform.js';
import type { BlobSource } from './source.js';
import type { TreeNode } from './tree.js';
/**
 * Caps on an untrusted graph. Distinct manifests and indexes: a 50-platform image with attestations has about
 * a hundred; 10,000 bounds the reads (each up to 4 MiB) a hostile registry or layout can ask of us.
 * Index nesting: real images nest at most two indexes (index.json's entry, BuildKit's index); 8 leaves room for
 * tools that wrap indexes while bounding every walker's recursion. Memoisation makes work proportional to the
 * distinct documents, so the depth cap guards recursion, not time.
 */
export declare const MAX_DOCUMENTS = 10000;
export declare const MAX_INDEX_DEPTH = 8;
/**
 * All manifests, indexes and configs of one graph are held in memory until it is rebuilt: 10,000 documents of up
 * to 4 MiB (plus their configs) would be unbounded in practice. Real images use well under a MiB.
 */
export declare const MAX_GRAPH_BYTES: number;
export declare function readNode(source: BlobSource, desc: Descriptor): Promise<{
    doc: ImageDocument;
    bytes: Buffer;
}>;
export interface Loaded {
    node: TreeNode;
    /** Indexes on the longest path down from this node, itself included (0 for a manifest). */
    height: number;
}
/** One walk: the memo of documents and configs read so far, and the platforms left out. */
export declare class Walk {
    #private;
    readonly source: BlobSource;
    readonly wanted: Platform[] | undefined;
    readonly budget: number;
    readonly skipped: Set<string>;
    constructor(source: BlobSource, wanted: Platform[] | undefined, budget?: number);
    /** The node of `desc` with `depth` indexes above it: read once, whichever parent asks first. */
    child(desc: Descriptor, depth: number, attestation?: boolean): Promise<Loaded>;
    build(desc: Descriptor, doc: ImageDocument, bytes: Buffer, depth: number): Promise<Loaded>;
}
/** os/architecture/variant of an image config, when it is a JSON object that has them. */
export declare function configPlatform(config: Buffer): Platform | undefined;
