/**
 * A fan-out build against the real distribution registry, through the CLI, with skopeo 1.9.3 as the oracle: two
 * single-platform layouts are encrypted and pushed by digest (no tag appears in the tag list), then `index`
 * assembles them, from `REPO@sha256:` sources and from a folder of digest files as a matrix's artifacts hold
 * them: the index lists both platforms, the tag resolves to it, `skopeo copy --all --decryption-key` decrypts it.
 * Into another repository the blobs are mounted, not uploaded. Two sources for one platform, a plaintext layer,
 * a digest the registry lacks and a source in another registry each fail with one clear error and no tag; so
 * does a source index whose entry lies about its image's platform, or lists an empty or platformed attestation.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { assertOneError } from '../../helpers/cli.js';
import { needPeer } from '../../helpers/peers.js';
import { createEngine, index, isOepError } from '../../../src/index.js';
import {
  makeBuildKitLayout,
  MT,
  REF_DIGEST,
  REF_NAME,
  REF_TYPE,
  type Desc,
} from '../../unit/pipeline/support.js';
import {
  buildImage,
  putIndex,
  putJsonBlob,
  tempDir,
  writeIndexJson,
  type BuiltImage,
} from '../../helpers/fixtures.js';
import { needRegistry, useRegistry, type Registry } from '../../helpers/registry/registry.js';
import {
  assertCliOk,
  assertNoTag,
  cli,
  endpoint,
  layoutManifests,
  MT_INDEX,
  registryGet,
  skopeo,
  skopeoDecrypt,
  sourceImage,
  tagState,
  type Index,
  type Source,
} from './support.js';

interface PushJson {
  digest: string;
  image: string;
  imageRef: string;
  tags: string[];
  pushed: { uploaded: number; mounted: number; skipped: number };
  platforms: { platform: string; digest: string; layers: { encrypted: boolean; action: string }[] }[];
}

/** A single-platform layout of its own (its files name the platform, so each has its own blobs). */
function platformImage(architecture: string): Source {
  return sourceImage({
    platform: { os: 'linux', architecture },
    layers: [
      { files: { 'etc/base.txt': `base for ${architecture}\n` } },
      { compression: 'none', files: { 'app/bin': `app for ${architecture}\n` } },
    ],
  });
}

/** The CLI with --json, reaching `reg` as users do: plain HTTP, or its CA with a user and --password-stdin. */
async function json(args: string[], reg?: Registry): Promise<PushJson> {
  const access =
    reg && reg.mode !== 'plain'
      ? ['--ca-file', reg.caFile!, '--username', reg.username, '--password-stdin']
      : ['--tls-verify=false'];
  const r = await cli(
    [...args, ...access, '--json'],
    reg?.mode !== 'plain' && reg ? { input: reg.password } : {},
  );
  assertCliOk(r);
  return JSON.parse(r.stdout) as PushJson;
}

/** encrypt --push-by-digest into repo; the JSON result. */
function pushByDigest(reg: Registry, src: Source, repo: string, extra: string[] = []): Promise<PushJson> {
  const args = ['encrypt', '--layout', src.layout, '--image', `${reg.host}/${repo}`, '--push-by-digest'];
  return json([...args, '--recipient', src.pub, ...extra], reg);
}

/** The tags /v2/<repo>/tags/list lists (distribution answers 404 for a repository that has none). */
async function tagList(reg: Registry, repo: string): Promise<string[]> {
  const r = await registryGet(reg, `/v2/${repo}/tags/list`, { accept: 'application/json' });
  if (r.status === 404) return [];
  assert.equal(r.status, 200, r.body.toString());
  return (JSON.parse(r.body.toString()) as { tags: string[] | null }).tags ?? [];
}

/** The files of a results folder, by name. */
function resultFiles(dir: string): Record<string, string> {
  return Object.fromEntries(readdirSync(dir).map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
}

async function indexAt(reg: Registry, repo: string, ref: string): Promise<Index & { mediaType: string }> {
  const r = await registryGet(reg, `/v2/${repo}/manifests/${ref}`);
  assert.equal(r.status, 200, `${repo}:${ref} is not in the registry`);
  return JSON.parse(r.body.toString()) as Index & { mediaType: string };
}

/** What a fan-out build leaves: amd64 and arm64 pushed by digest to team/app, untagged. */
async function fannedOut(t: TestContext, mode: 'plain' | 'token' = 'plain') {
  const reg = await useRegistry(t, { mode });
  const amd = platformImage('amd64');
  const arm = platformImage('arm64');
  const results = tempDir('oep-results-');
  const a = await pushByDigest(reg, amd, 'team/app', ['--results-dir', results]);
  const b = await pushByDigest(reg, arm, 'team/app');
  return { reg, amd, arm, a, b, results };
}

test('push by digest, then index from REPO@digest sources and from a digests folder; skopeo decrypts every platform', async (t) => {
  if (!needRegistry(t, 'plain') || !needPeer(t, 'skopeo')) return;
  const { reg, amd, arm, a, b, results } = await fannedOut(t);
  // Tekton's results of an untagged push: the image by digest wherever a tag would be.
  assert.deepEqual(resultFiles(results), {
    IMAGE_DIGEST: a.digest,
    IMAGE_URL: a.imageRef,
    IMAGE_REF: a.imageRef,
    IMAGES: a.imageRef,
    IMAGE_ARTIFACT_OUTPUTS: JSON.stringify({
      uri: `${reg.host}/team/app`,
      digest: a.digest,
      isBuildArtifact: 'true',
    }),
  });
  for (const r of [a, b]) {
    assert.deepEqual(r.tags, [], 'pushed by digest: no tag');
    assert.equal(r.image, `${reg.host}/team/app`);
    assert.equal(r.imageRef, `${reg.host}/team/app@${r.digest}`);
    assert.equal((await registryGet(reg, `/v2/team/app/manifests/${r.digest}`)).status, 200);
  }
  assert.deepEqual(await tagList(reg, 'team/app'), [], 'no tag appears in the tag list');

  // A full reference and a bare digest (in the image's repository).
  const idx = await json([
    'index',
    '--image',
    `${reg.host}/team/app:v1`,
    `${reg.host}/team/app@${a.digest}`,
    b.digest,
    ...['--results-dir', results, '--digest-file', join(results, 'digest')],
  ]);
  assert.deepEqual(idx.tags, [`${reg.host}/team/app:v1`]);
  assert.deepEqual(resultFiles(results), {
    IMAGE_DIGEST: idx.digest,
    IMAGE_URL: `${reg.host}/team/app:v1`,
    IMAGE_REF: idx.imageRef,
    IMAGES: idx.imageRef,
    IMAGE_ARTIFACT_OUTPUTS: JSON.stringify({
      uri: `${reg.host}/team/app`,
      digest: idx.digest,
      isBuildArtifact: 'true',
    }),
    digest: idx.digest,
  });
  assert.deepEqual(
    idx.platforms.map((p) => [p.platform, p.digest]),
    [
      ['linux/amd64', a.digest],
      ['linux/arm64', b.digest],
    ],
  );
  assert.ok(
    idx.platforms.every((p) => p.layers.every((l) => l.encrypted && l.action === 'already-encrypted')),
  );
  assert.deepEqual(idx.pushed, { ...idx.pushed, uploaded: 0 }, 'no blob byte goes up');
  assert.equal((await tagState(reg, 'team/app', 'v1')).digest, idx.digest, 'the tag resolves to the index');
  const served = await indexAt(reg, 'team/app', 'v1');
  assert.equal(served.mediaType, MT_INDEX);
  assert.deepEqual(
    served.manifests.map((m) => [`${m.platform!.os}/${m.platform!.architecture}`, m.digest]),
    [
      ['linux/amd64', a.digest],
      ['linux/arm64', b.digest],
    ],
  );
  assert.deepEqual(await tagList(reg, 'team/app'), ['v1']);

  const out = join(tempDir('oep-index-dec-'), 'out');
  await skopeoDecrypt(endpoint(reg), 'team/app:v1', amd.priv, out, ['--all']);
  const got = layoutManifests(out, 'x');
  for (const [platform, src] of [
    ['linux/amd64', amd],
    ['linux/arm64', arm],
  ] as const) {
    const want = layoutManifests(src.layout, 'latest').get('linux/amd64')!; // a lone manifest: keyed amd64
    assert.deepEqual(
      got.get(platform)?.layers.map((l) => l.digest),
      want.layers.map((l) => l.digest),
      `${platform}: skopeo's decrypted layers are the source's`,
    );
  }

  // The matrix's artifacts: an empty file named by the hex (docker's recipe), one per artifact folder.
  const dir = tempDir('oep-digests-');
  mkdirSync(join(dir, 'digests-amd64'));
  mkdirSync(join(dir, 'digests-arm64'));
  writeFileSync(join(dir, 'digests-amd64', a.digest.slice(7)), '');
  writeFileSync(join(dir, 'digests-arm64', `sha256-${b.digest.slice(7)}`), `${b.digest}\n`);
  const again = await json(['index', '--image', `${reg.host}/team/app:v2`, '--digests-dir', dir]);
  assert.equal(again.digest, idx.digest, 'the same platforms make the same index');
  assert.equal((await tagState(reg, 'team/app', 'v2')).digest, idx.digest);
});

for (const mode of ['plain', 'token'] as const) {
  test(`${mode}: index into another repository of the registry mounts every blob, uploads none`, async (t) => {
    if (!needRegistry(t, mode)) return;
    const { reg, a, b } = await fannedOut(t, mode);
    const sources = [a, b].map((r) => r.imageRef);
    const idx = await json(['index', '--image', `${reg.host}/team/release`, '--tag', 'v1', ...sources], reg);
    assert.deepEqual(idx.tags, [`${reg.host}/team/release:v1`], 'with --tag, no latest');
    assert.equal(idx.pushed.uploaded, 0);
    assert.equal(idx.pushed.mounted, 6, 'two configs and four layers');
    assert.equal((await tagState(reg, 'team/release', 'v1')).digest, idx.digest);
    for (const r of [a, b]) {
      assert.equal((await registryGet(reg, `/v2/team/release/manifests/${r.digest}`)).status, 200);
    }
  });
}

test('refused before anything is tagged: two sources for one platform, a plaintext layer, a missing digest, another registry', async (t) => {
  if (!needRegistry(t, 'plain')) return;
  const { reg, amd, a, b } = await fannedOut(t);
  const again = await pushByDigest(reg, amd, 'team/app'); // new ciphertext: another amd64 digest
  const riscv = platformImage('riscv64');
  const plain = await pushByDigest(reg, riscv, 'team/app', ['--encrypt-layers=-1']);
  const zero = `sha256:${'0'.repeat(64)}`;
  const cases: [string, string[], number, string[]][] = [
    ['dup', [a.digest, b.digest, again.digest], 1, ['E_PLATFORM', a.digest, again.digest, 'linux/amd64']],
    ['plain', [a.digest, plain.digest], 1, ['E_PLAINTEXT', 'layer 0', 'linux/riscv64', 'require-encrypted']],
    [
      'missing',
      [a.digest, zero],
      1,
      ['E_IMAGE_REF', `sources: ${reg.host}/team/app@${zero} is not in the registry`],
    ],
    [
      'other',
      [a.digest, `other.example:5000/team/app@${b.digest}`],
      1,
      ['E_IMAGE_REF', 'other.example:5000'],
    ],
  ];
  for (const [tag, sources, status, mentions] of cases) {
    const r = await cli([
      'index',
      '--image',
      `${reg.host}/team/app:${tag}`,
      ...sources,
      '--tls-verify=false',
    ]);
    assertOneError(r, status, mentions);
    await assertNoTag(reg, 'team/app', tag);
  }
  assert.deepEqual(await tagList(reg, 'team/app'), [], 'nothing was tagged');

  // Plaintext base layers are allowed when asked for.
  const mixed = await json([
    ...['index', '--image', `${reg.host}/team/app:mixed`, a.digest, plain.digest],
    '--require-encrypted=false',
  ]);
  assert.deepEqual(
    mixed.platforms.map((p) => p.layers.map((l) => l.action)),
    [
      ['already-encrypted', 'already-encrypted'],
      ['kept', 'already-encrypted'],
    ],
  );
});

test('library: index() and engine.index() take the CLI options as an object; a failure is an OepError', async (t) => {
  if (!needRegistry(t, 'plain')) return;
  const { reg, a, b } = await fannedOut(t);
  const r = await index({
    image: `${reg.host}/team/app:lib`,
    sources: [a.digest, b.imageRef],
    tlsVerify: false,
  });
  assert.deepEqual(
    r.platforms.map((p) => p.platform),
    ['linux/amd64', 'linux/arm64'],
  );
  assert.equal((await tagState(reg, 'team/app', 'lib')).digest, r.digest);
  const dir = tempDir('oep-digests-');
  writeFileSync(join(dir, 'amd64'), `${a.imageRef}\n`);
  writeFileSync(join(dir, 'arm64'), `${b.digest}\n`);
  const again = await createEngine().index({
    image: `${reg.host}/team/app`,
    digestsDir: dir,
    tlsVerify: false,
  });
  assert.equal(again.digest, r.digest);
  assert.deepEqual(again.tags, [`${reg.host}/team/app:latest`]);
  await assert.rejects(
    index({ image: `${reg.host}/team/app:dup`, sources: [a.digest, a.imageRef], tlsVerify: false }),
    (e: unknown) =>
      isOepError(e, 'E_PLATFORM') && e.message.includes(`${a.digest} is listed twice, both for linux/amd64`),
  );
  await assertNoTag(reg, 'team/app', 'dup');
});

test('an index source is flattened: its platforms and attestation join the index; arm64 given again (as arm64/v8) is refused', async (t) => {
  if (!needRegistry(t, 'plain')) return;
  const reg = await useRegistry(t, { mode: 'plain' });
  const bk = platformImage('amd64'); // for its keys and folder
  const layout = join(bk.dir, 'buildkit');
  makeBuildKitLayout(layout, { refName: 'latest' });
  const multi = await pushByDigest(reg, { ...bk, layout }, 'team/app', ['--attestations', 'keep']);
  const riscv = await pushByDigest(reg, platformImage('riscv64'), 'team/app');
  const idx = await json(['index', '--image', `${reg.host}/team/app:all`, multi.digest, riscv.digest]);
  assert.deepEqual(
    idx.platforms.map((p) => p.platform),
    ['linux/amd64', 'linux/arm64/v8', 'linux/riscv64'],
  );
  const served = await indexAt(reg, 'team/app', 'all');
  const amd64 = multi.platforms[0]!.digest;
  assert.deepEqual(
    served.manifests.map((m) => [m.digest, m.annotations?.['vnd.docker.reference.digest']]),
    [...idx.platforms.map((p) => [p.digest, undefined]), [served.manifests[3]!.digest, amd64]],
    'the attestation is carried after the images, still pointing at the amd64 image',
  );
  assert.ok(
    !served.manifests.some((m) => m.digest === multi.digest),
    'the source index itself is not listed',
  );

  const arm = await pushByDigest(reg, platformImage('arm64'), 'team/app');
  const r = await cli([
    'index',
    '--image',
    `${reg.host}/team/app:dup`,
    multi.digest,
    arm.digest,
    '--tls-verify=false',
  ]);
  assertOneError(r, 1, ['E_PLATFORM', `@${multi.digest} and `, `@${arm.digest} are both for linux/arm64`]);
  await assertNoTag(reg, 'team/app', 'dup');
});

/**
 * An index another tool pushed, its bytes kept (skopeo --preserve-digests): `entries` over a plaintext amd64
 * image. Returns the index's `registry/repository@digest`.
 */
async function pushedIndex(
  reg: Registry,
  tag: string,
  entries: (amd64: BuiltImage['manifest'], layout: string) => object[],
): Promise<string> {
  const layout = join(tempDir('oep-raw-index-'), 'layout');
  mkdirSync(layout, { recursive: true });
  const amd64 = buildImage(layout, { layers: [{ files: { 'etc/os': `amd64 ${tag}\n` } }] }).manifest;
  const idx = putIndex(layout, entries(amd64, layout));
  writeIndexJson(layout, [{ ...idx, annotations: { [REF_NAME]: tag } }]);
  const to = `docker://${reg.host}/team/app:src-${tag}`;
  await skopeo([
    'copy',
    '--all',
    '--preserve-digests',
    '--dest-tls-verify=false',
    `oci:${layout}:${tag}`,
    to,
  ]);
  return `${reg.host}/team/app@${idx.digest}`;
}

/** A manifest of BuildKit's attestation shape over `layers`, described by its index entry as attesting `ref`. */
function attestation(layout: string, ref: string, layers: object[], platform: object): Desc {
  const config = putJsonBlob(layout, { architecture: 'unknown', os: 'unknown', rootfs: { type: 'layers' } });
  const m = putJsonBlob(layout, {
    schemaVersion: 2,
    mediaType: MT.manifest,
    config: { mediaType: MT.config, ...config },
    layers,
  });
  const annotations = { [REF_TYPE]: 'attestation-manifest', [REF_DIGEST]: ref };
  return { mediaType: MT.manifest, ...m, annotations, platform } as Desc;
}

test('a source index is checked against what its entries point at: a lying platform, an empty or platformed attestation are refused', async (t) => {
  if (!needRegistry(t, 'plain') || !needPeer(t, 'skopeo')) return;
  const reg = await useRegistry(t, { mode: 'plain' });
  const unknown = { os: 'unknown', architecture: 'unknown' };
  const arm64 = { os: 'linux', architecture: 'arm64' };
  const statement = (layout: string) => ({ mediaType: MT.inToto, ...putJsonBlob(layout, { _type: 'x' }) });
  const cases: [string, (amd64: BuiltImage['manifest'], layout: string) => object[], string[]][] = [
    ['lie', (a) => [{ ...a, platform: arm64 }], ['E_PLATFORM', 'says linux/arm64', 'its config linux/amd64']],
    [
      'empty',
      (a, l) => [a, attestation(l, a.digest, [], unknown)],
      ['E_MANIFEST', 'is marked as an attestation but holds no in-toto statement'],
    ],
    [
      'platformed',
      (a, l) => [a, attestation(l, a.digest, [statement(l)], arm64)],
      ['E_PLATFORM', 'an attestation', 'for linux/arm64', 'unknown/unknown'],
    ],
  ];
  for (const [tag, entries, mentions] of cases) {
    const source = await pushedIndex(reg, tag, entries);
    const r = await cli([
      ...['index', '--image', `${reg.host}/team/app:${tag}`, source],
      ...['--require-encrypted=false', '--tls-verify=false'],
    ]);
    assertOneError(r, 1, [...mentions, `sources: ${source}`]);
    await assertNoTag(reg, 'team/app', tag);
  }
});
