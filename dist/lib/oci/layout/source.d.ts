import { MAX_JSON_BLOB, type BlobSource } from '../source.js';
/** Open a layout folder or an OCI archive file. */
export declare function openLayout(path: string): Promise<BlobSource>;
export { MAX_JSON_BLOB, type BlobSource };
