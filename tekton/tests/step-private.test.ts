/**
 * What the step script does around the CLI, with a recorder standing in for the bundle (no registry): the docker
 * config is copied into a private folder (0700, file 0600) outside the workspaces and the shared /tekton/home,
 * DOCKER_CONFIG points there, and the folder is gone when the step ends, whether the CLI succeeded or failed.
 * ATTESTATIONS reaches the CLI as --attestations.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  loadDoc,
  podDir,
  podRoot,
  readResults,
  resolveStepAction,
  resolveTaskStep,
  runStep,
  secretVolume,
  STEPACTION_FILE,
  TASK_FILE,
} from './simulate.js';

const task = loadDoc(TASK_FILE);
const stepAction = loadDoc(STEPACTION_FILE);
const CONFIG = JSON.stringify({ auths: { 'registry.example': { auth: 'dXNlcjpwYXNz' } } });
const DIGEST = `sha256:${'c'.repeat(64)}`;

interface Recorded {
  argv: string[];
  dir: string | null;
  dirMode?: number;
  files?: string[];
  fileMode?: number;
  config?: string;
}

/** A bundle that records its argv and the DOCKER_CONFIG it sees, writes IMAGE_DIGEST into --results-dir, and exits with `status`. */
function recorder(pod: string, status: number): { bundle: string; record: () => Recorded } {
  const dir = podDir(pod, 'recorder', true);
  const out = join(dir, 'record.json');
  const bundle = join(dir, 'bundle.cjs');
  writeFileSync(
    bundle,
    `const fs = require('fs');
const argv = process.argv.slice(2);
const dir = process.env.DOCKER_CONFIG || null;
const rec = { argv, dir };
if (dir) {
  rec.dirMode = fs.statSync(dir).mode & 0o777;
  rec.files = fs.readdirSync(dir);
  rec.fileMode = fs.statSync(dir + '/config.json').mode & 0o777;
  rec.config = fs.readFileSync(dir + '/config.json', 'utf8');
}
fs.writeFileSync(${JSON.stringify(out)}, JSON.stringify(rec));
const results = argv[argv.indexOf('--results-dir') + 1];
fs.writeFileSync(results + '/IMAGE_DIGEST', '${DIGEST}');
process.exit(${status});
`,
  );
  return { bundle, record: () => JSON.parse(readFileSync(out, 'utf8')) as Recorded };
}

function taskStep(pod: string, dockerconfig: string, params: Record<string, string> = {}) {
  const source = podDir(pod, 'source');
  const keys = secretVolume(join(pod, 'keys'), { 'a.pem': 'not read by the recorder' });
  return resolveTaskStep(task, {
    params: { IMAGE: 'r.example/app:v1', ...params },
    workspaces: { source, dockerconfig, 'encryption-keys': keys },
    resultsDir: podDir(pod, 'results', true),
  });
}

function assertPrivateCopy(rec: Recorded, pod: string): void {
  assert.ok(rec.dir, 'DOCKER_CONFIG is not set');
  assert.equal(rec.dirMode, 0o700, `folder mode ${rec.dirMode?.toString(8)}`);
  assert.equal(rec.fileMode, 0o600, `file mode ${rec.fileMode?.toString(8)}`);
  assert.deepEqual(rec.files, ['config.json']);
  assert.equal(rec.config, CONFIG);
  assert.ok(!rec.dir.startsWith(pod), `${rec.dir} is in a pod volume (workspace or /tekton/home)`);
  assert.ok(!existsSync(rec.dir), `${rec.dir} is left behind`);
}

for (const [name, status] of [
  ['succeeds', 0],
  ['fails', 1],
] as const) {
  test(`Task, dockerconfig Secret: a private 0700/0600 copy while the CLI ${name}, removed after`, async () => {
    const pod = podRoot();
    const fake = recorder(pod, status);
    const docker = secretVolume(join(pod, 'dockerconfig'), { '.dockerconfigjson': CONFIG });
    const r = await runStep(taskStep(pod, docker), pod, 60_000, fake.bundle);
    assert.equal(r.status, status === 0 ? 0 : 1, r.stderr);
    assertPrivateCopy(fake.record(), pod);
    if (status === 0) assert.equal(readResults(join(pod, 'results')).IMAGE_DIGEST, DIGEST);
  });
}

test('StepAction, DOCKERCONFIG_DIR with config.json: the same private copy, removed after', async () => {
  const pod = podRoot();
  const fake = recorder(pod, 0);
  const docker = podDir(pod, 'docker');
  writeFileSync(join(docker, 'config.json'), CONFIG, { mode: 0o644 });
  const step = resolveStepAction(stepAction, {
    params: {
      IMAGE: 'r.example/app:v1',
      LAYOUT: '/nowhere',
      RECIPIENTS: 'jwe:a.pem',
      DOCKERCONFIG_DIR: docker,
    },
    stepResultsDir: podDir(pod, 'step-results', true),
  });
  const r = await runStep(step, pod, 60_000, fake.bundle);
  assert.equal(r.status, 0, r.stderr);
  assertPrivateCopy(fake.record(), pod);
});

test('ATTESTATIONS reaches the CLI: drop by default, keep when set', async () => {
  for (const [params, want] of [
    [{}, 'drop'],
    [{ ATTESTATIONS: 'keep' }, 'keep'],
  ] as const) {
    const pod = podRoot();
    const fake = recorder(pod, 0);
    const docker = secretVolume(join(pod, 'dockerconfig'), { '.dockerconfigjson': CONFIG });
    const r = await runStep(taskStep(pod, docker, params), pod, 60_000, fake.bundle);
    assert.equal(r.status, 0, r.stderr);
    const argv = fake.record().argv;
    assert.equal(argv[argv.indexOf('--attestations') + 1], want);
  }
});
