import { OepError } from '../errors.js';
import type { Descriptor } from './model.js';
export declare class DigestVerifier {
    #private;
    /** `where` names the source in messages (a layout, an archive, a registry repository). */
    constructor(desc: Pick<Descriptor, 'digest' | 'size'>, where: string);
    update(chunk: Uint8Array): void;
    /** A size known before reading (a file's, an entry's) must be the descriptor's. */
    checkSize(size: number): void;
    /** All bytes seen: the size and the digest must match. */
    finish(): void;
    /** An E_DIGEST error about this blob: "<where>: blob <digest> <what>". */
    error(what: string): OepError;
}
