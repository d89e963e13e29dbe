/**
 * A push without an output writes nothing: each layer is encrypted as it goes up. What a user (or the registry's
 * operator) can check on the wire and on disk: a large layer goes up in one PATCH as it is made and is committed
 * under its digest afterwards; a small one is made in memory and goes up in one PUT; no file appears anywhere
 * while the push runs; a second registry gets the same bytes, encrypted again; a corrupt layer in the layout
 * fails the push with nothing committed and no tag.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { isOepError } from '../../../src/errors.js';
import { readBlob, sha256 } from '../../helpers/fixtures.js';
import { startFaultProxy, type ProxyLogEntry } from '../../helpers/registry/fault-proxy.js';
import { needRegistry, useRegistry } from '../../helpers/registry/registry.js';
import {
  assertCliOk,
  assertNoTag,
  cli,
  cliTransport,
  endpoint,
  layoutManifests,
  pushInProcess,
  registryGet,
  sourceImage,
  tagState,
  walkFiles,
} from './support.js';

const MiB = 1024 * 1024;

function digestParam(e: ProxyLogEntry): string | null {
  return new URL(e.path, 'http://x').searchParams.get('digest');
}

/** Two uncompressed layers: one of 3 MiB of random bytes (streamed), one of 10 KiB (made in memory). */
function bigAndSmall() {
  return sourceImage({
    layers: [
      { compression: 'none', files: { 'big.bin': randomBytes(3 * MiB) } },
      { compression: 'none', files: { 'small.bin': randomBytes(10 * 1024) } },
    ],
  });
}

test('a large layer streams up (POST, PATCH, PUT), a small one goes up in one PUT, and no file is written meanwhile', async (t) => {
  if (!needRegistry(t, 'plain')) return;
  const reg = await useRegistry(t, { mode: 'plain' });
  const proxy = await startFaultProxy(reg);
  t.after(() => proxy.close());
  const src = bigAndSmall();
  // Where a staging layout would go (the CLI's temp folder). tsx, which runs the CLI from source, caches there.
  const tmp = join(src.dir, 'tmp');
  mkdirSync(tmp);
  // Hold the manifest: every blob is up by then, so that is where a staging layout would be biggest.
  proxy.when('PUT', /\/manifests\/sha256:/).stall(1500);

  const pushing = cli(
    [
      ...[
        'encrypt',
        '--layout',
        src.layout,
        '--image',
        `${proxy.host}/app:v1`,
        '--recipient',
        `jwe:${src.pub}`,
      ],
      ...cliTransport(endpoint(reg, proxy)),
      '--json',
    ],
    { env: { TMPDIR: tmp } },
  );
  while (!proxy.log.some((e) => e.method === 'PUT' && e.path.includes('/manifests/'))) await sleep(20);
  const during = walkFiles(src.dir).filter(
    (f) => !f.startsWith(`${src.layout}/`) && !f.startsWith(`${tmp}/tsx-`),
  );
  const r = await pushing;
  assertCliOk(r);
  assert.deepEqual(during.sort(), [src.priv, src.pub].sort(), 'no file but the test keys beside the layout');

  const report = JSON.parse(r.stdout) as {
    digest: string;
    platforms: { layers: { digest: string; size: number }[] }[];
  };
  const [big, small] = report.platforms[0]!.layers;
  const wire = (digest: string) =>
    proxy.log
      .filter(
        (e) => e.path.includes(digest.slice(7)) || (e.method === 'PATCH' && e.requestDigest() === digest),
      )
      .map((e) => `${e.method} ${e.requestBytes}`);
  // The PATCH carries the whole ciphertext as it is made; the PUT after it only names the digest.
  assert.deepEqual(wire(big!.digest).slice(0, 2), [`PATCH ${big!.size}`, 'PUT 0']);
  assert.deepEqual(wire(small!.digest).slice(0, 1), [`PUT ${small!.size}`], 'no HEAD, no PATCH');
  // The read-back checks the manifests; a blob the registry committed under its digest in this run (it hashed
  // what it got) is not asked about again: no blob HEAD after the first manifest PUT.
  const firstManifest = proxy.log.findIndex((e) => e.method === 'PUT' && e.path.includes('/manifests/'));
  const late = proxy.log
    .slice(firstManifest)
    .filter((e) => e.method === 'HEAD' && e.path.includes('/blobs/'));
  assert.deepEqual(
    late.map((e) => e.path),
    [],
  );
  assert.deepEqual(wire(big!.digest), [`PATCH ${big!.size}`, 'PUT 0'], 'committed once, never asked again');
  assert.equal((await tagState(reg, 'app', 'v1')).digest, report.digest);
  for (const l of [big!, small!]) {
    const served = await registryGet(reg, `/v2/app/blobs/${l.digest}`, { accept: '*/*' });
    assert.equal(sha256(served.body), l.digest);
  }
});

test('a second registry gets the streamed layer encrypted again: the same bytes, one digest everywhere', async (t) => {
  if (!needRegistry(t, 'plain')) return;
  const one = await useRegistry(t, { mode: 'plain' });
  const two = await useRegistry(t, { mode: 'plain' });
  const proxy = await startFaultProxy(two);
  t.after(() => proxy.close());
  const src = bigAndSmall();

  const res = await pushInProcess(src, endpoint(one), 'app:v1', { tags: [`${proxy.host}/copy:v2`] });
  assert.ifError(res.error);
  const big = res.report!.platforms[0]!.layers[0]!;
  assert.equal((await tagState(one, 'app', 'v1')).digest, res.report!.digest);
  assert.equal((await tagState(two, 'copy', 'v2')).digest, res.report!.digest);
  // Its digest was known by then: one PUT with the bytes, which are those the first registry holds.
  const sent = proxy.log.filter((e) => e.method === 'PUT' && digestParam(e) === big.digest);
  assert.deepEqual(
    sent.map((e) => [e.status, e.requestBytes, e.requestDigest()]),
    [[201, big.size, big.digest]],
  );
  const held = await registryGet(one, `/v2/app/blobs/${big.digest}`, { accept: '*/*' });
  assert.equal(sha256(held.body), big.digest);
});

test('a layer whose bytes do not match its digest fails the push (E_DIGEST, no retry); it is never committed, no tag', async (t) => {
  if (!needRegistry(t, 'plain')) return;
  const reg = await useRegistry(t, { mode: 'plain' });
  const proxy = await startFaultProxy(reg);
  t.after(() => proxy.close());
  const src = bigAndSmall();
  const layer = layoutManifests(src.layout, 'latest').get('linux/amd64')!.layers[0]!;
  // The last byte: the check can only fail once the whole ciphertext has been sent.
  const bytes = readBlob(src.layout, layer.digest);
  bytes.writeUInt8(bytes.readUInt8(bytes.length - 1) ^ 0xff, bytes.length - 1);
  writeFileSync(join(src.layout, 'blobs', 'sha256', layer.digest.slice(7)), bytes);

  const res = await pushInProcess(src, endpoint(reg, proxy), 'app:v1');
  assert.ok(isOepError(res.error, 'E_DIGEST'), `expected E_DIGEST, got ${String(res.error)}`);
  assert.match((res.error as Error).message, new RegExp(layer.digest));
  assert.deepEqual(
    res.logs.filter((l) => l.startsWith('retry ')),
    [],
  );
  const patches = proxy.log.filter((e) => e.method === 'PATCH');
  assert.equal(patches.length, 1, 'one attempt');
  const commits = proxy.log.filter(
    (e) => e.method === 'PUT' && e.path.includes(patches[0]!.path.split('?')[0]!),
  );
  assert.deepEqual(commits, [], 'the upload was never committed');
  await assertNoTag(reg, 'app', 'v1');
});

test('a layer that fails stops the others: a big layer still going up is cut off, never committed, no tag', async (t) => {
  if (!needRegistry(t, 'plain')) return;
  const reg = await useRegistry(t, { mode: 'plain' });
  const proxy = await startFaultProxy(reg);
  t.after(() => proxy.close());
  const src = bigAndSmall();
  // The small layer fails its digest check as it is made, while the big one's PATCH is held by the proxy.
  const small = layoutManifests(src.layout, 'latest').get('linux/amd64')!.layers[1]!;
  const bytes = readBlob(src.layout, small.digest);
  bytes.writeUInt8(bytes.readUInt8(0) ^ 0xff, 0);
  writeFileSync(join(src.layout, 'blobs', 'sha256', small.digest.slice(7)), bytes);
  proxy.when('PATCH', /\/blobs\/uploads\//).stall(4000, 1);

  const res = await pushInProcess(src, endpoint(reg, proxy), 'app:v1');
  assert.ok(isOepError(res.error, 'E_DIGEST'), `expected E_DIGEST, got ${String(res.error)}`);
  const patches = proxy.log.filter((e) => e.method === 'PATCH');
  for (const p of patches) {
    const commits = proxy.log.filter((e) => e.method === 'PUT' && e.path.includes(p.path.split('?')[0]!));
    assert.deepEqual(
      commits.map((e) => e.path),
      [],
      'the big layer was cut off, not committed after the failure',
    );
  }
  await assertNoTag(reg, 'app', 'v1');
});
