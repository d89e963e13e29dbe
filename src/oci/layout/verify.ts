/**
 * Digest- and size-checked streams. Every blob we read passes through one of these: a blob that is longer
 * than its descriptor fails as soon as it overflows, and a wrong digest or a short blob fails at the end,
 * before the consumer sees the stream finish.
 */
import { createHash, type Hash } from 'node:crypto';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { OepError } from '../../errors.js';
import { parseDigest } from '../digest.js';
import type { Descriptor } from '../model.js';

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

export class VerifyingStream extends Transform {
  readonly #hash: Hash;
  readonly #expected: { digest: string; hex: string; size: number };
  readonly #where: string;
  #seen = 0;

  constructor(desc: Pick<Descriptor, 'digest' | 'size'>, where: string) {
    super();
    const { algorithm, hex } = parseDigest(desc.digest, where);
    this.#hash = createHash(algorithm);
    this.#expected = { digest: desc.digest, hex, size: desc.size };
    this.#where = where;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.#seen += chunk.length;
    if (this.#seen > this.#expected.size) {
      cb(this.#mismatch(`is larger than its descriptor's size ${this.#expected.size}`));
      return;
    }
    this.#hash.update(chunk);
    cb(null, chunk);
  }

  override _flush(cb: TransformCallback): void {
    if (this.#seen !== this.#expected.size) {
      cb(this.#mismatch(`has ${this.#seen} bytes, its descriptor says ${this.#expected.size}`));
      return;
    }
    const got = this.#hash.digest('hex');
    if (got !== this.#expected.hex) {
      cb(this.#mismatch(`does not match its digest (content hashes to ${got.slice(0, 12)}…)`));
      return;
    }
    cb();
  }

  #mismatch(what: string): OepError {
    return new OepError('E_DIGEST', `${this.#where}: blob ${this.#expected.digest} ${what}`, {
      hint: 'the layout is corrupt or was modified; rebuild it',
    });
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
