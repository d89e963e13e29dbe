import { type Descriptor } from '../oci/model.js';
import type { PushContent, PushTarget } from './push.js';
import { type RetryPolicy } from './retry.js';
/** Push access to every repository of `targets` (once each), checked before any work is done. */
export declare function verifyPushAccess(targets: PushTarget[], retry: RetryPolicy): Promise<void>;
export interface EncryptedLayers {
    /** The layers this run encrypted. */
    digests: Set<string>;
    /** Whether a layer as served still carries its encryption (media type and annotations). */
    intact(layer: Descriptor): boolean;
}
/**
 * Whether the registry of repository `repo` vouched for blob `digest` during the push (BlobPusher.confirmed):
 * a commit under its digest, or a HEAD with its size. Those blobs are not asked about again.
 */
export type Confirmed = (repo: string, digest: string) => boolean;
/** Every repository of `targets` (once each) serves `content` as pushed. */
export declare function verifyPushed(targets: PushTarget[], content: PushContent, encrypted: EncryptedLayers, confirmed?: Confirmed): Promise<void>;
/** Every tag, of every repository, must now serve the root's exact bytes. */
export declare function verifyTags(targets: PushTarget[], root: {
    desc: Descriptor;
    bytes: Buffer;
}): Promise<void>;
