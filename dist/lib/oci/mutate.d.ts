import { type Descriptor } from './model.js';
import { type ManifestNode, type TreeNode } from './tree.js';
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
    attestations: {
        digest: string;
        reference: string;
    }[];
    /** The configs and layers of every manifest of the result, each digest once. */
    blobs: Descriptor[];
}
export interface MutateOptions {
    /** Convert docker schema2 manifests that get a transformed layer to OCI (encryption needs OCI). */
    convertDockerToOci: boolean;
}
/** What became of the layers of one manifest, in its order. */
export type LayerOutcomes = (manifest: ManifestNode) => LayerOutcome[];
/**
 * Rebuild the image under `root` from what became of its layers. Pure and synchronous: nothing is read or
 * written, so the same inputs always give the same bytes.
 */
export declare function mutateImage(root: TreeNode, layers: LayerOutcomes, opts: MutateOptions): Mutation;
