import { type FileJob, type FileJobResult } from './layer-files.js';
/** Worker side: answer job messages until the pool terminates us. */
export declare function serveLayerJobs(): void;
export declare class LayerWorkers {
    #private;
    constructor(script: string, size: number);
    /**
     * Run a job on a free worker, or on this thread when every worker is busy: the calling thread is a lane too,
     * so a pool one smaller than the cores keeps them all busy without paying for a worker per core. An abort
     * terminates the job's worker (its temp file is the writer's to remove).
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
