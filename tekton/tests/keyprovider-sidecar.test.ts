/**
 * samples/keyprovider-sidecar.yaml run as Tekton runs it (./simulate.ts): its `ref:` step resolved against the
 * StepAction, against a TLS + htpasswd registry (dockerconfig and ca-certs bound), with the test gRPC key
 * provider on 127.0.0.1 standing in for the sidecar. The pushed image, copied as is, carries the provider's
 * annotation on every layer, and that annotation alone (with the provider's KEK) opens each layer: the format
 * checked without our decrypt.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { sha256, tempDir } from '../../test/helpers/fixtures.js';
import { independentDecrypt, KMS_ANNOTATION, startGrpcProvider } from '../../test/helpers/keyprovider.js';
import { needPeer, skopeo } from '../../test/helpers/peers.js';
import { needRegistry, useRegistry } from '../../test/helpers/registry/registry.js';
import { readManifest } from '../../test/interop/interop.js';
import { isObject } from './schema.js';
import {
  loadDoc,
  podDir,
  readResults,
  resolveRefStep,
  runStep,
  STEPACTION_DIR,
  STEPACTION_FILE,
} from './simulate.js';
import { digestOf, dockerConfig, newPod, skopeoAccess } from './support.js';

const SAMPLE = join(STEPACTION_DIR, 'samples', 'keyprovider-sidecar.yaml');
const SIDECAR_ADDRESS = '127.0.0.1:50051';

type Obj = Record<string, unknown>;
const list = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter(isObject) : []);

test('sample keyprovider-sidecar: the StepAction wraps every layer key through the gRPC provider beside it', async (t) => {
  if (!needRegistry(t, 'htpasswd') || !needPeer(t, 'skopeo')) return;
  const reg = await useRegistry(t, { mode: 'htpasswd' });
  assert.ok(reg.caFile);
  const kek = randomBytes(32);
  const provider = await startGrpcProvider(kek);
  t.after(() => provider.close());

  // The sample as written: a sidecar on 127.0.0.1:50051, the step's provider config naming that address.
  const task = loadDoc(SAMPLE);
  const spec = task.value.spec as Obj;
  const [sidecar] = list(spec.sidecars);
  assert.ok(
    JSON.stringify(sidecar).includes(SIDECAR_ADDRESS),
    'the sidecar does not listen on 127.0.0.1:50051',
  );
  const step = list(spec.steps).find((s) => s.name === 'encrypt-push')!;
  const config = list(step.params).find((p) => p.name === 'KEYPROVIDER_CONFIG')!;
  assert.deepEqual(JSON.parse(String(config.value)), { 'key-providers': { kms: { grpc: SIDECAR_ADDRESS } } });
  // Its one edit here: port 50051 of this machine may be taken, so the stand-in listens on a free port.
  config.value = String(config.value).replace(SIDECAR_ADDRESS, provider.address);

  const pod = newPod();
  const docker = podDir(pod.root, 'dockerconfig');
  writeFileSync(join(docker, '.dockerconfigjson'), dockerConfig(reg), { mode: 0o644 });
  const ca = podDir(pod.root, 'ca-certs');
  copyFileSync(reg.caFile, join(ca, 'registry-ca.pem'));
  const stepResults = podDir(pod.root, join('steps', 'step-encrypt-push', 'results'), true);
  const image = `${reg.host}/team/app:kms`;
  const resolved = resolveRefStep(task, 'encrypt-push', loadDoc(STEPACTION_FILE), {
    params: { IMAGE: image, KMS_KEY: 'projects/p/keys/release', PROVIDER_IMAGE: 'not run here' },
    workspaces: { source: pod.source, dockerconfig: docker, 'ca-certs': ca },
    stepResultsDir: stepResults,
  });
  assert.equal(resolved.env.PARAM_RECIPIENTS, 'provider:kms:projects/p/keys/release');
  const r = await runStep(resolved, pod.root);
  t.diagnostic(`ran as ${r.user}`);
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);

  const source = readManifest(pod.layout).doc;
  assert.deepEqual(
    provider.ops,
    source.layers.map(() => 'keywrap'),
    'one wrap a layer',
  );
  const access = skopeoAccess(reg);
  assert.equal(readResults(stepResults).IMAGE_DIGEST, digestOf(image, access));

  // What the registry holds, copied as is (no key): each layer opens with the provider's annotation and KEK.
  const enc = join(tempDir('oep-kms-check-'), 'enc');
  const src = access.map((a) => a.replace(/^--/, '--src-'));
  skopeo(['copy', '--quiet', ...src, `docker://${image}`, `oci:${enc}:latest`]);
  const pushed = readManifest(enc).doc;
  pushed.layers.forEach((l, i) => {
    const want = source.layers[i]!;
    assert.equal(l.mediaType, `${want.mediaType}+encrypted`, `layer ${i}`);
    assert.ok(l.annotations?.[KMS_ANNOTATION], `layer ${i}: no ${KMS_ANNOTATION}`);
    const ciphertext = readFileSync(join(enc, 'blobs', 'sha256', l.digest.slice(7)));
    assert.equal(
      sha256(independentDecrypt({ ...l }, ciphertext, kek, KMS_ANNOTATION)),
      want.digest,
      `layer ${i}`,
    );
  });
});
