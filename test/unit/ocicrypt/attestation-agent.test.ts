import { createDecipheriv, createSecretKey, randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isOepError } from '../../../src/errors.js';
import type { Descriptor } from '../../../src/oci/model.js';
import {
  AttestationAgentKeyWrapper,
  assertCocoMediaType,
  kekDecryptionKey,
  kekRecipient,
  sealAnnotationPacket,
} from '../../../src/ocicrypt/keywrap/attestation-agent.js';
import { JweKeyWrapper } from '../../../src/ocicrypt/keywrap/jwe.js';
import { decryptLayer, describeLayer, encryptLayer } from '../../../src/ocicrypt/layer.js';
import { decodePrivateOptions } from '../../../src/ocicrypt/options.js';
import { keyPair, sha256 } from '../../helpers/fixtures.js';
import { chunked, runLayer } from './streams.js';

const ANNOTATION = 'org.opencontainers.image.enc.keys.provider.attestation-agent';
const STD_B64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const KID = 'kbs:///default/image-kek/app';
const WRAPPERS = [new JweKeyWrapper(), new AttestationAgentKeyWrapper()];

// Known answer, computed with Python's `cryptography` AESGCM (not node): KEK 00..1f, IV a0..ab, this plaintext.
const KAT = {
  kek: Buffer.from(Array.from({ length: 32 }, (_, i) => i)),
  iv: Buffer.from(Array.from({ length: 12 }, (_, i) => 0xa0 + i)),
  plaintext:
    '{"symkey":"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=","digest":"sha256:' +
    '0'.repeat(64) +
    '","cipheroptions":{"nonce":"AAAAAAAAAAAAAAAAAAAAAA=="}}',
  wrapped:
    'nToPVCigZ8ZAX6WSRj+Dnwf9H1L11AsvzWFqwj6bOkWqNxW6x28Gew3FXI9LEeK+P2wiAAroJ1xtfG83wxX2xJaGpxxYxNbVwtjPKL/+/' +
    'Ir9O5uU9fGpSt5FDqqBqn2kv7QbmzOev6uu6zZgtbjdGBRgUZ7uBasMH//ulIRlwn31IYBP43KwJwdp3KcwKfim4LzfBM6kk+OTvp/' +
    'P1OVaRKh7epOMSAFXw0tqYy6T96A2Z7zZQyfvf8PDN3hhvz0qSSBBSoAmtIYO3wySymt6x9A=',
  iv64: 'oKGio6Slpqeoqaqr',
};

/** An independent reader of the packet: the format alone, node's AES-GCM, none of our unwrap code. */
function openPacket(b64item: string, kek: Buffer): { packet: Record<string, string>; plaintext: Buffer } {
  assert.match(b64item, STD_B64);
  const packet = JSON.parse(Buffer.from(b64item, 'base64').toString('utf8')) as Record<string, string>;
  assert.deepEqual(Object.keys(packet), ['kid', 'wrapped_data', 'iv', 'wrap_type']);
  assert.equal(packet.wrap_type, 'A256GCM');
  assert.match(packet.iv!, STD_B64);
  assert.match(packet.wrapped_data!, STD_B64);
  const iv = Buffer.from(packet.iv!, 'base64');
  assert.equal(iv.length, 12);
  const sealed = Buffer.from(packet.wrapped_data!, 'base64');
  const d = createDecipheriv('aes-256-gcm', kek, iv);
  d.setAuthTag(sealed.subarray(sealed.length - 16));
  return { packet, plaintext: Buffer.concat([d.update(sealed.subarray(0, sealed.length - 16)), d.final()]) };
}

function layer(data: Buffer, mediaType = 'application/vnd.oci.image.layer.v1.tar+gzip'): Descriptor {
  return { mediaType, digest: sha256(data), size: data.length };
}

/** What an OepError must carry (node's assert matches the fields, a RegExp against the message). */
const oepError = (code: string, message: RegExp) => ({ name: 'OepError', code, message });

describe('attestation-agent packet', () => {
  test('known answer: fixed KEK and IV give the exact JSON coco_keyprovider writes', () => {
    const out = sealAnnotationPacket(createSecretKey(KAT.kek), KID, Buffer.from(KAT.plaintext), KAT.iv);
    assert.equal(
      out.toString('utf8'),
      `{"kid":"${KID}","wrapped_data":"${KAT.wrapped}","iv":"${KAT.iv64}","wrap_type":"A256GCM"}`,
    );
    assert.equal(Buffer.from(KAT.wrapped, 'base64').length, KAT.plaintext.length + 16, 'tag appended');
  });

  test('known answer opens with our unwrap; describe shows kid and wrap type', async () => {
    const item = Buffer.from(
      JSON.stringify({ kid: KID, wrapped_data: KAT.wrapped, iv: KAT.iv64, wrap_type: 'A256GCM' }),
    );
    const w = new AttestationAgentKeyWrapper();
    const got = await w.unwrap([kekDecryptionKey(KAT.kek, 'kek')], item);
    assert.equal(Buffer.from(got!).toString('utf8'), KAT.plaintext);
    assert.deepEqual(await w.describe(item), [{ alg: 'A256GCM', kid: KID }]);
  });

  test('malformed packets are E_OPTIONS, a wrong KEK is no match', async () => {
    const w = new AttestationAgentKeyWrapper();
    const key = [kekDecryptionKey(KAT.kek, 'kek')];
    const bad = (o: unknown) => Buffer.from(JSON.stringify(o));
    const base = { kid: KID, wrapped_data: KAT.wrapped, iv: KAT.iv64, wrap_type: 'A256GCM' };
    await assert.rejects(w.unwrap(key, Buffer.from('nope')), oepError('E_OPTIONS', /not JSON/));
    await assert.rejects(w.unwrap(key, bad({ ...base, iv: 1 })), oepError('E_OPTIONS', /"iv"/));
    await assert.rejects(
      w.unwrap(key, bad({ ...base, wrap_type: 'A256CTR' })),
      oepError('E_OPTIONS', /A256CTR/),
    );
    await assert.rejects(w.unwrap(key, bad({ ...base, iv: 'AAAA' })), oepError('E_OPTIONS', /12 bytes/));
    await assert.rejects(
      w.unwrap(key, bad({ ...base, iv: 'oKGio6Slpqeoqaqr-' })),
      oepError('E_OPTIONS', /base64/),
    );
    assert.equal(await w.unwrap([kekDecryptionKey(randomBytes(32), 'other')], bad(base)), undefined);
    assert.equal(await w.unwrap([{ key: keyPair('p256').privateKey, source: 'ec' }], bad(base)), undefined);
  });

  test('a KEK must be 32 bytes; a public key is no recipient; the error shows no key bytes', () => {
    const kek = Buffer.alloc(31, 0x41);
    assert.throws(
      () => kekRecipient(kek, KID, 'kek.bin'),
      (err: unknown) => {
        assert.ok(isOepError(err, 'E_KEY'));
        assert.match(err.message, /kek\.bin.*32 raw bytes.*31/);
        assert.ok(!err.describe().includes('AAAA') && !err.describe().includes('41'.repeat(4)));
        return true;
      },
    );
    const pk = { key: keyPair('p256').publicKey, source: 'a.pub' };
    assert.throws(() => new AttestationAgentKeyWrapper().recipient(pk), oepError('E_KEY', /a\.pub/));
  });
});

describe('attestation-agent through the layer engine', () => {
  const kek = randomBytes(32);

  test('round trip, with the annotation checked by the independent reader', async () => {
    const plaintext = randomBytes(9000);
    const src = layer(plaintext);
    const r = kekRecipient(kek, KID, 'kek.bin');
    assert.ok(!JSON.stringify({ ...r, key: undefined }).includes(kek.toString('hex')));
    const enc = await runLayer(await encryptLayer(src, [r], WRAPPERS), chunked(plaintext, [1000]));
    const item = enc.desc.annotations![ANNOTATION]!;
    assert.equal(enc.desc.annotations!['org.opencontainers.image.enc.keys.jwe'], undefined);
    const { packet, plaintext: priv } = openPacket(item, kek);
    assert.equal(packet.kid, KID);
    assert.equal(decodePrivateOptions(priv).digest, src.digest);
    assert.deepEqual((await describeLayer(enc.desc, WRAPPERS)).protocols, [
      {
        scheme: 'provider.attestation-agent',
        provider: 'attestation-agent',
        items: 1,
        recipients: [{ alg: 'A256GCM', kid: KID }],
      },
    ]);
    const keys = [{ key: keyPair('rsa2048').privateKey, source: 'rsa' }, kekDecryptionKey(kek, 'kek.bin')];
    const dec = await runLayer(await decryptLayer(enc.desc, keys, WRAPPERS), chunked(enc.out, [777]));
    assert.ok(dec.out.equals(plaintext));
    assert.equal(dec.desc.annotations, undefined);
  });

  test('a second encryption of the same layer uses a fresh IV', async () => {
    const w = new AttestationAgentKeyWrapper();
    const r = kekRecipient(kek, KID, 'kek.bin');
    const a = JSON.parse(Buffer.from((await w.wrap([r], Buffer.from('x')))!).toString()) as { iv: string };
    const b = JSON.parse(Buffer.from((await w.wrap([r], Buffer.from('x')))!).toString()) as { iv: string };
    assert.notEqual(a.iv, b.iv);
  });

  test('a wrong KEK is refused with E_DECRYPT', async () => {
    const plaintext = randomBytes(100);
    const enc = await runLayer(
      await encryptLayer(layer(plaintext), [kekRecipient(kek, KID, 'kek.bin')], WRAPPERS),
      [plaintext],
    );
    await assert.rejects(
      decryptLayer(enc.desc, [kekDecryptionKey(randomBytes(32), 'other.bin')], WRAPPERS),
      oepError('E_DECRYPT', /none of the given keys opens layer/),
    );
  });

  test('two attestation-agent recipients are refused: one packet per layer', async () => {
    const rs = [kekRecipient(kek, KID, 'a'), kekRecipient(randomBytes(32), KID, 'b')];
    await assert.rejects(
      encryptLayer(layer(Buffer.from('x')), rs, WRAPPERS),
      oepError('E_USAGE', /2 attestation/),
    );
  });
});

describe('assertCocoMediaType', () => {
  test('tar and tar+gzip (OCI or docker) pass; zstd and others are refused by name', () => {
    for (const mt of [
      'application/vnd.oci.image.layer.v1.tar',
      'application/vnd.oci.image.layer.v1.tar+gzip',
      'application/vnd.docker.image.rootfs.diff.tar.gzip',
    ])
      assertCocoMediaType(mt, 'layer 1');
    assert.throws(
      () => assertCocoMediaType('application/vnd.oci.image.layer.v1.tar+zstd', 'layer 2 (sha256:ab)'),
      (err: unknown) => {
        assert.ok(isOepError(err, 'E_UNSUPPORTED'));
        assert.match(err.message, /layer 2 \(sha256:ab\) is .*tar\+zstd.*image-rs.*tar\+gzip and tar/);
        assert.match(err.hint!, /gzip/);
        return true;
      },
    );
    assert.throws(
      () => assertCocoMediaType('application/vnd.oci.image.layer.nondistributable.v1.tar+gzip', 'layer 3'),
      oepError('E_UNSUPPORTED', /layer 3/),
    );
  });
});
