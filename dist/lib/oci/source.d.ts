/**
 * Where an image's bytes come from: a layout folder, an OCI archive or a registry. The tree loader and the
 * rewrite pipeline work on this interface alone, so every source is read (and verified) the same way.
 */
import type { Readable } from 'node:stream';
import type { Descriptor } from './model.js';
/** Manifests, indexes and configs are small; registries cap them at 4 MiB, and so do we. */
export declare const MAX_JSON_BLOB: number;
export interface BlobSource {
    /** What to call this source in messages (the path the user gave). */
    readonly name: string;
    /** The raw bytes of `index.json`. */
    indexJson(): Promise<Buffer>;
    /**
     * A stream of the blob that errors unless the bytes match the descriptor's digest and size. The media type,
     * when given, tells a registry source whether to ask for a manifest or a blob.
     */
    open(desc: Pick<Descriptor, 'digest' | 'size'> & {
        mediaType?: string;
    }): Promise<Readable>;
    /** A whole small blob (manifest, config), verified. */
    read(desc: Pick<Descriptor, 'digest' | 'size'> & {
        mediaType?: string;
    }): Promise<Buffer>;
    /** Whether the blob is present (not verified). */
    has(desc: Pick<Descriptor, 'digest'>): Promise<boolean>;
    /**
     * Where the blob's bytes sit in a local file, for readers that do their own verified reads (the layer
     * workers). Absent for sources that are not files (registries).
     */
    locate?(desc: Pick<Descriptor, 'digest'>): Promise<BlobLocation>;
}
/** `size` bytes at `offset` of `path`: a blob file of a layout folder, or an entry of an OCI archive. */
export interface BlobLocation {
    path: string;
    offset: number;
    size: number;
}
/** A whole small blob (manifest, config) from `open`, refused before any byte is read when it is too large. */
export declare function readSmall(open: () => Promise<Readable>, desc: Pick<Descriptor, 'digest' | 'size'>, where: string): Promise<Buffer>;
