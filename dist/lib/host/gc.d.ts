/** Chunks (of about 1 MiB) between two collections. */
export declare const COLLECT_EVERY = 8;
export type Collect = (opts: {
    type: 'minor' | 'major';
    execution: 'sync';
}) => void;
/**
 * The collector of this thread, set up when its first loop starts (not at import: exposing `gc` is a
 * process-wide V8 flag, which a library must not flip by being imported).
 */
export declare function collect(): Collect;
/**
 * After chunk `n` (from 1) of a stream whose outputs wait for a socket: a young-generation collection every
 * COLLECT_EVERY chunks, and now and then a full one, since outputs that waited long may have been promoted.
 */
export declare function collectAfter(n: number): void;
