/**
 * One layer on lanes (lanes.ts): this thread reads the blob into a ring of shared slots, and lanes do the rest
 * of the layer loop chunk by chunk: all of it on one lane (`loop`), or spread over three streams (the cipher
 * chain and the write, the input digest, the output digest), which puts every core on one layer. A slot is
 * read again only once its chunk is written, so memory is the ring's whatever the layer's size. The checks are
 * the layer loop's, in the same order: the input's size and digest (E_DIGEST), then the MAC (E_INTEGRITY);
 * the output file is the caller's to adopt only once they passed. The bytes are those of the one-thread loop
 * (layer-files.ts).
 */
import { open, rm, type FileHandle } from 'node:fs/promises';
import { DigestVerifier } from '../oci/verifier.js';
import type { LanePool, LaneStream } from './lane-pool.js';
import { openSource, type FileJob, type FileJobResult } from './layer-files.js';
import { fromWire, type StreamResult } from './lanes.js';
import type { CipherParams } from '../ocicrypt/loop.js';

/** Slot size and count: 3 chunks of 1 MiB in flight (spread, as many output slots), enough to feed the lanes. */
export const SLOT_SIZE = 1024 * 1024;
export const SLOTS = 3;

/** The cipher chain's parameters: the job's, without its paths. */
function cipherParams(job: FileJob): CipherParams | undefined {
  switch (job.mode) {
    case 'copy':
      return undefined;
    case 'encrypt':
      return { mode: job.mode, key: job.key, nonce: job.nonce };
    case 'decrypt':
      return { mode: job.mode, key: job.key, nonce: job.nonce, expectedHmac: job.expectedHmac };
    case 'rekey': {
      const { mode, key, nonce, expectedHmac, newKey, newNonce } = job;
      return { mode, key, nonce, expectedHmac, newKey, newNonce };
    }
  }
}

/** One `loop` stream, or the three streams of a layer spread over lanes. */
type Streams = { loop: LaneStream } | { chain: LaneStream; input: LaneStream; output: LaneStream };

interface Io {
  input: FileHandle;
  slots: Buffer[];
  streams: Streams;
}

/** Fill `buf` with `want` bytes at `position`, or fewer at the end of the file. */
async function readFull(fh: FileHandle, buf: Buffer, want: number, position: number): Promise<number> {
  let got = 0;
  while (got < want) {
    const { bytesRead } = await fh.read(buf, got, want - got, position + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return got;
}

/** Everything chunk `slot` goes through once read, up to its write at `at`. */
function dispatch(io: Io, slot: number, len: number, at: number): Promise<unknown> {
  const st = io.streams;
  if ('loop' in st) return st.loop.update(slot, len, { at });
  const to = SLOTS + slot;
  const ciphered = st.chain.update(slot, len, { to, at }).then(() => st.output.update(to, len));
  return allAnswered([st.input.update(slot, len), ciphered]);
}

/**
 * Settles once every request settled, with the first failure: unlike Promise.all, which fails at the first
 * rejection while the other lanes still have the chunk. The caller closes the output only then, so no lane
 * writes to its fd after the close (the number could name another file by then).
 */
async function allAnswered(requests: Promise<unknown>[]): Promise<void> {
  const failed = (await Promise.allSettled(requests)).find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
}

/** Read the blob slot by slot, each chunk dispatched as soon as its slot is free again; returns the size read. */
async function pump(
  job: FileJob,
  io: Io,
  verify: DigestVerifier,
  progress: PipelineOptions,
): Promise<number> {
  const inflight: Promise<unknown>[] = [];
  let done = 0;
  try {
    for (let chunk = 0; done < job.expected.size; chunk++) {
      const slot = chunk % SLOTS;
      await inflight[slot];
      progress.signal?.throwIfAborted();
      const want = Math.min(SLOT_SIZE, job.expected.size - done);
      const len = await readFull(io.input, io.slots[slot]!, want, job.source.offset + done);
      if (len === 0) throw verify.error(`ends after ${done} bytes, its descriptor says ${job.expected.size}`);
      const p = dispatch(io, slot, len, done);
      p.catch(() => {}); // awaited when its slot comes round again, or below; never left unhandled
      inflight[slot] = p;
      done += len;
      progress.onProgress?.(done);
    }
    await Promise.all(inflight);
  } catch (err) {
    for (const s of Object.values(io.streams) as LaneStream[]) s.drop();
    // Every request sent is still answered: once they are, no lane writes the file or reads the ring.
    await Promise.allSettled(inflight);
    throw err;
  }
  return done;
}

/** The streams' results, checked in the loop's order: the input's size and digest, then the MAC. */
async function settle(io: Io, verify: DigestVerifier, size: number): Promise<FileJobResult> {
  const st = io.streams;
  const parts =
    'loop' in st
      ? [st.loop.finish()]
      : // The output digest is a hash stream's result too: named as the output's here.
        [st.input.finish(), st.chain.finish(), st.output.finish().then((r) => ({ outHex: r.inHex }))];
  for (const p of parts) p.catch(() => {}); // awaited below, in check order
  const r = Object.assign({}, ...(await Promise.all(parts))) as StreamResult;
  verify.settle(size, r.inHex!);
  if (r.chainError) throw fromWire(r.chainError);
  return {
    digest: r.outHex ? `sha256:${r.outHex}` : verify.digest,
    size,
    ...(r.hmac ? { hmac: r.hmac } : {}),
  };
}

export interface PipelineOptions {
  signal?: AbortSignal;
  onProgress?: (bytes: number) => void;
  /**
   * Spread the layer's streams over lanes (every core for this layer), or keep them on one lane, which costs
   * less CPU (the data stays in one core's cache) when other layers keep the other cores busy.
   */
  split?: boolean;
  /** The cores the spread layer has: with two, its two digests share one lane (see runPipelined). */
  cores?: number;
}

/** runFileJob (layer-files.ts) with the hashing, the cipher and the writes on lanes. */
export async function runPipelined(
  job: FileJob,
  lanes: LanePool,
  opts: PipelineOptions = {},
): Promise<FileJobResult> {
  const verify = new DigestVerifier(job.expected, job.sourceName);
  verify.checkSize(job.source.size);
  const params = cipherParams(job);
  const source = await openSource(job.source.path, verify);
  const split = Boolean(params && opts.split);
  const ring = lanes.takeRing(SLOT_SIZE, SLOTS * (split ? 2 : 1));
  let output: FileHandle | undefined;
  try {
    output = await open(job.out, 'wx', job.fileMode ?? 0o666);
    const slots = Array.from({ length: ring.sab.byteLength / SLOT_SIZE }, (_, i) =>
      Buffer.from(ring.sab, i * SLOT_SIZE, SLOT_SIZE),
    );
    const { algorithm } = verify;
    // The chain first: the pool gives it a worker of its own. On two cores the digests share the least loaded
    // lane rather than start a third thread: two busy threads, one per core, do not take turns (one 2 GiB
    // layer: 3.55 s against 3.65 s with a thread each).
    const spawn = (opts.cores ?? 3) > 2;
    const streams: Streams = split
      ? {
          chain: lanes.open({ kind: 'chain', params: params!, fd: output.fd, ring }),
          input: lanes.open({ kind: 'hash', algorithm, ring }, { spawn }),
          output: lanes.open({ kind: 'hash', algorithm: 'sha256', ring }, { spawn }),
        }
      : { loop: lanes.open({ kind: 'loop', algorithm, ...(params ? { params } : {}), fd: output.fd, ring }) };
    const io: Io = { input: source, slots, streams };
    const result = await settle(io, verify, await pump(job, io, verify, opts));
    lanes.giveBack(ring); // every request answered: no lane touches it any more
    return result;
  } catch (err) {
    await output?.close();
    output = undefined;
    await rm(job.out, { force: true });
    throw err;
  } finally {
    await source.close();
    await output?.close();
  }
}
