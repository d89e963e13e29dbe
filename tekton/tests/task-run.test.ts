/**
 * The Task's step run as Tekton runs it (./simulate.ts) against the real distribution registry: a plain one with
 * keys from the encryption-keys workspace, and a TLS + htpasswd one with credentials from a dockerconfig Secret,
 * the CA from ca-certs and recipients from RECIPIENTS. The results are checked against what skopeo reads back, and
 * skopeo decrypts the pushed image with each private key.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { needPeer } from '../../test/helpers/peers.js';
import { needRegistry, useRegistry } from '../../test/helpers/registry/registry.js';
import { loadDoc, readResults, resolveTaskStep, runStep, secretVolume, TASK_FILE } from './simulate.js';
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
import { terminationMessageBytes, TERMINATION_MESSAGE_MAX } from './validate.js';

const task = loadDoc(TASK_FILE);
const RESULTS = ['IMAGES', 'IMAGE_ARTIFACT_OUTPUTS', 'IMAGE_DIGEST', 'IMAGE_REF', 'IMAGE_URL'];

function assertCleanResults(results: Record<string, string>): void {
  assert.deepEqual(Object.keys(results).sort(), RESULTS);
  for (const [k, v] of Object.entries(results))
    assert.doesNotMatch(v, /\s$|^\s/, `${k} has surrounding whitespace`);
  // As the termination message holds them: each value escaped as a JSON string.
  const bytes = terminationMessageBytes(
    Object.fromEntries(Object.entries(results).map(([k, v]) => [k, JSON.stringify(v).length - 2])),
  );
  assert.ok(bytes <= TERMINATION_MESSAGE_MAX, `results take ${bytes} bytes`);
}

test('Task, plain registry: pushes v1, v1.0 and latest with one digest; results match the registry', async (t) => {
  if (!needRegistry(t, 'plain') || !needPeer(t, 'skopeo')) return;
  const reg = await useRegistry(t, { mode: 'plain' });
  const pod = newPod();
  const keys = recipients();
  const step = resolveTaskStep(task, {
    params: { IMAGE: `${reg.host}/team/app:v1`, TAGS: 'v1.0,latest', TLS_VERIFY: 'false' },
    workspaces: { source: pod.source, 'encryption-keys': keysVolume(pod, keys) },
    resultsDir: pod.results,
  });
  assert.equal(step.workingDir, pod.source);
  assert.equal(step.env.DOCKERCONFIG_DIR, '', 'an unbound optional workspace has an empty path');
  const r = await runStep(step, pod.root);
  t.diagnostic(`ran as ${r.user}`);
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);

  const results = readResults(pod.results);
  assertCleanResults(results);
  const access = skopeoAccess(reg);
  const digest = digestOf(`${reg.host}/team/app:v1`, access);
  assert.equal(results.IMAGE_DIGEST, digest);
  for (const tag of ['v1.0', 'latest'])
    assert.equal(digestOf(`${reg.host}/team/app:${tag}`, access), digest, tag);
  assert.equal(results.IMAGE_URL, `${reg.host}/team/app:v1`);
  assert.equal(results.IMAGE_REF, `${reg.host}/team/app@${digest}`);
  assert.equal(results.IMAGES, `${reg.host}/team/app@${digest}`);
  splitResults(results, task, `${reg.host}/team/app`, digest);
  assert.equal(r.stdout.trim(), digest, 'the CLI prints the digest on stdout');
  assertEncryptedFor(`${reg.host}/team/app:v1`, access, pod, [keys.rsa, keys.ec]);
});

test('Task, TLS + htpasswd registry: dockerconfig Secret, ca-certs, RECIPIENTS; no password in the logs', async (t) => {
  if (!needRegistry(t, 'htpasswd') || !needPeer(t, 'skopeo')) return;
  const reg = await useRegistry(t, { mode: 'htpasswd' });
  assert.ok(reg.caFile);
  const pod = newPod();
  const keys = recipients();
  // RECIPIENTS are files relative to the source workspace.
  secretVolume(join(pod.source, 'keys'), keys.files);
  const dockerconfig = secretVolume(join(pod.root, 'dockerconfig'), {
    '.dockerconfigjson': dockerConfig(reg),
  });
  const caCerts = secretVolume(join(pod.root, 'ca-certs'), { 'ca.crt': readFileSync(reg.caFile) });
  const step = resolveTaskStep(task, {
    params: { IMAGE: `${reg.host}/team/app:v2`, RECIPIENTS: 'jwe:keys/team.pub.pem keys/ops.pub.jwk' },
    workspaces: { source: pod.source, dockerconfig, 'ca-certs': caCerts },
    resultsDir: pod.results,
  });
  assert.equal(step.env.PARAM_TLS_VERIFY, 'true', 'the default verifies TLS');
  const r = await runStep(step, pod.root);
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  const auth = Buffer.from(`${reg.username}:${reg.password}`).toString('base64');
  for (const secret of [reg.password, auth]) {
    assert.ok(!r.stdout.includes(secret) && !r.stderr.includes(secret), 'a credential is in the step output');
  }

  const results = readResults(pod.results);
  assertCleanResults(results);
  const access = skopeoAccess(reg);
  const digest = digestOf(`${reg.host}/team/app:v2`, access);
  assert.deepEqual(splitResults(results, task, `${reg.host}/team/app`, digest), {
    IMAGE_DIGEST: digest,
    IMAGE_URL: `${reg.host}/team/app:v2`,
    IMAGE_REF: `${reg.host}/team/app@${digest}`,
    IMAGES: `${reg.host}/team/app@${digest}`,
  });
  assertEncryptedFor(`${reg.host}/team/app:v2`, access, pod, [keys.rsa, keys.ec]);
});
