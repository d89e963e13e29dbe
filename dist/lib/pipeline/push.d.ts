import { type PushStats } from '../registry/push.js';
import { type Reference } from '../registry/reference.js';
import { type EncryptOptions } from './encrypt.js';
import { type RegistryOptions } from './registry-session.js';
import type { ImageReport } from './result.js';
export type { PushStats };
export interface PushImageOptions extends Omit<EncryptOptions, 'output'> {
    /** REPO[:TAG]; no tag means latest. */
    image: string;
    /** More tags: bare tags for the same repository, or full references (other repositories too). */
    tags?: string[];
    /** Also keep the encrypted layout here; otherwise it lives in tempDir until the push is done. */
    output?: string;
    tempDir: string;
    registry: RegistryOptions;
    verify: boolean;
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
/** Parse every reference before any work: a typo fails in a second, not after encrypting a gigabyte. */
export declare function pushTargets(image: string, tags?: string[]): Reference[];
export declare function pushImage(opts: PushImageOptions): Promise<PushReport>;
