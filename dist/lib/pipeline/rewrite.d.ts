/**
 * Rewrite an image into a new layout, layer by layer: the shared core of encrypt and decrypt, in four steps.
 * Plan what becomes of each layer (layer-plan.ts); run the layers, each distinct blob once, in parallel
 * (blob-stage.ts); rebuild the manifests and indexes from the new layers, a pure step (oci/mutate.ts); write
 * them. Untouched parts keep their exact bytes and digests.
 */
import { type Descriptor } from '../oci/model.js';
import type { BlobHandle, LayoutWriter } from '../oci/layout/writer.js';
import { type Mutation, type MutateOptions } from '../oci/mutate.js';
import type { BlobSource } from '../oci/source.js';
import { type LoadedImage } from '../oci/tree.js';
import { type BlobStageOptions, type LayerWork } from './blob-stage.js';
import { type LayerSelector } from './layer-plan.js';
import type { ImageReport } from './result.js';
export type { BlobListener, LayerSink, LayerTransform } from './blob-stage.js';
export { isExternal } from './layer-plan.js';
export interface LayerOps extends LayerWork, MutateOptions {
    /** What to do with layer `index` of an image manifest (attestation manifests are always copied). */
    select: LayerSelector;
}
export type RewriteOptions = BlobStageOptions;
/** A blob of the written layout, with the handle to read it by. */
export interface StoredBlob {
    desc: Descriptor;
    handle: BlobHandle;
}
export interface RewriteResult extends Omit<Mutation, 'blobs'> {
    /** Every config and layer the new image needs that the layout holds (foreign layers left at their URLs are not). */
    blobs: StoredBlob[];
}
export declare function rewriteImage(source: BlobSource, image: LoadedImage, writer: LayoutWriter, ops: LayerOps, opts: RewriteOptions): Promise<RewriteResult>;
/** An image rewritten in place: the blobs are those the new image needs, wherever they are. */
export interface InPlaceResult extends Omit<Mutation, 'blobs'> {
    /** Every config and layer the new image needs (foreign layers left at their URLs are not). */
    blobs: Descriptor[];
}
/**
 * Rewrite without moving what does not change: only blobs whose bytes change are written (and announced), or
 * sent to `opts.sink` as they are made (then no writer is needed); configs, copied layers and layers whose
 * descriptor alone changes stay in the source. For a push, which finds them in the registry or reads them from
 * the source. No document is written.
 */
export declare function rewriteInPlace(source: BlobSource, image: LoadedImage, writer: LayoutWriter | undefined, ops: LayerOps, opts: RewriteOptions): Promise<InPlaceResult>;
/**
 * Rewrite into the writer's layout and commit it, the source entry's ref name kept: the image and its report.
 * The report is made first: nothing that can fail may come after the layout is in place.
 */
export declare function rewriteToLayout(source: BlobSource, image: LoadedImage, writer: LayoutWriter, ops: LayerOps, opts: RewriteOptions & {
    report?: Partial<ImageReport>;
}): Promise<{
    report: ImageReport;
    result: RewriteResult;
}>;
