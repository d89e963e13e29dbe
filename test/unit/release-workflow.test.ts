// The release workflow (.github/workflows/release.yml) does what the Tekton catalog's versioning needs (TEP-0115:
// versions are git tags, read by the git resolver and Artifact Hub): it pushes the step image and a Tekton bundle
// of the Tasks and StepAction, pins STEP_IMAGE and the bundle sample to their digests, and only then commits, tags
// and releases, so the tag holds the pinned files. Its shell steps that need no registry run here for real, on a
// copy of the repository; the others are checked for the commands and the order that make the release right.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { catalogManifests, ROOT } from '../../tekton/tests/paths.js';
import { loadDoc } from '../../tekton/tests/simulate.js';
import { tempDir } from '../helpers/fixtures.js';

interface Step {
  id?: string;
  name?: string;
  uses?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
  run?: string;
}

const workflow = parse(readFileSync(join(ROOT, '.github', 'workflows', 'release.yml'), 'utf8')) as {
  on: Record<string, unknown>;
  jobs: Record<string, { steps: Step[] }>;
};
const steps = Object.values(workflow.jobs).flatMap((j) => j.steps);
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
/** The catalog's manifests as the workflow's shell globs name them. */
const CATALOG_GLOB = 'tekton/task/*/*.yaml tekton/stepaction/*/*.yaml';

function stepIndex(what: string, pred: (s: Step) => boolean): number {
  const i = steps.findIndex(pred);
  assert.ok(i !== -1, `no step ${what}`);
  return i;
}
const runs = (text: string) => (s: Step) => s.run?.includes(text) ?? false;

/** A copy of what the steps read (package.json, tekton/) in a git repository of its own. */
function checkout(): string {
  const dir = tempDir('oep-release-');
  cpSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
  cpSync(join(ROOT, 'tekton'), join(dir, 'tekton'), { recursive: true });
  const git = (...args: string[]) => {
    const r = spawnSync('git', args, { cwd: dir, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  };
  git('init', '-q');
  git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', 'x', '--allow-empty');
  return dir;
}

/** Run a step's script as the runner does (bash -e), with its outputs file. */
function runStep(step: Step, cwd: string, env: Record<string, string>) {
  const output = join(tempDir('oep-release-out-'), 'output');
  writeFileSync(output, '');
  const r = spawnSync('bash', ['-e', '-c', step.run!], {
    cwd,
    env: { PATH: process.env.PATH, GITHUB_OUTPUT: output, ...env },
    encoding: 'utf8',
  });
  const outputs = Object.fromEntries(
    readFileSync(output, 'utf8')
      .split('\n')
      .filter((l) => l.includes('='))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
  return { ...r, outputs };
}

test('the release is run by hand and creates the tag itself, after pinning (no trigger on a tag or release)', () => {
  assert.deepEqual(Object.keys(workflow.on), ['workflow_dispatch']);
});

test('the catalog glob of the steps is every Task and StepAction: all are pinned, bundled and released', () => {
  const r = spawnSync('sh', ['-c', `for f in ${CATALOG_GLOB}; do echo "$f"; done`], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  assert.deepEqual(
    r.stdout.trim().split('\n').sort(),
    catalogManifests()
      .map((m) => relative(ROOT, m.file))
      .sort(),
  );
  for (const what of ['sh tekton/pin-step-image.sh "$STEP_IMAGE"', 'tkn bundle push', 'gh release create'])
    assert.ok(
      steps[stepIndex(what, runs(what))]!.run!.includes(CATALOG_GLOB),
      `${what}: not over ${CATALOG_GLOB}`,
    );
});

test('the version step takes package.json version, refuses a released one and a catalog label that differs', () => {
  const step = steps[stepIndex('id version', (s) => s.id === 'version')]!;
  const dir = checkout();
  const env = { GITHUB_REPOSITORY: 'Oci-Encrypt-Push/oci-encrypt-push' };
  const ok = runStep(step, dir, env);
  assert.equal(ok.status, 0, ok.stdout + ok.stderr);
  assert.deepEqual(ok.outputs, {
    version: VERSION,
    tag: `v${VERSION}`,
    image: 'ghcr.io/oci-encrypt-push/oci-encrypt-push',
    bundle: 'ghcr.io/oci-encrypt-push/oci-encrypt-push/tekton-bundle',
  });

  const manifest = join(dir, relative(ROOT, catalogManifests()[0]!.file));
  writeFileSync(
    manifest,
    readFileSync(manifest, 'utf8').replace(`version: '${VERSION}'`, "version: '9.9.9'"),
  );
  const label = runStep(step, dir, env);
  assert.notEqual(label.status, 0);
  assert.match(label.stdout, /::error file=tekton\/.*::app\.kubernetes\.io\/version is not/);

  spawnSync('git', ['tag', `v${VERSION}`], { cwd: dir });
  const released = runStep(step, dir, env);
  assert.notEqual(released.status, 0);
  assert.match(released.stdout, new RegExp(`::error::v${VERSION.replace(/\./g, '\\.')} is released already`));
});

test('the step image is built from tekton/Dockerfile and pushed; STEP_IMAGE is pinned to the digest it pushed', () => {
  const build = stepIndex(
    'docker/build-push-action',
    (s) => s.uses?.startsWith('docker/build-push-action@') ?? false,
  );
  assert.equal(steps[build]!.id, 'build');
  assert.equal(steps[build]!.with?.file, 'tekton/Dockerfile');
  assert.equal(steps[build]!.with?.push, true);
  const pin = stepIndex('pinning STEP_IMAGE', runs('sh tekton/pin-step-image.sh "$STEP_IMAGE"'));
  assert.ok(pin > build, 'STEP_IMAGE is pinned before the image is pushed');
  assert.match(steps[pin]!.env!.STEP_IMAGE!, /@\$\{\{ steps\.build\.outputs\.digest \}\}$/);

  // The step itself, on a copy: every manifest names the image by that digest afterwards.
  const dir = checkout();
  const ref = `ghcr.io/oci-encrypt-push/oci-encrypt-push:v${VERSION}@sha256:${'ab'.repeat(32)}`;
  const r = runStep(steps[pin]!, dir, { STEP_IMAGE: ref });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.equal(r.outputs['step-image'], ref);
  for (const m of catalogManifests()) {
    const spec = loadDoc(join(dir, relative(ROOT, m.file))).value.spec as {
      params: { name: string; default?: string }[];
    };
    assert.equal(spec.params.find((p) => p.name === 'STEP_IMAGE')?.default, ref, m.file);
  }
});

test('the pinned Tasks are pushed as a Tekton bundle, whose digest the bundle sample is pinned to', () => {
  const pin = stepIndex('pinning STEP_IMAGE', runs('sh tekton/pin-step-image.sh "$STEP_IMAGE"'));
  const bundle = stepIndex('tkn bundle push', runs('tkn bundle push "$BUNDLE_TAG"'));
  assert.ok(
    bundle > pin,
    'the bundle is pushed before STEP_IMAGE is pinned: it would run the previous image',
  );
  assert.ok(
    stepIndex('installing tkn', runs('sha256sum -c')) < bundle,
    'tkn is not installed (and checked) first',
  );
  const run = steps[bundle]!.run!;
  assert.match(run, /sh tekton\/pin-step-image\.sh --bundle "\$BUNDLE"/);
  assert.match(run, /BUNDLE="\$\{BUNDLE_TAG\}@\$\{digest\}"/);

  // Its digest comes from what tkn prints ("Pushed Tekton Bundle to REPO@DIGEST"), and nothing else.
  const line = run.split('\n').find((l) => l.startsWith('digest='))!;
  const digest = (out: string) =>
    spawnSync('bash', ['-c', `${line}\nprintf '%s' "$digest"`], {
      env: { PATH: process.env.PATH, out },
      encoding: 'utf8',
    }).stdout;
  const d = `sha256:${'cd'.repeat(32)}`;
  const printed = `Creating Tekton Bundle:\n\t- Added Task: oci-encrypt-push to image\n\nPushed Tekton Bundle to ghcr.io/o/r/tekton-bundle@${d}`;
  assert.equal(digest(printed), d);
  assert.equal(digest('Pushed Tekton Bundle to ghcr.io/o/r/tekton-bundle:v1'), '');
});

test('the pinned files are committed, tagged and pushed together, then released with the pinned manifests', () => {
  const bundle = stepIndex('tkn bundle push', runs('tkn bundle push'));
  const release = stepIndex('the release', runs('gh release create'));
  assert.ok(release > bundle, 'released before the bundle was pinned');
  const run = steps[release]!.run!;
  const order = [
    'git commit -qam',
    'git tag -a "$TAG"',
    'git push --atomic origin',
    'gh release create "$TAG" --verify-tag',
  ];
  const at = order.map((c) => run.indexOf(c));
  assert.ok(
    at.every((i) => i !== -1),
    `missing one of ${order.join(', ')}`,
  );
  assert.deepEqual(
    [...at].sort((a, b) => a - b),
    at,
    `not in the order ${order.join(', ')}`,
  );
  assert.match(
    run,
    /git push --atomic origin "HEAD:refs\/heads\/\$\{GITHUB_REF_NAME\}" "refs\/tags\/\$\{TAG\}"/,
  );
  assert.ok(!readFileSync(join(ROOT, '.github', 'workflows', 'release.yml'), 'utf8').includes('/0.1/'));
});
