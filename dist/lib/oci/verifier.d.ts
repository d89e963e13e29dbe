import { OepError } from '../errors.js';
import type { Descriptor } from './model.js';
export declare class DigestVerifier {
    #private;
    /** `where` names the source in messages (a layout, an archive, a registry repository). */
    constructor(desc: Pick<Descriptor, 'digest' | 'size'>, where: string);
    update(chunk: Uint8Array): void;
    /** A size known before reading (a file's, an entry's) must be the descriptor's. */
    checkSize(size: number): void;
    /** The digest every byte must hash to, and its algorithm (a node:crypto hash name). */
    get digest(): string;
    get algorithm(): string;
    /** All bytes seen: the size and the digest must match. */
    finish(): void;
    /**
     * The same check for bytes counted and hashed elsewhere (another thread hashed them as they were read): the
     * size, then the digest, with the same errors.
     */
    settle(size: number, hex: string): void;
    /** An E_DIGEST error about this blob: "<where>: blob <digest> <what>". */
    error(what: string): OepError;
}
