/**
 * The StepAction run as Tekton runs a `ref:` step (./simulate.ts): paths as params (LAYOUT, KEYS_DIR,
 * DOCKERCONFIG_DIR, CA_DIR) instead of workspaces, step results instead of task results. Against a TLS + htpasswd
 * registry, with a docker-login style config.json folder, and a second repository named in TAGS, so IMAGES holds
 * two entries.
 */
import assert from 'node:assert/strict';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { needPeer } from '../../test/helpers/peers.js';
import { needRegistry, useRegistry } from '../../test/helpers/registry/registry.js';
import { loadDoc, podDir, readResults, resolveStepAction, runStep, STEPACTION_FILE } from './simulate.js';
import {
  assertEncryptedFor,
  digestOf,
  dockerConfig,
  keysVolume,
  newPod,
  recipients,
  skopeoAccess,
  splitResults,
} from './support.js';

const stepAction = loadDoc(STEPACTION_FILE);

test('StepAction, TLS + htpasswd registry: KEYS_DIR, DOCKERCONFIG_DIR (config.json), CA_DIR, two repositories', async (t) => {
  if (!needRegistry(t, 'htpasswd') || !needPeer(t, 'skopeo')) return;
  const reg = await useRegistry(t, { mode: 'htpasswd' });
  assert.ok(reg.caFile);
  const pod = newPod();
  const keys = recipients();
  const docker = podDir(pod.root, 'docker');
  writeFileSync(join(docker, 'config.json'), dockerConfig(reg), { mode: 0o644 });
  const ca = podDir(pod.root, 'ca');
  copyFileSync(reg.caFile, join(ca, 'registry-ca.pem'));
  const stepResults = podDir(pod.root, join('steps', 'step-encrypt-push', 'results'), true);

  const step = resolveStepAction(stepAction, {
    params: {
      IMAGE: `${reg.host}/team/app:v3`,
      TAGS: `v3.0 ${reg.host}/mirror/app:stable`,
      LAYOUT: pod.layout,
      KEYS_DIR: keysVolume(pod, keys),
      DOCKERCONFIG_DIR: docker,
      CA_DIR: ca,
    },
    stepResultsDir: stepResults,
  });
  assert.equal(step.workingDir, undefined, 'a StepAction runs in the image working dir; paths are absolute');
  const r = await runStep(step, pod.root);
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  assert.ok(
    !r.stderr.includes(reg.password) && !r.stdout.includes(reg.password),
    'the password is in the output',
  );

  const access = skopeoAccess(reg);
  const digest = digestOf(`${reg.host}/team/app:v3`, access);
  assert.equal(digestOf(`${reg.host}/team/app:v3.0`, access), digest);
  assert.equal(digestOf(`${reg.host}/mirror/app:stable`, access), digest);
  assert.deepEqual(splitResults(readResults(stepResults), stepAction, `${reg.host}/team/app`, digest), {
    IMAGE_DIGEST: digest,
    IMAGE_URL: `${reg.host}/team/app:v3`,
    IMAGE_REF: `${reg.host}/team/app@${digest}`,
    IMAGES: `${reg.host}/team/app@${digest},${reg.host}/mirror/app@${digest}`,
  });
  assert.deepEqual(readResults(pod.results), {}, 'a StepAction writes step results only');
  assertEncryptedFor(`${reg.host}/mirror/app:stable`, access, pod, [keys.rsa, keys.ec]);
});
