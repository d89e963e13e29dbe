/**
 * The documents of a push: every manifest by digest, children first, in every repository; then, last of all,
 * the tags. The registry's digest for each must be ours.
 */
import type { Descriptor } from '../oci/model.js';
import type { PushContent, PushOptions, PushTarget } from './push.js';
/** One target per repository (tags of the same repository share its content). */
export declare function distinctRepositories(targets: PushTarget[]): PushTarget[];
/** Every manifest, children first, by digest, to every repository; the registry's digest must be ours. */
export declare function pushManifests(targets: PushTarget[], manifests: PushContent['manifests'], opts: PushOptions): Promise<void>;
/** Point every tag at the root's exact bytes; each answer must carry the same digest. */
export declare function pushTags(targets: PushTarget[], root: {
    desc: Descriptor;
    bytes: Buffer;
}, opts: PushOptions): Promise<void>;
