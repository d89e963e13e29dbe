/**
 * The rewrap Task and its sample Pipeline under @ibm/tekton-lint (./tekton-lint.test.ts lints every
 * file of tekton/ together; here the Task alone must have no problem at all, and the linter must see the sample
 * Pipeline's params against it, through the bundles resolver reference resolved to the Task here).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { localCopy, tektonLint } from './lint.js';
import { REWRAP_DIR, REWRAP_FILE } from './paths.js';

const TASK = REWRAP_FILE;
const PIPELINE = join(REWRAP_DIR, 'samples', 'pipeline.yaml');

test('tekton-lint: the rewrap Task alone has no problem at all', () => {
  const { problems, status, output } = tektonLint([TASK]);
  assert.deepEqual(problems, [], output);
  assert.equal(status, 0, output);
});

test('tekton-lint: the sample Pipeline fits the Task its bundle ref names, and an undeclared param is an error', () => {
  const ok = tektonLint([TASK, localCopy(PIPELINE)]);
  assert.deepEqual(
    ok.problems.filter((p) => p.level === 'error'),
    [],
    ok.output,
  );
  const broken = localCopy(PIPELINE, (text) =>
    text.replace('- name: REKEY\n          value', '- name: RE_KEY\n          value'),
  );
  const { problems } = tektonLint([TASK, broken]);
  assert.ok(
    problems.some((p) => p.level === 'error' && p.rule === 'no-extra-param' && /RE_KEY/.test(p.message)),
    JSON.stringify(problems, null, 2),
  );
});
