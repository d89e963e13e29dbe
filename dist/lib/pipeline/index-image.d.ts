import { type PushReport, type PushTargetOptions } from './push.js';
export interface IndexImageOptions extends Pick<PushTargetOptions, 'image' | 'tags' | 'registry' | 'log' | 'temps' | 'concurrency' | 'signal'> {
    /** Each platform's image, `registry/repository@digest`, in the image's registry (the request checks that). */
    sources: string[];
    /** Refuse a source image with a layer that is not encrypted. */
    requireEncrypted: boolean;
}
/** Assemble, push, verify and tag the index; its digest is reported once all of that landed. */
export declare function indexImage(opts: IndexImageOptions): Promise<PushReport>;
