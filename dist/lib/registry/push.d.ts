/**
 * Push one image (its blobs, from a source or made as they go up, and its manifests) to one or more
 * repositories, then tag it. Order is what keeps registries consistent: all blobs, then child manifests, then
 * the root by digest, in every repository; only then any tag (push-documents.ts). Each blob is checked first
 * (HEAD) and skipped when present, unless this run made it; within a registry a blob already pushed to another
 * repository (or held by the repository a rewrap reads) is mounted instead of uploaded. Every operation is
 * retried as a whole on transient failures (retryOperation), with transport retries off.
 */
import type { Readable } from 'node:stream';
import type { Descriptor } from '../oci/model.js';
import type { RegistryClient } from './client.js';
import { type Reference } from './reference.js';
import { type RetryPolicy } from './retry.js';
export { pushManifests, pushTags } from './push-documents.js';
export interface PushContent {
    /** Layers and configs, each once. */
    blobs: Descriptor[];
    /** Every manifest and index, children before parents; the root last. */
    manifests: {
        desc: Descriptor;
        bytes: Buffer;
    }[];
}
/** What the push needs to know of a blob (a descriptor's media type and annotations do not matter here). */
type Blob = Pick<Descriptor, 'digest' | 'size'>;
export interface BlobReader {
    /** A fresh, digest-verified stream of the blob, for each attempt. */
    open(desc: Blob): Promise<Readable>;
}
/**
 * A blob made while it goes up (a layer's ciphertext, encrypted as it is sent): its size is known before, its
 * digest only once all of it was made. Each `make` makes it again from its source, and must give the same bytes.
 */
export interface MadeBlob {
    size: number;
    /** The blob in words, for messages ("encrypted blob of layer sha256:…"). */
    what: string;
    /** The bytes, and their digest once all of them were read (or the error that stopped them). */
    make(): Promise<{
        stream: Readable;
        digest(): Promise<string>;
    }>;
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
    mountFrom?: (blob: Blob, host: string) => string | undefined;
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
    push(blob: Blob): Promise<void>;
    /** Whether the registry of `repo` (a repository name, host included) vouched for `digest` in this run. */
    readonly confirmed: (repo: string, digest: string) => boolean;
    /** Start nothing more: waiting and later attempts fail at once (the caller also aborts requests). */
    abort(): void;
    /** Wait for every blob asked for so far; the first failure is thrown. */
    settle(): Promise<void>;
    /**
     * A small blob made whole in memory (within a budget: this waits while earlier ones are still held), then
     * pushed as any blob, its digest being known: POST and PUT, no HEAD (it is new). Resolves once it is made,
     * with its digest and the push under way (which releases its bytes when it settles).
     */
    keep(blob: MadeBlob): Promise<{
        digest: string;
        pushed: Promise<void>;
    }>;
    /**
     * Push a blob that is made as it goes up, to every repository; resolves with its digest. The first repository
     * gets it streamed: POST, one PATCH fed as the blob is made, then the PUT that commits it under the digest
     * learnt on the way. A retry makes it again from its source rather than keeping a copy (MadeBlob.make gives
     * the same bytes each time, checked here by their digest). The other repositories then get it as any blob
     * (HEAD, mount from the first on the same registry, or upload, made once more).
     */
    pushMade(blob: MadeBlob): Promise<string>;
}
/** Push content (no tags) to each distinct repository of `targets`: all blobs, then the manifests. */
export declare function pushContent(targets: PushTarget[], content: PushContent, reader: BlobReader, opts: PushOptions): Promise<PushStats>;
