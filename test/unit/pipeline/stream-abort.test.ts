/**
 * A push sends each encrypted layer as it is made (LayerSink). When one layer fails, the others still being
 * made and sent must stop: their streams are cut off at once, rather than encrypted and uploaded to the end
 * (minutes of work for a large layer, and blobs left behind in the registry by a run that failed).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { test } from 'node:test';
import { isOepError } from '../../../src/errors.js';
import { encryptInto, planEncryption } from '../../../src/pipeline/encrypt.js';
import { parseRecipients } from '../../../src/pipeline/keys.js';
import type { MadeBlob } from '../../../src/registry/push.js';
import { readBlob } from '../../helpers/fixtures.js';
import { layoutManifests, sourceImage } from '../../integration/registry/support.js';

const MiB = 1024 * 1024;

/** How a stream ended: cut off (destroyed), or still open after `ms`. */
function endOf(stream: Readable, ms: number): Promise<'cut off' | 'still going'> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve('still going'), ms);
    stream.once('close', () => {
      clearTimeout(timer);
      resolve('cut off');
    });
  });
}

test('a failing layer cuts off a large layer still being sent', async () => {
  const src = sourceImage({
    layers: [
      { compression: 'none', files: { 'big.bin': randomBytes(8 * MiB) } },
      { compression: 'none', files: { 'small.bin': randomBytes(10 * 1024) } },
    ],
  });
  // The small layer fails its digest check as it is made.
  const small = layoutManifests(src.layout, 'latest').get('linux/amd64')!.layers[1]!;
  const bytes = readBlob(src.layout, small.digest);
  bytes.writeUInt8(bytes.readUInt8(0) ^ 0xff, 0);
  writeFileSync(join(src.layout, 'blobs', 'sha256', small.digest.slice(7)), bytes);

  let big: Promise<'cut off' | 'still going'> | undefined;
  let smallFailed!: () => void;
  const failed = new Promise<void>((r) => (smallFailed = r));
  const sink = {
    async send(blob: MadeBlob): Promise<string> {
      const made = await blob.make();
      if (blob.size > MiB) {
        // A sender reading the big layer slowly: one chunk, then wait until the small one failed.
        made.stream.pause();
        made.stream.on('error', () => {}); // a sender's request would see the error; this one only waits
        big = endOf(made.stream, 3000);
        await failed;
        await big;
        throw new Error('the big layer was not sent');
      }
      try {
        for await (const chunk of made.stream) void chunk;
        return await made.digest();
      } finally {
        smallFailed();
      }
    },
  };
  const plan = await planEncryption({
    layout: src.layout,
    refName: 'latest',
    recipients: parseRecipients(src.keys.publicPem, src.pub),
  });
  await assert.rejects(encryptInto(plan, sink, { concurrency: 2 }), (e) => isOepError(e, 'E_DIGEST'));
  assert.equal(await big, 'cut off');
});
