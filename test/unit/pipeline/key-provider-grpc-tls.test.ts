/**
 * `grpc-tls` against a real @grpc/grpc-js TLS server, with ocicrypt's field names (config/keyprovider-config
 * GrpcTLS: root-ca-file, cert-file, key-file, server-name, insecure-skip-verify). The server's certificate names
 * only kms.internal, so a call to 127.0.0.1 succeeds only if server-name is honoured.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { isOepError } from '../../../src/errors.js';
import { providersFor } from '../../../src/pipeline/providers.js';
import { tempDir } from '../../helpers/fixtures.js';
import {
  assertKmsRoundTrip,
  encryptForKms,
  providerError,
  startGrpcProvider,
  type GrpcProvider,
} from '../../helpers/keyprovider.js';
import { issueCert, makeServerTls, type ServerTls } from '../../helpers/registry/tls.js';

const KEK = randomBytes(32);
const NAME = 'kms.internal';

describe('key providers: gRPC over TLS (grpc-tls)', () => {
  const dir = tempDir();
  let ca: ServerTls;
  let otherCa: ServerTls;
  let client: { certFile: string; keyFile: string };
  let tlsServer: GrpcProvider;
  let mtlsServer: GrpcProvider;
  before(async () => {
    ca = makeServerTls(join(dir, 'ca'));
    otherCa = makeServerTls(join(dir, 'other-ca'));
    const server = issueCert(ca, join(dir, 'server'), { cn: NAME, san: `DNS:${NAME}`, usage: 'serverAuth' });
    client = issueCert(ca, join(dir, 'client'), { cn: 'oep', san: 'DNS:oep.client', usage: 'clientAuth' });
    tlsServer = await startGrpcProvider(KEK, 'ok', { tls: server });
    mtlsServer = await startGrpcProvider(KEK, 'ok', { tls: { ...server, clientCaFile: ca.caFile } });
  });
  after(() => {
    tlsServer.close();
    mtlsServer.close();
  });

  const providers = (address: string, tls: Record<string, unknown>) =>
    providersFor({
      config: JSON.stringify({ 'key-providers': { kms: { grpc: address, 'grpc-tls': tls } } }),
      env: {},
      timeoutMs: 10_000,
    });

  test('root-ca-file and server-name: a round trip, checked by an independent decoder', async () => {
    const before = tlsServer.ops.length;
    await assertKmsRoundTrip(
      providers(tlsServer.address, { 'root-ca-file': ca.caFile, 'server-name': NAME }),
      KEK,
    );
    assert.deepEqual(tlsServer.ops.slice(before), ['keywrap', 'keyunwrap']);
  });

  test('without server-name, the certificate (for kms.internal) does not match 127.0.0.1: refused', async () => {
    const p = providers(tlsServer.address, { 'root-ca-file': ca.caFile });
    await assert.rejects(
      encryptForKms(p, randomBytes(10)),
      providerError(/kms \(grpc 127\.0\.0\.1:\d+\) failed the wrap request \(UNAVAILABLE\): .*altnames/),
    );
  });

  test('a CA that did not sign the server certificate: one E_PROVIDER error, nothing sent', async () => {
    const before = tlsServer.ops.length;
    const p = providers(tlsServer.address, { 'root-ca-file': otherCa.caFile, 'server-name': NAME });
    await assert.rejects(encryptForKms(p, randomBytes(10)), (err) => {
      providerError(/failed the wrap request \(UNAVAILABLE\): .*unable to verify/)(err);
      assert.match((err as Error & { hint?: string }).hint ?? '', /root-ca-file/);
      return true;
    });
    assert.equal(tlsServer.ops.length, before);
  });

  test('mutual TLS: with cert-file and key-file the server that requires them answers', async () => {
    const tls = { 'root-ca-file': ca.caFile, 'server-name': NAME, 'cert-file': client.certFile };
    await assertKmsRoundTrip(providers(mtlsServer.address, { ...tls, 'key-file': client.keyFile }), KEK);
  });

  test('mutual TLS: without a client certificate, one E_PROVIDER error that points at cert-file', async () => {
    const before = mtlsServer.ops.length;
    const p = providers(mtlsServer.address, { 'root-ca-file': ca.caFile, 'server-name': NAME });
    await assert.rejects(encryptForKms(p, randomBytes(10)), (err) => {
      providerError(/failed the wrap request \(UNAVAILABLE\): .*certificate required/)(err);
      assert.match((err as Error & { hint?: string }).hint ?? '', /cert-file\/key-file/);
      return true;
    });
    assert.equal(mtlsServer.ops.length, before);
  });

  test('insecure-skip-verify: true is refused when the request is read, naming the provider and the fix', () => {
    const p = providers(tlsServer.address, { 'insecure-skip-verify': true });
    assert.throws(
      () => p.recipient('provider:kms', 'recipients'),
      (err) => {
        assert.ok(isOepError(err, 'E_USAGE'), String(err));
        assert.match(
          err.message,
          /keyprovider-config: .*key provider kms: grpc-tls\.insecure-skip-verify is true/,
        );
        assert.match(err.hint ?? '', /root-ca-file/);
        return true;
      },
    );
    // false is ocicrypt's default, and accepted
    const ok = providers(tlsServer.address, { 'insecure-skip-verify': false, 'root-ca-file': ca.caFile });
    assert.ok(ok.recipient('provider:kms', 'recipients'));
  });

  test('a client certificate without its key (or the reverse) is refused', () => {
    const p = providers(tlsServer.address, { 'cert-file': client.certFile });
    assert.throws(() => p.recipient('provider:kms', 'recipients'), /both cert-file and key-file/);
  });

  test('a missing root-ca-file is an error naming it when the request is read', () => {
    const p = providers(tlsServer.address, { 'root-ca-file': join(dir, 'nope.pem') });
    assert.throws(
      () => p.recipient('provider:kms', 'recipients'),
      /keyprovider-config grpc-tls .*nope\.pem: cannot read the file \(ENOENT\)/,
    );
  });
});
