import type { TempTracker } from '../oci/layout/writer.js';
/** What a writer needs: say which folder it is making, and when it is gone or committed. */
export type { TempTracker };
export declare class Temps implements TempTracker {
    #private;
    track(path: string): void;
    untrack(path: string): void;
    /** Remove every folder still tracked (from a signal handler: synchronous, best effort). */
    removeSync(): void;
}
/**
 * For a front end's entry: on SIGINT or SIGTERM (Ctrl-C, a cancelled CI job, a stopped pod) remove every staging
 * folder, say so with `announce`, and exit with the signal's conventional code.
 */
export declare function removeTempsOnSignals(temps: Temps, announce: (signal: string) => void): void;
