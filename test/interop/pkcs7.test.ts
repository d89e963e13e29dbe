/**
 * pkcs7 both ways with skopeo 1.9.3 (ocicrypt 1.0.3, go.mozilla.org/pkcs7): our EnvelopedData opens with
 * `--decryption-key key --decryption-key cert`, and skopeo's `--encryption-key pkcs7:cert` opens with ours
 * (RSA PKCS#1 v1.5 private decryption: Node 24). Certificates are made by openssl at test time.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { makeCertificate, type TestCertificate } from '../helpers/certs.js';
import { CLI_ENTRY } from '../helpers/cli.js';
import { tempDir } from '../helpers/fixtures.js';
import { needPeer, skopeo } from '../helpers/peers.js';
import {
  assertSameLayers,
  assertSecretReadable,
  layers,
  ours,
  oursDecrypt,
  oursFails,
  oursInspect,
  secretImage,
} from './interop.js';

const ANN_PKCS7 = 'org.opencontainers.image.enc.keys.pkcs7';

function assertPkcs7Layers(enc: string): void {
  for (const l of layers(enc)) {
    assert.match(l.mediaType, /\+encrypted$/);
    const value = l.annotations?.[ANN_PKCS7];
    assert.ok(value, `layer ${l.digest} has no ${ANN_PKCS7}`);
    for (const item of value.split(',')) {
      assert.equal(Buffer.from(item, 'base64').toString('base64'), item, 'standard padded base64');
    }
  }
}

/** A fresh folder with the secret image in src/ and alice's certificate; enc/ is where it gets encrypted. */
function setup(): { dir: string; src: string; enc: string; alice: TestCertificate } {
  const dir = tempDir('oep-interop-pkcs7-');
  const src = join(dir, 'src');
  secretImage(src);
  return { dir, src, enc: join(dir, 'enc'), alice: makeCertificate(dir, 'alice') };
}

test('ours pkcs7 → skopeo --decryption-key key --decryption-key cert', (t) => {
  if (!needPeer(t, 'skopeo')) return;
  const { dir, src, enc, alice } = setup();
  const bob = makeCertificate(dir, 'bob');
  ours(['encrypt', '--layout', src, '--output', enc, '--recipient', `pkcs7:${alice.cert}`]);
  ours(['encrypt', '--layout', src, '--output', join(dir, 'enc2'), '--recipient', `pkcs7:${alice.certDer}`]);
  assertPkcs7Layers(enc);

  const out = join(dir, 'out');
  skopeo([
    'copy',
    '--quiet',
    '--decryption-key',
    alice.key,
    '--decryption-key',
    alice.cert,
    `oci:${enc}:latest`,
    `oci:${out}:latest`,
  ]);
  assertSameLayers(out, src);
  assertSecretReadable(out);

  // inspect: the recipient's issuer and serial
  const protocols = oursInspect(enc).platforms[0]!.layers[0]!.recipients!;
  const p7 = protocols.find((p) => p.scheme === 'pkcs7')!;
  assert.deepEqual(p7.recipients, [
    { alg: 'RSA-PKCS1-v1_5', issuer: 'CN=oep alice, O=oep tests', serial: alice.serial },
  ]);

  // ocicrypt finds the recipient by the certificate: bob's opens nothing
  const r = spawnSync(
    'skopeo',
    [
      '--insecure-policy',
      'copy',
      '--quiet',
      '--decryption-key',
      bob.key,
      '--decryption-key',
      bob.cert,
      `oci:${enc}:latest`,
      `oci:${join(dir, 'nope')}:latest`,
    ],
    { encoding: 'utf8' },
  );
  assert.notEqual(r.status, 0, 'skopeo opened the image with a stranger certificate');
});

test('skopeo --encryption-key pkcs7:cert → ours, with the key and its certificate, and the key alone', (t) => {
  if (!needPeer(t, 'skopeo')) return;
  const { dir, src, enc, alice } = setup();
  const bob = makeCertificate(dir, 'bob');
  skopeo([
    'copy',
    '--quiet',
    '--encryption-key',
    `pkcs7:${alice.cert}`,
    '--encryption-key',
    `pkcs7:${bob.cert}`,
    `oci:${src}:latest`,
    `oci:${enc}:latest`,
  ]);
  assertPkcs7Layers(enc);
  const p7 = oursInspect(enc).platforms[0]!.layers[0]!.recipients!.find((p) => p.scheme === 'pkcs7')!;
  assert.deepEqual(
    p7.recipients.map((x) => (x as { serial?: string }).serial).sort(),
    [alice.serial, bob.serial].sort(),
  );

  const gz = { gzipped: true };
  const out = join(dir, 'out');
  oursDecrypt(enc, out, [alice.key, alice.cert]);
  assertSameLayers(out, src, gz);
  assertSecretReadable(out);
  const out2 = join(dir, 'out2');
  oursDecrypt(enc, out2, [bob.key]);
  assertSameLayers(out2, src, gz);

  const stranger = makeCertificate(dir, 'stranger');
  const decryptFails = (out: string, keys: string[]): string =>
    oursFails(['decrypt', '--layout', enc, '--output', join(dir, out), ...keys.flatMap((k) => ['--key', k])]);
  assert.match(
    decryptFails('nope', [stranger.key, stranger.cert]),
    /error\[E_DECRYPT\]: none of the given keys opens layer/,
  );
  assert.match(
    decryptFails('nope2', [alice.key, bob.cert]),
    /error\[E_KEY\]: .*bob\.cert\.pem is a certificate, and none of the keys given is its private key/,
  );
});

test("on a Node before 24 (the machine's, when older), pkcs7 decryption is one E_UNSUPPORTED line", (t) => {
  const machine = process.env.MACHINE_NODE;
  const major = machine
    ? Number(spawnSync(machine, ['-p', 'process.versions.node.split(".")[0]'], { encoding: 'utf8' }).stdout)
    : 24;
  if (major >= 24) {
    t.diagnostic('no Node older than 24 on this machine: nothing to check');
    return;
  }
  const { dir, src, enc, alice } = setup();
  ours(['encrypt', '--layout', src, '--output', enc, '--recipient', `pkcs7:${alice.cert}`]);
  const r = spawnSync(
    machine!,
    [
      '--import',
      'tsx',
      CLI_ENTRY,
      'decrypt',
      '--layout',
      enc,
      '--output',
      join(dir, 'out'),
      '--key',
      alice.key,
      '--key',
      alice.cert,
    ],
    { encoding: 'utf8' },
  );
  assert.notEqual(r.status, 0);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(
    lines[0]!,
    /^error\[E_UNSUPPORTED\]: pkcs7 decryption needs RSA PKCS#1 v1\.5 private decryption, which Node 2\d\.[\d.]+ refuses .*Node 24/,
  );
});
