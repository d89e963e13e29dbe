import { Transform, type Readable, type TransformCallback } from 'node:stream';
import type { Descriptor } from '../model.js';
/** A pass-through that hashes and counts what flows, for computing the digest of bytes we produce. */
export declare class DigestCounter extends Transform {
    #private;
    size: number;
    constructor(algorithm?: 'sha256' | 'sha512');
    _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void;
    /** Valid once the stream has ended. */
    digest(): string;
}
/** A stream stage over the one DigestVerifier: bytes pass on as they come, the checks fail the stream. */
export declare class VerifyingStream extends Transform {
    #private;
    constructor(desc: Pick<Descriptor, 'digest' | 'size'>, where: string);
    _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void;
    _flush(cb: TransformCallback): void;
}
/**
 * `raw` through a VerifyingStream, with both ends tied: an error of `raw` fails the result, and a result that
 * fails or is given up closes `raw` (a file descriptor, or an HTTP body holding its connection).
 */
export declare function verified(raw: Readable, desc: Pick<Descriptor, 'digest' | 'size'>, where: string): Readable;
