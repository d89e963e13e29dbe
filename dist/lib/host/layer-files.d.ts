import { type FileHandle } from 'node:fs/promises';
import type { BlobLocation } from '../oci/source.js';
import type { BlobHandle } from '../oci/layout/writer.js';
import { DigestVerifier } from '../oci/verifier.js';
import { type LayerParams } from '../ocicrypt/loop.js';
/** One layer loop over files: the engine's parameters, and where to read and write. */
export type FileJob = LayerParams & {
    source: BlobLocation;
    /** The descriptor the source bytes must match. */
    expected: {
        digest: string;
        size: number;
    };
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
export declare function writeAll(fh: FileHandle, buf: Buffer, position?: number): Promise<void>;
/**
 * The blob's file, as the source checked it: not through a link swapped in since, not a FIFO that would block
 * (the digest check stands behind this, but a hang or a read of another file must not start).
 */
export declare function openSource(path: string, verify: DigestVerifier): Promise<FileHandle>;
export declare function runFileJob(job: FileJob, onProgress?: (bytes: number) => void): Promise<FileJobResult>;
/**
 * The bytes of a blob we wrote ourselves a moment ago, for upload: fresh 1 MiB buffers (the HTTP client keeps
 * each until the socket took it), the size checked, and no second hash on this thread: the registry checks
 * the digest of every blob we PUT (distribution refuses a mismatch with DIGEST_INVALID) and we read back each
 * blob's size and every manifest after the push.
 */
export declare function uploadChunks(blob: Pick<BlobHandle, 'size' | 'open'>, expected: {
    digest: string;
    size: number;
}): AsyncGenerator<Buffer>;
/** A layer loop read from its file and sent as it is made (a push): the job without a file to write. */
export type StreamJob = LayerParams & Pick<FileJob, 'source' | 'expected' | 'sourceName'>;
/**
 * One layer, file to stream, for a push that sends it as it is made: the blob read where it sits into one
 * reused buffer, each chunk through the layer loop (digest check, cipher, HMAC, output hash), each output
 * yielded as it comes. The loop's checks (E_DIGEST, then E_INTEGRITY) run before the last output is yielded,
 * so a blob that fails them never goes out whole; `result` is settled by then (rejected if the iteration
 * stopped early).
 */
export declare function madeChunks(job: StreamJob, onProgress?: (bytes: number) => void): {
    chunks: AsyncGenerator<Buffer>;
    result: Promise<FileJobResult>;
};
