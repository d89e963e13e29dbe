/** The blobs a push sends: those this run wrote, read back through the writer's handles, and any others. */
import { Readable } from 'node:stream';
import { internalError } from '../errors.js';
import { uploadChunks } from '../host/layer-files.js';
import type { BlobHandle } from '../oci/layout/writer.js';
import type { Descriptor } from '../oci/model.js';
import type { BlobReader } from '../registry/push.js';

/**
 * Blobs this run wrote, for upload, through the writer's handles: read without hashing them again (see
 * uploadChunks). Any other blob comes from `others` (a rewrap leaves unchanged blobs in its source), which
 * verifies what it reads.
 */
export class StagedBlobs implements BlobReader {
  readonly #handles = new Map<string, BlobHandle>();

  constructor(readonly others?: BlobReader) {}

  add(desc: Descriptor, handle: BlobHandle): void {
    this.#handles.set(desc.digest, handle);
  }

  has(digest: string): boolean {
    return this.#handles.has(digest);
  }

  async open(desc: Descriptor): Promise<Readable> {
    const handle = this.#handles.get(desc.digest);
    if (!handle && this.others) return this.others.open(desc);
    if (!handle) throw internalError(`blob ${desc.digest} was not written by this run`);
    // Byte mode with a 1 MiB mark: Readable.from would otherwise read 16 chunks ahead of the socket.
    return Readable.from(uploadChunks(handle, desc), { objectMode: false, highWaterMark: 1024 * 1024 });
  }
}
