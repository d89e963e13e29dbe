import { OepError } from '../errors.js';
export declare const CIPHER_AES_CTR = "AES_256_CTR_HMAC_SHA256";
export declare const KEY_LENGTH = 32;
export declare const NONCE_LENGTH = 16;
export declare const HMAC_LENGTH = 32;
export interface LayerSecrets {
    key: Buffer;
    nonce: Buffer;
}
export declare function freshSecrets(): LayerSecrets;
/**
 * The cipher of one layer, chunk by chunk, under the engine's layer loop (loop.ts). Encrypting MACs what it
 * outputs; decrypting MACs what it takes in.
 */
export declare class LayerCipher {
    #private;
    constructor(secrets: LayerSecrets, mode: 'encrypt' | 'decrypt');
    update(chunk: Buffer): Buffer;
    /** The HMAC of the ciphertext. CTR has no padding, so there is never a trailing block to flush. */
    finish(): Buffer;
}
export declare function integrityError(): OepError;
/** Constant-time comparison of a computed and an expected MAC. */
export declare function hmacMatches(got: Buffer, expected: Buffer): boolean;
