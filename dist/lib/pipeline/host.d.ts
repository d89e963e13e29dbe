/**
 * What a use case takes from its host rather than from the request: how many layers at once and on which
 * worker entry, where staging folders are registered, what stops the run, where log lines go. The front ends
 * and the library's createEngine fill it in; nothing here reads the process.
 */
import type { TempTracker } from '../oci/layout/writer.js';
export { removeTempsOnSignals, Temps, type TempTracker } from '../host/temps.js';
export interface RunHost {
    /** Layers processed at once (and the size of the worker pool). */
    concurrency?: number;
    /**
     * The entry script that serves layer jobs when started as a worker (see host/layer-workers.ts). With it, large
     * layers are processed on all cores; without it, on this thread.
     */
    workerScript?: string;
    /** Told of every staging folder, so that a signal handler can remove them (see host/temps.ts). */
    temps?: TempTracker;
    /** Stops the run from outside, failing it with the signal's reason. */
    signal?: AbortSignal;
    /** Progress and notices, one line each; nothing is logged without it. */
    log?: (line: string) => void;
}
/** One signal that fires when any of those given does. */
export declare function anySignal(...signals: (AbortSignal | undefined)[]): AbortSignal | undefined;
