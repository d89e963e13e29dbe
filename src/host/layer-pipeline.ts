/**
 * One layer across threads: this thread reads the blob into a ring of shared slots and writes what comes out,
 * while lanes (lanes.ts) hash the input, run the cipher chain (AES and the HMAC) and hash the output, each
 * stream on its own lane, chunk after chunk. A slot is read again only once every stream and the write are
 * done with it, so memory is the ring's whatever the layer's size. The checks are the layer loop's, in the
 * same order: the input's size and digest (E_DIGEST), then the MAC (E_INTEGRITY); the output file is the
 * caller's to adopt only once they passed. The bytes are those of the one-thread loop (layer-files.ts).
 */
import { open, rm, type FileHandle } from 'node:fs/promises';
import { DigestVerifier } from '../oci/verifier.js';
import type { LanePool, LaneStream } from './lane-pool.js';
import { openSource, writeAll, type FileJob, type FileJobResult } from './layer-files.js';
import type { CipherParams } from '../ocicrypt/loop.js';

/** Slot size and count: 4 chunks of 1 MiB in flight, in and out (8 MiB a layer when ciphering). */
export const SLOT_SIZE = 1024 * 1024;
export const SLOTS = 4;

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

interface Streams {
  input: LaneStream;
  chain?: LaneStream;
  output?: LaneStream;
}

interface Io {
  input: FileHandle;
  output: FileHandle;
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

/** Everything chunk `slot` goes through once read: the input hash, the chain, the output hash and the write. */
function dispatch(io: Io, slot: number, len: number, at: number): Promise<unknown> {
  const { input, chain, output } = io.streams;
  const hashed = input.update(slot, len);
  if (!chain) return Promise.all([hashed, writeAll(io.output, io.slots[slot]!.subarray(0, len), at)]);
  const out = SLOTS + slot;
  const written = chain
    .update(slot, len, out)
    .then(() =>
      Promise.all([output!.update(out, len), writeAll(io.output, io.slots[out]!.subarray(0, len), at)]),
    );
  return Promise.all([hashed, written]);
}

/** Read the blob slot by slot, each chunk dispatched as soon as its slot is free again; returns the size read. */
async function pump(
  job: FileJob,
  io: Io,
  verify: DigestVerifier,
  progress: { signal?: AbortSignal; onProgress?: (bytes: number) => void },
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
    await Promise.allSettled(inflight); // no write may still be under way when the file goes
    throw err;
  }
  return done;
}

/** The streams' results, checked in the loop's order: the input digest, then the MAC; then the output. */
async function settle(io: Io, verify: DigestVerifier, size: number): Promise<FileJobResult> {
  const { input, chain, output } = io.streams;
  const results = [input.finish(), chain?.finish(), output?.finish()];
  for (const r of results) r?.catch(() => {}); // the first failure in check order is the one thrown
  verify.settle(size, (await results[0]!).hex!);
  const hmac = (await results[1])?.hmac;
  const hex = (await results[2])?.hex;
  return { digest: hex ? `sha256:${hex}` : verify.digest, size, ...(hmac ? { hmac } : {}) };
}

/** runFileJob (layer-files.ts) with the hashing and the cipher on lanes. */
export async function runPipelined(
  job: FileJob,
  lanes: LanePool,
  progress: { signal?: AbortSignal; onProgress?: (bytes: number) => void } = {},
): Promise<FileJobResult> {
  const verify = new DigestVerifier(job.expected, job.sourceName);
  verify.checkSize(job.source.size);
  const params = cipherParams(job);
  const input = await openSource(job.source.path, verify);
  const ring = lanes.takeRing(SLOT_SIZE, SLOTS * (params ? 2 : 1));
  let output: FileHandle | undefined;
  try {
    output = await open(job.out, 'wx', job.fileMode ?? 0o666);
    const slots = Array.from({ length: ring.sab.byteLength / SLOT_SIZE }, (_, i) =>
      Buffer.from(ring.sab, i * SLOT_SIZE, SLOT_SIZE),
    );
    const streams: Streams = { input: lanes.open({ kind: 'hash', algorithm: verify.algorithm }, ring) };
    if (params) {
      streams.chain = lanes.open({ kind: 'chain', params }, ring);
      streams.output = lanes.open({ kind: 'hash', algorithm: 'sha256' }, ring);
    }
    const io: Io = { input, output, slots, streams };
    const result = await settle(io, verify, await pump(job, io, verify, progress));
    // Only now is no lane touching the ring: after a failure a dropped stream may still be, so it is not reused.
    lanes.giveBack(ring);
    return result;
  } catch (err) {
    await output?.close();
    output = undefined;
    await rm(job.out, { force: true });
    throw err;
  } finally {
    await input.close();
    await output?.close();
  }
}
