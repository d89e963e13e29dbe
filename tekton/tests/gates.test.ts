/**
 * The release gates through the Task's step, run as Tekton runs it (./simulate.ts), against the real registry:
 * the verify-keys workspace (a Secret of private keys) gates the tag, EXPECT_RECIPIENTS and CONFIG_SECRETS=fail
 * stop the step before anything is uploaded. A failed step writes no result.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { fingerprintOf, keyPair, makeLayout } from '../../test/helpers/fixtures.js';
import { leakyImage } from '../../test/helpers/leaks.js';
import { needPeer } from '../../test/helpers/peers.js';
import { needRegistry, useRegistry, type Registry } from '../../test/helpers/registry/registry.js';
import { loadDoc, readResults, resolveTaskStep, runStep, secretVolume, TASK_FILE } from './simulate.js';
import { digestOf, keysVolume, newPod, recipients, skopeoAccess, tagsOf, type Pod } from './support.js';

const task = loadDoc(TASK_FILE);
const keys = recipients();
const stranger = keyPair('p256');
const fp = fingerprintOf;

function uploadsLogged(reg: Registry): string[] {
  return reg.logs().match(/"(?:POST|PUT|PATCH) \/v2\/[^"]*"/g) ?? [];
}

async function run(
  reg: Registry,
  pod: Pod,
  params: Record<string, string>,
  workspaces: Record<string, string> = {},
) {
  const step = resolveTaskStep(task, {
    params: { IMAGE: `${reg.host}/team/app:v1`, TLS_VERIFY: 'false', ...params },
    workspaces: { source: pod.source, 'encryption-keys': keysVolume(pod, keys), ...workspaces },
    resultsDir: pod.results,
  });
  return runStep(step, pod.root);
}

async function registry(t: TestContext): Promise<Registry | undefined> {
  if (!needRegistry(t, 'plain') || !needPeer(t, 'skopeo')) return undefined;
  return useRegistry(t, { mode: 'plain' });
}

test('Task: the verify-keys workspace with the right keys lets the tag move; EXPECT_RECIPIENTS matches', async (t) => {
  const reg = await registry(t);
  if (!reg) return;
  const pod = newPod();
  const verify = secretVolume(join(pod.root, 'verify-keys'), {
    'rsa.key.pem': keys.rsa.privatePem,
    'ec.key.pem': keys.ec.privatePem,
  });
  const r = await run(
    reg,
    pod,
    { EXPECT_RECIPIENTS: `${fp(keys.rsa.publicKey)},${fp(keys.ec.publicKey)}` },
    { 'verify-keys': verify },
  );
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  assert.match(
    r.stderr,
    /decryptability gate: sha256:[0-9a-f]{64}, sha256:[0-9a-f]{64} open all 2 encrypted/,
  );
  assert.equal(readResults(pod.results).IMAGE_DIGEST, digestOf(`${reg.host}/team/app:v1`, skopeoAccess(reg)));
});

test('Task: a verify key the image is not for fails the step; no tag, no result', async (t) => {
  const reg = await registry(t);
  if (!reg) return;
  const pod = newPod();
  const verify = secretVolume(join(pod.root, 'verify-keys'), { 'prod.key.pem': stranger.privatePem });
  const r = await run(reg, pod, {}, { 'verify-keys': verify });
  assert.equal(r.status, 1, r.stderr);
  assert.equal(r.stdout, '');
  assert.match(
    r.stderr,
    new RegExp(`error\\[E_GATE\\]: decryptability gate: verify key ${fp(stranger.publicKey)}`),
  );
  assert.deepEqual(readResults(pod.results), {}, 'no result was written');
  assert.deepEqual(tagsOf(`${reg.host}/team/app`, skopeoAccess(reg)), []);
});

test('Task: EXPECT_RECIPIENTS mismatch and CONFIG_SECRETS=fail upload nothing', async (t) => {
  const reg = await registry(t);
  if (!reg) return;
  const pinned = newPod();
  const r = await run(reg, pinned, { EXPECT_RECIPIENTS: fp(keys.rsa.publicKey) });
  assert.equal(r.status, 1, r.stderr);
  assert.match(
    r.stderr,
    new RegExp(`error\\[E_RECIPIENTS\\]: expect-recipients: .*unexpected ${fp(keys.ec.publicKey)}`),
  );

  const leaky = newPod();
  const { spec, secrets } = leakyImage();
  makeLayout(join(leaky.source, 'leaky'), { layers: [{ files: { a: 'a' } }], ...spec });
  const c = await run(reg, leaky, { LAYOUT: 'leaky', CONFIG_SECRETS: 'fail' });
  assert.equal(c.status, 1, c.stderr);
  assert.match(c.stderr, /error\[E_CONFIG_SECRET\]: config-secrets: /);
  for (const s of secrets)
    assert.ok(!c.stderr.includes(s) && !c.stdout.includes(s), 'a secret value was printed');

  assert.deepEqual(uploadsLogged(reg), [], 'nothing was uploaded');
  assert.deepEqual(readResults(pinned.results), {});
  assert.deepEqual(readResults(leaky.results), {});
});

test('Task: a bound verify-keys workspace holding no key fails the step instead of skipping the gate', async () => {
  // No registry needed: the step must stop before the CLI runs, so a wrong Secret never ships ungated.
  const pod = newPod();
  const verify = secretVolume(join(pod.root, 'verify-keys'), {});
  const step = resolveTaskStep(task, {
    params: { IMAGE: 'r.example/app:v1' },
    workspaces: { source: pod.source, 'encryption-keys': keysVolume(pod, keys), 'verify-keys': verify },
    resultsDir: pod.results,
  });
  const r = await runStep(step, pod.root, 60_000, '/nonexistent/bundle.js');
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^error\[E_USAGE\]: verify-keys: .* holds no key file .*\n$/);
  assert.equal(r.stdout, '');
  assert.deepEqual(readResults(pod.results), {}, 'no result was written');
});
