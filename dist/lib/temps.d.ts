/** What a writer needs: say which folder it is making, and when it is gone or committed. */
export interface TempTracker {
    track(path: string): void;
    untrack(path: string): void;
}
export declare class Temps implements TempTracker {
    #private;
    track(path: string): void;
    untrack(path: string): void;
    /** Remove every folder still tracked (from a signal handler: synchronous, best effort). */
    removeSync(): void;
}
