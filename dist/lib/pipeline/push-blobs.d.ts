/**
 * The blobs a push sends: those this run wrote, read back through the writer's handles, and any others; or
 * the layers it makes, sent as they are made.
 */
import { Readable } from 'node:stream';
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
export declare class StagedBlobs implements BlobReader {
    #private;
    readonly others?: BlobReader | undefined;
    constructor(others?: BlobReader | undefined);
    add(desc: Descriptor, handle: BlobHandle): void;
    has(digest: string): boolean;
    open(desc: Descriptor): Promise<Readable>;
}
/** Where a push sends the layers it makes: streamed to the registry as they are made, small ones kept first. */
export declare function uploadSink(pusher: BlobPusher, uploads: Uploads): LayerSink;
