/**
 * Confidential Containers in Tekton (./simulate.ts): KBS_URL and the admin key from the kbs-admin-key workspace
 * (the StepAction: KBS_ADMIN_KEY_DIR), against a test KBS on 127.0.0.1 that verifies the Ed25519 admin JWT and a
 * plain registry. The KEK the KBS stored opens the pushed image (skopeo copies it as it is, our CLI decrypts it
 * with that KEK); the key's text never reaches the step's output. A workspace that does not hold exactly one
 * file fails before the CLI runs.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCliAsync } from '../../test/helpers/cli.js';
import { tempDir } from '../../test/helpers/fixtures.js';
import { startKbs, type TestKbs } from '../../test/helpers/kbs.js';
import { needPeer, skopeo } from '../../test/helpers/peers.js';
import { needRegistry, useRegistry } from '../../test/helpers/registry/registry.js';
import { assertSameLayers, readManifest } from '../../test/interop/interop.js';
import {
  loadDoc,
  podDir,
  readResults,
  resolveStepAction,
  resolveTaskStep,
  runStep,
  secretVolume,
  STEPACTION_FILE,
  TASK_FILE,
  type StepResult,
} from './simulate.js';
import { newPod, skopeoAccess, type Pod } from './support.js';

const task = loadDoc(TASK_FILE);
const stepAction = loadDoc(STEPACTION_FILE);
const ANNOTATION = 'org.opencontainers.image.enc.keys.provider.attestation-agent';

/** What landed at ref: encrypted for the KEK the KBS stored (its kid on every layer), which opens it. */
async function assertOpensWithStoredKek(
  ref: string,
  access: string[],
  kbs: TestKbs,
  pod: Pod,
): Promise<void> {
  assert.equal(kbs.stored.length, 1, 'one KEK registered');
  const kid = `kbs://${kbs.stored[0]!.path.replace('/kbs/v0/resource', '')}`;
  const dir = tempDir('oep-kbs-check-');
  const enc = join(dir, 'enc');
  skopeo([
    'copy',
    '--quiet',
    ...access.map((a) => a.replace(/^--/, '--src-')),
    `docker://${ref}`,
    `oci:${enc}:latest`,
  ]);
  for (const l of readManifest(enc).doc.layers) {
    const packet = JSON.parse(Buffer.from(l.annotations![ANNOTATION]!, 'base64').toString('utf8')) as {
      kid: string;
    };
    assert.equal(packet.kid, kid);
  }
  const kek = kbs.writeStoredKek(dir);
  const dec = join(dir, 'dec');
  const d = await runCliAsync([
    'decrypt',
    '--layout',
    enc,
    '--output',
    dec,
    '--key',
    `provider:attestation-agent:keypath=${kek}`,
  ]);
  assert.equal(d.status, 0, d.stderr);
  assertSameLayers(dec, pod.layout);
}

function assertKeyNotShown(r: StepResult, kbs: TestKbs): void {
  const body = kbs.admin.privatePem.split('\n')[1]!;
  assert.ok(!r.stdout.includes(body) && !r.stderr.includes(body), 'the admin key is in the step output');
}

test('Task: KBS_URL and the kbs-admin-key workspace register the KEK; the stored KEK opens the pushed image', async (t) => {
  if (!needRegistry(t, 'plain') || !needPeer(t, 'skopeo')) return;
  const reg = await useRegistry(t, { mode: 'plain' });
  const kbs = await startKbs();
  const pod = newPod();
  const adminKey = secretVolume(join(pod.root, 'kbs-admin-key'), { 'private.key': kbs.admin.privatePem });
  const step = resolveTaskStep(task, {
    params: {
      IMAGE: `${reg.host}/coco/app:v1`,
      TLS_VERIFY: 'false',
      RECIPIENTS: 'provider:attestation-agent',
      KBS_URL: kbs.url,
    },
    workspaces: { source: pod.source, 'kbs-admin-key': adminKey },
    resultsDir: pod.results,
  });
  const r = await runStep(step, pod.root);
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  assert.deepEqual(kbs.refused, []);
  assert.match(
    r.stderr,
    /registered a fresh KEK at http:\/\/127\.0\.0\.1:\d+ as kbs:\/\/\/default\/image-kek\//,
  );
  assertKeyNotShown(r, kbs);
  assert.match(readResults(pod.results).IMAGE_DIGEST ?? '', /^sha256:[0-9a-f]{64}$/);
  await assertOpensWithStoredKek(`${reg.host}/coco/app:v1`, skopeoAccess(reg), kbs, pod);
});

test('StepAction: KBS_URL and KBS_ADMIN_KEY_DIR, a named keyid', async (t) => {
  if (!needRegistry(t, 'plain') || !needPeer(t, 'skopeo')) return;
  const reg = await useRegistry(t, { mode: 'plain' });
  const kbs = await startKbs();
  const pod = newPod();
  const step = resolveStepAction(stepAction, {
    params: {
      IMAGE: `${reg.host}/coco/app:v2`,
      LAYOUT: pod.layout,
      TLS_VERIFY: 'false',
      RECIPIENTS: 'provider:attestation-agent:keyid=kbs:///coco/image-kek/app',
      KBS_URL: kbs.url,
      KBS_ADMIN_KEY_DIR: secretVolume(join(pod.root, 'kbs'), { 'admin.pem': kbs.admin.privatePem }),
    },
    stepResultsDir: podDir(pod.root, join('steps', 'step-encrypt-push', 'results'), true),
  });
  const r = await runStep(step, pod.root);
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  assert.deepEqual(
    kbs.stored.map((s) => s.path),
    ['/kbs/v0/resource/coco/image-kek/app'],
  );
  assert.match(r.stderr, /resource coco\/image-kek\/app is replaced/);
  assertKeyNotShown(r, kbs);
  await assertOpensWithStoredKek(`${reg.host}/coco/app:v2`, skopeoAccess(reg), kbs, pod);
});

test('a kbs-admin-key workspace with no file or two: one error line before the CLI runs, nothing registered', async () => {
  const kbs = await startKbs();
  const cases: Record<string, string>[] = [
    {},
    { 'a.key': kbs.admin.privatePem, 'b.key': kbs.admin.privatePem },
  ];
  for (const files of cases) {
    const pod = newPod();
    const step = resolveTaskStep(task, {
      params: { IMAGE: 'r.example/app:v1', RECIPIENTS: 'provider:attestation-agent', KBS_URL: kbs.url },
      workspaces: {
        source: pod.source,
        'kbs-admin-key': secretVolume(join(pod.root, 'kbs-admin-key'), files),
      },
      resultsDir: pod.results,
    });
    const r = await runStep(step, pod.root, 60_000, '/nonexistent/bundle.js');
    assert.equal(r.status, 1);
    const n = Object.keys(files).length;
    assert.match(
      r.stderr,
      new RegExp(`^error\\[E_USAGE\\]: kbs-admin-key: .* holds ${n} files, not one .*\\n$`),
    );
    assert.equal(r.stdout, '');
  }
  assert.equal(kbs.stored.length + kbs.refused.length, 0);
});
