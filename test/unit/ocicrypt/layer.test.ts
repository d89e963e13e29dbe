import { createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isOepError } from '../../../src/errors.js';
import type { Descriptor } from '../../../src/oci/model.js';
import { freshSecrets } from '../../../src/ocicrypt/blockcipher.js';
import { parseRecipients, type DecryptionKey, type Recipient } from '../../../src/ocicrypt/keys.js';
import { JweKeyWrapper } from '../../../src/ocicrypt/keywrap/jwe.js';
import { decryptLayer, describeLayer, encryptLayer } from '../../../src/ocicrypt/layer.js';
import {
  decodePrivateOptions,
  encodePrivateOptions,
  encodePublicOptions,
} from '../../../src/ocicrypt/options.js';
import { keyPair, sha256, type KeyPair } from '../../helpers/fixtures.js';
import { chunked, encryptor as encryptorOf, hmacOf, runLayer, through } from './streams.js';

const KEYS_JWE = 'org.opencontainers.image.enc.keys.jwe';
const PUBOPTS = 'org.opencontainers.image.enc.pubopts';
const STD_B64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const GZIP = 'application/vnd.oci.image.layer.v1.tar+gzip';

const alice = keyPair('rsa2048');
const bob = keyPair('p256');
const carol = keyPair('p384');

const recipientOf = (p: KeyPair, name: string): Recipient => parseRecipients(p.publicPem, `${name}.pub`)[0]!;
const keyOf = (p: KeyPair, name: string): DecryptionKey => ({ key: p.privateKey, source: `${name}.key` });

function plainLayer(data: Buffer, extra: Partial<Descriptor> = {}): Descriptor {
  return { mediaType: GZIP, digest: sha256(data), size: data.length, ...extra };
}

function oepError(code: string, pattern: RegExp): (err: unknown) => boolean {
  return (err) => {
    assert.ok(isOepError(err), `expected an OepError, got ${String(err)}`);
    assert.equal(err.code, code);
    assert.match(err.message, pattern);
    return true;
  };
}

/** Encrypt through the engine, as the pipeline does: the layer loop, then the finalizer. */
async function encrypt(plaintext: Buffer, desc: Descriptor, recipients: Recipient[]) {
  const { out: ciphertext, desc: out } = await runLayer(
    await encryptLayer(desc, recipients),
    chunked(plaintext, [777]),
  );
  assert.equal(out.digest, sha256(ciphertext));
  return { ciphertext, desc: out };
}

async function decrypt(ciphertext: Buffer, desc: Descriptor, keys: DecryptionKey[]) {
  const { out: plaintext, desc: out } = await runLayer(
    await decryptLayer(desc, keys),
    chunked(ciphertext, [1000]),
  );
  assert.equal(out.digest, sha256(plaintext));
  return { plaintext, desc: out };
}

describe('encryptLayer', () => {
  test('descriptor: +encrypted, ciphertext digest/size, standard-base64 annotations, old ones kept', async () => {
    const plaintext = randomBytes(5000);
    const src = plainLayer(plaintext, { annotations: { 'my.note': 'keep me' }, urls: ['https://x/y'] });
    const { ciphertext, desc } = await encrypt(plaintext, src, [recipientOf(alice, 'alice')]);

    assert.equal(desc.mediaType, 'application/vnd.oci.image.layer.v1.tar+gzip+encrypted');
    assert.equal(desc.digest, sha256(ciphertext));
    assert.equal(desc.size, plaintext.length, 'CTR keeps the size');
    assert.equal(desc.urls, undefined, 'urls point at the plaintext: they cannot serve the ciphertext');
    assert.deepEqual(Object.keys(desc.annotations!).sort(), ['my.note', KEYS_JWE, PUBOPTS].sort());
    assert.equal(desc.annotations!['my.note'], 'keep me');
    assert.match(desc.annotations![KEYS_JWE]!, STD_B64);
    assert.match(desc.annotations![PUBOPTS]!, STD_B64);
    assert.ok(!desc.annotations![KEYS_JWE]!.includes(','), 'one encryption run is one item');
    assert.deepEqual(src.annotations, { 'my.note': 'keep me' }, 'the source descriptor is not mutated');
  });

  test('the annotations hold what ocicrypt expects, checked independently', async () => {
    const plaintext = randomBytes(3000);
    const src = plainLayer(plaintext);
    const { ciphertext, desc } = await encrypt(plaintext, src, [recipientOf(alice, 'alice')]);

    const jwe = JSON.parse(Buffer.from(desc.annotations![KEYS_JWE]!, 'base64').toString()) as Record<
      string,
      string
    >;
    assert.equal(typeof jwe.ciphertext, 'string');
    const priv = await new JweKeyWrapper().unwrap([keyOf(alice, 'alice')], Buffer.from(JSON.stringify(jwe)));
    assert.ok(priv);
    const opts = decodePrivateOptions(priv);
    assert.equal(opts.digest, src.digest, 'private digest is the source descriptor digest');
    assert.equal(opts.symkey.length, 32);
    assert.equal(opts.nonce?.length, 16);

    const mac = createHmac('sha256', opts.symkey).update(ciphertext).digest('base64');
    assert.equal(
      Buffer.from(desc.annotations![PUBOPTS]!, 'base64').toString(),
      `{"cipher":"AES_256_CTR_HMAC_SHA256","hmac":"${mac}","cipheroptions":{}}`,
    );
    const ctr = createDecipheriv('aes-256-ctr', opts.symkey, opts.nonce!);
    assert.deepEqual(Buffer.concat([ctr.update(ciphertext), ctr.final()]), plaintext);
  });

  test('several recipients share one JWE item', async () => {
    const plaintext = randomBytes(100);
    const { desc } = await encrypt(plaintext, plainLayer(plaintext), [
      recipientOf(alice, 'alice'),
      recipientOf(bob, 'bob'),
    ]);
    const jwe = JSON.parse(Buffer.from(desc.annotations![KEYS_JWE]!, 'base64').toString()) as {
      recipients: unknown[];
    };
    assert.equal(jwe.recipients.length, 2);
  });

  test('every encryption uses a fresh key and nonce', async () => {
    const plaintext = Buffer.alloc(64, 1);
    const a = await encrypt(plaintext, plainLayer(plaintext), [recipientOf(bob, 'bob')]);
    const b = await encrypt(plaintext, plainLayer(plaintext), [recipientOf(bob, 'bob')]);
    assert.notDeepEqual(a.ciphertext, b.ciphertext);
  });

  test('media types: docker layers become OCI, uncompressed and nondistributable work', async () => {
    const cases: [string, string][] = [
      ['application/vnd.oci.image.layer.v1.tar', 'application/vnd.oci.image.layer.v1.tar+encrypted'],
      [
        'application/vnd.oci.image.layer.v1.tar+zstd',
        'application/vnd.oci.image.layer.v1.tar+zstd+encrypted',
      ],
      ['application/vnd.docker.image.rootfs.diff.tar.gzip', `${GZIP}+encrypted`],
      [
        'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip',
        'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip+encrypted',
      ],
    ];
    for (const [from, to] of cases) {
      const data = Buffer.from(from);
      const { desc } = await encrypt(data, plainLayer(data, { mediaType: from }), [recipientOf(bob, 'bob')]);
      assert.equal(desc.mediaType, to, from);
    }
  });

  test('an already encrypted layer or a config is E_UNSUPPORTED naming the layer', async () => {
    for (const mediaType of [`${GZIP}+encrypted`, 'application/vnd.oci.image.config.v1+json']) {
      const desc = plainLayer(Buffer.from(mediaType), { mediaType });
      await assert.rejects(
        encryptLayer(desc, [recipientOf(bob, 'bob')]),
        oepError('E_UNSUPPORTED', new RegExp(desc.digest)),
      );
    }
  });

  test('no recipient is E_NO_RECIPIENT', async () => {
    await assert.rejects(
      encryptLayer(plainLayer(Buffer.from('x')), []),
      oepError('E_NO_RECIPIENT', /recipient/),
    );
  });

  test('embedded plaintext `data` is not carried onto the encrypted descriptor', async () => {
    const plaintext = Buffer.from('secret layer content');
    const src = plainLayer(plaintext, { data: plaintext.toString('base64') });
    const { desc } = await encrypt(plaintext, src, [recipientOf(bob, 'bob')]);
    assert.equal(desc.data, undefined);
  });
});

describe('decryptLayer', () => {
  test('round trip with each recipient; enc annotations dropped, others kept', async () => {
    const plaintext = randomBytes(20_000);
    const src = plainLayer(plaintext, { annotations: { 'my.note': 'keep me' } });
    const enc = await encrypt(plaintext, src, [recipientOf(alice, 'alice'), recipientOf(bob, 'bob')]);
    for (const key of [keyOf(alice, 'alice'), keyOf(bob, 'bob')]) {
      const dec = await decrypt(enc.ciphertext, enc.desc, [key]);
      assert.deepEqual(dec.plaintext, plaintext);
      assert.deepEqual(dec.desc, src, key.source);
    }
  });

  test('all org.opencontainers.image.enc* annotations go; no annotations leaves none', async () => {
    const plaintext = randomBytes(100);
    const enc = await encrypt(plaintext, plainLayer(plaintext), [recipientOf(bob, 'bob')]);
    enc.desc.annotations!['org.opencontainers.image.enc.keys.pkcs7'] = 'AAAA';
    enc.desc.annotations!['org.opencontainers.image.encryption-note'] = 'x';
    const dec = await decrypt(enc.ciphertext, enc.desc, [keyOf(bob, 'bob')]);
    assert.equal(dec.desc.annotations, undefined);
    assert.ok(!('annotations' in dec.desc));
    assert.equal(dec.desc.mediaType, GZIP);
    assert.equal(dec.desc.digest, sha256(plaintext));
  });

  test('picks the item it can open among comma-joined items of the same private options', async () => {
    // What adding a recipient later produces (ocicrypt EncryptLayer on an encrypted layer): the same private
    // options wrapped twice, joined with a comma, one pubopts.
    const plaintext = randomBytes(4000);
    const secrets = freshSecrets();
    const encryptor = encryptorOf(secrets);
    const ciphertext = await through(encryptor, [plaintext]);
    const priv = encodePrivateOptions({
      symkey: secrets.key,
      digest: sha256(plaintext),
      nonce: secrets.nonce,
    });
    const w = new JweKeyWrapper();
    const forAlice = Buffer.from((await w.wrap([recipientOf(alice, 'alice')], priv))!).toString('base64');
    const forBob = Buffer.from((await w.wrap([recipientOf(bob, 'bob')], priv))!).toString('base64');
    const desc: Descriptor = {
      mediaType: `${GZIP}+encrypted`,
      digest: sha256(ciphertext),
      size: ciphertext.length,
      annotations: {
        [KEYS_JWE]: `${forAlice},${forBob}`,
        [PUBOPTS]: encodePublicOptions(hmacOf(encryptor)).toString('base64'),
      },
    };
    for (const key of [keyOf(bob, 'bob'), keyOf(alice, 'alice')]) {
      const dec = await decrypt(ciphertext, desc, [key]);
      assert.deepEqual(dec.plaintext, plaintext, key.source);
      assert.equal(dec.desc.digest, sha256(plaintext));
    }
    const info = await describeLayer(desc);
    assert.deepEqual(info.protocols, [
      {
        scheme: 'jwe',
        items: 2,
        recipients: [{ alg: 'RSA-OAEP' }, { alg: 'ECDH-ES+A256KW', crv: 'P-256' }],
      },
    ]);
    await assert.rejects(
      decryptLayer(desc, [keyOf(carol, 'carol')]),
      oepError('E_DECRYPT', new RegExp(`none of the given keys opens layer ${desc.digest}`)),
    );
  });

  test('the wrong key is E_DECRYPT naming the layer', async () => {
    const plaintext = randomBytes(100);
    const enc = await encrypt(plaintext, plainLayer(plaintext), [recipientOf(alice, 'alice')]);
    await assert.rejects(
      decryptLayer(enc.desc, [keyOf(bob, 'bob'), keyOf(carol, 'carol')]),
      oepError('E_DECRYPT', new RegExp(`none of the given keys opens layer ${enc.desc.digest}`)),
    );
    await assert.rejects(decryptLayer(enc.desc, []), oepError('E_DECRYPT', /none of the given keys/));
  });

  test('a layer wrapped only with pgp is E_DECRYPT naming pgp; a broken pkcs7 item is E_OPTIONS', async () => {
    const desc = (scheme: string): Descriptor => ({
      mediaType: `${GZIP}+encrypted`,
      digest: sha256(Buffer.from('x')),
      size: 1,
      annotations: {
        [`org.opencontainers.image.enc.keys.${scheme}`]: Buffer.from('not really cms').toString('base64'),
        [PUBOPTS]: encodePublicOptions(Buffer.alloc(32)).toString('base64'),
      },
    });
    await assert.rejects(
      decryptLayer(desc('pgp'), [keyOf(alice, 'alice')]),
      oepError('E_DECRYPT', /only with pgp/),
    );
    await assert.rejects(
      decryptLayer(desc('pkcs7'), [keyOf(alice, 'alice')]),
      oepError('E_OPTIONS', /pkcs7/),
    );
  });

  test('a layer with no key annotation at all is E_DECRYPT', async () => {
    const desc: Descriptor = { mediaType: `${GZIP}+encrypted`, digest: sha256(Buffer.from('y')), size: 1 };
    await assert.rejects(decryptLayer(desc, [keyOf(alice, 'alice')]), oepError('E_DECRYPT', /no key/));
  });

  test('a malformed JWE item does not hide a good one after it; alone it is E_OPTIONS', async () => {
    const plaintext = randomBytes(300);
    const enc = await encrypt(plaintext, plainLayer(plaintext), [recipientOf(bob, 'bob')]);
    const good = enc.desc.annotations![KEYS_JWE]!;
    const junk = Buffer.from('not a JWE').toString('base64');
    enc.desc.annotations![KEYS_JWE] = `${junk},${good}`;
    const dec = await decrypt(enc.ciphertext, enc.desc, [keyOf(bob, 'bob')]);
    assert.deepEqual(dec.plaintext, plaintext);
    enc.desc.annotations![KEYS_JWE] = junk;
    await assert.rejects(decryptLayer(enc.desc, [keyOf(bob, 'bob')]), oepError('E_OPTIONS', /JWE/));
  });

  test('a missing pubopts annotation is E_OPTIONS naming it', async () => {
    const plaintext = randomBytes(100);
    const enc = await encrypt(plaintext, plainLayer(plaintext), [recipientOf(bob, 'bob')]);
    delete enc.desc.annotations![PUBOPTS];
    await assert.rejects(
      decryptLayer(enc.desc, [keyOf(bob, 'bob')]),
      oepError('E_OPTIONS', /org\.opencontainers\.image\.enc\.pubopts/),
    );
  });

  test('a keys.jwe item that is not standard base64 is E_OPTIONS naming the annotation', async () => {
    const plaintext = randomBytes(100);
    const enc = await encrypt(plaintext, plainLayer(plaintext), [recipientOf(bob, 'bob')]);
    const item = enc.desc.annotations![KEYS_JWE]!;
    enc.desc.annotations![KEYS_JWE] = item.replace(/=+$/, '');
    assert.notEqual(enc.desc.annotations![KEYS_JWE], item, 'fixture must have padding to remove');
    await assert.rejects(decryptLayer(enc.desc, [keyOf(bob, 'bob')]), oepError('E_OPTIONS', /keys\.jwe/));
  });

  test('tampered ciphertext fails the decrypting stream with E_INTEGRITY', async () => {
    const plaintext = randomBytes(5000);
    const enc = await encrypt(plaintext, plainLayer(plaintext), [recipientOf(bob, 'bob')]);
    const tampered = Buffer.from(enc.ciphertext);
    tampered[1234] = tampered[1234]! ^ 0x10;
    await assert.rejects(decrypt(tampered, enc.desc, [keyOf(bob, 'bob')]), oepError('E_INTEGRITY', /HMAC/));
  });

  test('a tampered pubopts hmac fails the stream with E_INTEGRITY', async () => {
    const plaintext = randomBytes(500);
    const enc = await encrypt(plaintext, plainLayer(plaintext), [recipientOf(bob, 'bob')]);
    enc.desc.annotations![PUBOPTS] = encodePublicOptions(randomBytes(32)).toString('base64');
    await assert.rejects(
      decrypt(enc.ciphertext, enc.desc, [keyOf(bob, 'bob')]),
      oepError('E_INTEGRITY', /HMAC/),
    );
  });

  test('the decrypted descriptor does not keep embedded ciphertext `data`', async () => {
    const plaintext = randomBytes(50);
    const enc = await encrypt(plaintext, plainLayer(plaintext), [recipientOf(bob, 'bob')]);
    const withData = { ...enc.desc, data: enc.ciphertext.toString('base64') };
    const dec = await decrypt(enc.ciphertext, withData, [keyOf(bob, 'bob')]);
    assert.equal(dec.desc.data, undefined);
  });
});

describe('describeLayer', () => {
  test('a plain layer is not encrypted', async () => {
    assert.deepEqual(await describeLayer(plainLayer(Buffer.from('z'))), { encrypted: false, protocols: [] });
  });

  test('an encrypted layer lists cipher, protocols and recipients without any key', async () => {
    const plaintext = randomBytes(10);
    const { desc } = await encrypt(plaintext, plainLayer(plaintext), [
      recipientOf(alice, 'alice'),
      recipientOf(carol, 'carol'),
    ]);
    desc.annotations!['org.opencontainers.image.enc.keys.pgp'] = 'AAAA,BBBB';
    assert.deepEqual(await describeLayer(desc), {
      encrypted: true,
      cipher: 'AES_256_CTR_HMAC_SHA256',
      protocols: [
        {
          scheme: 'jwe',
          items: 1,
          recipients: [{ alg: 'RSA-OAEP' }, { alg: 'ECDH-ES+A256KW', crv: 'P-384' }],
        },
        { scheme: 'pgp', items: 2, recipients: [] },
      ],
    });
  });

  test('unreadable pubopts are reported, not thrown', async () => {
    const desc: Descriptor = {
      mediaType: `${GZIP}+encrypted`,
      digest: sha256(Buffer.from('w')),
      size: 1,
      annotations: { [PUBOPTS]: '!!' },
    };
    assert.equal((await describeLayer(desc)).cipher, 'unreadable');
  });
});

test('sha256 helper agrees with node', () => {
  const d = Buffer.from('abc');
  assert.equal(sha256(d), `sha256:${createHash('sha256').update(d).digest('hex')}`);
});
