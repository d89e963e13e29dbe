/**
 * One layer, file to file: read the source blob where it sits (a layout folder or inside an OCI archive),
 * check its digest and size, run the layer cipher (or nothing, for a verified copy), hash what comes out and
 * write it to a temp file. One reused read buffer, one output buffer per chunk, writes overlapped with the
 * next read: this is the hot loop, and it runs in worker threads so that each core takes a layer.
 */
import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { open, rm, type FileHandle } from 'node:fs/promises';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { OepError } from '../errors.js';
import { parseDigest } from '../oci/digest.js';
import type { BlobLocation } from '../oci/source.js';
import type { BlobHandle } from '../oci/layout/writer.js';
import { hmacMatches, integrityError, LayerCipher } from '../ocicrypt/blockcipher.js';

const CHUNK = 1024 * 1024;

/**
 * Every cipher.update() returns a new Buffer, and V8 frees dead Buffers' memory only on a GC, which external
 * memory alone triggers after about 64 MiB per thread: with a worker per core that is most of our footprint. A
 * young-generation collection every few MiB, which costs microseconds here, keeps each thread's garbage small.
 */
const COLLECT_EVERY = 8;
v8.setFlagsFromString('--expose-gc');
const gc: unknown = runInNewContext('gc');
const collectYoung =
  typeof gc === 'function'
    ? (gc as (opts: { type: 'minor' | 'major'; execution: 'sync' }) => void)
    : () => {}; // a runtime without the flag only loses the memory bound, not correctness

export interface FileJob {
  mode: 'encrypt' | 'decrypt' | 'copy';
  key?: Uint8Array;
  nonce?: Uint8Array;
  expectedHmac?: Uint8Array;
  source: BlobLocation;
  /** The descriptor the source bytes must match. */
  expected: { digest: string; size: number };
  /** For messages: the layout the blob comes from. */
  sourceName: string;
  /** The temp file to write; removed on failure. */
  out: string;
  /** Its mode, set at creation whatever the umask: 0o600 for plaintext (the writer's fileMode). */
  fileMode?: number;
}

export interface FileJobResult {
  digest: string;
  size: number;
  /** The ciphertext MAC (encrypt and decrypt). */
  hmac?: Uint8Array;
}

function mismatch(job: FileJob, what: string): OepError {
  return new OepError('E_DIGEST', `${job.sourceName}: blob ${job.expected.digest} ${what}`, {
    hint: 'the layout is corrupt or was modified; rebuild it',
  });
}

async function writeAll(fh: FileHandle, buf: Buffer): Promise<void> {
  let off = 0;
  while (off < buf.length) off += (await fh.write(buf, off, buf.length - off)).bytesWritten;
}

/**
 * The blob's file, as the source checked it: not through a link swapped in since, not a FIFO that would block
 * (the digest check stands behind this, but a hang or a read of another file must not start).
 */
async function openSource(job: FileJob): Promise<FileHandle> {
  const flags = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;
  const fh = await open(job.source.path, flags).catch((err: NodeJS.ErrnoException) => {
    throw err.code === 'ELOOP' ? mismatch(job, 'is now a symbolic link') : err;
  });
  if (!(await fh.stat()).isFile()) {
    await fh.close();
    throw mismatch(job, 'is no longer a regular file');
  }
  return fh;
}

export async function runFileJob(job: FileJob, onProgress?: (bytes: number) => void): Promise<FileJobResult> {
  const { algorithm, hex } = parseDigest(job.expected.digest, job.sourceName);
  if (job.source.size !== job.expected.size) {
    throw mismatch(job, `has ${job.source.size} bytes, its descriptor says ${job.expected.size}`);
  }
  const cipher =
    job.mode === 'copy'
      ? undefined
      : new LayerCipher({ key: Buffer.from(job.key!), nonce: Buffer.from(job.nonce!) }, job.mode);
  const inHash = createHash(algorithm);
  const outHash = createHash('sha256');
  const input = await openSource(job);
  let output: FileHandle | undefined;
  let pending: Promise<void> = Promise.resolve();
  try {
    output = await open(job.out, 'wx', job.fileMode ?? 0o666);
    const buf = Buffer.allocUnsafe(CHUNK);
    let done = 0;
    let chunks = 0;
    while (done < job.expected.size) {
      const want = Math.min(CHUNK, job.expected.size - done);
      const { bytesRead } = await input.read(buf, 0, want, job.source.offset + done);
      if (bytesRead === 0)
        throw mismatch(job, `ends after ${done} bytes, its descriptor says ${job.expected.size}`);
      const chunk = buf.subarray(0, bytesRead);
      inHash.update(chunk);
      // The cipher makes a new buffer; a copy must not keep the read buffer, which the next read reuses.
      const out = cipher ? cipher.update(chunk) : Buffer.from(chunk);
      outHash.update(out);
      await pending;
      pending = writeAll(output, out);
      done += bytesRead;
      onProgress?.(done);
      if (++chunks % COLLECT_EVERY === 0) collectYoung({ type: 'minor', execution: 'sync' });
    }
    await pending;
    if (inHash.digest('hex') !== hex) throw mismatch(job, 'does not match its digest');
    const hmac = cipher?.finish();
    if (job.mode === 'decrypt' && !hmacMatches(hmac!, Buffer.from(job.expectedHmac!))) throw integrityError();
    return { digest: `sha256:${outHash.digest('hex')}`, size: done, ...(hmac ? { hmac } : {}) };
  } catch (err) {
    await pending.catch(() => {}); // a write still under way must end before its file goes
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
      if (++chunks % COLLECT_EVERY === 0)
        collectYoung({ type: chunks % (8 * COLLECT_EVERY) === 0 ? 'major' : 'minor', execution: 'sync' });
    }
  } finally {
    await fh.close();
  }
}
