// inspect --image and decrypt --image read an encrypted image straight from a registry (token auth), digest-checked.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCliAsync } from '../../helpers/cli.js';
import { keyPair, makeLayout, readBlob, readJson, tempDir, writeKeyPair } from '../../helpers/fixtures.js';
import { needRegistry, useRegistry } from '../../helpers/registry/registry.js';

test('inspect --image and decrypt --image read what encrypt --image pushed, over TLS with token auth', async (t) => {
  if (!needRegistry(t, 'token')) return;
  const reg = await useRegistry(t, { mode: 'token' });
  const dir = tempDir();
  const source = join(dir, 'src');
  const built = makeLayout(source, {
    layers: [
      { files: { 'base.txt': 'base' } },
      { files: { 'app/secret.txt': 'read-me-secret' }, compression: 'none' },
    ],
  });
  const key = writeKeyPair(dir, 'ec', keyPair('p384'));
  const image = `${reg.host}/team/app:v1`;
  const env = { OCI_ENCRYPT_PUSH_USERNAME: reg.username, OCI_ENCRYPT_PUSH_PASSWORD: reg.password };
  const registryFlags = ['--ca-file', reg.caFile!];

  const pushed = await runCliAsync(
    ['encrypt', '--layout', source, '--image', image, '--recipient', `jwe:${key.pub}`, ...registryFlags],
    { env },
  );
  assert.equal(pushed.status, 0, pushed.stderr);
  const digest = pushed.stdout.trim();

  const inspected = await runCliAsync(['inspect', '--image', image, '--json', ...registryFlags], { env });
  assert.equal(inspected.status, 0, inspected.stderr);
  const report = JSON.parse(inspected.stdout) as {
    digest: string;
    platforms: {
      layers: { encrypted: boolean; recipients?: { recipients: { alg: string; crv?: string }[] }[] }[];
    }[];
  };
  assert.equal(report.digest, digest);
  const layers = report.platforms[0]!.layers;
  assert.deepEqual(
    layers.map((l) => l.encrypted),
    [true, true],
  );
  assert.equal(layers[1]!.recipients![0]!.recipients[0]!.alg, 'ECDH-ES+A256KW');
  assert.equal(layers[1]!.recipients![0]!.recipients[0]!.crv, 'P-384');

  const out = join(dir, 'plain');
  const decrypted = await runCliAsync(
    [
      'decrypt',
      '--image',
      `${reg.host}/team/app@${digest}`,
      '--key',
      key.priv,
      '--output',
      out,
      ...registryFlags,
    ],
    { env },
  );
  assert.equal(decrypted.status, 0, decrypted.stderr);
  const index = readJson<{ manifests: { digest: string }[] }>(join(out, 'index.json'));
  const manifest = JSON.parse(readBlob(out, index.manifests[0]!.digest).toString()) as {
    layers: { digest: string }[];
  };
  assert.deepEqual(
    manifest.layers.map((l) => l.digest),
    built.layers.map((l) => l.digest),
  );
  assert.ok(readBlob(out, built.layers[1]!.digest).includes('read-me-secret'));
});

test('decrypt --image with the wrong key fails with one line and writes nothing', async (t) => {
  if (!needRegistry(t, 'plain')) return;
  const reg = await useRegistry(t, { mode: 'plain' });
  const dir = tempDir();
  makeLayout(join(dir, 'src'), { layers: [{ files: { 'a.txt': 'a' } }] });
  const right = writeKeyPair(dir, 'right', keyPair('rsa2048'));
  const wrong = writeKeyPair(dir, 'wrong', keyPair('rsa2048'));
  const image = `${reg.host}/x/y:z`;
  const pushed = await runCliAsync([
    'encrypt',
    '--layout',
    join(dir, 'src'),
    '--image',
    image,
    '--recipient',
    right.pub,
    '--tls-verify=false',
  ]);
  assert.equal(pushed.status, 0, pushed.stderr);
  const out = join(dir, 'out');
  const r = await runCliAsync([
    'decrypt',
    '--image',
    image,
    '--key',
    wrong.priv,
    '--output',
    out,
    '--tls-verify=false',
  ]);
  assert.equal(r.status, 1);
  // Besides the plain-HTTP warning that --tls-verify=false earns, exactly one line: the error.
  const lines = r.stderr
    .trim()
    .split('\n')
    .filter((l) => !l.startsWith('warning: '));
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0]!, /^error\[E_DECRYPT\]: none of the given keys opens layer sha256:[0-9a-f]{64}/);
  const { existsSync } = await import('node:fs');
  assert.equal(existsSync(out), false);
});
