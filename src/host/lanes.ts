/**
 * Lanes: a pool of worker threads, each running many layer streams at once (a hash, or the cipher chain), one
 * chunk at a time, on bytes that sit in a layer job's SharedArrayBuffer ring (host/layer-pipeline.ts). The
 * three SHA-256 passes of a layer (input digest, HMAC, output digest) are independent, so one layer's streams
 * go to different lanes and a single big layer keeps every core busy; streams of all running layers share the
 * same few lanes, placed on the least loaded, so four layers do not start twelve threads on two cores.
 * Nothing is copied between threads: a chunk is named by its slot in the ring, and the lane reads (and the
 * cipher writes) it in place.
 */
import { createHash, type Hash } from 'node:crypto';
import { parentPort } from 'node:worker_threads';
import { internalError, OepError, type ErrorCode } from '../errors.js';
import { CipherChain, type CipherParams } from '../ocicrypt/loop.js';
import { collect } from './gc.js';

/** A ring of equal slots in shared memory: a layer job's chunks in flight. */
export interface Ring {
  sab: SharedArrayBuffer;
  slotSize: number;
}

export type StreamSpec = { kind: 'hash'; algorithm: string } | { kind: 'chain'; params: CipherParams };

export type LaneRequest =
  | { op: 'open'; stream: number; spec: StreamSpec; ring: Ring }
  /** Hash slot `from`, or run the chain from slot `from` into slot `to`. */
  | { op: 'update'; stream: number; from: number; len: number; to?: number }
  | { op: 'finish'; stream: number }
  | { op: 'drop'; stream: number };

/** What a stream ends with: a hash's hex digest, the chain's MAC. */
export interface StreamResult {
  hex?: string;
  hmac?: Uint8Array;
}

export interface WireError {
  code?: ErrorCode;
  message: string;
  hint?: string;
}

export type LaneReply =
  | { stream: number; ack: true }
  | { stream: number; result: StreamResult }
  | { stream: number; error: WireError };

export function toWire(err: unknown): WireError {
  return err instanceof OepError
    ? { code: err.code, message: err.message, ...(err.hint ? { hint: err.hint } : {}) }
    : { message: String((err as Error)?.stack ?? err) };
}

export function fromWire(e: WireError): Error {
  return e.code ? new OepError(e.code, e.message, e.hint ? { hint: e.hint } : {}) : new Error(e.message);
}

interface LaneStream {
  hash?: Hash;
  chain?: CipherChain;
  /** The ring's slots as Buffers, made once per stream: an update allocates nothing but its reply. */
  slots: Buffer[];
}

function openStream(spec: StreamSpec, ring: Ring): LaneStream {
  const count = ring.sab.byteLength / ring.slotSize;
  const slots = Array.from({ length: count }, (_, i) =>
    Buffer.from(ring.sab, i * ring.slotSize, ring.slotSize),
  );
  return spec.kind === 'hash'
    ? { hash: createHash(spec.algorithm), slots }
    : { chain: new CipherChain(spec.params), slots };
}

function update(s: LaneStream, m: Extract<LaneRequest, { op: 'update' }>): void {
  const input = s.slots[m.from]!.subarray(0, m.len);
  if (s.hash) return void s.hash.update(input);
  // cipher.update has no output argument: its fresh buffer is copied into the ring and left to the collector.
  const out = s.chain!.update(input);
  if (m.to === undefined || out.length !== m.len) throw internalError('cipher chain without an output slot');
  out.copy(s.slots[m.to]!);
}

function finish(s: LaneStream): StreamResult {
  return s.hash ? { hex: s.hash.digest('hex') } : { hmac: s.chain!.finish() };
}

/**
 * What a lane does with each request, replying through `reply`: run in a worker thread by serveLanes, or on
 * the main thread for the lane that thread is (lane-pool.ts).
 */
export function laneHandler(reply: (r: LaneReply) => void): (m: LaneRequest) => void {
  const streams = new Map<number, LaneStream>();
  const gc = collect();
  return (m) => {
    try {
      if (m.op === 'open') streams.set(m.stream, openStream(m.spec, m.ring));
      else if (m.op === 'drop') streams.delete(m.stream);
      else {
        const s = streams.get(m.stream);
        if (!s) return reply({ stream: m.stream, error: { message: `lane: no stream ${m.stream}` } });
        if (m.op === 'finish') {
          streams.delete(m.stream);
          return reply({ stream: m.stream, result: finish(s) });
        }
        update(s, m);
        reply({ stream: m.stream, ack: true });
        // The chain's output buffer is garbage now: collected at once, its memory is the next chunk's. Left
        // for later, several would be freed together and trimmed, and every page faulted in again.
        if (s.chain) gc({ type: 'minor', execution: 'sync' });
      }
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
