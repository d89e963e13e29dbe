/**
 * Rewriting an image whose indexes share children (a DAG): every distinct manifest and index is rebuilt once,
 * and each parent keeps its own descriptor of a shared child (annotations, platform) pointing at the new digest.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { encryptImage } from '../../../src/pipeline/encrypt.js';
import { inspectImage } from '../../../src/pipeline/inspect.js';
import { buildImage, keyPair, putJsonBlob, tempDir, writeIndexJson } from '../../helpers/fixtures.js';
import { blobJson, indexJson, MT, recipients, REF_NAME, type Desc, type IndexDoc } from './support.js';

const AMD64 = { os: 'linux', architecture: 'amd64' };

describe('encrypting a DAG of indexes', () => {
  const dir = tempDir();
  const kp = keyPair('p256');

  it(
    '20 ways 5 deep (3.2 M paths): one manifest encrypted, each index rebuilt once',
    { timeout: 20_000 },
    async () => {
      const layout = join(dir, 'fan');
      const img = buildImage(layout, { layers: [{ files: { a: 'secret' } }] });
      const { platform: _p, ...manifest } = img.manifest;
      let below: Desc[] = Array.from({ length: 20 }, () => manifest);
      for (let level = 0; level < 4; level++) {
        const manifests = below;
        below = Array.from({ length: 20 }, (_, i) => ({
          mediaType: MT.index,
          ...putJsonBlob(layout, {
            schemaVersion: 2,
            mediaType: MT.index,
            manifests,
            annotations: { n: `${level}.${i}` },
          }),
        }));
      }
      writeIndexJson(
        layout,
        below.map((d) => ({ ...d, platform: AMD64 })),
      );
      const output = join(dir, 'fan-out');
      const report = await encryptImage({ layout, output, recipients: recipients(kp) });
      assert.equal(report.platforms.length, 1);
      const again = await inspectImage({ layout: output });
      assert.equal(again.platforms.length, 1);
      assert.ok(again.platforms[0]!.layers.every((l) => l.encrypted));
      // index.json as the image index comes out as one index blob that index.json names.
      const top = blobJson<IndexDoc>(output, indexJson(output).manifests[0]!.digest).manifests;
      assert.equal(top.length, 20);
      assert.equal(new Set(top.map((d) => d.digest)).size, 20, 'the 20 top indexes stay distinct');
    },
  );

  it('a manifest shared by two indexes keeps each parent its own descriptor', async () => {
    const layout = join(dir, 'shared');
    const img = buildImage(layout, { layers: [{ files: { a: 'secret' } }] });
    const { platform: _p, ...manifest } = img.manifest;
    const parent = (note: string): Desc => ({
      mediaType: MT.index,
      ...putJsonBlob(layout, {
        schemaVersion: 2,
        mediaType: MT.index,
        manifests: [{ ...manifest, platform: AMD64, annotations: { note } }],
      }),
    });
    const a = parent('from a');
    const b = parent('from b');
    const root = {
      mediaType: MT.index,
      ...putJsonBlob(layout, { schemaVersion: 2, mediaType: MT.index, manifests: [a, b] }),
    };
    writeIndexJson(layout, [{ ...root, annotations: { [REF_NAME]: 'v1' } }]);
    const output = join(dir, 'shared-out');
    await encryptImage({ layout, output, recipients: recipients(kp) });
    const newRoot = blobJson<IndexDoc>(output, indexJson(output).manifests[0]!.digest);
    const children = newRoot.manifests.map((d) => blobJson<IndexDoc>(output, d.digest).manifests[0]!);
    assert.deepEqual(
      children.map((c) => c.annotations?.note),
      ['from a', 'from b'],
    );
    assert.equal(children[0]!.digest, children[1]!.digest);
    assert.notEqual(children[0]!.digest, manifest.digest);
  });
});
