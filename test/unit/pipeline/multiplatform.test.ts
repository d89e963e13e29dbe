import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parsePlatformList } from '../../../src/pipeline/selection.js';
import { decryptImage } from '../../../src/pipeline/decrypt.js';
import { encryptImage } from '../../../src/pipeline/encrypt.js';
import { inspectImage } from '../../../src/pipeline/inspect.js';
import { buildImage, keyPair, putIndex, readBlob, tempDir, writeIndexJson } from '../../helpers/fixtures.js';
import {
  blobJson,
  decryptionKeys,
  filesContaining,
  indexJson,
  makeBuildKitLayout,
  MT,
  recipients,
  REF_DIGEST,
  REF_NAME,
  REF_TYPE,
  rejectsWith,
  assertNothingWritten,
  type IndexDoc,
  type ManifestDoc,
} from './support.js';

const SECRET = 'multi-arch-secret-51f0';

function nestedIndex(layout: string): { entryDigest: string; ref?: string; index: IndexDoc } {
  const top = indexJson(layout);
  assert.equal(top.manifests.length, 1);
  const entry = top.manifests[0]!;
  assert.equal(entry.mediaType, MT.index, 'index.json points at a nested index, as BuildKit writes it');
  return {
    entryDigest: entry.digest,
    ...(entry.annotations?.[REF_NAME] ? { ref: entry.annotations[REF_NAME] } : {}),
    index: blobJson<IndexDoc>(layout, entry.digest),
  };
}

describe('BuildKit multi-platform index with an attestation manifest', () => {
  const dir = tempDir();
  const src = join(dir, 'src');
  const kp = keyPair('p256');
  const bk = makeBuildKitLayout(src, { secret: SECRET, refName: 'v1' });

  it('with attestations: keep, encrypts both platforms, never the attestation, and points the attestation at the new amd64 digest', async () => {
    const enc = join(dir, 'enc');
    const report = await encryptImage({
      layout: src,
      output: enc,
      recipients: recipients(kp),
      attestations: 'keep',
    });
    const { entryDigest, ref, index } = nestedIndex(enc);
    assert.equal(ref, 'v1');
    assert.equal(report.digest, entryDigest);
    assert.equal(report.mediaType, MT.index);
    assert.equal(index.manifests.length, 3);
    const [amd, arm, att] = index.manifests as [
      (typeof index.manifests)[0],
      (typeof index.manifests)[0],
      (typeof index.manifests)[0],
    ];
    assert.deepEqual(amd.platform, { os: 'linux', architecture: 'amd64' });
    assert.deepEqual(arm.platform, { os: 'linux', architecture: 'arm64', variant: 'v8' });
    assert.notEqual(amd.digest, bk.amd64.manifest.digest);
    assert.notEqual(arm.digest, bk.arm64.manifest.digest);

    for (const d of [amd, arm]) {
      const m = blobJson<ManifestDoc>(enc, d.digest);
      assert.deepEqual(
        m.layers.map((l) => l.mediaType),
        [`${MT.gzip}+encrypted`, `${MT.tar}+encrypted`],
      );
    }

    // The attestation: same bytes (its in-toto layer untouched), reference rewritten to the new amd64 manifest.
    assert.equal(att.annotations?.[REF_TYPE], 'attestation-manifest');
    assert.equal(att.annotations?.[REF_DIGEST], amd.digest);
    assert.deepEqual(att.platform, { os: 'unknown', architecture: 'unknown' });
    assert.equal(att.digest, bk.attestation.desc.digest, 'the attestation manifest itself is unchanged');
    const attDoc = blobJson<ManifestDoc>(enc, att.digest);
    assert.deepEqual(attDoc.layers, [bk.attestation.layer]);
    assert.equal(attDoc.layers[0]!.mediaType, MT.inToto);
    assert.deepEqual(readBlob(enc, bk.attestation.layer.digest), readBlob(src, bk.attestation.layer.digest));
    assert.deepEqual(report.attestations, [{ digest: att.digest, reference: amd.digest }]);

    assert.deepEqual(report.platforms.map((p) => p.platform).sort(), ['linux/amd64', 'linux/arm64/v8']);
    assert.deepEqual(report.skippedPlatforms, []);
    assert.deepEqual(filesContaining(enc, SECRET), []);

    // And back.
    const dec = join(dir, 'dec');
    const back = await decryptImage({ layout: enc, output: dec, keys: decryptionKeys(kp) });
    const decIndex = nestedIndex(dec).index;
    assert.deepEqual(
      decIndex.manifests.map((d) => d.digest),
      [bk.amd64.manifest.digest, bk.arm64.manifest.digest, bk.attestation.desc.digest],
      'decrypting gives back the original manifests',
    );
    assert.equal(decIndex.manifests[2]!.annotations?.[REF_DIGEST], bk.amd64.manifest.digest);
    assert.equal(back.digest, bk.index.digest, 'and the original index');
    for (const l of [...bk.amd64.layers, ...bk.arm64.layers]) {
      assert.deepEqual(readBlob(dec, l.digest), readBlob(src, l.digest));
    }
  });

  it('--platform linux/arm64 leaves amd64 and its attestation out and says so', async () => {
    const enc = join(dir, 'enc-arm');
    const report = await encryptImage({
      layout: src,
      output: enc,
      recipients: recipients(kp),
      platforms: parsePlatformList('linux/arm64'),
    });
    const { index } = nestedIndex(enc);
    assert.equal(index.manifests.length, 1);
    assert.deepEqual(index.manifests[0]!.platform, { os: 'linux', architecture: 'arm64', variant: 'v8' });
    assert.deepEqual(report.skippedPlatforms, ['linux/amd64']);
    assert.deepEqual(
      report.platforms.map((p) => p.platform),
      ['linux/arm64/v8'],
    );
    assert.deepEqual(report.attestations, []);
    const arm = blobJson<ManifestDoc>(enc, index.manifests[0]!.digest);
    assert.ok(arm.layers.every((l) => l.mediaType.endsWith('+encrypted')));
    // Nothing of the left-out platform is in the output.
    for (const d of [
      bk.amd64.manifest.digest,
      ...bk.amd64.layers.map((l) => l.digest),
      bk.attestation.desc.digest,
    ]) {
      assert.throws(() => readBlob(enc, d), /ENOENT/, `${d} should not be in the output`);
    }
    const seen = await inspectImage({ layout: enc });
    assert.deepEqual(
      seen.platforms.map((p) => p.platform),
      ['linux/arm64/v8'],
    );
    assert.deepEqual(seen.attestations, []);
  });

  it('--platform linux/amd64 with attestations: keep keeps amd64 with its attestation, rewritten', async () => {
    const enc = join(dir, 'enc-amd');
    const report = await encryptImage({
      layout: src,
      output: enc,
      recipients: recipients(kp),
      platforms: parsePlatformList('linux/amd64'),
      attestations: 'keep',
    });
    const { index } = nestedIndex(enc);
    assert.equal(index.manifests.length, 2);
    const [amd, att] = index.manifests as [IndexDoc['manifests'][0], IndexDoc['manifests'][0]];
    assert.equal(amd.platform?.architecture, 'amd64');
    assert.equal(att.annotations?.[REF_DIGEST], amd.digest);
    assert.deepEqual(report.skippedPlatforms, ['linux/arm64/v8']);
  });

  it('a platform that matches nothing is E_PLATFORM, listing what is there, and writes nothing', async () => {
    const out = join(dir, 'enc-s390x');
    await rejectsWith(
      encryptImage({
        layout: src,
        output: out,
        recipients: recipients(kp),
        platforms: parsePlatformList('linux/s390x'),
      }),
      'E_PLATFORM',
      ['linux/s390x', 'linux/amd64', 'linux/arm64/v8'],
    );
    assertNothingWritten(out);
  });

  it('inspect lists both platforms and the attestation', async () => {
    const seen = await inspectImage({ layout: src });
    assert.deepEqual(seen.platforms.map((p) => p.platform).sort(), ['linux/amd64', 'linux/arm64/v8']);
    assert.deepEqual(seen.attestations, [
      { digest: bk.attestation.desc.digest, reference: bk.amd64.manifest.digest },
    ]);
    assert.ok(seen.platforms.every((p) => p.layers.every((l) => !l.encrypted)));
  });
});

describe('docker manifest list', () => {
  const dir = tempDir();
  const src = join(dir, 'src');
  const kp = keyPair('p256');
  const amd = buildImage(src, {
    docker: true,
    platform: { os: 'linux', architecture: 'amd64' },
    layers: [{ files: { a: `amd ${SECRET}` }, compression: 'none' }, { files: { b: 'b' } }],
  });
  const arm = buildImage(src, {
    docker: true,
    platform: { os: 'linux', architecture: 'arm64', variant: 'v8' },
    layers: [{ files: { a: `arm ${SECRET}` }, compression: 'none' }, { files: { b: 'b' } }],
  });
  const list = putIndex(src, [amd.manifest, arm.manifest], MT.dockerList);
  writeIndexJson(src, [{ ...list, annotations: { [REF_NAME]: 'multi' } }]);

  it('becomes an OCI index of OCI manifests with encrypted OCI layers', async () => {
    const enc = join(dir, 'enc');
    const report = await encryptImage({ layout: src, output: enc, recipients: recipients(kp) });
    const top = indexJson(enc).manifests[0]!;
    assert.equal(top.mediaType, MT.index);
    assert.equal(top.annotations?.[REF_NAME], 'multi');
    const index = blobJson<IndexDoc>(enc, top.digest);
    assert.equal(index.mediaType, MT.index);
    assert.equal(report.digest, top.digest);
    assert.deepEqual(
      index.manifests.map((d) => [d.mediaType, d.platform?.architecture]),
      [
        [MT.manifest, 'amd64'],
        [MT.manifest, 'arm64'],
      ],
    );
    for (const d of index.manifests) {
      const m = blobJson<ManifestDoc>(enc, d.digest);
      assert.equal(m.mediaType, MT.manifest);
      assert.equal(m.config.mediaType, MT.config);
      assert.deepEqual(
        m.layers.map((l) => l.mediaType),
        [`${MT.tar}+encrypted`, `${MT.gzip}+encrypted`],
      );
    }
    assert.deepEqual(filesContaining(enc, SECRET), []);

    const dec = join(dir, 'dec');
    await decryptImage({ layout: enc, output: dec, keys: decryptionKeys(kp) });
    for (const l of [...amd.layers, ...arm.layers])
      assert.deepEqual(readBlob(dec, l.digest), readBlob(src, l.digest));
  });

  it('with --platform keeps only the chosen instance', async () => {
    const enc = join(dir, 'enc-arm');
    const report = await encryptImage({
      layout: src,
      output: enc,
      recipients: recipients(kp),
      platforms: parsePlatformList('linux/arm64/v8'),
    });
    const index = blobJson<IndexDoc>(enc, indexJson(enc).manifests[0]!.digest);
    assert.equal(index.mediaType, MT.index);
    assert.deepEqual(
      index.manifests.map((d) => d.platform?.architecture),
      ['arm64'],
    );
    assert.deepEqual(report.skippedPlatforms, ['linux/amd64']);
  });
});

describe('index.json that lists the platform manifests itself (no ref names)', () => {
  const dir = tempDir();
  const src = join(dir, 'src');
  const kp = keyPair('p256');
  const amd = buildImage(src, { layers: [{ files: { a: 'a' } }] });
  const arm = buildImage(src, {
    platform: { os: 'linux', architecture: 'arm64', variant: 'v8' },
    layers: [{ files: { a: 'b' } }],
  });
  writeIndexJson(src, [amd.manifest, arm.manifest]);

  it('encrypts every platform and writes one index for them', async () => {
    const enc = join(dir, 'enc');
    const report = await encryptImage({ layout: src, output: enc, recipients: recipients(kp) });
    const top = indexJson(enc).manifests;
    assert.equal(top.length, 1);
    assert.equal(top[0]!.digest, report.digest);
    const index = blobJson<IndexDoc>(enc, report.digest);
    assert.deepEqual(
      index.manifests.map((d) => d.platform?.architecture),
      ['amd64', 'arm64'],
    );
    for (const d of index.manifests) {
      assert.ok(blobJson<ManifestDoc>(enc, d.digest).layers.every((l) => l.mediaType.endsWith('+encrypted')));
    }
  });
});

describe('a base layer shared by two platforms', () => {
  const dir = tempDir();
  const src = join(dir, 'src');
  const kp = keyPair('p256');
  // Same files, same tar, same gzip bytes: one blob that both manifests list.
  const base = { files: { 'etc/os-release': `ID=shared ${SECRET}` }, compression: 'none' as const };
  const amd = buildImage(src, { layers: [base, { files: { a: 'amd' } }] });
  const arm = buildImage(src, {
    platform: { os: 'linux', architecture: 'arm64', variant: 'v8' },
    layers: [base, { files: { a: 'arm' } }],
  });
  const list = putIndex(src, [amd.manifest, arm.manifest]);
  writeIndexJson(src, [{ ...list, annotations: { [REF_NAME]: 'shared' } }]);

  it('is encrypted once and both manifests point at the same ciphertext', async () => {
    assert.equal(amd.layers[0]!.digest, arm.layers[0]!.digest, 'fixture: the base blob is shared');
    const enc = join(dir, 'enc');
    await encryptImage({ layout: src, output: enc, recipients: recipients(kp) });
    const index = blobJson<IndexDoc>(enc, indexJson(enc).manifests[0]!.digest);
    const [m1, m2] = index.manifests.map((x) => blobJson<ManifestDoc>(enc, x.digest)) as [
      ManifestDoc,
      ManifestDoc,
    ];
    assert.deepEqual(m1.layers[0], m2.layers[0]);
    assert.equal(m1.layers[0]!.mediaType, `${MT.tar}+encrypted`);
    assert.notEqual(m1.layers[1]!.digest, m2.layers[1]!.digest);
    assert.deepEqual(filesContaining(enc, SECRET), []);
    const dec = join(dir, 'dec');
    await decryptImage({ layout: enc, output: dec, keys: decryptionKeys(kp) });
    assert.deepEqual(readBlob(dec, amd.layers[0]!.digest), readBlob(src, amd.layers[0]!.digest));
  });
});
