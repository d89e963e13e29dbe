/**
 * Fuzz: manifests, indexes and descriptors (src/oci/model.ts, src/oci/digest.ts, src/oci/platform.ts), which
 * come from layouts, archives and registries: arbitrary JSON values, mutations of valid documents, raw bytes.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseDigest } from '../../src/oci/digest.js';
import { MT } from '../../src/oci/mediatypes.js';
import { parseDescriptor, parseManifestOrIndex, type Descriptor } from '../../src/oci/model.js';
import { parsePlatform } from '../../src/oci/platform.js';
import { deepJson, fuzz, mutatedBytes, mutatedJson, mutatedString, parsesOrTyped } from './support.js';

const hex64 = fc.stringMatching(/^[a-f0-9]{64}$/);
const descriptor = fc.record(
  {
    mediaType: fc.constantFrom(
      MT.ociLayer ?? 'application/vnd.oci.image.layer.v1.tar+gzip',
      'application/x',
      MT.ociManifest,
    ),
    digest: hex64.map((h) => `sha256:${h}`),
    size: fc.integer({ min: 0, max: 2 ** 40 }),
    annotations: fc.dictionary(fc.string({ maxLength: 10 }), fc.string({ maxLength: 10 }), { maxKeys: 3 }),
    platform: fc.record({
      os: fc.constantFrom('linux', 'windows'),
      architecture: fc.constantFrom('amd64', 'arm64'),
    }),
    urls: fc.array(fc.webUrl(), { maxLength: 1 }),
  },
  { requiredKeys: ['mediaType', 'digest', 'size'] },
);
const manifest = fc.record(
  {
    schemaVersion: fc.constant(2),
    mediaType: fc.constantFrom(MT.ociManifest, 'application/vnd.docker.distribution.manifest.v2+json'),
    config: descriptor,
    layers: fc.array(descriptor, { maxLength: 4 }),
    annotations: fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 2 }),
  },
  { requiredKeys: ['schemaVersion', 'config', 'layers'] },
);
const index = fc.record(
  {
    schemaVersion: fc.constant(2),
    mediaType: fc.constantFrom(MT.ociIndex, 'application/vnd.docker.distribution.manifest.list.v2+json'),
    manifests: fc.array(descriptor, { maxLength: 4 }),
  },
  { requiredKeys: ['schemaVersion', 'manifests'] },
);
const validDoc = fc.oneof(manifest, index);
const declared = fc.option(
  fc.constantFrom(
    MT.ociManifest,
    MT.ociIndex,
    'application/vnd.docker.distribution.manifest.v2+json',
    'text/plain',
  ),
  { nil: undefined },
);

/** Bytes of a document: valid, structurally mutated, arbitrary JSON, byte-mutated, or deeply nested. */
const docBytes = fc.oneof(
  validDoc.map((d) => Buffer.from(JSON.stringify(d))),
  mutatedJson(validDoc).map((d) => Buffer.from(JSON.stringify(d) ?? 'null')),
  fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v))),
  mutatedBytes(validDoc.map((d) => Buffer.from(JSON.stringify(d)))),
  fc
    .tuple(
      fc.constantFrom('schemaVersion', 'mediaType', 'manifests', 'layers', 'config'),
      fc.integer({ min: 1, max: 20000 }),
    )
    .map(([k, depth]) => Buffer.from(`{"schemaVersion":2,"${k}":${deepJson(depth)}}`)),
);

function checkDescriptor(d: Descriptor): void {
  assert.equal(typeof d.mediaType, 'string');
  assert.ok(d.mediaType.length > 0);
  parseDigest(d.digest, 'check');
  assert.ok(Number.isSafeInteger(d.size) && d.size >= 0);
  if (d.annotations) for (const v of Object.values(d.annotations)) assert.equal(typeof v, 'string');
  if (d.platform) {
    assert.equal(typeof d.platform.os, 'string');
    assert.equal(typeof d.platform.architecture, 'string');
  }
}

describe('fuzz: manifests, indexes, descriptors', () => {
  it('parseManifestOrIndex returns a checked manifest or index, or a typed error', () => {
    fuzz('model.parseManifestOrIndex', [docBytes, declared], (bytes, decl) => {
      parsesOrTyped(
        () => parseManifestOrIndex(bytes, 'fuzz', decl),
        (doc) => {
          assert.ok(doc.kind === 'manifest' || doc.kind === 'index');
          assert.equal(doc.raw.schemaVersion, 2);
          if (doc.kind === 'manifest') {
            checkDescriptor(doc.config);
            doc.layers.forEach(checkDescriptor);
          } else doc.manifests.forEach(checkDescriptor);
        },
        ['E_MANIFEST', 'E_UNSUPPORTED'],
      );
    });
  });

  it('parseDescriptor on arbitrary values and mutated descriptors', () => {
    const value = fc.oneof(
      descriptor,
      mutatedJson(descriptor),
      fc.jsonValue(),
      fc.anything({ maxDepth: 2 }),
      fc.integer({ min: 1, max: 20000 }).map((n) => ({
        mediaType: 'a',
        digest: `sha256:${'a'.repeat(64)}`,
        size: JSON.parse(deepJson(n)) as unknown,
      })),
    );
    fuzz('model.parseDescriptor', [value], (v) => {
      parsesOrTyped(() => parseDescriptor(v, 'fuzz'), checkDescriptor, ['E_MANIFEST']);
    });
  });

  it('parseDigest and parsePlatform', () => {
    const digest = fc.oneof(
      mutatedString(
        hex64.map((h) => `sha256:${h}`),
        'sha256:ABCDEFabcdef0123456789/.',
      ),
      fc.anything({ maxDepth: 1 }),
    );
    const platform = fc.oneof(
      mutatedString(fc.constantFrom('linux/amd64', 'linux/arm64/v8', 'windows/amd64'), '/ _.-'),
      fc.string({ maxLength: 40 }),
    );
    fuzz('model.digestAndPlatform', [digest, platform], (d, p) => {
      parsesOrTyped(
        () => parseDigest(d, 'fuzz'),
        (r) => assert.equal(`${r.algorithm}:${r.hex}`, d),
        ['E_MANIFEST'],
      );
      parsesOrTyped(
        () => parsePlatform(p),
        (r) => {
          assert.ok(r.os && r.architecture);
          assert.deepEqual(parsePlatform([r.os, r.architecture, r.variant].filter(Boolean).join('/')), r);
        },
        ['E_PLATFORM'],
      );
    });
  });
});
