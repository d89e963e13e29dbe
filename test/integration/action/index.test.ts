/**
 * The fan-out/fan-in recipe under the runner contract, against a real distribution registry: the main action
 * with push-by-digest (one run per platform, as each matrix job does) pushes untagged with the usual outputs and
 * an empty tags output; the index sub-action (index/action.yml, dist/index/index.js) assembles the platforms
 * from a folder of digest files (what actions/download-artifact leaves) or from source lines, tags the index,
 * and sets the main action's outputs; skopeo decrypts every platform. A plaintext source fails on `sources`, with
 * no tag and no output.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import { keyPair, makeLayout, tempDir, writeKeyPair, type KeyPair } from '../../helpers/fixtures.js';
import { needPeer } from '../../helpers/peers.js';
import { needRegistry, useRegistry, type Registry } from '../../helpers/registry/registry.js';
import { endpoint, layoutManifests, registryGet, skopeoDecrypt, tagState } from '../registry/support.js';
import { assertFailedOn, assertSucceeded, NODES, runAction, type ActionRun } from './support.js';

const keys: KeyPair = keyPair('rsa2048');
const keyFiles = writeKeyPair(tempDir('oep-index-key-'), 'k', keys);
const node24 = NODES[0]!.bin;

/** One matrix job: a layout of its own platform, encrypted and pushed by digest to team/app by the main action. */
async function matrixJob(reg: Registry, architecture: string, more: Record<string, string> = {}) {
  const workspace = tempDir('oep-action-ws-');
  makeLayout(join(workspace, 'image'), {
    platform: { os: 'linux', architecture },
    layers: [
      { files: { 'etc/base.txt': `base for ${architecture}\n` } },
      { compression: 'none', files: { 'app/bin': `app for ${architecture}\n` } },
    ],
  });
  const r = await runAction(
    node24,
    {
      layout: 'image',
      image: `${reg.host}/team/app`,
      'push-by-digest': 'true',
      'public-keys': keys.publicPem,
      'tls-verify': 'false',
      ...more,
    },
    { workspace },
  );
  assertSucceeded(r);
  return { run: r, digest: r.outputs.digest!, layout: join(workspace, 'image') };
}

/** The merge job's download: one artifact folder per platform, each an empty file named by the digest's hex. */
function downloadedDigests(digests: string[]): string {
  const dir = tempDir('oep-digests-');
  for (const [i, d] of digests.entries()) {
    mkdirSync(join(dir, `digests-${i}`));
    writeFileSync(join(dir, `digests-${i}`, d.slice('sha256:'.length)), '');
  }
  return dir;
}

function runIndex(node: string, inputs: Record<string, string>): Promise<ActionRun> {
  return runAction(node, { 'tls-verify': 'false', ...inputs }, { subAction: 'index' });
}

async function tags(reg: Registry, repo: string): Promise<string[]> {
  const r = await registryGet(reg, `/v2/${repo}/tags/list`, { accept: 'application/json' });
  return r.status === 404 ? [] : ((JSON.parse(r.body.toString()) as { tags: string[] | null }).tags ?? []);
}

async function fannedOut(t: TestContext) {
  const reg = await useRegistry(t, { mode: 'plain' });
  const amd = await matrixJob(reg, 'amd64');
  const arm = await matrixJob(reg, 'arm64');
  return { reg, amd, arm };
}

describe('index sub-action', () => {
  test('push-by-digest (main action) per platform, then index from the downloaded digests: tagged, decryptable', async (t) => {
    if (!needRegistry(t, 'plain') || !needPeer(t, 'skopeo')) return;
    const { reg, amd, arm } = await fannedOut(t);
    for (const job of [amd, arm]) {
      const o = job.run.outputs;
      assert.equal(o.image, `${reg.host}/team/app`);
      assert.equal(o['image-ref'], `${reg.host}/team/app@${job.digest}`);
      assert.equal(o.tags, '', 'pushed by digest: the tags output is empty');
      assert.equal(Object.keys(JSON.parse(o['platform-digests']!) as object).length, 1);
      assert.match(job.run.summary, /\*\*Tags:\*\* none \(pushed by digest\)/);
    }
    assert.deepEqual(await tags(reg, 'team/app'), [], 'no tag appears in the tag list');

    const r = await runIndex(node24, {
      image: `${reg.host}/team/app:v1`,
      tags: 'latest',
      'digests-dir': downloadedDigests([amd.digest, arm.digest]),
    });
    assertSucceeded(r);
    const o = r.outputs;
    assert.equal((await tagState(reg, 'team/app', 'v1')).digest, o.digest, 'the tag resolves to the index');
    assert.equal((await tagState(reg, 'team/app', 'latest')).digest, o.digest);
    assert.equal(o.image, `${reg.host}/team/app`);
    assert.equal(o['image-ref'], `${reg.host}/team/app@${o.digest}`);
    assert.equal(o.tags, `${reg.host}/team/app:v1\n${reg.host}/team/app:latest`);
    assert.deepEqual(JSON.parse(o['platform-digests']!), {
      'linux/amd64': amd.digest,
      'linux/arm64': arm.digest,
    });
    assert.match(r.summary, /linux\/arm64/);

    const out = join(tempDir('oep-index-dec-'), 'out');
    await skopeoDecrypt(endpoint(reg), 'team/app:v1', keyFiles.priv, out, ['--all']);
    const got = layoutManifests(out, 'x');
    for (const [platform, job] of [
      ['linux/amd64', amd],
      ['linux/arm64', arm],
    ] as const) {
      const want = layoutManifests(job.layout, 'latest').get('linux/amd64')!; // a lone manifest: keyed amd64
      assert.deepEqual(
        got.get(platform)?.layers.map((l) => l.digest),
        want.layers.map((l) => l.digest),
      );
    }
  });

  for (const node of NODES) {
    test(`${node.name}: sources as lines, into another repository (blobs mounted)`, async (t) => {
      if (!needRegistry(t, 'plain')) return;
      const { reg, amd, arm } = await fannedOut(t);
      const r = await runIndex(node.bin, {
        image: `${reg.host}/team/release:v1`,
        sources: `${reg.host}/team/app@${amd.digest}\n${reg.host}/team/app@${arm.digest}\n`,
      });
      assertSucceeded(r);
      assert.equal((await tagState(reg, 'team/release', 'v1')).digest, r.outputs.digest);
      const report = JSON.parse(r.outputs.report!) as { pushed: { uploaded: number; mounted: number } };
      assert.deepEqual([report.pushed.uploaded, report.pushed.mounted], [0, 6]);
    });
  }

  test('a plaintext source fails on sources: no tag, no output', async (t) => {
    if (!needRegistry(t, 'plain')) return;
    const reg = await useRegistry(t, { mode: 'plain' });
    const amd = await matrixJob(reg, 'amd64');
    const arm = await matrixJob(reg, 'arm64', { 'encrypt-layers': '-1' });
    const r = await runIndex(node24, {
      image: `${reg.host}/team/app:v1`,
      sources: `${amd.digest}\n${arm.digest}`,
    });
    const message = assertFailedOn(r, 'sources');
    assert.match(message, /layer 0 \(sha256:[0-9a-f]{64}\) of the linux\/arm64 image is plaintext/);
    assert.deepEqual(r.outputs, {});
    assert.deepEqual(await tags(reg, 'team/app'), []);
  });
});
