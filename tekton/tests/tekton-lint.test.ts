/**
 * @ibm/tekton-lint (offline, default rules) over every YAML file under tekton/, linted together so the sample
 * Pipeline's taskRef finds the Task. No errors, with one known exception, and only the warnings explained here:
 *
 * - tekton-lint 1.1 does not understand remote resolution (IBM/tekton-lint#118): a pipeline task whose taskRef
 *   uses a resolver (the samples refer to our Tasks through the git and bundles resolvers, and to git-clone on
 *   Artifact Hub) is reported as "references task 'undefined'" (no-missing-resource). Exactly one such error per
 *   resolver taskRef is tolerated; to check a sample's params against our Task, the tests lint a copy of it whose
 *   references to our catalog name the Task instead (./lint.ts localCopy).
 * - prefer-kebab-case warns on UPPER_SNAKE param names; design.md makes them UPPER_SNAKE (as tektoncd/catalog's
 *   buildah and kaniko tasks do). Only that warning, and only on such names, is tolerated; and on a resolver's own
 *   param names (the git resolver's pathInRepo), which Tekton fixes.
 *
 * - tekton-lint 1.1 predates matrix: a param a pipeline task's matrix gives each TaskRun (the index sample's
 *   build over PLATFORM) is reported "not supplied" (no-missing-param). Exactly those are tolerated: the param named
 *   must be one the task's matrix sets; our validator checks matrix params against the Task.
 * - tekton-lint 1.1 predates StepActions: it skips that kind (alone, the StepAction file is "No tekton definitions"),
 *   so the StepAction is covered by our validator only.
 *
 * The linter runs as a child process the way users run it; its cache folder (it makes one even with no external
 * tasks) goes to a temp folder instead of ~/.tekton-lint.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../../test/helpers/fixtures.js';
import { localCopy, tektonLint } from './lint.js';
import { isObject } from './schema.js';
import { catalogYamlFiles, TASK_DIR, TASK_FILE } from './paths.js';
import { loadYamlFile } from './validate.js';

/** Pipeline tasks whose taskRef goes through a resolver, in the files given. */
function resolverTaskRefs(files: string[]): number {
  let n = 0;
  for (const f of files)
    for (const d of loadYamlFile(f).docs) {
      if (d.kind !== 'Pipeline' || !isObject(d.value.spec)) continue;
      const spec = d.value.spec;
      for (const t of [spec.tasks, spec.finally].flatMap((x) => (Array.isArray(x) ? x : [])))
        if (isObject(t) && isObject(t.taskRef) && t.taskRef.resolver !== undefined) n++;
    }
  return n;
}

/** "pipeline/task/param" for every param a pipeline task's matrix (params and include) sets, in the files given. */
function matrixParams(files: string[]): Set<string> {
  const out = new Set<string>();
  for (const f of files)
    for (const d of loadYamlFile(f).docs) {
      if (d.kind !== 'Pipeline' || !isObject(d.value.spec) || !Array.isArray(d.value.spec.tasks)) continue;
      for (const t of d.value.spec.tasks) {
        if (!isObject(t) || !isObject(t.matrix)) continue;
        const include = Array.isArray(t.matrix.include) ? t.matrix.include : [];
        const params = [t.matrix.params, ...include.map((i) => (isObject(i) ? i.params : []))];
        for (const p of params.flatMap((x) => (Array.isArray(x) ? x : [])))
          if (isObject(p)) out.add(`${d.name}/${String(t.name)}/${String(p.name)}`);
      }
    }
  return out;
}

const MATRIX_BUG = /^Pipeline '([^']+)' references task '([^']+)', but parameter '([^']+)' is not supplied/;
const RESOLVER_BUG = /references task 'undefined' but the referenced task cannot be found/;
const UPPER_SNAKE_WARNING = /^Invalid name for '([A-Z][A-Z0-9_]*)' at /;
const RESOLVER_PARAM_WARNING =
  /^Invalid name for '[A-Za-z]+' at \.spec\.(tasks|finally)\[\d+\]\.taskRef\.params\[\d+\]\.name /;
const toleratedWarning = (message: string) =>
  UPPER_SNAKE_WARNING.test(message) || RESOLVER_PARAM_WARNING.test(message);

test('tekton-lint: no errors in tekton/ (resolver taskRefs aside), only UPPER_SNAKE naming warnings', () => {
  const files = catalogYamlFiles();
  const { problems, output } = tektonLint(files);
  const errors = problems.filter((p) => p.level === 'error');
  const resolverErrors = errors.filter(
    (p) => p.rule === 'no-missing-resource' && RESOLVER_BUG.test(p.message),
  );
  assert.equal(
    resolverErrors.length,
    resolverTaskRefs(files),
    'one IBM/tekton-lint#118 error per resolver taskRef',
  );
  const matrix = matrixParams(files);
  const matrixErrors = errors.filter((p) => {
    const m = p.rule === 'no-missing-param' ? MATRIX_BUG.exec(p.message) : null;
    return m !== null && matrix.has(`${m[1]}/${m[2]}/${m[3]}`);
  });
  assert.ok(matrixErrors.length > 0, 'the index sample fans out over a matrix param');
  assert.deepEqual(
    errors.filter((p) => !resolverErrors.includes(p) && !matrixErrors.includes(p)),
    [],
    output,
  );
  const warnings = problems.filter((p) => p.level === 'warning');
  assert.deepEqual(
    warnings.filter((p) => p.rule !== 'prefer-kebab-case' || !toleratedWarning(p.message)),
    [],
    output,
  );
});

test('tekton-lint: the Task alone has no problem at all', () => {
  const { problems, status, output } = tektonLint([TASK_FILE]);
  assert.deepEqual(problems, [], output);
  assert.equal(status, 0, output);
});

test('tekton-lint fails on a broken copy of the Task (so the test above can fail)', () => {
  const broken = join(tempDir('oep-tekton-lint-'), 'oci-encrypt-push.yaml');
  writeFileSync(
    broken,
    readFileSync(TASK_FILE, 'utf8').replace('value: $(params.TAGS)', 'value: $(params.TAG_LIST)'),
  );
  const { problems, status } = tektonLint([broken]);
  assert.notEqual(status, 0);
  assert.ok(
    problems.some(
      (p) => p.level === 'error' && p.rule === 'no-undefined-param' && /TAG_LIST/.test(p.message),
    ),
    JSON.stringify(problems, null, 2),
  );
});

test('tekton-lint checks the sample Pipeline against the Task it resolves to: an unknown param is an error', () => {
  const sample = join(TASK_DIR, 'samples', 'pipeline.yaml');
  const ok = tektonLint([TASK_FILE, localCopy(sample)]);
  assert.deepEqual(
    ok.problems.filter((p) => p.level === 'error' && !RESOLVER_BUG.test(p.message)),
    [],
    ok.output,
  );
  assert.equal(
    ok.problems.filter((p) => RESOLVER_BUG.test(p.message)).length,
    1,
    'only git-clone (Artifact Hub) stays remote',
  );
  const pipeline = localCopy(sample, (text) =>
    text.replace('- name: LAYOUT\n          value: image', '- name: LAYOUT_DIR\n          value: image'),
  );
  const { problems } = tektonLint([TASK_FILE, pipeline]);
  assert.ok(
    problems.some((p) => p.level === 'error' && p.rule === 'no-extra-param' && /LAYOUT_DIR/.test(p.message)),
    JSON.stringify(problems, null, 2),
  );
});
