/**
 * Small blobs a push made in memory (a small layer encrypted whole before it goes up), held until they are
 * pushed, within a byte budget: who wants to hold more waits until earlier ones are released.
 */
import { Readable } from 'node:stream';
export declare class HeldBlobs {
    #private;
    readonly budget: number;
    constructor(budget: number);
    /** Wait until `size` more bytes fit (at once when nothing is held: one blob may exceed the budget). */
    reserve(size: number): Promise<void>;
    /** Give back a reservation (the blob was released, or never made). */
    unreserve(size: number): void;
    hold(digest: string, bytes: Buffer): void;
    has(digest: string): boolean;
    /** A fresh stream of a held blob's bytes, for each attempt. */
    open(digest: string): Readable | undefined;
    release(digest: string): void;
}
