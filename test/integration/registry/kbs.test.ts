/**
 * KEK registration (--kbs-url) in a push, against the real registry and a test KBS: the KBS is asked last, once
 * the blobs and manifests are in the registry by digest, read back and gated, and before any tag. A push that
 * fails before then (an upload, the gate) leaves the KBS as it was: a named keyid keeps opening the images
 * already pushed under it. A KBS that refuses leaves no tag, no digest and no --output.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { keyPair, writeKeyPair } from '../../helpers/fixtures.js';
import { startKbs, type KbsOptions, type TestKbs } from '../../helpers/kbs.js';
import { startFaultProxy } from '../../helpers/registry/fault-proxy.js';
import { needRegistry, useRegistry, type Registry } from '../../helpers/registry/registry.js';
import { assertNoTag, cli, printedDigest, sourceImage, tagState, type ProcResult } from './support.js';

const KEYID = 'kbs:///team/image-kek/app';

/** The manifest digests the registry stores for a repository, pushed by digest or tagged. */
function manifestsStored(reg: Registry, repo: string): string[] {
  const dir = join(reg.storageDir, 'docker/registry/v2/repositories', repo, '_manifests/revisions/sha256');
  return existsSync(dir) ? readdirSync(dir).map((h) => `sha256:${h}`) : [];
}

async function setup(t: TestContext, kbsOpts: KbsOptions = {}) {
  if (!needRegistry(t, 'plain')) return undefined;
  const reg = await useRegistry(t, { mode: 'plain' });
  const src = sourceImage();
  const kbs = await startKbs(kbsOpts);
  const push = (host: string, ...more: string[]): Promise<ProcResult> =>
    cli([
      'encrypt',
      '--layout',
      src.layout,
      '--image',
      `${host}/team/app:v1`,
      '--recipient',
      `provider:attestation-agent:keyid=${KEYID}`,
      '--recipient',
      `jwe:${src.pub}`,
      '--kbs-url',
      kbs.url,
      '--kbs-admin-key',
      kbs.writeAdminKey(src.dir),
      '--tls-verify=false',
      '--retries',
      '0',
      ...more,
    ]);
  return { reg, src, kbs, push };
}

function assertKbsUntouched(kbs: TestKbs): void {
  assert.equal(kbs.stored.length + kbs.refused.length, 0, 'the KBS was asked');
}

test('the KBS is asked once the image is in the registry by digest, verified and gated, before the tag', async (t) => {
  let seen: { tag: number; manifests: string[] } | undefined;
  const s = await setup(t, {
    before: async () => {
      seen = {
        tag: (await tagState(s!.reg, 'team/app', 'v1')).status,
        manifests: manifestsStored(s!.reg, 'team/app'),
      };
    },
  });
  if (!s) return;
  const r = await s.push(s.reg.host, '--verify-key', s.src.priv);
  const digest = printedDigest(r);
  assert.deepEqual(
    s.kbs.stored.map((x) => x.path),
    ['/kbs/v0/resource/team/image-kek/app'],
  );
  assert.ok(seen, 'the KBS was not asked');
  assert.equal(seen.tag, 404, 'the tag was pushed before the KEK was registered');
  assert.ok(seen.manifests.includes(digest), 'the KEK was registered before the image was pushed by digest');
  const lines = r.stderr.split('\n');
  const at = (re: RegExp) => lines.findIndex((l) => re.test(l));
  assert.ok(at(/decryptability gate: /) >= 0 && at(/decryptability gate: /) < at(/registered a fresh KEK/));
  assert.equal((await tagState(s.reg, 'team/app', 'v1')).digest, digest);
});

test('a failed upload registers nothing: the KEK under the keyid is left as it was', async (t) => {
  const s = await setup(t);
  if (!s) return;
  const proxy = await startFaultProxy({ url: s.reg.url });
  t.after(() => proxy.close());
  proxy.when('PUT', /\/manifests\//).fail(500, Infinity);
  const r = await s.push(proxy.host);
  assert.equal(r.status, 1, r.stderr);
  assert.equal(r.stdout, '');
  assertKbsUntouched(s.kbs);
  await assertNoTag(s.reg, 'team/app', 'v1');
});

test('a failed decryptability gate registers nothing', async (t) => {
  const s = await setup(t);
  if (!s) return;
  const stranger = writeKeyPair(s.src.dir, 'stranger', keyPair('p256'));
  const r = await s.push(s.reg.host, '--verify-key', stranger.priv);
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /error\[E_GATE\]/);
  assertKbsUntouched(s.kbs);
  await assertNoTag(s.reg, 'team/app', 'v1');
});

test('a KBS that refuses the KEK: no tag, no digest, and the --output written is removed', async (t) => {
  const s = await setup(t, { status: 500, body: 'storage failed' });
  if (!s) return;
  const out = join(s.src.dir, 'out');
  const digestFile = join(s.src.dir, 'digest');
  const r = await s.push(s.reg.host, '--output', out, '--digest-file', digestFile);
  assert.equal(r.status, 1, r.stderr);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /error\[E_PROVIDER\]: kbs-url: .*answered 500/);
  await assertNoTag(s.reg, 'team/app', 'v1');
  assert.equal(existsSync(out), false, 'the output is left');
  assert.equal(existsSync(digestFile), false, 'a digest file is written');
});
