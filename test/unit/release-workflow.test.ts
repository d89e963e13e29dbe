// The release workflow (.github/workflows/release.yml) does what the Tekton catalog's versioning needs (TEP-0115:
// versions are git tags, read by the git resolver and Artifact Hub) without ever moving a registry tag: it refuses a
// version whose git tag or registry tag exists, pushes the step image and a Tekton bundle of the Tasks and
// StepAction by digest (no tag), reads each digest back from the registry, pins STEP_IMAGE and the bundle sample to
// them, commits, tags and releases, so the tag holds the pinned files, and tags the images in the registry last.
// Its shell steps that need no GitHub service run here for real, on a copy of the repository and against a real
// registry (docker-registry); the others are checked for the commands and the order that make the release right.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test, type TestContext } from 'node:test';
import { parse } from 'yaml';
import { catalogManifests, ROOT } from '../../tekton/tests/paths.js';
import { loadDoc } from '../../tekton/tests/simulate.js';
import { makeLayout, sha256, tempDir } from '../helpers/fixtures.js';
import { needPeer, skopeo } from '../helpers/peers.js';
import { startFaultProxy } from '../helpers/registry/fault-proxy.js';
import { fetchSimple } from '../helpers/registry/http.js';
import { freePort, needRegistry, useRegistry, type Registry } from '../helpers/registry/registry.js';
import { makeBuildKitLayout } from './pipeline/support.js';

interface Step {
  id?: string;
  name?: string;
  uses?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
  run?: string;
}

const WORKFLOW_TEXT = readFileSync(join(ROOT, '.github', 'workflows', 'release.yml'), 'utf8');
const workflow = parse(WORKFLOW_TEXT) as {
  on: Record<string, unknown>;
  jobs: Record<string, { steps: Step[]; services?: Record<string, { image: string }> }>;
};
const steps = Object.values(workflow.jobs).flatMap((j) => j.steps);
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const TAG = `v${VERSION}`;
/** The catalog's manifests as the workflow's shell globs name them. */
const CATALOG_GLOB = 'tekton/task/*/*.yaml tekton/stepaction/*/*.yaml';
/** The registry repositories the catalog names (the samples' bundle, the STEP_IMAGE defaults). */
const GHCR_REPO = 'ghcr.io/oci-encrypt-push/oci-encrypt-push';
/** A run on the repository's default branch, as the runner describes it. */
const ON_MAIN = { GITHUB_REF: 'refs/heads/main', DEFAULT_BRANCH: 'main' };

function stepIndex(what: string, pred: (s: Step) => boolean): number {
  const i = steps.findIndex(pred);
  assert.ok(i !== -1, `no step ${what}`);
  return i;
}
const runs = (text: string) => (s: Step) => s.run?.includes(text) ?? false;
const byId = (id: string) => stepIndex(`id ${id}`, (s) => s.id === id);
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A copy of what the steps read (package.json, tekton/, .github/release/) in a git repository of its own. */
function checkout(): string {
  const dir = tempDir('oep-release-');
  cpSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
  cpSync(join(ROOT, 'tekton'), join(dir, 'tekton'), { recursive: true });
  cpSync(join(ROOT, '.github', 'release'), join(dir, '.github', 'release'), { recursive: true });
  const git = (...args: string[]) => {
    const r = spawnSync('git', args, { cwd: dir, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  };
  git('init', '-q');
  git('add', '-A');
  git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', 'x');
  return dir;
}

/** What the copy's files changed since its commit (empty: nothing pinned). */
function changed(dir: string): string {
  return spawnSync('git', ['status', '--porcelain'], { cwd: dir, encoding: 'utf8' }).stdout;
}

/**
 * HOME for skopeo in a step, as on the runner (credentials and containers config under it): here its
 * registries.conf lets skopeo speak plain HTTP to the test's loopback registries (ghcr needs no such thing).
 */
function containersHome(...hosts: string[]): string {
  const home = tempDir('oep-release-home-');
  mkdirSync(join(home, '.config', 'containers'), { recursive: true });
  writeFileSync(
    join(home, '.config', 'containers', 'registries.conf'),
    hosts.map((h) => `[[registry]]\nlocation = "${h}"\ninsecure = true\n`).join('\n'),
  );
  return home;
}

/**
 * Run a step's script as the runner does (bash -e), with its outputs file. Asynchronous: a fault proxy in this
 * process must go on answering while the step runs.
 */
async function runStep(step: Step, cwd: string, env: Record<string, string>) {
  const output = join(tempDir('oep-release-out-'), 'output');
  writeFileSync(output, '');
  const child = spawn('bash', ['-e', '-c', step.run!], {
    cwd,
    env: { PATH: process.env.PATH, GITHUB_OUTPUT: output, ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  const [status] = (await once(child, 'close')) as [number | null];
  const outputs = Object.fromEntries(
    readFileSync(output, 'utf8')
      .split('\n')
      .filter((l) => l.includes('='))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
  return { status, stdout, stderr, outputs };
}

/** A registry for one test, and the peers the steps call (skopeo, jq); undefined when the test is skipped. */
async function registryForSteps(t: TestContext): Promise<Registry | undefined> {
  if (!needRegistry(t, 'plain') || !needPeer(t, 'skopeo') || !needPeer(t, 'jq')) return undefined;
  return useRegistry(t, { mode: 'plain' });
}

/** Push an OCI layout's image (an index: all of it) to REPO by its digest, no tag, as a push by digest does. */
function pushByDigest(layout: string, repo: string, digest: string): void {
  skopeo([
    'copy',
    '--all',
    '--preserve-digests',
    '--dest-tls-verify=false',
    `oci:${layout}`,
    `docker://${repo}@${digest}`,
  ]);
}

/** The digest of the bytes the registry serves for REF, hashed here. */
function served(ref: string): string {
  const r = spawnSync('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${ref}`]);
  assert.equal(r.status, 0, r.stderr.toString());
  return sha256(r.stdout);
}

async function tagsOf(reg: Registry, repo: string): Promise<string[]> {
  const r = await fetchSimple(`${reg.url}/v2/${repo}/tags/list`);
  return r.status === 200 ? (r.json<{ tags: string[] | null }>().tags ?? []) : [];
}

/** A one-layer image in a new layout: its manifest digest. */
function smallImage(what: string): { layout: string; digest: string } {
  const layout = join(tempDir('oep-release-img-'), 'layout');
  return { layout, digest: makeLayout(layout, { layers: [{ files: { what } }] }).manifest.digest };
}

function stepImageDefaults(dir: string): (string | undefined)[] {
  return catalogManifests().map((m) => {
    const spec = loadDoc(join(dir, relative(ROOT, m.file))).value.spec as {
      params: { name: string; default?: string }[];
    };
    return spec.params.find((p) => p.name === 'STEP_IMAGE')?.default;
  });
}

test('the release is run by hand and creates the tag itself, after pinning (no trigger on a tag or release)', () => {
  assert.deepEqual(Object.keys(workflow.on), ['workflow_dispatch']);
});

test('every action is pinned to a full commit SHA, its version in a comment', () => {
  const lines = WORKFLOW_TEXT.split('\n').filter((l) => /^\s*(- )?uses:/.test(l));
  assert.equal(lines.length, steps.filter((s) => s.uses).length);
  for (const line of lines)
    assert.match(line, /uses: [\w.-]+\/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/, `not pinned by SHA: ${line}`);
  for (const [name, service] of Object.entries(workflow.jobs.release!.services ?? {}))
    assert.match(service.image, /@sha256:[0-9a-f]{64}$/, `service ${name}: not pinned by digest`);
});

test('the images the QEMU and buildx setup actions run are pinned by digest (buildkit pushes with the login)', () => {
  const qemu = steps[stepIndex('setting up QEMU', (s) => /^docker\/setup-qemu-action@/.test(s.uses ?? ''))]!;
  assert.match(
    String(qemu.with?.image),
    /^docker\.io\/tonistiigi\/binfmt:qemu-v[\d.-]+@sha256:[0-9a-f]{64}$/,
  );
  const buildx =
    steps[stepIndex('setting up buildx', (s) => /^docker\/setup-buildx-action@/.test(s.uses ?? ''))]!;
  assert.match(
    String(buildx.with?.['driver-opts']),
    /^image=docker\.io\/moby\/buildkit:v\d+\.\d+\.\d+@sha256:[0-9a-f]{64}$/,
  );
});

test('no run script expands ${{ }}: what the event carries reaches the shell through env only', () => {
  for (const s of steps) assert.ok(!(s.run ?? '').includes('${{'), `${s.name ?? s.id}: \${{ }} in run`);
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

test('in order: refusal, pushes by digest, read-back and pins, commit/tag/release, registry tags last', () => {
  const order = {
    refusal: byId('unreleased'),
    'step image pushed by digest': byId('build'),
    'STEP_IMAGE read back and pinned': byId('pin'),
    'bundle pushed to the runner registry': byId('stage'),
    'bundle pushed by digest, read back and pinned': byId('bundle'),
    'commit, git tag, release': stepIndex('the release', runs('gh release create')),
    'registry tags': byId('registry-tags'),
  };
  const at = Object.values(order);
  assert.deepEqual(
    [...at].sort((a, b) => a - b),
    at,
    `not in the order ${Object.keys(order).join(' → ')}`,
  );
  assert.equal(order['registry tags'], steps.length - 1, 'a step runs after the registry tags');
  // Before the refusal, nothing but reading the repository and logging in to the registry it reads.
  for (const s of steps.slice(0, order.refusal))
    assert.ok(
      s.id === 'version' || /^(actions\/checkout|docker\/login-action)@/.test(s.uses ?? ''),
      `${s.name ?? s.uses} runs before the refusal`,
    );
  // Nothing tags the registry but the last step: the build pushes by digest, tkn only to the runner's registry.
  const build = steps[order['step image pushed by digest']]!;
  assert.equal(build.with?.tags, undefined);
  assert.equal(build.with?.push, undefined, 'push: true pushes the tags');
  assert.match(String(build.with?.outputs), /^type=image,name=\$\{\{ steps\.version\.outputs\.image \}\},/);
  assert.match(String(build.with?.outputs), /,push-by-digest=true,.*push=true$/);
  assert.equal(steps[byId('stage')]!.env?.STAGING, 'localhost:5000/tekton-bundle');
  const copies = steps
    .filter((_, i) => i !== order['registry tags'])
    .flatMap((s) => (s.run ?? '').replace(/\\\n\s*/g, ' ').match(/skopeo copy .*/g) ?? []);
  assert.ok(copies.length > 0, 'the bundle is not copied to the registry by skopeo');
  for (const copy of copies)
    assert.match(copy, /"docker:\/\/[^"]*@\$\{DIGEST\}"$/, `copies to a tag: ${copy}`);
});

test('the version step takes package.json version and refuses a catalog label that differs', async () => {
  const step = steps[byId('version')]!;
  const dir = checkout();
  const env = { GITHUB_REPOSITORY: 'Oci-Encrypt-Push/oci-encrypt-push' };
  const ok = await runStep(step, dir, env);
  assert.equal(ok.status, 0, ok.stdout + ok.stderr);
  assert.deepEqual(ok.outputs, {
    version: VERSION,
    tag: TAG,
    image: GHCR_REPO,
    bundle: `${GHCR_REPO}/tekton-bundle`,
  });

  const manifest = join(dir, relative(ROOT, catalogManifests()[0]!.file));
  writeFileSync(
    manifest,
    readFileSync(manifest, 'utf8').replace(`version: '${VERSION}'`, "version: '9.9.9'"),
  );
  const label = await runStep(step, dir, env);
  assert.notEqual(label.status, 0);
  assert.match(label.stdout, /::error file=tekton\/.*::app\.kubernetes\.io\/version is not/);
});

test('a version released already is refused: its git tag, or vX.Y.Z of the step image or bundle in the registry', async (t) => {
  const reg = await registryForSteps(t);
  if (!reg) return;
  const step = steps[byId('unreleased')]!;
  assert.equal(step.env?.TAG, '${{ steps.version.outputs.tag }}');
  assert.equal(step.env?.IMAGE, '${{ steps.version.outputs.image }}');
  assert.equal(step.env?.BUNDLE_REPO, '${{ steps.version.outputs.bundle }}');
  const dir = checkout();
  const home = containersHome(reg.host);
  const env = (repo: string) => ({
    HOME: home,
    ...ON_MAIN,
    TAG,
    IMAGE: `${reg.host}/${repo}`,
    BUNDLE_REPO: `${reg.host}/${repo}/tekton-bundle`,
  });
  // Neither exists (one repository has another tag): the release goes on.
  const other = smallImage('other');
  skopeo(['copy', '--dest-tls-verify=false', `oci:${other.layout}`, `docker://${reg.host}/a/r:v0.0.1`]);
  const fresh = await runStep(step, dir, env('a/r'));
  assert.equal(fresh.status, 0, fresh.stdout + fresh.stderr);

  for (const [repo, tagged] of [
    ['b/r', 'b/r'],
    ['c/r', 'c/r/tekton-bundle'],
  ] as const) {
    skopeo([
      'copy',
      '--dest-tls-verify=false',
      `oci:${other.layout}`,
      `docker://${reg.host}/${tagged}:${TAG}`,
    ]);
    const r = await runStep(step, dir, env(repo));
    assert.notEqual(r.status, 0, `${tagged}:${TAG} exists, yet the release went on`);
    assert.match(r.stdout, new RegExp(`::error::${escape(`${reg.host}/${tagged}:${TAG}`)} exists already`));
  }

  spawnSync('git', ['tag', TAG], { cwd: dir });
  const released = await runStep(step, dir, env('a/r'));
  assert.notEqual(released.status, 0);
  assert.match(released.stdout, new RegExp(`::error::${escape(TAG)} is released already`));

  // ghcr answers "denied" for the tag of a package not created yet: absent only when the repository is too (its tag
  // list unknown, or denied as well); denied for a tag of a repository that lists, it cannot tell.
  const proxy = await startFaultProxy(reg);
  t.after(() => proxy.close());
  const denied = '{"errors":[{"code":"DENIED","message":"denied"}]}';
  const down = `127.0.0.1:${await freePort()}`;
  const viaProxy = (repo: string) => ({
    ...env(repo),
    HOME: containersHome(proxy.host, down),
    IMAGE: `${proxy.host}/${repo}`,
    BUNDLE_REPO: `${proxy.host}/${repo}/tekton-bundle`,
  });
  const deny = proxy.when('GET', /\/manifests\//).fail(403, Infinity, { body: denied });
  const notCreated = await runStep(step, checkout(), viaProxy('new/r'));
  assert.equal(notCreated.status, 0, notCreated.stdout + notCreated.stderr);
  const denyList = proxy.when('GET', /^\/v2\/a\/r\/tags\/list/).fail(403, 1, { body: denied });
  const unlisted = await runStep(step, checkout(), viaProxy('a/r'));
  assert.equal(unlisted.status, 0, unlisted.stdout + unlisted.stderr);
  assert.equal(denyList.hits, 1);
  const unknown = async (stepEnv: Record<string, string>, ref: string, why: string) => {
    const r = await runStep(step, checkout(), stepEnv);
    assert.notEqual(r.status, 0, why);
    assert.match(r.stdout, new RegExp(`::error::cannot tell whether ${escape(ref)} exists`), why);
  };
  await unknown(viaProxy('a/r'), `${proxy.host}/a/r:${TAG}`, 'denied, yet its repository lists');
  const listFails = proxy.when('GET', /^\/v2\/new\/r\/tags\/list/).fail(503, Infinity);
  await unknown(viaProxy('new/r'), `${proxy.host}/new/r:${TAG}`, 'denied, and its tag list fails');
  assert.ok(listFails.hits > 0);
  proxy.clearFaults();

  // A registry that cannot say (down, or failing), which does not count as "no tag".
  const failing = proxy.when('GET', /\/manifests\//).fail(503, 1);
  for (const [image, why] of [
    [`${proxy.host}/a/r`, '503'],
    [`${down}/a/r`, 'down'],
  ] as const)
    await unknown({ ...viaProxy('a/r'), IMAGE: image }, `${image}:${TAG}`, why);
  assert.equal(failing.hits, 1);
  assert.ok(deny.hits > 0);
});

test('the release runs on the default branch only: the branch it pushes to is the one every release is cut from', async (t) => {
  const reg = await registryForSteps(t);
  if (!reg) return;
  const step = steps[byId('unreleased')]!;
  assert.equal(step.env?.DEFAULT_BRANCH, '${{ github.event.repository.default_branch }}');
  const env = {
    HOME: containersHome(reg.host),
    TAG,
    IMAGE: `${reg.host}/branch/r`,
    BUNDLE_REPO: `${reg.host}/branch/r/tekton-bundle`,
  };
  const onMain = await runStep(step, checkout(), { ...env, ...ON_MAIN });
  assert.equal(onMain.status, 0, onMain.stdout + onMain.stderr);
  for (const [ref, branch] of [
    ['refs/heads/feature', 'main'],
    ['refs/tags/main', 'main'],
    ['refs/heads/main', ''],
  ] as const) {
    const r = await runStep(step, checkout(), { ...env, GITHUB_REF: ref, DEFAULT_BRANCH: branch });
    assert.notEqual(r.status, 0, `released from ${ref} (default branch '${branch}')`);
    assert.match(r.stdout, /::error::a release is made from the default branch only/);
  }
});

test('the step image is pushed by digest; STEP_IMAGE is pinned to that digest only once it reads back', async (t) => {
  const reg = await registryForSteps(t);
  if (!reg) return;
  const build = steps[byId('build')]!;
  assert.match(build.uses!, /^docker\/build-push-action@/);
  assert.equal(build.with?.file, 'tekton/Dockerfile');
  assert.equal(build.with?.platforms, 'linux/amd64,linux/arm64');
  const step = steps[byId('pin')]!;
  assert.equal(step.env?.PUSHED, '${{ steps.build.outputs.digest }}');
  assert.match(step.run!, /sh tekton\/pin-step-image\.sh "\$STEP_IMAGE"/);

  // What buildx pushes (amd64, arm64, an attestation), by digest.
  const layout = join(tempDir('oep-release-buildx-'), 'layout');
  const image = makeBuildKitLayout(layout);
  const repo = `${reg.host}/oci-encrypt-push/oci-encrypt-push`;
  pushByDigest(layout, repo, image.index.digest);
  const proxy = await startFaultProxy(reg);
  t.after(() => proxy.close());
  const home = containersHome(reg.host, proxy.host);
  const pin = async (env: Record<string, string>) => {
    const dir = checkout();
    return { dir, r: await runStep(step, dir, { HOME: home, TAG, IMAGE: repo, ...env }) };
  };

  // The registry serves other bytes under that digest: nothing is pinned.
  proxy.when('GET', /\/manifests\/sha256:/).corruptByte(10);
  const bad = await pin({
    IMAGE: `${proxy.host}/oci-encrypt-push/oci-encrypt-push`,
    PUSHED: image.index.digest,
  });
  assert.notEqual(bad.r.status, 0, 'pinned a digest the registry does not serve');
  assert.match(bad.r.stderr, new RegExp(`::error::.* serves sha256:[0-9a-f]{64}, not ${image.index.digest}`));
  assert.equal(changed(bad.dir), '');
  assert.equal(bad.r.outputs['step-image'], undefined);

  // The push reported one platform's manifest, or a digest the registry does not have: nothing is pinned.
  const one = await pin({ PUSHED: image.amd64.manifest.digest });
  assert.notEqual(one.r.status, 0);
  assert.match(one.r.stderr, /::error::.* has no linux\/amd64 image/);
  assert.equal(changed(one.dir), '');
  const missing = await pin({ PUSHED: `sha256:${'ee'.repeat(32)}` });
  assert.notEqual(missing.r.status, 0);
  assert.equal(changed(missing.dir), '');

  // It reads back: every manifest names the image by that digest, under the tag applied last.
  const ok = await pin({ PUSHED: image.index.digest });
  assert.equal(ok.r.status, 0, ok.r.stdout + ok.r.stderr);
  const ref = `${repo}:${TAG}@${image.index.digest}`;
  assert.equal(ok.r.outputs['step-image'], ref);
  assert.deepEqual(
    stepImageDefaults(ok.dir),
    catalogManifests().map(() => ref),
  );
});

test('tkn is installed from a tarball checked against a sha256 pinned here, not one from the same release', () => {
  const install = stepIndex('installing tkn', runs('tar -xzf'));
  assert.ok(install < byId('stage'), 'tkn is not installed first');
  const step = steps[install]!;
  assert.match(step.env!.TKN_SHA256!, /^[0-9a-f]{64}$/);
  assert.doesNotMatch(step.run!, /checksums/);
  // The check itself: it passes on the archive whose sha256 is pinned, and fails on any other.
  const lines = step.run!.split('\n');
  const check = [
    lines.find((l) => l.startsWith('archive='))!,
    lines.find((l) => l.includes('sha256sum -c'))!,
  ];
  const dir = tempDir('oep-release-tkn-');
  const archive = `tkn_${step.env!.TKN_VERSION}_Linux_x86_64.tar.gz`;
  const verify = (bytes: string, pinned: string) => {
    writeFileSync(join(dir, archive), bytes);
    return spawnSync('bash', ['-e', '-c', `${check.join('\n')}\necho checked`], {
      cwd: dir,
      env: { PATH: process.env.PATH, ...step.env, TKN_SHA256: pinned },
      encoding: 'utf8',
    });
  };
  assert.equal(
    verify('tkn', sha256(Buffer.from('tkn')).slice(7))
      .stdout.trim()
      .split('\n')
      .pop(),
    'checked',
  );
  const other = verify('not tkn', step.env!.TKN_SHA256!);
  assert.notEqual(other.status, 0);
  assert.doesNotMatch(other.stdout, /checked/);
});

test('tkn pushes the pinned Tasks to the runner registry only; its digest comes from what tkn prints', () => {
  const run = steps[byId('stage')]!.run!;
  assert.match(run, /tkn bundle push "\$\{STAGING\}:\$\{TAG\}"/);
  const line = run.split('\n').find((l) => l.startsWith('digest='))!;
  const digest = (out: string) =>
    spawnSync('bash', ['-c', `${line}\nprintf '%s' "$digest"`], {
      env: { PATH: process.env.PATH, out },
      encoding: 'utf8',
    }).stdout;
  const d = `sha256:${'cd'.repeat(32)}`;
  const printed = `Creating Tekton Bundle:\n\t- Added Task: oci-encrypt-push to image\n\nPushed Tekton Bundle to localhost:5000/tekton-bundle@${d}`;
  assert.equal(digest(printed), d);
  assert.equal(digest('Pushed Tekton Bundle to localhost:5000/tekton-bundle:v1'), '');
});

test('the bundle goes to the registry by digest, no tag, reads back, and the bundle sample is pinned to it', async (t) => {
  const reg = await registryForSteps(t);
  if (!reg) return;
  const step = steps[byId('bundle')]!;
  assert.equal(step.env?.DIGEST, '${{ steps.stage.outputs.digest }}');
  assert.match(step.run!, /sh tekton\/pin-step-image\.sh --bundle "\$BUNDLE"/);
  // What tkn pushed to the runner's registry.
  const bundle = smallImage('tasks');
  const staging = `${reg.host}/staging/tekton-bundle`;
  pushByDigest(bundle.layout, staging, bundle.digest);
  const dir = checkout();
  const repo = `${reg.host}/oci-encrypt-push/oci-encrypt-push/tekton-bundle`;
  const samples = spawnSync('grep', ['-rl', `${GHCR_REPO}/tekton-bundle:`, 'tekton'], {
    cwd: dir,
    encoding: 'utf8',
  })
    .stdout.split('\n')
    .filter((f) => f.includes('/samples/'));
  assert.ok(samples.length > 0, 'no sample names the bundle');
  for (const f of samples)
    writeFileSync(
      join(dir, f),
      readFileSync(join(dir, f), 'utf8').replaceAll(
        GHCR_REPO,
        `${reg.host}/oci-encrypt-push/oci-encrypt-push`,
      ),
    );
  spawnSync('git', ['commit', '-qam', 'samples name the test registry'], { cwd: dir });
  const env = { HOME: containersHome(reg.host), TAG, STAGING: staging, BUNDLE_REPO: repo };

  const absent = await runStep(step, dir, { ...env, DIGEST: `sha256:${'ee'.repeat(32)}` });
  assert.notEqual(absent.status, 0);
  assert.equal(changed(dir), '');

  const r = await runStep(step, dir, { ...env, DIGEST: bundle.digest });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.equal(served(`${repo}@${bundle.digest}`), bundle.digest);
  assert.deepEqual(await tagsOf(reg, 'oci-encrypt-push/oci-encrypt-push/tekton-bundle'), []);
  const ref = `${repo}:${TAG}@${bundle.digest}`;
  assert.equal(r.outputs.bundle, ref);
  assert.deepEqual(
    changed(dir).split('\n').filter(Boolean).sort(),
    samples.map((f) => ` M ${f}`).sort(),
    'other files than the samples that name the bundle changed',
  );
  for (const f of samples) assert.ok(readFileSync(join(dir, f), 'utf8').includes(`value: ${ref}\n`), f);
});

test('the pinned files are committed, tagged and pushed together, then released with the pinned manifests', () => {
  const release = stepIndex('the release', runs('gh release create'));
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
  assert.equal(steps[release]!.env?.STEP_IMAGE, '${{ steps.pin.outputs.step-image }}');
  assert.equal(steps[release]!.env?.BUNDLE, '${{ steps.bundle.outputs.bundle }}');
  assert.ok(!WORKFLOW_TEXT.includes('/0.1/'));
});

test('last, the step image and the bundle are tagged vX.Y.Z in the registry, at the pinned digests', async (t) => {
  const reg = await registryForSteps(t);
  if (!reg) return;
  const step = steps[byId('registry-tags')]!;
  assert.equal(step.env?.STEP_IMAGE, '${{ steps.pin.outputs.step-image }}');
  assert.equal(step.env?.BUNDLE, '${{ steps.bundle.outputs.bundle }}');
  const layout = join(tempDir('oep-release-buildx-'), 'layout');
  const image = makeBuildKitLayout(layout);
  const bundle = smallImage('tasks');
  const repo = 'oci-encrypt-push/oci-encrypt-push';
  pushByDigest(layout, `${reg.host}/${repo}`, image.index.digest);
  pushByDigest(bundle.layout, `${reg.host}/${repo}/tekton-bundle`, bundle.digest);
  const r = await runStep(step, checkout(), {
    HOME: containersHome(reg.host),
    STEP_IMAGE: `${reg.host}/${repo}:${TAG}@${image.index.digest}`,
    BUNDLE: `${reg.host}/${repo}/tekton-bundle:${TAG}@${bundle.digest}`,
  });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.deepEqual(await tagsOf(reg, repo), [TAG]);
  assert.deepEqual(await tagsOf(reg, `${repo}/tekton-bundle`), [TAG]);
  assert.equal(served(`${reg.host}/${repo}:${TAG}`), image.index.digest);
  assert.equal(served(`${reg.host}/${repo}/tekton-bundle:${TAG}`), bundle.digest);
});
