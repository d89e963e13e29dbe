/**
 * What other origins get from us. A real distribution 2.8 registry (TLS + htpasswd, 127.0.0.1) sits behind the
 * fault proxy, which plays a registry that redirects blob requests to other hosts (127.0.0.2, 127.0.0.3: other
 * origins on this machine, with certificates from the same test CA). The tests assert on what those hosts
 * received: never the registry's credentials, never a plain-HTTP hop, never an endless chain.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test, type TestContext } from 'node:test';
import { isOepError } from '../../../src/errors.js';
import { RegistryClient } from '../../../src/registry/client.js';
import { startFaultProxy } from '../../helpers/registry/fault-proxy.js';
import { reply, startOrigin } from '../../helpers/registry/origin.js';
import { needRegistry, useRegistry } from '../../helpers/registry/registry.js';
import { endpoint, pushInProcess, sourceImage } from './support.js';

const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;
const BLOB_PATH = /^\/v2\/[^?]+\/blobs\/sha256:[0-9a-f]{64}$/;

/** The real registry behind a fault proxy (the client's "registry"), both on 127.0.0.1 with the test CA. */
async function redirectingRegistry(t: TestContext) {
  const reg = await useRegistry(t, { mode: 'htpasswd' });
  const proxy = await startFaultProxy(reg);
  t.after(() => proxy.close());
  return { reg, proxy };
}

async function connect(
  proxy: { host: string },
  reg: { caFile?: string; username: string; password: string },
) {
  const client = await RegistryClient.connect(
    { apiHost: proxy.host },
    {
      tlsVerify: true,
      ca: readFileSync(reg.caFile!, 'utf8'),
      timeoutMs: 5000,
      env: {},
      userAgent: 'oep-test',
      credential: async () => ({ username: reg.username, password: reg.password, source: 'test' }),
    },
  );
  return client;
}

test('a 401 from the host a blob HEAD was redirected to does not re-point authentication', async (t) => {
  if (!needRegistry(t, 'htpasswd')) return;
  const { reg, proxy } = await redirectingRegistry(t);
  const realm = await startOrigin(t, '127.0.0.3', (_q, res) => reply(res, 200));
  const storage = await startOrigin(t, '127.0.0.2', (_q, res) =>
    reply(res, 401, { 'www-authenticate': `Bearer realm="${realm.url}/token",service="evil"` }),
  );
  proxy
    .when('HEAD', BLOB_PATH)
    .fail(307, Infinity, { headers: { location: `${storage.url}/bucket/blob` }, body: '' });

  const pushed = await pushInProcess(sourceImage(), endpoint(reg, proxy), 'team/app:v1');

  assert.equal(realm.requests.length, 0, 'the realm named by the redirect target received nothing');
  assert.ok(storage.requests.length > 0, 'the redirect was followed');
  for (const r of storage.requests) assert.equal(r.headers.authorization, undefined, 'no credentials there');
  assert.ok(isOepError(pushed.error, 'E_REGISTRY'), String(pushed.error));
  assert.match(pushed.error.message, new RegExp(`${storage.host.replace(/\./g, '\\.')}.*HTTP 401`));
  assert.ok(!pushed.error.describe().includes(reg.password));
  // The registry itself still got its own Basic credentials (authentication was never re-pointed).
  const authed = proxy.log.filter((e) => e.authorization !== undefined);
  assert.ok(authed.length > 0);
  for (const e of authed) assert.equal(e.authorization, basic(reg.username, reg.password));
});

test('a redirect from https to http is refused: the http host receives nothing', async (t) => {
  if (!needRegistry(t, 'htpasswd')) return;
  const { reg, proxy } = await redirectingRegistry(t);
  const plain = await startOrigin(t, '127.0.0.2', (_q, res) => reply(res, 200), { tls: false });
  proxy.when('GET', BLOB_PATH).fail(302, Infinity, { headers: { location: `${plain.url}/bucket/blob` } });
  const client = await connect(proxy, reg);
  t.after(() => client.close());

  await assert.rejects(client.getBlob('team/app', `sha256:${'a'.repeat(64)}`), (e) => {
    assert.ok(isOepError(e, 'E_REGISTRY'), String(e));
    assert.match(e.message, /redirect/);
    assert.ok(e.message.includes(`http://${plain.host}`), e.message);
    assert.match(e.message, /team\/app/);
    return true;
  });
  assert.equal(plain.requests.length, 0);
});

test('redirects stop after 5 hops with an error naming the chain, never with Authorization to another origin', async (t) => {
  if (!needRegistry(t, 'htpasswd')) return;
  const { reg, proxy } = await redirectingRegistry(t);
  const loop = await startOrigin(t, '127.0.0.2', (q, res, self) => {
    const n = Number(new URL(q.path, self.url).searchParams.get('n') ?? '0');
    reply(res, 307, { location: `${self.url}/hop?n=${n + 1}` });
  });
  proxy.when('GET', BLOB_PATH).fail(307, Infinity, { headers: { location: `${loop.url}/hop?n=1` } });
  const client = await connect(proxy, reg);
  t.after(() => client.close());

  await assert.rejects(client.getBlob('team/app', `sha256:${'b'.repeat(64)}`), (e) => {
    assert.ok(isOepError(e, 'E_REGISTRY'), String(e));
    assert.match(e.message, /more than 5 redirects/);
    assert.ok(e.message.includes(loop.host), e.message);
    return true;
  });
  // The registry's redirect plus four more from the loop host: five hops followed, the sixth refused.
  assert.equal(loop.requests.length, 5);
  for (const r of loop.requests) assert.equal(r.headers.authorization, undefined);
});
