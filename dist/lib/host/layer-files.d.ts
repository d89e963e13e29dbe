import type { BlobLocation } from '../oci/source.js';
import type { BlobHandle } from '../oci/layout/writer.js';
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
