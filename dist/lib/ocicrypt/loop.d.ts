import { Transform, type TransformCallback } from 'node:stream';
import type { DigestVerifier } from '../oci/verifier.js';
/** What the loop does to one layer (ocicrypt's LayerBlockCipherOptions, reduced to what the cipher needs). */
export type LayerParams = {
    mode: 'copy';
} | {
    mode: 'encrypt';
    key: Uint8Array;
    nonce: Uint8Array;
} | {
    mode: 'decrypt';
    key: Uint8Array;
    nonce: Uint8Array;
    expectedHmac: Uint8Array;
}
/** Decrypt with the old key (its MAC checked at the end) and encrypt with a new one, in one pass. */
 | {
    mode: 'rekey';
    key: Uint8Array;
    nonce: Uint8Array;
    expectedHmac: Uint8Array;
    newKey: Uint8Array;
    newNonce: Uint8Array;
};
/**
 * What came out: its digest (unless not hashed) and size, and the MAC of the ciphertext (encrypt and decrypt; for
 * a rekey, of the new ciphertext).
 */
export interface LoopResult {
    digest?: string;
    size: number;
    hmac?: Uint8Array;
}
export interface LoopOptions {
    /** Checks the bytes that go in against their descriptor; without one the reader has checked them. */
    verify?: DigestVerifier;
    /** Hash what comes out (default); off when the consumer counts it itself (the layout writer's streams). */
    hashOutput?: boolean;
}
/** The cipher side of a layer: every mode but a copy. */
export type CipherParams = Exclude<LayerParams, {
    mode: 'copy';
}>;
/**
 * The middle of the loop: the cipher (and a rekey's second one) with their MACs, and nothing else, so that it
 * can run on a thread of its own while other threads hash what goes in and what comes out (host/layer-pipeline).
 */
export declare class CipherChain {
    #private;
    constructor(params: CipherParams);
    /** One chunk in, a new buffer of the same length out. */
    update(chunk: Buffer): Buffer;
    /** The MAC of what was opened must match (E_INTEGRITY); then the MAC of the ciphertext, in or out. */
    finish(): Buffer;
}
export declare class LayerLoop {
    #private;
    constructor(params: LayerParams, opts?: LoopOptions);
    /**
     * One chunk in, its output out: a new buffer from the cipher, or, when copying, `chunk` itself (a caller that
     * reuses its read buffer copies it before the next read).
     */
    update(chunk: Buffer): Buffer;
    /** The input's digest and size first (E_DIGEST), then the MAC (E_INTEGRITY); then what came out. */
    finish(): LoopResult;
}
/**
 * The loop as a stream stage, for sources that are not local files. A failed check fails the stream at its
 * end, so a consumer that commits only on success (the layout writer renames a temp file) never publishes
 * bad bytes. `result()` is available once the stream has flushed.
 */
export declare class LayerStream extends Transform {
    #private;
    constructor(params: LayerParams, opts?: LoopOptions);
    _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void;
    _flush(cb: TransformCallback): void;
    result(): LoopResult;
}
