/** Small stream helpers shared by the ocicrypt unit tests. */
import { Readable, type Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

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
