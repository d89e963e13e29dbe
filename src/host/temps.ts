/**
 * Staging and temp folders in use, so that a front end interrupted by a signal can remove them synchronously
 * before it exits: an interrupted run leaves nothing behind, as a failed one does. One registry per engine,
 * made by whoever builds it (a front end's entry, or the library's createEngine): no module state.
 */
import { rmSync } from 'node:fs';
import type { TempTracker } from '../oci/layout/writer.js';

/** What a writer needs: say which folder it is making, and when it is gone or committed. */
export type { TempTracker };

export class Temps implements TempTracker {
  readonly #live = new Set<string>();

  track(path: string): void {
    this.#live.add(path);
  }

  untrack(path: string): void {
    this.#live.delete(path);
  }

  /** Remove every folder still tracked (from a signal handler: synchronous, best effort). */
  removeSync(): void {
    for (const path of this.#live) {
      try {
        // A worker thread may still be adding a file: retry the few times that takes (ENOTEMPTY).
        rmSync(path, { recursive: true, force: true, maxRetries: 5, retryDelay: 20 });
      } catch {
        /* best effort: the process is exiting on a signal */
      }
    }
    this.#live.clear();
  }
}

/**
 * For a front end's entry: on SIGINT or SIGTERM (Ctrl-C, a cancelled CI job, a stopped pod) remove every staging
 * folder, say so with `announce`, and exit with the signal's conventional code.
 */
export function removeTempsOnSignals(temps: Temps, announce: (signal: string) => void): void {
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    process.once(signal, () => {
      temps.removeSync();
      announce(signal);
      process.exit(code);
    });
  }
}
