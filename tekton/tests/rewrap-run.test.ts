/**
 * The rewrap Task's step run as Tekton runs it (./simulate.ts: params in env,
 * workspaces as folders, mounted Secrets as Kubernetes lays them out, result paths as files, the step as user
 * 65532) against the real distribution registry, with skopeo as the oracle: an image pushed for A is rewrapped for
 * {A, B} with the same layer blobs; with REKEY=true and the registry's credentials from a dockerconfig Secret it
 * gets new blobs that only B opens; a bad REKEY, a key that opens nothing and an EXPECT_RECIPIENTS the recipients
 * are not fail with no result and no tag.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { pushImage } from '../../src/pipeline/push.js';
import { parseRecipients } from '../../src/pipeline/keys.js';
import { fingerprintOf, keyPair, tempDir, type KeyPair } from '../../test/helpers/fixtures.js';
import { needPeer, run } from '../../test/helpers/peers.js';
import { needRegistry, useRegistry, type Registry } from '../../test/helpers/registry/registry.js';
import { loadDoc, readResults, resolveTaskStep, REWRAP_FILE, runStep, secretVolume } from './simulate.js';
import {
  assertEncryptedFor,
  digestOf,
  dockerConfig,
  newPod,
  rawManifest,
  skopeoAccess,
  splitResults,
  tagsOf,
  type Pod,
} from './support.js';

const task = loadDoc(REWRAP_FILE);
const a = keyPair('rsa2048');
const b = keyPair('p256');

/** The pod's source image pushed for A to ref, as the main Task would have. */
async function pushForA(reg: Registry, pod: Pod, ref: string): Promise<void> {
  await pushImage({
    layout: pod.layout,
    image: `${reg.host}/${ref}`,
    recipients: parseRecipients(a.publicPem, 'a.pub.pem'),
    verify: true,
    registry: {
      tlsVerify: reg.caFile !== undefined,
      ...(reg.caFile ? { ca: readFileSync(reg.caFile, 'utf8') } : {}),
      ...(reg.mode !== 'plain' ? { username: reg.username, password: reg.password } : {}),
      retries: 1,
      env: {},
    },
  });
}

function layersOf(ref: string, access: string[]): string[] {
  const index = JSON.parse(rawManifest(ref, access).toString('utf8')) as { layers: { digest: string }[] };
  return index.layers.map((l) => l.digest);
}

/** The private keys (decryption-keys) and recipients (encryption-keys) as mounted Secrets. */
function keyVolumes(pod: Pod, priv: KeyPair[], pub: KeyPair[], tag = ''): Record<string, string> {
  const files = (ks: KeyPair[], pem: (k: KeyPair) => string, ext: string) =>
    Object.fromEntries(ks.map((k, i) => [`key-${i}.${ext}`, pem(k)]));
  return {
    'decryption-keys': secretVolume(
      join(pod.root, `decryption-keys${tag}`),
      files(priv, (k) => k.privatePem, 'key.pem'),
    ),
    'encryption-keys': secretVolume(
      join(pod.root, `encryption-keys${tag}`),
      files(pub, (k) => k.publicPem, 'pub.pem'),
    ),
  };
}

function assertFailed(r: { status: number; stderr: string }, status: number, pattern: RegExp): void {
  assert.equal(r.status, status, r.stderr);
  const lines = r.stderr.split('\n').filter((l) => l.startsWith('error['));
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0]!, pattern);
}

test('rewrap Task, plain registry: {A, B} with the same layer blobs; results match the registry', async (t) => {
  if (!needRegistry(t, 'plain') || !needPeer(t, 'skopeo')) return;
  const reg = await useRegistry(t, { mode: 'plain' });
  const pod = newPod();
  await pushForA(reg, pod, 'team/app:v1');
  const access = skopeoAccess(reg);
  const before = layersOf(`${reg.host}/team/app:v1`, access);
  const step = resolveTaskStep(task, {
    params: {
      FROM: `${reg.host}/team/app:v1`,
      IMAGE: `${reg.host}/team/app:v1-ab`,
      TAGS: 'latest',
      TLS_VERIFY: 'false',
    },
    workspaces: keyVolumes(pod, [a], [a, b]),
    resultsDir: pod.results,
  });
  assert.equal(step.env.DOCKERCONFIG_DIR, '', 'an unbound optional workspace has an empty path');
  const r = await runStep(step, pod.root);
  t.diagnostic(`ran as ${r.user}`);
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);

  const digest = digestOf(`${reg.host}/team/app:v1-ab`, access);
  assert.deepEqual(splitResults(readResults(pod.results), task, `${reg.host}/team/app`, digest), {
    IMAGE_DIGEST: digest,
    IMAGE_URL: `${reg.host}/team/app:v1-ab`,
    IMAGE_REF: `${reg.host}/team/app@${digest}`,
    IMAGES: `${reg.host}/team/app@${digest}`,
  });
  assert.equal(digestOf(`${reg.host}/team/app:latest`, access), digest);
  assert.deepEqual(layersOf(`${reg.host}/team/app:v1-ab`, access), before, 'the same layer blobs');
  assert.match(r.stderr, /rewrapped layer/);
  assertEncryptedFor(`${reg.host}/team/app:v1-ab`, access, pod, [a, b]);
});

test('rewrap Task, TLS + htpasswd registry, dockerconfig Secret, REKEY=true: new blobs only B opens', async (t) => {
  if (!needRegistry(t, 'htpasswd') || !needPeer(t, 'skopeo')) return;
  const reg = await useRegistry(t, { mode: 'htpasswd' });
  assert.ok(reg.caFile);
  const pod = newPod();
  await pushForA(reg, pod, 'team/app:v1');
  const access = skopeoAccess(reg);
  const before = layersOf(`${reg.host}/team/app:v1`, access);
  const step = resolveTaskStep(task, {
    params: { FROM: `${reg.host}/team/app:v1`, IMAGE: `${reg.host}/team/app:v1`, REKEY: 'true' },
    workspaces: {
      ...keyVolumes(pod, [a], [b]),
      dockerconfig: secretVolume(join(pod.root, 'dockerconfig'), { '.dockerconfigjson': dockerConfig(reg) }),
      'ca-certs': secretVolume(join(pod.root, 'ca-certs'), { 'ca.crt': readFileSync(reg.caFile) }),
    },
    resultsDir: pod.results,
  });
  const r = await runStep(step, pod.root);
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  const auth = Buffer.from(`${reg.username}:${reg.password}`).toString('base64');
  for (const secret of [reg.password, auth, a.privatePem.split('\n')[1]!])
    assert.ok(!r.stdout.includes(secret) && !r.stderr.includes(secret), 'a secret is in the step output');

  const digest = digestOf(`${reg.host}/team/app:v1`, access);
  assert.equal(readResults(pod.results).IMAGE_DIGEST, digest, 'the tag moved to the rekeyed image');
  const after = layersOf(`${reg.host}/team/app:v1`, access);
  after.forEach((d, i) => assert.notEqual(d, before[i], `layer ${i} is still the old blob`));
  assertEncryptedFor(`${reg.host}/team/app:v1`, access, pod, [b]);
  const dir = tempDir('oep-tekton-a-');
  const key = join(dir, 'a.key.pem');
  writeFileSync(key, a.privatePem, { mode: 0o600 });
  const src = access.map((x) => x.replace(/^--/, '--src-'));
  const s = run('skopeo', [
    ...['--insecure-policy', 'copy', '--quiet', ...src, '--decryption-key', key],
    ...[`docker://${reg.host}/team/app:v1`, `oci:${join(dir, 'out')}:x`],
  ]);
  assert.notEqual(s.status, 0, 'A still opens the rekeyed image');
});

test('rewrap Task: a bad REKEY, a key that opens nothing, and recipients not the EXPECT_RECIPIENTS fail with no result and no tag', async (t) => {
  if (!needRegistry(t, 'plain') || !needPeer(t, 'skopeo')) return;
  const reg = await useRegistry(t, { mode: 'plain' });
  const pod = newPod();
  await pushForA(reg, pod, 'team/app:v1');
  const access = skopeoAccess(reg);
  const params = { FROM: `${reg.host}/team/app:v1`, IMAGE: `${reg.host}/other/app:v2`, TLS_VERIFY: 'false' };

  const badRekey = resolveTaskStep(task, {
    params: { ...params, REKEY: 'yes' },
    workspaces: keyVolumes(pod, [a], [b]),
    resultsDir: pod.results,
  });
  assertFailed(await runStep(badRekey, pod.root), 2, /^error\[E_USAGE\]: rekey: "yes" is not true or false/);

  const wrongKey = resolveTaskStep(task, {
    params,
    workspaces: keyVolumes(pod, [b], [b], '-wrong'),
    resultsDir: pod.results,
  });
  assertFailed(
    await runStep(wrongKey, pod.root),
    1,
    /^error\[E_DECRYPT\]: .*layer 0 of the linux\/amd64 image: none of the given keys opens layer sha256:/,
  );

  // Pinned to B alone, while the encryption-keys Secret holds A and B (a stale Secret, say).
  const pinned = resolveTaskStep(task, {
    params: { ...params, EXPECT_RECIPIENTS: fingerprintOf(b.publicKey) },
    workspaces: keyVolumes(pod, [a], [a, b], '-pinned'),
    resultsDir: pod.results,
  });
  assert.equal(pinned.env.PARAM_EXPECT_RECIPIENTS, fingerprintOf(b.publicKey), 'passed in env');
  assert.ok(!pinned.script.includes(fingerprintOf(b.publicKey)), 'pasted into the script');
  assertFailed(
    await runStep(pinned, pod.root),
    1,
    new RegExp(`^error\\[E_RECIPIENTS\\]: expect-recipients: .*unexpected ${fingerprintOf(a.publicKey)}`),
  );
  assert.deepEqual(readResults(pod.results), {}, 'a result file was written');
  assert.deepEqual(tagsOf(`${reg.host}/other/app`, access), [], 'something was pushed');
});
