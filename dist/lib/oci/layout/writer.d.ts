import { type FileHandle } from 'node:fs/promises';
import type { Readable, Transform } from 'node:stream';
import { type Descriptor } from '../model.js';
/** Who is told of staging folders, so that an interrupted run can remove them (host/temps.ts' Temps). */
export interface TempTracker {
    track(path: string): void;
    untrack(path: string): void;
}
export interface WrittenBlob {
    digest: string;
    size: number;
}
/**
 * A blob this writer wrote, readable for as long as the writer lives: before the commit from the staging folder,
 * after it from the destination. An open never races the move (the commit waits for opens under way, and an
 * open handle survives the rename), so readers need no retry.
 */
export interface BlobHandle {
    readonly digest: string;
    readonly size: number;
    open(): Promise<FileHandle>;
}
export interface WriterOptions {
    /** Folders 0700 and files 0600 (decrypted output). Otherwise the usual 0777/0666 less the umask. */
    private?: boolean;
    /** Told of the staging folder, so that a signal handler can remove it (see host/temps.ts). */
    temps?: TempTracker;
}
export declare class LayoutWriter {
    #private;
    /** The mode every file is created with; for a layer written elsewhere too (FileJob.fileMode). */
    readonly fileMode: number;
    private constructor();
    /** The destination must not exist, or be an empty folder: we never merge into or overwrite a layout. */
    static create(output: string, opts?: WriterOptions): Promise<LayoutWriter>;
    get path(): string;
    /**
     * Stream a blob into the layout through optional transforms (e.g. a cipher), hashing what is written.
     * The file appears under its digest only once the whole pipeline succeeded.
     */
    writeStream(source: Readable, transforms?: Transform[], signal?: AbortSignal): Promise<WrittenBlob>;
    /** A fresh temp file path inside the staging folder, for a blob written by someone else (a layer worker). */
    tempPath(): string;
    /** Take a temp file written elsewhere as the blob with this digest (the writer computed and checked it). */
    adopt(tmp: string, written: WrittenBlob): Promise<WrittenBlob>;
    writeBytes(bytes: Uint8Array): Promise<WrittenBlob>;
    has(digest: string): boolean;
    /** A stable handle on a written blob (see BlobHandle). */
    handle(digest: string): BlobHandle;
    /** Write index.json and oci-layout, then move the staging folder into place. */
    commit(manifests: Descriptor[]): Promise<void>;
    /** Remove everything written so far. Safe to call after commit (does nothing then). */
    abort(): Promise<void>;
}
