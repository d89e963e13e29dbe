/**
 * Fuzz: key files and secrets (src/ocicrypt/keys.ts): PEM splitting, public keys for recipients, private keys
 * for decryption. Inputs: valid PEM/DER/JWK/certificates (made at run time) and mutations of them, and random
 * text full of BEGIN/END fragments.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import fc from 'fast-check';
import { parseDecryptionKeys, parseRecipients } from '../../src/ocicrypt/keys.js';
import { pemBlocks } from '../../src/ocicrypt/pem.js';
import { keyPair, tempDir } from '../helpers/fixtures.js';
import { deepJson, fuzz, mutatedBytes, mutatedJson, mutatedString, parsesOrTyped } from './support.js';

const texts: string[] = [];
const ders: Buffer[] = [];
const jwks: unknown[] = [];

before(() => {
  const dir = tempDir('oep-fuzz-keys-');
  for (const kind of ['p256', 'rsa2048', 'ed25519', 'secp256k1'] as const) {
    const kp = keyPair(kind);
    texts.push(kp.publicPem, kp.privatePem);
    ders.push(
      kp.publicKey.export({ type: 'spki', format: 'der' }),
      kp.privateKey.export({ type: 'pkcs8', format: 'der' }),
    );
    jwks.push(kp.publicKey.export({ format: 'jwk' }), kp.privateKey.export({ format: 'jwk' }));
    if (kind === 'rsa2048') {
      texts.push(kp.publicKey.export({ type: 'pkcs1', format: 'pem' }) as string);
      texts.push(kp.privateKey.export({ type: 'pkcs1', format: 'pem' }) as string);
      ders.push(kp.publicKey.export({ type: 'pkcs1', format: 'der' }));
    }
    if (kind === 'p256') {
      texts.push(kp.privateKey.export({ type: 'sec1', format: 'pem' }) as string);
      texts.push(
        kp.privateKey.export({
          type: 'pkcs8',
          format: 'pem',
          cipher: 'aes-256-cbc',
          passphrase: 'pw',
        }) as string,
      );
      // A certificate, when openssl is there (the interop peers install it).
      try {
        const key = join(dir, 'k.pem');
        writeFileSync(key, kp.privatePem);
        const cert = join(dir, 'c.pem');
        execFileSync(
          'openssl',
          ['req', '-x509', '-new', '-key', key, '-subj', '/CN=x', '-days', '1', '-out', cert],
          {
            stdio: 'ignore',
          },
        );
        texts.push(readFileSync(cert, 'utf8'));
        ders.push(Buffer.from(texts.at(-1)!.replace(/-----[^-]+-----|\s/g, ''), 'base64'));
      } catch {
        /* no openssl: no certificate samples */
      }
    }
  }
  texts.push(
    texts.slice(0, 3).join('\n'),
    '-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n',
  );
});

const pick = <T>(xs: () => T[]) => fc.nat().map((i) => xs()[i % xs().length]!);
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=\n';
const fragment = fc.constantFrom(
  '-----BEGIN PUBLIC KEY-----\n',
  '-----END PUBLIC KEY-----',
  '-----BEGIN PRIVATE KEY-----\r\n',
  '-----END PRIVATE KEY-----\n',
  '-----BEGIN CERTIFICATE-----\n',
  '-----END CERTIFICATE-----',
  '-----BEGIN ENCRYPTED PRIVATE KEY-----\n',
  '-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n',
  '-----BEGIN -----\n',
  '-----BEGIN X-----\n-----END X-----',
  'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA',
  '{"kty":"EC"}',
  '\n',
);

/** Key material as bytes: valid, text-mutated, byte-mutated, JWK-mutated, random fragments. */
const keyInput = fc
  .oneof(
    pick(() => texts).map((t) => Buffer.from(t)),
    mutatedString(
      pick(() => texts),
      B64 + '-',
    ),
    mutatedBytes(pick(() => ders)),
    pick(() => ders),
    mutatedJson(pick(() => jwks)).map((j) => Buffer.from(JSON.stringify(j) ?? '')),
    fc
      .tuple(
        pick(() => jwks),
        fc.array(
          pick(() => jwks),
          { maxLength: 2 },
        ),
      )
      .map(([a, more]) => Buffer.from(JSON.stringify({ keys: [a, ...more, null, 1] }))),
    fc.array(fc.oneof(fragment, fc.string({ maxLength: 30 })), { maxLength: 8 }).map((p) => p.join('')),
    fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
    fc
      .tuple(
        fc.constantFrom('{"kty":"OKP","crv":', '{"kty":"EC","crv":"P-256","x":1,"alg":'),
        fc.integer({ min: 1, max: 20000 }),
      )
      .map(([head, n]) => Buffer.from(`${head}${deepJson(n)}}`)),
  )
  .map((x) => (typeof x === 'string' ? Buffer.from(x) : x));

describe('fuzz: keys', () => {
  it('pemBlocks splits any text into well-formed blocks, quickly', () => {
    const text = fc.oneof(
      fc.array(fc.oneof(fragment, fc.string({ maxLength: 20 })), { maxLength: 20 }).map((p) => p.join('')),
      fc.tuple(fragment, fc.integer({ min: 1, max: 30000 })).map(([f, n]) => f.repeat(n)),
    );
    fuzz('keys.pemBlocks', [text], (t) => {
      parsesOrTyped(
        () => pemBlocks(t, 'fuzz.pem'),
        (blocks) => {
          for (const [i, b] of blocks.entries()) {
            assert.match(b.label, /^[A-Z0-9 ]+$/);
            assert.equal(b.number, i + 1);
            assert.ok(b.text.startsWith(`-----BEGIN ${b.label}-----\n`));
            assert.ok(b.text.endsWith(`-----END ${b.label}-----\n`));
          }
        },
      );
    });
  });

  it('parseRecipients: usable public keys, or E_KEY', () => {
    fuzz(
      'keys.parseRecipients',
      [keyInput],
      (b) => {
        parsesOrTyped(
          () => parseRecipients(b, 'fuzz'),
          (rs) => {
            assert.ok(rs.length > 0);
            for (const r of rs) {
              assert.equal(r.key.type, 'public');
              assert.match(r.fingerprint, /^[0-9a-f]{64}$/);
              assert.ok(
                ['RSA-OAEP', 'RSA-OAEP-256', 'ECDH-ES+A128KW', 'ECDH-ES+A192KW', 'ECDH-ES+A256KW'].includes(
                  r.alg,
                ),
              );
            }
          },
          ['E_KEY'],
        );
      },
      0.3,
    );
  });

  it('parseDecryptionKeys: private keys (or certificates, to pair with one for pkcs7), or E_KEY', () => {
    fuzz(
      'keys.parseDecryptionKeys',
      [keyInput, fc.option(fc.constantFrom('pw', 'wrong'), { nil: undefined })],
      (b, pw) => {
        parsesOrTyped(
          () => parseDecryptionKeys(b, 'fuzz', pw),
          (ks) => {
            assert.ok(ks.length > 0);
            // A certificate on its own stands for its private key given elsewhere (skopeo's --decryption-key cert).
            for (const k of ks) assert.ok(k.key.type === 'private' || k.certificate !== undefined);
          },
          ['E_KEY'],
        );
      },
      0.3,
    );
  });
});
