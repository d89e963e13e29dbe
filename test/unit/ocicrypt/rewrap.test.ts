// Rewrapping one encrypted layer (new recipients, same ciphertext) and rekeying it (a fresh key, decrypted and
// encrypted again in one pass), through the engine's layer loop as the pipeline runs it.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { isOepError } from '../../../src/errors.js';
import type { Descriptor } from '../../../src/oci/model.js';
import { parseRecipients, type DecryptionKey, type Recipient } from '../../../src/ocicrypt/keys.js';
import { decryptLayer, describeLayer, encryptLayer } from '../../../src/ocicrypt/layer.js';
import { rewrapLayer } from '../../../src/ocicrypt/rewrap.js';
import { keyPair, sha256, type KeyPair } from '../../helpers/fixtures.js';
import { chunked, runLayer } from './streams.js';

const KEYS_JWE = 'org.opencontainers.image.enc.keys.jwe';
const PUBOPTS = 'org.opencontainers.image.enc.pubopts';
const TAR = 'application/vnd.oci.image.layer.v1.tar';

const alice = keyPair('rsa2048');
const bob = keyPair('p256');
const recipientOf = (p: KeyPair, name: string): Recipient => parseRecipients(p.publicPem, `${name}.pub`)[0]!;
const keyOf = (p: KeyPair, name: string): DecryptionKey => ({ key: p.privateKey, source: `${name}.key` });

const plaintext = randomBytes(70_000);

async function encryptedFor(recipients: Recipient[]): Promise<{ ciphertext: Buffer; desc: Descriptor }> {
  const desc = {
    mediaType: TAR,
    digest: sha256(plaintext),
    size: plaintext.length,
    annotations: { 'my.note': 'x' },
  };
  const { out, desc: enc } = await runLayer(await encryptLayer(desc, recipients), chunked(plaintext, [4096]));
  return { ciphertext: out, desc: enc };
}

async function opens(ciphertext: Buffer, desc: Descriptor, key: DecryptionKey): Promise<boolean> {
  try {
    const { out } = await runLayer(await decryptLayer(desc, [key]), chunked(ciphertext, [9999]));
    assert.ok(out.equals(plaintext), 'decrypted to other bytes');
    return true;
  } catch (err) {
    if (isOepError(err, 'E_DECRYPT')) return false;
    throw err;
  }
}

describe('rewrapLayer', () => {
  test('wraps the same layer key for exactly the new recipients; blob, pubopts and other annotations stay', async () => {
    const { ciphertext, desc } = await encryptedFor([recipientOf(alice, 'alice')]);
    const op = await rewrapLayer(desc, {
      keys: [keyOf(alice, 'alice')],
      recipients: [recipientOf(bob, 'bob')],
      rekey: false,
    });
    assert.deepEqual(op.params, { mode: 'copy' }, 'no byte of the blob changes');
    const out = op.finalize({ digest: desc.digest, size: desc.size });
    assert.equal(out.digest, desc.digest);
    assert.equal(out.mediaType, desc.mediaType);
    assert.equal(out.annotations![PUBOPTS], desc.annotations![PUBOPTS]);
    assert.equal(out.annotations!['my.note'], 'x');
    assert.notEqual(out.annotations![KEYS_JWE], desc.annotations![KEYS_JWE]);
    assert.deepEqual(
      (await describeLayer(out)).protocols.map((p) => [p.scheme, p.recipients.map((r) => r.alg)]),
      [['jwe', ['ECDH-ES+A256KW']]],
    );
    assert.equal(await opens(ciphertext, out, keyOf(bob, 'bob')), true);
    assert.equal(await opens(ciphertext, out, keyOf(alice, 'alice')), false, 'alice was left out');
  });

  test('a key that opens nothing fails before any byte is read (E_DECRYPT naming the layer)', async () => {
    const { desc } = await encryptedFor([recipientOf(alice, 'alice')]);
    await assert.rejects(
      rewrapLayer(desc, { keys: [keyOf(bob, 'bob')], recipients: [recipientOf(bob, 'bob')], rekey: false }),
      (err) => isOepError(err, 'E_DECRYPT') && err.message.includes(desc.digest),
    );
  });

  test('a rekey makes a new blob under a fresh key, in one pass, that only the new recipients open', async () => {
    const { ciphertext, desc } = await encryptedFor([recipientOf(alice, 'alice'), recipientOf(bob, 'bob')]);
    const op = await rewrapLayer(desc, {
      keys: [keyOf(alice, 'alice')],
      recipients: [recipientOf(bob, 'bob')],
      rekey: true,
    });
    assert.equal(op.params.mode, 'rekey');
    const { out, desc: rekeyed } = await runLayer(op, chunked(ciphertext, [1000, 3]));
    assert.equal(out.length, ciphertext.length);
    assert.notEqual(rekeyed.digest, desc.digest);
    assert.equal(rekeyed.digest, sha256(out));
    assert.equal(rekeyed.mediaType, desc.mediaType);
    assert.notEqual(rekeyed.annotations![PUBOPTS], desc.annotations![PUBOPTS], 'a new HMAC');
    assert.equal(rekeyed.annotations!['my.note'], 'x');
    assert.equal(out.indexOf(plaintext.subarray(0, 64)), -1, 'no plaintext in the output');
    assert.equal(await opens(out, rekeyed, keyOf(bob, 'bob')), true);
    assert.equal(await opens(out, rekeyed, keyOf(alice, 'alice')), false);
    // The old layer key opens nothing of the new blob: the wrapped key bob gets is another one.
    const keyIn = async (d: Descriptor, k: DecryptionKey) => {
      const { params } = await decryptLayer(d, [k]);
      assert.equal(params.mode, 'decrypt');
      return Buffer.from(params.key);
    };
    assert.ok(!(await keyIn(rekeyed, keyOf(bob, 'bob'))).equals(await keyIn(desc, keyOf(alice, 'alice'))));
  });

  test('a rekey of tampered ciphertext fails its HMAC check at the end (E_INTEGRITY)', async () => {
    const { ciphertext, desc } = await encryptedFor([recipientOf(alice, 'alice')]);
    const op = await rewrapLayer(desc, {
      keys: [keyOf(alice, 'alice')],
      recipients: [recipientOf(alice, 'alice')],
      rekey: true,
    });
    const bad = Buffer.from(ciphertext);
    bad[12345]! ^= 1;
    await assert.rejects(runLayer(op, chunked(bad, [4096])), (err) => isOepError(err, 'E_INTEGRITY'));
  });
});
