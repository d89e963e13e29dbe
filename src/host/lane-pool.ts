/**
 * The main thread's side of the lanes (lanes.ts): this thread is one lane, worker threads started on demand
 * are the others, up to a fixed count, and streams are placed on the least loaded. Each stream is a queue of
 * requests answered in order (a lane handles its messages one by one), so a layer job awaits each chunk's
 * update as a promise. This thread takes its share because a worker costs 10-15 MiB of memory, and between
 * two requests it only reads and writes files.
 */
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import {
  fromWire,
  laneHandler,
  type LaneReply,
  type LaneRequest,
  type Ring,
  type StreamResult,
  type StreamSpec,
} from './lanes.js';

interface Waiter {
  resolve(r: StreamResult | undefined): void;
  reject(err: unknown): void;
}

interface Lane {
  /** Hands a request to the lane: a worker's postMessage, or a turn of this thread's event loop. */
  post(m: LaneRequest): void;
  worker?: Worker;
  /** The cost of the streams open on it (a hash 10, a cipher chain 11, a rekey's 22). */
  load: number;
  streams: Map<number, LaneStream>;
}

/** One stream on a lane: updates and the finish are answered in the order they were sent. */
export class LaneStream {
  readonly #waiting: Waiter[] = [];
  #failed: unknown;
  #open = true;

  constructor(
    readonly lane: Lane,
    readonly id: number,
    readonly cost: number,
  ) {}

  #send(m: LaneRequest): Promise<StreamResult | undefined> {
    if (this.#failed !== undefined) return Promise.reject(this.#failed);
    return new Promise((resolve, reject) => {
      this.#waiting.push({ resolve, reject });
      this.lane.post(m);
    });
  }

  /** Hash slot `from` of the ring, or run the cipher chain from slot `from` into slot `to`. */
  async update(from: number, len: number, to?: number): Promise<void> {
    await this.#send({ op: 'update', stream: this.id, from, len, ...(to === undefined ? {} : { to }) });
  }

  async finish(): Promise<StreamResult> {
    const r = await this.#send({ op: 'finish', stream: this.id });
    this.#close();
    return r!;
  }

  /** Forget the stream (a failed or aborted job): its state on the lane goes, its pending requests fail. */
  drop(): void {
    if (!this.#open) return;
    if (this.#failed === undefined) this.lane.post({ op: 'drop', stream: this.id });
    this.fail(new Error('stream dropped'));
  }

  /** A reply from the lane, for the oldest request; an error fails the stream for good. */
  answer(reply: LaneReply): void {
    if ('error' in reply) return this.fail(fromWire(reply.error));
    this.#waiting.shift()?.resolve('result' in reply ? reply.result : undefined);
  }

  fail(err: unknown): void {
    this.#failed ??= err;
    for (const w of this.#waiting.splice(0)) w.reject(this.#failed);
    this.#close();
  }

  #close(): void {
    if (!this.#open) return;
    this.#open = false;
    this.lane.load -= this.cost;
    this.lane.streams.delete(this.id);
  }
}

export function startLane(script: string): Worker {
  if (script.endsWith('.ts')) {
    // Running from source (tests, tsx): Node 20 does not carry tsx's loader into workers, so register it there.
    const url = JSON.stringify(pathToFileURL(script).href);
    return new Worker(`import('tsx/esm/api').then((m) => { m.register(); return import(${url}); });`, {
      eval: true,
    });
  }
  return new Worker(script);
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

  /** Open a stream on the least loaded lane, starting one more while the pool is not full and all are busy. */
  open(spec: StreamSpec, ring: Ring): LaneStream {
    const cost = spec.kind === 'hash' ? 10 : spec.params.mode === 'rekey' ? 22 : 11;
    const least = this.#lanes.reduce((a, l) => (a.load <= l.load ? a : l));
    const lane = least.streams.size === 0 || this.#lanes.length >= this.#size ? least : this.#spawn();
    const stream = new LaneStream(lane, this.#nextId++, cost);
    lane.load += cost;
    lane.streams.set(stream.id, stream);
    lane.post({ op: 'open', stream: stream.id, spec, ring });
    return stream;
  }

  #spawn(): Lane {
    const worker = startLane(this.#script);
    const lane: Lane = { post: (m) => worker.postMessage(m), worker, load: 0, streams: new Map() };
    worker.unref();
    worker.on('message', (r: LaneReply) => lane.streams.get(r.stream)?.answer(r));
    // A lane that dies takes its streams' jobs with it (they fail, never hang) and leaves the pool.
    const die = (err: unknown) => {
      const i = this.#lanes.indexOf(lane);
      if (i !== -1) this.#lanes.splice(i, 1);
      for (const s of [...lane.streams.values()]) s.fail(err);
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
