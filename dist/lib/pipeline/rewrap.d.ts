import type { RunHost } from './host.js';
import type { DecryptionKey, Recipient } from './keys.js';
import { type PushReport, type PushTargetOptions } from './push.js';
import { type SourceOptions } from './registry-source.js';
import type { ImageReport } from './result.js';
export interface RewrapImageOptions extends RunHost {
    /** The image to rewrap: a layout, or a registry image (`image` with its registry options). */
    source: SourceOptions;
    refName?: string;
    /** Private keys (or key providers) that open the layers. */
    keys: DecryptionKey[];
    /** Exactly who the layers open for afterwards. */
    recipients: Recipient[];
    /** Re-encrypt every encrypted layer with a fresh key (new blobs) instead of rewrapping its key. */
    rekey?: boolean;
    /** Write the rewrapped image as a layout here… */
    output?: string;
    /** …or push it here. */
    push?: Pick<PushTargetOptions, 'image' | 'tags' | 'registry' | 'verify'>;
}
export declare function rewrapImage(opts: RewrapImageOptions): Promise<ImageReport | PushReport>;
