/**
 * Lanes: threads that each run many layer streams at once, one chunk at a time, for the layer jobs of
 * host/layer-pipeline.ts. Chunks sit in the job's ring of shared slots and are named by slot: nothing is sent
 * between threads but the slot numbers.
 *
 * A layer is one `loop` stream (the whole layer loop on one thread: input digest, cipher chain, output digest,
 * write; the data stays in that core's cache), or, to put every core on one layer, three streams on three
 * lanes: `chain` (AES, the HMAC and the write, its output also copied to an output slot) and two `hash`
 * streams, the input digest and the output digest. The three SHA-256 passes are independent, so the layer
 * goes about as fast as the cores allow, for the price of the copy and of each chunk crossing cores. The
 * chain writes so that the main thread, which reads every chunk and dispatches it and is one of the lanes,
 * never has a write to do: given the write and the output digest (one stream, as it was), it was the slowest
 * lane, and the others waited on it (`perf stat`: 1.7 of 2 cores busy on one layer; 1.9 now).
 */
import { createHash, type Hash } from 'node:crypto';
import { writeSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { internalError, OepError, type ErrorCode } from '../errors.js';
import { CipherChain, type CipherParams } from '../ocicrypt/loop.js';
import { collect } from './gc.js';

/** A ring of equal slots in shared memory: a layer job's chunks in flight (input slots, then output slots). */
export interface Ring {
  sab: SharedArrayBuffer;
  slotSize: number;
}

export type StreamSpec =
  /** The whole loop: the input digest, the chain (none for a copy), the output digest and the write to `fd`. */
  | { kind: 'loop'; algorithm: string; params?: CipherParams; fd: number; ring: Ring }
  /** A digest of the slots it is given: the input's, or the output's. */
  | { kind: 'hash'; algorithm: string; ring: Ring }
  /** The cipher chain, from a slot into another (the output digest's, on another lane), and the write to `fd`. */
  | { kind: 'chain'; params: CipherParams; fd: number; ring: Ring };

export type LaneRequest =
  | { op: 'open'; stream: number; spec: StreamSpec }
  /** `len` bytes of slot `slot`: the chain copies its output to slot `to`; a loop or a chain writes at `at`. */
  | { op: 'update'; stream: number; slot: number; len: number; to?: number; at?: number }
  | { op: 'finish'; stream: number }
  | { op: 'drop'; stream: number };

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
export type LaneReply =
  | { stream: number; ack: true }
  | { stream: number; result: StreamResult }
  | { stream: number; error: WireError };

export function toWire(err: unknown): WireError {
  if (err instanceof OepError) {
    return { code: err.code, message: err.message, ...(err.hint ? { hint: err.hint } : {}) };
  }
  const errno = (err as NodeJS.ErrnoException)?.code;
  return errno
    ? { errno, message: (err as Error).message }
    : { message: String((err as Error)?.stack ?? err) };
}

export function fromWire(e: WireError): Error {
  if (e.code) return new OepError(e.code, e.message, e.hint ? { hint: e.hint } : {});
  return e.errno ? Object.assign(new Error(e.message), { code: e.errno }) : new Error(e.message);
}

interface Stream {
  input?: Hash;
  chain?: CipherChain;
  output?: Hash;
  fd?: number;
  /** The ring's slots as Buffers, made once per stream: an update allocates nothing but its reply. */
  slots: Buffer[];
}

function openStream(spec: StreamSpec): Stream {
  const { sab, slotSize } = spec.ring;
  const slots = Array.from({ length: sab.byteLength / slotSize }, (_, i) =>
    Buffer.from(sab, i * slotSize, slotSize),
  );
  switch (spec.kind) {
    case 'loop': {
      const chain = spec.params ? new CipherChain(spec.params) : undefined;
      // A copy writes what it read: its output digest is the input's, checked by the caller.
      const output = chain ? createHash('sha256') : undefined;
      return { input: createHash(spec.algorithm), ...(chain ? { chain, output } : {}), fd: spec.fd, slots };
    }
    case 'hash':
      return { input: createHash(spec.algorithm), slots };
    case 'chain':
      return { chain: new CipherChain(spec.params), fd: spec.fd, slots };
  }
}

function writeAllSync(fd: number, buf: Uint8Array, at: number): void {
  for (let off = 0; off < buf.length;) off += writeSync(fd, buf, off, buf.length - off, at + off);
}

/** One chunk through what the stream does, in the loop's order. */
function update(s: Stream, m: Extract<LaneRequest, { op: 'update' }>): void {
  let bytes = s.slots[m.slot]!.subarray(0, m.len);
  s.input?.update(bytes);
  if (s.chain) {
    const out = s.chain.update(bytes);
    // fill() with a buffer as long as the range is one memcpy; copy() into shared memory goes byte-atomic.
    if (m.to !== undefined) s.slots[m.to]!.fill(out, 0, m.len);
    bytes = out;
  }
  s.output?.update(bytes);
  if (s.fd !== undefined) writeAllSync(s.fd, bytes, m.at!);
}

function finish(s: Stream): StreamResult {
  const r: StreamResult = {};
  if (s.input) r.inHex = s.input.digest('hex');
  try {
    if (s.chain) r.hmac = s.chain.finish();
  } catch (err) {
    r.chainError = toWire(err);
  }
  if (s.output) r.outHex = s.output.digest('hex');
  return r;
}

/**
 * What a lane does with each request, replying through `reply`: run in a worker thread by serveLanes, or on
 * the main thread for the lane that thread is (lane-pool.ts).
 */
export function laneHandler(reply: (r: LaneReply) => void): (m: LaneRequest) => void {
  const streams = new Map<number, Stream>();
  return (m) => {
    if (m.op === 'drop') return void streams.delete(m.stream);
    try {
      if (m.op === 'open') {
        streams.set(m.stream, openStream(m.spec));
        return reply({ stream: m.stream, ack: true });
      }
      const s = streams.get(m.stream);
      if (!s) return reply({ stream: m.stream, error: { message: `lane: stream ${m.stream} is closed` } });
      if (m.op === 'finish') {
        streams.delete(m.stream);
        return reply({ stream: m.stream, result: finish(s) });
      }
      update(s, m);
      reply({ stream: m.stream, ack: true });
      // The cipher's output is garbage now: collected at once, its memory is the next chunk's. Left for
      // later, several would be freed together and trimmed, and every page faulted in again.
      if (s.chain) collect()({ type: 'minor', execution: 'sync' });
    } catch (err) {
      streams.delete(m.stream);
      reply({ stream: m.stream, error: toWire(err) });
    }
  };
}

/** Worker side: serve stream requests until the pool terminates us. */
export function serveLanes(): void {
  const port = parentPort;
  if (!port) throw internalError('serveLanes() runs in a worker thread');
  port.on(
    'message',
    laneHandler((r) => port.postMessage(r)),
  );
}
