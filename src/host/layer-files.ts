/**
 * One layer, file to file: read the source blob where it sits (a layout folder or inside an OCI archive),
 * and write what the engine's layer loop (ocicrypt/loop.ts: digest check, cipher, HMAC, output hash) makes of
 * it to a temp file. One reused read buffer, one output buffer per chunk, writes overlapped with the next
 * read, all on the calling thread: small layers and runs without a worker entry take this loop, large ones
 * the same loop spread over threads (layer-pipeline.ts), which must give the same bytes.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { open, rm, type FileHandle } from 'node:fs/promises';
import { internalError, OepError } from '../errors.js';
import type { BlobLocation } from '../oci/source.js';
import type { BlobHandle } from '../oci/layout/writer.js';
import { DigestVerifier } from '../oci/verifier.js';
import { LayerLoop, type LayerParams } from '../ocicrypt/loop.js';
import { collect, collectAfter, COLLECT_EVERY } from './gc.js';

const CHUNK = 1024 * 1024;

/** One layer loop over files: the engine's parameters, and where to read and write. */
export type FileJob = LayerParams & {
  source: BlobLocation;
  /** The descriptor the source bytes must match. */
  expected: { digest: string; size: number };
  /** For messages: the layout the blob comes from. */
  sourceName: string;
  /** The temp file to write; removed on failure. */
  out: string;
  /** Its mode, set at creation whatever the umask: 0o600 for plaintext (the writer's fileMode). */
  fileMode?: number;
};

export interface FileJobResult {
  digest: string;
  size: number;
  /** The ciphertext MAC (encrypt and decrypt). */
  hmac?: Uint8Array;
}

/** All of `buf`, at `position` of the file, or at its current position when none is given. */
export async function writeAll(fh: FileHandle, buf: Buffer, position?: number): Promise<void> {
  let off = 0;
  while (off < buf.length) {
    const at = position === undefined ? null : position + off;
    off += (await fh.write(buf, off, buf.length - off, at)).bytesWritten;
  }
}

const SOURCE_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

function openError(err: unknown, verify: DigestVerifier): unknown {
  return (err as NodeJS.ErrnoException).code === 'ELOOP' ? verify.error('is now a symbolic link') : err;
}

/**
 * The blob's file, as the source checked it: not through a link swapped in since, not a FIFO that would block
 * (the digest check stands behind this, but a hang or a read of another file must not start).
 */
export async function openSource(path: string, verify: DigestVerifier): Promise<FileHandle> {
  const fh = await open(path, SOURCE_FLAGS).catch((err: unknown) => {
    throw openError(err, verify);
  });
  if (!(await fh.stat()).isFile()) {
    await fh.close();
    throw verify.error('is no longer a regular file');
  }
  return fh;
}

/** What madeChunks reads a blob through: a FileHandle, or a small blob's descriptor (openSmallSource). */
interface BlobInput {
  read(buf: Buffer, offset: number, length: number, position: number): Promise<{ bytesRead: number }>;
  close(): Promise<void>;
}

/**
 * openSource for a blob read in one go (one chunk at most), with plain system calls: open, fstat, one read
 * and close are answered from the kernel's cache in microseconds, while through the thread pool each costs
 * ten times that in CPU (a push of a hundred small layers spent 50 ms on it). Larger blobs keep the
 * FileHandle, whose reads let the other layers' work go on meanwhile.
 */
function openSmallSource(path: string, verify: DigestVerifier): BlobInput {
  let fd: number;
  try {
    fd = openSync(path, SOURCE_FLAGS);
  } catch (err) {
    throw openError(err, verify);
  }
  try {
    if (!fstatSync(fd).isFile()) throw verify.error('is no longer a regular file');
  } catch (err) {
    closeSync(fd);
    throw err;
  }
  // Closed once only, and never read after: the number could name whatever file took it in between.
  let open = true;
  return {
    read: async (buf, offset, length, position) => {
      if (!open) throw internalError('a blob read after its file was closed');
      return { bytesRead: readSync(fd, buf, offset, length, position) };
    },
    close: async () => {
      if (!open) return;
      open = false;
      closeSync(fd);
    },
  };
}

/**
 * Read the blob once with positional reads into one reused buffer, each chunk through the layer loop, each
 * output written while the next chunk is read. Returns the loop's result; the checks are the loop's.
 */
async function pump(
  job: FileJob,
  io: { input: FileHandle; output: FileHandle; loop: LayerLoop; verify: DigestVerifier },
  onProgress?: (bytes: number) => void,
): Promise<FileJobResult> {
  const { input, output, loop, verify } = io;
  const gc = collect();
  const buf = Buffer.allocUnsafe(CHUNK);
  let pending: Promise<void> = Promise.resolve();
  let done = 0;
  try {
    for (let chunks = 1; done < job.expected.size; chunks++) {
      const want = Math.min(CHUNK, job.expected.size - done);
      const { bytesRead } = await input.read(buf, 0, want, job.source.offset + done);
      if (bytesRead === 0)
        throw verify.error(`ends after ${done} bytes, its descriptor says ${job.expected.size}`);
      const chunk = buf.subarray(0, bytesRead);
      const out = loop.update(chunk);
      await pending;
      // A copy comes back as the read buffer itself, which the next read reuses: the write gets its own.
      pending = writeAll(output, out === chunk ? Buffer.from(chunk) : out);
      done += bytesRead;
      onProgress?.(done);
      if (chunks % COLLECT_EVERY === 0) gc({ type: 'minor', execution: 'sync' });
    }
  } finally {
    await pending.catch(() => {}); // a write still under way must end before its file goes
  }
  await pending;
  const r = loop.finish();
  return { digest: r.digest!, size: r.size, ...(r.hmac ? { hmac: r.hmac } : {}) };
}

export async function runFileJob(job: FileJob, onProgress?: (bytes: number) => void): Promise<FileJobResult> {
  const verify = new DigestVerifier(job.expected, job.sourceName);
  verify.checkSize(job.source.size);
  const loop = new LayerLoop(job, { verify });
  const input = await openSource(job.source.path, verify);
  let output: FileHandle | undefined;
  try {
    output = await open(job.out, 'wx', job.fileMode ?? 0o666);
    return await pump(job, { input, output, loop, verify }, onProgress);
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

/**
 * The bytes of a blob we wrote ourselves a moment ago, for upload: fresh 1 MiB buffers (the HTTP client keeps
 * each until the socket took it), the size checked, and no second hash on this thread: the registry checks
 * the digest of every blob we PUT (distribution refuses a mismatch with DIGEST_INVALID) and we read back each
 * blob's size and every manifest after the push.
 */
export async function* uploadChunks(
  blob: Pick<BlobHandle, 'size' | 'open'>,
  expected: { digest: string; size: number },
): AsyncGenerator<Buffer> {
  const fh = await blob.open();
  try {
    if (blob.size !== expected.size) {
      throw new OepError(
        'E_DIGEST',
        `blob ${expected.digest} has ${blob.size} bytes on disk, expected ${expected.size}`,
      );
    }
    let done = 0;
    let chunks = 0;
    while (done < expected.size) {
      const buf = Buffer.allocUnsafe(Math.min(CHUNK, expected.size - done));
      const { bytesRead } = await fh.read(buf, 0, buf.length, done);
      if (bytesRead === 0) throw new OepError('E_DIGEST', `blob ${expected.digest} ends after ${done} bytes`);
      done += bytesRead;
      yield bytesRead === buf.length ? buf : buf.subarray(0, bytesRead);
      collectAfter(++chunks);
    }
  } finally {
    await fh.close();
  }
}

/** A layer loop read from its file and sent as it is made (a push): the job without a file to write. */
export type StreamJob = LayerParams & Pick<FileJob, 'source' | 'expected' | 'sourceName'>;

/**
 * One layer, file to stream, for a push that sends it as it is made: the blob read where it sits into one
 * reused buffer, each chunk through the layer loop (digest check, cipher, HMAC, output hash), each output
 * yielded as it comes. The loop's checks (E_DIGEST, then E_INTEGRITY) run before the last output is yielded,
 * so a blob that fails them never goes out whole; `result` is settled by then (rejected if the iteration
 * stopped early).
 */
export function madeChunks(
  job: StreamJob,
  onProgress?: (bytes: number) => void,
): { chunks: AsyncGenerator<Buffer>; result: Promise<FileJobResult> } {
  let settle!: { resolve: (r: FileJobResult) => void; reject: (err: unknown) => void };
  const result = new Promise<FileJobResult>((resolve, reject) => (settle = { resolve, reject }));
  result.catch(() => {}); // a caller whose upload failed never asks
  async function* chunks(): AsyncGenerator<Buffer> {
    let input: BlobInput | undefined;
    try {
      const verify = new DigestVerifier(job.expected, job.sourceName);
      verify.checkSize(job.source.size);
      const loop = new LayerLoop(job, { verify });
      const size = job.expected.size;
      input =
        size <= CHUNK ? openSmallSource(job.source.path, verify) : await openSource(job.source.path, verify);
      const buf = Buffer.allocUnsafe(Math.min(CHUNK, size));
      const finish = () => {
        const r = loop.finish();
        settle.resolve({ digest: r.digest!, size: r.size, ...(r.hmac ? { hmac: r.hmac } : {}) });
      };
      if (job.expected.size === 0) finish(); // nothing to read: the checks are the empty blob's
      for (let done = 0, n = 1; done < job.expected.size; n++) {
        const want = Math.min(CHUNK, job.expected.size - done);
        const { bytesRead } = await input.read(buf, 0, want, job.source.offset + done);
        if (bytesRead === 0)
          throw verify.error(`ends after ${done} bytes, its descriptor says ${job.expected.size}`);
        const chunk = buf.subarray(0, bytesRead);
        const out = loop.update(chunk); // synchronous: the buffer is free again once it returns
        done += bytesRead;
        if (done === job.expected.size) finish();
        onProgress?.(done);
        yield out === chunk ? Buffer.from(chunk) : out;
        collectAfter(n);
      }
    } catch (err) {
      settle.reject(err);
      throw err;
    } finally {
      settle.reject(new Error('the layer was not read to its end')); // no effect once settled
      await input?.close();
    }
  }
  return { chunks: chunks(), result };
}
