import type { LanePool } from './lane-pool.js';
import { type FileJob, type FileJobResult } from './layer-files.js';
/** Slot size and count: 3 chunks of 1 MiB in flight (spread, as many output slots), enough to feed the lanes. */
export declare const SLOT_SIZE: number;
export declare const SLOTS = 3;
export interface PipelineOptions {
    signal?: AbortSignal;
    onProgress?: (bytes: number) => void;
    /**
     * Spread the layer's streams over lanes (every core for this layer), or keep them on one lane, which costs
     * less CPU (the data stays in one core's cache) when other layers keep the other cores busy.
     */
    split?: boolean;
    /** The cores the spread layer has: with two, its two digests share one lane (see runPipelined). */
    cores?: number;
}
/** runFileJob (layer-files.ts) with the hashing, the cipher and the writes on lanes. */
export declare function runPipelined(job: FileJob, lanes: LanePool, opts?: PipelineOptions): Promise<FileJobResult>;
