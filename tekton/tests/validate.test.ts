/**
 * The catalog entry's YAML against our validator (./validate.ts): every file under tekton/ passes, and each rule
 * fails on a deliberately broken copy — one change per case, the rule it must trip named.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { isObject } from './schema.js';
import {
  catalogYamlFiles,
  INDEX_DIR,
  RELEASE_VERSION,
  REWRAP_DIR,
  ROOT,
  STEPACTION_FILE,
  TASK_DIR,
  TASK_FILE,
} from './paths.js';
import {
  WORST_CASE,
  compareScripts,
  loadYamlFile,
  parseYaml,
  resultBudget,
  terminationMessageBytes,
  TERMINATION_MESSAGE_MAX,
  validateDocuments,
  worstCaseLengths,
  type BudgetAssumptions,
  type Doc,
  type Problem,
} from './validate.js';

const OPTIONS = { version: RELEASE_VERSION, root: ROOT };

function loadAll(): { docs: Doc[]; problems: Problem[] } {
  const docs: Doc[] = [];
  const problems: Problem[] = [];
  for (const f of catalogYamlFiles()) {
    const r = loadYamlFile(f);
    docs.push(...r.docs);
    problems.push(...r.problems);
  }
  return { docs, problems };
}

const show = (ps: Problem[]) =>
  ps.map((p) => `${p.file ?? ''} ${p.path} [${p.rule}] ${p.message}`).join('\n');

// ---------------------------------------------------------------------------------------------------------------
// Editing a parsed document by path: 'spec.steps[0].env[name=HOME].value'; a key holding dots is written with \.

type Key = string | number | { name: string };

function parsePath(path: string): Key[] {
  return [...path.replace(/\\\./g, '\u0000').matchAll(/([^.[\]]+)|\[(\d+)\]|\[name=([^\]]+)\]/g)].map((m) =>
    m[2] !== undefined ? Number(m[2]) : m[3] !== undefined ? { name: m[3] } : m[1]!.replace(/\u0000/g, '.'),
  );
}

function step(
  node: unknown,
  k: Key,
  path: string,
): { container: Record<string | number, unknown>; key: string | number } {
  assert.ok(isObject(node) || Array.isArray(node), `${path}: cannot enter ${JSON.stringify(k)}`);
  const container = node as Record<string | number, unknown>;
  if (typeof k !== 'object') return { container, key: k };
  assert.ok(Array.isArray(node), `${path}: [name=${k.name}] needs a list`);
  const i = node.findIndex((x) => isObject(x) && x.name === k.name);
  assert.ok(i !== -1, `${path}: no element named ${k.name}`);
  return { container, key: i };
}

/** Replace the value at path with f(old); f returning undefined deletes it. */
function edit(root: unknown, path: string, f: (old: unknown) => unknown): void {
  const keys = parsePath(path);
  let node: unknown = root;
  for (const k of keys.slice(0, -1)) {
    const { container, key } = step(node, k, path);
    node = container[key];
  }
  const { container, key } = step(node, keys[keys.length - 1]!, path);
  const v = f(container[key]);
  if (v !== undefined) container[key] = v;
  else if (Array.isArray(container) && typeof key === 'number') container.splice(key, 1);
  else delete container[key];
}

const set = (v: unknown) => () => v;
const append = (x: unknown) => (old: unknown) => [...(old as unknown[]), x];
const remove = () => undefined;

/** The document each case edits: our Task and StepAction, the Tasks' sample Pipelines, a sample PipelineRun. */
const targets = {
  task: TASK_FILE,
  stepaction: STEPACTION_FILE,
  pipeline: join(TASK_DIR, 'samples', 'pipeline.yaml'),
  run: join(TASK_DIR, 'samples', 'pipelinerun.yaml'),
  'rewrap-pipeline': join(REWRAP_DIR, 'samples', 'pipeline.yaml'),
  'index-pipeline': join(INDEX_DIR, 'samples', 'pipeline.yaml'),
} as const;

function docOf(docs: Doc[], file: string): Doc {
  const doc = docs.find((d) => d.file === file);
  assert.ok(doc, `no document from ${file}`);
  return doc;
}

/** Validate all files with one document edited. */
function problemsWith(target: keyof typeof targets, path: string, f: (old: unknown) => unknown): Problem[] {
  const { docs } = loadAll();
  edit(docOf(docs, targets[target]).value, path, f);
  return validateDocuments(docs, OPTIONS);
}

// ---------------------------------------------------------------------------------------------------------------

describe('the catalog YAML is valid', () => {
  test('every YAML file under tekton/ parses, with the same meaning in YAML 1.1 and 1.2', () => {
    const files = catalogYamlFiles();
    assert.ok(files.length >= 5, `found only ${files.join(', ')}`);
    const { docs, problems } = loadAll();
    assert.deepEqual(problems, [], show(problems));
    assert.deepEqual([...new Set(docs.map((d) => d.kind))].sort(), [
      'Pipeline',
      'PipelineRun',
      'Secret',
      'StepAction',
      'Task',
    ]);
  });

  test('schema subset, references, catalog metadata and securityContext: no problems', () => {
    const { docs } = loadAll();
    const problems = validateDocuments(docs, OPTIONS);
    assert.deepEqual(problems, [], show(problems));
  });

  test("the Task's and the StepAction's scripts are the same but for their first comment line", () => {
    const { docs } = loadAll();
    const task = docOf(docs, TASK_FILE);
    const stepAction = docOf(docs, STEPACTION_FILE);
    assert.deepEqual(compareScripts(task, stepAction), []);
  });

  test('the StepAction takes the Task params, paths for its workspaces, and gives the same results', () => {
    const { docs } = loadAll();
    const spec = (kind: 'Task' | 'StepAction') =>
      docOf(docs, kind === 'Task' ? TASK_FILE : STEPACTION_FILE).value.spec as Record<string, unknown>;
    const names = (v: unknown) => (v as { name: string }[]).map((x) => x.name).sort();
    assert.deepEqual(
      names(spec('StepAction').params),
      [
        ...names(spec('Task').params),
        'CA_DIR',
        'DOCKERCONFIG_DIR',
        'KBS_ADMIN_KEY_DIR',
        'KEYS_DIR',
        'VERIFY_KEYS_DIR',
      ].sort(),
    );
    assert.deepEqual(names(spec('StepAction').results), names(spec('Task').results));
  });
});

describe('results fit the termination message', () => {
  /**
   * The most repositories at the given name length whose IMAGES still fits, up to 1000: a Task without IMAGES
   * (a sample's) fits any number.
   */
  const mostRepositories = (a: BudgetAssumptions, doc: Doc) => {
    let n = 0;
    while (
      n < 1000 &&
      resultBudget(doc, worstCaseLengths({ ...a, repositories: n + 1 })).problems.length === 0
    )
      n++;
    return n;
  };

  test(`worst case (names of 255, tags of 128, ${WORST_CASE.repositories} repositories) is at most 4096 bytes`, () => {
    const { docs } = loadAll();
    for (const doc of docs.filter((d) => d.kind === 'Task' || d.kind === 'StepAction')) {
      const { bytes, problems } = resultBudget(doc, worstCaseLengths(WORST_CASE));
      assert.deepEqual(
        problems,
        [],
        `${doc.kind}: ${bytes} bytes. ${show(problems)}\nAt 255-character names, ${mostRepositories(WORST_CASE, doc)} repositories fit.`,
      );
    }
  });

  test('the byte count is the JSON Tekton writes', () => {
    // [{"key":"A","value":"xx","type":1},{"key":"StartedAt","value":"2006-01-02T15:04:05.000Z","type":3}]
    assert.equal(terminationMessageBytes({ A: 2 }), 99);
    assert.equal(terminationMessageBytes({ A: 3 }) - terminationMessageBytes({ A: 2 }), 1);
  });

  test('an oversize result set, and a result with no known worst case, are reported', () => {
    const { docs } = loadAll();
    const task = structuredClone(docOf(docs, TASK_FILE));
    edit(task.value, 'spec.results', append({ name: 'REPORT', description: 'the whole report' }));
    const small = worstCaseLengths({ ...WORST_CASE, nameMax: 40, repositories: 1 });
    assert.deepEqual(resultBudget(task, { ...small, REPORT: 100 }).problems, []);
    const over = resultBudget(task, { ...small, REPORT: TERMINATION_MESSAGE_MAX });
    assert.match(show(over.problems), /result-budget.*> 4096/);
    const unknown = resultBudget(task, small);
    assert.match(show(unknown.problems), /no worst-case length known for result REPORT/);
  });
});

describe('each rule can fail', () => {
  const cases: [string, keyof typeof targets, string, (old: unknown) => unknown, string, RegExp?][] = [
    // Task: references
    [
      'undeclared param in env',
      'task',
      'spec.steps[0].env',
      append({ name: 'X', value: '$(params.NOPE)' }),
      'undeclared-param',
      /NOPE/,
    ],
    [
      'param pasted into the script',
      'task',
      'spec.steps[0].script',
      (s) => `${String(s)}echo "$(params.IMAGE)"\n`,
      'script-param',
      /\$\(params\.IMAGE\)/,
    ],
    [
      'undeclared result path',
      'task',
      'spec.steps[0].env[name=RESULT_IMAGE_DIGEST].value',
      set('$(results.DIGEST.path)'),
      'undeclared-result',
      /DIGEST/,
    ],
    [
      'result never written',
      'task',
      'spec.steps[0].env[name=RESULT_IMAGE_DIGEST]',
      remove,
      'unwritten-result',
      /IMAGE_DIGEST/,
    ],
    [
      'undeclared workspace',
      'task',
      'spec.steps[0].workingDir',
      set('$(workspaces.src.path)'),
      'undeclared-workspace',
      /src/,
    ],
    [
      'workspace never used',
      'task',
      'spec.workspaces',
      append({ name: 'cache', optional: true }),
      'unused-workspace',
      /cache/,
    ],
    [
      'param never used',
      'task',
      'spec.params',
      append({ name: 'EXTRA', type: 'string', default: '' }),
      'unused-param',
      /EXTRA/,
    ],
    [
      'malformed reference',
      'task',
      'spec.steps[0].env[name=PARAM_IMAGE].value',
      set('$(params.IMAGE.path.x)'),
      'malformed-reference',
    ],
    // Task: schema
    [
      'duplicate step name',
      'task',
      'spec.steps',
      (s) => [...(s as unknown[]), structuredClone((s as unknown[])[0])],
      'duplicate-name',
      /encrypt-and-push/,
    ],
    [
      'duplicate env name',
      'task',
      'spec.steps[0].env',
      append({ name: 'PARAM_IMAGE', value: 'x' }),
      'duplicate-name',
      /PARAM_IMAGE/,
    ],
    ['step name not a DNS-1123 label', 'task', 'spec.steps[0].name', set('Encrypt_Push'), 'name-format'],
    ['unknown key', 'task', 'spec.steps[0].workingdir', set('/x'), 'unknown-key', /workingdir/],
    ['param type', 'task', 'spec.params[name=IMAGE].type', set('int'), 'enum'],
    [
      'default of the wrong type',
      'task',
      'spec.params[name=TAGS].default',
      set(['a']),
      'type',
      /default of a string param/,
    ],
    ['optional not a boolean', 'task', 'spec.workspaces[name=dockerconfig].optional', set('yes'), 'type'],
    ['no steps', 'task', 'spec.steps', set([]), 'required'],
    ['wrong apiVersion', 'task', 'apiVersion', set('tekton.dev/v1beta1'), 'enum'],
    ['script and command together', 'task', 'spec.steps[0].command', set(['sh']), 'exclusive'],
    // Task: script and env
    [
      'env the script never reads',
      'task',
      'spec.steps[0].env',
      append({ name: 'PARAM_EXTRA', value: 'x' }),
      'unused-env',
      /PARAM_EXTRA/,
    ],
    [
      'script reads an undeclared variable',
      'task',
      'spec.steps[0].script',
      (s) => String(s).replace('"$PARAM_VERIFY"', '"$PARAM_VERIFIED"'),
      'undefined-env',
      /PARAM_VERIFIED/,
    ],
    [
      'script without shebang',
      'task',
      'spec.steps[0].script',
      (s) => String(s).replace(/^#!.*\n/, ''),
      'shebang',
    ],
    // Task: securityContext
    [
      'missing seccompProfile',
      'task',
      'spec.stepTemplate.securityContext.seccompProfile',
      remove,
      'security-context',
      /seccompProfile/,
    ],
    [
      'missing runAsNonRoot',
      'task',
      'spec.stepTemplate.securityContext.runAsNonRoot',
      remove,
      'security-context',
      /runAsNonRoot/,
    ],
    [
      'a step runs as root',
      'task',
      'spec.steps[0].securityContext',
      set({ runAsUser: 0 }),
      'security-context',
      /runAsUser/,
    ],
    [
      'privilege escalation allowed',
      'task',
      'spec.stepTemplate.securityContext.allowPrivilegeEscalation',
      set(true),
      'security-context',
      /allowPrivilegeEscalation/,
    ],
    [
      'a capability added',
      'task',
      'spec.stepTemplate.securityContext.capabilities.add',
      set(['NET_ADMIN']),
      'security-context',
      /capabilities.add/,
    ],
    [
      'capabilities not dropped',
      'task',
      'spec.stepTemplate.securityContext.capabilities.drop',
      set(['NET_RAW']),
      'security-context',
      /drop/,
    ],
    // Task: catalog metadata
    [
      'version label not the release',
      'task',
      'metadata.labels.app\\.kubernetes\\.io/version',
      set('9.9.9'),
      'catalog',
      new RegExp(`is 9\\.9\\.9, the release is ${RELEASE_VERSION.replace(/\./g, '\\.')}`),
    ],
    [
      'version label not x.y.z',
      'task',
      'metadata.labels.app\\.kubernetes\\.io/version',
      set('0.1'),
      'catalog',
      /is 0\.1, not a release version x\.y\.z/,
    ],
    [
      'minVersion below v1',
      'task',
      'metadata.annotations.tekton\\.dev/pipelines\\.minVersion',
      set('0.40.0'),
      'catalog',
      /0.43.0/,
    ],
    [
      'unknown Hub category',
      'task',
      'metadata.annotations.tekton\\.dev/categories',
      set('Image Building'),
      'catalog',
      /Image Building/,
    ],
    [
      'tag with a space',
      'task',
      'metadata.annotations.tekton\\.dev/tags',
      set('image build, oci'),
      'catalog',
      /image build/,
    ],
    [
      'no displayName',
      'task',
      'metadata.annotations.tekton\\.dev/displayName',
      remove,
      'catalog',
      /displayName/,
    ],
    [
      'platform with a space',
      'task',
      'metadata.annotations.tekton\\.dev/platforms',
      set('linux/amd64, linux/arm64'),
      'catalog',
      /linux\/arm64/,
    ],
    [
      'summary too long',
      'task',
      'spec.description',
      set(`${'Encrypt and push, '.repeat(8)}done.\nMore.`),
      'catalog',
      /summary line has/,
    ],
    [
      'summary without a period',
      'task',
      'spec.description',
      set('Encrypt and push\n\nMore.'),
      'catalog',
      /period/,
    ],
    // Tekton Chains type hints
    [
      'Chains object result declared as a string',
      'task',
      'spec.results[name=IMAGE_ARTIFACT_OUTPUTS].type',
      set('string'),
      'chains-result',
      /IMAGE_ARTIFACT_OUTPUTS is an object result/,
    ],
    [
      'Chains object result without digest',
      'task',
      'spec.results[name=IMAGE_ARTIFACT_OUTPUTS].properties.digest',
      remove,
      'chains-result',
      /needs property digest/,
    ],
    [
      'StepAction Chains object result without uri',
      'stepaction',
      'spec.results[name=IMAGE_ARTIFACT_OUTPUTS].properties.uri',
      remove,
      'chains-result',
      /needs property uri/,
    ],
    [
      'IMAGE_DIGEST as an array',
      'task',
      'spec.results[name=IMAGE_DIGEST].type',
      set('array'),
      'chains-result',
      /IMAGE_DIGEST is a string result/,
    ],
    // StepAction
    [
      'task result path in a StepAction',
      'stepaction',
      'spec.env[name=RESULT_IMAGE_DIGEST].value',
      set('$(results.IMAGE_DIGEST.path)'),
      'reference-not-allowed',
    ],
    [
      'workspace path in a StepAction',
      'stepaction',
      'spec.workingDir',
      set('$(workspaces.source.path)'),
      'reference-not-allowed',
    ],
    [
      'StepAction minVersion before v1beta1',
      'stepaction',
      'metadata.annotations.tekton\\.dev/pipelines\\.minVersion',
      set('0.56.0'),
      'catalog',
      /0.60.0/,
    ],
    ['StepAction without securityContext', 'stepaction', 'spec.securityContext', remove, 'security-context'],
    [
      'StepAction param in script',
      'stepaction',
      'spec.script',
      (s) => `${String(s)}cd "$(params.LAYOUT)"\n`,
      'script-param',
    ],
    // Pipeline
    [
      'result the task does not declare',
      'pipeline',
      'spec.tasks[name=release].params[name=IMAGE_REF].value',
      set('$(tasks.encrypt-push.results.DIGEST)'),
      'undeclared-result',
      /DIGEST/,
    ],
    [
      'result of an unknown task',
      'pipeline',
      'spec.tasks[name=release].when[0].input',
      set('$(tasks.push.results.IMAGE_DIGEST)'),
      'unknown-task',
      /push/,
    ],
    [
      'param the Task does not declare',
      'pipeline',
      'spec.tasks[name=encrypt-push].params',
      append({ name: 'IMAGE_NAME', value: 'x' }),
      'undeclared-param',
      /IMAGE_NAME/,
    ],
    [
      'required Task param not passed',
      'pipeline',
      'spec.tasks[name=encrypt-push].params[name=IMAGE]',
      remove,
      'missing-param',
      /IMAGE/,
    ],
    [
      'workspace the Task does not declare',
      'pipeline',
      'spec.tasks[name=encrypt-push].workspaces[name=dockerconfig].name',
      set('docker-config'),
      'undeclared-workspace',
      /docker-config/,
    ],
    [
      'required Task workspace not bound',
      'pipeline',
      'spec.tasks[name=encrypt-push].workspaces[name=source]',
      remove,
      'missing-workspace',
      /source/,
    ],
    [
      'pipeline workspace not declared',
      'pipeline',
      'spec.tasks[name=encrypt-push].workspaces[name=source].workspace',
      set('src'),
      'undeclared-workspace',
      /src/,
    ],
    [
      'runAfter an unknown task',
      'pipeline',
      'spec.tasks[name=encrypt-push].runAfter',
      set(['compile']),
      'unknown-task',
      /compile/,
    ],
    [
      'pipeline task name not a DNS-1123 label',
      'pipeline',
      'spec.tasks[name=release].name',
      set('Release'),
      'name-format',
    ],
    [
      'undeclared pipeline param',
      'pipeline',
      'spec.tasks[name=encrypt-push].params[name=IMAGE].value',
      set('$(params.IMAGE_URL)'),
      'undeclared-param',
      /IMAGE_URL/,
    ],
    [
      'param in an embedded script',
      'pipeline',
      'spec.tasks[name=build].taskSpec.steps[0].script',
      (s) => `${String(s)}echo $(params.CONTEXT)\n`,
      'script-param',
    ],
    [
      'taskRef and taskSpec together',
      'pipeline',
      'spec.tasks[name=encrypt-push].taskSpec',
      set({ steps: [{ name: 'x', image: 'busybox:1', script: '#!/bin/sh\n' }] }),
      'one-of',
    ],
    ['when without operator', 'pipeline', 'spec.tasks[name=release].when[0].operator', remove, 'required'],
    // Pipeline: references through the git and bundles resolvers, resolved to this catalog's files
    [
      'git resolver path that is not a Task here',
      'pipeline',
      'spec.tasks[name=encrypt-push].taskRef.params[name=pathInRepo].value',
      set('tekton/task/oci-encrypt-push.yaml'),
      'unresolved-task',
      /tekton\/task\/oci-encrypt-push\.yaml is not a Task of this repository/,
    ],
    [
      'bundle without that Task',
      'rewrap-pipeline',
      'spec.tasks[name=rewrap].taskRef.params[name=name].value',
      set('oci-encrypt-rekey'),
      'unresolved-task',
      /holds no task oci-encrypt-rekey/,
    ],
    [
      'param the bundled Task does not declare',
      'rewrap-pipeline',
      'spec.tasks[name=rewrap].params',
      append({ name: 'RE_KEY', value: 'true' }),
      'undeclared-param',
      /RE_KEY/,
    ],
    [
      'matrix that no longer gives the build its PLATFORM',
      'index-pipeline',
      'spec.tasks[name=build].matrix',
      remove,
      'missing-param',
      /PLATFORM/,
    ],
    [
      'matrix param the push Task does not declare',
      'index-pipeline',
      'spec.tasks[name=encrypt].matrix.params[0].name',
      set('PLATFORM'),
      'undeclared-param',
      /PLATFORM/,
    ],
    [
      'index fed from a task that does not exist',
      'index-pipeline',
      'spec.tasks[name=index].params[name=SOURCES].value',
      set('$(tasks.push.results.IMAGE_REF[*])'),
      'unknown-task',
      /push/,
    ],
    // PipelineRun
    ['required pipeline param not given', 'run', 'spec.params[name=IMAGE]', remove, 'missing-param', /IMAGE/],
    [
      'param the Pipeline does not declare',
      'run',
      'spec.params',
      append({ name: 'TAG', value: 'v1' }),
      'undeclared-param',
      /TAG/,
    ],
    [
      'two volume sources for one workspace',
      'run',
      'spec.workspaces[name=dockerconfig].emptyDir',
      set({}),
      'one-of',
    ],
    [
      'required pipeline workspace not bound',
      'run',
      'spec.workspaces[name=encryption-keys]',
      remove,
      'missing-workspace',
      /encryption-keys/,
    ],
    ['unknown Pipeline', 'run', 'spec.pipelineRef.name', set('build-push'), 'unresolved-pipeline'],
  ];

  test('the unedited files are clean (so each case below fails for its edit)', () => {
    const { docs } = loadAll();
    assert.deepEqual(validateDocuments(docs, OPTIONS), []);
  });

  for (const [title, target, path, f, rule, message] of cases) {
    test(`${title} → ${rule}`, () => {
      const problems = problemsWith(target, path, f);
      const hits = problems.filter((p) => p.rule === rule && (!message || message.test(p.message)));
      assert.ok(
        hits.length > 0,
        `expected ${rule}${message ? ` ${String(message)}` : ''}, got:\n${show(problems)}`,
      );
    });
  }

  test('StepAction script drifting from the Task → script-drift', () => {
    const { docs } = loadAll();
    const task = docOf(docs, TASK_FILE);
    const stepAction = docOf(docs, STEPACTION_FILE);
    edit(stepAction.value, 'spec.script', (s) => String(s).replace('set -eu', 'set -e'));
    assert.match(show(compareScripts(task, stepAction)), /script-drift.*set -e/);
  });

  test('YAML that 1.1 reads differently → yaml-1.1; duplicate keys and bad syntax → yaml', () => {
    const on = parseYaml(
      'apiVersion: v1\nkind: Secret\nmetadata:\n  name: x\nstringData:\n  enabled: on\n',
      'x.yaml',
    );
    assert.match(show(on.problems), /yaml-1\.1.*stringData\.enabled/);
    const octal = parseYaml('a: 0755\n', 'x.yaml');
    assert.match(show(octal.problems), /yaml-1\.1/);
    const dup = parseYaml('a: 1\na: 2\n', 'x.yaml');
    assert.match(show(dup.problems), /\[yaml\]/);
    const broken = parseYaml('a: [1, 2\n', 'x.yaml');
    assert.match(show(broken.problems), /\[yaml\]/);
    assert.deepEqual(parseYaml('a: "."\nb: .\n', 'x.yaml').problems, [], 'a lone . is a string in both');
  });
});
