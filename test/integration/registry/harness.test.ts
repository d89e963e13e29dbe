/**
 * Self-test of the registry harness: each mode of the real distribution 2.8 registry, the token issuer, and each
 * fault of the proxy, checked with a bare node http(s) client. If these fail, registry tests cannot be trusted.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { needPeer } from '../../helpers/peers.js';
import { startFaultProxy } from '../../helpers/registry/fault-proxy.js';
import { fetchSimple, parseChallenge } from '../../helpers/registry/http.js';
import { useRegistry } from '../../helpers/registry/registry.js';
import { parseScope, startTokenIssuer } from '../../helpers/registry/token-server.js';

const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;
const digestOf = (b: Uint8Array) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/** POST + PATCH + PUT one blob (the upload flow distribution 2.8 supports), all through base. */
async function uploadBlob(
  base: string,
  repo: string,
  data: Buffer,
  o: { caFile?: string; auth?: string } = {},
) {
  const headers: Record<string, string> = o.auth ? { authorization: o.auth } : {};
  const post = await fetchSimple(`${base}/v2/${repo}/blobs/uploads/`, {
    method: 'POST',
    headers,
    caFile: o.caFile,
  });
  assert.equal(post.status, 202, post.text());
  const loc = new URL(String(post.headers.location), base);
  const patch = await fetchSimple(loc.href, {
    method: 'PATCH',
    headers: { ...headers, 'content-type': 'application/octet-stream' },
    body: data,
    caFile: o.caFile,
  });
  assert.equal(patch.status, 202, patch.text());
  const put = new URL(String(patch.headers.location), base);
  put.searchParams.set('digest', digestOf(data));
  const done = await fetchSimple(put.href, { method: 'PUT', headers, caFile: o.caFile });
  assert.equal(done.status, 201, done.text());
  return { post, patch, done };
}

test('plain registry: GET /v2/ is 200 over HTTP; uploads work; Location is absolute', async (t) => {
  if (!needPeer(t, 'docker-registry')) return;
  const reg = await useRegistry(t, { mode: 'plain' });
  assert.match(reg.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.equal(reg.caFile, undefined);
  const r = await fetchSimple(`${reg.url}/v2/`);
  assert.equal(r.status, 200);
  assert.equal(r.headers['docker-distribution-api-version'], 'registry/2.0');
  const data = Buffer.from('hello blob');
  const { post } = await uploadBlob(reg.url, 'x', data);
  assert.ok(String(post.headers.location).startsWith(`${reg.url}/v2/x/blobs/uploads/`));
  const got = await fetchSimple(`${reg.url}/v2/x/blobs/${digestOf(data)}`);
  assert.equal(got.status, 200);
  assert.deepEqual(got.body, data);
});

test('htpasswd registry: TLS with the test CA; 401 Basic challenge without creds, 200 with', async (t) => {
  if (!needPeer(t, 'docker-registry') || !needPeer(t, 'htpasswd')) return;
  const reg = await useRegistry(t, { mode: 'htpasswd', users: { alice: 's3cret', bob: 'hunter2' } });
  assert.match(reg.url, /^https:\/\/127\.0\.0\.1:\d+$/);
  assert.equal(reg.username, 'alice');
  await assert.rejects(fetchSimple(`${reg.url}/v2/`), /certificate/i, 'without the CA the cert is untrusted');
  const anon = await fetchSimple(`${reg.url}/v2/`, { caFile: reg.caFile });
  assert.equal(anon.status, 401);
  assert.equal(parseChallenge(anon.headers['www-authenticate']).scheme, 'Basic');
  const wrong = await fetchSimple(`${reg.url}/v2/`, {
    caFile: reg.caFile,
    headers: { authorization: basic('bob', 'x') },
  });
  assert.equal(wrong.status, 401);
  for (const [u, p] of Object.entries(reg.users)) {
    const ok = await fetchSimple(`${reg.url}/v2/`, {
      caFile: reg.caFile,
      headers: { authorization: basic(u, p) },
    });
    assert.equal(ok.status, 200, u);
  }
});

test('token registry: Bearer challenge, token from the issuer, GET /v2/ 200 and upload POST 202', async (t) => {
  if (!needPeer(t, 'docker-registry')) return;
  const reg = await useRegistry(t, { mode: 'token' });
  const issuer = reg.token!;
  const ca = { caFile: reg.caFile };

  const challenged = await fetchSimple(`${reg.url}/v2/`, ca);
  assert.equal(challenged.status, 401);
  const ch = parseChallenge(challenged.headers['www-authenticate']);
  assert.equal(ch.scheme, 'Bearer');
  assert.equal(ch.params.realm, issuer.realm);
  assert.equal(ch.params.service, issuer.service);

  const post401 = await fetchSimple(`${reg.url}/v2/x/blobs/uploads/`, { ...ca, method: 'POST' });
  assert.equal(post401.status, 401);
  const scope = parseChallenge(post401.headers['www-authenticate']).params.scope!;
  // distribution lists the actions in Go map order: either order is the same scope.
  const [kind, name, actions] = scope.split(':');
  assert.deepEqual([kind, name, actions!.split(',').sort()], ['repository', 'x', ['pull', 'push']]);

  const tokenUrl = `${ch.params.realm}?service=${encodeURIComponent(ch.params.service!)}&scope=${encodeURIComponent(scope)}`;
  const tr = await fetchSimple(tokenUrl, {
    ...ca,
    headers: { authorization: basic(reg.username, reg.password) },
  });
  assert.equal(tr.status, 200, tr.text());
  const body = tr.json<{ token: string; access_token: string; expires_in: number; issued_at: string }>();
  assert.equal(body.token, body.access_token);
  assert.equal(body.expires_in, 300);
  assert.ok(!Number.isNaN(Date.parse(body.issued_at)));
  const [h] = body.token.split('.');
  const header = JSON.parse(Buffer.from(h!, 'base64url').toString()) as { alg: string; x5c: string[] };
  assert.equal(header.alg, 'RS256');
  assert.equal(header.x5c.length, 1);

  const bearer = { authorization: `Bearer ${body.token}` };
  assert.equal((await fetchSimple(`${reg.url}/v2/`, { ...ca, headers: bearer })).status, 200);
  const post = await fetchSimple(`${reg.url}/v2/x/blobs/uploads/`, {
    ...ca,
    method: 'POST',
    headers: bearer,
  });
  assert.equal(post.status, 202, post.text());
  await uploadBlob(reg.url, 'x', Buffer.from('token blob'), { ...ca, auth: bearer.authorization });

  // The issuer recorded what was asked and granted.
  const last = issuer.requests.at(-1)!;
  assert.deepEqual(last.scopes, [scope]);
  assert.equal(last.user, reg.username);
  assert.deepEqual(
    last.granted.map((g) => ({ ...g, actions: [...g.actions].sort() })),
    [{ type: 'repository', name: 'x', actions: ['pull', 'push'] }],
  );

  // Anonymous gets pull only: push on that token is refused with insufficient_scope.
  const anon = await fetchSimple(`${tokenUrl}&scope=${encodeURIComponent('repository:y:pull')}`, ca);
  assert.equal(anon.status, 200);
  assert.deepEqual(issuer.requests.at(-1)!.granted, [
    { type: 'repository', name: 'x', actions: ['pull'] },
    { type: 'repository', name: 'y', actions: ['pull'] },
  ]);
  const denied = await fetchSimple(`${reg.url}/v2/x/blobs/uploads/`, {
    ...ca,
    method: 'POST',
    headers: { authorization: `Bearer ${anon.json<{ token: string }>().token}` },
  });
  assert.equal(denied.status, 401);
  assert.equal(parseChallenge(denied.headers['www-authenticate']).params.error, 'insufficient_scope');

  // Wrong password: the issuer says 401. Several scopes in one space-separated parameter are all read.
  const bad = await fetchSimple(tokenUrl, { ...ca, headers: { authorization: basic(reg.username, 'nope') } });
  assert.equal(bad.status, 401);
  const two = await fetchSimple(
    `${issuer.realm}?service=${issuer.service}&scope=${encodeURIComponent('repository:a:pull repository:b:pull,push')}`,
    { ...ca, headers: { authorization: basic(reg.username, reg.password) } },
  );
  assert.equal(two.status, 200);
  assert.deepEqual(issuer.requests.at(-1)!.scopes, ['repository:a:pull', 'repository:b:pull,push']);
  assert.equal(issuer.count, issuer.requests.length);
});

test('token expiry: ttl 0 is refused at once; a short ttl stops working after it', async (t) => {
  if (!needPeer(t, 'docker-registry')) return;
  const reg = await useRegistry(t, { mode: 'token' });
  const issuer = reg.token!;
  const get = (token: string) =>
    fetchSimple(`${reg.url}/v2/`, { caFile: reg.caFile, headers: { authorization: `Bearer ${token}` } });

  issuer.tokenTtlSeconds = 0;
  const dead = await fetchSimple(`${issuer.realm}?service=${issuer.service}`, { caFile: reg.caFile });
  const r = await get(dead.json<{ token: string }>().token);
  assert.equal(r.status, 401);
  assert.equal(parseChallenge(r.headers['www-authenticate']).params.error, 'invalid_token');

  const short = await issuer.mint([], { ttlSeconds: 2 });
  assert.equal((await get(short)).status, 200);
  let status = 200;
  for (let i = 0; i < 40 && status === 200; i++) {
    await new Promise((res) => setTimeout(res, 100));
    status = (await get(short)).status;
  }
  assert.equal(status, 401, 'a 2 s token still worked after 4 s');
});

test('fault proxy (plain): 503 twice then pass-through; 429 carries Retry-After; Location rewritten', async (t) => {
  if (!needPeer(t, 'docker-registry')) return;
  const reg = await useRegistry(t, { mode: 'plain' });
  const proxy = await startFaultProxy(reg);
  t.after(() => proxy.close());
  assert.match(proxy.url, /^http:\/\//);

  const rule = proxy.when('GET', /^\/v2\/$/).fail(503, 2);
  const statuses = [];
  for (let i = 0; i < 3; i++) statuses.push((await fetchSimple(`${proxy.url}/v2/`)).status);
  assert.deepEqual(statuses, [503, 503, 200]);
  assert.equal(rule.hits, 2);
  assert.equal(rule.remaining, 0);

  proxy.when('*', /\/blobs\/uploads\/$/).fail(429, 1, { retryAfter: 1 });
  const limited = await fetchSimple(`${proxy.url}/v2/x/blobs/uploads/`, { method: 'POST' });
  assert.equal(limited.status, 429);
  assert.equal(limited.headers['retry-after'], '1');
  assert.equal(limited.json<{ errors: { code: string }[] }>().errors[0]!.code, 'TOOMANYREQUESTS');

  const data = Buffer.alloc(3 * 1024 * 1024, 7); // big enough to stream in many chunks
  const { post, patch } = await uploadBlob(proxy.url, 'x', data);
  assert.ok(String(post.headers.location).startsWith(`${proxy.url}/v2/x/blobs/uploads/`));
  assert.ok(String(patch.headers.location).startsWith(proxy.url));
  const got = await fetchSimple(`${proxy.url}/v2/x/blobs/${digestOf(data)}`);
  assert.equal(digestOf(got.body), digestOf(data));

  assert.deepEqual(
    proxy.log.slice(0, 4).map((e) => [e.method, e.path, e.status, e.fault]),
    [
      ['GET', '/v2/', 503, 'fail'],
      ['GET', '/v2/', 503, 'fail'],
      ['GET', '/v2/', 200, undefined],
      ['POST', '/v2/x/blobs/uploads/', 429, 'fail'],
    ],
  );
  assert.equal(proxy.log.find((e) => e.method === 'PATCH')!.requestBytes, data.length);
});

test('fault proxy: reset mid-blob after n bytes; stall past a client timeout', async (t) => {
  if (!needPeer(t, 'docker-registry')) return;
  const reg = await useRegistry(t, { mode: 'plain' });
  const proxy = await startFaultProxy(reg);
  t.after(() => proxy.close());

  const post = await fetchSimple(`${proxy.url}/v2/x/blobs/uploads/`, { method: 'POST' });
  const loc = String(post.headers.location);
  proxy.when('PATCH', /\/blobs\/uploads\//).resetAfterBytes(64 * 1024);
  await assert.rejects(
    fetchSimple(loc, { method: 'PATCH', body: Buffer.alloc(1024 * 1024, 1) }),
    /ECONNRESET|socket hang up|EPIPE/,
  );
  const cut = proxy.log.at(-1)!;
  assert.equal(cut.fault, 'reset');
  assert.equal(cut.status, undefined);
  assert.equal(cut.requestBytes, 64 * 1024);

  proxy.when('GET', /^\/v2\/$/).stall(5000);
  await assert.rejects(fetchSimple(`${proxy.url}/v2/`, { timeoutMs: 200 }), /timeout/);
  assert.equal(proxy.log.at(-1)!.fault, 'stall');
  assert.equal((await fetchSimple(`${proxy.url}/v2/`)).status, 200, 'the rule is spent: next request passes');
});

test('fault proxy over TLS in front of an htpasswd registry', async (t) => {
  if (!needPeer(t, 'docker-registry') || !needPeer(t, 'htpasswd')) return;
  const reg = await useRegistry(t, { mode: 'htpasswd' });
  const proxy = await startFaultProxy(reg);
  t.after(() => proxy.close());
  assert.match(proxy.url, /^https:\/\//);
  assert.equal(proxy.caFile, reg.caFile);
  const auth = { authorization: basic(reg.username, reg.password) };
  proxy.when('GET', /^\/v2\/$/).fail(502, 1);
  assert.equal((await fetchSimple(`${proxy.url}/v2/`, { caFile: proxy.caFile, headers: auth })).status, 502);
  assert.equal((await fetchSimple(`${proxy.url}/v2/`, { caFile: proxy.caFile, headers: auth })).status, 200);
  assert.equal((await fetchSimple(`${proxy.url}/v2/`, { caFile: proxy.caFile })).status, 401);
});

test('fault proxy in front of the token issuer: the registry advertises the proxy as realm', async (t) => {
  if (!needPeer(t, 'docker-registry')) return;
  const users = { carol: 'pw' };
  const issuer = await startTokenIssuer({ users });
  t.after(() => issuer.close());
  const proxy = await startFaultProxy(issuer);
  t.after(() => proxy.close());
  const reg = await useRegistry(t, { mode: 'token', users, issuer, tokenRealm: `${proxy.url}/token` });
  assert.equal(reg.token, issuer);
  const ch = parseChallenge(
    (await fetchSimple(`${reg.url}/v2/`, { caFile: reg.caFile })).headers['www-authenticate'],
  );
  assert.equal(ch.params.realm, `${proxy.url}/token`);
  proxy.when('GET', /^\/token\b/).fail(503, 1);
  const tokenUrl = `${ch.params.realm}?service=${ch.params.service}`;
  const auth = { authorization: basic('carol', 'pw') };
  assert.equal((await fetchSimple(tokenUrl, { caFile: proxy.caFile, headers: auth })).status, 503);
  const ok = await fetchSimple(tokenUrl, { caFile: proxy.caFile, headers: auth });
  assert.equal(ok.status, 200);
  const bearer = { authorization: `Bearer ${ok.json<{ token: string }>().token}` };
  assert.equal((await fetchSimple(`${reg.url}/v2/`, { caFile: reg.caFile, headers: bearer })).status, 200);
  assert.equal(issuer.count, 1, 'the failed request never reached the issuer');
});

test('parseScope keeps colons inside the repository name', () => {
  assert.deepEqual(parseScope('repository:127.0.0.1:5000/a/b:pull,push'), {
    type: 'repository',
    name: '127.0.0.1:5000/a/b',
    actions: ['pull', 'push'],
  });
  assert.deepEqual(parseScope('registry:catalog:*'), { type: 'registry', name: 'catalog', actions: ['*'] });
  assert.equal(parseScope('nonsense'), undefined);
});
