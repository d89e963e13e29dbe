/**
 * PUSH_BY_DIGEST=true, the per-platform half of a fan-out build (a Tekton matrix): the Task's step and the
 * StepAction, run as Tekton runs them (./simulate.ts) against the real registry, push and verify the image with no
 * tag at all, and still write IMAGE_DIGEST, IMAGE_REF and IMAGE_ARTIFACT_OUTPUTS for the index task and Chains.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sha256 } from '../../test/helpers/fixtures.js';
import { needPeer } from '../../test/helpers/peers.js';
import { needRegistry, useRegistry } from '../../test/helpers/registry/registry.js';
import {
  loadDoc,
  readResults,
  resolveStepAction,
  resolveTaskStep,
  runStep,
  STEPACTION_FILE,
  TASK_FILE,
} from './simulate.js';
import {
  keysVolume,
  newPod,
  rawManifest,
  recipients,
  skopeoAccess,
  splitResults,
  tagsOf,
} from './support.js';

const task = loadDoc(TASK_FILE);
const stepAction = loadDoc(STEPACTION_FILE);

test('Task, PUSH_BY_DIGEST=true: the image is in the registry by digest, no tag appears, results are written', async (t) => {
  if (!needRegistry(t, 'plain') || !needPeer(t, 'skopeo')) return;
  const reg = await useRegistry(t, { mode: 'plain' });
  const pod = newPod();
  const repo = `${reg.host}/team/app`;
  const step = resolveTaskStep(task, {
    params: { IMAGE: repo, PLATFORMS: 'linux/amd64', PUSH_BY_DIGEST: 'true', TLS_VERIFY: 'false' },
    workspaces: { source: pod.source, 'encryption-keys': keysVolume(pod, recipients()) },
    resultsDir: pod.results,
  });
  const r = await runStep(step, pod.root);
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);

  const access = skopeoAccess(reg);
  assert.deepEqual(tagsOf(repo, access), [], 'a tag was pushed');
  const results = readResults(pod.results);
  const digest = results.IMAGE_DIGEST ?? '';
  assert.match(digest, /^sha256:[0-9a-f]{64}$/);
  assert.equal(sha256(rawManifest(`${repo}@${digest}`, access)), digest, 'the registry serves IMAGE_DIGEST');
  const strings = splitResults(results, task, repo, digest);
  assert.equal(strings.IMAGE_REF, `${repo}@${digest}`);
  assert.equal(strings.IMAGES, `${repo}@${digest}`);
});

test('StepAction, PUSH_BY_DIGEST=true: no tag, IMAGE_DIGEST and IMAGE_ARTIFACT_OUTPUTS written', async (t) => {
  if (!needRegistry(t, 'plain') || !needPeer(t, 'skopeo')) return;
  const reg = await useRegistry(t, { mode: 'plain' });
  const pod = newPod();
  const repo = `${reg.host}/team/step`;
  const step = resolveStepAction(stepAction, {
    params: {
      IMAGE: repo,
      LAYOUT: pod.layout,
      KEYS_DIR: keysVolume(pod, recipients()),
      PUSH_BY_DIGEST: 'true',
      TLS_VERIFY: 'false',
    },
    stepResultsDir: pod.results,
  });
  const r = await runStep(step, pod.root);
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  const access = skopeoAccess(reg);
  assert.deepEqual(tagsOf(repo, access), [], 'a tag was pushed');
  const results = readResults(pod.results);
  const digest = results.IMAGE_DIGEST ?? '';
  assert.equal(sha256(rawManifest(`${repo}@${digest}`, access)), digest, 'the registry serves IMAGE_DIGEST');
  assert.equal(splitResults(results, stepAction, repo, digest).IMAGE_REF, `${repo}@${digest}`);
});

test('PUSH_BY_DIGEST defaults to "false" and reaches the CLI through env, not the script text', () => {
  const step = resolveTaskStep(task, {
    params: { IMAGE: 'r.example/a', PUSH_BY_DIGEST: '$(touch /tmp/x)' },
    workspaces: { source: '/src' },
    resultsDir: '/results',
  });
  assert.equal(step.env.PARAM_PUSH_BY_DIGEST, '$(touch /tmp/x)');
  assert.ok(!step.script.includes('touch'), 'the param value is pasted into the script');
  const defaults = resolveTaskStep(task, {
    params: { IMAGE: 'r.example/a' },
    workspaces: { source: '/src' },
    resultsDir: '/results',
  });
  assert.equal(defaults.env.PARAM_PUSH_BY_DIGEST, 'false');
});
