/**
 * The main thread's side of the lanes (lanes.ts): this thread is one lane, worker threads started on demand
 * are the others, up to a fixed count, and streams are placed on the least loaded. Each stream is a queue of
 * requests answered in order (a lane handles its messages one by one), so a layer job awaits each chunk's
 * update as a promise. This thread takes its share because a worker costs 10-15 MiB of memory, and between
 * two requests it only reads and writes files.
 */
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { internalError } from '../errors.js';
import { collectionAllowed } from './gc.js';
import type { CipherParams } from '../ocicrypt/loop.js';
import {
  fromWire,
  laneHandler,
  type LaneReply,
  type LaneRequest,
  type Ring,
  type StreamResult,
  type StreamSpec,
} from './lanes.js';

/** What a lane thread is started with. */
export interface LaneData {
  collect: boolean;
}

interface Waiter {
  resolve(r: LaneReply): void;
  reject(err: unknown): void;
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
export class LaneStream {
  readonly #waiting: Waiter[] = [];
  #failed: unknown;
  #closed = false;

  constructor(
    readonly lane: Lane,
    readonly id: number,
    readonly cost: number,
  ) {}

  send(m: LaneRequest): Promise<LaneReply> {
    if (this.#failed !== undefined) return Promise.reject(this.#failed);
    if (this.#closed) return Promise.reject(internalError(`lane stream ${this.id} is closed`));
    return new Promise((resolve, reject) => {
      this.#waiting.push({ resolve, reject });
      this.lane.post(m);
    });
  }

  /** One chunk, `len` bytes of ring slot `slot`, through the stream (see LaneRequest for `to` and `at`). */
  async update(slot: number, len: number, where: { to?: number; at?: number } = {}): Promise<void> {
    await this.send({ op: 'update', stream: this.id, slot, len, ...where });
  }

  async finish(): Promise<StreamResult> {
    const r = this.send({ op: 'finish', stream: this.id });
    this.#close();
    const reply = await r;
    return 'result' in reply ? reply.result : {};
  }

  /** Forget the stream (a failed or aborted job). The requests already sent are still answered. */
  drop(): void {
    if (this.#closed) return;
    if (this.#failed === undefined) this.lane.post({ op: 'drop', stream: this.id });
    this.#close();
  }

  /** A reply for the oldest request; after an error every later request fails with that first error. */
  answer(reply: LaneReply): void {
    const w = this.#waiting.shift();
    if ('error' in reply) this.#failed ??= fromWire(reply.error);
    if (this.#failed !== undefined) w?.reject(this.#failed);
    else w?.resolve(reply);
    if (this.#closed && this.#waiting.length === 0) this.lane.streams.delete(this.id);
  }

  /** The lane is gone: nothing it was asked will be answered, or done. */
  die(err: unknown): void {
    this.#failed ??= err;
    for (const w of this.#waiting.splice(0)) w.reject(this.#failed);
    this.#close();
    this.lane.streams.delete(this.id);
  }

  /** Its load leaves the lane at once; it leaves the lane's table when its last reply came. */
  #close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.lane.load -= this.cost;
    if (this.#waiting.length === 0) this.lane.streams.delete(this.id);
  }
}

/** About what a stream costs per byte, SHA-256 passes counting 10, AES 1. */
function streamCost(spec: StreamSpec): number {
  const chain = (p: CipherParams | undefined) => (!p ? 0 : p.mode === 'rekey' ? 22 : 11);
  if (spec.kind === 'loop') return 10 + chain(spec.params) + (spec.params ? 10 : 0);
  return spec.kind === 'chain' ? chain(spec.params) + 3 : 10;
}

export function startLane(script: string): Worker {
  // A lane collects as its parent does: a front end's yes, an application's no (host/gc.ts).
  const workerData: LaneData = { collect: collectionAllowed() };
  if (script.endsWith('.ts')) {
    // Running from source (tests, tsx): Node 20 does not carry tsx's loader into workers, so register it there.
    const url = JSON.stringify(pathToFileURL(script).href);
    return new Worker(`import('tsx/esm/api').then((m) => { m.register(); return import(${url}); });`, {
      eval: true,
      workerData,
    });
  }
  return new Worker(script, { workerData });
}

export class LanePool {
  readonly #script: string;
  readonly #size: number;
  readonly #lanes: Lane[] = [LanePool.#here()];
  /** Rings of finished jobs, kept for the next: their pages are already mapped. */
  readonly #spare: Ring[] = [];
  #nextId = 0;

  constructor(script: string, size: number) {
    this.#script = script;
    this.#size = Math.max(1, size);
  }

  /**
   * This thread as a lane. Its load starts at 1, so that a tie goes to a worker: this thread also reads and
   * writes for every job, and the others' replies wait while it hashes.
   */
  static #here(): Lane {
    const lane: Lane = { post: () => {}, load: 1, streams: new Map() };
    const handle = laneHandler((r) => lane.streams.get(r.stream)?.answer(r));
    // Never inline: a request is sent from inside a job's dispatch, which must not run a hash before it returns.
    lane.post = (m) => setImmediate(() => handle(m));
    return lane;
  }

  /**
   * Open a stream on an idle worker, a new one while the pool is not full (unless `spawn` is false), or else
   * the least loaded lane.
   */
  open(spec: StreamSpec, { spawn = true }: { spawn?: boolean } = {}): LaneStream {
    const cost = streamCost(spec);
    const lane = this.#choose(spawn);
    const stream = new LaneStream(lane, this.#nextId++, cost);
    lane.load += cost;
    lane.streams.set(stream.id, stream);
    // A failed open fails the stream's next requests with its error: nothing waits on the open itself.
    stream.send({ op: 'open', stream: stream.id, spec }).catch(() => {});
    return stream;
  }

  #choose(spawn: boolean): Lane {
    const idle = this.#lanes.find((l) => l.worker && l.load === 0);
    if (idle) return idle;
    if (spawn && this.#lanes.length < this.#size) return this.#spawn();
    return this.#lanes.reduce((a, l) => (a.load <= l.load ? a : l));
  }

  #spawn(): Lane {
    const worker = startLane(this.#script);
    const lane: Lane = {
      post: (m) => worker.postMessage(m),
      worker,
      load: 0,
      streams: new Map(),
    };
    worker.unref();
    worker.on('message', (r: LaneReply) => lane.streams.get(r.stream)?.answer(r));
    // A lane that dies takes its streams' jobs with it (they fail, never hang) and leaves the pool.
    const die = (err: unknown) => {
      const i = this.#lanes.indexOf(lane);
      if (i !== -1) this.#lanes.splice(i, 1);
      for (const s of [...lane.streams.values()]) s.die(err);
    };
    worker.on('error', die);
    worker.on('exit', (code) => die(new Error(`layer lane exited with code ${code}`)));
    this.#lanes.push(lane);
    return lane;
  }

  /** The worker threads running (this thread's lane aside). */
  get workers(): number {
    return this.#lanes.length - 1;
  }

  /** A ring of `count` slots of `slotSize` bytes, reused when a finished job left one of that shape. */
  takeRing(slotSize: number, count: number): Ring {
    const i = this.#spare.findIndex((r) => r.slotSize === slotSize && r.sab.byteLength === slotSize * count);
    return i === -1
      ? { sab: new SharedArrayBuffer(slotSize * count), slotSize }
      : this.#spare.splice(i, 1)[0]!;
  }

  /** Give back a ring that no stream uses any more (every request answered). */
  giveBack(ring: Ring): void {
    this.#spare.push(ring);
  }

  async close(): Promise<void> {
    this.#spare.length = 0;
    const workers = this.#lanes.splice(1).map((l) => l.worker!);
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
