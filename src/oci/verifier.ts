/**
 * The digest and size check of a blob we read, chunk by chunk. Every reader uses it: the layout and registry
 * streams (through VerifyingStream) and the engine's layer loop. A blob longer than its descriptor fails as soon
 * as it overflows; a short blob or a wrong digest fails at the end, before the reader reports success.
 */
import { createHash, type Hash } from 'node:crypto';
import { OepError } from '../errors.js';
import { parseDigest } from './digest.js';
import type { Descriptor } from './model.js';

export class DigestVerifier {
  readonly #hash: Hash;
  readonly #expected: { digest: string; algorithm: string; hex: string; size: number };
  readonly #where: string;
  #seen = 0;

  /** `where` names the source in messages (a layout, an archive, a registry repository). */
  constructor(desc: Pick<Descriptor, 'digest' | 'size'>, where: string) {
    const { algorithm, hex } = parseDigest(desc.digest, where);
    this.#hash = createHash(algorithm);
    this.#expected = { digest: desc.digest, algorithm, hex, size: desc.size };
    this.#where = where;
  }

  update(chunk: Uint8Array): void {
    this.#seen += chunk.length;
    if (this.#seen > this.#expected.size) {
      throw this.error(`is larger than its descriptor's size ${this.#expected.size}`);
    }
    this.#hash.update(chunk);
  }

  /** A size known before reading (a file's, an entry's) must be the descriptor's. */
  checkSize(size: number): void {
    if (size !== this.#expected.size) throw this.#sizeError(size);
  }

  /** The digest every byte must hash to, and its algorithm (a node:crypto hash name). */
  get digest(): string {
    return this.#expected.digest;
  }

  get algorithm(): string {
    return this.#expected.algorithm;
  }

  /** All bytes seen: the size and the digest must match. */
  finish(): void {
    this.settle(this.#seen, this.#hash.digest('hex'));
  }

  /**
   * The same check for bytes counted and hashed elsewhere (another thread hashed them as they were read): the
   * size, then the digest, with the same errors.
   */
  settle(size: number, hex: string): void {
    if (size !== this.#expected.size) throw this.#sizeError(size);
    if (hex !== this.#expected.hex) {
      throw this.error(`does not match its digest (content hashes to ${hex.slice(0, 12)}…)`);
    }
  }

  /** An E_DIGEST error about this blob: "<where>: blob <digest> <what>". */
  error(what: string): OepError {
    return new OepError('E_DIGEST', `${this.#where}: blob ${this.#expected.digest} ${what}`, {
      hint: 'the layout is corrupt or was modified; rebuild it',
    });
  }

  #sizeError(size: number): OepError {
    return this.error(`has ${size} bytes, its descriptor says ${this.#expected.size}`);
  }
}
