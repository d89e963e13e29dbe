import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isOepError, type ErrorCode } from '../../../src/errors.js';
import { openLayout } from '../../../src/oci/layout/source.js';
import { MT } from '../../../src/oci/mediatypes.js';
import type { Descriptor, ImageIndex } from '../../../src/oci/model.js';
import { parsePlatform } from '../../../src/oci/platform.js';
import { countImages, loadImage, selectEntry, type TreeNode } from '../../../src/oci/tree.js';
import { buildImage, putIndex, putJsonBlob, tempDir, writeIndexJson } from '../../helpers/fixtures.js';
import { makeBuildKitLayout } from '../pipeline/support.js';

const REF = 'org.opencontainers.image.ref.name';
const fails =
  (code: ErrorCode, ...mentions: string[]) =>
  (e: unknown) =>
    isOepError(e, code) && mentions.every((m) => e.describe().includes(m));

function d(n: number, extra: Partial<Descriptor> = {}): Descriptor {
  return {
    mediaType: MT.ociManifest,
    digest: `sha256:${String(n).repeat(64).slice(0, 64)}`,
    size: 1,
    ...extra,
  };
}
function index(manifests: Descriptor[]): ImageIndex {
  return { kind: 'index', mediaType: MT.ociIndex, manifests, raw: {} };
}

/** platform strings of the image manifests in a tree, in order; attestations as "att→<ref digest prefix>". */
function shape(node: TreeNode): string[] {
  if (node.kind === 'manifest') {
    const ref = node.desc.annotations?.['vnd.docker.reference.digest'];
    return [
      ref
        ? `att→${ref.slice(7, 15)}`
        : [node.platform?.os, node.platform?.architecture, node.platform?.variant].filter(Boolean).join('/'),
    ];
  }
  return node.children.flatMap((c) => (c ? shape(c) : []));
}

describe('selectEntry', () => {
  it('takes the only entry', () => {
    assert.equal(selectEntry(index([d(1)]), 'L')?.digest, d(1).digest);
  });

  it('finds an entry by ref name, also when it is listed twice with the same digest', () => {
    const idx = index([
      d(1, { annotations: { [REF]: 'a' } }),
      d(2, { annotations: { [REF]: 'b' } }),
      d(2, { annotations: { [REF]: 'b' } }),
    ]);
    assert.equal(selectEntry(idx, 'L', 'a')?.digest, d(1).digest);
    assert.equal(selectEntry(idx, 'L', 'b')?.digest, d(2).digest);
  });

  it('refuses a ref name that names different images', () => {
    const idx = index([d(1, { annotations: { [REF]: 'a' } }), d(2, { annotations: { [REF]: 'a' } })]);
    assert.throws(() => selectEntry(idx, 'L', 'a'), fails('E_REF_NAME', 'L', '"a"', '2 different images'));
  });

  it('refuses an unknown ref name, listing the ref names', () => {
    const idx = index([d(1, { annotations: { [REF]: 'a' } }), d(2, { annotations: { [REF]: 'b' } })]);
    assert.throws(() => selectEntry(idx, 'L', 'c'), fails('E_REF_NAME', 'L', '"c"', 'a, b'));
    assert.throws(() => selectEntry(index([d(1)]), 'L', 'c'), fails('E_REF_NAME', 'no ref names'));
  });

  it('refuses several entries without a ref name, listing them', () => {
    const idx = index([d(1, { annotations: { [REF]: 'a' } }), d(2)]);
    assert.throws(
      () => selectEntry(idx, 'L'),
      fails('E_REF_NAME', 'L holds 2 images', '--ref-name', 'a', d(2).digest),
    );
  });

  it('treats index.json listing only platform manifests as the image index', () => {
    const idx = index([
      d(1, { platform: { os: 'linux', architecture: 'amd64' } }),
      d(2, { platform: { os: 'linux', architecture: 'arm64' } }),
    ]);
    assert.equal(selectEntry(idx, 'L'), undefined);
  });

  it('refuses an empty index.json', () => {
    assert.throws(() => selectEntry(index([]), 'L'), fails('E_LAYOUT', 'lists no image'));
  });
});

describe('loadImage', () => {
  const dir = tempDir();

  it('loads the BuildKit nesting: index.json → index → platforms + attestation', async () => {
    const layout = join(dir, 'bk');
    const bk = makeBuildKitLayout(layout);
    const img = await loadImage(await openLayout(layout));
    assert.equal(img.entry?.annotations?.[REF], 'v1');
    assert.equal(img.root.kind, 'index');
    assert.equal(img.root.desc.digest, bk.index.digest);
    assert.deepEqual(shape(img.root), [
      'linux/amd64',
      'linux/arm64/v8',
      `att→${bk.amd64.manifest.digest.slice(7, 15)}`,
    ]);
    assert.equal(countImages(img.root), 2);
    assert.deepEqual(img.skippedPlatforms, []);
  });

  it('drops the attestation of a platform left out', async () => {
    const layout = join(dir, 'bk2');
    makeBuildKitLayout(layout);
    const img = await loadImage(await openLayout(layout), { platforms: [parsePlatform('linux/arm64')] });
    assert.deepEqual(shape(img.root), ['linux/arm64/v8']);
    assert.deepEqual(img.skippedPlatforms, ['linux/amd64']);
  });

  it('takes the platform from the config when the descriptor has none', async () => {
    const layout = join(dir, 'single');
    const one = buildImage(layout, {
      platform: { os: 'linux', architecture: 'arm', variant: 'v7' },
      layers: [{ files: { a: 'a' } }],
    });
    const { platform: _p, ...desc } = one.manifest;
    writeIndexJson(layout, [desc]);
    const img = await loadImage(await openLayout(layout));
    assert.equal(img.root.kind, 'manifest');
    assert.deepEqual(shape(img.root), ['linux/arm/v7']);
    // --platform on a single image: it must match.
    await loadImage(await openLayout(layout), { platforms: [parsePlatform('linux/arm/v7')] });
    await assert.rejects(
      loadImage(await openLayout(layout), { platforms: [parsePlatform('linux/amd64')] }),
      fails('E_PLATFORM', 'linux/arm/v7', 'linux/amd64'),
    );
  });

  it('refuses indexes nested too deep', async () => {
    const layout = join(dir, 'deep');
    const one = buildImage(layout, { layers: [{ files: { a: 'a' } }] });
    let top: { mediaType: string; digest: string; size: number } = one.manifest;
    for (let i = 0; i < 9; i++) top = putIndex(layout, [top]);
    writeIndexJson(layout, [top]);
    await assert.rejects(loadImage(await openLayout(layout)), fails('E_MANIFEST', 'deeper'));
  });

  it('refuses an index child of an unsupported media type', async () => {
    const layout = join(dir, 'odd-child');
    const blob = putJsonBlob(layout, { hello: 'world' });
    const idx = putIndex(layout, [{ mediaType: 'application/vnd.example.thing+json', ...blob }]);
    writeIndexJson(layout, [idx]);
    await assert.rejects(
      loadImage(await openLayout(layout)),
      fails('E_UNSUPPORTED', 'application/vnd.example.thing+json'),
    );
  });
});
