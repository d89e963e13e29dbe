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
  readonly #cores = availableParallelism();
  /** Bytes of the layers announced and not started yet, and what is left of those running. */
  #queued = 0;
  readonly #running = new Set<{ left: number }>();

  /**
   * `concurrency` layers at once: up to three streams each (cipher chain, input digest, output digest), on as
   * many lanes as there are cores, and at least three, so that a single layer's three passes each get a thread.
   */
  constructor(script: string, concurrency: number) {
    const lanes = Math.min(3 * Math.max(1, concurrency), Math.max(3, this.#cores));
    this.#lanes = new LanePool(script, lanes);
  }

  /**
   * Layers of these many bytes will be encrypted or decrypted here: while they keep the other cores busy, a
   * layer stays on one lane.
   */
  announce(bytes: number): void {
    this.#queued += bytes;
  }

  /**
   * Run a job on the lanes; an abort stops it within a chunk (its temp file is removed). The layer is spread
   * over lanes when the other layers announced or running cannot keep the other cores busy for as long as it
   * takes (one big layer, or the last ones), and kept on one lane otherwise: spreading costs CPU (each chunk
   * crosses cores), which is only worth it when cores would idle.
   */
  async run(
    job: FileJob,
    signal?: AbortSignal,
    onProgress?: (bytes: number) => void,
  ): Promise<FileJobResult> {
    const size = job.expected.size;
    // A copy only hashes once: a third of a cipher's work per byte (announce() counts ciphered layers only).
    const weight = job.mode === 'copy' ? 1 / 3 : 1;
    if (weight === 1) this.#queued = Math.max(0, this.#queued - size);
    let others = this.#queued;
    for (const r of this.#running) others += r.left;
    const split = others < (this.#cores - 1) * size;
    const me = { left: size * weight };
    this.#running.add(me);
    const progress = (bytes: number) => {
      me.left = (size - bytes) * weight;
      onProgress?.(bytes);
    };
    try {
      return await runPipelined(job, this.#lanes, {
        ...(signal ? { signal } : {}),
        onProgress: progress,
        split,
        cores: this.#cores,
      });
    } finally {
      this.#running.delete(me);
    }
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
