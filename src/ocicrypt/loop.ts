/**
 * The one layer loop of the engine: every byte of a transformed or copied layer goes through `update`, and
 * `finish` raises the integrity errors (the source's digest and size, the ciphertext's HMAC). It works on
 * chunks and hashes and knows no files or streams: the file loop (pipeline/layer-files.ts, in worker threads)
 * and `LayerStream` below adapt it. Its parameters are plain data, so they cross a thread boundary.
 */
import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { internalError, OepError } from '../errors.js';
import type { DigestVerifier } from '../oci/verifier.js';
import { HMAC_LENGTH, hmacMatches, integrityError, LayerCipher } from './blockcipher.js';

/** What the loop does to one layer (ocicrypt's LayerBlockCipherOptions, reduced to what the cipher needs). */
export type LayerParams =
  | { mode: 'copy' }
  | { mode: 'encrypt'; key: Uint8Array; nonce: Uint8Array }
  | { mode: 'decrypt'; key: Uint8Array; nonce: Uint8Array; expectedHmac: Uint8Array }
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
export type CipherParams = Exclude<LayerParams, { mode: 'copy' }>;

/**
 * The middle of the loop: the cipher (and a rekey's second one) with their MACs, and nothing else, so that it
 * can run on a thread of its own while other threads hash what goes in and what comes out (host/layer-pipeline).
 */
export class CipherChain {
  readonly #cipher: LayerCipher;
  /** A rekey's second cipher: the plaintext goes from #cipher straight into it, never out of the chain. */
  readonly #next: LayerCipher | undefined;
  readonly #expectedHmac: Buffer | undefined;

  constructor(params: CipherParams) {
    const opens = params.mode === 'decrypt' || params.mode === 'rekey';
    if (opens && params.expectedHmac.length !== HMAC_LENGTH) {
      throw new OepError('E_OPTIONS', `layer HMAC must be ${HMAC_LENGTH} bytes`);
    }
    this.#cipher = new LayerCipher(
      { key: Buffer.from(params.key), nonce: Buffer.from(params.nonce) },
      opens ? 'decrypt' : 'encrypt',
    );
    this.#next =
      params.mode === 'rekey'
        ? new LayerCipher({ key: Buffer.from(params.newKey), nonce: Buffer.from(params.newNonce) }, 'encrypt')
        : undefined;
    this.#expectedHmac = opens ? Buffer.from(params.expectedHmac) : undefined;
  }

  /** One chunk in, a new buffer of the same length out. */
  update(chunk: Buffer): Buffer {
    const plain = this.#cipher.update(chunk);
    return this.#next ? this.#next.update(plain) : plain;
  }

  /** The MAC of what was opened must match (E_INTEGRITY); then the MAC of the ciphertext, in or out. */
  finish(): Buffer {
    const inputHmac = this.#cipher.finish();
    if (this.#expectedHmac && !hmacMatches(inputHmac, this.#expectedHmac)) throw integrityError();
    return this.#next ? this.#next.finish() : inputHmac;
  }
}

export class LayerLoop {
  readonly #chain: CipherChain | undefined;
  readonly #verify: DigestVerifier | undefined;
  readonly #out: Hash | undefined;
  readonly #copied: DigestVerifier | undefined;
  #size = 0;

  constructor(params: LayerParams, opts: LoopOptions = {}) {
    this.#chain = params.mode === 'copy' ? undefined : new CipherChain(params);
    this.#verify = opts.verify;
    // A verified copy comes out as it went in: its sha256 digest is the one just checked, not worth a second
    // hash (a copy under another algorithm is hashed, so the caller sees it is not a sha256 blob).
    this.#copied = !this.#chain && this.#verify?.digest.startsWith('sha256:') ? this.#verify : undefined;
    this.#out = opts.hashOutput === false || this.#copied ? undefined : createHash('sha256');
  }

  /**
   * One chunk in, its output out: a new buffer from the cipher, or, when copying, `chunk` itself (a caller that
   * reuses its read buffer copies it before the next read).
   */
  update(chunk: Buffer): Buffer {
    this.#verify?.update(chunk);
    const out = this.#chain ? this.#chain.update(chunk) : chunk;
    this.#out?.update(out);
    this.#size += out.length;
    return out;
  }

  /** The input's digest and size first (E_DIGEST), then the MAC (E_INTEGRITY); then what came out. */
  finish(): LoopResult {
    this.#verify?.finish();
    const hmac = this.#chain?.finish();
    const digest = this.#out ? `sha256:${this.#out.digest('hex')}` : this.#copied?.digest;
    return { ...(digest ? { digest } : {}), size: this.#size, ...(hmac ? { hmac } : {}) };
  }
}

/**
 * The loop as a stream stage, for sources that are not local files. A failed check fails the stream at its
 * end, so a consumer that commits only on success (the layout writer renames a temp file) never publishes
 * bad bytes. `result()` is available once the stream has flushed.
 */
export class LayerStream extends Transform {
  readonly #loop: LayerLoop;
  #result: LoopResult | undefined;

  constructor(params: LayerParams, opts?: LoopOptions) {
    super();
    this.#loop = new LayerLoop(params, opts);
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    try {
      cb(null, this.#loop.update(chunk));
    } catch (err) {
      cb(err as Error);
    }
  }

  override _flush(cb: TransformCallback): void {
    try {
      this.#result = this.#loop.finish();
      cb();
    } catch (err) {
      cb(err as Error);
    }
  }

  result(): LoopResult {
    if (!this.#result) throw internalError('LayerStream.result() called before the stream was finished');
    return this.#result;
  }
}
