import {
  constants,
  createDecipheriv,
  createHash,
  createPublicKey,
  diffieHellman,
  privateDecrypt,
  type KeyObject,
} from 'node:crypto';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FlattenedEncrypt, GeneralEncrypt } from 'jose';
import { isOepError } from '../../../src/errors.js';
import { parseRecipients, type DecryptionKey, type Recipient } from '../../../src/ocicrypt/keys.js';
import { JweKeyWrapper } from '../../../src/ocicrypt/keywrap/jwe.js';
import { encodePrivateOptions } from '../../../src/ocicrypt/options.js';
import { keyPair, type KeyKind, type KeyPair } from '../../helpers/fixtures.js';

const wrapper = new JweKeyWrapper();
const PRIVOPTS = encodePrivateOptions({
  symkey: Buffer.alloc(32, 0x11),
  digest: 'sha256:' + 'ab'.repeat(32),
  nonce: Buffer.alloc(16, 0x22),
});

const pairs = new Map<KeyKind, KeyPair>();
function kp(kind: KeyKind): KeyPair {
  let p = pairs.get(kind);
  if (!p) {
    p = keyPair(kind);
    pairs.set(kind, p);
  }
  return p;
}

function recipient(kind: KeyKind, jwk: { alg?: string; kid?: string } = {}): Recipient {
  const p = kp(kind);
  const input =
    jwk.alg || jwk.kid ? JSON.stringify({ ...p.publicKey.export({ format: 'jwk' }), ...jwk }) : p.publicPem;
  const [r] = parseRecipients(input, `${kind}.pub`);
  return r!;
}

const dk = (kind: KeyKind): DecryptionKey => ({ key: kp(kind).privateKey, source: `${kind}.key` });

type Json = Record<string, unknown>;
const parse = (item: Uint8Array): Json => JSON.parse(Buffer.from(item).toString('utf8')) as Json;
const header = (b64u: unknown): Json =>
  JSON.parse(Buffer.from(b64u as string, 'base64url').toString()) as Json;
const b64u = (s: unknown): Buffer => Buffer.from(s as string, 'base64url');

async function wrap(rs: Recipient[]): Promise<Uint8Array> {
  const item = await wrapper.wrap(rs, PRIVOPTS);
  assert.ok(item, 'wrap produced an item');
  return item;
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

/**
 * Decrypt one recipient of a JWE with node:crypto only (RFC 7516/7518), to check what we emit without trusting
 * the library that made it.
 */
function independentDecrypt(jwe: Json, recipientHeader: Json, encryptedKey: Buffer, priv: KeyObject): Buffer {
  const prot = header(jwe.protected);
  const h = { ...prot, ...recipientHeader };
  assert.equal(prot.enc, 'A256GCM', 'enc is in the protected header');
  let cek: Buffer;
  if (h.alg === 'RSA-OAEP' || h.alg === 'RSA-OAEP-256') {
    cek = privateDecrypt(
      {
        key: priv,
        padding: constants.RSA_PKCS1_OAEP_PADDING,
        oaepHash: h.alg === 'RSA-OAEP' ? 'sha1' : 'sha256',
      },
      encryptedKey,
    );
  } else if (h.alg === 'ECDH-ES+A256KW') {
    const epk = createPublicKey({ key: h.epk as never, format: 'jwk' });
    const z = diffieHellman({ privateKey: priv, publicKey: epk });
    const alg = Buffer.from('ECDH-ES+A256KW');
    // Concat KDF (NIST SP 800-56A) with SHA-256, one round for a 256-bit key; no apu/apv.
    const otherInfo = Buffer.concat([u32(alg.length), alg, u32(0), u32(0), u32(256)]);
    const kek = createHash('sha256')
      .update(Buffer.concat([u32(1), z, otherInfo]))
      .digest();
    const unwrap = createDecipheriv('id-aes256-wrap', kek, Buffer.from('A6A6A6A6A6A6A6A6', 'hex'));
    cek = Buffer.concat([unwrap.update(encryptedKey), unwrap.final()]);
  } else {
    throw new Error(`unexpected alg ${String(h.alg)}`);
  }
  assert.equal(cek.length, 32, 'A256GCM content key');
  const gcm = createDecipheriv('aes-256-gcm', cek, b64u(jwe.iv));
  gcm.setAAD(Buffer.from(jwe.protected as string, 'ascii'));
  gcm.setAuthTag(b64u(jwe.tag));
  return Buffer.concat([gcm.update(b64u(jwe.ciphertext)), gcm.final()]);
}

describe('JweKeyWrapper.wrap', () => {
  test('names the ocicrypt annotation and scheme', () => {
    assert.equal(wrapper.scheme, 'jwe');
    assert.equal(wrapper.annotationId, 'org.opencontainers.image.enc.keys.jwe');
  });

  test('no recipient gives no item', async () => {
    assert.equal(await wrapper.wrap([], PRIVOPTS), undefined);
  });

  test('one RSA recipient: flattened JSON, alg+enc(+kid) protected, no recipients', async () => {
    const jwe = parse(await wrap([recipient('rsa2048', { kid: 'k1' })]));
    assert.deepEqual(Object.keys(jwe).sort(), ['ciphertext', 'encrypted_key', 'iv', 'protected', 'tag']);
    assert.deepEqual(header(jwe.protected), { alg: 'RSA-OAEP', enc: 'A256GCM', kid: 'k1' });
    assert.equal(b64u(jwe.iv).length, 12);
    assert.equal(b64u(jwe.tag).length, 16);
    const pt = independentDecrypt(jwe, {}, b64u(jwe.encrypted_key), kp('rsa2048').privateKey);
    assert.deepEqual(pt, PRIVOPTS);
  });

  test('one RSA-OAEP-256 recipient (JWK alg) wraps with OAEP SHA-256', async () => {
    const jwe = parse(await wrap([recipient('rsa2048', { alg: 'RSA-OAEP-256' })]));
    assert.deepEqual(header(jwe.protected), { alg: 'RSA-OAEP-256', enc: 'A256GCM' });
    const pt = independentDecrypt(jwe, {}, b64u(jwe.encrypted_key), kp('rsa2048').privateKey);
    assert.deepEqual(pt, PRIVOPTS);
  });

  test('one EC recipient: ECDH-ES+A256KW with epk in the protected header', async () => {
    const jwe = parse(await wrap([recipient('p384')]));
    assert.equal(jwe.recipients, undefined);
    assert.equal(jwe.header, undefined);
    const prot = header(jwe.protected);
    assert.equal(prot.alg, 'ECDH-ES+A256KW');
    assert.equal(prot.enc, 'A256GCM');
    assert.equal((prot.epk as Json).crv, 'P-384');
    assert.equal(prot.apu, undefined);
    assert.equal(prot.apv, undefined);
    const pt = independentDecrypt(jwe, {}, b64u(jwe.encrypted_key), kp('p384').privateKey);
    assert.deepEqual(pt, PRIVOPTS);
  });

  test('several recipients: general JSON, protected {"enc":"A256GCM"}, per-recipient alg header', async () => {
    const kinds: KeyKind[] = ['rsa2048', 'p256', 'p521'];
    const jwe = parse(
      await wrap([recipient('rsa2048', { kid: 'r' }), recipient('p256'), recipient('p521', { kid: 'e' })]),
    );
    assert.equal(jwe.encrypted_key, undefined, 'no stray top-level encrypted_key');
    assert.equal(jwe.header, undefined);
    assert.equal(Buffer.from(jwe.protected as string, 'base64url').toString(), '{"enc":"A256GCM"}');
    const recipients = jwe.recipients as { header: Json; encrypted_key: string }[];
    assert.equal(recipients.length, 3);
    assert.deepEqual(recipients[0]!.header, { alg: 'RSA-OAEP', kid: 'r' });
    assert.equal(recipients[1]!.header.alg, 'ECDH-ES+A256KW');
    assert.equal((recipients[1]!.header.epk as Json).crv, 'P-256');
    assert.equal(recipients[2]!.header.kid, 'e');
    assert.equal((recipients[2]!.header.epk as Json).crv, 'P-521');
    recipients.forEach((r, i) => {
      const pt = independentDecrypt(jwe, r.header, b64u(r.encrypted_key), kp(kinds[i]!).privateKey);
      assert.deepEqual(pt, PRIVOPTS, `recipient ${i + 1}`);
    });
  });

  test('each wrap uses a fresh content key and IV', async () => {
    const r = recipient('p256');
    const a = parse(await wrap([r]));
    const b = parse(await wrap([r]));
    assert.notEqual(a.iv, b.iv);
    assert.notEqual(a.ciphertext, b.ciphertext);
  });
});

describe('JweKeyWrapper.unwrap', () => {
  const cases: [string, KeyKind, { alg?: string }][] = [
    ['RSA-OAEP (RSA 2048)', 'rsa2048', {}],
    ['RSA-OAEP (RSA 4096)', 'rsa4096', {}],
    ['RSA-OAEP-256', 'rsa2048', { alg: 'RSA-OAEP-256' }],
    ['ECDH-ES+A256KW on P-256', 'p256', {}],
    ['ECDH-ES+A256KW on P-384', 'p384', {}],
    ['ECDH-ES+A256KW on P-521', 'p521', {}],
  ];
  for (const [what, kind, jwk] of cases) {
    test(`${what}, flattened`, async () => {
      const item = await wrap([recipient(kind, jwk)]);
      assert.deepEqual(Buffer.from((await wrapper.unwrap([dk(kind)], item))!), PRIVOPTS);
    });
  }

  test('general JWE: every recipient opens it with its own key', async () => {
    const kinds: KeyKind[] = ['rsa2048', 'p256', 'p384', 'p521'];
    const item = await wrap([
      recipient('rsa2048', { alg: 'RSA-OAEP-256' }),
      recipient('p256'),
      recipient('p384'),
      recipient('p521'),
    ]);
    for (const kind of kinds) {
      assert.deepEqual(Buffer.from((await wrapper.unwrap([dk(kind)], item))!), PRIVOPTS, kind);
    }
  });

  test('the first key that fits wins; keys that do not fit are skipped', async () => {
    const item = await wrap([recipient('p384')]);
    const keys = [dk('rsa2048'), dk('p256'), dk('p384')];
    assert.deepEqual(Buffer.from((await wrapper.unwrap(keys, item))!), PRIVOPTS);
  });

  test('a general JWE with a go-jose-style stray top-level encrypted_key is accepted', async () => {
    const jwe = parse(await wrap([recipient('rsa2048'), recipient('p256')]));
    const recipients = jwe.recipients as { encrypted_key: string }[];
    const gojose = { ...jwe, encrypted_key: recipients[0]!.encrypted_key };
    const item = Buffer.from(JSON.stringify(gojose));
    assert.deepEqual(Buffer.from((await wrapper.unwrap([dk('p256')], item))!), PRIVOPTS);
    assert.deepEqual(Buffer.from((await wrapper.unwrap([dk('rsa2048')], item))!), PRIVOPTS);
  });

  test('a general JWE with a single recipient (ocicrypt-rs style) is accepted', async () => {
    const enc = new GeneralEncrypt(PRIVOPTS).setProtectedHeader({ enc: 'A256GCM' });
    enc.addRecipient(kp('rsa2048').publicKey).setUnprotectedHeader({ alg: 'RSA-OAEP' });
    const item = Buffer.from(JSON.stringify(await enc.encrypt()));
    assert.deepEqual(Buffer.from((await wrapper.unwrap([dk('rsa2048')], item))!), PRIVOPTS);
  });

  test('the wrong key gives undefined, not an error', async () => {
    const rsa = await wrap([recipient('rsa2048')]);
    const ec = await wrap([recipient('p256')]);
    const other = keyPair('rsa2048');
    assert.equal(await wrapper.unwrap([{ key: other.privateKey, source: 'other' }], rsa), undefined);
    assert.equal(await wrapper.unwrap([dk('p256')], rsa), undefined);
    assert.equal(await wrapper.unwrap([dk('rsa2048'), dk('p384')], ec), undefined);
    assert.equal(
      await wrapper.unwrap([dk('p256')], await wrap([recipient('rsa4096'), recipient('p521')])),
      undefined,
    );
    assert.equal(await wrapper.unwrap([], rsa), undefined);
  });

  test('a tampered JWE gives undefined', async () => {
    const jwe = parse(await wrap([recipient('p256')]));
    const ct = b64u(jwe.ciphertext);
    ct[0] = ct[0]! ^ 1;
    const item = Buffer.from(JSON.stringify({ ...jwe, ciphertext: ct.toString('base64url') }));
    assert.equal(await wrapper.unwrap([dk('p256')], item), undefined);
  });

  test('algorithms outside the go-jose v4 allow-list are not used (ECDH-ES direct)', async () => {
    const jwe = await new FlattenedEncrypt(PRIVOPTS)
      .setProtectedHeader({ alg: 'ECDH-ES', enc: 'A256GCM' })
      .encrypt(kp('p256').publicKey);
    const item = Buffer.from(JSON.stringify(jwe));
    assert.equal(await wrapper.unwrap([dk('p256')], item), undefined);
  });

  test('an item that is not a JWE JSON object is E_OPTIONS', async () => {
    for (const bad of ['not json', '[1,2]', 'null']) {
      await assert.rejects(wrapper.unwrap([dk('p256')], Buffer.from(bad)), (err: unknown) => {
        assert.ok(isOepError(err, 'E_OPTIONS'), String(err));
        assert.match(err.message, /JWE key annotation item/);
        return true;
      });
    }
  });
});

describe('JweKeyWrapper.describe', () => {
  test('flattened RSA with kid', async () => {
    assert.deepEqual(await wrapper.describe(await wrap([recipient('rsa2048', { kid: 'alice' })])), [
      { alg: 'RSA-OAEP', kid: 'alice' },
    ]);
  });

  test('flattened EC gives the curve', async () => {
    assert.deepEqual(await wrapper.describe(await wrap([recipient('p521')])), [
      { alg: 'ECDH-ES+A256KW', crv: 'P-521' },
    ]);
  });

  test('general JWE lists every recipient in order', async () => {
    const item = await wrap([
      recipient('rsa2048', { alg: 'RSA-OAEP-256', kid: 'a' }),
      recipient('p256', { kid: 'b' }),
      recipient('p384'),
    ]);
    assert.deepEqual(await wrapper.describe(item), [
      { alg: 'RSA-OAEP-256', kid: 'a' },
      { alg: 'ECDH-ES+A256KW', kid: 'b', crv: 'P-256' },
      { alg: 'ECDH-ES+A256KW', crv: 'P-384' },
    ]);
  });

  test('a JWE without alg is described as unknown', async () => {
    const item = Buffer.from(
      JSON.stringify({ protected: Buffer.from('{"enc":"A256GCM"}').toString('base64url') }),
    );
    assert.deepEqual(await wrapper.describe(item), [{ alg: 'unknown' }]);
  });
});
