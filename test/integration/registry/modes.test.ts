/**
 * The CLI pushes to a real distribution 2.8 registry in each of its three modes, and what landed is what it says:
 * the digest it prints is the sha256 of the bytes `skopeo inspect --raw` reads back, and skopeo decrypts the
 * image to the source's layers. Then several tags (one digest, the --json fields), and a multi-platform index.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { mkdirSync } from 'node:fs';
import {
  buildImage,
  putIndex,
  sha256,
  tempDir,
  writeIndexJson,
  writeKeyPair,
} from '../../helpers/fixtures.js';
import { needPeer } from '../../helpers/peers.js';
import { fetchSimple } from '../../helpers/registry/http.js';
import { needRegistry, useRegistry, type RegistryMode } from '../../helpers/registry/registry.js';
import {
  assertCliOk,
  assertSameAsSource,
  cli,
  cliTransport,
  endpoint,
  inspectRaw,
  MT_INDEX,
  printedDigest,
  pushInProcess,
  skopeoDecrypt,
  sourceImage,
  tagState,
  testKeys,
  type Index,
} from './support.js';

const MODES: { mode: RegistryMode; name: string }[] = [
  { mode: 'plain', name: 'plain HTTP with --tls-verify=false' },
  { mode: 'htpasswd', name: 'TLS + htpasswd with --ca-file, --username and --password-stdin' },
  { mode: 'token', name: 'TLS + token auth with --ca-file, --username and --password-stdin' },
];

for (const { mode, name } of MODES) {
  test(`push in ${name}: printed digest = sha256(skopeo inspect --raw); skopeo decrypts to the source`, async (t) => {
    if (!needRegistry(t, mode) || !needPeer(t, 'skopeo')) return;
    const reg = await useRegistry(t, { mode });
    const ep = endpoint(reg);
    const src = sourceImage();
    const creds = mode === 'plain' ? [] : ['--username', reg.username, '--password-stdin'];
    const r = await cli(
      [
        'encrypt',
        '--layout',
        src.layout,
        '--image',
        `${reg.host}/team/app:v1`,
        '--recipient',
        `jwe:${src.pub}`,
        ...cliTransport(ep),
        ...creds,
      ],
      mode === 'plain' ? {} : { input: `${reg.password}\n` },
    );
    const digest = printedDigest(r);
    if (mode === 'token') {
      // It went through the issuer, as the user, asking for push on the repository.
      assert.ok(
        reg.token!.requests.some(
          (q) =>
            q.status === 200 && q.user === reg.username && q.scopes.includes('repository:team/app:pull,push'),
        ),
        'no token with push on team/app was issued to the user',
      );
    }

    const raw = await inspectRaw(ep, 'team/app:v1');
    assert.equal(sha256(raw), digest, 'the printed digest is not the digest of what the registry serves');
    const doc = JSON.parse(raw.toString('utf8')) as { layers: { mediaType: string }[] };
    assert.deepEqual(
      doc.layers.map((l) => l.mediaType),
      [
        'application/vnd.oci.image.layer.v1.tar+gzip+encrypted',
        'application/vnd.oci.image.layer.v1.tar+encrypted',
      ],
    );
    // The registry's own digest header agrees too.
    const state = await tagState(reg, 'team/app', 'v1');
    assert.equal(state.header, digest);

    const out = join(src.dir, 'decrypted');
    await skopeoDecrypt(ep, 'team/app:v1', src.priv, out);
    assertSameAsSource(out, src.layout);
  });
}

test('several tags (bare and a full reference to another repository) all point at one digest; --json fields', async (t) => {
  if (!needRegistry(t, 'plain') || !needPeer(t, 'skopeo')) return;
  const reg = await useRegistry(t, { mode: 'plain' });
  const ep = endpoint(reg);
  const src = sourceImage();
  const r = await cli([
    'encrypt',
    '--layout',
    src.layout,
    '--image',
    `${reg.host}/app:main`,
    '--tag',
    'v1',
    '--tag',
    'v1.0',
    '--tag',
    `${reg.host}/other/repo:x`,
    '--recipient',
    `jwe:${src.pub}`,
    '--tls-verify=false',
    '--json',
  ]);
  assertCliOk(r);
  const report = JSON.parse(r.stdout) as {
    digest: string;
    image: string;
    imageRef: string;
    tags: string[];
    platforms: { platform: string; digest: string; layers: unknown[] }[];
  };
  assert.match(report.digest, /^sha256:[0-9a-f]{64}$/);
  assert.equal(report.image, `${reg.host}/app`);
  assert.equal(report.imageRef, `${reg.host}/app@${report.digest}`);
  assert.deepEqual(report.tags, [
    `${reg.host}/app:main`,
    `${reg.host}/app:v1`,
    `${reg.host}/app:v1.0`,
    `${reg.host}/other/repo:x`,
  ]);
  assert.equal(report.platforms.length, 1);
  assert.equal(report.platforms[0]!.platform, 'linux/amd64');
  assert.equal(report.platforms[0]!.layers.length, 2);

  const first = await inspectRaw(ep, 'app:main');
  assert.equal(sha256(first), report.digest);
  for (const ref of ['app:v1', 'app:v1.0', 'other/repo:x']) {
    const raw = await inspectRaw(ep, ref);
    assert.ok(raw.equals(first), `${ref} serves other bytes than app:main`);
  }
  // The other repository is a whole image, not just a tag: skopeo decrypts it from there.
  const out = join(src.dir, 'decrypted');
  await skopeoDecrypt(ep, 'other/repo:x', src.priv, out);
  assertSameAsSource(out, src.layout);
});

test('a multi-platform index (linux/amd64 + linux/arm64): the index digest is ours; skopeo copy --all decrypts both', async (t) => {
  if (!needRegistry(t, 'htpasswd') || !needPeer(t, 'skopeo')) return;
  const reg = await useRegistry(t, { mode: 'htpasswd' });
  const ep = endpoint(reg);
  const dir = tempDir('oep-reg-multi-');
  const layout = join(dir, 'src');
  mkdirSync(layout);
  const amd = buildImage(layout, {
    platform: { os: 'linux', architecture: 'amd64' },
    layers: [{ files: { 'bin/app': 'amd64 binary\n' } }, { compression: 'none', files: { 'etc/a': 'a\n' } }],
  });
  const arm = buildImage(layout, {
    platform: { os: 'linux', architecture: 'arm64' },
    layers: [{ compression: 'none', files: { 'bin/app': 'arm64 binary\n' } }],
  });
  const idx = putIndex(layout, [amd.manifest, arm.manifest]);
  writeIndexJson(layout, [{ ...idx, annotations: { 'org.opencontainers.image.ref.name': 'latest' } }]);
  const { pub, priv } = writeKeyPair(dir, 'k', testKeys());

  const r = await cli(
    [
      'encrypt',
      '--layout',
      layout,
      '--image',
      `${reg.host}/multi:v1`,
      '--recipient',
      `jwe:${pub}`,
      ...cliTransport(ep),
      '--username',
      reg.username,
      '--password-stdin',
    ],
    { input: reg.password },
  );
  const digest = printedDigest(r);
  const raw = await inspectRaw(ep, 'multi:v1');
  assert.equal(sha256(raw), digest);
  const index = JSON.parse(raw.toString('utf8')) as Index;
  assert.equal(index.mediaType, MT_INDEX);
  assert.deepEqual(
    index.manifests.map((m) => `${m.platform?.os}/${m.platform?.architecture}`),
    ['linux/amd64', 'linux/arm64'],
  );

  const out = join(dir, 'decrypted');
  await skopeoDecrypt(ep, 'multi:v1', priv, out, ['--all']);
  assertSameAsSource(out, layout);
});

test('relative Location headers (http.relativeurls: true), monolithic and chunked uploads', async (t) => {
  if (!needRegistry(t, 'plain')) return;
  const reg = await useRegistry(t, { mode: 'plain', relativeUrls: true });
  const probe = await fetchSimple(`${reg.url}/v2/probe/blobs/uploads/`, { method: 'POST' });
  assert.match(
    String(probe.headers.location),
    /^\/v2\/probe\/blobs\/uploads\//,
    'the registry answers relative URLs',
  );
  const src = sourceImage();
  for (const chunked of [false, true]) {
    const res = await pushInProcess(src, endpoint(reg), `rel/app:${chunked ? 'chunked' : 'put'}`, {
      registry: { chunked },
    });
    assert.ifError(res.error);
    const state = await tagState(reg, 'rel/app', chunked ? 'chunked' : 'put');
    assert.equal(state.digest, res.report!.digest);
  }
});
