/**
 * The layer jobs of a run on lanes: worker threads shared by every layer in flight, each layer's hashing and
 * cipher spread over them (layer-pipeline.ts), so one big layer uses every core and many layers do not start
 * a thread each. The front end names the worker entry (layer-worker.ts, bundled to dist/worker); without one,
 * jobs run inline. Errors come back as OepErrors with their code.
 */
import { availableParallelism } from 'node:os';
import { LanePool } from './lane-pool.js';
import type { FileJob, FileJobResult } from './layer-files.js';
import { runPipelined } from './layer-pipeline.js';

export class LayerWorkers {
  readonly #lanes: LanePool;

  /**
   * `concurrency` layers at once: three streams each (input hash, cipher chain, output hash), on as many lanes
   * as there are cores, and at least three, so that a single layer's three passes each get a thread.
   */
  constructor(script: string, concurrency: number) {
    const lanes = Math.min(3 * Math.max(1, concurrency), Math.max(3, availableParallelism()));
    this.#lanes = new LanePool(script, lanes);
  }

  /** Run a job on the lanes; an abort stops it within a chunk (its temp file is removed). */
  run(job: FileJob, signal?: AbortSignal, onProgress?: (bytes: number) => void): Promise<FileJobResult> {
    return runPipelined(job, this.#lanes, {
      ...(signal ? { signal } : {}),
      ...(onProgress ? { onProgress } : {}),
    });
  }

  close(): Promise<void> {
    return this.#lanes.close();
  }
}

export function defaultConcurrency(): number {
  return Math.max(2, Math.min(4, availableParallelism()));
}

/** When the front end named the worker entry: a pool of worker threads for the large layers. */
export function startWorkers(opts: {
  concurrency?: number;
  workerScript?: string;
}): LayerWorkers | undefined {
  return opts.workerScript
    ? new LayerWorkers(opts.workerScript, opts.concurrency ?? defaultConcurrency())
    : undefined;
}

export function rewriteRuntime(
  opts: { concurrency?: number },
  workers: LayerWorkers | undefined,
): { concurrency: number; workers?: LayerWorkers } {
  return { concurrency: opts.concurrency ?? defaultConcurrency(), ...(workers ? { workers } : {}) };
}
