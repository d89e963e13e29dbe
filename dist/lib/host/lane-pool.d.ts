import { Worker } from 'node:worker_threads';
import { type LaneReply, type LaneRequest, type Ring, type StreamResult, type StreamSpec } from './lanes.js';
/** What a lane thread is started with. */
export interface LaneData {
    collect: boolean;
}
interface Lane {
    /** Hands a request to the lane: a worker's postMessage, or a turn of this thread's event loop. */
    post(m: LaneRequest): void;
    worker?: Worker;
    /** The cost of the streams open on it (a hash 10, a cipher chain 11 and its write 3, a rekey's 22). */
    load: number;
    streams: Map<number, LaneStream>;
}
/**
 * One stream on a lane. Every request but a drop gets one reply, in order, even after a failure or a drop:
 * so once a job's requests are all answered, no lane still reads its ring or writes its file.
 */
export declare class LaneStream {
    #private;
    readonly lane: Lane;
    readonly id: number;
    readonly cost: number;
    constructor(lane: Lane, id: number, cost: number);
    send(m: LaneRequest): Promise<LaneReply>;
    /** One chunk, `len` bytes of ring slot `slot`, through the stream (see LaneRequest for `to` and `at`). */
    update(slot: number, len: number, where?: {
        to?: number;
        at?: number;
    }): Promise<void>;
    finish(): Promise<StreamResult>;
    /** Forget the stream (a failed or aborted job). The requests already sent are still answered. */
    drop(): void;
    /** A reply for the oldest request; after an error every later request fails with that first error. */
    answer(reply: LaneReply): void;
    /** The lane is gone: nothing it was asked will be answered, or done. */
    die(err: unknown): void;
}
export declare function startLane(script: string): Worker;
export declare class LanePool {
    #private;
    constructor(script: string, size: number);
    /**
     * Open a stream on an idle worker, a new one while the pool is not full (unless `spawn` is false), or else
     * the least loaded lane.
     */
    open(spec: StreamSpec, { spawn }?: {
        spawn?: boolean;
    }): LaneStream;
    /** The worker threads running (this thread's lane aside). */
    get workers(): number;
    /** A ring of `count` slots of `slotSize` bytes, reused when a finished job left one of that shape. */
    takeRing(slotSize: number, count: number): Ring;
    /** Give back a ring that no stream uses any more (every request answered). */
    giveBack(ring: Ring): void;
    close(): Promise<void>;
}
export {};
