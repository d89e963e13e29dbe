import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Descriptor } from '../../../src/oci/model.js';
import { encryptLayer } from '../../../src/ocicrypt/layer.js';
import { isLocalTarget } from '../../../src/pipeline/provider-target.js';
import { providersFor } from '../../../src/pipeline/providers.js';
import { sha256, tempDir } from '../../helpers/fixtures.js';
import {
  assertKmsRoundTrip,
  encryptForKms,
  providerError,
  startGrpcProvider,
  type GrpcProvider,
  type ProviderMode,
} from '../../helpers/keyprovider.js';

const KEK = randomBytes(32);
const GZIP = 'application/vnd.oci.image.layer.v1.tar+gzip';
const MODES: ProviderMode[] = ['ok', 'numbers', 'fail', 'hang', 'garbage'];

describe('key providers: gRPC (keyprovider.KeyProviderService)', () => {
  const servers = new Map<ProviderMode, GrpcProvider>();
  before(async () => {
    for (const m of MODES) servers.set(m, await startGrpcProvider(KEK, m));
  });
  after(() => {
    for (const s of servers.values()) s.close();
  });

  const providers = (mode: ProviderMode, timeoutMs = 20_000) =>
    providersFor({
      config: JSON.stringify({ 'key-providers': { kms: { grpc: servers.get(mode)!.address } } }),
      env: {},
      timeoutMs,
    });

  const encrypt = (mode: ProviderMode, plaintext: Buffer, timeoutMs?: number) =>
    encryptForKms(providers(mode, timeoutMs), plaintext);

  for (const mode of ['ok', 'numbers'] as const) {
    test(`round trip through a gRPC provider (${mode}), checked by an independent decoder`, async () => {
      await assertKmsRoundTrip(providers(mode), KEK);
      assert.deepEqual(servers.get(mode)!.ops.slice(-2), ['keywrap', 'keyunwrap']);
    });
  }

  test('a failing provider: one error with its status and details', async () => {
    await assert.rejects(
      encrypt('fail', randomBytes(10)),
      providerError(/kms \(grpc 127\.0\.0\.1:\d+\) failed the wrap request \(PERMISSION_DENIED\): kms says/),
    );
  });

  test('a hanging provider is stopped at the deadline', async () => {
    await assert.rejects(encrypt('hang', randomBytes(10), 500), providerError(/DEADLINE_EXCEEDED/));
  });

  test('a garbage answer is refused', async () => {
    await assert.rejects(encrypt('garbage', randomBytes(10)), providerError(/answered .* not JSON/));
  });

  test('proxy variables are ignored: the call goes direct and a proxy in the environment receives nothing', async () => {
    // A CONNECT proxy would see the wrap request, layer key included, in the clear on a plaintext channel.
    const seen: Socket[] = [];
    const proxy = createServer((s) => {
      seen.push(s);
      s.destroy();
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    const names = ['grpc_proxy', 'https_proxy', 'http_proxy', 'no_grpc_proxy', 'no_proxy'] as const;
    const saved = names.map((n) => process.env[n]);
    Object.assign(process.env, { grpc_proxy: url, https_proxy: url, http_proxy: url });
    delete process.env.no_grpc_proxy;
    delete process.env.no_proxy;
    try {
      await assertKmsRoundTrip(providers('ok', 5_000), KEK);
      assert.equal(seen.length, 0, 'the proxy was contacted');
    } finally {
      names.forEach((n, i) => (saved[i] === undefined ? delete process.env[n] : (process.env[n] = saved[i])));
      proxy.close();
    }
  });

  test('nobody listening is an E_PROVIDER error naming the address', async () => {
    const config = JSON.stringify({ 'key-providers': { kms: { grpc: '127.0.0.1:1' } } });
    const r = providersFor({ config, env: {}, timeoutMs: 5_000 }).recipient('provider:kms', 'recipients');
    const src: Descriptor = { mediaType: GZIP, digest: sha256(Buffer.from('x')), size: 1 };
    await assert.rejects(encryptLayer(src, [r]), providerError(/grpc 127\.0\.0\.1:1.*UNAVAILABLE/));
  });
});

describe('key providers: plaintext gRPC stays on this machine unless the user opts in', () => {
  const config = (address: string) => JSON.stringify({ 'key-providers': { kms: { grpc: address } } });
  const resolve = (address: string, allowPlaintext?: boolean) =>
    providersFor({ config: config(address), env: {}, timeoutMs: 10_000, allowPlaintext }).recipient(
      'provider:kms',
      'recipients',
    );

  test('an address off this machine is refused when the request is read, naming the provider and the fixes', () => {
    assert.throws(
      () => resolve('192.0.2.10:50051'),
      (err) => {
        providerError(/key provider kms \(grpc 192\.0\.2\.10:50051\): plaintext gRPC .* in the clear/)(err);
        const hint = (err as Error & { hint?: string }).hint ?? '';
        for (const fix of ['"grpc-tls"', '127.0.0.1', 'OCI_ENCRYPT_PUSH_KEYPROVIDER_PLAINTEXT=1']) {
          assert.ok(hint.includes(fix), `${hint} should mention ${fix}`);
        }
        return true;
      },
    );
  });

  test('the opt-in lets plaintext through to an address not known to be local', async () => {
    const server = await startGrpcProvider(KEK);
    try {
      // 127.1 is DNS's business (getaddrinfo reads it as 127.0.0.1): it is not provably loopback, so it is
      // refused like any other network address, and reaches the server once allowed.
      const address = server.address.replace('127.0.0.1', '127.1');
      assert.throws(() => resolve(address), providerError(/plaintext gRPC/));
      await assertKmsRoundTrip(
        providersFor({ config: config(address), env: {}, timeoutMs: 10_000, allowPlaintext: true }),
        KEK,
      );
      assert.deepEqual(server.ops, ['keywrap', 'keyunwrap']);
    } finally {
      server.close();
    }
  });

  test('a unix socket needs no opt-in (unix:///PATH, as gRPC names it)', async () => {
    const socket = join(tempDir(), 'kms.sock');
    const server = await startGrpcProvider(KEK, 'ok', { bind: `unix:${socket}` });
    try {
      await assertKmsRoundTrip(
        providersFor({ config: config(`unix://${socket}`), env: {}, timeoutMs: 10_000 }),
        KEK,
      );
      assert.deepEqual(server.ops, ['keywrap', 'keyunwrap']);
    } finally {
      server.close();
    }
  });

  test('which targets count as this machine', () => {
    const local = [
      '127.0.0.1:50051',
      '127.8.9.10:1',
      'localhost:50051',
      'LOCALHOST',
      '[::1]:50051',
      '::1',
      'dns:///127.0.0.1:50051',
      'dns:localhost:50051',
      'ipv4:127.0.0.1:1,127.0.0.2:2',
      'ipv6:[::1]:50051',
      'unix:/run/kms.sock',
      'unix:///run/kms.sock',
    ];
    const remote = [
      '10.0.0.5:50051',
      '192.0.2.10:50051',
      'kms.example.com:443',
      'localhost.example.com:1',
      '[::2]:50051',
      '[fd00::1]:50051',
      '128.0.0.1:1',
      'dns://8.8.8.8/localhost:50051',
      'ipv4:127.0.0.1:1,10.0.0.1:2',
      '127.1:50051',
      '',
    ];
    for (const t of local) assert.equal(isLocalTarget(t), true, t);
    for (const t of remote) assert.equal(isLocalTarget(t), false, t);
  });
});
