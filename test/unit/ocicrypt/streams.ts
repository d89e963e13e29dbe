/** Small stream helpers shared by the ocicrypt unit tests. */
import { Readable, type Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Descriptor } from '../../../src/oci/model.js';
import type { LayerSecrets } from '../../../src/ocicrypt/blockcipher.js';
import type { LayerOperation } from '../../../src/ocicrypt/layer.js';
import { LayerStream } from '../../../src/ocicrypt/loop.js';

/** Split `data` into chunks of the given sizes (cycled), the last chunk taking what is left. */
export function chunked(data: Buffer, sizes: number[]): Buffer[] {
  const out: Buffer[] = [];
  let at = 0;
  for (let i = 0; at < data.length; i++) {
    const n = sizes[i % sizes.length]!;
    out.push(data.subarray(at, at + n));
    at += n;
  }
  return out;
}

/** Feed the chunks through the transform and collect everything it emits; rejects if the stream fails. */
export async function through(transform: Transform, chunks: Buffer[]): Promise<Buffer> {
  const out: Buffer[] = [];
  await pipeline(Readable.from(chunks), transform, async (source: AsyncIterable<Buffer>) => {
    for await (const c of source) out.push(c);
  });
  return Buffer.concat(out);
}

/** The engine's layer loop as an encrypting stream stage. */
export function encryptor(s: LayerSecrets): LayerStream {
  return new LayerStream({ mode: 'encrypt', ...s });
}

/** The engine's layer loop as a decrypting stream stage that checks the MAC at the end. */
export function decryptor(s: LayerSecrets, expectedHmac: Buffer): LayerStream {
  return new LayerStream({ mode: 'decrypt', ...s, expectedHmac });
}

/** The MAC a finished stream computed. */
export function hmacOf(stream: LayerStream): Buffer {
  return Buffer.from(stream.result().hmac!);
}

/** Run a prepared layer through the loop as the pipeline does, then finalize it: the output and its descriptor. */
export async function runLayer(
  op: LayerOperation,
  chunks: Buffer[],
): Promise<{ out: Buffer; desc: Descriptor }> {
  const stream = new LayerStream(op.params);
  const out = await through(stream, chunks);
  const { digest, size, hmac } = stream.result();
  return { out, desc: op.finalize({ digest: digest!, size, ...(hmac ? { hmac } : {}) }) };
}
