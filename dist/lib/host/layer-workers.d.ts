import type { FileJob, FileJobResult } from './layer-files.js';
export declare class LayerWorkers {
    #private;
    /**
     * `concurrency` layers at once: up to three streams each (cipher chain, input digest, output digest), on as
     * many lanes as there are cores, and at least three, so that a single layer's three passes each get a thread.
     */
    constructor(script: string, concurrency: number);
    /**
     * Layers of these many bytes will be encrypted or decrypted here: while they keep the other cores busy, a
     * layer stays on one lane.
     */
    announce(bytes: number): void;
    /**
     * Run a job on the lanes; an abort stops it within a chunk (its temp file is removed). The layer is spread
     * over lanes when the other layers announced or running cannot keep the other cores busy for as long as it
     * takes (one big layer, or the last ones), and kept on one lane otherwise: spreading costs CPU (each chunk
     * crosses cores), which is only worth it when cores would idle.
     */
    run(job: FileJob, signal?: AbortSignal, onProgress?: (bytes: number) => void): Promise<FileJobResult>;
    close(): Promise<void>;
}
export declare function defaultConcurrency(): number;
/** When the front end named the worker entry: a pool of worker threads for the large layers. */
export declare function startWorkers(opts: {
    concurrency?: number;
    workerScript?: string;
}): LayerWorkers | undefined;
export declare function rewriteRuntime(opts: {
    concurrency?: number;
}, workers: LayerWorkers | undefined): {
    concurrency: number;
    workers?: LayerWorkers;
};
