import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isOepError, type ErrorCode } from '../../../src/errors.js';
import { parseDigest } from '../../../src/oci/digest.js';
import {
  decryptedMediaType,
  encryptedMediaType,
  isEncryptableLayer,
  isEncryptedMediaType,
  MT,
  ociLayerMediaType,
} from '../../../src/oci/mediatypes.js';
import {
  isAttestationManifest,
  parseDescriptor,
  parseManifestOrIndex,
  serialize,
} from '../../../src/oci/model.js';
import { formatPlatform, parsePlatform, platformMatches } from '../../../src/oci/platform.js';

const D = `sha256:${'a'.repeat(64)}`;
const json = (v: unknown) => Buffer.from(JSON.stringify(v));
const fails =
  (code: ErrorCode, fragment = '') =>
  (e: unknown) =>
    isOepError(e, code) && e.message.includes(fragment);

describe('media types', () => {
  const table: [string, string][] = [
    [MT.ociLayer, 'application/vnd.oci.image.layer.v1.tar+encrypted'],
    [MT.ociLayerGzip, 'application/vnd.oci.image.layer.v1.tar+gzip+encrypted'],
    [MT.ociLayerZstd, 'application/vnd.oci.image.layer.v1.tar+zstd+encrypted'],
    [MT.ociForeignLayer, 'application/vnd.oci.image.layer.nondistributable.v1.tar+encrypted'],
    [`${MT.ociForeignLayer}+gzip`, 'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip+encrypted'],
    [`${MT.ociForeignLayer}+zstd`, 'application/vnd.oci.image.layer.nondistributable.v1.tar+zstd+encrypted'],
    [MT.dockerLayerGzip, 'application/vnd.oci.image.layer.v1.tar+gzip+encrypted'],
    [MT.dockerLayer, 'application/vnd.oci.image.layer.v1.tar+encrypted'],
    [MT.dockerForeignLayer, 'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip+encrypted'],
  ];
  for (const [plain, enc] of table) {
    it(`${plain} encrypts to ${enc}`, () => {
      assert.equal(isEncryptableLayer(plain), true);
      assert.equal(encryptedMediaType(plain), enc);
      assert.equal(isEncryptedMediaType(enc), true);
      assert.equal(isEncryptedMediaType(plain), false);
      assert.equal(decryptedMediaType(enc), ociLayerMediaType(plain));
      assert.equal(isEncryptableLayer(enc), false, 'never encrypted twice');
    });
  }

  for (const mt of [
    'application/vnd.in-toto+json',
    MT.ociConfig,
    MT.ociManifest,
    'application/octet-stream',
    'application/vnd.oci.image.layer.v1.tarx+gzip',
  ]) {
    it(`${mt} is not an encryptable layer`, () => assert.equal(isEncryptableLayer(mt), false));
  }

  it('decryptedMediaType leaves a plain type alone', () => {
    assert.equal(decryptedMediaType(MT.ociLayerGzip), MT.ociLayerGzip);
  });
});

describe('digests', () => {
  it('accepts sha256 and sha512', () => {
    assert.deepEqual(parseDigest(D, 'x'), { algorithm: 'sha256', hex: 'a'.repeat(64) });
    assert.equal(parseDigest(`sha512:${'0'.repeat(128)}`, 'x').algorithm, 'sha512');
  });
  for (const bad of [
    `sha256:${'A'.repeat(64)}`,
    `sha256:${'a'.repeat(63)}`,
    `md5:${'a'.repeat(32)}`,
    `sha256:../../${'a'.repeat(58)}`,
    `sha256:${'a'.repeat(64)}/x`,
    '',
    42,
    undefined,
  ]) {
    it(`refuses ${JSON.stringify(bad)}`, () => {
      assert.throws(() => parseDigest(bad, 'manifest.json'), fails('E_MANIFEST', 'manifest.json'));
    });
  }
});

describe('descriptors, manifests and indexes', () => {
  it('parses a descriptor and keeps unknown fields', () => {
    const d = parseDescriptor(
      { mediaType: MT.ociLayerGzip, digest: D, size: 3, urls: ['https://x'], 'com.example': { a: 1 } },
      'w',
    );
    assert.deepEqual(d, {
      mediaType: MT.ociLayerGzip,
      digest: D,
      size: 3,
      urls: ['https://x'],
      'com.example': { a: 1 },
    });
  });

  for (const [what, v, fragment] of [
    ['not an object', [], 'not an object'],
    ['no mediaType', { digest: D, size: 1 }, 'mediaType'],
    ['a negative size', { mediaType: 'x', digest: D, size: -1 }, 'size'],
    ['a fractional size', { mediaType: 'x', digest: D, size: 1.5 }, 'size'],
    ['a string size', { mediaType: 'x', digest: D, size: '1' }, 'size'],
    ['non-string annotations', { mediaType: 'x', digest: D, size: 1, annotations: { a: 1 } }, 'annotations'],
    [
      'a platform without os',
      { mediaType: 'x', digest: D, size: 1, platform: { architecture: 'amd64' } },
      'platform',
    ],
    ['a bad digest', { mediaType: 'x', digest: 'sha256:zz', size: 1 }, 'digest'],
  ] as const) {
    it(`refuses a descriptor with ${what}`, () => {
      assert.throws(() => parseDescriptor(v, 'layers[0]'), fails('E_MANIFEST', 'layers[0]'));
      assert.throws(() => parseDescriptor(v, 'layers[0]'), fails('E_MANIFEST', fragment));
    });
  }

  const manifest = {
    schemaVersion: 2,
    mediaType: MT.ociManifest,
    config: { mediaType: MT.ociConfig, digest: D, size: 2 },
    layers: [{ mediaType: MT.ociLayerGzip, digest: D, size: 3 }],
    annotations: { 'org.example': 'x' },
  };

  it('parses a manifest, keeping the raw document', () => {
    const m = parseManifestOrIndex(json(manifest), 'm');
    assert.equal(m.kind, 'manifest');
    if (m.kind !== 'manifest') return;
    assert.equal(m.layers.length, 1);
    assert.deepEqual(m.raw, manifest);
  });

  it('takes the media type from the descriptor when the document has none', () => {
    const { mediaType: _m, ...bare } = manifest;
    assert.equal(parseManifestOrIndex(json(bare), 'm', MT.dockerManifest).mediaType, MT.dockerManifest);
    assert.equal(parseManifestOrIndex(json(bare), 'm').mediaType, MT.ociManifest);
    assert.equal(parseManifestOrIndex(json({ schemaVersion: 2, manifests: [] }), 'i').kind, 'index');
  });

  it('refuses a document whose media type disagrees with its descriptor', () => {
    assert.throws(
      () => parseManifestOrIndex(json(manifest), 'm', MT.dockerManifest),
      fails('E_MANIFEST', 'differs'),
    );
  });

  it('refuses unsupported media types with E_UNSUPPORTED', () => {
    assert.throws(
      () =>
        parseManifestOrIndex(
          json({ ...manifest, mediaType: 'application/vnd.oci.artifact.manifest.v1+json' }),
          'm',
        ),
      fails('E_UNSUPPORTED', 'artifact'),
    );
  });

  for (const [what, doc, fragment] of [
    ['schemaVersion 1', { ...manifest, schemaVersion: 1 }, 'schemaVersion'],
    ['a manifest without layers', { ...manifest, layers: undefined }, 'layers'],
    ['an index without manifests', { schemaVersion: 2, mediaType: MT.ociIndex }, 'manifests'],
    ['a JSON array', [manifest], 'JSON object'],
  ] as const) {
    it(`refuses ${what}`, () => {
      assert.throws(() => parseManifestOrIndex(json(doc), 'blob x'), fails('E_MANIFEST', fragment));
    });
  }

  it('refuses bytes that are not JSON, naming the blob', () => {
    assert.throws(
      () => parseManifestOrIndex(Buffer.from('{'), 'layout index.json'),
      fails('E_MANIFEST', 'layout index.json'),
    );
  });

  it('serialize writes compact JSON', () => {
    assert.equal(serialize({ a: 1, b: [1, 2] }).toString('utf8'), '{"a":1,"b":[1,2]}');
  });

  it('recognises BuildKit attestation descriptors', () => {
    const base = { mediaType: MT.ociManifest, digest: D, size: 1 };
    assert.equal(
      isAttestationManifest({
        ...base,
        annotations: { 'vnd.docker.reference.type': 'attestation-manifest' },
      }),
      true,
    );
    assert.equal(
      isAttestationManifest({ ...base, annotations: { 'vnd.docker.reference.type': 'other' } }),
      false,
    );
    assert.equal(isAttestationManifest(base), false);
  });
});

describe('platforms', () => {
  it('parses and formats os/arch[/variant]', () => {
    assert.deepEqual(parsePlatform('linux/arm64/v8'), { os: 'linux', architecture: 'arm64', variant: 'v8' });
    assert.deepEqual(parsePlatform(' linux/amd64 '), { os: 'linux', architecture: 'amd64' });
    assert.equal(formatPlatform({ os: 'linux', architecture: 'arm', variant: 'v7' }), 'linux/arm/v7');
    assert.equal(formatPlatform(undefined), 'unknown');
  });

  for (const bad of ['linux', 'linux/', 'a/b/c/d', 'linux/amd 64']) {
    it(`refuses ${JSON.stringify(bad)}`, () =>
      assert.throws(() => parsePlatform(bad), fails('E_PLATFORM', bad)));
  }

  it('matches arm64 with and without the default v8 variant, and nothing else', () => {
    const arm64v8 = { os: 'linux', architecture: 'arm64', variant: 'v8' };
    assert.equal(platformMatches(parsePlatform('linux/arm64'), arm64v8), true);
    assert.equal(
      platformMatches(parsePlatform('linux/arm64/v8'), { os: 'linux', architecture: 'arm64' }),
      true,
    );
    assert.equal(
      platformMatches(parsePlatform('linux/arm/v7'), { os: 'linux', architecture: 'arm', variant: 'v6' }),
      false,
    );
    assert.equal(
      platformMatches(parsePlatform('linux/arm'), { os: 'linux', architecture: 'arm', variant: 'v7' }),
      true,
    );
    assert.equal(platformMatches(parsePlatform('linux/amd64'), arm64v8), false);
    assert.equal(
      platformMatches(parsePlatform('windows/amd64'), { os: 'linux', architecture: 'amd64' }),
      false,
    );
    assert.equal(platformMatches(parsePlatform('linux/amd64'), undefined), false);
  });
});
