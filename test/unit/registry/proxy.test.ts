/**
 * HTTPS_PROXY / HTTP_PROXY / NO_PROXY, as the front end reads them from the environment: requests go through
 * the proxy (a CONNECT tunnel, as undici opens one), except to the hosts NO_PROXY names. A real proxy on
 * 127.0.0.3 records the tunnels it opened; the origin is a loopback server on 127.0.0.1.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { after, describe, it } from 'node:test';
import { createDispatcher, createSend, discard } from '../../../src/registry/transport/http.js';
import { loopback, TRANSPORT } from './loopback.js';

/** A CONNECT proxy: each tunnel's target is recorded, then bytes flow both ways. */
async function connectProxy(): Promise<{ url: string; tunnels: string[] }> {
  const tunnels: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((_req, res) => res.writeHead(405).end());
  server.on('connect', (req, client: Socket, head: Buffer) => {
    tunnels.push(req.url ?? '');
    const [host, port] = (req.url ?? '').split(':');
    const upstream = connect(Number(port), host!, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client).pipe(upstream);
    });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => s.destroy());
      s.on('close', () => sockets.delete(s));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.3', resolve));
  after(
    () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  );
  return { url: `http://127.0.0.3:${(server.address() as AddressInfo).port}`, tunnels };
}

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
    const proxy = await connectProxy();

    assert.equal(await get({ HTTP_PROXY: proxy.url }, `${origin.origin}/v2/`), 200);
    assert.deepEqual(proxy.tunnels, [origin.host], 'the request went through the proxy');
    assert.equal(origin.requests.length, 1);

    assert.equal(await get({ http_proxy: proxy.url, NO_PROXY: '127.0.0.1' }, `${origin.origin}/v2/`), 200);
    assert.deepEqual(proxy.tunnels, [origin.host], 'NO_PROXY: straight to the origin');
    assert.equal(origin.requests.length, 2);
  });
});
