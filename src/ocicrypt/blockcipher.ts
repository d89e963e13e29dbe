/**
 * AES_256_CTR_HMAC_SHA256, the layer cipher of containers/ocicrypt (blockcipher/blockcipher_aes_ctr.go):
 * AES-256 in CTR mode with the 16-byte nonce as the whole initial counter block (all 128 bits count, as Go's
 * cipher.NewCTR and OpenSSL do), and HMAC-SHA256 over the ciphertext keyed with the same 32-byte key.
 * Both directions stream: constant memory whatever the layer size.
 */
import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  randomBytes,
  timingSafeEqual,
  type Hmac,
} from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { OepError } from '../errors.js';

export const CIPHER_AES_CTR = 'AES_256_CTR_HMAC_SHA256';
export const KEY_LENGTH = 32;
export const NONCE_LENGTH = 16;
export const HMAC_LENGTH = 32;

export interface LayerSecrets {
  key: Buffer;
  nonce: Buffer;
}

export function freshSecrets(): LayerSecrets {
  return { key: randomBytes(KEY_LENGTH), nonce: randomBytes(NONCE_LENGTH) };
}

function checkLengths(s: LayerSecrets): void {
  if (s.key.length !== KEY_LENGTH) throw new OepError('E_INTEGRITY', `layer key must be ${KEY_LENGTH} bytes`);
  if (s.nonce.length !== NONCE_LENGTH)
    throw new OepError('E_INTEGRITY', `layer nonce must be ${NONCE_LENGTH} bytes`);
}

/** Plaintext in, ciphertext out; `hmac()` is available once the stream has flushed. */
export class LayerEncryptor extends Transform {
  readonly #cipher;
  readonly #mac: Hmac;
  #result: Buffer | undefined;

  constructor(secrets: LayerSecrets) {
    super();
    checkLengths(secrets);
    this.#cipher = createCipheriv('aes-256-ctr', secrets.key, secrets.nonce);
    this.#mac = createHmac('sha256', secrets.key);
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    const out = this.#cipher.update(chunk);
    this.#mac.update(out);
    cb(null, out);
  }

  override _flush(cb: TransformCallback): void {
    const tail = this.#cipher.final(); // CTR has no padding: always empty, but keep OpenSSL's contract
    if (tail.length) {
      this.#mac.update(tail);
      this.push(tail);
    }
    this.#result = this.#mac.digest();
    cb();
  }

  /** The HMAC of the ciphertext. Asking before the stream ended is a programming error. */
  hmac(): Buffer {
    if (!this.#result) throw new Error('LayerEncryptor.hmac() called before the stream was finished');
    return this.#result;
  }
}

/**
 * Ciphertext in, plaintext out. The MAC is checked when the input ends and a mismatch fails the stream, so a
 * consumer that commits only on success (our layout writer renames a temp file) never publishes bad plaintext.
 */
export class LayerDecryptor extends Transform {
  readonly #decipher;
  readonly #mac: Hmac;
  readonly #expected: Buffer;

  constructor(secrets: LayerSecrets, expectedHmac: Buffer) {
    super();
    checkLengths(secrets);
    if (expectedHmac.length !== HMAC_LENGTH) {
      throw new OepError('E_INTEGRITY', `layer HMAC must be ${HMAC_LENGTH} bytes`);
    }
    this.#decipher = createDecipheriv('aes-256-ctr', secrets.key, secrets.nonce);
    this.#mac = createHmac('sha256', secrets.key);
    this.#expected = expectedHmac;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.#mac.update(chunk);
    cb(null, this.#decipher.update(chunk));
  }

  override _flush(cb: TransformCallback): void {
    const tail = this.#decipher.final();
    if (tail.length) this.push(tail);
    if (!timingSafeEqual(this.#mac.digest(), this.#expected)) {
      cb(
        new OepError('E_INTEGRITY', 'layer ciphertext failed its HMAC check: it was modified or corrupted', {
          hint: 'nothing was written; fetch the image again from a trusted source',
        }),
      );
      return;
    }
    cb();
  }
}
