import { createCipheriv, createHmac, randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isOepError } from '../../../src/errors.js';
import {
  CIPHER_AES_CTR,
  freshSecrets,
  HMAC_LENGTH,
  KEY_LENGTH,
  NONCE_LENGTH,
} from '../../../src/ocicrypt/blockcipher.js';
import { chunked, decryptor, encryptor, hmacOf as streamHmac, through } from './streams.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

// NIST SP 800-38A, appendix F.5.5 (CTR-AES256.Encrypt).
const NIST = {
  key: hex('603deb1015ca71be2b73aef0857d7781 1f352c073b6108d72d9810a30914dff4'),
  counter: hex('f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff'),
  plaintext: hex(`6bc1bee22e409f96e93d7e117393172a ae2d8a571e03ac9c9eb76fac45af8e51
                  30c81c46a35ce411e5fbc1191a0a52ef f69f2445df4f9b17ad2b417be66c3710`),
  ciphertext: hex(`601ec313775789a5b7a7f504bbf3d228 f443e3ca4d62b59aca84e990cacaf5c5
                   2b0930daa23de94ce87017ba2d84988d dfc9c58db67aada613c2dd08457941a6`),
};

function hmacOf(key: Buffer, data: Buffer): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

async function encrypt(key: Buffer, nonce: Buffer, plaintext: Buffer, sizes = [plaintext.length || 1]) {
  const enc = encryptor({ key, nonce });
  const ciphertext = await through(enc, chunked(plaintext, sizes));
  return { ciphertext, hmac: streamHmac(enc) };
}

function assertOepError(code: string, pattern: RegExp): (err: unknown) => boolean {
  return (err) => {
    assert.ok(isOepError(err), `expected an OepError, got ${String(err)}`);
    assert.equal(err.code, code);
    assert.match(err.message, pattern);
    return true;
  };
}

describe('AES_256_CTR_HMAC_SHA256 layer cipher', () => {
  test('constants match ocicrypt', () => {
    assert.equal(CIPHER_AES_CTR, 'AES_256_CTR_HMAC_SHA256');
    assert.equal(KEY_LENGTH, 32);
    assert.equal(NONCE_LENGTH, 16);
    assert.equal(HMAC_LENGTH, 32);
  });

  test('freshSecrets gives a 32-byte key and a 16-byte nonce, different every time', () => {
    const a = freshSecrets();
    const b = freshSecrets();
    assert.equal(a.key.length, 32);
    assert.equal(a.nonce.length, 16);
    assert.notDeepEqual(a.key, b.key);
    assert.notDeepEqual(a.nonce, b.nonce);
  });

  test('NIST SP 800-38A F.5.5 CTR-AES256 known answer, with the HMAC over the ciphertext', async () => {
    const { ciphertext, hmac } = await encrypt(NIST.key, NIST.counter, NIST.plaintext);
    assert.equal(ciphertext.toString('hex'), NIST.ciphertext.toString('hex'));
    assert.equal(hmac.toString('hex'), hmacOf(NIST.key, NIST.ciphertext).toString('hex'));
  });

  test('NIST vectors also hold when streamed one byte at a time', async () => {
    const { ciphertext } = await encrypt(NIST.key, NIST.counter, NIST.plaintext, [1]);
    assert.equal(ciphertext.toString('hex'), NIST.ciphertext.toString('hex'));
  });

  test('the counter is the whole 128-bit block: ff..ff wraps to 00..00', async () => {
    const key = randomBytes(32);
    const nonce = Buffer.alloc(16, 0xff);
    const plaintext = randomBytes(48);
    const { ciphertext } = await encrypt(key, nonce, plaintext);

    // Independent keystream: AES-256-ECB of the counter blocks ff..ff, 00..00, 00..01.
    const ecb = (block: Buffer): Buffer => {
      const c = createCipheriv('aes-256-ecb', key, null).setAutoPadding(false);
      return Buffer.concat([c.update(block), c.final()]);
    };
    const xor = (a: Buffer, b: Buffer): Buffer => Buffer.from(a.map((x, i) => x ^ b[i]!));
    const counters = [Buffer.alloc(16, 0xff), Buffer.alloc(16, 0), Buffer.from([...Buffer.alloc(15, 0), 1])];
    counters.forEach((ctr, i) => {
      const expected = xor(ecb(ctr), plaintext.subarray(16 * i, 16 * i + 16));
      assert.equal(
        ciphertext.subarray(16 * i, 16 * i + 16).toString('hex'),
        expected.toString('hex'),
        `block ${i + 1}`,
      );
    });
  });

  test('HMAC is HMAC-SHA256(key, ciphertext), recomputed independently', async () => {
    const { key, nonce } = freshSecrets();
    const plaintext = randomBytes(10_000);
    const { ciphertext, hmac } = await encrypt(key, nonce, plaintext);
    assert.equal(ciphertext.length, plaintext.length, 'CTR adds no header, padding or trailer');
    assert.equal(hmac.length, 32);
    assert.deepEqual(hmac, hmacOf(key, ciphertext));
    assert.notDeepEqual(hmac, hmacOf(key, plaintext), 'the MAC covers the ciphertext, not the plaintext');
  });

  test('the HMAC of an empty layer is the HMAC of zero bytes', async () => {
    const { key, nonce } = freshSecrets();
    const { ciphertext, hmac } = await encrypt(key, nonce, Buffer.alloc(0), [1]);
    assert.equal(ciphertext.length, 0);
    assert.deepEqual(hmac, hmacOf(key, Buffer.alloc(0)));
  });

  test('streaming in odd chunk sizes gives the same bytes and HMAC as one shot', async () => {
    const { key, nonce } = freshSecrets();
    const plaintext = randomBytes(70_001);
    const oneShot = await encrypt(key, nonce, plaintext);
    for (const sizes of [[1], [7, 13, 1], [15, 17], [4097, 3, 65536]]) {
      const streamed = await encrypt(key, nonce, plaintext, sizes);
      assert.deepEqual(streamed.ciphertext, oneShot.ciphertext, `chunks ${sizes.join(',')}`);
      assert.deepEqual(streamed.hmac, oneShot.hmac, `chunks ${sizes.join(',')}`);
    }
  });

  test('the result (hmac) before the stream has finished is refused', () => {
    const enc = encryptor(freshSecrets());
    assert.throws(() => enc.result(), /before the stream was finished/);
  });

  test('decrypting round trip, in odd chunk sizes', async () => {
    const secrets = freshSecrets();
    const plaintext = randomBytes(33_333);
    const { ciphertext, hmac } = await encrypt(secrets.key, secrets.nonce, plaintext, [1000]);
    for (const sizes of [[ciphertext.length], [1], [5, 11, 4096]]) {
      const out = await through(decryptor(secrets, hmac), chunked(ciphertext, sizes));
      assert.deepEqual(out, plaintext, `chunks ${sizes.join(',')}`);
    }
  });

  test('decrypting decrypts the NIST ciphertext', async () => {
    const hmac = hmacOf(NIST.key, NIST.ciphertext);
    const out = await through(decryptor({ key: NIST.key, nonce: NIST.counter }, hmac), [NIST.ciphertext]);
    assert.equal(out.toString('hex'), NIST.plaintext.toString('hex'));
  });

  test('one flipped ciphertext bit fails the stream with E_INTEGRITY', async () => {
    const secrets = freshSecrets();
    const plaintext = randomBytes(4096);
    const { ciphertext, hmac } = await encrypt(secrets.key, secrets.nonce, plaintext);
    for (const at of [0, 2000, ciphertext.length - 1]) {
      const tampered = Buffer.from(ciphertext);
      tampered[at] = tampered[at]! ^ 0x01;
      await assert.rejects(
        through(decryptor(secrets, hmac), chunked(tampered, [100])),
        assertOepError('E_INTEGRITY', /HMAC/),
        `bit flipped at byte ${at}`,
      );
    }
  });

  test('a truncated ciphertext or a wrong HMAC fails with E_INTEGRITY', async () => {
    const secrets = freshSecrets();
    const { ciphertext, hmac } = await encrypt(secrets.key, secrets.nonce, randomBytes(1000));
    await assert.rejects(
      through(decryptor(secrets, hmac), [ciphertext.subarray(0, 999)]),
      assertOepError('E_INTEGRITY', /HMAC/),
    );
    const wrong = Buffer.from(hmac);
    wrong[31] = wrong[31]! ^ 0x80;
    await assert.rejects(
      through(decryptor(secrets, wrong), [ciphertext]),
      assertOepError('E_INTEGRITY', /HMAC/),
    );
  });

  test('the wrong key fails the HMAC check', async () => {
    const secrets = freshSecrets();
    const { ciphertext, hmac } = await encrypt(secrets.key, secrets.nonce, randomBytes(100));
    await assert.rejects(
      through(decryptor({ key: randomBytes(32), nonce: secrets.nonce }, hmac), [ciphertext]),
      assertOepError('E_INTEGRITY', /HMAC/),
    );
  });

  for (const [what, secrets, pattern] of [
    ['a 16-byte key', { key: randomBytes(16), nonce: randomBytes(16) }, /key must be 32 bytes/],
    ['a 33-byte key', { key: randomBytes(33), nonce: randomBytes(16) }, /key must be 32 bytes/],
    ['a 12-byte nonce', { key: randomBytes(32), nonce: randomBytes(12) }, /nonce must be 16 bytes/],
    ['an empty nonce', { key: randomBytes(32), nonce: Buffer.alloc(0) }, /nonce must be 16 bytes/],
  ] as const) {
    test(`${what} is refused by both directions with E_OPTIONS`, () => {
      const s = { key: Buffer.from(secrets.key), nonce: Buffer.from(secrets.nonce) };
      assert.throws(() => encryptor(s), assertOepError('E_OPTIONS', pattern));
      assert.throws(() => decryptor(s, randomBytes(32)), assertOepError('E_OPTIONS', pattern));
    });
  }

  for (const n of [0, 16, 31, 33]) {
    test(`a ${n}-byte expected HMAC is refused with E_OPTIONS`, () => {
      assert.throws(
        () => decryptor(freshSecrets(), randomBytes(n)),
        assertOepError('E_OPTIONS', /HMAC must be 32 bytes/),
      );
    });
  }
});
