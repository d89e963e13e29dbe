/**
 * The step image is pinned by digest: the defaults of the Task and the StepAction name one, and the script the
 * release workflow runs (tekton/pin-step-image.sh) rewrites exactly that default to the digest it pushed.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../../test/helpers/fixtures.js';
import { loadDoc, ROOT, STEPACTION_FILE, TASK_FILE } from './simulate.js';

const PINNED = /^[a-z0-9.-]+(?::\d+)?\/[a-z0-9._/-]+(?::[\w.-]+)?@sha256:[0-9a-f]{64}$/;
const PIN_SCRIPT = join(ROOT, 'tekton', 'pin-step-image.sh');

function stepImageDefault(file: string): unknown {
  const spec = loadDoc(file).value.spec as { params: { name: string; default?: unknown }[] };
  return spec.params.find((p) => p.name === 'STEP_IMAGE')?.default;
}

test('STEP_IMAGE defaults to an image pinned by digest, the same in the Task and the StepAction', () => {
  const task = stepImageDefault(TASK_FILE);
  assert.match(String(task), PINNED);
  assert.equal(stepImageDefault(STEPACTION_FILE), task);
});

test('the release pin script rewrites the STEP_IMAGE default only', () => {
  const dir = tempDir('oep-pin-');
  const files = [TASK_FILE, STEPACTION_FILE].map((f, i) => {
    const copy = join(dir, `${i}.yaml`);
    copyFileSync(f, copy);
    return copy;
  });
  const ref = `ghcr.io/org/oci-encrypt-push:v9.9.9@sha256:${'ab'.repeat(32)}`;
  const r = spawnSync('sh', [PIN_SCRIPT, ref, ...files], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  for (const [i, f] of [TASK_FILE, STEPACTION_FILE].entries()) {
    assert.equal(stepImageDefault(files[i]!), ref);
    const before = readFileSync(f, 'utf8').split('\n');
    const after = readFileSync(files[i]!, 'utf8').split('\n');
    assert.equal(after.length, before.length);
    assert.equal(after.filter((l, n) => l !== before[n]).length, 1, 'only one line changes');
  }
});

test('the pin script refuses a reference without a digest and a file without STEP_IMAGE', () => {
  const dir = tempDir('oep-pin-');
  const copy = join(dir, 'task.yaml');
  copyFileSync(TASK_FILE, copy);
  const tagOnly = spawnSync('sh', [PIN_SCRIPT, 'ghcr.io/org/oci-encrypt-push:v1', copy], {
    encoding: 'utf8',
  });
  assert.notEqual(tagOnly.status, 0);
  assert.match(tagOnly.stderr, /not pinned by digest/);
  assert.equal(readFileSync(copy, 'utf8'), readFileSync(TASK_FILE, 'utf8'), 'the file was changed');
  const other = join(dir, 'other.yaml');
  copyFileSync(join(ROOT, 'action.yml'), other);
  const none = spawnSync('sh', [PIN_SCRIPT, `ghcr.io/o/i:v1@sha256:${'0'.repeat(64)}`, other], {
    encoding: 'utf8',
  });
  assert.notEqual(none.status, 0);
  assert.match(none.stderr, /no STEP_IMAGE default/);
});
