/**
 * BuildKit attestation manifests (SBOM: every package; provenance: the source repository) cannot be encrypted in
 * ocicrypt, so by default they are left out of the output; `attestations: keep` keeps them, plaintext. Only a
 * manifest whose every layer is an in-toto statement counts as one: an annotation alone never exempts an image.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isOepError } from '../../../src/errors.js';
import { isInTotoMediaType } from '../../../src/oci/attestation.js';
import { attestationNotice, parseAttestationMode } from '../../../src/pipeline/attestations.js';
import { encryptImage } from '../../../src/pipeline/encrypt.js';
import {
  buildImage,
  keyPair,
  putIndex,
  putJsonBlob,
  readBlob,
  tempDir,
  writeIndexJson,
} from '../../helpers/fixtures.js';
import {
  blobJson,
  filesContaining,
  indexJson,
  makeBuildKitLayout,
  MT,
  recipients,
  REF_DIGEST,
  REF_NAME,
  REF_TYPE,
  type IndexDoc,
  type ManifestDoc,
} from './support.js';

const SECRET = 'attestation-secret-9d1e';

function nested(layout: string): IndexDoc {
  return blobJson<IndexDoc>(layout, indexJson(layout).manifests[0]!.digest);
}

describe('attestations: drop (the default)', () => {
  const dir = tempDir();
  const src = join(dir, 'src');
  const kp = keyPair('p256');
  const bk = makeBuildKitLayout(src, { secret: SECRET });

  it('leaves the attestation manifest and its in-toto blob out of the output and counts it', async () => {
    const enc = join(dir, 'enc');
    const report = await encryptImage({ layout: src, output: enc, recipients: recipients(kp) });
    const index = nested(enc);
    assert.equal(index.manifests.length, 2);
    assert.ok(index.manifests.every((d) => d.annotations?.[REF_TYPE] === undefined));
    assert.deepEqual(
      index.manifests.map((d) => d.platform?.architecture),
      ['amd64', 'arm64'],
    );
    for (const d of [bk.attestation.desc.digest, bk.attestation.layer.digest]) {
      assert.throws(() => readBlob(enc, d), /ENOENT/, `${d} should not be in the output`);
    }
    assert.deepEqual(filesContaining(enc, 'in-toto.io/Statement'), [], 'no in-toto statement in the output');
    assert.equal(report.droppedAttestations, 1);
    assert.deepEqual(report.attestations, []);
    assert.deepEqual(filesContaining(enc, SECRET), []);
  });

  it('the notice says how many and how to keep them', () => {
    assert.equal(
      attestationNotice(2, '--attestations keep'),
      'notice: dropped 2 attestation manifest(s) (SBOM/provenance stay plaintext in ocicrypt); pass --attestations keep to keep them',
    );
  });
});

describe('attestations: keep', () => {
  const dir = tempDir();
  const src = join(dir, 'src');
  const kp = keyPair('p256');
  const bk = makeBuildKitLayout(src);

  it('keeps it unencrypted, pointing at the new image digest, and drops nothing', async () => {
    const enc = join(dir, 'enc');
    const report = await encryptImage({
      layout: src,
      output: enc,
      recipients: recipients(kp),
      attestations: 'keep',
    });
    const index = nested(enc);
    assert.equal(index.manifests.length, 3);
    const att = index.manifests[2]!;
    assert.equal(att.digest, bk.attestation.desc.digest);
    assert.equal(att.annotations?.[REF_DIGEST], index.manifests[0]!.digest);
    assert.deepEqual(readBlob(enc, bk.attestation.layer.digest), readBlob(src, bk.attestation.layer.digest));
    assert.equal(report.droppedAttestations, 0);
    assert.equal(report.attestations.length, 1);
  });
});

describe('a manifest annotated as an attestation that holds image layers is an image', () => {
  const dir = tempDir();
  const src = join(dir, 'src');
  const kp = keyPair('p256');
  const real = buildImage(src, {
    platform: { os: 'linux', architecture: 'amd64' },
    layers: [{ files: { 'app/a.txt': 'real image' } }],
  });
  // The dodge: a tar+gzip layer holding a secret, annotated (and placed) as BuildKit places attestations.
  const dodge = buildImage(src, {
    platform: { os: 'unknown', architecture: 'unknown' },
    layers: [{ files: { 'app/secret.txt': `dodge ${SECRET}` } }],
  });
  // A second one whose reference points at no image of the index.
  const orphan = buildImage(src, {
    platform: { os: 'unknown', architecture: 'unknown' },
    layers: [{ files: { 'app/secret.txt': `orphan ${SECRET}` }, compression: 'none' }],
  });
  const mark = (ref: string) => ({ [REF_TYPE]: 'attestation-manifest', [REF_DIGEST]: ref });
  const index = putIndex(src, [
    real.manifest,
    { ...dodge.manifest, annotations: mark(real.manifest.digest) },
    { ...orphan.manifest, annotations: mark(`sha256:${'0'.repeat(64)}`) },
  ]);
  writeIndexJson(src, [{ ...index, annotations: { [REF_NAME]: 'v1' } }]);

  for (const mode of ['drop', 'keep'] as const) {
    it(`gets encrypted (attestations: ${mode}) and loses the attestation mark`, async () => {
      const enc = join(dir, `enc-${mode}`);
      const report = await encryptImage({
        layout: src,
        output: enc,
        recipients: recipients(kp),
        attestations: mode,
      });
      assert.deepEqual(filesContaining(enc, SECRET), [], 'the secret is in a plaintext blob');
      const out = nested(enc);
      assert.equal(out.manifests.length, 3, 'every image is in the output');
      for (const d of out.manifests) {
        assert.equal(
          d.annotations?.[REF_TYPE],
          undefined,
          'an encrypted image is not marked as an attestation',
        );
        const m = blobJson<ManifestDoc>(enc, d.digest);
        assert.ok(
          m.layers.every((l) => l.mediaType.endsWith('+encrypted')),
          JSON.stringify(m.layers),
        );
      }
      assert.equal(report.platforms.length, 3);
      assert.equal(report.droppedAttestations, 0);
      assert.deepEqual(report.attestations, []);
    });
  }
});

describe("the attestation mark on index.json's own entry, or on an index, exempts nothing", () => {
  const dir = tempDir();
  const kp = keyPair('p256');
  const mark = { [REF_TYPE]: 'attestation-manifest' };

  it('a marked image at the root is encrypted (no plaintext written, the mark gone)', async () => {
    const src = join(dir, 'root-image');
    const img = buildImage(src, {
      layers: [{ files: { 'app/s.txt': `root ${SECRET}` }, compression: 'none' }],
    });
    writeIndexJson(src, [{ ...img.manifest, annotations: { ...mark, [REF_NAME]: 'v1' } }]);
    const enc = join(dir, 'enc-root-image');
    const report = await encryptImage({ layout: src, output: enc, recipients: recipients(kp) });
    assert.deepEqual(filesContaining(enc, SECRET), [], 'the secret is in a plaintext blob');
    const entry = indexJson(enc).manifests[0]!;
    assert.equal(entry.annotations?.[REF_TYPE], undefined);
    const m = blobJson<ManifestDoc>(enc, entry.digest);
    assert.ok(
      m.layers.every((l) => l.mediaType.endsWith('+encrypted')),
      JSON.stringify(m.layers),
    );
    assert.equal(report.platforms.length, 1);
  });

  it('a real attestation selected as the root is refused: there is no image to encrypt', async () => {
    const src = join(dir, 'root-att');
    const att = buildImage(src, {
      layers: [
        {
          files: { s: '{"_type":"https://in-toto.io/Statement/v1"}' },
          mediaType: MT.inToto,
          compression: 'none',
        },
      ],
    });
    writeIndexJson(src, [{ ...att.manifest, annotations: { ...mark, [REF_NAME]: 'v1' } }]);
    const out = join(dir, 'enc-root-att');
    await assert.rejects(
      encryptImage({ layout: src, output: out, recipients: recipients(kp) }),
      (e) => isOepError(e, 'E_MANIFEST') && e.message.includes('attestation'),
    );
    assert.throws(() => indexJson(out), /ENOENT/);
  });

  it('an index under the mark is walked and its images encrypted, not dropped', async () => {
    const src = join(dir, 'marked-index');
    const img = buildImage(src, {
      layers: [{ files: { 'app/s.txt': `index ${SECRET}` }, compression: 'none' }],
    });
    const inner = putIndex(src, [img.manifest]);
    const outer = putIndex(src, [{ ...inner, annotations: mark }]);
    writeIndexJson(src, [{ ...outer, annotations: { [REF_NAME]: 'v1' } }]);
    const enc = join(dir, 'enc-marked-index');
    const report = await encryptImage({ layout: src, output: enc, recipients: recipients(kp) });
    assert.deepEqual(filesContaining(enc, SECRET), [], 'the secret is in a plaintext blob');
    assert.equal(report.platforms.length, 1, 'the image under the marked index is in the output');
    const outerDoc = nested(enc);
    assert.equal(outerDoc.manifests.length, 1);
    assert.equal(outerDoc.manifests[0]!.annotations?.[REF_TYPE], undefined);
  });
});

describe('an attestation that lists an image layer cannot ship its plaintext', () => {
  const dir = tempDir();
  const src = join(dir, 'src');
  const kp = keyPair('p256');
  const img = buildImage(src, {
    layers: [{ files: { 'app/s.txt': `twin ${SECRET}` }, compression: 'none' }],
  });
  const layer = img.layers[0]!;
  // An "attestation" whose only layer is the image's layer, relabelled as an in-toto statement.
  const config = putJsonBlob(src, {
    architecture: 'unknown',
    os: 'unknown',
    rootfs: { type: 'layers', diff_ids: [] },
  });
  const att = putJsonBlob(src, {
    schemaVersion: 2,
    mediaType: MT.manifest,
    config: { mediaType: MT.config, ...config },
    layers: [{ mediaType: MT.inToto, digest: layer.digest, size: layer.size }],
  });
  const index = putIndex(src, [
    img.manifest,
    {
      mediaType: MT.manifest,
      ...att,
      annotations: { [REF_TYPE]: 'attestation-manifest', [REF_DIGEST]: img.manifest.digest },
    },
  ]);
  writeIndexJson(src, [{ ...index, annotations: { [REF_NAME]: 'v1' } }]);

  it('attestations: keep refuses the image, naming the blob, and writes nothing', async () => {
    const out = join(dir, 'enc-keep');
    await assert.rejects(
      encryptImage({ layout: src, output: out, recipients: recipients(kp), attestations: 'keep' }),
      (e) => isOepError(e, 'E_MANIFEST') && e.message.includes(layer.digest),
    );
    assert.throws(() => indexJson(out), /ENOENT/);
  });

  it('attestations: drop (the default) encrypts the image and ships no plaintext', async () => {
    const out = join(dir, 'enc-drop');
    await encryptImage({ layout: src, output: out, recipients: recipients(kp) });
    assert.deepEqual(filesContaining(out, SECRET), []);
  });
});

describe('what counts as an in-toto layer', () => {
  it('BuildKit statements and docker/attest DSSE envelopes; nothing else', () => {
    for (const mt of [
      MT.inToto,
      'application/vnd.in-toto.spdx+dsse',
      'application/vnd.in-toto.provenance+dsse',
      'application/vnd.in-toto.vsa+dsse',
    ])
      assert.ok(isInTotoMediaType(mt), mt);
    for (const mt of [
      MT.gzip,
      MT.tar,
      'application/vnd.in-toto+json+encrypted',
      'application/vnd.in-toto.x+dsse+gzip',
      'application/vnd.in-toto.+dsse',
      'application/json',
      '',
    ])
      assert.ok(!isInTotoMediaType(mt), mt);
  });
});

describe('the attestations value', () => {
  it('takes drop or keep, empty for the default drop', () => {
    assert.equal(parseAttestationMode(''), 'drop');
    assert.equal(parseAttestationMode(' keep '), 'keep');
    assert.equal(parseAttestationMode('drop'), 'drop');
  });

  it('anything else is one usage error naming the input and the allowed values', () => {
    for (const bad of ['Keep', 'yes', 'encrypt']) {
      assert.throws(
        () => parseAttestationMode(bad),
        (err: unknown) =>
          isOepError(err) &&
          err.code === 'E_USAGE' &&
          err.message === `attestations: ${JSON.stringify(bad)} is not drop or keep` &&
          /drop.*keep/.test(err.hint ?? ''),
      );
    }
  });
});
