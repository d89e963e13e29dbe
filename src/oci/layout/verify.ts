/**
 * Digest- and size-checked streams. Every blob we read passes through one of these: a blob that is longer
 * than its descriptor fails as soon as it overflows, and a wrong digest or a short blob fails at the end,
 * before the consumer sees the stream finish.
 */
import { createHash, type Hash } from 'node:crypto';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import type { Descriptor } from '../model.js';
import { DigestVerifier } from '../verifier.js';

/** A pass-through that hashes and counts what flows, for computing the digest of bytes we produce. */
export class DigestCounter extends Transform {
  readonly #hash: Hash;
  size = 0;

  constructor(algorithm: 'sha256' | 'sha512' = 'sha256') {
    super();
    this.#hash = createHash(algorithm);
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.#hash.update(chunk);
    this.size += chunk.length;
    cb(null, chunk);
  }

  #digest: string | undefined;
  /** Valid once the stream has ended. */
  digest(): string {
    this.#digest ??= `sha256:${this.#hash.digest('hex')}`;
    return this.#digest;
  }
}

/** A stream stage over the one DigestVerifier: bytes pass on as they come, the checks fail the stream. */
export class VerifyingStream extends Transform {
  readonly #verifier: DigestVerifier;

  constructor(desc: Pick<Descriptor, 'digest' | 'size'>, where: string) {
    super();
    this.#verifier = new DigestVerifier(desc, where);
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    try {
      this.#verifier.update(chunk);
    } catch (err) {
      cb(err as Error);
      return;
    }
    cb(null, chunk);
  }

  override _flush(cb: TransformCallback): void {
    try {
      this.#verifier.finish();
    } catch (err) {
      cb(err as Error);
      return;
    }
    cb();
  }
}

/**
 * `raw` through a VerifyingStream, with both ends tied: an error of `raw` fails the result, and a result that
 * fails or is given up closes `raw` (a file descriptor, or an HTTP body holding its connection).
 */
export function verified(raw: Readable, desc: Pick<Descriptor, 'digest' | 'size'>, where: string): Readable {
  const verify = new VerifyingStream(desc, where);
  raw.on('error', (e) => verify.destroy(e));
  verify.once('close', () => raw.destroy());
  return raw.pipe(verify);
}
