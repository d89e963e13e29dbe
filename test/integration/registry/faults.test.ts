/**
 * The fault matrix: faults injected by the loopback proxy between our client and a real registry. Each case ends
 * in one of two states a user can trust: success with ONE digest that is also the registry's (every tag, the
 * Docker-Content-Digest header and sha256 of the served bytes agree), or a clean failure (an error with a code,
 * non-zero exit) with NO tag written. pushImage runs in-process where the test needs fast retries or a short
 * timeout (the CLI does not expose them); the exhausted-retries case runs the CLI.
 *
 * A table of the outcomes (fault → outcome, attempts, time) is printed at the end of the file's run.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { after, test, type TestContext } from 'node:test';
import { isOepError } from '../../../src/errors.js';
import { readBlob, sha256 } from '../../helpers/fixtures.js';
import { fetchSimple } from '../../helpers/registry/http.js';
import {
  startFaultProxy,
  type FaultProxy,
  type FaultRule,
  type ProxyLogEntry,
} from '../../helpers/registry/fault-proxy.js';
import { needRegistry, useRegistry, type Registry } from '../../helpers/registry/registry.js';
import { startTokenIssuer, type TokenIssuer } from '../../helpers/registry/token-server.js';
import {
  assertNoTag,
  cli,
  cliTransport,
  endpoint,
  layoutManifests,
  pushInProcess,
  registryGet,
  sourceImage,
  tagState,
  type InProcessPush,
  type Source,
} from './support.js';

interface Row {
  fault: string;
  outcome: string;
  attempts: string;
  ms: number;
}
const rows: Row[] = [];
after(() => {
  if (rows.length === 0) return;
  const cells = [
    ['fault', 'outcome', 'attempts', 'time'],
    ...rows.map((r) => [r.fault, r.outcome, r.attempts, `${(r.ms / 1000).toFixed(2)} s`]),
  ];
  const w = [0, 1, 2, 3].map((i) => Math.max(...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => `| ${c.map((s, i) => s.padEnd(w[i]!)).join(' | ')} |`;
  const table = [line(cells[0]!), line(w.map((n) => '-'.repeat(n))), ...cells.slice(1).map(line)].join('\n');
  console.log(`\nfault matrix:\n${table}\n`);
});

/** When each proxied request arrived (the proxy's log has no times). */
function arrivals(proxy: FaultProxy): Map<ProxyLogEntry, number> {
  const at = new Map<ProxyLogEntry, number>();
  const log = proxy.log;
  const push = log.push.bind(log);
  log.push = (...entries: ProxyLogEntry[]) => {
    for (const e of entries) at.set(e, Date.now());
    return push(...entries);
  };
  return at;
}

/** Blob upload commits (PUT …/blobs/uploads/…?digest=), except of the given digest (the plaintext config). */
function blobCommit(except: string): RegExp {
  return new RegExp(`^/v2/[^?]+/blobs/uploads/[^?]+\\?(?!.*${except.slice(7)}).*digest=`);
}

/** Upload a blob straight to a plain registry (POST + PUT), around the proxy. */
async function seedBlob(reg: Registry, repo: string, data: Buffer): Promise<void> {
  const post = await fetchSimple(`${reg.url}/v2/${repo}/blobs/uploads/`, { method: 'POST' });
  assert.equal(post.status, 202);
  const put = new URL(String(post.headers.location), reg.url);
  put.searchParams.set('digest', sha256(data));
  const done = await fetchSimple(put.href, { method: 'PUT', body: data });
  assert.equal(done.status, 201, done.text());
}

function digestParam(e: ProxyLogEntry): string | null {
  return new URL(e.path, 'http://x').searchParams.get('digest');
}

/** Success: one digest, and it is the registry's for every tag (sha256 of the bytes and its header agree). */
async function assertLanded(
  reg: Registry,
  res: InProcessPush,
  repoTags: [string, string][],
): Promise<string> {
  if (res.error) {
    assert.fail(`the push failed: ${String(res.error)}\n${res.logs.join('\n')}\n${reg.logs().slice(-2000)}`);
  }
  const digest = res.report!.digest;
  for (const [repo, tag] of repoTags) {
    const s = await tagState(reg, repo, tag);
    assert.equal(s.status, 200, `${repo}:${tag}`);
    assert.equal(s.digest, digest, `${repo}:${tag} serves bytes of another digest than reported`);
    assert.equal(s.header, digest, `${repo}:${tag}: Docker-Content-Digest`);
  }
  return digest;
}

function oneLayerImage(bytes: Buffer | string = 'one small layer\n'): { src: Source; config: string } {
  const src = sourceImage({ layers: [{ compression: 'none', files: { 'data.bin': bytes } }] });
  return { src, config: layoutManifests(src.layout, 'latest').get('linux/amd64')!.config.digest };
}

async function setup(
  t: TestContext,
  reg: Registry,
): Promise<{ proxy: FaultProxy; at: Map<ProxyLogEntry, number> }> {
  const proxy = await startFaultProxy(reg);
  t.after(() => proxy.close());
  return { proxy, at: arrivals(proxy) };
}

function retryLines(res: InProcessPush, what: RegExp): string[] {
  return res.logs.filter((l) => /^retry \d+\/\d+ of /.test(l) && what.test(l));
}

test('503 twice on a blob PUT, then OK → success, two retries logged', async (t) => {
  if (!needRegistry(t, 'plain')) return;
  const reg = await useRegistry(t, { mode: 'plain' });
  const { proxy } = await setup(t, reg);
  const { src, config } = oneLayerImage();
  const rule = proxy.when('PUT', blobCommit(config)).fail(503, 2);

  const res = await pushInProcess(src, endpoint(reg, proxy), 'app:v1');
  const digest = await assertLanded(reg, res, [['app', 'v1']]);
  assert.equal(rule.hits, 2);
  const layer = res.report!.platforms[0]!.layers[0]!.digest;
  const tries = proxy.log.filter((e) => e.method === 'PUT' && digestParam(e) === layer);
  assert.deepEqual(
    tries.map((e) => e.status),
    [503, 503, 201],
  );
  assert.equal(retryLines(res, /blob .* HTTP 503/).length, 2, res.logs.join('\n'));
  assert.match(digest, /^sha256:/);
  rows.push({
    fault: '503 ×2 on blob PUT',
    outcome: 'success, digest = registry',
    attempts: '3 PUTs (503, 503, 201)',
    ms: res.ms,
  });
});

test('429 with Retry-After: 1 on a manifest PUT → success after waiting ≥ 1 s', async (t) => {
  if (!needRegistry(t, 'plain')) return;
  const reg = await useRegistry(t, { mode: 'plain' });
  const { proxy, at } = await setup(t, reg);
  const { src } = oneLayerImage();
  const rule = proxy.when('PUT', /\/manifests\//).fail(429, 1, { retryAfter: 1 });

  const res = await pushInProcess(src, endpoint(reg, proxy), 'app:v1');
  await assertLanded(reg, res, [['app', 'v1']]);
  assert.equal(rule.hits, 1);
  const manifestPuts = proxy.log.filter((e) => e.method === 'PUT' && e.path.includes('/manifests/'));
  assert.deepEqual(
    manifestPuts.map((e) => e.status),
    [429, 201, 201],
    'by digest (429), by digest again, then the tag',
  );
  assert.equal(manifestPuts[0]!.path, manifestPuts[1]!.path, 'the same PUT was retried');
  const waited = at.get(manifestPuts[1]!)! - at.get(manifestPuts[0]!)!;
  assert.ok(waited >= 950, `retried ${waited} ms after a Retry-After of 1 s`);
  assert.ok(waited < 5000, `waited ${waited} ms for a Retry-After of 1 s`);
  assert.deepEqual(
    retryLines(res, /manifest/).map((l) => /in ([\d.]+) s/.exec(l)?.[1]),
    ['1.0'],
  );
  rows.push({
    fault: '429 Retry-After 1 on manifest PUT',
    outcome: `success, waited ${(waited / 1000).toFixed(2)} s`,
    attempts: '2 PUTs (429, 201)',
    ms: res.ms,
  });
});

for (const mode of ['plain', 'htpasswd'] as const) {
  test(`connection reset after 1 MiB of a layer streamed as it is encrypted (${mode === 'plain' ? 'HTTP' : 'TLS'}) → encrypted again from the layout: the same bytes, one digest, the whole blob stored`, async (t) => {
    if (!needRegistry(t, mode)) return;
    const reg = await useRegistry(t, { mode });
    const { proxy } = await setup(t, reg);
    // Random bytes in an uncompressed layer: the ciphertext is as large as the tar, well over 1 MiB.
    const { src } = oneLayerImage(randomBytes(2 * 1024 * 1024 + 12345));
    const MiB = 1024 * 1024;
    // Without an output nothing is written: the layer's ciphertext goes up in a PATCH as it is made (the
    // config, whose digest is known, in a PUT), and the PUT that commits it comes once its digest is known.
    const rule = proxy.when('PATCH', /\/blobs\/uploads\//).resetAfterBytes(MiB);

    const res = await pushInProcess(src, endpoint(reg, proxy), 'app:v1');
    await assertLanded(reg, res, [['app', 'v1']]);
    assert.equal(rule.hits, 1);
    const layer = res.report!.platforms[0]!.layers[0]!;
    assert.ok(layer.size > 2 * MiB, `layer is ${layer.size} bytes`);
    const patches = proxy.log.filter((e) => e.method === 'PATCH');
    assert.deepEqual(
      patches.map((e) => [e.fault, e.status, e.requestBytes]),
      [
        ['reset', undefined, MiB],
        [undefined, 202, layer.size],
      ],
    );
    const blob = await registryGet(reg, `/v2/app/blobs/${layer.digest}`, { accept: '*/*' });
    assert.equal(blob.status, 200);
    assert.equal(sha256(blob.body), layer.digest, 'the registry holds the whole blob');
    // AES-CTR under the same key and nonce: the retry, encrypted anew, sent the bytes the cut attempt had begun.
    assert.equal(patches[0]!.requestDigest(), sha256(blob.body.subarray(0, MiB)), 'the same first MiB');
    assert.equal(patches[1]!.requestDigest(), layer.digest, 'the retry sent the blob that was reported');
    const commits = proxy.log.filter((e) => e.method === 'PUT' && digestParam(e) === layer.digest);
    assert.deepEqual(
      commits.map((e) => [e.status, e.requestBytes]),
      [[201, 0]],
      'committed once, under the one digest',
    );
    const session = (p: string) => p.split('?')[0];
    assert.notEqual(session(commits[0]!.path), session(patches[0]!.path), 'the dead session was not reused');
    assert.equal(retryLines(res, /blob/).length, 1, res.logs.join('\n'));
    rows.push({
      fault: `reset after 1 MiB of a streamed layer (${mode === 'plain' ? 'HTTP' : 'TLS'})`,
      outcome: 'success, same bytes, one digest',
      attempts: `2 PATCHes (reset at 1 MiB, 202 ${(layer.size / MiB).toFixed(1)} MiB) + 1 PUT`,
      ms: res.ms,
    });
  });
}

test('503 on the PUT that commits a streamed layer → encrypted again in a new session: the same bytes, one digest', async (t) => {
  if (!needRegistry(t, 'plain')) return;
  const reg = await useRegistry(t, { mode: 'plain' });
  const { proxy } = await setup(t, reg);
  const { src, config } = oneLayerImage(randomBytes(2 * 1024 * 1024));
  const rule = proxy.when('PUT', blobCommit(config)).fail(503, 1);

  const res = await pushInProcess(src, endpoint(reg, proxy), 'app:v1');
  await assertLanded(reg, res, [['app', 'v1']]);
  assert.equal(rule.hits, 1);
  const layer = res.report!.platforms[0]!.layers[0]!;
  // Both attempts sent the whole layer, encrypted from the layout each time: the very same bytes.
  assert.deepEqual(
    proxy.log.filter((e) => e.method === 'PATCH').map((e) => [e.status, e.requestBytes, e.requestDigest()]),
    [
      [202, layer.size, layer.digest],
      [202, layer.size, layer.digest],
    ],
  );
  const commits = proxy.log.filter((e) => e.method === 'PUT' && digestParam(e) === layer.digest);
  assert.deepEqual(
    commits.map((e) => e.status),
    [503, 201],
  );
  assert.equal(retryLines(res, /blob .* HTTP 503/).length, 1, res.logs.join('\n'));
  rows.push({
    fault: '503 on the commit PUT of a streamed layer',
    outcome: 'success, same bytes twice, one digest',
    attempts: '2 × (PATCH 202, PUT): 503, 201',
    ms: res.ms,
  });
});

test('connection reset after 1 MiB of a blob PUT (layout written with --output, uploaded from it) → success on retry, the whole blob stored', async (t) => {
  if (!needRegistry(t, 'plain')) return;
  const reg = await useRegistry(t, { mode: 'plain' });
  const { proxy } = await setup(t, reg);
  const { src, config } = oneLayerImage(randomBytes(2 * 1024 * 1024 + 12345));
  const MiB = 1024 * 1024;
  const rule = proxy.when('PUT', blobCommit(config)).resetAfterBytes(MiB);

  const output = join(src.dir, 'out');
  const res = await pushInProcess(src, endpoint(reg, proxy), 'app:v1', { output });
  await assertLanded(reg, res, [['app', 'v1']]);
  assert.equal(rule.hits, 1);
  const layer = res.report!.platforms[0]!.layers[0]!;
  const tries = proxy.log.filter((e) => e.method === 'PUT' && digestParam(e) === layer.digest);
  assert.deepEqual(
    tries.map((e) => [e.fault, e.status, e.requestBytes]),
    [
      ['reset', undefined, MiB],
      [undefined, 201, layer.size],
    ],
  );
  assert.equal(proxy.log.filter((e) => e.method === 'PATCH').length, 0, 'monolithic uploads');
  assert.equal(retryLines(res, /blob/).length, 1, res.logs.join('\n'));
  const blob = await registryGet(reg, `/v2/app/blobs/${layer.digest}`, { accept: '*/*' });
  assert.equal(sha256(blob.body), layer.digest, 'the registry holds the whole blob');
  assert.equal(sha256(readBlob(output, layer.digest)), layer.digest, 'the layout holds the same blob');
  rows.push({
    fault: 'reset after 1 MiB of blob PUT (--output)',
    outcome: 'success, blob whole',
    attempts: `2 PUTs (reset at 1 MiB, 201 ${(layer.size / MiB).toFixed(1)} MiB)`,
    ms: res.ms,
  });
});

test('reset mid-PATCH (chunked upload from the layout written with --output; distribution drops the session) → success with a new session', async (t) => {
  if (!needRegistry(t, 'plain')) return;
  const reg = await useRegistry(t, { mode: 'plain' });
  const { proxy } = await setup(t, reg);
  const { src, config } = oneLayerImage(randomBytes(2 * 1024 * 1024));
  // A PATCH carries no digest to match: put the (plaintext) config there first, so only the layer is uploaded.
  await seedBlob(reg, 'app', readBlob(src.layout, config));
  const MiB = 1024 * 1024;
  const rule = proxy.when('PATCH', /\/blobs\/uploads\//).resetAfterBytes(MiB);

  const res = await pushInProcess(src, endpoint(reg, proxy), 'app:v1', {
    output: join(src.dir, 'out'),
    registry: { chunked: true },
  });
  await assertLanded(reg, res, [['app', 'v1']]);
  assert.equal(rule.hits, 1);
  const layer = res.report!.platforms[0]!.layers[0]!;
  const cut = proxy.log.find((e) => e.fault === 'reset')!;
  assert.equal(cut.requestBytes, MiB);
  const session = (p: string) => p.split('?')[0];
  const commits = proxy.log.filter((e) => e.method === 'PUT' && digestParam(e) === layer.digest);
  assert.equal(commits.length, 1);
  assert.equal(commits[0]!.status, 201);
  assert.equal(res.report!.pushed.skipped, 1, 'the seeded config was found');
  assert.deepEqual(
    proxy.log.filter((e) => e.method === 'PATCH').map((e) => [e.status, e.requestBytes]),
    [
      [undefined, MiB],
      [202, layer.size],
    ],
  );
  assert.notEqual(session(commits[0]!.path), session(cut.path), 'the dead session was not reused');
  rows.push({
    fault: 'reset after 1 MiB of PATCH (chunked, --output)',
    outcome: 'success, new upload session',
    attempts: '2 PATCHes (reset, 202) + 1 PUT',
    ms: res.ms,
  });
});

test('a blob PUT stalled past the timeout → success on retry', async (t) => {
  if (!needRegistry(t, 'plain')) return;
  const reg = await useRegistry(t, { mode: 'plain' });
  const { proxy } = await setup(t, reg);
  const { src, config } = oneLayerImage();
  const rule = proxy.when('PUT', blobCommit(config)).stall(5000);

  const res = await pushInProcess(src, endpoint(reg, proxy), 'app:v1', { registry: { timeoutMs: 1500 } });
  await assertLanded(reg, res, [['app', 'v1']]);
  assert.equal(rule.hits, 1);
  const layer = res.report!.platforms[0]!.layers[0]!.digest;
  const tries = proxy.log.filter((e) => e.method === 'PUT' && digestParam(e) === layer);
  assert.deepEqual(
    tries.map((e) => [e.fault, e.status]),
    [
      ['stall', undefined],
      [undefined, 201],
    ],
  );
  assert.ok(res.ms >= 1500, `the client gave up after ${res.ms} ms, before its 1.5 s timeout`);
  assert.ok(res.ms < 5000, `the push took ${res.ms} ms: it waited out the 5 s stall instead of timing out`);
  assert.equal(retryLines(res, /blob .*timeout/i).length, 1, res.logs.join('\n'));
  rows.push({
    fault: 'stall 5 s on blob PUT (timeout 1.5 s)',
    outcome: 'success',
    attempts: '2 PUTs (timed out, 201)',
    ms: res.ms,
  });
});

test('the token expires mid-push → success via one re-auth (token mode)', async (t) => {
  if (!needRegistry(t, 'token')) return;
  // The first token lives 8 s at the registry (7 to 8 s: the issuer's iat is whole seconds) but is reported as
  // good for 300 s, so the client keeps using it; later tokens are ordinary. The blob uploads (well under 7 s,
  // even on a loaded CI machine) use it while it is good; an 8.5 s stall on the first manifest PUT makes that
  // request arrive with it dead.
  const issuer: TokenIssuer = await startTokenIssuer({
    users: { tester: 'pw-for-expiry' },
    policy: (user, requested) => {
      const first = issuer.requests.length === 1;
      issuer.tokenTtlSeconds = first ? 8 : 300;
      issuer.reportedExpiresIn = first ? 300 : undefined;
      return user !== undefined ? requested.actions : requested.actions.filter((a) => a === 'pull');
    },
  });
  t.after(() => issuer.close());
  const reg = await useRegistry(t, { mode: 'token', issuer, users: { tester: 'pw-for-expiry' } });
  const { proxy } = await setup(t, reg);
  const { src } = oneLayerImage();
  const stall: FaultRule = proxy.when('PUT', /\/manifests\/sha256:/).stall(8500);

  const res = await pushInProcess(src, endpoint(reg, proxy), 'app:v1');
  await assertLanded(reg, res, [['app', 'v1']]);
  assert.equal(stall.hits, 1);
  const refused = proxy.log.filter((e) => e.status === 401 && e.path !== '/v2/');
  assert.deepEqual(
    refused.map((e) => [e.method, e.fault]),
    [['PUT', 'stall']],
    'only the stalled manifest PUT met the expired token (a blob request refused means the blob phase was slow)',
  );
  const pushTokens = issuer.requests.filter((q) => q.scopes.includes('repository:app:pull,push'));
  assert.equal(pushTokens.length, 2, 'one token, then exactly one re-auth');
  assert.ok(pushTokens.every((q) => q.status === 200 && q.user === 'tester'));
  const retried = proxy.log.filter((e) => e.method === 'PUT' && e.path === refused[0]!.path);
  assert.deepEqual(
    retried.map((e) => e.status),
    [401, 201],
  );
  assert.deepEqual(retryLines(res, /./), [], 'the re-auth is not a retry');
  rows.push({
    fault: 'token expired mid-push (token mode)',
    outcome: 'success via one re-auth',
    attempts: '2 manifest PUTs (401, 201); 2 push tokens',
    ms: res.ms,
  });
});

test('retries exhausted (503 forever on the tag PUT, --retries 1) → exit 1, no tag written', async (t) => {
  if (!needRegistry(t, 'plain')) return;
  const reg = await useRegistry(t, { mode: 'plain' });
  const { proxy } = await setup(t, reg);
  const { src } = oneLayerImage();
  const rule = proxy.when('PUT', /\/manifests\/v1$/).fail(503, Infinity);

  const r = await cli([
    'encrypt',
    '--layout',
    src.layout,
    '--image',
    `${proxy.host}/app:v1`,
    '--recipient',
    `jwe:${src.pub}`,
    ...cliTransport(endpoint(reg, proxy)),
    '--retries',
    '1',
  ]);
  assert.equal(r.status, 1, r.stderr);
  assert.equal(r.stdout, '', 'no digest may be printed');
  assert.equal(rule.hits, 2, 'one try and one retry');
  const errors = r.stderr.split('\n').filter((l) => /^error\[E_[A-Z_]+\]: /.test(l));
  assert.equal(errors.length, 1, r.stderr);
  assert.match(errors[0]!, /HTTP 503/);
  assert.match(errors[0]!, new RegExp(`${proxy.host}/app`));
  assert.match(r.stderr, /retry 1\/1 of tag v1/);
  await assertNoTag(reg, 'app', 'v1');
  rows.push({
    fault: '503 forever on tag PUT, retries 1',
    outcome: 'exit 1, no tag (404)',
    attempts: '2 tag PUTs',
    ms: r.ms,
  });
});

test('retries exhausted in-process: pushImage throws E_REGISTRY with the 503; no tag', async (t) => {
  if (!needRegistry(t, 'plain')) return;
  const reg = await useRegistry(t, { mode: 'plain' });
  const { proxy } = await setup(t, reg);
  const { src } = oneLayerImage();
  const rule = proxy.when('PUT', /\/manifests\/v1$/).fail(503, Infinity);

  const res = await pushInProcess(src, endpoint(reg, proxy), 'app:v1', { registry: { retries: 2 } });
  assert.ok(isOepError(res.error, 'E_REGISTRY'), `expected E_REGISTRY, got ${String(res.error)}`);
  assert.equal((res.error as { status?: number }).status, 503);
  assert.equal(rule.hits, 3);
  await assertNoTag(reg, 'app', 'v1');
  rows.push({
    fault: '503 forever on tag PUT, retries 2',
    outcome: 'throws E_REGISTRY (503), no tag',
    attempts: '3 tag PUTs',
    ms: res.ms,
  });
});

test('a refused blob upload fails the push with that refusal (not an abort), and no tag is written', async (t) => {
  if (!needRegistry(t, 'plain')) return;
  const reg = await useRegistry(t, { mode: 'plain' });
  const { proxy } = await setup(t, reg);
  // Several layers: an upload is refused (400, not retried) while others may still be encrypting; the run
  // stops them, and what the user sees is the refusal itself.
  const src = sourceImage({
    layers: Array.from({ length: 6 }, (_, i) => ({
      compression: 'none' as const,
      files: { [`f${i}`]: `layer ${i}\n` },
    })),
  });
  const rule = proxy.when('PUT', /\/blobs\/uploads\//).fail(400, Infinity);

  const res = await pushInProcess(src, endpoint(reg, proxy), 'app:v1', { concurrency: 1 });
  assert.ok(
    isOepError(res.error, 'E_REGISTRY'),
    `expected the upload's E_REGISTRY, got ${String(res.error)}`,
  );
  assert.match((res.error as Error).message, /uploading blob sha256:[0-9a-f]+ to .*HTTP 400/);
  assert.ok(rule.hits >= 1);
  await assertNoTag(reg, 'app', 'v1');
});

test('503 once on the first request (GET /v2/) → success on retry, like any other 5xx', async (t) => {
  if (!needRegistry(t, 'plain')) return;
  const reg = await useRegistry(t, { mode: 'plain' });
  const { proxy } = await setup(t, reg);
  const { src } = oneLayerImage();
  const rule = proxy.when('GET', /^\/v2\/$/).fail(503, 1);

  const res = await pushInProcess(src, endpoint(reg, proxy), 'app:v1');
  rows.push({
    fault: '503 once on GET /v2/ (ping)',
    outcome: res.error ? `FAILS: ${String((res.error as Error).message).slice(0, 38)}` : 'success',
    attempts: `${proxy.log.filter((e) => e.path === '/v2/').length} pings`,
    ms: res.ms,
  });
  assert.equal(rule.hits, 1);
  // The ping is retried like any other registry operation.
  await assertLanded(reg, res, [['app', 'v1']]);
});

test('503 on the token endpoint (token mode) → success on retry', async (t) => {
  if (!needRegistry(t, 'token')) return;
  const users = { tester: 'pw-token-503' };
  const issuer = await startTokenIssuer({ users });
  t.after(() => issuer.close());
  const tokenProxy = await startFaultProxy(issuer);
  t.after(() => tokenProxy.close());
  const reg = await useRegistry(t, { mode: 'token', users, issuer, tokenRealm: `${tokenProxy.url}/token` });
  const { src } = oneLayerImage();
  const rule = tokenProxy.when('GET', /^\/token\b/).fail(503, 1);

  const res = await pushInProcess(src, endpoint(reg), 'app:v1');
  await assertLanded(reg, res, [['app', 'v1']]);
  assert.equal(rule.hits, 1);
  assert.deepEqual(
    tokenProxy.log.slice(0, 2).map((e) => e.status),
    [503, 200],
  );
  // Parallel blob operations share the one token request in flight: each of them retries once.
  const retried = retryLines(res, /token request .* HTTP 503/);
  assert.ok(retried.length >= 1, res.logs.join('\n'));
  assert.ok(
    retried.every((l) => l.startsWith('retry 1/')),
    res.logs.join('\n'),
  );
  rows.push({
    fault: '503 once on the token endpoint',
    outcome: 'success',
    attempts: `token requests: 503, 200; ${retried.length} ops retried once`,
    ms: res.ms,
  });
});
