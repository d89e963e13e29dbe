/**
 * A small pool of worker threads running layer file jobs, so that each core encrypts a layer: the hashing and
 * the cipher are synchronous, and on the main thread they would take turns on one core. The front end names
 * the worker entry (layer-worker.ts, bundled to dist/worker); without one, jobs run inline. Errors come back
 * as OepErrors with their code.
 */
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { parentPort, Worker } from 'node:worker_threads';
import { internalError, OepError, type ErrorCode } from '../errors.js';
import { runFileJob, type FileJob, type FileJobResult } from './layer-files.js';

type Reply =
  | { id: number; result: FileJobResult }
  | { id: number; error: { code?: ErrorCode; message: string; hint?: string } }
  | { id: number; progress: number };

/** Worker side: answer job messages until the pool terminates us. */
export function serveLayerJobs(): void {
  const port = parentPort;
  if (!port) throw internalError('serveLayerJobs() runs in a worker thread');
  port.on('message', (msg: { id: number; job: FileJob }) => {
    let last = 0;
    const progress = (bytes: number) => {
      if (bytes - last >= 256 * 1024 * 1024) {
        last = bytes;
        port.postMessage({ id: msg.id, progress: bytes } satisfies Reply);
      }
    };
    runFileJob(msg.job, progress).then(
      (result) => port.postMessage({ id: msg.id, result } satisfies Reply),
      (err: unknown) => {
        const e = err as OepError;
        const error =
          e instanceof OepError
            ? { code: e.code, message: e.message, ...(e.hint ? { hint: e.hint } : {}) }
            : { message: String((err as Error)?.stack ?? err) };
        port.postMessage({ id: msg.id, error } satisfies Reply);
      },
    );
  });
}

interface Slot {
  worker: Worker;
  busy: boolean;
}

export class LayerWorkers {
  readonly #script: string;
  readonly #size: number;
  readonly #slots: Slot[] = [];
  #nextId = 0;

  constructor(script: string, size: number) {
    this.#script = script;
    this.#size = Math.max(1, size);
  }

  #spawn(): Worker {
    if (this.#script.endsWith('.ts')) {
      // Running from source (tests, tsx): Node 20 does not carry tsx's loader into workers, so register it there.
      const url = JSON.stringify(pathToFileURL(this.#script).href);
      return new Worker(`import('tsx/esm/api').then((m) => { m.register(); return import(${url}); });`, {
        eval: true,
      });
    }
    return new Worker(this.#script);
  }

  /** An idle worker, or a new one while the pool is not full; undefined when all are busy. */
  #tryAcquire(): Slot | undefined {
    const idle = this.#slots.find((s) => !s.busy);
    if (idle) {
      idle.busy = true;
      return idle;
    }
    if (this.#slots.length >= this.#size) return undefined;
    const slot = { worker: this.#spawn(), busy: true };
    slot.worker.unref();
    // A worker that dies while idle must leave the pool, or the next job would wait on it forever.
    slot.worker.once('exit', () => {
      const i = this.#slots.indexOf(slot);
      if (i !== -1) this.#slots.splice(i, 1);
    });
    this.#slots.push(slot);
    return slot;
  }

  #release(slot: Slot): void {
    slot.busy = false;
  }

  async #drop(slot: Slot): Promise<void> {
    const i = this.#slots.indexOf(slot);
    if (i !== -1) this.#slots.splice(i, 1);
    await slot.worker.terminate();
  }

  /**
   * Run a job on a free worker, or on this thread when every worker is busy: the calling thread is a lane too,
   * so a pool one smaller than the cores keeps them all busy without paying for a worker per core. An abort
   * terminates the job's worker (its temp file is the writer's to remove).
   */
  async run(
    job: FileJob,
    signal?: AbortSignal,
    onProgress?: (bytes: number) => void,
  ): Promise<FileJobResult> {
    const slot = this.#tryAcquire();
    if (!slot) return runFileJob(job, onProgress);
    const id = this.#nextId++;
    return new Promise<FileJobResult>((resolve, reject) => {
      const { worker } = slot;
      const cleanup = () => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
        signal?.removeEventListener('abort', onAbort);
      };
      const onMessage = (msg: Reply) => {
        if (msg.id !== id) return;
        if ('progress' in msg) {
          onProgress?.(msg.progress);
          return;
        }
        cleanup();
        this.#release(slot);
        if ('result' in msg) resolve(msg.result);
        else {
          const { code, message, hint } = msg.error;
          reject(code ? new OepError(code, message, hint ? { hint } : {}) : new Error(message));
        }
      };
      // Settle only once the worker has stopped: the caller then removes the staging folder, and a worker
      // still writing its temp file there (plaintext, when decrypting) must not outlive that.
      const fail = (err: unknown) => {
        cleanup();
        void this.#drop(slot).finally(() => reject(err));
      };
      const onError = (err: Error) => fail(err);
      const onExit = (codeNum: number) => fail(new Error(`layer worker exited with code ${codeNum}`));
      const onAbort = () => fail(signal!.reason ?? new Error('aborted'));
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      worker.postMessage({ id, job });
    });
  }

  async close(): Promise<void> {
    const slots = this.#slots.splice(0);
    await Promise.all(slots.map((s) => s.worker.terminate()));
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
