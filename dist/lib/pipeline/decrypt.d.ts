import type { Platform } from '../oci/platform.js';
import type { DecryptionKey } from '../ocicrypt/keys.js';
import type { RunHost } from './host.js';
import type { ImageReport } from './result.js';
import { type SourceOptions } from './registry-source.js';
export interface DecryptOptions extends SourceOptions, RunHost {
    refName?: string;
    output: string;
    keys: DecryptionKey[];
    platforms?: Platform[];
}
export declare function decryptImage(opts: DecryptOptions): Promise<ImageReport>;
