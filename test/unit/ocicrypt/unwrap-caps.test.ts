/**
 * Unwrapping is bounded: a hostile manifest cannot make us try thousands of key items or JWE recipients per
 * layer (each try is an RSA or ECDH operation per key): past the caps it is one clear error, at once.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isOepError } from '../../../src/errors.js';
import type { DecryptionKey, Recipient } from '../../../src/ocicrypt/keys.js';
import { parseRecipients } from '../../../src/ocicrypt/keys.js';
import {
  decryptLayer,
  encryptLayer,
  MAX_KEY_ITEMS,
  MAX_JWE_RECIPIENTS,
} from '../../../src/ocicrypt/layer.js';
import { keyPair, sha256 } from '../../helpers/fixtures.js';
import { chunked, runLayer } from './streams.js';

const KEYS_JWE = 'org.opencontainers.image.enc.keys.jwe';
const GZIP = 'application/vnd.oci.image.layer.v1.tar+gzip';
const kp = keyPair('p256');
const recipient: Recipient = parseRecipients(kp.publicPem, 'a.pub')[0]!;
const key: DecryptionKey = { key: kp.privateKey, source: 'a.key' };

async function encryptedDesc() {
  const plaintext = Buffer.from('layer');
  const enc = await encryptLayer({ mediaType: GZIP, digest: sha256(plaintext), size: plaintext.length }, [
    recipient,
  ]);
  return (await runLayer(enc, chunked(plaintext, [5]))).desc;
}

describe('unwrap caps', () => {
  test(`more than ${MAX_KEY_ITEMS} comma-joined key items: refused, naming the layer`, async () => {
    const desc = await encryptedDesc();
    const item = desc.annotations![KEYS_JWE]!;
    const many = {
      ...desc,
      annotations: {
        ...desc.annotations,
        [KEYS_JWE]: Array(MAX_KEY_ITEMS + 1)
          .fill(item)
          .join(','),
      },
    };
    await assert.rejects(
      decryptLayer(many, [key]),
      (e) => isOepError(e, 'E_MANIFEST') && e.message.includes(desc.digest),
    );
  });

  test(`a JWE item listing more than ${MAX_JWE_RECIPIENTS} recipients: refused`, async () => {
    const desc = await encryptedDesc();
    const recipients = Array.from({ length: MAX_JWE_RECIPIENTS + 1 }, () => ({
      header: { alg: 'ECDH-ES+A256KW' },
      encrypted_key: 'AA',
    }));
    const jwe = { protected: 'e30', iv: 'AA', ciphertext: 'AA', tag: 'AA', recipients };
    const hostile = {
      ...desc,
      annotations: { ...desc.annotations, [KEYS_JWE]: Buffer.from(JSON.stringify(jwe)).toString('base64') },
    };
    await assert.rejects(decryptLayer(hostile, [key]), (e) => isOepError(e) && /at most/.test(e.message));
  });

  test('within the caps, a layer still opens', async () => {
    const desc = await encryptedDesc();
    const item = desc.annotations![KEYS_JWE]!;
    const two = { ...desc, annotations: { ...desc.annotations, [KEYS_JWE]: `${item},${item}` } };
    const op = await decryptLayer(two, [key]);
    assert.equal(op.params.mode, 'decrypt');
  });
});
