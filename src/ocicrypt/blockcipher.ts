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

/**
 * The cipher of one layer, chunk by chunk: the core both stream classes below and the pipeline's file loop
 * (which runs in worker threads) share. Encrypting MACs what it outputs; decrypting MACs what it takes in.
 */
export class LayerCipher {
  readonly #cipher;
  readonly #mac: Hmac;
  readonly #mode: 'encrypt' | 'decrypt';

  constructor(secrets: LayerSecrets, mode: 'encrypt' | 'decrypt') {
    checkLengths(secrets);
    this.#mode = mode;
    this.#cipher =
      mode === 'encrypt'
        ? createCipheriv('aes-256-ctr', secrets.key, secrets.nonce)
        : createDecipheriv('aes-256-ctr', secrets.key, secrets.nonce);
    this.#mac = createHmac('sha256', secrets.key);
  }

  update(chunk: Buffer): Buffer {
    if (this.#mode === 'decrypt') this.#mac.update(chunk);
    const out = this.#cipher.update(chunk);
    if (this.#mode === 'encrypt') this.#mac.update(out);
    return out;
  }

  /** The HMAC of the ciphertext. CTR has no padding, so there is never a trailing block to flush. */
  finish(): Buffer {
    const tail = this.#cipher.final();
    if (tail.length) throw new Error('internal: AES-CTR produced a final block');
    return this.#mac.digest();
  }
}

export function integrityError(): OepError {
  return new OepError('E_INTEGRITY', 'layer ciphertext failed its HMAC check: it was modified or corrupted', {
    hint: 'nothing was written; fetch the image again from a trusted source',
  });
}

/** Constant-time comparison of a computed and an expected MAC. */
export function hmacMatches(got: Buffer, expected: Buffer): boolean {
  return got.length === expected.length && timingSafeEqual(got, expected);
}

/** Plaintext in, ciphertext out; `hmac()` is available once the stream has flushed. */
export class LayerEncryptor extends Transform {
  readonly #cipher: LayerCipher;
  #result: Buffer | undefined;

  constructor(secrets: LayerSecrets) {
    super();
    this.#cipher = new LayerCipher(secrets, 'encrypt');
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    cb(null, this.#cipher.update(chunk));
  }

  override _flush(cb: TransformCallback): void {
    this.#result = this.#cipher.finish();
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
  readonly #cipher: LayerCipher;
  readonly #expected: Buffer;

  constructor(secrets: LayerSecrets, expectedHmac: Buffer) {
    super();
    if (expectedHmac.length !== HMAC_LENGTH) {
      throw new OepError('E_INTEGRITY', `layer HMAC must be ${HMAC_LENGTH} bytes`);
    }
    this.#cipher = new LayerCipher(secrets, 'decrypt');
    this.#expected = expectedHmac;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    cb(null, this.#cipher.update(chunk));
  }

  override _flush(cb: TransformCallback): void {
    cb(hmacMatches(this.#cipher.finish(), this.#expected) ? undefined : integrityError());
  }
}
