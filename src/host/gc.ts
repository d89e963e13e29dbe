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

/**
 * The collector of this thread, set up when its first loop starts (not at import: exposing `gc` is a
 * process-wide V8 flag, which a library must not flip by being imported).
 */
export function collect(): Collect {
  if (!collector) {
    v8.setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('gc');
    // A runtime without the flag only loses the memory bound, not correctness.
    collector = typeof gc === 'function' ? (gc as Collect) : () => {};
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
