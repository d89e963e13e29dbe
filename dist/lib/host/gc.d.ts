/** Chunks (of about 1 MiB) between two collections. */
export declare const COLLECT_EVERY = 8;
export type Collect = (opts: {
    type: 'minor' | 'major';
    execution: 'sync';
}) => void;
/**
 * Our own front ends (the CLI, the Actions, and the lanes they start) own their process: they turn the
 * collections on. Exposing `gc` is a process-wide V8 flag, which a library must not flip in an application
 * that calls it: there, collect() does nothing and memory is V8's to manage.
 */
export declare function allowCollection(): void;
export declare function collectionAllowed(): boolean;
/** The collector of this thread, set up when its first loop starts (not at import), if allowed. */
export declare function collect(): Collect;
/**
 * After chunk `n` (from 1) of a stream whose outputs wait for a socket: a young-generation collection every
 * COLLECT_EVERY chunks, and now and then a full one, since outputs that waited long may have been promoted.
 */
export declare function collectAfter(n: number): void;
