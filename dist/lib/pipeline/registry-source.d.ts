import { type BlobSource } from '../oci/source.js';
import { type RegistryClient } from '../registry/client.js';
import { type Reference } from '../registry/reference.js';
import { type RegistryOptions } from './registry-session.js';
/** A connected client's image as a source (the caller closes the client, not the source). */
export declare function registrySource(client: RegistryClient, ref: Reference): BlobSource;
export interface SourceOptions {
    /** An OCI layout folder or archive. */
    layout?: string;
    /** Or an image in a registry. */
    image?: string;
    registry?: RegistryOptions;
    /** Where registry notices go (credential sources, plain-HTTP warnings). */
    log?: (line: string) => void;
}
/** The source a use case reads: a layout, or a registry image. Call close() when done. */
export declare function openSource(opts: SourceOptions): Promise<BlobSource & {
    close(): Promise<void>;
}>;
