/**
 * oci/mutate.ts on graphs built in memory: no layout, no disk. What is rebuilt, what keeps its bytes, how
 * parents repoint, how docker documents become OCI, how attestations follow their image, and that a node
 * shared by several parents is rebuilt once.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { encryptedMediaType, MT } from '../../../src/oci/mediatypes.js';
import {
  ANNOTATION_REFERENCE_DIGEST,
  ANNOTATION_REFERENCE_TYPE,
  parseManifestOrIndex,
  type Descriptor,
  type ImageIndex,
  type ImageManifest,
} from '../../../src/oci/model.js';
import { mutateImage, type LayerOutcome } from '../../../src/oci/mutate.js';
import type { Platform } from '../../../src/oci/platform.js';
import type { IndexNode, ManifestNode, TreeNode } from '../../../src/oci/tree.js';

const digestOf = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const blob = (name: string, mediaType: string): Descriptor => {
  const bytes = Buffer.from(name);
  return { mediaType, digest: digestOf(bytes), size: bytes.length };
};
const AMD64: Platform = { os: 'linux', architecture: 'amd64' };
const ARM64: Platform = { os: 'linux', architecture: 'arm64' };

/** A manifest node as the tree loader makes it; `indent` changes the bytes, not the document. */
function manifest(
  layers: Descriptor[],
  opts: {
    mediaType?: string;
    platform?: Platform;
    config?: Descriptor;
    indent?: number;
    desc?: Partial<Descriptor>;
  } = {},
): ManifestNode {
  const mediaType = opts.mediaType ?? MT.ociManifest;
  const config =
    opts.config ??
    blob(`config ${layers.length}`, mediaType === MT.ociManifest ? MT.ociConfig : MT.dockerConfig);
  const bytes = Buffer.from(
    JSON.stringify({ schemaVersion: 2, mediaType, config, layers }, null, opts.indent ?? 2),
  );
  const doc = parseManifestOrIndex(bytes, 'test') as ImageManifest;
  const desc = { mediaType, digest: digestOf(bytes), size: bytes.length, ...opts.desc };
  return { kind: 'manifest', desc, doc, bytes, config: Buffer.from('{}'), platform: opts.platform };
}

/** An index over children; `entries` gives each child's descriptor extras (platform, annotations). */
function index(
  children: (TreeNode | undefined)[],
  entries: Partial<Descriptor>[],
  mediaType: string = MT.ociIndex,
): IndexNode {
  const manifests = children.map((c, i) => ({
    ...(c ? c.desc : blob(`gone ${i}`, MT.ociManifest)),
    ...entries[i],
  }));
  const bytes = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType, manifests }, null, 2));
  const doc = parseManifestOrIndex(bytes, 'test') as ImageIndex;
  return {
    kind: 'index',
    desc: { mediaType, digest: digestOf(bytes), size: bytes.length },
    doc,
    bytes,
    children,
  };
}

const encryptedOf = (l: Descriptor): Descriptor => ({
  ...blob(`enc ${l.digest}`, encryptedMediaType(l.mediaType)),
  annotations: { 'org.opencontainers.image.enc.keys.jwe': 'x' },
});

/** Every layer of every manifest transformed (encrypted) or copied, as a rewrite would report. */
function outcomes(transform: (l: Descriptor) => boolean, calls?: ManifestNode[]) {
  return (m: ManifestNode): LayerOutcome[] => {
    calls?.push(m);
    return m.doc.layers.map((source, index) =>
      transform(source)
        ? { index, action: 'transformed', source, result: encryptedOf(source) }
        : { index, action: 'copied', source, result: source },
    );
  };
}

interface Doc {
  mediaType: string;
  config: Descriptor;
  layers: Descriptor[];
  manifests: (Descriptor & { annotations: Record<string, string> })[];
}
const parse = (b: Buffer) => JSON.parse(b.toString('utf8')) as Doc;

describe('mutateImage', () => {
  const l1 = blob('layer 1', MT.ociLayerGzip);
  const l2 = blob('layer 2', MT.ociLayerGzip);

  it('keeps the exact bytes of an image where no layer changed', () => {
    const m = manifest([l1, l2], { indent: 3 });
    const r = mutateImage(
      m,
      outcomes(() => false),
      { convertDockerToOci: true },
    );
    assert.deepEqual(r.documents, [{ desc: m.desc, bytes: m.bytes }]);
    assert.deepEqual(r.root, m.desc);
    assert.deepEqual(r.blobs, [m.doc.config, l1, l2]);
    assert.equal(
      r.manifests[0]!.layers.every((l) => l.action === 'copied'),
      true,
    );
  });

  it('rebuilds a manifest with a transformed layer, and the index above it, children first', () => {
    const a = manifest([l1, l2], { platform: AMD64 });
    const b = manifest([l1], { platform: ARM64 });
    const root = index([a, b], [{ platform: AMD64, annotations: { note: 'kept' } }, { platform: ARM64 }]);
    const r = mutateImage(
      root,
      outcomes((l) => l.digest === l2.digest),
      { convertDockerToOci: true },
    );

    assert.deepEqual(
      r.documents.map((d) => d.desc.digest),
      [r.manifests[0]!.result.digest, b.desc.digest, r.root.digest],
    );
    for (const d of r.documents) assert.equal(d.desc.digest, digestOf(d.bytes));
    const newA = parse(r.documents[0]!.bytes);
    assert.deepEqual(newA.layers, [l1, encryptedOf(l2)]);
    assert.equal(r.documents[1]!.bytes, b.bytes, 'the untouched manifest keeps its bytes');
    const top = parse(r.documents[2]!.bytes);
    assert.deepEqual(top.manifests[0], {
      ...a.desc,
      digest: r.manifests[0]!.result.digest,
      size: r.documents[0]!.bytes.length,
      platform: AMD64,
      annotations: { note: 'kept' },
    });
    assert.deepEqual(
      r.manifests.map((m) => m.platform),
      ['linux/amd64', 'linux/arm64'],
    );
    assert.deepEqual(
      r.blobs.map((d) => d.digest),
      [a.doc.config.digest, l1.digest, encryptedOf(l2).digest, b.doc.config.digest],
    );
  });

  it('turns a docker manifest with a transformed layer into OCI, and its docker list into an OCI index', () => {
    const dl = blob('docker layer', MT.dockerLayerGzip);
    const kept = blob('docker base', MT.dockerLayerGzip);
    const m = manifest([kept, dl], { mediaType: MT.dockerManifest, platform: AMD64 });
    const root = index([m], [{ platform: AMD64 }], MT.dockerManifestList);
    const r = mutateImage(
      root,
      outcomes((l) => l.digest === dl.digest),
      { convertDockerToOci: true },
    );
    const doc = parse(r.documents[0]!.bytes);
    assert.equal(doc.mediaType, MT.ociManifest);
    assert.equal(doc.config.mediaType, MT.ociConfig);
    assert.equal(doc.config.digest, m.doc.config.digest, 'the config bytes stay the same');
    assert.deepEqual(
      doc.layers.map((l) => l.mediaType),
      [MT.ociLayerGzip, `${MT.ociLayerGzip}+encrypted`],
      'copied layers are converted too',
    );
    assert.equal(r.root.mediaType, MT.ociIndex);
    assert.equal(parse(r.documents[1]!.bytes).mediaType, MT.ociIndex);
    assert.equal(r.blobs[0]!.mediaType, MT.ociConfig);
  });

  it('leaves docker documents docker without convertDockerToOci', () => {
    const m = manifest([blob('docker layer', MT.dockerLayerGzip)], { mediaType: MT.dockerManifest });
    const root = index([m], [{ platform: AMD64 }], MT.dockerManifestList);
    const r = mutateImage(
      root,
      outcomes(() => true),
      { convertDockerToOci: false },
    );
    assert.equal(parse(r.documents[0]!.bytes).mediaType, MT.dockerManifest);
    assert.equal(r.root.mediaType, MT.dockerManifestList);
  });

  it('repoints an attestation at its image’s new digest and lists it apart from the images', () => {
    const img = manifest([l1], { platform: AMD64 });
    const mark = {
      [ANNOTATION_REFERENCE_TYPE]: 'attestation-manifest',
      [ANNOTATION_REFERENCE_DIGEST]: img.desc.digest,
    };
    const att = manifest([blob('statement', 'application/vnd.in-toto+json')], {
      desc: { annotations: mark },
    });
    const root = index([att, img], [{ annotations: mark }, { platform: AMD64 }]);
    const r = mutateImage(
      root,
      outcomes((l) => l.digest === l1.digest),
      { convertDockerToOci: true },
    );
    const newImage = r.manifests[0]!.result.digest;
    assert.equal(r.manifests.length, 1);
    assert.deepEqual(r.attestations, [{ digest: att.desc.digest, reference: newImage }]);
    const top = parse(r.documents[r.documents.length - 1]!.bytes);
    assert.deepEqual(
      top.manifests.map((d: Descriptor) => d.digest),
      [att.desc.digest, newImage],
      'the order is kept',
    );
    assert.equal(top.manifests[0]!.annotations[ANNOTATION_REFERENCE_DIGEST], newImage);
  });

  it('leaves out children that were not selected, and rewrites their index', () => {
    const a = manifest([l1], { platform: AMD64 });
    const root = index([a, undefined], [{ platform: AMD64 }, { platform: ARM64 }]);
    const r = mutateImage(
      root,
      outcomes(() => false),
      { convertDockerToOci: true },
    );
    assert.equal(r.documents[0]!.bytes, a.bytes);
    assert.deepEqual(parse(r.documents[1]!.bytes).manifests, [{ ...a.desc, platform: AMD64 }]);
    assert.notEqual(r.root.digest, root.desc.digest);
  });

  it('rebuilds a node shared by many parents once, and lists each document once', () => {
    const shared = manifest([l1, l2], { platform: AMD64 });
    const inner = index([shared, shared], [{ platform: AMD64 }, { platform: AMD64 }]);
    const root = index([inner, shared, inner], [{}, { platform: AMD64 }, {}]);
    const calls: ManifestNode[] = [];
    const r = mutateImage(
      root,
      outcomes(() => true, calls),
      { convertDockerToOci: true },
    );
    assert.equal(calls.length, 1);
    assert.equal(r.manifests.length, 1);
    assert.equal(r.documents.length, 3);
    assert.equal(new Set(r.documents.map((d) => d.desc.digest)).size, 3);
    assert.equal(r.documents[2]!.desc.digest, r.root.digest);
  });

  it('writes index.json’s own image index as a document of its own', () => {
    const a = manifest([l1], { platform: AMD64 });
    const root = index([a], [{ platform: AMD64 }]);
    const top: IndexNode = { ...root, desc: { ...root.desc, digest: '' } };
    const r = mutateImage(
      top,
      outcomes(() => false),
      { convertDockerToOci: true },
    );
    assert.equal(r.root.digest, digestOf(r.documents[1]!.bytes));
    assert.deepEqual(parse(r.documents[1]!.bytes).manifests, [{ ...a.desc, platform: AMD64 }]);
  });

  it('is pure: the same inputs give the same bytes', () => {
    const root = index([manifest([l1, l2], { platform: AMD64 })], [{ platform: AMD64 }]);
    const run = () =>
      mutateImage(
        root,
        outcomes(() => true),
        { convertDockerToOci: true },
      );
    assert.deepEqual(run(), run());
  });
});
