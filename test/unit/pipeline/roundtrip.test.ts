import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { decryptImage } from '../../../src/pipeline/decrypt.js';
import { encryptImage } from '../../../src/pipeline/encrypt.js';
import { inspectImage } from '../../../src/pipeline/inspect.js';
import { keyPair, makeLayout, readBlob, tempDir } from '../../helpers/fixtures.js';
import {
  allBlobs,
  decryptionKeys,
  ENC_KEYS_JWE,
  ENC_PUBOPTS,
  filesContaining,
  indexJson,
  MT,
  onlyManifest,
  recipients,
  REF_NAME,
} from './support.js';

const SECRET = 'TOP-SECRET-7f3a9c-do-not-leak';

describe('encrypt then decrypt', () => {
  const dir = tempDir();
  const src = join(dir, 'src');
  const enc = join(dir, 'enc');
  const dec = join(dir, 'dec');
  const alice = keyPair('p256');
  const bob = keyPair('rsa2048');
  const img = makeLayout(
    src,
    {
      layers: [
        { files: { 'etc/os-release': 'ID=fixture\n' }, annotations: { 'my.note': 'base layer' } },
        { files: { 'app/secret.txt': `password=${SECRET}\n` }, compression: 'none' },
        { files: { 'app/run.sh': '#!/bin/sh\necho hi\n' } },
      ],
      manifestAnnotations: { 'org.example.m': 'kept' },
    },
    'app:1.0',
  );
  const source = onlyManifest(src);

  it('the fixture really holds the secret in clear (so the leak check below can fail)', () => {
    assert.ok(filesContaining(src, SECRET).length > 0);
  });

  it('encrypts every layer for all recipients', async () => {
    const report = await encryptImage({
      layout: src,
      output: enc,
      recipients: [...recipients(alice, 'alice.pem'), ...recipients(bob, 'bob.pem')],
    });
    const { desc, doc } = onlyManifest(enc);
    assert.equal(report.digest, desc.digest);
    assert.equal(report.refName, 'app:1.0');
    assert.equal(desc.annotations?.[REF_NAME], 'app:1.0', 'the ref name stays on the index.json entry');
    assert.equal(desc.mediaType, MT.manifest);
    assert.equal(doc.mediaType, MT.manifest);
    assert.deepEqual(
      doc.layers.map((l) => l.mediaType),
      [`${MT.gzip}+encrypted`, `${MT.tar}+encrypted`, `${MT.gzip}+encrypted`],
    );
    for (const [i, l] of doc.layers.entries()) {
      const blob = readBlob(enc, l.digest);
      assert.notEqual(l.digest, img.layers[i]!.digest, `layer ${i} digest must change`);
      assert.equal(l.size, blob.length, `layer ${i} size is the ciphertext's`);
      assert.equal(l.size, img.layers[i]!.size, 'CTR keeps the size');
      assert.ok(l.annotations?.[ENC_KEYS_JWE], `layer ${i} carries the wrapped key`);
      assert.ok(l.annotations?.[ENC_PUBOPTS], `layer ${i} carries the public options`);
      const pub = JSON.parse(Buffer.from(l.annotations[ENC_PUBOPTS], 'base64').toString('utf8')) as {
        cipher: string;
      };
      assert.equal(pub.cipher, 'AES_256_CTR_HMAC_SHA256');
    }
    assert.equal(doc.layers[0]!.annotations?.['my.note'], 'base layer', 'unrelated layer annotation kept');
    assert.equal(doc.annotations?.['org.example.m'], 'kept', 'manifest annotation kept');
    assert.deepEqual(doc.config, source.doc.config, 'the config descriptor is unchanged');
    assert.deepEqual(readBlob(enc, doc.config.digest), readBlob(src, source.doc.config.digest));
    const layerReport = report.platforms[0]!.layers;
    assert.deepEqual(
      layerReport.map((l) => [l.action, l.sourceDigest, l.digest]),
      doc.layers.map((l, i) => ['encrypted', img.layers[i]!.digest, l.digest]),
    );
    assert.deepEqual(layerReport[0]!.recipients?.[0]?.recipients.map((r) => r.alg).sort(), [
      'ECDH-ES+A256KW',
      'RSA-OAEP',
    ]);
  });

  it('leaves the secret in no blob of the encrypted layout and no plaintext layer behind', () => {
    assert.deepEqual(filesContaining(enc, SECRET), []);
    const names = new Set(allBlobs(enc).map((b) => `sha256:${b.name.slice(7)}`));
    for (const l of img.layers) assert.equal(names.has(l.digest), false, `plaintext ${l.digest} was copied`);
  });

  it('inspect sees every layer encrypted for both recipients', async () => {
    const r = await inspectImage({ layout: enc });
    assert.equal(r.refName, 'app:1.0');
    assert.equal(r.platforms.length, 1);
    assert.equal(r.platforms[0]!.platform, 'linux/amd64');
    for (const l of r.platforms[0]!.layers) {
      assert.equal(l.encrypted, true);
      assert.equal(l.recipients?.[0]?.scheme, 'jwe');
      assert.equal(l.recipients?.[0]?.recipients.length, 2);
    }
  });

  for (const [who, kp] of [
    ['alice (EC P-256)', alice],
    ['bob (RSA)', bob],
  ] as const) {
    it(`decrypts back to byte-identical layers with ${who}'s key`, async () => {
      const out = join(dir, `dec-${who.split(' ')[0]}`);
      const report = await decryptImage({ layout: enc, output: out, keys: decryptionKeys(kp) });
      const { desc, doc } = onlyManifest(out);
      assert.equal(desc.annotations?.[REF_NAME], 'app:1.0');
      assert.equal(report.digest, desc.digest);
      assert.deepEqual(
        doc.layers.map((l) => [l.mediaType, l.digest, l.size]),
        img.layers.map((l) => [l.mediaType, l.digest, l.size]),
      );
      for (const l of img.layers) assert.deepEqual(readBlob(out, l.digest), readBlob(src, l.digest));
      for (const l of doc.layers) {
        assert.equal(
          Object.keys(l.annotations ?? {}).some((k) => k.startsWith('org.opencontainers.image.enc')),
          false,
          'encryption annotations are removed on decrypt',
        );
      }
      assert.equal(doc.layers[0]!.annotations?.['my.note'], 'base layer');
      assert.equal(doc.annotations?.['org.example.m'], 'kept');
      assert.deepEqual(doc.config, source.doc.config);
      assert.deepEqual(readBlob(out, doc.config.digest), readBlob(src, source.doc.config.digest));
      // The whole manifest comes back as it was (layer descriptors, config, annotations).
      assert.deepEqual(doc, source.doc);
      assert.deepEqual(
        report.platforms[0]!.layers.map((l) => l.action),
        ['decrypted', 'decrypted', 'decrypted'],
      );
    });
  }

  it('decrypting a plain layout copies it unchanged', async () => {
    const report = await decryptImage({ layout: src, output: dec, keys: decryptionKeys(alice) });
    assert.equal(report.digest, img.manifest.digest);
    assert.deepEqual(indexJson(dec).manifests[0]!.digest, img.manifest.digest);
    assert.deepEqual(
      readFileSync(join(dec, 'blobs', 'sha256', img.manifest.digest.slice(7))),
      readBlob(src, img.manifest.digest),
    );
    assert.deepEqual(
      report.platforms[0]!.layers.map((l) => l.action),
      ['kept', 'kept', 'kept'],
    );
  });
});
