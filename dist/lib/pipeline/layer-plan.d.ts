import { type Descriptor } from '../oci/model.js';
import type { ManifestNode } from '../oci/tree.js';
export type LayerAction = 'transform' | 'copy';
/** What to do with layer `index` of an image manifest: transform it, or copy it as it is. */
export type LayerSelector = (layer: Descriptor, index: number, manifest: ManifestNode) => LayerAction;
export interface BlobJob {
    layer: Descriptor;
    action: LayerAction;
}
export interface LayerPlan {
    /** The action of every layer, per manifest, in layer order. */
    actions: Map<ManifestNode, LayerAction[]>;
    /** The distinct jobs, by jobKey. */
    jobs: Map<string, BlobJob>;
}
export declare function jobKey(action: LayerAction, layer: Descriptor): string;
/** A non-distributable layer with URLs may legitimately be absent from the layout: its descriptor passes as is. */
export declare function isExternal(d: Descriptor): boolean;
/** Plan every manifest (attestation manifests are copied); `sourceName` names the source in messages. */
export declare function planLayers(manifests: ManifestNode[], select: LayerSelector, sourceName: string): LayerPlan;
