/**
 * The rewrap Task and its sample Pipeline under @ibm/tekton-lint (./tekton-lint.test.ts lints every
 * file of tekton/ together; here the Task alone must have no problem at all, and the linter must see the sample
 * Pipeline's params against it).
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../../test/helpers/fixtures.js';
import { tektonLint } from './lint.js';
import { REWRAP_DIR, REWRAP_FILE } from './paths.js';

const TASK = REWRAP_FILE;
const PIPELINE = join(REWRAP_DIR, 'samples', 'pipeline.yaml');

test('tekton-lint: the rewrap Task alone has no problem at all', () => {
  const { problems, status, output } = tektonLint([TASK]);
  assert.deepEqual(problems, [], output);
  assert.equal(status, 0, output);
});

test('tekton-lint: the sample Pipeline fits the Task, and a param it does not declare is an error', () => {
  const ok = tektonLint([TASK, PIPELINE]);
  assert.deepEqual(
    ok.problems.filter((p) => p.level === 'error'),
    [],
    ok.output,
  );
  const broken = join(tempDir('oep-tekton-lint-'), 'pipeline.yaml');
  writeFileSync(
    broken,
    readFileSync(PIPELINE, 'utf8').replace(
      '- name: REKEY\n          value',
      '- name: RE_KEY\n          value',
    ),
  );
  const { problems } = tektonLint([TASK, broken]);
  assert.ok(
    problems.some((p) => p.level === 'error' && p.rule === 'no-extra-param' && /RE_KEY/.test(p.message)),
    JSON.stringify(problems, null, 2),
  );
});
