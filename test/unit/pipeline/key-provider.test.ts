import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Descriptor } from '../../../src/oci/model.js';
import { decryptLayer, encryptLayer } from '../../../src/ocicrypt/layer.js';
import { isOepError } from '../../../src/errors.js';
import { providerEnv, providerSaid } from '../../../src/pipeline/provider-cmd.js';
import { providersFor } from '../../../src/pipeline/providers.js';
import { sha256 } from '../../helpers/fixtures.js';
import {
  assertKmsRoundTrip,
  assertNoKeyMaterial,
  encryptForKms,
  providerError,
  requestSecrets,
} from '../../helpers/keyprovider.js';

const SCRIPT = join(import.meta.dirname, '../../helpers/keyprovider-cmd.mjs');
const KEK = randomBytes(32);
const GZIP = 'application/vnd.oci.image.layer.v1.tar+gzip';
process.env.KP_KEK = KEK.toString('hex');

function providers(mode: string, timeoutMs = 20_000) {
  const config = JSON.stringify({
    'key-providers': { kms: { cmd: { path: process.execPath, args: [SCRIPT, mode] } } },
  });
  return providersFor({ config, env: process.env, timeoutMs });
}

const encrypt = (mode: string, plaintext: Buffer) => encryptForKms(providers(mode), plaintext);

describe('key providers: cmd', () => {
  for (const mode of ['ok', 'numbers']) {
    test(`round trip through a command provider (${mode}), checked by an independent decoder`, () =>
      assertKmsRoundTrip(providers(mode), KEK));
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

  test('a provider that echoes its request to stderr: the error quotes it with no key material', async () => {
    const copy = join(mkdtempSync(join(tmpdir(), 'kp-')), 'request.json');
    process.env.KP_ECHO = copy;
    let message = '';
    try {
      await assert.rejects(encrypt('echo', randomBytes(10)), (err) => {
        assert.ok(isOepError(err, 'E_PROVIDER'), String(err));
        assert.match(err.message, /kms .*exit code 1.*cannot parse request: \{"op":"keywrap"/);
        message = err.message;
        return true;
      });
    } finally {
      delete process.env.KP_ECHO;
    }
    assert.match(message, /\[redacted\]/);
    assertNoKeyMaterial(message, requestSecrets(copy));
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

describe('a cmd provider environment', () => {
  test('keeps what a provider may need and drops the registry password and the Action inputs', () => {
    const env = providerEnv({
      PATH: '/bin',
      AWS_REGION: 'eu',
      ACTIONS_ID_TOKEN_REQUEST_URL: 'u',
      INPUT_PASSWORD: 'ghp_secret',
      'INPUT_PUBLIC-KEYS': 'pem',
      OCI_ENCRYPT_PUSH_PASSWORD: 'pw',
    });
    assert.deepEqual(Object.keys(env).sort(), ['ACTIONS_ID_TOKEN_REQUEST_URL', 'AWS_REGION', 'PATH']);
  });
});

describe('what a provider said, as quoted in an error', () => {
  test('base64, base64url and hex runs of 32 characters or more are redacted, shorter words kept', () => {
    const b64 = randomBytes(24).toString('base64');
    const b64url = randomBytes(40).toString('base64url');
    const hex = randomBytes(16).toString('hex');
    assert.equal(
      providerSaid(`key ${b64} or ${b64url}, hex ${hex}; id 0123456789abcdef0123456789abcde`),
      'key [redacted] or [redacted], hex [redacted]; id 0123456789abcdef0123456789abcde',
    );
  });

  test('escapes and controls are dropped, so a key cut by one is still one run', () => {
    const hex = randomBytes(32).toString('hex');
    const cut = `${hex.slice(0, 20)}\x1b[0m${hex.slice(20, 40)}\x00\u202e${hex.slice(40)}`;
    assert.equal(
      providerSaid(`\x1b[31merror:\x1b[0m ${cut}\x07\r\nnext\tline`),
      'error: [redacted] next line',
    );
    assert.equal(providerSaid('\x1b]0;title\x07done'), 'done');
  });

  test('redacted before truncation: a long run cut at the limit leaves no piece of it', () => {
    const key = randomBytes(64).toString('base64');
    const said = providerSaid(`${'x '.repeat(140)}${key}${' y'.repeat(100)}`);
    assert.ok(said.length <= 301 && said.endsWith('…'));
    assert.ok(!said.includes(key.slice(0, 10)), said);
  });
});
