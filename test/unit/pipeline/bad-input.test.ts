import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { decryptImage } from '../../../src/pipeline/decrypt.js';
import { encryptImage } from '../../../src/pipeline/encrypt.js';
import { inspectImage } from '../../../src/pipeline/inspect.js';
import { parseDecryptionKeys, parseRecipients } from '../../../src/pipeline/keys.js';
import {
  buildImage,
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
  decryptionKeys,
  indexJson,
  onlyManifest,
  recipients,
  REF_NAME,
  rejectsWith,
  type ManifestDoc,
} from './support.js';

function blobFile(layout: string, digest: string): string {
  return join(layout, 'blobs', 'sha256', digest.slice(7));
}

/** Rewrite the only manifest of a layout (a new blob, index.json pointing at it). */
function editManifest(layout: string, edit: (m: ManifestDoc) => void): void {
  const idx = indexJson(layout);
  const entry = idx.manifests[0]!;
  const doc = JSON.parse(readBlob(layout, entry.digest).toString('utf8')) as ManifestDoc;
  edit(doc);
  const written = putJsonBlob(layout, doc);
  writeIndexJson(layout, [{ ...entry, ...written }]);
}

/** Replace a blob's bytes, keeping its file name (so its digest no longer matches). */
function flipByte(layout: string, digest: string, at = 10): void {
  const p = blobFile(layout, digest);
  const b = readFileSync(p);
  b[at] = b[at]! ^ 0x01;
  writeFileSync(p, b);
}

describe('bad input: one clear error, nothing written', () => {
  const dir = tempDir();
  const kp = keyPair('p256');
  const good = join(dir, 'good');
  const img = makeLayout(good, {
    layers: [
      { files: { a: randomBytes(200_000) }, compression: 'none' },
      { files: { b: randomBytes(300_000) }, compression: 'none' },
      { files: { c: 'small' } },
      { files: { d: randomBytes(250_000) }, compression: 'none' },
    ],
  });
  let n = 0;
  /** A fresh copy of the good layout to damage, and an output path next to it. */
  function copy(): { layout: string; out: string } {
    n += 1;
    const layout = join(dir, `case-${n}`);
    cpSync(good, layout, { recursive: true });
    return { layout, out: join(dir, `out-${n}`) };
  }
  const enc = (layout: string, out: string) =>
    encryptImage({ layout, output: out, recipients: recipients(kp) });

  it('missing layout path', async () => {
    const layout = join(dir, 'nope');
    const out = join(dir, 'out-nope');
    await rejectsWith(enc(layout, out), 'E_LAYOUT', [layout, 'does not exist']);
    assertNothingWritten(out);
  });

  it('a folder without oci-layout', async () => {
    const { layout, out } = copy();
    rmSync(join(layout, 'oci-layout'));
    await rejectsWith(enc(layout, out), 'E_LAYOUT', [layout, 'oci-layout']);
    assertNothingWritten(out);
  });

  for (const [what, text] of [
    ['not JSON', 'imageLayoutVersion=1.0.0'],
    ['an unknown version', '{"imageLayoutVersion":"2.0.0"}'],
    ['a JSON array', '[]'],
  ] as const) {
    it(`an oci-layout file that is ${what}`, async () => {
      const { layout, out } = copy();
      writeFileSync(join(layout, 'oci-layout'), text);
      await rejectsWith(enc(layout, out), 'E_LAYOUT', [layout, 'oci-layout']);
      assertNothingWritten(out);
    });
  }

  it('no index.json', async () => {
    const { layout, out } = copy();
    rmSync(join(layout, 'index.json'));
    await rejectsWith(enc(layout, out), 'E_LAYOUT', [layout, 'index.json']);
    assertNothingWritten(out);
  });

  const manifestAsIndex = {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: img.manifest.digest, size: 2 },
    layers: [],
  };
  for (const [what, text, code, mention] of [
    ['not JSON', '{"schemaVersion": 2, "manifests": [', 'E_MANIFEST', 'not valid JSON'],
    [
      'of schemaVersion 1',
      JSON.stringify({ schemaVersion: 1, manifests: [] }),
      'E_MANIFEST',
      'schemaVersion',
    ],
    ['without schemaVersion', JSON.stringify({ manifests: [] }), 'E_MANIFEST', 'schemaVersion'],
    ['a manifest, not an index', JSON.stringify(manifestAsIndex), 'E_LAYOUT', 'not an image index'],
    ['an index listing nothing', JSON.stringify({ schemaVersion: 2, manifests: [] }), 'E_LAYOUT', 'no image'],
    [
      'an index whose entry has a bad digest',
      JSON.stringify({
        schemaVersion: 2,
        manifests: [
          { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: 'sha256:../../x', size: 1 },
        ],
      }),
      'E_MANIFEST',
      'invalid digest',
    ],
  ] as const) {
    it(`an index.json that is ${what}`, async () => {
      const { layout, out } = copy();
      writeFileSync(join(layout, 'index.json'), text);
      const err = await rejectsWith(enc(layout, out), code, [layout, mention]);
      assert.match(err.describe(), /index\.json/);
      assertNothingWritten(out);
    });
  }

  for (const [what, digest] of [
    ['a layer', () => img.layers[1]!.digest],
    ['the config', () => onlyManifest(good).doc.config.digest],
    ['the manifest', () => img.manifest.digest],
  ] as const) {
    it(`missing blob: ${what}`, async () => {
      const { layout, out } = copy();
      rmSync(blobFile(layout, digest()));
      await rejectsWith(enc(layout, out), 'E_BLOB_MISSING', [layout, digest()]);
      assertNothingWritten(out);
    });
  }

  it('digest mismatch: a layer blob with one byte changed (the other layers are in flight)', async () => {
    const { layout, out } = copy();
    flipByte(layout, img.layers[1]!.digest, 150_000);
    await rejectsWith(enc(layout, out), 'E_DIGEST', [layout, img.layers[1]!.digest]);
    assertNothingWritten(out);
  });

  it('digest mismatch: the config', async () => {
    const { layout, out } = copy();
    const cfg = onlyManifest(layout).doc.config.digest;
    flipByte(layout, cfg, 5);
    await rejectsWith(enc(layout, out), 'E_DIGEST', [layout, cfg]);
    assertNothingWritten(out);
  });

  it('digest mismatch: the manifest', async () => {
    const { layout, out } = copy();
    const p = blobFile(layout, img.manifest.digest);
    writeFileSync(p, readFileSync(p).toString('utf8').replace('"schemaVersion":2', '"schemaVersion":2 '));
    const idx = indexJson(layout);
    idx.manifests[0]!.size += 1;
    writeFileSync(join(layout, 'index.json'), JSON.stringify(idx));
    await rejectsWith(enc(layout, out), 'E_DIGEST', [layout, img.manifest.digest]);
    assertNothingWritten(out);
  });

  for (const delta of [-1, 1]) {
    it(`size mismatch: a layer descriptor's size ${delta < 0 ? 'smaller' : 'larger'} than the blob`, async () => {
      const { layout, out } = copy();
      editManifest(layout, (m) => {
        m.layers[3]!.size += delta;
      });
      await rejectsWith(enc(layout, out), 'E_DIGEST', [layout, img.layers[3]!.digest, 'descriptor']);
      assertNothingWritten(out);
    });
  }

  it('a blob that is a symlink inside a layout folder', async () => {
    const { layout, out } = copy();
    const target = join(dir, 'outside');
    writeFileSync(target, readBlob(layout, img.layers[2]!.digest));
    rmSync(blobFile(layout, img.layers[2]!.digest));
    const { symlinkSync } = await import('node:fs');
    symlinkSync(target, blobFile(layout, img.layers[2]!.digest));
    await rejectsWith(enc(layout, out), 'E_LAYOUT', [layout, img.layers[2]!.digest]);
    assertNothingWritten(out);
  });

  describe('ref names', () => {
    const multi = join(dir, 'multi');
    mkdirSync(multi);
    const one = buildImage(multi, { layers: [{ files: { a: 'one' } }] });
    const two = buildImage(multi, { layers: [{ files: { a: 'two' } }] });
    const { platform: _p1, ...d1 } = one.manifest;
    const { platform: _p2, ...d2 } = two.manifest;
    writeIndexJson(multi, [
      { ...d1, annotations: { [REF_NAME]: 'one' } },
      { ...d2, annotations: { [REF_NAME]: 'two' } },
    ]);

    it('two ref names and none given: E_REF_NAME listing both', async () => {
      const out = join(dir, 'out-ambiguous');
      await rejectsWith(enc(multi, out), 'E_REF_NAME', [multi, '--ref-name', 'one', 'two']);
      assertNothingWritten(out);
    });

    it('an unknown ref name: E_REF_NAME naming it and listing the candidates', async () => {
      const out = join(dir, 'out-unknown');
      await rejectsWith(
        encryptImage({ layout: multi, refName: 'three', output: out, recipients: recipients(kp) }),
        'E_REF_NAME',
        [multi, '"three"', 'one', 'two'],
      );
      assertNothingWritten(out);
      await rejectsWith(inspectImage({ layout: multi, refName: 'three' }), 'E_REF_NAME', ['one, two']);
    });

    it('a known ref name picks that image', async () => {
      const out = join(dir, 'out-two');
      const r = await encryptImage({
        layout: multi,
        refName: 'two',
        output: out,
        recipients: recipients(kp),
      });
      assert.equal(r.refName, 'two');
      const entries = indexJson(out).manifests;
      assert.equal(entries.length, 1);
      assert.equal(entries[0]!.annotations?.[REF_NAME], 'two');
      const doc = JSON.parse(readBlob(out, entries[0]!.digest).toString('utf8')) as ManifestDoc;
      assert.equal(
        doc.config.digest,
        (JSON.parse(readBlob(multi, two.manifest.digest).toString('utf8')) as ManifestDoc).config.digest,
      );
    });
  });

  describe('keys', () => {
    it('no recipient: E_NO_RECIPIENT', async () => {
      const out = join(dir, 'out-norecipient');
      await rejectsWith(encryptImage({ layout: good, output: out, recipients: [] }), 'E_NO_RECIPIENT');
      assertNothingWritten(out);
    });

    it('a private key given as recipient: E_KEY naming the file', () => {
      assert.throws(
        () => parseRecipients(kp.privatePem, 'keys/alice.key.pem'),
        (e: unknown) =>
          (e as { code?: string }).code === 'E_KEY' &&
          /keys\/alice\.key\.pem is a private key/.test((e as Error).message),
      );
    });

    for (const kind of ['ed25519', 'x25519', 'secp256k1'] as const) {
      it(`an unsupported ${kind} key: E_KEY naming the file`, () => {
        assert.throws(
          () => parseRecipients(keyPair(kind).publicPem, `keys/${kind}.pem`),
          (e: unknown) =>
            (e as { code?: string }).code === 'E_KEY' && (e as Error).message.includes(`keys/${kind}.pem`),
        );
      });
    }

    it('a 1024-bit RSA key: E_KEY', () => {
      assert.throws(
        () => parseRecipients(keyPair('rsa1024').publicPem, 'weak.pem'),
        (e: unknown) => (e as { code?: string }).code === 'E_KEY' && /1024-bit/.test((e as Error).message),
      );
    });

    it('a public key given for decryption: E_KEY', () => {
      assert.throws(
        () => parseDecryptionKeys(Buffer.from(kp.publicPem), 'pub.pem'),
        (e: unknown) =>
          (e as { code?: string }).code === 'E_KEY' &&
          /pub\.pem holds no private key/.test((e as Error).message),
      );
    });
  });

  describe('decrypting', () => {
    const encrypted = join(dir, 'encrypted');
    const ready = enc(good, encrypted);

    it('with the wrong key: E_DECRYPT, nothing written', async () => {
      await ready;
      const out = join(dir, 'out-wrongkey');
      await rejectsWith(
        decryptImage({ layout: encrypted, output: out, keys: decryptionKeys(keyPair('p256')) }),
        'E_DECRYPT',
        ['none of the given keys'],
      );
      assertNothingWritten(out);
    });

    it('a flipped ciphertext byte (nothing else changed): E_DIGEST', async () => {
      await ready;
      const { layout, out } = copyOf(encrypted);
      const layer = onlyManifest(layout).doc.layers[1]!;
      flipByte(layout, layer.digest, 1000);
      await rejectsWith(decryptImage({ layout, output: out, keys: decryptionKeys(kp) }), 'E_DIGEST', [
        layout,
        layer.digest,
      ]);
      assertNothingWritten(out);
    });

    for (const at of ['start', 'middle', 'last byte'] as const) {
      it(`a flipped ciphertext byte at the ${at} with digest and size fixed up: E_INTEGRITY (HMAC)`, async () => {
        await ready;
        const { layout, out } = copyOf(encrypted);
        const layer = onlyManifest(layout).doc.layers[1]!;
        const bytes = readBlob(layout, layer.digest);
        const pos = at === 'start' ? 0 : at === 'middle' ? bytes.length >> 1 : bytes.length - 1;
        bytes[pos] = bytes[pos]! ^ 0x80;
        const tampered = { digest: sha256(bytes), size: bytes.length };
        writeFileSync(blobFile(layout, tampered.digest), bytes);
        editManifest(layout, (m) => {
          m.layers[1] = { ...m.layers[1]!, ...tampered };
        });
        await rejectsWith(decryptImage({ layout, output: out, keys: decryptionKeys(kp) }), 'E_INTEGRITY', [
          'HMAC',
        ]);
        assertNothingWritten(out);
      });
    }

    it('a truncated ciphertext with digest and size fixed up: E_INTEGRITY', async () => {
      await ready;
      const { layout, out } = copyOf(encrypted);
      const layer = onlyManifest(layout).doc.layers[0]!;
      const bytes = readBlob(layout, layer.digest).subarray(0, layer.size - 100);
      const cut = { digest: sha256(bytes), size: bytes.length };
      writeFileSync(blobFile(layout, cut.digest), bytes);
      editManifest(layout, (m) => {
        m.layers[0] = { ...m.layers[0]!, ...cut };
      });
      await rejectsWith(decryptImage({ layout, output: out, keys: decryptionKeys(kp) }), 'E_INTEGRITY');
      assertNothingWritten(out);
    });

    function copyOf(src: string): { layout: string; out: string } {
      n += 1;
      const layout = join(dir, `enc-case-${n}`);
      cpSync(src, layout, { recursive: true });
      return { layout, out: join(dir, `out-${n}`) };
    }
  });

  describe('output', () => {
    it('an existing non-empty folder: E_OUTPUT, left as it was', async () => {
      const out = join(dir, 'taken');
      mkdirSync(out);
      writeFileSync(join(out, 'keep.txt'), 'mine');
      await rejectsWith(enc(good, out), 'E_OUTPUT', [out]);
      assert.deepEqual(readdirSync(out), ['keep.txt']);
      assert.equal(readFileSync(join(out, 'keep.txt'), 'utf8'), 'mine');
      assert.deepEqual(
        readdirSync(dir).filter((f) => f.startsWith('.taken.oep-')),
        [],
      );
    });

    it('an existing file: E_OUTPUT, left as it was', async () => {
      const out = join(dir, 'taken-file');
      writeFileSync(out, 'mine');
      await rejectsWith(enc(good, out), 'E_OUTPUT', [out]);
      assert.equal(readFileSync(out, 'utf8'), 'mine');
    });

    it('the same output twice: the second run is E_OUTPUT', async () => {
      const out = join(dir, 'twice');
      await enc(good, out);
      const before = readFileSync(join(out, 'index.json'));
      await rejectsWith(enc(good, out), 'E_OUTPUT', [out]);
      assert.deepEqual(readFileSync(join(out, 'index.json')), before);
    });

    it('an existing empty folder is used', async () => {
      const out = join(dir, 'empty');
      mkdirSync(out);
      const r = await enc(good, out);
      assert.equal(indexJson(out).manifests[0]!.digest, r.digest);
    });

    it('decrypt refuses an existing non-empty output too', async () => {
      const out = join(dir, 'taken-dec');
      mkdirSync(out);
      writeFileSync(join(out, 'x'), 'x');
      await rejectsWith(decryptImage({ layout: good, output: out, keys: decryptionKeys(kp) }), 'E_OUTPUT', [
        out,
      ]);
      assert.deepEqual(readdirSync(out), ['x']);
    });
  });
});
