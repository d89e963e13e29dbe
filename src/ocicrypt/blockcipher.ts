/**
 * AES_256_CTR_HMAC_SHA256, the layer cipher of containers/ocicrypt (blockcipher/blockcipher_aes_ctr.go):
 * AES-256 in CTR mode with the 16-byte nonce as the whole initial counter block (all 128 bits count, as Go's
 * cipher.NewCTR and OpenSSL do), and HMAC-SHA256 over the ciphertext keyed with the same 32-byte key.
 * Both directions work chunk by chunk (constant memory whatever the layer size); loop.ts drives them.
 */
import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  randomBytes,
  timingSafeEqual,
  type Hmac,
} from 'node:crypto';
import { internalError, OepError } from '../errors.js';

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
  if (s.key.length !== KEY_LENGTH) throw new OepError('E_OPTIONS', `layer key must be ${KEY_LENGTH} bytes`);
  if (s.nonce.length !== NONCE_LENGTH)
    throw new OepError('E_OPTIONS', `layer nonce must be ${NONCE_LENGTH} bytes`);
}

/**
 * The cipher of one layer, chunk by chunk, under the engine's layer loop (loop.ts). Encrypting MACs what it
 * outputs; decrypting MACs what it takes in.
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
    if (tail.length) throw internalError('AES-CTR produced a final block');
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
