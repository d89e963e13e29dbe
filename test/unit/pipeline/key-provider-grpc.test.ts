import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { Descriptor } from '../../../src/oci/model.js';
import { encryptLayer } from '../../../src/ocicrypt/layer.js';
import { providersFor } from '../../../src/pipeline/providers.js';
import { sha256 } from '../../helpers/fixtures.js';
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

  test('nobody listening is an E_PROVIDER error naming the address', async () => {
    const config = JSON.stringify({ 'key-providers': { kms: { grpc: '127.0.0.1:1' } } });
    const r = providersFor({ config, env: {}, timeoutMs: 5_000 }).recipient('provider:kms', 'recipients');
    const src: Descriptor = { mediaType: GZIP, digest: sha256(Buffer.from('x')), size: 1 };
    await assert.rejects(encryptLayer(src, [r]), providerError(/grpc 127\.0\.0\.1:1.*UNAVAILABLE/));
  });
});
