/**
 * Hostile image graphs: indexes that share children, so a tiny layout reaches one manifest by millions of paths;
 * too many distinct documents; indexes nested too deep. The walker reads each distinct document once and answers
 * quickly, either with the deduplicated image or with one typed error. (The node:test timeouts are generous
 * guards, not measurements: a walker without memory runs for minutes here.)
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { isOepError, type ErrorCode } from '../../../src/errors.js';
import { openLayout } from '../../../src/oci/layout/source.js';
import { MT } from '../../../src/oci/mediatypes.js';
import type { BlobSource } from '../../../src/oci/source.js';
import type { Descriptor } from '../../../src/oci/model.js';
import { countImages, loadImage, manifestNodes, nodesBottomUp } from '../../../src/oci/tree.js';
import { MAX_GRAPH_BYTES, Walk } from '../../../src/oci/walk.js';
import { inspectImage } from '../../../src/pipeline/inspect.js';
import {
  buildImage,
  makeLayout,
  putJsonBlob,
  sha256,
  tempDir,
  writeIndexJson,
} from '../../helpers/fixtures.js';

type Desc = { mediaType: string; digest: string; size: number; [k: string]: unknown };

const fails =
  (code: ErrorCode, ...mentions: string[]) =>
  (e: unknown) =>
    isOepError(e, code) && mentions.every((m) => e.describe().includes(m));

/**
 * `levels` levels of `fan` distinct indexes, each listing every index of the level below (the bottom level lists
 * the manifest `fan` times): the top level's descriptors, from each of which fan^levels paths lead to one manifest.
 */
function fanOut(put: (doc: object) => Desc, manifest: Desc, fan: number, levels: number): Desc[] {
  let below: Desc[] = Array.from({ length: fan }, () => manifest);
  for (let level = 0; level < levels; level++) {
    const manifests = below;
    below = Array.from({ length: fan }, (_, i) =>
      put({ schemaVersion: 2, mediaType: MT.ociIndex, manifests, annotations: { n: `${level}.${i}` } }),
    );
  }
  return below;
}

const AMD64 = { os: 'linux', architecture: 'amd64' };

/** An in-memory source (as a registry would be) that counts the reads of each digest. */
class CountingSource implements BlobSource {
  readonly name = 'fake-registry/app:v1';
  readonly blobs = new Map<string, Buffer>();
  readonly reads = new Map<string, number>();
  index: Buffer = Buffer.alloc(0);

  put(doc: object, mediaType: string = MT.ociIndex): Desc {
    const bytes = Buffer.from(JSON.stringify(doc));
    const digest = sha256(bytes);
    this.blobs.set(digest, bytes);
    return { mediaType, digest, size: bytes.length };
  }
  async indexJson(): Promise<Buffer> {
    return this.index;
  }
  async read(desc: { digest: string }): Promise<Buffer> {
    this.reads.set(desc.digest, (this.reads.get(desc.digest) ?? 0) + 1);
    const b = this.blobs.get(desc.digest);
    if (!b) throw new Error(`no blob ${desc.digest}`);
    return b;
  }
  async open(desc: { digest: string }): Promise<Readable> {
    return Readable.from([await this.read(desc)]);
  }
  async has(desc: { digest: string }): Promise<boolean> {
    return this.blobs.has(desc.digest);
  }
}

function fakeImage(src: CountingSource, arch: string): Desc {
  const config = src.put({ os: 'linux', architecture: arch, rootfs: { type: 'layers', diff_ids: [] } });
  return src.put(
    {
      schemaVersion: 2,
      mediaType: MT.ociManifest,
      config: { ...config, mediaType: MT.ociConfig },
      layers: [],
    },
    MT.ociManifest,
  );
}

describe('a layout of indexes fanning out 20 ways 5 deep (3.2 M paths to one manifest)', () => {
  const dir = tempDir();
  const layout = join(dir, 'fan');
  const img = buildImage(layout, { layers: [{ files: { a: 'a' } }] });
  const { platform: _p, ...manifest } = img.manifest;
  // index.json lists the top 20 as a platform list (so it is the image index itself): 20 x 20^4 paths.
  const put = (doc: object): Desc => ({ mediaType: MT.ociIndex, ...putJsonBlob(layout, doc) });
  const top = fanOut(put, manifest, 20, 4).map((d) => ({ ...d, platform: AMD64 }));
  writeIndexJson(layout, top);

  it('loads as a DAG: the manifest once, each index once', { timeout: 20_000 }, async () => {
    const image = await loadImage(await openLayout(layout));
    assert.equal(countImages(image.root), 1);
    assert.deepEqual(
      manifestNodes(image.root).map((m) => m.desc.digest),
      [manifest.digest],
    );
    // putIndex ignores the annotations that made the fixture's indexes distinct: each level is one index.
    assert.equal(
      nodesBottomUp(image.root).length,
      new Set(nodesBottomUp(image.root).map((n) => n.desc.digest)).size,
    );
  });

  it('inspect answers with one platform', { timeout: 20_000 }, async () => {
    const report = await inspectImage({ layout });
    assert.equal(report.platforms.length, 1);
    assert.equal(report.platforms[0]!.digest, manifest.digest);
  });
});

describe('each distinct document is read once (registry sources fetch each manifest once)', () => {
  it(
    '81 distinct indexes, 3.2 M paths: one read per manifest, index and config',
    { timeout: 20_000 },
    async () => {
      const src = new CountingSource();
      const amd = fakeImage(src, 'amd64');
      // As the registry source presents a reference: index.json names one index, which fans out 20 ways 5 deep.
      const top = fanOut((doc) => src.put(doc), { ...amd, platform: AMD64 }, 20, 4);
      const root = src.put({ schemaVersion: 2, mediaType: MT.ociIndex, manifests: top });
      src.index = Buffer.from(JSON.stringify({ schemaVersion: 2, manifests: [root] }));
      const image = await loadImage(src);
      assert.equal(countImages(image.root), 1);
      assert.equal(nodesBottomUp(image.root).length, 1 + 4 * 20 + 1);
      for (const [digest, n] of src.reads) assert.equal(n, 1, `${digest} was read ${n} times`);
      assert.equal(src.reads.size, src.blobs.size, 'every document (and the config) was read');
    },
  );

  it('two platforms sharing one config read it once', async () => {
    const src = new CountingSource();
    const config = src.put({ os: 'linux', architecture: 'amd64' });
    const m = (n: string) =>
      src.put(
        {
          schemaVersion: 2,
          mediaType: MT.ociManifest,
          config: { ...config, mediaType: MT.ociConfig },
          layers: [],
          annotations: { n },
        },
        MT.ociManifest,
      );
    const idx = src.put({ schemaVersion: 2, mediaType: MT.ociIndex, manifests: [m('a'), m('b')] });
    src.index = Buffer.from(JSON.stringify({ schemaVersion: 2, manifests: [idx] }));
    const image = await loadImage(src);
    assert.equal(countImages(image.root), 2);
    assert.equal(src.reads.get(config.digest), 1);
  });
});

describe('caps', () => {
  it(
    'more than 10,000 distinct manifests is one E_MANIFEST naming the cap',
    { timeout: 20_000 },
    async () => {
      const src = new CountingSource();
      const config = src.put({ os: 'linux', architecture: 'amd64' });
      const manifests = Array.from({ length: 10_001 }, (_, i) =>
        src.put(
          {
            schemaVersion: 2,
            mediaType: MT.ociManifest,
            config: { ...config, mediaType: MT.ociConfig },
            layers: [],
            annotations: { i: String(i) },
          },
          MT.ociManifest,
        ),
      );
      const idx = src.put({ schemaVersion: 2, mediaType: MT.ociIndex, manifests });
      src.index = Buffer.from(JSON.stringify({ schemaVersion: 2, manifests: [idx] }));
      await assert.rejects(loadImage(src), fails('E_MANIFEST', src.name, '10000'));
      assert.ok(src.reads.size <= 10_001, 'stopped at the cap, not after reading everything');
    },
  );

  it('indexes nested deeper than 8 are one E_MANIFEST; 8 load', async () => {
    const src = new CountingSource();
    const m = fakeImage(src, 'amd64');
    let top: Desc = m;
    for (let i = 0; i < 8; i++) top = src.put({ schemaVersion: 2, mediaType: MT.ociIndex, manifests: [top] });
    src.index = Buffer.from(JSON.stringify({ schemaVersion: 2, manifests: [top] }));
    assert.equal(countImages((await loadImage(src)).root), 1);
    top = src.put({ schemaVersion: 2, mediaType: MT.ociIndex, manifests: [top] });
    src.index = Buffer.from(JSON.stringify({ schemaVersion: 2, manifests: [top] }));
    await assert.rejects(loadImage(src), fails('E_MANIFEST', src.name, 'deeper than 8'));
  });

  it('depth is checked on every path, also when a deep path reaches a node first seen shallow', async () => {
    const src = new CountingSource();
    const m = fakeImage(src, 'amd64');
    // A chain of 7 indexes over the manifest (height 7), reached directly and through 2 more indexes.
    let chain: Desc = m;
    for (let i = 0; i < 7; i++)
      chain = src.put({ schemaVersion: 2, mediaType: MT.ociIndex, manifests: [chain] });
    const deep = src.put({
      schemaVersion: 2,
      mediaType: MT.ociIndex,
      manifests: [src.put({ schemaVersion: 2, mediaType: MT.ociIndex, manifests: [chain] })],
    });
    const root = src.put({ schemaVersion: 2, mediaType: MT.ociIndex, manifests: [chain, deep] });
    src.index = Buffer.from(JSON.stringify({ schemaVersion: 2, manifests: [root] }));
    await assert.rejects(loadImage(src), fails('E_MANIFEST', 'deeper than 8'));
  });
});

describe('the memory a graph may hold', () => {
  it('is bounded: past the budget of manifest, index and config bytes, one clear error', async () => {
    const dir = tempDir();
    const layout = join(dir, 'big');
    makeLayout(layout, { layers: [{ files: { a: 'a' } }, { files: { b: 'b' } }] });
    const source = await openLayout(layout);
    const index = JSON.parse((await source.indexJson()).toString('utf8')) as { manifests: Descriptor[] };
    const walk = new Walk(source, undefined, 200);
    await assert.rejects(
      walk.child(index.manifests[0]!, 0),
      (e) => isOepError(e, 'E_MANIFEST') && /exceed/.test(e.message),
    );
    const roomy = new Walk(source, undefined);
    assert.equal((await roomy.child(index.manifests[0]!, 0)).node.kind, 'manifest');
    assert.ok(MAX_GRAPH_BYTES <= 256 * 1024 * 1024);
  });
});
