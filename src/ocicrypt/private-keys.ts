/**
 * Parsing the private keys users decrypt with: PKCS#8 (plain or encrypted), PKCS#1, SEC1, legacy encrypted PEM,
 * JWK, DER. Every refusal names the key's source and says what to give instead; key material never appears in
 * a message.
 */
import { createPrivateKey, createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import { OepError } from '../errors.js';
import type { ProviderSpec } from './recipient.js';
import * as formats from './key-formats.js';
import { blockName, pemBlocks, type PemBlock } from './pem.js';

export interface DecryptionKey {
  /**
   * The private key; for a certificate given on its own, the certificate's public key until it is paired;
   * absent for a key provider (`--key provider:NAME[:PARAMS]`).
   */
  key?: KeyObject;
  source: string;
  /** The key's DER X.509 certificate, when given (pkcs7 opens the recipient with its issuer and serial). */
  certificate?: Uint8Array;
  provider?: ProviderSpec;
}

function certificateEntry(data: string | Buffer, source: string): PrivateDecryptionKey {
  const cert = new X509Certificate(data);
  return { key: cert.publicKey, source, certificate: new Uint8Array(cert.raw) };
}

/** A decryption key that is a private key (every protocol but the key providers). */
export type PrivateDecryptionKey = DecryptionKey & { key: KeyObject };

function wrongPassphrase(source: string, given: boolean): OepError {
  return given
    ? new OepError('E_KEY', `${source}: the passphrase does not open this private key`, {
        hint: 'check the passphrase given after the key path',
      })
    : new OepError('E_KEY', `${source} is encrypted and needs a passphrase`, {
        hint: 'give it as FILE:PASSPHRASE, FILE:file=PWFILE or FILE:env=VAR',
      });
}

/**
 * One block of a decryption key file: a private key, or a block that may ride along with one (its certificate,
 * public key or EC parameters), which must still parse: all or nothing, so nothing is silently skipped.
 */
function privateKeyFromPem(
  b: PemBlock,
  where: string,
  passphrase?: string,
): PrivateDecryptionKey | KeyObject | undefined {
  switch (b.label) {
    case 'CERTIFICATE':
      return formats.parseWith(() => certificateEntry(b.text, where), where, b.label);
    case 'PUBLIC KEY':
    case 'RSA PUBLIC KEY':
      formats.parseWith(() => createPublicKey(b.text), where, b.label);
      return undefined;
    case 'EC PARAMETERS':
      return undefined;
  }
  if (!b.label.includes('PRIVATE KEY')) {
    throw new OepError('E_KEY', `${where}: a PEM block "${b.label}" is not a key`, {
      hint: 'give a private key (PKCS#8, PKCS#1 or SEC1 PEM), optionally with its certificate',
    });
  }
  const encrypted = b.label === 'ENCRYPTED PRIVATE KEY' || b.headers;
  if (encrypted && !passphrase) throw wrongPassphrase(where, false);
  try {
    return createPrivateKey({ key: b.text, format: 'pem', ...(passphrase ? { passphrase } : {}) });
  } catch {
    if (encrypted) throw wrongPassphrase(where, true);
    throw new OepError('E_KEY', `${where}: cannot parse the ${b.label}`, {
      hint: 'the key is corrupt or truncated',
    });
  }
}

/** Private keys for decryption: PKCS#8 (plain or encrypted), PKCS#1, SEC1, legacy encrypted PEM, JWK, DER. */
export function parseDecryptionKeys(
  data: Uint8Array,
  source: string,
  passphrase?: string,
): PrivateDecryptionKey[] {
  const buf = Buffer.from(data);
  const text = buf.toString('utf8');
  const keys: KeyObject[] = [];
  const certificates: PrivateDecryptionKey[] = [];
  const format = formats.keyFormat(buf, text);
  if (format === 'pem') {
    const blocks = pemBlocks(text, source);
    for (const b of blocks) {
      const where = blocks.length > 1 ? blockName(source, b.number) : source;
      const k = privateKeyFromPem(b, where, passphrase);
      if (k && 'source' in k) certificates.push(k);
      else if (k) keys.push(k);
    }
  } else if (format === 'jwk') {
    for (const jwk of formats.jwksOf(text, source)) {
      if (typeof jwk === 'object' && jwk !== null && 'd' in jwk) {
        keys.push(
          formats.parseWith(() => createPrivateKey({ key: jwk as never, format: 'jwk' }), source, 'JWK'),
        );
      }
    }
  } else if (format === 'der') {
    const k = formats.tryPrivateDer(buf, passphrase);
    if (k) keys.push(k);
    else if (formats.tryPrivateDerEncrypted(buf)) throw wrongPassphrase(source, Boolean(passphrase));
    else certificates.push(...tryCertificateDer(buf, source));
  }
  if (keys.length === 0 && certificates.length === 0) {
    // A public key where the private one belongs is the usual mix-up: say so rather than "no private key".
    const pub = publicKeyIn(buf, text, format) ? ': it is a public key' : '';
    throw new OepError('E_KEY', `${source} holds no private key${pub}`, {
      hint: 'decryption needs the private key (PKCS#8, PKCS#1 or SEC1 PEM/DER, or a JWK with "d")',
    });
  }
  return [...keys.map((key) => ({ key, source })), ...certificates];
}

/** Whether key data that holds no private key holds a public key (PEM block, JWK without "d", DER SPKI). */
function publicKeyIn(buf: Buffer, text: string, format: ReturnType<typeof formats.keyFormat>): boolean {
  if (format === 'pem') return /-----BEGIN (?:RSA )?PUBLIC KEY-----/.test(text);
  if (format === 'jwk') return /"kty"/.test(text);
  if (format !== 'der') return false;
  try {
    createPublicKey({ key: buf, format: 'der', type: 'spki' });
    return true;
  } catch {
    return false;
  }
}

function tryCertificateDer(der: Buffer, source: string): PrivateDecryptionKey[] {
  try {
    return [certificateEntry(der, source)];
  } catch {
    return [];
  }
}

/**
 * Certificates given as decryption keys (skopeo's `--decryption-key cert.pem`) join the private key they
 * certify, whichever key file holds it; a certificate whose private key is not given is refused by name.
 */
export function pairCertificates(entries: readonly DecryptionKey[]): DecryptionKey[] {
  const spki = (k: KeyObject): Buffer =>
    (k.type === 'private' ? createPublicKey(k) : k).export({ type: 'spki', format: 'der' });
  // Key providers (no key) pass through; a certificate alone carries its public key.
  const isCertificate = (e: DecryptionKey): e is PrivateDecryptionKey =>
    e.key !== undefined && e.key.type !== 'private' && Boolean(e.certificate);
  const keys = entries.filter((e) => !isCertificate(e)).map((e) => ({ ...e }));
  for (const c of entries.filter(isCertificate)) {
    const own = keys.find((k) => k.key?.type === 'private' && spki(k.key).equals(spki(c.key)));
    if (!own) {
      throw new OepError(
        'E_KEY',
        `${c.source} is a certificate, and none of the keys given is its private key`,
        {
          hint: 'pkcs7 decryption takes the private key and its certificate: give both as keys (--key KEY --key CERT)',
        },
      );
    }
    own.certificate ??= c.certificate;
  }
  return keys;
}
