/**
 * --ca-file / ca-cert adds a CA to the default trust store, never replaces it: token realms and blob storage on
 * public hosts must still verify. Public hosts are out of reach here, so a second test CA stands in for the
 * default store, and real TLS servers on 127.0.0.1 show that both the private CA and the "public" one verify,
 * while a CA in neither still fails.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { after, describe, it } from 'node:test';
import { isOepError } from '../../../src/errors.js';
import { createDispatcher, createSend, discard, trustedCas } from '../../../src/registry/transport/http.js';
import { makeServerTls, sharedPki, type ServerTls } from '../../helpers/registry/tls.js';
import { TRANSPORT } from './loopback.js';

async function tlsServer(cert: ServerTls): Promise<string> {
  const server = createServer(
    { cert: readFileSync(cert.certFile), key: readFileSync(cert.keyFile) },
    (_req, res) => res.writeHead(200, { 'content-length': '0' }).end(),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  after(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return `https://127.0.0.1:${(server.address() as AddressInfo).port}/v2/`;
}

describe('extra CA', () => {
  it('is added to the default store, which stays whole', () => {
    const pem = sharedPki().server.caPem;
    const cas = trustedCas(pem)!;
    assert.ok(rootCertificates.length > 50, 'Node has a default store');
    assert.deepEqual(cas.slice(0, rootCertificates.length), [...rootCertificates]);
    assert.equal(cas.at(-1), pem);
    assert.equal(trustedCas(undefined), undefined, 'no extra CA: Node defaults, untouched');
  });

  it('a client given a private CA trusts servers of that CA and of the default store, no others', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oep-trust-'));
    after(() => rmSync(dir, { recursive: true, force: true }));
    const publicCa = makeServerTls(join(dir, 'public'));
    const unknownCa = makeServerTls(join(dir, 'unknown'));
    const privateCa = sharedPki().server;
    const opts = { ...TRANSPORT, tlsVerify: true, ca: privateCa.caPem };
    const dispatcher = createDispatcher(opts, [publicCa.caPem]);
    after(() => dispatcher.close());
    const send = createSend(opts, dispatcher);

    for (const cert of [privateCa, publicCa]) {
      const res = await send({ method: 'GET', url: new URL(await tlsServer(cert)) });
      await discard(res);
      assert.equal(res.status, 200);
    }
    const unknown = new URL(await tlsServer(unknownCa));
    await assert.rejects(
      send({ method: 'GET', url: unknown }),
      (e) => isOepError(e, 'E_NETWORK') && /--ca-file/.test(e.hint ?? ''),
    );
  });
});
