/**
 * Staging and temp folders in use, so that a front end interrupted by a signal can remove them synchronously
 * before it exits: an interrupted run leaves nothing behind, as a failed one does.
 */
import { rmSync } from 'node:fs';

const live = new Set<string>();

export function trackTemp(path: string): void {
  live.add(path);
}

export function untrackTemp(path: string): void {
  live.delete(path);
}

export function removeTempsSync(): void {
  for (const path of live) {
    try {
      // A worker thread may still be adding a file: retry the few times that takes (ENOTEMPTY).
      rmSync(path, { recursive: true, force: true, maxRetries: 5, retryDelay: 20 });
    } catch {
      /* best effort: the process is exiting on a signal */
    }
  }
  live.clear();
}
