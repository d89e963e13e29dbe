/**
 * "Is it really encrypted?" answered at the registry's disk: after a push, a marker string held in an
 * UNCOMPRESSED layer (so its bytes would be visible as they are if that layer went up in the clear) is in no
 * file under the registry's storage root — blobs, upload leftovers, links, everything. A second uncompressed
 * layer left plaintext on purpose (--encrypt-layers) carries a control marker that must be found, which proves
 * the walk reads the stored blob bytes.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { sha256 } from '../../helpers/fixtures.js';
import { needRegistry, useRegistry } from '../../helpers/registry/registry.js';
import { cli, cliTransport, endpoint, printedDigest, sourceImage, tagState, walkFiles } from './support.js';

test('a marker in an encrypted uncompressed layer is in no file of the registry storage', async (t) => {
  if (!needRegistry(t, 'plain')) return;
  const reg = await useRegistry(t, { mode: 'plain' });
  const secret = `oep-secret-marker-${randomBytes(8).toString('hex')}`;
  const control = `oep-control-marker-${randomBytes(8).toString('hex')}`;
  const src = sourceImage({
    layers: [
      { compression: 'none', files: { 'etc/control.txt': `${control}\n` } },
      {
        compression: 'none',
        // Over several AES blocks and more than one tar record, with the marker repeated throughout.
        files: { 'etc/secret.txt': `${secret}\n`.repeat(500), 'opt/noise.bin': randomBytes(20_000) },
      },
    ],
  });
  const r = await cli([
    'encrypt',
    '--layout',
    src.layout,
    '--image',
    `${reg.host}/vault:v1`,
    '--recipient',
    `jwe:${src.pub}`,
    '--encrypt-layers',
    '1',
    ...cliTransport(endpoint(reg)),
  ]);
  const digest = printedDigest(r);
  assert.equal((await tagState(reg, 'vault', 'v1')).digest, digest);

  const files = walkFiles(reg.storageDir);
  const holding = (needle: string) => files.filter((f) => readFileSync(f).includes(needle));
  assert.deepEqual(holding(secret), [], 'the plaintext of the encrypted layer reached the registry');
  assert.equal(holding(control).length, 1, 'the walk should find the plaintext control layer (sanity check)');
  // And the ciphertext itself is there, as a file whose bytes hash to the encrypted layer's digest.
  const manifest = JSON.parse((await tagState(reg, 'vault', 'v1')).bytes!.toString('utf8')) as {
    layers: { mediaType: string; digest: string }[];
  };
  const enc = manifest.layers[1]!;
  assert.equal(enc.mediaType, 'application/vnd.oci.image.layer.v1.tar+encrypted');
  assert.equal(manifest.layers[0]!.mediaType, 'application/vnd.oci.image.layer.v1.tar');
  assert.ok(
    files.some((f) => f.endsWith('/data') && sha256(readFileSync(f)) === enc.digest),
    'the encrypted blob is not in the storage walked',
  );
});
