/**
 * Layer options from a hostile manifest: the nonce comes only from the wrapped (authenticated) private options,
 * and one malformed key item among comma-joined items does not stop the others from being tried.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { isOepError } from '../../../src/errors.js';
import type { Descriptor } from '../../../src/oci/model.js';
import { freshSecrets } from '../../../src/ocicrypt/blockcipher.js';
import { parseRecipients, type DecryptionKey, type Recipient } from '../../../src/ocicrypt/keys.js';
import { JweKeyWrapper } from '../../../src/ocicrypt/keywrap/jwe.js';
import { decryptLayer, encryptLayer } from '../../../src/ocicrypt/layer.js';
import { encodePrivateOptions, layerSecrets } from '../../../src/ocicrypt/options.js';
import { keyPair, sha256, type KeyPair } from '../../helpers/fixtures.js';
import { chunked, encryptor as encryptorOf, hmacOf, runLayer, through } from './streams.js';

const KEYS_JWE = 'org.opencontainers.image.enc.keys.jwe';
const PUBOPTS = 'org.opencontainers.image.enc.pubopts';
const GZIP = 'application/vnd.oci.image.layer.v1.tar+gzip';

const alice = keyPair('rsa2048');
const bob = keyPair('p256');
const recipientOf = (p: KeyPair, name: string): Recipient => parseRecipients(p.publicPem, `${name}.pub`)[0]!;
const keyOf = (p: KeyPair, name: string): DecryptionKey => ({ key: p.privateKey, source: `${name}.key` });

function oepError(code: string, pattern: RegExp): (err: unknown) => boolean {
  return (err) => {
    assert.ok(isOepError(err), `expected an OepError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    assert.match(err.message, pattern);
    return true;
  };
}

async function encrypted(plaintext: Buffer, to: Recipient[]) {
  const enc = await encryptLayer({ mediaType: GZIP, digest: sha256(plaintext), size: plaintext.length }, to);
  const { out: ciphertext, desc } = await runLayer(enc, chunked(plaintext, [777]));
  return { ciphertext, desc };
}

describe('the nonce is authoritative only in the wrapped options', () => {
  test('layerSecrets refuses a nonce found only in the public options', () => {
    const pub = { cipher: 'AES_256_CTR_HMAC_SHA256', hmac: Buffer.alloc(32, 1), nonce: Buffer.alloc(16, 7) };
    const priv = { symkey: Buffer.alloc(32, 2), digest: '', nonce: undefined };
    assert.throws(() => layerSecrets(priv, pub), oepError('E_OPTIONS', /nonce.*public options/));
  });

  test('a layer whose wrapped options lack the nonce, with one in pubopts, is E_OPTIONS', async () => {
    const plaintext = randomBytes(500);
    const secrets = freshSecrets();
    const encryptor = encryptorOf(secrets);
    const ciphertext = await through(encryptor, [plaintext]);
    const withNonce = JSON.parse(
      encodePrivateOptions({
        symkey: secrets.key,
        digest: sha256(plaintext),
        nonce: secrets.nonce,
      }).toString(),
    ) as Record<string, unknown>;
    const priv = Buffer.from(JSON.stringify({ ...withNonce, cipheroptions: {} }));
    const item = await new JweKeyWrapper().wrap([recipientOf(bob, 'bob')], priv);
    const pub = {
      cipher: 'AES_256_CTR_HMAC_SHA256',
      hmac: hmacOf(encryptor).toString('base64'),
      cipheroptions: { nonce: secrets.nonce.toString('base64') },
    };
    const desc: Descriptor = {
      mediaType: `${GZIP}+encrypted`,
      digest: sha256(ciphertext),
      size: ciphertext.length,
      annotations: {
        [KEYS_JWE]: Buffer.from(item!).toString('base64'),
        [PUBOPTS]: Buffer.from(JSON.stringify(pub)).toString('base64'),
      },
    };
    await assert.rejects(decryptLayer(desc, [keyOf(bob, 'bob')]), oepError('E_OPTIONS', /nonce/));
  });
});

describe('comma-joined key items: one malformed item does not stop the others', () => {
  test('`garbage,<valid item>` still decrypts with the valid item', async () => {
    const plaintext = randomBytes(300);
    const enc = await encrypted(plaintext, [recipientOf(bob, 'bob')]);
    enc.desc.annotations![KEYS_JWE] = `garbage,${enc.desc.annotations![KEYS_JWE]!}`;
    const dec = await decryptLayer(enc.desc, [keyOf(bob, 'bob')]);
    assert.deepEqual((await runLayer(dec, [enc.ciphertext])).out, plaintext);
  });

  test('a malformed item and one the keys do not open: E_DECRYPT that says an item was malformed', async () => {
    const plaintext = randomBytes(300);
    const enc = await encrypted(plaintext, [recipientOf(bob, 'bob')]);
    enc.desc.annotations![KEYS_JWE] = `garbage,${enc.desc.annotations![KEYS_JWE]!}`;
    await assert.rejects(
      decryptLayer(enc.desc, [keyOf(alice, 'alice')]),
      oepError('E_DECRYPT', new RegExp(`none of the given keys opens layer ${enc.desc.digest}.*1 of 2`)),
    );
  });

  test('every item malformed: E_OPTIONS that says all of them were', async () => {
    const plaintext = randomBytes(300);
    const enc = await encrypted(plaintext, [recipientOf(bob, 'bob')]);
    enc.desc.annotations![KEYS_JWE] = `garbage,${Buffer.from('not a JWE').toString('base64')}`;
    await assert.rejects(
      decryptLayer(enc.desc, [keyOf(bob, 'bob')]),
      oepError('E_OPTIONS', new RegExp(`all 2 .*keys\\.jwe.*${enc.desc.digest}`)),
    );
  });
});
