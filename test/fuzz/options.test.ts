/**
 * Fuzz: the encryption options of a layer (src/ocicrypt/options.ts): the public options annotation (base64 of
 * JSON, from the manifest: untrusted) and the private options a JWE unwraps to.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  decodePrivateOptions,
  decodePublicOptions,
  decodeStdBase64,
  encodePrivateOptions,
  encodePublicOptions,
  layerSecrets,
} from '../../src/ocicrypt/options.js';
import { deepJson, fuzz, mutatedBytes, mutatedJson, mutatedString, parsesOrTyped } from './support.js';

const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n }).map((b) => Buffer.from(b));
const b64 = (n: number) => bytes(n).map((b) => b.toString('base64'));

/** Public options as JSON values: valid, with Go's case-insensitive names, with odd types. */
const pubDoc = fc.record(
  {
    cipher: fc.constantFrom('AES_256_CTR_HMAC_SHA256', 'aes', '', 5, null),
    hmac: fc.oneof(b64(32), b64(31), fc.constantFrom('', null, 'not base64', 'QQ', 'QQ==\n', [], 7)),
    cipheroptions: fc.oneof(
      fc.record({ nonce: fc.oneof(b64(16), fc.constantFrom('', 'x', null)) }, { requiredKeys: [] }),
      fc.constantFrom({}, null, 'str', [], 1),
    ),
    CIPHER: fc.constant('AES_256_CTR_HMAC_SHA256'),
    Hmac: b64(32),
    __proto__: fc.constant({ cipher: 'x' }),
  },
  { requiredKeys: [] },
);
const privDoc = fc.record(
  {
    symkey: fc.oneof(b64(32), b64(16), fc.constantFrom('', null, '!!!!', 3)),
    digest: fc.oneof(fc.constant(`sha256:${'a'.repeat(64)}`), fc.jsonValue({ maxDepth: 1 })),
    cipheroptions: fc.oneof(fc.record({ nonce: b64(16) }), fc.constantFrom({}, null, [])),
    SymKey: b64(32),
  },
  { requiredKeys: [] },
);
const json = (doc: fc.Arbitrary<unknown>) =>
  fc.oneof(
    doc.map((d) => Buffer.from(JSON.stringify(d))),
    mutatedJson(doc).map((d) => Buffer.from(JSON.stringify(d) ?? '')),
    mutatedBytes(doc.map((d) => Buffer.from(JSON.stringify(d)))),
    fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v))),
    fc.integer({ min: 1, max: 20000 }).map((n) => Buffer.from(`{"cipheroptions":${deepJson(n)}}`)),
  );

const validPub = bytes(32).map((h) => encodePublicOptions(h).toString('base64'));
/** The annotation: base64 of JSON, mutated base64, or arbitrary strings. */
const pubAnnotation = fc.oneof(
  json(pubDoc).map((b) => b.toString('base64')),
  mutatedString(validPub, 'A=+/-_ \n'),
  fc.string({ maxLength: 100 }),
  fc.constant(undefined),
);

describe('fuzz: encryption options', () => {
  it('decodePublicOptions: a cipher string and Buffers, or E_OPTIONS', () => {
    fuzz('options.public', [pubAnnotation], (a) => {
      parsesOrTyped(
        () => decodePublicOptions(a),
        (o) => {
          assert.equal(typeof o.cipher, 'string');
          assert.ok(o.hmac === undefined || Buffer.isBuffer(o.hmac));
          assert.ok(o.nonce === undefined || Buffer.isBuffer(o.nonce));
        },
        ['E_OPTIONS'],
      );
    });
  });

  it('decodePrivateOptions, then layerSecrets: exact lengths, or a typed error', () => {
    const valid = fc
      .tuple(bytes(32), bytes(16))
      .map(([symkey, nonce]) => encodePrivateOptions({ symkey, digest: `sha256:${'b'.repeat(64)}`, nonce }));
    const priv = fc.oneof(json(privDoc), mutatedBytes(valid));
    fuzz('options.private+secrets', [priv, pubAnnotation], (p, a) => {
      const o = parsesOrTyped(
        () => decodePrivateOptions(p),
        (v) => {
          assert.ok(Buffer.isBuffer(v.symkey) && v.symkey.length > 0);
          assert.equal(typeof v.digest, 'string');
        },
        ['E_OPTIONS'],
      );
      if (!o) return;
      let pub;
      try {
        pub = decodePublicOptions(a);
      } catch {
        return;
      }
      parsesOrTyped(
        () => layerSecrets(o, pub),
        (s) => {
          assert.equal(s.key.length, 32);
          assert.equal(s.nonce.length, 16);
          assert.equal(s.hmac.length, 32);
        },
        ['E_OPTIONS', 'E_UNSUPPORTED'],
      );
    });
  });

  it('decodeStdBase64 accepts only padded standard base64, and decodes it exactly', () => {
    const input = fc.oneof(
      bytes(0)
        .chain(() => fc.uint8Array({ maxLength: 40 }))
        .map((b) => Buffer.from(b).toString('base64')),
      mutatedString(b64(20), 'A=+/-_ \n'),
      fc.anything({ maxDepth: 1 }),
    );
    fuzz('options.base64', [input], (s) => {
      parsesOrTyped(
        () => decodeStdBase64(s, 'fuzz'),
        // Go's StdEncoding (not Strict) also ignores non-zero trailing bits: compare lengths, not text.
        (b) => assert.equal(b.length, ((s as string).length / 4) * 3 - (s as string).match(/=*$/)![0].length),
        ['E_OPTIONS'],
      );
    });
  });
});
