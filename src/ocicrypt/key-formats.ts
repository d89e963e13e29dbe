/** What parsing public and private keys shares: format sniffing, parse errors, private DER probing. */
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { OepError } from '../errors.js';

/** How a key file is encoded, by its first bytes: PEM anywhere in it, a JSON object, or an ASN.1 SEQUENCE. */
export function keyFormat(buf: Buffer, text: string): 'pem' | 'jwk' | 'der' | undefined {
  if (text.includes('-----BEGIN')) return 'pem';
  if (text.trimStart().startsWith('{')) return 'jwk';
  return buf.length > 0 && buf[0] === 0x30 ? 'der' : undefined;
}

export function parseWith<T>(fn: () => T, source: string, what: string): T {
  try {
    return fn();
  } catch {
    throw new OepError('E_KEY', `${source}: cannot parse the ${what}`, {
      hint: 'the key is corrupt or truncated',
    });
  }
}

/** The JWKs of a JWK or JWK set document. */
export function jwksOf(text: string, source: string): Record<string, unknown>[] {
  const doc = parseWith(() => JSON.parse(text) as Record<string, unknown>, source, 'JWK JSON');
  return Array.isArray(doc.keys) ? (doc.keys as Record<string, unknown>[]) : [doc];
}

export function tryPrivateDer(der: Buffer, passphrase?: string): KeyObject | undefined {
  for (const type of ['pkcs8', 'pkcs1', 'sec1'] as const) {
    try {
      return createPrivateKey({ key: der, format: 'der', type, ...(passphrase ? { passphrase } : {}) });
    } catch {
      /* try the next encoding */
    }
  }
  return undefined;
}

/** An encrypted PKCS#8 DER asks for a passphrase: Node reports that distinctly. */
export function tryPrivateDerEncrypted(der: Buffer): boolean {
  try {
    createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
    return false;
  } catch (err) {
    return /passphrase/i.test(String((err as Error).message));
  }
}
