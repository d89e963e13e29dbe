/**
 * The rewrap sub-action (rewrap/action.yml, dist/rewrap/index.js) run as the GitHub runner runs it, against a
 * real distribution registry: an image pushed for A is rewrapped for {A, B} and tagged, with the main action's
 * outputs; skopeo opens the result with B; the private key never reaches the log; a rekey makes new blobs that A
 * no longer opens; a private key that opens nothing fails on private-keys, with no tag and no output.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { keyPair, sha256 } from '../../helpers/fixtures.js';
import { needPeer } from '../../helpers/peers.js';
import { needRegistry, useRegistry, type Registry } from '../../helpers/registry/registry.js';
import { endpoint, pushInProcess, sourceImage, tagState, type Source } from '../registry/support.js';
import {
  assertFailedOn,
  assertSucceeded,
  inspectRaw,
  NODES,
  runAction,
  skopeoAccess,
  skopeoDecrypt,
  type ActionRun,
} from './support.js';
import { run } from '../../helpers/peers.js';

const b = keyPair('p256');

interface Report {
  platforms: { platform: string; digest: string; layers: { action: string; digest: string }[] }[];
  recipients: { fingerprint: string }[];
}

/** An image pushed for A (the fixture's RSA key) to repo:a; its layer digests. */
async function pushedForA(reg: Registry, src: Source, repo: string): Promise<string[]> {
  const r = await pushInProcess(src, endpoint(reg), `${repo}:a`, { registry: { tlsVerify: false } });
  assert.ifError(r.error);
  return r.report!.platforms[0]!.layers.map((l) => l.digest);
}

/** No line of the private key's body in the step's log, but for the ::add-mask:: commands that hide it. */
function assertKeyNotLogged(r: ActionRun, pem: string): void {
  const log = `${r.stdout}\n${r.stderr}`
    .split('\n')
    .filter((l) => !l.startsWith('::add-mask::'))
    .join('\n');
  for (const line of pem.split('\n').filter((l) => l && !l.startsWith('-----'))) {
    assert.ok(!log.includes(line), 'a line of the private key is in the log');
    assert.ok(r.stdout.includes(`::add-mask::${line}`), 'a line of the private key was not masked');
  }
  assert.ok(!r.outputFile.includes(pem.split('\n')[1]!) && !r.summary.includes(pem.split('\n')[1]!));
}

describe('rewrap sub-action', () => {
  for (const node of NODES) {
    test(`${node.name}: rewraps for {A, B}, tags it, sets the main action's outputs`, async (t) => {
      if (!needRegistry(t, 'plain') || !needPeer(t, 'skopeo')) return;
      const reg = await useRegistry(t, { mode: 'plain' });
      const src = sourceImage();
      const layers = await pushedForA(reg, src, 'team/app');
      const r = await runAction(
        node.bin,
        {
          from: `${reg.host}/team/app:a`,
          image: `${reg.host}/team/app:ab`,
          tags: 'latest',
          'private-keys': src.keys.privatePem,
          'public-keys': `${src.keys.publicPem}\n${b.publicPem}`,
          'tls-verify': 'false',
        },
        { subAction: 'rewrap' },
      );
      assertSucceeded(r);
      const o = r.outputs;
      const access = skopeoAccess(reg, '');
      const served = inspectRaw(access, `${reg.host}/team/app:ab`);
      assert.ok(served, 'skopeo cannot read the tag');
      assert.equal(o.digest, sha256(served));
      assert.equal((await tagState(reg, 'team/app', 'latest')).digest, o.digest);
      assert.equal(o.image, `${reg.host}/team/app`);
      assert.equal(o['image-ref'], `${reg.host}/team/app@${o.digest}`);
      assert.equal(o.tags, `${reg.host}/team/app:ab\n${reg.host}/team/app:latest`);
      assert.deepEqual(JSON.parse(o['platform-digests']!), { 'linux/amd64': o.digest });
      const report = JSON.parse(o.report!) as Report;
      assert.deepEqual(
        report.platforms[0]!.layers.map((l) => [l.action, l.digest]),
        layers.map((d) => ['rewrapped', d]),
        'every layer rewrapped, the same blobs',
      );
      assert.equal(report.recipients.length, 2);
      assert.match(r.summary, /does not revoke what they already downloaded/);
      assertKeyNotLogged(r, src.keys.privatePem);
      skopeoDecrypt(skopeoAccess(reg, 'src-'), `${reg.host}/team/app:ab`, b);
      skopeoDecrypt(skopeoAccess(reg, 'src-'), `${reg.host}/team/app:ab`, src.keys);
    });
  }

  test('rekey: new layer blobs for {B}; A no longer opens them', async (t) => {
    if (!needRegistry(t, 'plain') || !needPeer(t, 'skopeo')) return;
    const reg = await useRegistry(t, { mode: 'plain' });
    const src = sourceImage();
    const layers = await pushedForA(reg, src, 'team/app');
    const r = await runAction(
      NODES[0]!.bin,
      {
        from: `${reg.host}/team/app:a`,
        image: `${reg.host}/team/app:b`,
        'private-keys': src.keys.privatePem,
        'public-keys': b.publicPem,
        rekey: 'true',
        'tls-verify': 'false',
      },
      { subAction: 'rewrap' },
    );
    assertSucceeded(r);
    const report = JSON.parse(r.outputs.report!) as Report;
    for (const [i, l] of report.platforms[0]!.layers.entries()) {
      assert.equal(l.action, 'rekeyed');
      assert.notEqual(l.digest, layers[i], `layer ${i} is still the old blob`);
    }
    skopeoDecrypt(skopeoAccess(reg, 'src-'), `${reg.host}/team/app:b`, b);
    const a = run('skopeo', [
      ...['--insecure-policy', 'copy', '--quiet', ...skopeoAccess(reg, 'src-')],
      ...['--decryption-key', src.priv, `docker://${reg.host}/team/app:b`, `oci:${src.dir}/no:x`],
    ]);
    assert.notEqual(a.status, 0, 'A still opens the rekeyed image');
  });

  test('a private key that opens no layer: failure on private-keys, no tag, no outputs', async (t) => {
    if (!needRegistry(t, 'plain')) return;
    const reg = await useRegistry(t, { mode: 'plain' });
    const src = sourceImage();
    await pushedForA(reg, src, 'team/app');
    const r = await runAction(
      NODES[0]!.bin,
      {
        from: `${reg.host}/team/app:a`,
        image: `${reg.host}/team/app:b`,
        'private-keys': b.privatePem,
        'public-keys': b.publicPem,
        'tls-verify': 'false',
      },
      { subAction: 'rewrap' },
    );
    const message = assertFailedOn(r, 'private-keys');
    assert.match(message, /layer 0 of the linux\/amd64 image: none of the given keys opens layer sha256:/);
    assert.deepEqual(r.outputs, {});
    assert.equal((await tagState(reg, 'team/app', 'b')).status, 404);
  });
});
