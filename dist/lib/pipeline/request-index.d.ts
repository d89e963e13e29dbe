import type { RequestStrings } from './request.js';
/**
 * push-by-digest: blobs and manifests pushed and verified, no tag. A tag asked for as well is refused rather than
 * ignored: the run would exit 0 with a tag the user expects missing, and a later step would pull something else.
 */
export declare function pushByDigestFrom(s: RequestStrings): boolean;
/** The index's repository (and tags) and its sources, all in the image's registry, checked before any network. */
export declare function indexSource(s: RequestStrings): {
    image: string;
    tags: string[];
    sources: string[];
};
export declare function requireEncryptedFrom(s: RequestStrings): boolean;
