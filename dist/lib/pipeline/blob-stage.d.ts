import type { BlobHandle, LayoutWriter } from '../oci/layout/writer.js';
import type { Descriptor } from '../oci/model.js';
import type { LayerOutcome } from '../oci/mutate.js';
import type { BlobSource } from '../oci/source.js';
import type { ManifestNode } from '../oci/tree.js';
import type { LayerOperation } from '../ocicrypt/layer.js';
import type { LayerWorkers } from '../host/layer-workers.js';
import type { MadeBlob } from '../registry/push.js';
import { type BlobJob } from './layer-plan.js';
/**
 * The engine's prepared layer: parameters for the layer loop, run by the file loop (layouts and archives,
 * inline or in a worker) or as a stream stage (registries), and the finalizer that gives its descriptor.
 */
export type LayerTransform = LayerOperation;
/**
 * Where transformed layers go when they are not written (a push sends each to the registry as it is made):
 * `send` resolves with the digest of what landed. The layer is made again from the source for each attempt:
 * AES-CTR under the same key and nonce gives the same bytes, so a retry needs no copy kept on disk.
 */
export interface LayerSink {
    send(blob: MadeBlob): Promise<string>;
}
/** Told of each layer and config blob once it is final in the output, with a handle to read it by. */
export type BlobListener = (desc: Descriptor, blob: BlobHandle) => void;
export interface BlobStageOptions {
    concurrency: number;
    log: (line: string) => void;
    /** Worker threads for large layers; without them every layer runs on this thread. */
    workers?: LayerWorkers;
    /** Stops the run from outside (a push whose upload failed), failing it with the signal's reason. */
    signal?: AbortSignal;
    onBlob?: BlobListener;
    /**
     * Leave in the source every blob whose bytes do not change (copies, and transforms that only change the
     * descriptor, as a rewrap): nothing is written for them. A push reads them from the source when the registry
     * lacks them.
     */
    inPlace?: boolean;
    /** Send each layer whose bytes change here, as it is made, instead of writing it (with inPlace only). */
    sink?: LayerSink;
}
export interface LayerWork {
    /** Word for the log ("encrypted", "decrypted"). */
    verb: string;
    /** Set up the transform for one layer (called once per distinct blob). */
    prepare(layer: Descriptor): Promise<LayerTransform>;
}
export interface MovedBlob {
    desc: Descriptor;
    action: LayerOutcome['action'];
}
export declare class BlobStage {
    #private;
    readonly source: BlobSource;
    /** Where blobs are written; none when every blob that changes goes to the sink and the rest stay. */
    readonly writer: LayoutWriter | undefined;
    readonly work: LayerWork;
    readonly opts: BlobStageOptions;
    constructor(source: BlobSource, 
    /** Where blobs are written; none when every blob that changes goes to the sink and the rest stay. */
    writer: LayoutWriter | undefined, work: LayerWork, opts: BlobStageOptions);
    /** Run every job; the result maps each job's key to the blob it produced. */
    run(jobs: Map<string, BlobJob>): Promise<Map<string, MovedBlob>>;
    /** Configs are copied as they are (ocicrypt never encrypts them); the tree holds them verified. */
    writeConfigs(manifests: ManifestNode[]): Promise<void>;
}
