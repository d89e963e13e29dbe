import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isOepError } from '../../../src/errors.js';
import {
  ANNOTATION_KEYS_PREFIX,
  ANNOTATION_PREFIX,
  ANNOTATION_PUBOPTS,
  decodePrivateOptions,
  decodePublicOptions,
  decodeStdBase64,
  encodePrivateOptions,
  encodePublicOptions,
  layerSecrets,
  type PrivateOptions,
  type PublicOptions,
} from '../../../src/ocicrypt/options.js';

const KEY = Buffer.from([...Array(32).keys()]); // AAECAwQF...Hh8=
const KEY_B64 = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=';
const NONCE = Buffer.from([...Array(16).keys()]);
const NONCE_B64 = 'AAECAwQFBgcICQoLDA0ODw==';
const DIGEST = 'sha256:64e40e0a1e6ad4a6c1a6ff8fea0cd1b4ed4b7de5e54c1e0c75b5ff5c1a2bbff3';
// Uses both '+' and '/', so the URL-safe alphabet differs from it.
const FB_B64 = '+/v7+/v7+/v7+/v7+/v7+/v7+/v7+/v7+/v7+/v7+/s=';

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
const json = (v: unknown): Buffer => Buffer.from(JSON.stringify(v), 'utf8');

function oepError(code: string, pattern: RegExp): (err: unknown) => boolean {
  return (err) => {
    assert.ok(isOepError(err), `expected an OepError, got ${String(err)}`);
    assert.equal(err.code, code);
    assert.match(err.message, pattern);
    return true;
  };
}

describe('annotation names', () => {
  test('are the ocicrypt ones', () => {
    assert.equal(ANNOTATION_PREFIX, 'org.opencontainers.image.enc');
    assert.equal(ANNOTATION_PUBOPTS, 'org.opencontainers.image.enc.pubopts');
    assert.equal(ANNOTATION_KEYS_PREFIX, 'org.opencontainers.image.enc.keys.');
  });
});

describe('encoding: exactly the bytes Go writes', () => {
  test('private options: symkey, digest, cipheroptions{nonce}, standard padded base64', () => {
    const bytes = encodePrivateOptions({ symkey: KEY, digest: DIGEST, nonce: NONCE });
    assert.equal(
      bytes.toString('utf8'),
      `{"symkey":"${KEY_B64}","digest":"${DIGEST}","cipheroptions":{"nonce":"${NONCE_B64}"}}`,
    );
  });

  test('private options use the standard alphabet, not the URL-safe one', () => {
    const bytes = encodePrivateOptions({ symkey: Buffer.alloc(32, 0xfb), digest: '', nonce: NONCE });
    assert.equal(
      bytes.toString('utf8'),
      `{"symkey":"${FB_B64}","digest":"","cipheroptions":{"nonce":"${NONCE_B64}"}}`,
    );
  });

  test('public options match the bytes captured from skopeo 1.9.3', () => {
    const hmac = Buffer.from('/MGLCtg76IVUqwFv8MxSAoJXneJ+hGqtMBJk5SQ3EZY=', 'base64');
    assert.equal(
      encodePublicOptions(hmac).toString('utf8'),
      '{"cipher":"AES_256_CTR_HMAC_SHA256","hmac":"/MGLCtg76IVUqwFv8MxSAoJXneJ+hGqtMBJk5SQ3EZY=","cipheroptions":{}}',
    );
  });

  test('encode then decode gives the same values back', () => {
    const priv = decodePrivateOptions(encodePrivateOptions({ symkey: KEY, digest: DIGEST, nonce: NONCE }));
    assert.deepEqual(priv, { symkey: KEY, digest: DIGEST, nonce: NONCE });
    const hmac = Buffer.alloc(32, 7);
    const pub = decodePublicOptions(encodePublicOptions(hmac).toString('base64'));
    assert.deepEqual(pub, { cipher: 'AES_256_CTR_HMAC_SHA256', hmac, nonce: undefined });
  });
});

describe('decoding: lenient like encoding/json', () => {
  test('private options: field names match case-insensitively, unknown fields are ignored', () => {
    const priv = decodePrivateOptions(
      json({
        SymKey: KEY_B64,
        DIGEST: DIGEST,
        CipherOptions: { Nonce: NONCE_B64, extra: 'x' },
        unknown: { deep: [1, 2, 3] },
      }),
    );
    assert.deepEqual(priv, { symkey: KEY, digest: DIGEST, nonce: NONCE });
  });

  test('private options: a missing or empty digest is accepted as ""', () => {
    assert.equal(decodePrivateOptions(json({ symkey: KEY_B64 })).digest, '');
    assert.equal(decodePrivateOptions(json({ symkey: KEY_B64, digest: '' })).digest, '');
  });

  test('public options: field names match case-insensitively, unknown fields are ignored', () => {
    const hmac = Buffer.alloc(32, 9);
    const pub = decodePublicOptions(
      b64(JSON.stringify({ Cipher: 'AES_256_CTR_HMAC_SHA256', HMAC: hmac.toString('base64'), later: 1 })),
    );
    assert.deepEqual(pub, { cipher: 'AES_256_CTR_HMAC_SHA256', hmac, nonce: undefined });
  });

  test('public options: a nonce in the public cipheroptions is read', () => {
    const pub = decodePublicOptions(
      b64(JSON.stringify({ cipher: 'AES_256_CTR_HMAC_SHA256', cipherOptions: { NONCE: NONCE_B64 } })),
    );
    assert.deepEqual(pub.nonce, NONCE);
    assert.equal(pub.hmac, undefined);
  });
});

describe('decoding: strict standard base64', () => {
  test('decodeStdBase64 accepts padded standard base64 and names the input when refusing', () => {
    assert.deepEqual(decodeStdBase64(FB_B64, 'x'), Buffer.alloc(32, 0xfb));
    assert.deepEqual(decodeStdBase64('', 'x'), Buffer.alloc(0));
    for (const bad of [
      FB_B64.replace(/\+/g, '-').replace(/\//g, '_'), // URL-safe alphabet
      NONCE_B64.replace(/=+$/, ''), // padding missing
      'AAEC AwQF', // space
      'AAECAwQF\n', // newline
      'AAE=AAAA', // padding in the middle
      'A===',
    ]) {
      assert.throws(() => decodeStdBase64(bad, 'the thing'), oepError('E_OPTIONS', /the thing/), bad);
    }
    assert.throws(() => decodeStdBase64(42, 'the thing'), oepError('E_OPTIONS', /the thing/));
  });

  test('a URL-safe symkey in the private options is refused, naming the layer key', () => {
    const urlSafe = FB_B64.replace(/\+/g, '-').replace(/\//g, '_');
    assert.throws(
      () => decodePrivateOptions(json({ symkey: urlSafe, cipheroptions: { nonce: NONCE_B64 } })),
      oepError('E_OPTIONS', /layer key.*not standard base64/),
    );
  });

  test('an unpadded nonce in the private options is refused, naming the nonce', () => {
    assert.throws(
      () => decodePrivateOptions(json({ symkey: KEY_B64, cipheroptions: { nonce: NONCE_B64.slice(0, -2) } })),
      oepError('E_OPTIONS', /layer nonce.*not standard base64/),
    );
  });

  test('a URL-safe or unpadded pubopts annotation is refused, naming the annotation', () => {
    // The unknown field makes the outer base64 use both '+' and '/', and need padding.
    const good = b64('{"cipher":"AES_256_CTR_HMAC_SHA256","x":"~~~?"}');
    assert.match(good, /\+.*\/.*=$/, 'the fixture must exercise the alphabet and the padding');
    assert.equal(decodePublicOptions(good).cipher, 'AES_256_CTR_HMAC_SHA256');
    const urlSafe = good.replace(/\+/g, '-').replace(/\//g, '_');
    assert.throws(() => decodePublicOptions(urlSafe), oepError('E_OPTIONS', /enc\.pubopts.*base64/));
    const unpadded = good.replace(/=+$/, '');
    assert.throws(() => decodePublicOptions(unpadded), oepError('E_OPTIONS', /enc\.pubopts.*base64/));
  });

  test('a URL-safe hmac inside the public options is refused, naming the hmac', () => {
    const urlSafe = FB_B64.replace(/\+/g, '-').replace(/\//g, '_');
    assert.throws(
      () => decodePublicOptions(b64(JSON.stringify({ cipher: 'AES_256_CTR_HMAC_SHA256', hmac: urlSafe }))),
      oepError('E_OPTIONS', /layer hmac.*not standard base64/),
    );
  });
});

describe('decoding: malformed documents', () => {
  test('private options that are not JSON, or not an object, are E_OPTIONS', () => {
    assert.throws(() => decodePrivateOptions(Buffer.from('{nope')), oepError('E_OPTIONS', /not valid JSON/));
    assert.throws(() => decodePrivateOptions(json([KEY_B64])), oepError('E_OPTIONS', /not a JSON object/));
    assert.throws(() => decodePrivateOptions(json(null)), oepError('E_OPTIONS', /not a JSON object/));
  });

  test('private options without a key are E_OPTIONS', () => {
    assert.throws(
      () => decodePrivateOptions(json({ digest: DIGEST, cipheroptions: { nonce: NONCE_B64 } })),
      oepError('E_OPTIONS', /no key/),
    );
    assert.throws(() => decodePrivateOptions(json({ symkey: '' })), oepError('E_OPTIONS', /no key/));
  });

  test('a missing pubopts annotation is E_OPTIONS naming it', () => {
    assert.throws(
      () => decodePublicOptions(undefined),
      oepError('E_OPTIONS', /org\.opencontainers\.image\.enc\.pubopts/),
    );
  });

  test('pubopts that are not JSON are E_OPTIONS naming the annotation', () => {
    assert.throws(
      () => decodePublicOptions(b64('not json')),
      oepError('E_OPTIONS', /org\.opencontainers\.image\.enc\.pubopts is not valid JSON/),
    );
  });
});

describe('layerSecrets', () => {
  const HMAC = Buffer.alloc(32, 1);
  const priv = (o: Partial<PrivateOptions> = {}): PrivateOptions => ({
    symkey: KEY,
    digest: DIGEST,
    nonce: NONCE,
    ...o,
  });
  const pub = (o: Partial<PublicOptions> = {}): PublicOptions => ({
    cipher: 'AES_256_CTR_HMAC_SHA256',
    hmac: HMAC,
    nonce: undefined,
    ...o,
  });

  test('gives key, nonce and hmac from valid options', () => {
    assert.deepEqual(layerSecrets(priv(), pub()), { key: KEY, nonce: NONCE, hmac: HMAC });
  });

  test('the wrapped nonce is used; an unauthenticated public one that differs is refused', () => {
    // Go's GetOpt reads the public options first; but they are not covered by the MAC nor the JWE, so a
    // swapped nonce there would decrypt to garbage that still passes the MAC. We refuse the disagreement.
    const other = Buffer.alloc(16, 0xaa);
    assert.throws(
      () => layerSecrets(priv(), pub({ nonce: other })),
      (e) => isOepError(e, 'E_OPTIONS') && /nonce/.test(e.message),
    );
    assert.deepEqual(layerSecrets(priv(), pub({ nonce: NONCE })).nonce, NONCE);
    // A public nonce with no wrapped one is refused too (hostile-options.test.ts).
  });

  test('a missing nonce is refused (stricter than Go, which would use a random one)', () => {
    assert.throws(
      () => layerSecrets(priv({ nonce: undefined }), pub()),
      oepError('E_OPTIONS', /nonce is missing/),
    );
  });

  test('wrong lengths are refused, naming the field', () => {
    assert.throws(
      () => layerSecrets(priv({ symkey: Buffer.alloc(31) }), pub()),
      oepError('E_OPTIONS', /layer key has the wrong length/),
    );
    assert.throws(
      () => layerSecrets(priv({ symkey: Buffer.alloc(16) }), pub()),
      oepError('E_OPTIONS', /layer key/),
    );
    assert.throws(
      () => layerSecrets(priv({ nonce: Buffer.alloc(12) }), pub()),
      oepError('E_OPTIONS', /layer nonce .*wrong length/),
    );
    assert.throws(
      () => layerSecrets(priv(), pub({ nonce: Buffer.alloc(17) })),
      oepError('E_OPTIONS', /layer nonce/),
    );
    assert.throws(
      () => layerSecrets(priv(), pub({ hmac: Buffer.alloc(31) })),
      oepError('E_OPTIONS', /layer hmac .*wrong length/),
    );
  });

  test('a missing hmac is refused', () => {
    assert.throws(
      () => layerSecrets(priv(), pub({ hmac: undefined })),
      oepError('E_OPTIONS', /hmac is missing/),
    );
    const decoded = decodePublicOptions(
      b64('{"cipher":"AES_256_CTR_HMAC_SHA256","hmac":null,"cipheroptions":{}}'),
    );
    assert.throws(() => layerSecrets(priv(), decoded), oepError('E_OPTIONS', /hmac is missing/));
  });

  test('an unknown cipher is E_UNSUPPORTED naming it', () => {
    for (const cipher of ['AES_256_CTR', 'aes_256_ctr_hmac_sha256', 'CHACHA20']) {
      assert.throws(
        () => layerSecrets(priv(), pub({ cipher })),
        oepError('E_UNSUPPORTED', new RegExp(`"${cipher}"`)),
        cipher,
      );
    }
  });

  test('a pubopts without a cipher is refused', () => {
    const decoded = decodePublicOptions(b64(JSON.stringify({ hmac: HMAC.toString('base64') })));
    assert.throws(() => layerSecrets(priv(), decoded), oepError('E_UNSUPPORTED', /cipher ""/));
  });
});
