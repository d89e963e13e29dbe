import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { decryptImage } from '../../../src/pipeline/decrypt.js';
import { encryptImage } from '../../../src/pipeline/encrypt.js';
import {
  keyPair,
  makeLayout,
  putJsonBlob,
  readBlob,
  sha256,
  tempDir,
  writeIndexJson,
} from '../../helpers/fixtures.js';
import {
  assertNothingWritten,
  blobJson,
  decryptionKeys,
  filesContaining,
  MT,
  onlyManifest,
  recipients,
  REF_NAME,
  rejectsWith,
} from './support.js';

const SECRET = 'layer-types-secret-99aa';

describe('layer media types', () => {
  const dir = tempDir();
  const kp = keyPair('p256');

  const cases: [string, { mediaType?: string; compression?: 'none' | 'gzip' }, string][] = [
    ['tar+zstd', { mediaType: MT.zstd, compression: 'none' }, `${MT.zstd}+encrypted`],
    ['uncompressed tar', { compression: 'none' }, `${MT.tar}+encrypted`],
    ['tar+gzip', {}, `${MT.gzip}+encrypted`],
    [
      'nondistributable tar+gzip',
      { mediaType: MT.foreignGzip },
      'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip+encrypted',
    ],
    [
      'nondistributable tar',
      { mediaType: 'application/vnd.oci.image.layer.nondistributable.v1.tar', compression: 'none' },
      'application/vnd.oci.image.layer.nondistributable.v1.tar+encrypted',
    ],
  ];

  for (const [name, spec, expected] of cases) {
    it(`${name} → ${expected}, and back`, async () => {
      const base = join(dir, name.replace(/[^a-z]+/gi, '-'));
      const src = join(base, 'src');
      const img = makeLayout(src, { layers: [{ files: { 'secret.txt': SECRET }, ...spec }] });
      assert.equal(
        img.layers[0]!.mediaType,
        spec.mediaType ?? (spec.compression === 'none' ? MT.tar : MT.gzip),
      );
      const enc = join(base, 'enc');
      await encryptImage({ layout: src, output: enc, recipients: recipients(kp) });
      const { doc } = onlyManifest(enc);
      assert.equal(doc.mediaType, MT.manifest);
      assert.equal(doc.layers[0]!.mediaType, expected);
      assert.notEqual(doc.layers[0]!.digest, img.layers[0]!.digest);
      if (spec.compression === 'none') assert.deepEqual(filesContaining(enc, SECRET), []);

      const dec = join(base, 'dec');
      await decryptImage({ layout: enc, output: dec, keys: decryptionKeys(kp) });
      const back = onlyManifest(dec).doc.layers[0]!;
      assert.deepEqual([back.mediaType, back.digest], [img.layers[0]!.mediaType, img.layers[0]!.digest]);
      assert.deepEqual(readBlob(dec, back.digest), readBlob(src, img.layers[0]!.digest));
    });
  }

  it('a zstd layer with arbitrary bytes is encrypted as they are (no recompression)', async () => {
    const base = join(dir, 'zstd-raw');
    const src = join(base, 'src');
    mkdirSync(join(src, 'blobs', 'sha256'), { recursive: true });
    const payload = Buffer.concat([
      Buffer.from([0x28, 0xb5, 0x2f, 0xfd]),
      randomBytes(3000),
      Buffer.from(SECRET),
    ]);
    const layer = { mediaType: MT.zstd, ...putJsonBlobRaw(src, payload) };
    const config = putJsonBlob(src, {
      architecture: 'amd64',
      os: 'linux',
      rootfs: { type: 'layers', diff_ids: [] },
    });
    const manifest = putJsonBlob(src, {
      schemaVersion: 2,
      mediaType: MT.manifest,
      config: { mediaType: MT.config, ...config },
      layers: [layer],
    });
    writeIndexJson(src, [{ mediaType: MT.manifest, ...manifest }]);
    const enc = join(base, 'enc');
    const report = await encryptImage({ layout: src, output: enc, recipients: recipients(kp) });
    const out = onlyManifest(enc).doc.layers[0]!;
    assert.equal(out.mediaType, `${MT.zstd}+encrypted`);
    assert.equal(out.size, payload.length);
    assert.equal(report.platforms[0]!.layers[0]!.sourceDigest, layer.digest);
    assert.deepEqual(filesContaining(enc, SECRET), []);
    const dec = join(base, 'dec');
    await decryptImage({ layout: enc, output: dec, keys: decryptionKeys(kp) });
    assert.deepEqual(readBlob(dec, layer.digest), payload);
  });

  it('an in-toto layer in an image manifest cannot be encrypted: E_UNSUPPORTED names it, nothing written', async () => {
    const base = join(dir, 'in-toto');
    const src = join(base, 'src');
    makeLayout(src, { layers: [{ files: { a: 'a' } }, { files: { b: 'b' }, mediaType: MT.inToto }] });
    const out = join(base, 'enc');
    await rejectsWith(
      encryptImage({ layout: src, output: out, recipients: recipients(kp) }),
      'E_UNSUPPORTED',
      ['layer 1', MT.inToto],
    );
    assertNothingWritten(out);
    // Leaving it out works.
    await encryptImage({ layout: src, output: out, recipients: recipients(kp), encryptLayers: [0] });
    const layers = onlyManifest(out).doc.layers;
    assert.deepEqual(
      layers.map((l) => l.mediaType),
      [`${MT.gzip}+encrypted`, MT.inToto],
    );
  });

  function putJsonBlobRaw(layout: string, data: Buffer): { digest: string; size: number } {
    const digest = sha256(data);
    writeFileSync(join(layout, 'blobs', 'sha256', digest.slice(7)), data);
    return { digest, size: data.length };
  }
});

describe('docker schema2 manifest', () => {
  const dir = tempDir();
  const kp = keyPair('p256');
  const src = join(dir, 'src');
  const img = makeLayout(
    src,
    {
      docker: true,
      layers: [
        { files: { a: 'base' } },
        { files: { 'secret.txt': SECRET }, compression: 'none' },
        { files: { c: 'top' } },
      ],
    },
    'docker-img',
  );
  const source = onlyManifest(src);

  it('is converted to an OCI manifest with an OCI config media type and encrypted OCI layers', async () => {
    assert.equal(source.doc.mediaType, MT.dockerManifest);
    const enc = join(dir, 'enc');
    const report = await encryptImage({ layout: src, output: enc, recipients: recipients(kp) });
    const { desc, doc } = onlyManifest(enc);
    assert.equal(desc.mediaType, MT.manifest, 'index.json entry carries the OCI media type');
    assert.equal(desc.annotations?.[REF_NAME], 'docker-img');
    assert.equal(doc.mediaType, MT.manifest);
    assert.equal(report.mediaType, MT.manifest);
    assert.equal(doc.config.mediaType, MT.config);
    assert.equal(doc.config.digest, source.doc.config.digest, 'config bytes are unchanged');
    assert.deepEqual(readBlob(enc, doc.config.digest), readBlob(src, source.doc.config.digest));
    assert.deepEqual(
      doc.layers.map((l) => l.mediaType),
      [`${MT.gzip}+encrypted`, `${MT.tar}+encrypted`, `${MT.gzip}+encrypted`],
    );
    assert.deepEqual(filesContaining(enc, SECRET), []);
  });

  it('unselected docker layers become their OCI types in the converted manifest', async () => {
    const enc = join(dir, 'enc-top');
    await encryptImage({ layout: src, output: enc, recipients: recipients(kp), encryptLayers: [-1] });
    const { doc } = onlyManifest(enc);
    assert.equal(doc.mediaType, MT.manifest);
    assert.deepEqual(
      doc.layers.map((l) => [l.mediaType, l.digest]),
      [
        [MT.gzip, img.layers[0]!.digest],
        [MT.tar, img.layers[1]!.digest],
        [`${MT.gzip}+encrypted`, doc.layers[2]!.digest],
      ],
    );
    assert.notEqual(doc.layers[2]!.digest, img.layers[2]!.digest);
  });

  it('decrypts to an OCI manifest whose layers are the original blobs', async () => {
    const enc = join(dir, 'enc');
    const dec = join(dir, 'dec');
    await decryptImage({ layout: enc, output: dec, keys: decryptionKeys(kp) });
    const { doc } = onlyManifest(dec);
    assert.deepEqual(
      doc.layers.map((l) => [l.mediaType, l.digest]),
      [
        [MT.gzip, img.layers[0]!.digest],
        [MT.tar, img.layers[1]!.digest],
        [MT.gzip, img.layers[2]!.digest],
      ],
    );
    for (const l of img.layers) assert.deepEqual(readBlob(dec, l.digest), readBlob(src, l.digest));
    assert.deepEqual(blobJson(dec, doc.config.digest), blobJson(src, source.doc.config.digest));
  });

  it('a docker foreign layer becomes nondistributable+gzip+encrypted', async () => {
    const base = join(dir, 'foreign');
    const fsrc = join(base, 'src');
    makeLayout(fsrc, {
      docker: true,
      layers: [{ files: { a: 'a' }, mediaType: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip' }],
    });
    const enc = join(base, 'enc');
    await encryptImage({ layout: fsrc, output: enc, recipients: recipients(kp) });
    assert.equal(
      onlyManifest(enc).doc.layers[0]!.mediaType,
      'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip+encrypted',
    );
  });
});
