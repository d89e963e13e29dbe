/**
 * HTTPS_PROXY / HTTP_PROXY / NO_PROXY, as the front end reads them from the environment: requests go through
 * the proxy (a CONNECT tunnel, as undici opens one), except to the hosts NO_PROXY names. A real proxy on
 * 127.0.0.3 records the tunnels it opened; the origin is a loopback server on 127.0.0.1. This process also
 * loads undici's entry (loopback.ts does): the CLI, which does not, is tested through a proxy in
 * test/integration/registry/proxy.test.ts.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { createDispatcher, createSend, discard } from '../../../src/registry/transport/http.js';
import { startConnectProxy } from '../../helpers/registry/connect-proxy.js';
import { loopback, TRANSPORT } from './loopback.js';

async function get(env: Record<string, string>, url: string): Promise<number> {
  const opts = { ...TRANSPORT, env };
  const dispatcher = createDispatcher(opts);
  after(() => dispatcher.close());
  const res = await createSend(opts, dispatcher)({ method: 'GET', url: new URL(url) });
  await discard(res);
  return res.status;
}

describe('proxies from the environment', () => {
  it('sends requests through HTTP_PROXY, and not to the hosts NO_PROXY names', async () => {
    const origin = await loopback((_req, res) => void res.writeHead(200, { 'content-length': '0' }).end());
    after(() => origin.close());
    const proxy = await startConnectProxy();
    after(() => proxy.close());

    assert.equal(await get({ HTTP_PROXY: proxy.url }, `${origin.origin}/v2/`), 200);
    assert.deepEqual(proxy.tunnels, [origin.host], 'the request went through the proxy');
    assert.equal(origin.requests.length, 1);

    assert.equal(await get({ http_proxy: proxy.url, NO_PROXY: '127.0.0.1' }, `${origin.origin}/v2/`), 200);
    assert.deepEqual(proxy.tunnels, [origin.host], 'NO_PROXY: straight to the origin');
    assert.equal(origin.requests.length, 2);
  });
});

describe('proxies: only from the environment the front end hands over', () => {
  it("a proxy variable this process has but the given environment lacks is not used (a library caller's env)", async () => {
    const origin = await loopback((_req, res) => void res.writeHead(200, { 'content-length': '0' }).end());
    after(() => origin.close());
    const proxy = await startConnectProxy();
    after(() => proxy.close());
    const saved = { HTTP_PROXY: process.env.HTTP_PROXY, http_proxy: process.env.http_proxy };
    process.env.HTTP_PROXY = process.env.http_proxy = 'http://127.0.0.3:9'; // nothing listens there
    after(() => {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    });
    // HTTPS_PROXY only: a plain-HTTP origin goes straight, not through this process's HTTP_PROXY.
    assert.equal(await get({ HTTPS_PROXY: proxy.url }, `${origin.origin}/v2/`), 200);
    assert.equal(origin.requests.length, 1);
  });
});
