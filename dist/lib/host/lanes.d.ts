import { type ErrorCode } from '../errors.js';
import { type CipherParams } from '../ocicrypt/loop.js';
/** A ring of equal slots in shared memory: a layer job's chunks in flight (input slots, then output slots). */
export interface Ring {
    sab: SharedArrayBuffer;
    slotSize: number;
}
export type StreamSpec = 
/** The whole loop: the input digest, the chain (none for a copy), the output digest and the write to `fd`. */
{
    kind: 'loop';
    algorithm: string;
    params?: CipherParams;
    fd: number;
    ring: Ring;
}
/** A digest of the slots it is given: the input's, or the output's. */
 | {
    kind: 'hash';
    algorithm: string;
    ring: Ring;
}
/** The cipher chain, from a slot into another (the output digest's, on another lane), and the write to `fd`. */
 | {
    kind: 'chain';
    params: CipherParams;
    fd: number;
    ring: Ring;
};
export type LaneRequest = {
    op: 'open';
    stream: number;
    spec: StreamSpec;
}
/** `len` bytes of slot `slot`: the chain copies its output to slot `to`; a loop or a chain writes at `at`. */
 | {
    op: 'update';
    stream: number;
    slot: number;
    len: number;
    to?: number;
    at?: number;
} | {
    op: 'finish';
    stream: number;
} | {
    op: 'drop';
    stream: number;
};
/**
 * What a stream ends with: the input's hex digest, the chain's MAC (or why it failed: the caller checks the
 * input's digest first), the output's hex digest.
 */
export interface StreamResult {
    inHex?: string;
    hmac?: Uint8Array;
    chainError?: WireError;
    outHex?: string;
}
export interface WireError {
    code?: ErrorCode;
    /** A system error's code (ENOSPC…), kept so that the error reads the same as on one thread. */
    errno?: string;
    message: string;
    hint?: string;
}
/** Every open, update and finish gets one reply, in order. */
export type LaneReply = {
    stream: number;
    ack: true;
} | {
    stream: number;
    result: StreamResult;
} | {
    stream: number;
    error: WireError;
};
export declare function toWire(err: unknown): WireError;
export declare function fromWire(e: WireError): Error;
/**
 * What a lane does with each request, replying through `reply`: run in a worker thread by serveLanes, or on
 * the main thread for the lane that thread is (lane-pool.ts).
 */
export declare function laneHandler(reply: (r: LaneReply) => void): (m: LaneRequest) => void;
/** Worker side: serve stream requests until the pool terminates us. */
export declare function serveLanes(): void;
