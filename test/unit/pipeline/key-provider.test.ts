import { createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isOepError } from '../../../src/errors.js';
import type { Descriptor } from '../../../src/oci/model.js';
import { decryptLayer, encryptLayer } from '../../../src/ocicrypt/layer.js';
import { providersFor } from '../../../src/pipeline/providers.js';
import { sha256 } from '../../helpers/fixtures.js';
import { chunked, runLayer } from '../ocicrypt/streams.js';

const SCRIPT = join(import.meta.dirname, '../../helpers/keyprovider-cmd.mjs');
const KEK = randomBytes(32);
const GZIP = 'application/vnd.oci.image.layer.v1.tar+gzip';
const ANNOTATION = 'org.opencontainers.image.enc.keys.provider.kms';
process.env.KP_KEK = KEK.toString('hex');

function providers(mode: string, timeoutMs = 20_000) {
  const config = JSON.stringify({
    'key-providers': { kms: { cmd: { path: process.execPath, args: [SCRIPT, mode] } } },
  });
  return providersFor({ config, env: {}, timeoutMs });
}

async function encrypt(mode: string, plaintext: Buffer) {
  const src: Descriptor = { mediaType: GZIP, digest: sha256(plaintext), size: plaintext.length };
  const r = providers(mode).recipient('provider:kms:key-id=alpha', 'recipients');
  return runLayer(await encryptLayer(src, [r]), chunked(plaintext, [999]));
}

/** The format alone: annotation → the provider's opaque bytes → (the KEK) private options → the layer. */
function independentDecrypt(desc: Descriptor, ciphertext: Buffer): Buffer {
  const items = desc.annotations![ANNOTATION]!.split(',');
  assert.equal(items.length, 1);
  const opaque = JSON.parse(Buffer.from(items[0]!, 'base64').toString('utf8')) as { iv: string; ct: string };
  const ct = Buffer.from(opaque.ct, 'base64');
  const gcm = createDecipheriv('aes-256-gcm', KEK, Buffer.from(opaque.iv, 'base64'));
  gcm.setAuthTag(ct.subarray(ct.length - 16));
  const priv = JSON.parse(Buffer.concat([gcm.update(ct.subarray(0, -16)), gcm.final()]).toString('utf8')) as {
    symkey: string;
    cipheroptions: { nonce: string };
  };
  const pub = JSON.parse(
    Buffer.from(desc.annotations!['org.opencontainers.image.enc.pubopts']!, 'base64').toString('utf8'),
  ) as { cipher: string; hmac: string };
  assert.equal(pub.cipher, 'AES_256_CTR_HMAC_SHA256');
  const key = Buffer.from(priv.symkey, 'base64');
  assert.equal(createHmac('sha256', key).update(ciphertext).digest('base64'), pub.hmac);
  const ctr = createDecipheriv('aes-256-ctr', key, Buffer.from(priv.cipheroptions.nonce, 'base64'));
  return Buffer.concat([ctr.update(ciphertext), ctr.final()]);
}

function providerError(pattern: RegExp) {
  return (err: unknown) => {
    assert.ok(isOepError(err, 'E_PROVIDER'), String(err));
    assert.match(err.message, pattern);
    assert.doesNotMatch(err.message, /optsdata|symkey|keywrap"/);
    return true;
  };
}

describe('key providers: cmd', () => {
  for (const mode of ['ok', 'numbers']) {
    test(`round trip through a command provider (${mode}), checked by an independent decoder`, async () => {
      const plaintext = randomBytes(4000);
      const { out: ciphertext, desc } = await encrypt(mode, plaintext);
      assert.equal(desc.mediaType, `${GZIP}+encrypted`);
      assert.deepEqual(independentDecrypt(desc, ciphertext), plaintext);
      const key = providers(mode).key('provider:kms');
      const { out } = await runLayer(await decryptLayer(desc, [key]), chunked(ciphertext, [500]));
      assert.deepEqual(out, plaintext);
    });
  }

  test('the request carries ec.Parameters NAME → [base64 PARAMS], and "Enabled" without params', async () => {
    const log = join(mkdtempSync(join(tmpdir(), 'kp-')), 'log');
    process.env.KP_LOG = log;
    try {
      const { out: ciphertext, desc } = await encrypt('ok', randomBytes(100));
      await decryptLayer(desc, [providers('ok').key('provider:kms')]);
      assert.ok(ciphertext.length);
    } finally {
      delete process.env.KP_LOG;
    }
    const lines = readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as unknown);
    assert.deepEqual(lines, [
      { op: 'keywrap', params: { kms: [Buffer.from('key-id=alpha').toString('base64')] } },
      { op: 'keyunwrap', params: { kms: [Buffer.from('Enabled').toString('base64')] } },
    ]);
  });

  test('a failing provider: one error with its stderr, never the request', async () => {
    await assert.rejects(encrypt('fail', randomBytes(10)), providerError(/kms .*exit code 3.*access denied/));
  });

  test('a hanging provider is stopped after the timeout', async () => {
    const r = providers('hang', 500).recipient('provider:kms', 'recipients');
    const src: Descriptor = { mediaType: GZIP, digest: sha256(Buffer.from('x')), size: 1 };
    await assert.rejects(
      encryptLayer(src, [r]),
      providerError(/did not answer the wrap request within 0.5s/),
    );
  });

  test('a garbage answer is refused', async () => {
    await assert.rejects(encrypt('garbage', randomBytes(10)), providerError(/answered .* not JSON/));
  });

  test('decrypting through a failing provider names the provider', async () => {
    const { desc } = await encrypt('ok', randomBytes(10));
    await assert.rejects(
      decryptLayer(desc, [providers('fail').key('provider:kms')]),
      providerError(/exit code 3/),
    );
  });

  test('an unconfigured provider name is refused when the request is read', () => {
    assert.throws(
      () => providers('ok').recipient('provider:other:x', 'recipients'),
      providerError(/no key provider other/),
    );
  });
});
