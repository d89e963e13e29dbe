import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { decryptImage } from '../../../src/pipeline/decrypt.js';
import { encryptImage } from '../../../src/pipeline/encrypt.js';
import { parseLayerList, parsePlatformList, resolveLayerIndexes } from '../../../src/pipeline/selection.js';
import { keyPair, makeLayout, readBlob, tempDir } from '../../helpers/fixtures.js';
import {
  assertNothingWritten,
  decryptionKeys,
  filesContaining,
  MT,
  onlyManifest,
  recipients,
  rejectsWith,
} from './support.js';

describe('layer list and platform list parsing', () => {
  it('parses comma-separated indexes, negative from the top; empty means all', () => {
    assert.deepEqual(parseLayerList('0, 2,-1'), [0, 2, -1]);
    assert.equal(parseLayerList(''), undefined);
    assert.equal(parseLayerList('  '), undefined);
    assert.equal(parseLayerList(undefined), undefined);
  });

  for (const bad of ['a', '1.5', '1,,2', '0x1', '--1']) {
    it(`refuses ${JSON.stringify(bad)} with E_LAYER_INDEX`, () => {
      assert.throws(
        () => parseLayerList(bad),
        (e: unknown) => (e as { code?: string }).code === 'E_LAYER_INDEX',
      );
    });
  }

  it('resolves against the layer count and refuses out of range', () => {
    assert.deepEqual([...resolveLayerIndexes(undefined, 3, 'img')], [0, 1, 2]);
    assert.deepEqual([...resolveLayerIndexes([-1, 0, 2], 3, 'img')].sort(), [0, 2]);
    assert.deepEqual([...resolveLayerIndexes([-3], 3, 'img')], [0]);
    for (const bad of [3, -4, 5]) {
      assert.throws(
        () => resolveLayerIndexes([bad], 3, 'the linux/amd64 image'),
        (e: unknown) =>
          (e as { code?: string }).code === 'E_LAYER_INDEX' &&
          (e as Error).message.includes(String(bad)) &&
          (e as Error).message.includes('the linux/amd64 image'),
      );
    }
  });

  it('parses platforms, with commas or newlines', () => {
    assert.deepEqual(parsePlatformList('linux/amd64,\nlinux/arm64/v8'), [
      { os: 'linux', architecture: 'amd64' },
      { os: 'linux', architecture: 'arm64', variant: 'v8' },
    ]);
    for (const bad of ['linux', 'linux/amd64/v8/x', 'linux/amd 64', 'linux/amd64,arm64']) {
      assert.throws(
        () => parsePlatformList(bad),
        (e: unknown) => (e as { code?: string }).code === 'E_PLATFORM',
      );
    }
  });
});

describe('--encrypt-layers on a 3-layer image', () => {
  const dir = tempDir();
  const src = join(dir, 'src');
  const alice = keyPair('p256');
  const bob = keyPair('p384');
  const img = makeLayout(src, {
    layers: [
      { files: { 'base.txt': 'BASE-MARKER-1' }, compression: 'none' },
      { files: { 'mid.txt': 'MID-MARKER-2' }, compression: 'none' },
      { files: { 'top.txt': 'TOP-MARKER-3' }, compression: 'none' },
    ],
  });
  const markers = ['BASE-MARKER-1', 'MID-MARKER-2', 'TOP-MARKER-3'];

  const selections: [string, number[], boolean[]][] = [
    ['[0] encrypts only the base layer', [0], [true, false, false]],
    ['[-1] encrypts only the top layer', [-1], [false, false, true]],
    ['[1,-1] encrypts the two upper layers', [1, -1], [false, true, true]],
    ['[0,-3] names one layer twice', [0, -3], [true, false, false]],
  ];
  for (const [name, list, expected] of selections) {
    it(name, async () => {
      const out = join(dir, `enc-${list.join('_')}`);
      const report = await encryptImage({
        layout: src,
        output: out,
        recipients: recipients(alice),
        encryptLayers: list,
      });
      const { doc } = onlyManifest(out);
      doc.layers.forEach((l, i) => {
        assert.equal(l.mediaType, expected[i] ? `${MT.tar}+encrypted` : MT.tar, `layer ${i}`);
        assert.equal(l.digest === img.layers[i]!.digest, !expected[i], `layer ${i} digest`);
        assert.equal(
          filesContaining(out, markers[i]!).length > 0,
          !expected[i],
          `layer ${i} plaintext in output`,
        );
      });
      assert.deepEqual(
        report.platforms[0]!.layers.map((l) => l.action),
        expected.map((e) => (e ? 'encrypted' : 'kept')),
      );
    });
  }

  for (const bad of [[5], [-4], [3], [0, 7]]) {
    it(`${JSON.stringify(bad)} is E_LAYER_INDEX and writes nothing`, async () => {
      const out = join(dir, `bad-${bad.join('_')}`);
      await rejectsWith(
        encryptImage({ layout: src, output: out, recipients: recipients(alice), encryptLayers: bad }),
        'E_LAYER_INDEX',
        [String(bad[bad.length - 1]), '3 layers'],
      );
      assertNothingWritten(out);
    });
  }

  it('an already encrypted layout encrypted again for another recipient: encrypted layers pass through', async () => {
    const first = join(dir, 'first');
    await encryptImage({ layout: src, output: first, recipients: recipients(alice), encryptLayers: [0, 1] });
    const once = onlyManifest(first);

    const second = join(dir, 'second');
    const report = await encryptImage({ layout: first, output: second, recipients: recipients(bob) });
    const twice = onlyManifest(second);
    // Layers 0 and 1 were already encrypted: same descriptor, same bytes, still only alice's key.
    for (const i of [0, 1]) {
      assert.deepEqual(twice.doc.layers[i], once.doc.layers[i], `layer ${i} descriptor unchanged`);
      assert.deepEqual(
        readBlob(second, twice.doc.layers[i]!.digest),
        readBlob(first, once.doc.layers[i]!.digest),
      );
    }
    assert.equal(twice.doc.layers[2]!.mediaType, `${MT.tar}+encrypted`);
    assert.notEqual(twice.doc.layers[2]!.digest, img.layers[2]!.digest);
    assert.deepEqual(
      report.platforms[0]!.layers.map((l) => l.action),
      ['already-encrypted', 'already-encrypted', 'encrypted'],
    );
    assert.deepEqual(filesContaining(second, 'TOP-MARKER-3'), []);

    // alice opens layers 0-1 but not 2; bob the reverse; both together open everything.
    await rejectsWith(
      decryptImage({ layout: second, output: join(dir, 'dec-alice'), keys: decryptionKeys(alice) }),
      'E_DECRYPT',
    );
    assertNothingWritten(join(dir, 'dec-alice'));
    await rejectsWith(
      decryptImage({ layout: second, output: join(dir, 'dec-bob'), keys: decryptionKeys(bob) }),
      'E_DECRYPT',
    );
    const both = join(dir, 'dec-both');
    await decryptImage({
      layout: second,
      output: both,
      keys: [...decryptionKeys(alice), ...decryptionKeys(bob)],
    });
    assert.deepEqual(
      onlyManifest(both).doc.layers.map((l) => l.digest),
      img.layers.map((l) => l.digest),
    );
  });

  it('re-encrypting a fully encrypted layout changes nothing and the original key still decrypts', async () => {
    const first = join(dir, 'all-alice');
    const r1 = await encryptImage({ layout: src, output: first, recipients: recipients(alice) });
    const again = join(dir, 'all-alice-then-bob');
    const r2 = await encryptImage({ layout: first, output: again, recipients: recipients(bob) });
    assert.equal(r2.digest, r1.digest, 'nothing to encrypt: the manifest keeps its digest');
    assert.deepEqual(
      onlyManifest(again).doc.layers.map((l) => l.digest),
      onlyManifest(first).doc.layers.map((l) => l.digest),
    );
    const dec = join(dir, 'all-dec');
    await decryptImage({ layout: again, output: dec, keys: decryptionKeys(alice) });
    for (const l of img.layers) assert.deepEqual(readBlob(dec, l.digest), readBlob(src, l.digest));
  });
});
