/**
 * The index Task and its matrix sample Pipeline under @ibm/tekton-lint (./tekton-lint.test.ts lints every file of
 * tekton/ together): the Task alone has no problem at all, and the linter sees the sample's params against both
 * Tasks it names through the git resolver (resolved here to the files), so an undeclared param is an error.
 * tekton-lint 1.1 predates matrix: the param the build's matrix supplies (PLATFORM) is reported missing, and the
 * aggregated result of the matrixed push ($(tasks.encrypt.results.IMAGE_REF[*]), TEP-0140) is read as a result
 * named "IMAGE_REF[*]"; only those two, and git-clone on Artifact Hub, are tolerated.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { localCopy, tektonLint } from './lint.js';
import { INDEX_DIR, INDEX_FILE, TASK_FILE } from './paths.js';

const PIPELINE = join(INDEX_DIR, 'samples', 'pipeline.yaml');
const MATRIX_PARAM = /references task 'build', but parameter 'PLATFORM' is not supplied/;
const MATRIX_RESULT = /'IMAGE_REF\[\*\]' is not a result in Task 'encrypt'/;

test('tekton-lint: the index Task alone has no problem at all', () => {
  const { problems, status, output } = tektonLint([INDEX_FILE]);
  assert.deepEqual(problems, [], output);
  assert.equal(status, 0, output);
});

test('tekton-lint: the matrix sample fits both Tasks it names, and an undeclared param is an error', () => {
  const ok = tektonLint([TASK_FILE, INDEX_FILE, localCopy(PIPELINE)]);
  const errors = ok.problems.filter((p) => p.level === 'error');
  const expected = (rule: string, message?: RegExp) =>
    errors.filter((p) => p.rule === rule && (!message || message.test(p.message))).length;
  assert.equal(expected('no-missing-param', MATRIX_PARAM), 1, ok.output);
  assert.equal(expected('no-undefined-result', MATRIX_RESULT), 1, ok.output);
  assert.equal(expected('no-missing-resource'), 1, `only git-clone stays remote:\n${ok.output}`);
  assert.equal(errors.length, 3, ok.output);
  const broken = localCopy(PIPELINE, (text) =>
    text.replace('- name: SOURCES\n          value', '- name: SOURCE\n          value'),
  );
  const { problems } = tektonLint([TASK_FILE, INDEX_FILE, broken]);
  assert.ok(
    problems.some((p) => p.level === 'error' && p.rule === 'no-extra-param' && /SOURCE\b/.test(p.message)),
    JSON.stringify(problems, null, 2),
  );
});
