/**
 * Rewrite an image into a new layout, layer by layer: the shared core of encrypt and decrypt, in four steps.
 * Plan what becomes of each layer (layer-plan.ts); run the layers, each distinct blob once, in parallel
 * (blob-stage.ts); rebuild the manifests and indexes from the new layers, a pure step (oci/mutate.ts); write
 * them. Untouched parts keep their exact bytes and digests.
 */
import { ANNOTATION_REF_NAME, type Descriptor } from '../oci/model.js';
import type { BlobHandle, LayoutWriter } from '../oci/layout/writer.js';
import { mutateImage, type LayerOutcome, type Mutation, type MutateOptions } from '../oci/mutate.js';
import type { BlobSource } from '../oci/source.js';
import { manifestNodes, type LoadedImage, type ManifestNode } from '../oci/tree.js';
import { BlobStage, type BlobStageOptions, type LayerWork, type MovedBlob } from './blob-stage.js';
import { isExternal, jobKey, planLayers, type LayerPlan, type LayerSelector } from './layer-plan.js';
import { pick, toImageReport } from './report.js';
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

/** What became of the layers of one manifest. */
function layerOutcomes(m: ManifestNode, plan: LayerPlan, moved: Map<string, MovedBlob>): LayerOutcome[] {
  const actions = plan.actions.get(m)!;
  return m.doc.layers.map((layer, index) => {
    const d = moved.get(jobKey(actions[index]!, layer))!;
    // A copied layer keeps this manifest's own descriptor (annotations, urls), not another manifest's.
    return { index, action: d.action, source: layer, result: d.action === 'transformed' ? d.desc : layer };
  });
}

export async function rewriteImage(
  source: BlobSource,
  image: LoadedImage,
  writer: LayoutWriter,
  ops: LayerOps,
  opts: RewriteOptions,
): Promise<RewriteResult> {
  const manifests = manifestNodes(image.root);
  const plan = planLayers(manifests, ops.select, source.name);
  const stage = new BlobStage(source, writer, ops, opts);
  const moved = await stage.run(plan.jobs);
  await stage.writeConfigs(manifests);
  const mutation = mutateImage(image.root, (m) => layerOutcomes(m, plan, moved), ops);
  for (const d of mutation.documents) await writer.writeBytes(d.bytes);
  const blobs = mutation.blobs
    .filter((b) => !isExternal(b) || writer.has(b.digest))
    .map((desc) => ({ desc, handle: writer.handle(desc.digest) }));
  return { ...mutation, blobs };
}

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
export async function rewriteInPlace(
  source: BlobSource,
  image: LoadedImage,
  writer: LayoutWriter | undefined,
  ops: LayerOps,
  opts: RewriteOptions,
): Promise<InPlaceResult> {
  const plan = planLayers(manifestNodes(image.root), ops.select, source.name);
  const moved = await new BlobStage(source, writer, ops, { ...opts, inPlace: true }).run(plan.jobs);
  const mutation = mutateImage(image.root, (m) => layerOutcomes(m, plan, moved), ops);
  const external = new Set(
    [...moved.values()].filter((d) => d.action === 'external').map((d) => d.desc.digest),
  );
  return { ...mutation, blobs: mutation.blobs.filter((b) => !external.has(b.digest)) };
}

/**
 * Rewrite into the writer's layout and commit it, the source entry's ref name kept: the image and its report.
 * The report is made first: nothing that can fail may come after the layout is in place.
 */
export async function rewriteToLayout(
  source: BlobSource,
  image: LoadedImage,
  writer: LayoutWriter,
  ops: LayerOps,
  opts: RewriteOptions & { report?: Partial<ImageReport> },
): Promise<{ report: ImageReport; result: RewriteResult }> {
  const result = await rewriteImage(source, image, writer, ops, opts);
  const refName = image.entry?.annotations?.[ANNOTATION_REF_NAME];
  const report = await toImageReport(
    result,
    { output: writer.path, ...(refName ? { refName } : {}), ...opts.report },
    image.skippedPlatforms,
  );
  await writer.commit([image.entry ? { ...image.entry, ...pick(result.root) } : result.root]);
  return { report, result };
}
