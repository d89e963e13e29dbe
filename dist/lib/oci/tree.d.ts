import type { BlobSource } from './source.js';
import { type Descriptor, type ImageIndex, type ImageManifest } from './model.js';
import { type Platform } from './platform.js';
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
/**
 * Pick the entry of index.json to work on. With a ref name: the one entry carrying it. Without: the only
 * entry; or, when index.json lists platform manifests directly (no ref names), index.json itself.
 */
export declare function selectEntry(index: ImageIndex, sourceName: string, refName?: string): Descriptor | undefined;
export interface LoadOptions {
    refName?: string;
    /** Only these platforms (others are left out and listed in skippedPlatforms); all when absent or empty. */
    platforms?: Platform[];
}
export declare function loadImage(source: BlobSource, opts?: LoadOptions): Promise<LoadedImage>;
/** Every manifest under a node once (a DAG shares nodes), attestation manifests included, in tree order. */
export declare function manifestNodes(node: TreeNode): ManifestNode[];
/** The image manifests under a node: attestation manifests left out. */
export declare function imageManifestNodes(node: TreeNode): ManifestNode[];
/** Every manifest and index once, children before parents: the order a registry accepts them in. */
export declare function nodesBottomUp(node: TreeNode): TreeNode[];
export declare function countImages(node: TreeNode): number;
/** The node of a manifest read outside a walk (an attestation-marked one found to be an image). */
export declare function manifestNode(source: BlobSource, desc: Descriptor, doc: ImageManifest, bytes: Buffer): Promise<ManifestNode>;
