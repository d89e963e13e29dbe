// Layers are chosen by position but shipped by digest: a blob chosen anywhere is encrypted everywhere, and a
// blob copied as it is keeps each manifest's own descriptor.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { encryptImage } from '../../../src/pipeline/encrypt.js';
import { pushTargets } from '../../../src/pipeline/push.js';
import { buildImage, keyPair, putIndex, tempDir, writeIndexJson } from '../../helpers/fixtures.js';
import { blobJson, recipients } from './support.js';

const base = { files: { 'base.txt': 'base layer' }, annotations: { title: 'base' } };
const secret = { files: { 'secret.txt': 'shared secret layer' } };
const extra = { files: { 'arm.txt': 'arm-only top layer' } };

function twoPlatforms(dir: string, baseAnnotations: [string, string]) {
  const layout = join(dir, 'src');
  const amd = buildImage(layout, {
    layers: [{ ...base, annotations: { title: baseAnnotations[0] } }, secret],
    platform: { os: 'linux', architecture: 'amd64' },
  });
  const arm = buildImage(layout, {
    layers: [secret, { ...base, annotations: { title: baseAnnotations[1] } }, extra],
    platform: { os: 'linux', architecture: 'arm64', variant: 'v8' },
  });
  const index = putIndex(layout, [amd.manifest, arm.manifest]);
  writeIndexJson(layout, [{ ...index, annotations: { 'org.opencontainers.image.ref.name': 'latest' } }]);
  return { layout, amd, arm };
}

describe('selection by digest', () => {
  const kp = keyPair('p256');

  it('a blob selected in one platform (-1 of amd64) is encrypted where it sits lower in another (arm64 [0])', async () => {
    const dir = tempDir();
    const { layout, amd } = twoPlatforms(dir, ['base', 'base']);
    const report = await encryptImage({
      layout,
      output: join(dir, 'out'),
      recipients: recipients(kp),
      encryptLayers: [-1],
    });
    const secretDigest = amd.layers[1]!.digest;
    const baseDigest = amd.layers[0]!.digest;
    for (const p of report.platforms) {
      const secretLayer = p.layers.find((l) => l.sourceDigest === secretDigest)!;
      assert.equal(secretLayer.encrypted, true, `${p.platform} ships the selected layer as plaintext`);
      const baseLayer = p.layers.find((l) => l.sourceDigest === baseDigest)!;
      assert.equal(baseLayer.encrypted, false, 'the base layer was selected nowhere');
    }
  });

  it('a layer copied as it is keeps its own manifest annotations', async () => {
    const dir = tempDir();
    const { layout } = twoPlatforms(dir, ['amd', 'arm']);
    const out = join(dir, 'out');
    const report = await encryptImage({
      layout,
      output: out,
      recipients: recipients(kp),
      encryptLayers: [-1],
    });
    const titles = report.platforms.map((p) => {
      const m = blobJson<{
        layers: { encrypted?: boolean; annotations?: Record<string, string>; mediaType: string }[];
      }>(out, p.digest);
      return m.layers.find((l) => l.annotations?.title)?.annotations?.title;
    });
    assert.deepEqual(titles, ['amd', 'arm']);
  });
});

describe('push targets', () => {
  it('latest only when no tag is given at all', () => {
    assert.deepEqual(
      pushTargets('ghcr.io/org/app').map((r) => r.tag),
      ['latest'],
    );
    assert.deepEqual(
      pushTargets('ghcr.io/org/app', ['v1', 'ghcr.io/org/app:sha-abc']).map((r) => r.tag),
      [undefined, 'v1', 'sha-abc'],
    );
    assert.deepEqual(
      pushTargets('ghcr.io/org/app:v2', ['v1']).map((r) => r.tag),
      ['v2', 'v1'],
    );
  });
});
