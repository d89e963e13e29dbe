/**
 * The pkcs7 key wrapper: recipients are RSA certificates; items are EnvelopedData as ocicrypt writes them
 * (AES-128-GCM under Go's mis-tagged parameters), and standard CBC EnvelopedData (built here with pkijs) reads.
 * RSA PKCS#1 v1.5 private decryption needs Node 24: the suite runs on it.
 */
import assert from 'node:assert/strict';
import {
  constants,
  createCipheriv,
  generateKeyPairSync,
  publicEncrypt,
  randomBytes,
  X509Certificate,
} from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import * as asn1js from 'asn1js';
import {
  AlgorithmIdentifier,
  Certificate,
  ContentInfo,
  EncryptedContentInfo,
  EnvelopedData,
  IssuerAndSerialNumber,
  KeyTransRecipientInfo,
  RecipientInfo,
} from 'pkijs';
import { isOepError } from '../../../src/errors.js';
import {
  pairCertificates,
  parseDecryptionKeys,
  parseRecipients,
  type DecryptionKey,
} from '../../../src/ocicrypt/keys.js';
import { Pkcs7KeyWrapper } from '../../../src/ocicrypt/keywrap/pkcs7.js';
import { keyWrapper } from '../../../src/ocicrypt/keywrap/registry.js';
import { makeCertificate, type TestCertificate } from '../../helpers/certs.js';
import { tempDir } from '../../helpers/fixtures.js';

const wrapper = new Pkcs7KeyWrapper();
/** What ocicrypt wraps: the layer's private options (Go's field order). */
const PRIVOPTS = Buffer.from(
  `{"symkey":"${Buffer.alloc(32, 1).toString('base64')}","digest":"sha256:${'ab'.repeat(32)}","cipheroptions":{"nonce":"${Buffer.alloc(16, 2).toString('base64')}"}}`,
);

const dir = tempDir('oep-pkcs7-');
const alice: TestCertificate = makeCertificate(dir, 'alice');
const bob: TestCertificate = makeCertificate(dir, 'bob');
const ec: TestCertificate = makeCertificate(dir, 'ec', 'ec');

function keys(...files: string[]): DecryptionKey[] {
  return pairCertificates(files.flatMap((f) => parseDecryptionKeys(readFileSync(f), f)));
}

function recipients(...files: string[]) {
  return files.flatMap((f) => parseRecipients(readFileSync(f), f, 'pkcs7'));
}

async function wrap(...certs: string[]): Promise<Uint8Array> {
  const item = await wrapper.wrap(recipients(...certs), PRIVOPTS);
  assert.ok(item);
  return item;
}

describe('pkcs7 wrapper', () => {
  test('is registered for pkcs7: recipients and the …keys.pkcs7 annotation', () => {
    assert.ok(keyWrapper('pkcs7') instanceof Pkcs7KeyWrapper);
    assert.equal(keyWrapper('pkcs7')?.annotationId, 'org.opencontainers.image.enc.keys.pkcs7');
  });

  test('PEM and DER certificates wrap; key + certificate and the key alone unwrap', async () => {
    for (const cert of [alice.cert, alice.certDer]) {
      const item = await wrap(cert);
      assert.deepEqual(await wrapper.unwrap(keys(alice.key, cert), item), PRIVOPTS);
      assert.deepEqual(await wrapper.unwrap(keys(alice.key), item), PRIVOPTS);
    }
  });

  test("the item is ocicrypt's shape: EnvelopedData v0, rsaEncryption, AES-128-GCM with Go's parameter tag", async () => {
    const item = await wrap(alice.cert);
    const ci = new ContentInfo({ schema: asn1js.fromBER(item).result });
    assert.equal(ci.contentType, '1.2.840.113549.1.7.3');
    const env = new EnvelopedData({ schema: ci.content as asn1js.AsnType });
    assert.equal(env.version, 0);
    const ktri = env.recipientInfos[0]!.value as KeyTransRecipientInfo;
    assert.equal(ktri.version, 0);
    assert.equal(ktri.keyEncryptionAlgorithm.algorithmId, '1.2.840.113549.1.1.1');
    const alg = env.encryptedContentInfo.contentEncryptionAlgorithm;
    assert.equal(alg.algorithmId, '2.16.840.1.101.3.4.1.6');
    const params = Buffer.from((alg.algorithmParams as asn1js.AsnType).valueBeforeDecodeView).toString('hex');
    assert.match(
      params,
      /^10133011840c[0-9a-f]{24}020110$/,
      'tag 0x10 primitive around SEQUENCE{[4] nonce, 16}',
    );
    // ciphertext = privopts + the 16-byte tag, in a constructed [0] around one OCTET STRING
    assert.equal(Buffer.from(env.encryptedContentInfo.getEncryptedContent()).length, PRIVOPTS.length + 16);
    assert.ok(env.encryptedContentInfo.encryptedContent!.idBlock.isConstructed);
  });

  test('several certificates: one item, each key opens it; describe gives issuer and serial', async () => {
    const item = await wrap(alice.cert, bob.certDer);
    assert.deepEqual(await wrapper.unwrap(keys(bob.key, bob.cert), item), PRIVOPTS);
    assert.deepEqual(await wrapper.unwrap(keys(alice.key), item), PRIVOPTS);
    const info = await wrapper.describe(item);
    assert.deepEqual(
      info.map((r) => [r.alg, r.serial]),
      [
        ['RSA-PKCS1-v1_5', alice.serial],
        ['RSA-PKCS1-v1_5', bob.serial],
      ],
    );
    assert.equal(info[0]!.issuer, 'CN=oep alice, O=oep tests');
  });

  test('a wrong key opens nothing, with or without its certificate', async () => {
    const item = await wrap(alice.cert);
    assert.equal(await wrapper.unwrap(keys(bob.key), item), undefined);
    assert.equal(await wrapper.unwrap(keys(bob.key, bob.cert), item), undefined);
    // alice's key paired with a certificate that is not the recipient's is not tried on other recipients
    const bobItem = await wrap(bob.cert);
    assert.equal(await wrapper.unwrap(keys(alice.key, alice.cert), bobItem), undefined);
  });

  test('a key whose modulus is smaller than the wrapped key is just not the key: the next one opens the item', async () => {
    // RSA-2048 ciphertext under a 1024-bit key: OpenSSL says "data too large for modulus" (once a flaky throw).
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey;
    const item = await wrap(alice.cert);
    const opened = await wrapper.unwrap([{ key: small, source: 'small.key' }, ...keys(alice.key)], item);
    assert.deepEqual(Buffer.from(opened!), PRIVOPTS);
  });

  test('a serial whose top bit is set (DER adds a 00) is shown as openssl shows it', async () => {
    const high = makeCertificate(dir, 'high-serial', 'rsa', '0x8A0102030405060708090A0B0C0D0E0F10111213');
    const [info] = await wrapper.describe(await wrap(high.cert));
    assert.equal(info!.serial, high.serial);
    assert.equal(high.serial, '8A0102030405060708090A0B0C0D0E0F10111213');
  });

  test('a certificate without its private key among the keys is refused by name', () => {
    assert.throws(
      () => keys(bob.key, alice.cert),
      (e: unknown) => isOepError(e) && e.code === 'E_KEY' && e.message.includes(alice.cert),
    );
  });

  test('non-RSA certificates and bare public keys are refused with E_KEY naming the file', () => {
    assert.throws(
      () => recipients(ec.cert),
      (e: unknown) =>
        isOepError(e) && e.code === 'E_KEY' && e.message.startsWith(`${ec.cert} is not an RSA certificate`),
    );
    const spki = new X509Certificate(readFileSync(alice.cert)).publicKey.export({
      type: 'spki',
      format: 'pem',
    });
    assert.throws(
      () => parseRecipients(spki, 'alice.pub.pem', 'pkcs7'),
      (e: unknown) =>
        isOepError(e) && e.code === 'E_KEY' && /alice\.pub\.pem is not an X\.509 certificate/.test(e.message),
    );
  });

  test('a standard AES-256-CBC EnvelopedData (built with pkijs) is read', async () => {
    const cert = Certificate.fromBER(readFileSync(alice.certDer));
    const cek = randomBytes(32);
    const iv = randomBytes(16);
    const c = createCipheriv('aes-256-cbc', cek, iv);
    const ct = Buffer.concat([c.update(PRIVOPTS), c.final()]);
    const encryptedKey = publicEncrypt(
      { key: new X509Certificate(readFileSync(alice.cert)).publicKey, padding: constants.RSA_PKCS1_PADDING },
      cek,
    );
    const env = new EnvelopedData({
      version: 0,
      recipientInfos: [
        new RecipientInfo({
          variant: 1,
          value: new KeyTransRecipientInfo({
            version: 0,
            rid: new IssuerAndSerialNumber({ issuer: cert.issuer, serialNumber: cert.serialNumber }),
            keyEncryptionAlgorithm: new AlgorithmIdentifier({
              algorithmId: '1.2.840.113549.1.1.1',
              algorithmParams: new asn1js.Null(),
            }),
            encryptedKey: new asn1js.OctetString({ valueHex: encryptedKey }),
          }),
        }),
      ],
      encryptedContentInfo: new EncryptedContentInfo({
        contentType: '1.2.840.113549.1.7.1',
        contentEncryptionAlgorithm: new AlgorithmIdentifier({
          algorithmId: '2.16.840.1.101.3.4.1.42',
          algorithmParams: new asn1js.OctetString({ valueHex: iv }),
        }),
        encryptedContent: new asn1js.OctetString({ valueHex: ct }),
      }),
    });
    const item = new Uint8Array(
      new ContentInfo({ contentType: '1.2.840.113549.1.7.3', content: env.toSchema() }).toSchema().toBER(),
    );
    assert.deepEqual(await wrapper.unwrap(keys(alice.key, alice.cert), item), PRIVOPTS);
    assert.deepEqual(await wrapper.unwrap(keys(alice.key), item), PRIVOPTS);
    assert.equal(await wrapper.unwrap(keys(bob.key), item), undefined);
  });

  test('an item that is not EnvelopedData DER is malformed (E_OPTIONS)', async () => {
    await assert.rejects(
      wrapper.unwrap(keys(alice.key), Buffer.from('{"not":"der"}')),
      (e: unknown) => isOepError(e) && e.code === 'E_OPTIONS',
    );
  });
});
