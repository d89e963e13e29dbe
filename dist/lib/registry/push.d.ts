/**
 * Push one image (its blobs and manifests, already final on disk) to one or more repositories, then tag it.
 * Order is what keeps registries consistent: all blobs, then child manifests, then the root by digest, in
 * every repository; only then any tag. Each blob is checked first (HEAD) and skipped when present; within a
 * registry a blob already pushed to another repository (or held by the repository a rewrap reads) is mounted
 * instead of uploaded. Every operation is retried as a whole on transient failures (retryOperation), with
 * transport retries off.
 */
import type { Readable } from 'node:stream';
import type { Descriptor } from '../oci/model.js';
import type { RegistryClient } from './client.js';
import { type Reference } from './reference.js';
import { type RetryPolicy } from './retry.js';
export interface PushContent {
    /** Layers and configs, each once. */
    blobs: Descriptor[];
    /** Every manifest and index, children before parents; the root last. */
    manifests: {
        desc: Descriptor;
        bytes: Buffer;
    }[];
}
export interface BlobReader {
    /** A fresh, digest-verified stream of the blob, for each attempt. */
    open(desc: Descriptor): Promise<Readable>;
}
export interface PushStats {
    uploaded: number;
    mounted: number;
    skipped: number;
    bytesUploaded: number;
}
export interface PushTarget {
    ref: Reference;
    client: RegistryClient;
}
export interface PushOptions {
    retry: RetryPolicy;
    concurrency: number;
    log: (line: string) => void;
    /**
     * A repository on registry `host` that holds `blob` already (a rewrap's source), or undefined: a repository of
     * that registry that lacks the blob mounts it from there instead of uploading it.
     */
    mountFrom?: (blob: Descriptor, host: string) => string | undefined;
}
/**
 * Blobs to every repository, each as soon as it is asked for, so uploads can start while later layers are
 * still being encrypted. Per blob and repository: HEAD (skip when present), else mount from a repository of
 * the same registry that already has it, else upload. Each blob is pushed once however often it is asked for;
 * at most `concurrency` uploads run at a time.
 */
export declare class BlobPusher {
    #private;
    readonly stats: PushStats;
    constructor(targets: PushTarget[], reader: BlobReader, opts: PushOptions);
    push(blob: Descriptor): Promise<void>;
    /** Start nothing more: waiting and later attempts fail at once (the caller also aborts requests). */
    abort(): void;
    /** Wait for every blob asked for so far; the first failure is thrown. */
    settle(): Promise<void>;
}
/** Every manifest, children first, by digest, to every repository; the registry's digest must be ours. */
export declare function pushManifests(targets: PushTarget[], manifests: PushContent['manifests'], opts: PushOptions): Promise<void>;
/** Push content (no tags) to each distinct repository of `targets`: all blobs, then the manifests. */
export declare function pushContent(targets: PushTarget[], content: PushContent, reader: BlobReader, opts: PushOptions): Promise<PushStats>;
/** Point every tag at the root's exact bytes; each answer must carry the same digest. */
export declare function pushTags(targets: PushTarget[], root: {
    desc: Descriptor;
    bytes: Buffer;
}, opts: PushOptions): Promise<void>;
