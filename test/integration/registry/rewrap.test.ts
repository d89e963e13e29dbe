/**
 * `rewrap` against the real distribution registry, through the CLI, with skopeo 1.9.3 as the oracle: an image
 * pushed for A is rewrapped for {A, B} (same layer blobs; skopeo opens it with either key; the proxy in front of
 * the registry sees no blob go up, only manifests), then for {B} (A no longer opens the new digest), then
 * rekeyed (new layer blobs, B opens them). Blobs of another repository of the same registry are mounted, a
 * multi-platform index is rebuilt, a layout is a source and an output, and a key that opens nothing fails
 * before anything is pushed or written.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import {
  buildImage,
  keyPair,
  putIndex,
  tempDir,
  writeIndexJson,
  writeKeyPair,
} from '../../helpers/fixtures.js';
import { needPeer } from '../../helpers/peers.js';
import { startFaultProxy, type FaultProxy, type ProxyLogEntry } from '../../helpers/registry/fault-proxy.js';
import { needRegistry, useRegistry, type Registry } from '../../helpers/registry/registry.js';
import {
  assertCliOk,
  assertNoTag,
  assertSameAsSource,
  cli,
  endpoint,
  layoutManifests,
  printedDigest,
  registryGet,
  runAsync,
  cleanEnv,
  skopeoDecrypt,
  sourceImage,
  storedRepositories,
  type Endpoint,
  type Index,
  type Manifest,
  type Source,
} from './support.js';

const ENC = 'org.opencontainers.image.enc';

/** B: a second recipient, of another key type than A (the fixtures' RSA key). */
function keyB(dir: string): { pub: string; priv: string } {
  return writeKeyPair(dir, 'b', keyPair('p256'));
}

async function manifestAt(reg: Registry, repo: string, ref: string): Promise<Manifest & Index> {
  const r = await registryGet(reg, `/v2/${repo}/manifests/${ref}`);
  assert.equal(r.status, 200, `${repo}:${ref} is not in the registry`);
  return JSON.parse(r.body.toString('utf8')) as Manifest & Index;
}

/** Platform → the layers' [media type, digest, size] of an image in the registry. */
async function layersAt(reg: Registry, repo: string, ref: string): Promise<Map<string, string[][]>> {
  const top = await manifestAt(reg, repo, ref);
  const out = new Map<string, string[][]>();
  const entries = Array.isArray(top.manifests)
    ? top.manifests.map((d) => [`${d.platform!.os}/${d.platform!.architecture}`, d.digest] as const)
    : [['linux/amd64', ref] as const];
  for (const [platform, digest] of entries) {
    const m = await manifestAt(reg, repo, digest);
    out.set(
      platform,
      m.layers.map((l) => [l.mediaType, l.digest, String(l.size)]),
    );
  }
  return out;
}

/** skopeo cannot open `repoTag` with `key` (decryption fails). */
async function assertSkopeoCannotOpen(
  ep: Endpoint,
  repoTag: string,
  key: string,
  all = false,
): Promise<void> {
  const out = join(tempDir('oep-rewrap-no-'), 'out');
  const r = await runAsync(
    'skopeo',
    [
      '--insecure-policy',
      'copy',
      '--quiet',
      ...(all ? ['--all'] : []),
      '--src-tls-verify=false',
      '--decryption-key',
      key,
      `docker://${ep.host}/${repoTag}`,
      `oci:${out}:x`,
    ],
    { env: cleanEnv() },
  );
  assert.notEqual(r.status, 0, `skopeo opened ${repoTag} with ${key}`);
  assert.match(r.stderr, /decrypt/i, r.stderr);
}

/** skopeo opens `repoTag` with `key`, and the layers it gets are the source's, byte for byte. */
async function assertSkopeoOpens(ep: Endpoint, repoTag: string, key: string, src: string, all = false) {
  const out = join(tempDir('oep-rewrap-yes-'), 'out');
  await skopeoDecrypt(ep, repoTag, key, out, all ? ['--all'] : []);
  assertSameAsSource(out, src);
}

/** What went over the wire to the registry since `mark`: blob uploads and mounts, manifest PUTs. */
function traffic(proxy: FaultProxy, mark: number) {
  const log = proxy.log.slice(mark);
  const is = (e: ProxyLogEntry, method: string, re: RegExp) => e.method === method && re.test(e.path);
  return {
    uploads: log.filter((e) => e.method === 'PATCH' || is(e, 'PUT', /\/blobs\/uploads\//)),
    starts: log.filter((e) => is(e, 'POST', /\/blobs\/uploads\//)),
    manifests: log.filter((e) => is(e, 'PUT', /\/manifests\//)),
  };
}

interface RewrapJson {
  digest: string;
  tags: string[];
  pushed: { uploaded: number; mounted: number; skipped: number };
  platforms: { platform: string; layers: { action: string; digest: string; sourceDigest: string }[] }[];
}

async function rewrap(args: string[]): Promise<RewrapJson> {
  const r = await cli(['rewrap', '--tls-verify=false', '--json', ...args]);
  assertCliOk(r);
  return JSON.parse(r.stdout) as RewrapJson;
}

/** A plain registry behind a fault proxy (whose log shows every request) for this test. */
async function registryBehindProxy(
  t: TestContext,
): Promise<{ reg: Registry; proxy: FaultProxy; ep: Endpoint }> {
  const reg = await useRegistry(t, { mode: 'plain' });
  const proxy = await startFaultProxy(reg);
  t.after(() => proxy.close());
  return { reg, proxy, ep: endpoint(reg, proxy) };
}

async function pushForA(src: Source, ep: Endpoint, repoTag: string): Promise<string> {
  const r = await cli([
    'encrypt',
    '--layout',
    src.layout,
    '--image',
    `${ep.host}/${repoTag}`,
    '--recipient',
    src.pub,
    '--encrypt-layers=-1',
    '--tls-verify=false',
  ]);
  return printedDigest(r);
}

test('rewrap in the registry: {A,B} with the same blobs and no blob upload, then {B}, then a rekey', async (t) => {
  if (!needRegistry(t, 'plain') || !needPeer(t, 'skopeo')) return;
  const { reg, proxy, ep } = await registryBehindProxy(t);
  const src = sourceImage();
  const b = keyB(src.dir);
  const a = await pushForA(src, ep, 'team/app:a');
  const before = await layersAt(reg, 'team/app', 'a');

  let mark = proxy.log.length;
  const ab = await rewrap([
    ...['--from', `${ep.host}/team/app:a`, '--image', `${ep.host}/team/app:ab`],
    ...['--key', src.priv, '--recipient', src.pub, '--recipient', b.pub],
  ]);
  assert.notEqual(ab.digest, a, 'a rewrap makes a new manifest');
  assert.deepEqual(await layersAt(reg, 'team/app', 'ab'), before, 'same layer blobs, digests and sizes');
  assert.deepEqual(
    ab.platforms[0]!.layers.map((l) => l.action),
    ['kept', 'rewrapped'],
    'the plain base layer is left as it is',
  );
  assert.deepEqual(
    { ...ab.pushed, bytesUploaded: undefined },
    {
      uploaded: 0,
      mounted: 0,
      skipped: 3,
      bytesUploaded: undefined,
    },
  );
  const wire = traffic(proxy, mark);
  assert.deepEqual(wire.uploads, [], 'no blob byte went up');
  assert.deepEqual(wire.starts, [], 'no blob upload was even started');
  assert.ok(wire.manifests.length >= 1, 'the new manifest was pushed');
  const layer = (await manifestAt(reg, 'team/app', 'ab')).layers[1]!;
  const old = (await manifestAt(reg, 'team/app', 'a')).layers[1]!;
  assert.equal(layer.annotations![`${ENC}.pubopts`], old.annotations![`${ENC}.pubopts`], 'pubopts kept');
  assert.notEqual(layer.annotations![`${ENC}.keys.jwe`], old.annotations![`${ENC}.keys.jwe`]);
  await assertSkopeoOpens(ep, 'team/app:ab', src.priv, src.layout);
  await assertSkopeoOpens(ep, 'team/app:ab', b.priv, src.layout);

  const onlyB = await rewrap([
    ...['--from', `${ep.host}/team/app:ab`, '--image', `${ep.host}/team/app:b`],
    ...['--key', b.priv, '--recipient', b.pub],
  ]);
  assert.deepEqual(await layersAt(reg, 'team/app', 'b'), before);
  await assertSkopeoCannotOpen(ep, `team/app@${onlyB.digest}`, src.priv);
  await assertSkopeoOpens(ep, `team/app@${onlyB.digest}`, b.priv, src.layout);

  mark = proxy.log.length;
  const rekeyed = await rewrap([
    ...['--from', `${ep.host}/team/app:b`, '--image', `${ep.host}/team/app:rekeyed`, '--rekey'],
    ...['--key', b.priv, '--recipient', b.pub],
  ]);
  const after = (await layersAt(reg, 'team/app', 'rekeyed')).get('linux/amd64')!;
  const was = before.get('linux/amd64')!;
  assert.deepEqual(after[0], was[0], 'the plain layer is the same blob');
  assert.notEqual(after[1]![1], was[1]![1], 'the rekeyed layer is a new blob');
  assert.equal(after[1]![0], was[1]![0]);
  assert.deepEqual(
    rekeyed.platforms[0]!.layers.map((l) => l.action),
    ['kept', 'rekeyed'],
  );
  assert.equal(rekeyed.pushed.uploaded, 1, 'only the new ciphertext goes up');
  assert.equal(traffic(proxy, mark).uploads.filter((e) => e.method === 'PUT').length, 1);
  await assertSkopeoOpens(ep, 'team/app:rekeyed', b.priv, src.layout);
  await assertSkopeoCannotOpen(ep, 'team/app:rekeyed', src.priv);
});

test('rewrap into another repository of the same registry mounts every blob, uploads none', async (t) => {
  if (!needRegistry(t, 'plain') || !needPeer(t, 'skopeo')) return;
  const { proxy, ep } = await registryBehindProxy(t);
  const src = sourceImage();
  const b = keyB(src.dir);
  await pushForA(src, ep, 'one/app:a');

  const mark = proxy.log.length;
  const r = await rewrap([
    ...['--from', `${ep.host}/one/app:a`, '--image', `${ep.host}/two/app:b`, '--tag', 'latest'],
    ...['--key', src.priv, '--recipient', b.pub],
  ]);
  assert.deepEqual(
    { ...r.pushed, bytesUploaded: undefined },
    {
      uploaded: 0,
      mounted: 3,
      skipped: 0,
      bytesUploaded: undefined,
    },
  );
  const wire = traffic(proxy, mark);
  assert.deepEqual(wire.uploads, [], 'no blob byte went up');
  assert.equal(wire.starts.length, 3);
  for (const e of wire.starts) {
    const q = new URL(e.path, 'http://x').searchParams;
    assert.equal(q.get('from'), 'one/app', e.path);
    assert.ok(q.get('mount'), e.path);
    assert.equal(e.status, 201, `${e.path} was not mounted`);
  }
  assert.deepEqual(r.tags, [`${ep.host}/two/app:b`, `${ep.host}/two/app:latest`]);
  await assertSkopeoOpens(ep, 'two/app:latest', b.priv, src.layout);
  await assertSkopeoCannotOpen(ep, 'two/app:b', src.priv);
});

/** An OCI layout whose ref `latest` is an index of two platforms, each with two layers. */
function multiPlatformSource(): Source {
  const src = sourceImage();
  const layout = join(src.dir, 'multi');
  const images = (['amd64', 'arm64'] as const).map((architecture) =>
    buildImage(layout, {
      platform: { os: 'linux', architecture },
      layers: [
        { files: { [`etc/${architecture}.txt`]: `base of ${architecture}\n` } },
        { compression: 'none', files: { 'app/secret': `the ${architecture} app\n` } },
      ],
    }),
  );
  const index = putIndex(
    layout,
    images.map((i) => i.manifest),
  );
  writeIndexJson(layout, [{ ...index, annotations: { 'org.opencontainers.image.ref.name': 'latest' } }]);
  return { ...src, layout, image: images[0]! };
}

test('a multi-platform index: a layout source pushed for B, then rewrapped in the registry for {A,B}', async (t) => {
  if (!needRegistry(t, 'plain') || !needPeer(t, 'skopeo')) return;
  const { reg, proxy, ep } = await registryBehindProxy(t);
  const src = multiPlatformSource();
  const b = keyB(src.dir);
  const enc = join(src.dir, 'enc');
  assertCliOk(await cli(['encrypt', '--layout', src.layout, '--output', enc, '--recipient', src.pub]));

  // Layout → registry: the registry has nothing, so every blob goes up, read from the layout.
  const fromLayout = await rewrap([
    ...['--layout', enc, '--image', `${ep.host}/team/multi:b`],
    ...['--key', src.priv, '--recipient', b.pub],
  ]);
  assert.equal(fromLayout.platforms.length, 2);
  for (const p of fromLayout.platforms) {
    assert.deepEqual(
      p.layers.map((l) => [l.action, l.digest === l.sourceDigest]),
      [
        ['rewrapped', true],
        ['rewrapped', true],
      ],
    );
  }
  const encLayers = new Map(
    [...layoutManifests(enc, 'latest')].map(([p, m]) => [
      p,
      m.layers.map((l) => [l.mediaType, l.digest, String(l.size)]),
    ]),
  );
  const pushed = await layersAt(reg, 'team/multi', 'b');
  assert.deepEqual(pushed, encLayers, 'every platform keeps its layer blobs');
  await assertSkopeoOpens(ep, 'team/multi:b', b.priv, src.layout, true);
  await assertSkopeoCannotOpen(ep, 'team/multi:b', src.priv, true);

  const mark = proxy.log.length;
  const both = await rewrap([
    ...['--from', `${ep.host}/team/multi:b`, '--image', `${ep.host}/team/multi:ab`],
    ...['--key', b.priv, '--recipient', b.pub, '--recipient', src.pub],
  ]);
  assert.notEqual(both.digest, fromLayout.digest);
  assert.equal((await manifestAt(reg, 'team/multi', 'ab')).manifests.length, 2, 'an index of two platforms');
  assert.deepEqual(await layersAt(reg, 'team/multi', 'ab'), encLayers);
  assert.deepEqual(traffic(proxy, mark).uploads, [], 'no blob went up');
  assert.deepEqual(
    traffic(proxy, mark).manifests.map((e) => e.path.replace(/sha256:[0-9a-f]{64}$/, 'DIGEST')),
    [...Array(3).fill('/v2/team/multi/manifests/DIGEST'), '/v2/team/multi/manifests/ab'],
    'two manifests and the index by digest, then the tag',
  );
  await assertSkopeoOpens(ep, 'team/multi:ab', src.priv, src.layout, true);
  await assertSkopeoOpens(ep, 'team/multi:ab', b.priv, src.layout, true);
});

test('a layout rewrapped into a layout: same blobs, and skopeo opens it with each recipient', async (t) => {
  if (!needPeer(t, 'skopeo')) return;
  const src = sourceImage();
  const b = keyB(src.dir);
  const enc = join(src.dir, 'enc');
  const out = join(src.dir, 'ab');
  assertCliOk(await cli(['encrypt', '--layout', src.layout, '--output', enc, '--recipient', src.pub]));
  const r = await cli([
    ...['rewrap', '--layout', enc, '--output', out],
    ...['--key', src.priv, '--recipient', src.pub, '--recipient', `jwe:${b.pub}`],
  ]);
  printedDigest(r);
  const layers = (dir: string) => layoutManifests(dir, 'latest').get('linux/amd64')!.layers;
  assert.deepEqual(
    layers(out).map((l) => [l.mediaType, l.digest, l.size]),
    layers(enc).map((l) => [l.mediaType, l.digest, l.size]),
  );
  for (const key of [src.priv, b.priv]) {
    const dec = join(tempDir('oep-rewrap-dec-'), 'dec');
    const s = await runAsync('skopeo', [
      ...['--insecure-policy', 'copy', '--quiet', '--decryption-key', key],
      ...[`oci:${out}:latest`, `oci:${dec}:x`],
    ]);
    assert.equal(s.status, 0, s.stderr);
    assertSameAsSource(dec, src.layout);
  }
});

test('a key that opens no layer: an error naming the layer, and nothing pushed or written', async (t) => {
  if (!needRegistry(t, 'plain')) return;
  const { reg, proxy, ep } = await registryBehindProxy(t);
  const src = sourceImage();
  const b = keyB(src.dir);
  await pushForA(src, ep, 'team/app:a');
  const layer = (await manifestAt(reg, 'team/app', 'a')).layers[1]!;

  const mark = proxy.log.length;
  const pushRun = await cli([
    ...[
      'rewrap',
      '--tls-verify=false',
      '--from',
      `${ep.host}/team/app:a`,
      '--image',
      `${ep.host}/other/app:b`,
    ],
    ...['--key', b.priv, '--recipient', b.pub],
  ]);
  const out = join(src.dir, 'never');
  const layoutRun = await cli([
    ...['rewrap', '--tls-verify=false', '--from', `${ep.host}/team/app:a`, '--output', out],
    ...['--key', b.priv, '--recipient', b.pub],
  ]);
  for (const r of [pushRun, layoutRun]) {
    assert.equal(r.status, 1, r.stderr);
    assert.equal(r.stdout, '', 'no digest on stdout');
    const lines = r.stderr
      .trim()
      .split('\n')
      .filter((l) => l.startsWith('error['));
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0]!, /^error\[E_DECRYPT\]: /);
    for (const part of ['layer 1 of the linux/amd64 image', layer.digest, 'none of the given keys opens']) {
      assert.ok(lines[0]!.includes(part), `${lines[0]} lacks ${part}`);
    }
  }
  assert.equal(existsSync(out), false, 'the output was written');
  await assertNoTag(reg, 'other/app', 'b');
  assert.deepEqual(storedRepositories(reg), ['team/app']);
  const writes = proxy.log.slice(mark).filter((e) => e.method !== 'GET' && e.method !== 'HEAD');
  assert.deepEqual(writes, [], 'a request that changes the registry was sent');
});
