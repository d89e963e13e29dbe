/**
 * Layers large enough for the CLI's lanes (worker threads; host/layer-pipeline.ts), the path every real image
 * takes: a 9 MiB layer (spread over lanes: it wraps the ring of slots twice) and a 5 MiB one (kept on one lane
 * while the first runs). What ours encrypts that way skopeo opens to the source's bytes, and what skopeo
 * encrypts ours decrypts to them.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { test } from 'node:test';
import { keyPair, makeLayout, tempDir, writeKeyPair } from '../helpers/fixtures.js';
import { needPeer } from '../helpers/peers.js';
import {
  assertEncrypted,
  assertSameLayers,
  oursDecrypt,
  oursEncrypt,
  skopeoDecrypt,
  skopeoEncrypt,
} from './interop.js';

const MiB = 1024 * 1024;

function largeImage(layout: string): void {
  makeLayout(layout, {
    layers: [9 * MiB + 12345, 5 * MiB + 7].map((size, i) => ({
      compression: 'none' as const,
      files: { [`opt/large-${i}.bin`]: randomBytes(size) },
    })),
  });
}

test('ours → skopeo, layers of 9 and 5 MiB (through the lanes): skopeo decrypts them to the source', (t) => {
  if (!needPeer(t, 'skopeo')) return;
  const dir = tempDir('oep-interop-');
  const src = join(dir, 'src');
  const enc = join(dir, 'enc');
  largeImage(src);
  const { pub, priv } = writeKeyPair(dir, 'me', keyPair('rsa2048'));
  oursEncrypt(src, enc, [pub]);
  assertEncrypted(enc, src);
  const out = join(dir, 'out');
  skopeoDecrypt(enc, out, priv);
  assertSameLayers(out, src);
});

test('skopeo → ours, layers of 9 and 5 MiB (through the lanes): ours decrypts them to the source', (t) => {
  if (!needPeer(t, 'skopeo')) return;
  const dir = tempDir('oep-interop-');
  const src = join(dir, 'src');
  const enc = join(dir, 'enc');
  largeImage(src);
  const { pub, priv } = writeKeyPair(dir, 'me', keyPair('rsa2048'));
  skopeoEncrypt(src, enc, [pub]);
  const out = join(dir, 'out');
  oursDecrypt(enc, out, [priv]);
  // skopeo gzips an uncompressed layer before it encrypts it: what ours decrypts is that gzip.
  assertSameLayers(out, src, { gzipped: true });
});
