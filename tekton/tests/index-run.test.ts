/**
 * The oci-encrypt-index Task's step run as Tekton runs it (./simulate.ts: params in env, SOURCES, an array param,
 * as the script's arguments, result paths as files, the step as user 65532) against the real registry: two
 * single-platform images are pushed by digest through the CLI, as the matrixed push Task does, and the step
 * assembles them into one index. skopeo is the oracle: the tag resolves to IMAGE_DIGEST, the index lists both
 * platforms. A source with a plaintext layer fails with one error, no result file and no tag.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { needPeer } from '../../test/helpers/peers.js';
import { needRegistry, useRegistry, type Registry } from '../../test/helpers/registry/registry.js';
import { assertCliOk, cli, sourceImage, type Source } from '../../test/integration/registry/support.js';
import { INDEX_FILE, loadDoc, readResults, resolveTaskStep, runStep } from './simulate.js';
import { digestOf, newPod, rawManifest, skopeoAccess, splitResults, tagsOf } from './support.js';

const task = loadDoc(INDEX_FILE);

function platformImage(architecture: string): Source {
  return sourceImage({
    platform: { os: 'linux', architecture },
    layers: [
      { files: { 'etc/base.txt': `base for ${architecture}\n` } },
      { compression: 'none', files: { 'app/bin': `app for ${architecture}\n` } },
    ],
  });
}

/** encrypt --push-by-digest through the CLI, as one TaskRun of the matrix does; its IMAGE_REF. */
async function pushByDigest(reg: Registry, src: Source, repo: string, extra: string[] = []): Promise<string> {
  const r = await cli([
    ...['encrypt', '--layout', src.layout, '--image', `${reg.host}/${repo}`, '--push-by-digest'],
    ...['--recipient', src.pub, '--tls-verify=false', '--json', ...extra],
  ]);
  assertCliOk(r);
  return (JSON.parse(r.stdout) as { imageRef: string }).imageRef;
}

test('index Task: two platforms pushed by digest become one tagged index; IMAGE_DIGEST is what the tag resolves to', async (t) => {
  if (!needRegistry(t, 'plain') || !needPeer(t, 'skopeo')) return;
  const reg = await useRegistry(t, { mode: 'plain' });
  const repo = `${reg.host}/team/app`;
  const amd64 = await pushByDigest(reg, platformImage('amd64'), 'team/app');
  const arm64 = await pushByDigest(reg, platformImage('arm64'), 'team/app');
  const access = skopeoAccess(reg);
  assert.deepEqual(tagsOf(repo, access), [], 'the platform pushes left no tag');

  const pod = newPod();
  const step = resolveTaskStep(task, {
    // As a matrix hands them over, one element each; a bare digest is one in IMAGE's repository.
    params: {
      IMAGE: `${repo}:v1`,
      TAGS: 'latest',
      SOURCES: [amd64, arm64.replace(/^.*@/, '')],
      TLS_VERIFY: 'false',
    },
    resultsDir: pod.results,
  });
  assert.deepEqual(step.args, [amd64, arm64.replace(/^.*@/, '')]);
  const r = await runStep(step, pod.root);
  t.diagnostic(`ran as ${r.user}`);
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);

  const digest = digestOf(`${repo}:v1`, access);
  assert.equal(digestOf(`${repo}:latest`, access), digest);
  assert.deepEqual(splitResults(readResults(pod.results), task, repo, digest), {
    IMAGE_DIGEST: digest,
    IMAGE_URL: `${repo}:v1`,
    IMAGE_REF: `${repo}@${digest}`,
    IMAGES: `${repo}@${digest}`,
  });
  const index = JSON.parse(rawManifest(`${repo}:v1`, access).toString('utf8')) as {
    manifests: { digest: string; platform: { architecture: string } }[];
  };
  assert.deepEqual(index.manifests.map((m) => [m.platform.architecture, `${repo}@${m.digest}`]).sort(), [
    ['amd64', amd64],
    ['arm64', arm64],
  ]);
});

test('index Task: one element holding several space-separated sources works as well', async (t) => {
  if (!needRegistry(t, 'plain') || !needPeer(t, 'skopeo')) return;
  const reg = await useRegistry(t, { mode: 'plain' });
  const repo = `${reg.host}/team/app`;
  const sources = [
    await pushByDigest(reg, platformImage('amd64'), 'team/app'),
    await pushByDigest(reg, platformImage('arm64'), 'team/app'),
  ];
  const pod = newPod();
  const step = resolveTaskStep(task, {
    params: { IMAGE: `${repo}:v2`, SOURCES: [sources.join(' ')], TLS_VERIFY: 'false' },
    resultsDir: pod.results,
  });
  const r = await runStep(step, pod.root);
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  const access = skopeoAccess(reg);
  assert.equal(readResults(pod.results).IMAGE_DIGEST, digestOf(`${repo}:v2`, access));
});

test('index Task: a source with a plaintext layer fails with one error, no result and no tag', async (t) => {
  if (!needRegistry(t, 'plain') || !needPeer(t, 'skopeo')) return;
  const reg = await useRegistry(t, { mode: 'plain' });
  const repo = `${reg.host}/team/app`;
  const amd64 = await pushByDigest(reg, platformImage('amd64'), 'team/app');
  // Only the top layer encrypted: the base layer stays plaintext.
  const arm64 = await pushByDigest(reg, platformImage('arm64'), 'team/app', ['--encrypt-layers', '-1']);
  const pod = newPod();
  const step = resolveTaskStep(task, {
    params: { IMAGE: `${repo}:v1`, SOURCES: [amd64, arm64], TLS_VERIFY: 'false' },
    resultsDir: pod.results,
  });
  const r = await runStep(step, pod.root);
  assert.equal(r.status, 1, r.stderr);
  const errors = r.stderr.split('\n').filter((l) => l.startsWith('error['));
  assert.equal(errors.length, 1, r.stderr);
  assert.match(errors[0]!, /^error\[E_PLAINTEXT\]: .*linux\/arm64/);
  assert.deepEqual(readResults(pod.results), {}, 'a result file was written');
  assert.deepEqual(tagsOf(repo, skopeoAccess(reg)), [], 'something was tagged');
});
