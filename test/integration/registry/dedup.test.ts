/**
 * No blob goes over the wire twice: a second repository of the same registry gets its blobs by cross-repository
 * mount (token mode, where the mount needs pull on the source in the same token), and a second push of an image
 * whose base layer stays plaintext finds that layer and the config already there (HEAD) and sends neither.
 * Ciphertext is random per encryption, so an encrypted layer is new on each run: that one is uploaded again.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startFaultProxy, type ProxyLogEntry } from '../../helpers/registry/fault-proxy.js';
import { needRegistry, useRegistry } from '../../helpers/registry/registry.js';
import { endpoint, layoutManifests, pushInProcess, sourceImage, tagState } from './support.js';

/** The `digest` query parameter of a request (blob upload commits carry it). */
function digestParam(e: ProxyLogEntry): string | null {
  return new URL(e.path, 'http://x').searchParams.get('digest');
}

function puts(log: ProxyLogEntry[], digest: string): ProxyLogEntry[] {
  return log.filter((e) => e.method === 'PUT' && digestParam(e) === digest);
}

test('one run, two repositories: the second gets every blob by mount, none uploaded twice (token auth)', async (t) => {
  if (!needRegistry(t, 'token')) return;
  const reg = await useRegistry(t, { mode: 'token' });
  const proxy = await startFaultProxy(reg);
  t.after(() => proxy.close());
  const ep = endpoint(reg, proxy);
  const src = sourceImage();

  const res = await pushInProcess(src, ep, 'one/app:t', { tags: [`${ep.host}/two/app:t`] });
  assert.ifError(res.error);
  const report = res.report!;
  assert.deepEqual(
    { ...report.pushed, bytesUploaded: undefined },
    { uploaded: 3, mounted: 3, skipped: 0, bytesUploaded: undefined },
    'config + 2 layers uploaded to one/app, then mounted into two/app',
  );

  const blobs = [
    layoutManifests(src.layout, 'latest').get('linux/amd64')!.config.digest,
    ...report.platforms[0]!.layers.map((l) => l.digest),
  ];
  for (const d of blobs) {
    assert.equal(puts(proxy.log, d).length, 1, `blob ${d} was PUT ${puts(proxy.log, d).length} times`);
    const mounts = proxy.log.filter((e) => {
      const q = new URL(e.path, 'http://x').searchParams;
      return e.method === 'POST' && e.path.startsWith('/v2/two/app/') && q.get('mount') === d;
    });
    assert.deepEqual(
      mounts.map((e) => [new URL(e.path, 'http://x').searchParams.get('from'), e.status]),
      [['one/app', 201]],
      `blob ${d}: one mount from one/app, answered 201 Created`,
    );
  }
  // Each went up once, to one/app, in one PUT with its bytes (small layers are encrypted whole in memory first).
  for (const d of blobs) {
    assert.deepEqual(
      puts(proxy.log, d).map((e) => [e.path.split('/blobs/')[0], e.requestDigest()]),
      [['/v2/one/app', d]],
    );
  }
  // Mounting needs pull on the source in the same token as push on the target.
  assert.ok(
    reg.token!.requests.some(
      (q) =>
        q.status === 200 &&
        q.scopes.includes('repository:two/app:pull,push') &&
        q.scopes.includes('repository:one/app:pull'),
    ),
    `no token asked for both scopes: ${JSON.stringify(reg.token!.requests.map((q) => q.scopes))}`,
  );
  for (const repo of ['one/app', 'two/app']) {
    const s = await tagState(reg, repo, 't');
    assert.equal(s.digest, report.digest, `${repo}:t`);
  }
});

test('a plaintext base layer and the config are found (HEAD) and not sent again on a second push', async (t) => {
  if (!needRegistry(t, 'plain')) return;
  const reg = await useRegistry(t, { mode: 'plain' });
  const proxy = await startFaultProxy(reg);
  t.after(() => proxy.close());
  const ep = endpoint(reg, proxy);
  const src = sourceImage({
    layers: [
      { files: { 'base/os-release': 'a base layer nobody needs to hide\n' } },
      { compression: 'none', files: { 'app/secret': 'the app layer\n' } },
    ],
  });
  const source = layoutManifests(src.layout, 'latest').get('linux/amd64')!;
  const config = source.config.digest;
  const base = source.layers[0]!.digest;

  const first = await pushInProcess(src, ep, 'app:t', { encryptLayers: [-1] });
  assert.ifError(first.error);
  assert.deepEqual(
    first.report!.platforms[0]!.layers.map((l) => [l.action, l.digest === l.sourceDigest]),
    [
      ['kept', true],
      ['encrypted', false],
    ],
  );
  assert.equal(first.report!.pushed.uploaded, 3);
  assert.equal(first.report!.pushed.skipped, 0);
  const mark = proxy.log.length;

  const second = await pushInProcess(src, ep, 'app:t', { encryptLayers: [-1] });
  assert.ifError(second.error);
  const pushed = second.report!.pushed;
  assert.deepEqual(
    { uploaded: pushed.uploaded, mounted: pushed.mounted, skipped: pushed.skipped },
    { uploaded: 1, mounted: 0, skipped: 2 },
    'only the new ciphertext is uploaded; config and plaintext base are skipped',
  );
  const encrypted = second.report!.platforms[0]!.layers[1]!.digest;
  assert.equal(pushed.bytesUploaded, second.report!.platforms[0]!.layers[1]!.size);
  const log = proxy.log.slice(mark);
  for (const d of [config, base]) {
    assert.deepEqual(puts(log, d), [], `blob ${d} was sent again`);
    assert.ok(
      log.some((e) => e.method === 'HEAD' && e.path.endsWith(`/blobs/${d}`) && e.status === 200),
      `no HEAD found ${d}`,
    );
  }
  assert.equal(puts(log, encrypted).length, 1, 'the new ciphertext was uploaded once');
  assert.notEqual(second.report!.digest, first.report!.digest, 'a second encryption makes a new manifest');
  assert.equal((await tagState(reg, 'app', 't')).digest, second.report!.digest);
});
