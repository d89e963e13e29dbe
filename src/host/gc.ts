/**
 * Every cipher.update() returns a new Buffer, and V8 frees dead Buffers' memory only on a GC, which external
 * memory alone triggers after about 64 MiB per thread: with a thread per core that is most of our footprint. A
 * young-generation collection every few MiB, which costs microseconds here, keeps each thread's garbage small.
 */
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Chunks (of about 1 MiB) between two collections. */
export const COLLECT_EVERY = 8;

export type Collect = (opts: { type: 'minor' | 'major'; execution: 'sync' }) => void;
let collector: Collect | undefined;
let allowed = false;

/**
 * Our own front ends (the CLI, the Actions, and the lanes they start) own their process: they turn the
 * collections on. Exposing `gc` is a process-wide V8 flag, which a library must not flip in an application
 * that calls it: there, collect() does nothing and memory is V8's to manage.
 */
export function allowCollection(): void {
  allowed = true;
}

export function collectionAllowed(): boolean {
  return allowed;
}

const NONE: Collect = () => {};

/** The collector of this thread, set up when its first loop starts (not at import), if allowed. */
export function collect(): Collect {
  if (!allowed) return NONE;
  if (!collector) {
    v8.setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('gc');
    // A runtime without the flag only loses the memory bound, not correctness.
    collector = typeof gc === 'function' ? (gc as Collect) : NONE;
  }
  return collector;
}

/**
 * After chunk `n` (from 1) of a stream whose outputs wait for a socket: a young-generation collection every
 * COLLECT_EVERY chunks, and now and then a full one, since outputs that waited long may have been promoted.
 */
export function collectAfter(n: number): void {
  if (n % COLLECT_EVERY === 0)
    collect()({ type: n % (8 * COLLECT_EVERY) === 0 ? 'major' : 'minor', execution: 'sync' });
}
