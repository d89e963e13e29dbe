import type { Descriptor } from '../oci/model.js';
import { BlobPusher, type PushContent, type PushOptions, type PushStats, type PushTarget } from '../registry/push.js';
import { type Reference } from '../registry/reference.js';
import { type EncryptOptions } from './encrypt.js';
import { type RegistryOptions } from './registry-session.js';
import type { ImageReport } from './result.js';
import { StagedBlobs, uploadSink } from './push-blobs.js';
export type { PushStats };
export { StagedBlobs, uploadSink };
export interface PushImageOptions extends Omit<EncryptOptions, 'output'> {
    /** REPO[:TAG]; no tag means latest. */
    image: string;
    /** More tags: bare tags for the same repository, or full references (other repositories too). */
    tags?: string[];
    /** Also write the encrypted layout here (and upload from it); otherwise nothing is written. */
    output?: string;
    registry: RegistryOptions;
    verify: boolean;
    /** Push blobs and manifests by digest and tag nothing (a matrix job's platform, for a later `index`). */
    pushByDigest?: boolean;
}
export interface PushReport extends ImageReport {
    /** registry/repository, no tag. */
    image: string;
    /** image@digest */
    imageRef: string;
    /** Every full reference that now points at the digest. */
    tags: string[];
    verified: boolean;
    pushed: PushStats;
}
/**
 * Parse every reference before any work: a typo fails in a second, not after encrypting a gigabyte. By digest,
 * the repository alone, untagged (the request refuses a tag with push-by-digest).
 */
export declare function pushTargets(image: string, tags?: string[], byDigest?: boolean): Reference[];
/** Where and how any push goes (an encryption's or a rewrap's): the options of PushImageOptions that are not encryption's. */
export type PushTargetOptions = Pick<PushImageOptions, 'image' | 'tags' | 'output' | 'registry' | 'verify' | 'log' | 'temps' | 'concurrency' | 'signal' | 'verifyKeys' | 'pushByDigest' | 'beforePublish'>;
/** A layer as served still carries its encryption: the +encrypted media type, wrapped keys and pubopts. */
export declare function encryptionIntact(l: Descriptor): boolean;
/** An image made ready to push: its report, its documents (the root last) and blobs, and the pusher at work. */
export interface PushPlan {
    report: ImageReport;
    content: PushContent;
    pusher: BlobPusher;
}
/** Uploads to feed while an image is being made: `feed` starts a blob's upload once it is final. */
export interface Uploads {
    signal: AbortSignal;
    feed(desc: Pick<Descriptor, 'digest' | 'size'>): void;
}
/** What a use case gets to make the image a push sends. */
export interface PushStage {
    targets: PushTarget[];
    pushOpts: PushOptions;
    /**
     * Run `make` while its blobs go up, later layers still being made. A failed upload stops `make` too (through
     * the signal): the run has failed, the rest of the layers are wasted work. A failed `make` stops the uploads
     * under way (they would only leave orphan blobs) and waits for them.
     */
    uploading<T>(pusher: BlobPusher, make: (u: Uploads) => Promise<T>): Promise<T>;
}
export declare function pushImage(opts: PushImageOptions): Promise<PushReport>;
/**
 * Push the image `make` makes (an encryption, a rewrap): the registries reached and push access checked first,
 * then every blob and manifest, the read-back, the tags last; the digest only once all of that verified.
 */
export declare function pushPlanned(opts: PushTargetOptions, make: (stage: PushStage) => Promise<PushPlan>): Promise<PushReport>;
