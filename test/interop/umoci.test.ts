/**
 * A layout another tool wrote: umoci (its manifests have no mediaType field, its layers are its own gzip). We
 * encrypt it, skopeo decrypts it to umoci's exact layers, and umoci unpacks the result with the secret inside.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { keyPair, tempDir, writeKeyPair } from '../helpers/fixtures.js';
import { needPeer, run } from '../helpers/peers.js';
import {
  assertEncrypted,
  assertSameLayers,
  jweItems,
  oursDecrypt,
  oursEncrypt,
  readManifest,
  skopeoDecrypt,
} from './interop.js';

const SECRET = 'umoci-layer-secret: 42 is the answer';

function umoci(args: string[]): void {
  const r = run('umoci', args);
  assert.equal(r.status, 0, `umoci ${args.join(' ')} failed (${r.status}):\n${r.stderr}`);
}

/** umoci unpacks as root with real ownership, otherwise only --rootless. */
const ROOTLESS = process.getuid?.() === 0 ? [] : ['--rootless'];

/** init, new, then a layer from unpack + repack holding the secret and a second layer from insert. */
function umociImage(dir: string): string {
  const layout = join(dir, 'umoci');
  const bundle = join(dir, 'bundle');
  umoci(['init', '--layout', layout]);
  umoci(['new', '--image', `${layout}:latest`]);
  umoci(['unpack', ...ROOTLESS, '--image', `${layout}:latest`, bundle]);
  mkdirSync(join(bundle, 'rootfs', 'etc'), { recursive: true });
  writeFileSync(join(bundle, 'rootfs', 'etc', 'secret.txt'), `${SECRET}\n`);
  umoci(['repack', '--image', `${layout}:latest`, bundle]);
  const extra = join(dir, 'tool.sh');
  writeFileSync(extra, '#!/bin/sh\necho hello from umoci insert\n', { mode: 0o755 });
  umoci(['insert', ...ROOTLESS, '--image', `${layout}:latest`, extra, '/usr/local/bin/tool.sh']);
  return layout;
}

test('umoci layout: encrypted by ours, decrypted by skopeo, layers equal, umoci unpacks the secret', (t) => {
  if (!needPeer(t, 'skopeo')) return;
  if (!needPeer(t, 'umoci')) return;
  const dir = tempDir('oep-interop-');
  const src = umociImage(dir);
  const enc = join(dir, 'enc');
  const out = join(dir, 'out');
  const m = readManifest(src).doc;
  assert.equal(m.layers.length, 2, 'umoci built a two-layer image');

  const rsa = writeKeyPair(dir, 'rsa', keyPair('rsa2048'));
  const p256 = writeKeyPair(dir, 'p256', keyPair('p256'));
  oursEncrypt(src, enc, [rsa.pub, p256.pub]);
  for (const l of assertEncrypted(enc, src)) assert.equal(jweItems(l).length, 1);
  assert.equal(readManifest(enc).doc.mediaType, m.mediaType, 'the manifest keeps umoci’s shape');

  skopeoDecrypt(enc, out, p256.priv);
  assertSameLayers(out, src);

  // And the same with our own decryption, for the other recipient.
  const out2 = join(dir, 'out2');
  oursDecrypt(enc, out2, [rsa.priv]);
  assertSameLayers(out2, src);

  const bundle = join(dir, 'check');
  umoci(['unpack', ...ROOTLESS, '--image', `${out}:latest`, bundle]);
  assert.equal(readFileSync(join(bundle, 'rootfs', 'etc', 'secret.txt'), 'utf8'), `${SECRET}\n`);
});
