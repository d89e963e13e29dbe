/**
 * Small blobs a push made in memory (a small layer encrypted whole before it goes up), held until they are
 * pushed, within a byte budget: who wants to hold more waits until earlier ones are released.
 */
import { Readable } from 'node:stream';

export class HeldBlobs {
  readonly #bytes = new Map<string, Buffer>();
  #held = 0;
  #waiting: (() => void)[] = [];

  constructor(readonly budget: number) {}

  /** Wait until `size` more bytes fit (at once when nothing is held: one blob may exceed the budget). */
  async reserve(size: number): Promise<void> {
    while (this.#held > 0 && this.#held + size > this.budget) {
      await new Promise<void>((r) => this.#waiting.push(r));
    }
    this.#held += size;
  }

  /** Give back a reservation (the blob was released, or never made). */
  unreserve(size: number): void {
    this.#held -= size;
    for (const wake of this.#waiting.splice(0)) wake();
  }

  hold(digest: string, bytes: Buffer): void {
    this.#bytes.set(digest, bytes);
  }

  has(digest: string): boolean {
    return this.#bytes.has(digest);
  }

  /** A fresh stream of a held blob's bytes, for each attempt. */
  open(digest: string): Readable | undefined {
    const bytes = this.#bytes.get(digest);
    return bytes ? Readable.from([bytes]) : undefined;
  }

  release(digest: string): void {
    const bytes = this.#bytes.get(digest);
    if (!bytes) return;
    this.#bytes.delete(digest);
    this.unreserve(bytes.length);
  }
}
