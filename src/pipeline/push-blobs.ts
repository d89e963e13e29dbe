/**
 * The blobs a push sends: those this run wrote, read back through the writer's handles, and any others; or
 * the layers it makes, sent as they are made.
 */
import { Readable } from 'node:stream';
import { internalError } from '../errors.js';
import { uploadChunks } from '../host/layer-files.js';
import type { BlobHandle } from '../oci/layout/writer.js';
import type { Descriptor } from '../oci/model.js';
import type { BlobPusher, BlobReader } from '../registry/push.js';
import type { Uploads } from './push.js';
import type { LayerSink } from './rewrite.js';

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

/**
 * Layers up to this size are made whole in memory and go up as any blob (POST and PUT, a round trip less than
 * a streamed upload), while the next layers are made.
 */
const KEEP_UP_TO = 1024 * 1024;

/** Where a push sends the layers it makes: streamed to the registry as they are made, small ones kept first. */
export function uploadSink(pusher: BlobPusher, uploads: Uploads): LayerSink {
  return {
    send: async (blob) => {
      if (blob.size > KEEP_UP_TO) return pusher.pushMade(blob);
      const { digest } = await pusher.keep(blob);
      uploads.feed({ digest, size: blob.size }); // its upload is under way: a failure stops the run
      return digest;
    },
  };
}
