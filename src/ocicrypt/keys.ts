/**
 * Parsing the keys users hand us. Recipients (public keys) for encryption; private keys for decryption.
 * Every refusal names the key's source and says what to give instead. Key material never appears in a message.
 */
import { createHash, createPrivateKey, createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import { OepError, quote } from '../errors.js';
import { blockName, pemBlocks, type PemBlock } from './pem.js';

export type KeyAlgorithm =
  'RSA-OAEP' | 'RSA-OAEP-256' | 'ECDH-ES+A128KW' | 'ECDH-ES+A192KW' | 'ECDH-ES+A256KW';

export interface Recipient {
  /** The key-wrapping protocol ("jwe"); pkcs7 and provider recipients plug in later. */
  scheme: 'jwe';
  key: KeyObject;
  alg: KeyAlgorithm;
  kid?: string;
  /** Where the key came from, for messages and reports ("keys/alice.pem", "public-keys block 2"). */
  source: string;
  /** "RSA-4096" or "EC-P-256". */
  type: string;
  /** sha256 of the SubjectPublicKeyInfo DER, hex: safe to print, identifies the key. */
  fingerprint: string;
}

export interface DecryptionKey {
  key: KeyObject;
  source: string;
}

const CURVES: Record<string, string> = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' };
const RSA_ALGS = new Set<KeyAlgorithm>(['RSA-OAEP', 'RSA-OAEP-256']);
const EC_ALGS = new Set<KeyAlgorithm>(['ECDH-ES+A128KW', 'ECDH-ES+A192KW', 'ECDH-ES+A256KW']);
const MIN_RSA_BITS = 2048;

function looksLikeJson(text: string): boolean {
  return text.trimStart().startsWith('{');
}

export function fingerprint(key: KeyObject): string {
  return createHash('sha256')
    .update(key.export({ type: 'spki', format: 'der' }))
    .digest('hex');
}

function privateKeyGiven(source: string): OepError {
  return new OepError('E_KEY', `${source} is a private key, but a recipient needs a public key`, {
    hint: 'give the public half (openssl pkey -in key.pem -pubout) and keep the private key out of the build',
  });
}

/** Check a public key is one ocicrypt (go-jose) can wrap to, and pick its algorithm. */
function toRecipient(key: KeyObject, source: string, jwkAlg?: unknown, kid?: unknown): Recipient {
  const type = key.asymmetricKeyType;
  let alg: KeyAlgorithm;
  let desc: string;
  if (type === 'rsa') {
    const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    if (bits < MIN_RSA_BITS) {
      throw new OepError(
        'E_KEY',
        `${source} is a ${bits}-bit RSA key; at least ${MIN_RSA_BITS} bits are required`,
        {
          hint: 'generate a new key: openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:4096',
        },
      );
    }
    alg = 'RSA-OAEP';
    desc = `RSA-${bits}`;
    if (jwkAlg !== undefined) {
      if (!RSA_ALGS.has(jwkAlg as KeyAlgorithm)) {
        throw new OepError('E_KEY', `${source}: JWK alg ${quote(jwkAlg)} cannot wrap layer keys`, {
          hint: 'use RSA-OAEP or RSA-OAEP-256 for RSA keys',
        });
      }
      alg = jwkAlg as KeyAlgorithm;
    }
  } else if (type === 'ec') {
    const curve = CURVES[key.asymmetricKeyDetails?.namedCurve ?? ''];
    if (!curve) {
      throw new OepError(
        'E_KEY',
        `${source} is on curve ${key.asymmetricKeyDetails?.namedCurve}, which ocicrypt cannot use`,
        {
          hint: 'use an EC key on P-256, P-384 or P-521, or an RSA key',
        },
      );
    }
    alg = 'ECDH-ES+A256KW';
    desc = `EC-${curve}`;
    if (jwkAlg !== undefined) {
      if (!EC_ALGS.has(jwkAlg as KeyAlgorithm)) {
        throw new OepError('E_KEY', `${source}: JWK alg ${quote(jwkAlg)} cannot wrap layer keys`, {
          hint: 'use ECDH-ES+A256KW for EC keys',
        });
      }
      alg = jwkAlg as KeyAlgorithm;
    }
  } else {
    throw new OepError(
      'E_KEY',
      `${source} is a ${type ?? 'unknown'} key, which ocicrypt (go-jose) cannot wrap to`,
      {
        hint: 'use an RSA (2048 bits or more) or EC P-256/P-384/P-521 public key',
      },
    );
  }
  const r: Recipient = { scheme: 'jwe', key, alg, source, type: desc, fingerprint: fingerprint(key) };
  if (typeof kid === 'string' && kid !== '') r.kid = kid;
  return r;
}

/** One block as a recipient; `where` names the block in messages. EC PARAMETERS carry no key: undefined. */
function recipientFromPem(block: PemBlock, where: string): Recipient | undefined {
  switch (block.label) {
    case 'PUBLIC KEY':
    case 'RSA PUBLIC KEY':
      return toRecipient(
        parseWith(() => createPublicKey(block.text), where, block.label),
        where,
      );
    case 'CERTIFICATE': {
      // publicKey decodes the key lazily: a corrupt one throws there, not in the constructor.
      return toRecipient(
        parseWith(() => new X509Certificate(block.text).publicKey, where, block.label),
        where,
      );
    }
    case 'EC PARAMETERS':
      return undefined; // openssl ecparam writes these before a key; they carry no key
    default:
      if (block.label.includes('PRIVATE KEY')) throw privateKeyGiven(where);
      throw new OepError('E_KEY', `${where}: a PEM block "${block.label}" is not a public key`, {
        hint: 'give PUBLIC KEY, RSA PUBLIC KEY or CERTIFICATE PEM blocks, a JWK, or DER',
      });
  }
}

/**
 * Every block must give a recipient (or be EC PARAMETERS): one that does not is an error naming its number,
 * never a recipient silently left out. A key (and its errors) is named by its block when there are several.
 */
function recipientsFromPem(text: string, source: string): Recipient[] {
  const blocks = pemBlocks(text, source);
  return blocks.flatMap((b) => {
    const r = recipientFromPem(b, blocks.length > 1 ? blockName(source, b.number) : source);
    return r ? [r] : [];
  });
}

function parseWith<T>(fn: () => T, source: string, what: string): T {
  try {
    return fn();
  } catch {
    throw new OepError('E_KEY', `${source}: cannot parse the ${what}`, {
      hint: 'the key is corrupt or truncated',
    });
  }
}

function recipientFromJwk(text: string, source: string): Recipient[] {
  const doc = parseWith(() => JSON.parse(text) as Record<string, unknown>, source, 'JWK JSON');
  const jwks = Array.isArray(doc.keys) ? (doc.keys as Record<string, unknown>[]) : [doc];
  return jwks.map((jwk, i) => {
    const where = jwks.length > 1 ? `${source} key ${i + 1}` : source;
    if (typeof jwk !== 'object' || jwk === null) throw new OepError('E_KEY', `${where} is not a JWK`);
    if ('d' in jwk) throw privateKeyGiven(where);
    if (jwk.kty === 'OKP') {
      throw new OepError(
        'E_KEY',
        `${where} is an ${typeof jwk.crv === 'string' ? jwk.crv : quote(jwk.crv)} key, which ocicrypt (go-jose) cannot wrap to`,
        {
          hint: 'use an RSA (2048 bits or more) or EC P-256/P-384/P-521 public key',
        },
      );
    }
    const key = parseWith(() => createPublicKey({ key: jwk as never, format: 'jwk' }), where, 'JWK');
    return toRecipient(key, where, jwk.alg, jwk.kid);
  });
}

function recipientFromDer(der: Buffer, source: string): Recipient {
  // Private keys first: createPublicKey derives the public half from a PKCS#1 or PKCS#8 private DER.
  if (tryPrivateDer(der)) throw privateKeyGiven(source);
  for (const type of ['spki', 'pkcs1'] as const) {
    try {
      return toRecipient(createPublicKey({ key: der, format: 'der', type }), source);
    } catch (err) {
      if (err instanceof OepError) throw err;
    }
  }
  try {
    return toRecipient(new X509Certificate(der).publicKey, source);
  } catch (err) {
    if (err instanceof OepError) throw err;
  }
  if (tryPrivateDerEncrypted(der)) throw privateKeyGiven(source);
  throw new OepError('E_KEY', `${source} is not a public key`, {
    hint: 'give a PEM or DER public key (SPKI or PKCS#1), an X.509 certificate, or a JWK',
  });
}

/**
 * All recipients in one file or secret. Several PEM blocks (or a JWK set) are several recipients, so a secret
 * holding the team's keys works as one input.
 */
export function parseRecipients(data: Uint8Array | string, source: string): Recipient[] {
  const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data);
  const text = buf.toString('utf8');
  let out: Recipient[];
  if (text.includes('-----BEGIN')) {
    out = recipientsFromPem(text, source);
  } else if (looksLikeJson(text)) {
    out = recipientFromJwk(text, source);
  } else if (buf.length > 0 && buf[0] === 0x30) {
    out = [recipientFromDer(buf, source)];
  } else {
    out = [];
  }
  if (out.length === 0) {
    throw new OepError('E_KEY', `${source} holds no public key`, {
      hint: 'give a PEM or DER public key, an X.509 certificate, or a JWK',
    });
  }
  return out;
}

function tryPrivateDer(der: Buffer, passphrase?: string): KeyObject | undefined {
  for (const type of ['pkcs8', 'pkcs1', 'sec1'] as const) {
    try {
      return createPrivateKey({ key: der, format: 'der', type, ...(passphrase ? { passphrase } : {}) });
    } catch {
      /* try the next encoding */
    }
  }
  return undefined;
}

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
function privateKeyFromPem(b: PemBlock, where: string, passphrase?: string): KeyObject | undefined {
  switch (b.label) {
    case 'CERTIFICATE':
      parseWith(() => new X509Certificate(b.text), where, b.label);
      return undefined;
    case 'PUBLIC KEY':
    case 'RSA PUBLIC KEY':
      parseWith(() => createPublicKey(b.text), where, b.label);
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
export function parseDecryptionKeys(data: Uint8Array, source: string, passphrase?: string): DecryptionKey[] {
  const buf = Buffer.from(data);
  const text = buf.toString('utf8');
  const keys: KeyObject[] = [];
  if (text.includes('-----BEGIN')) {
    const blocks = pemBlocks(text, source);
    for (const b of blocks) {
      const where = blocks.length > 1 ? blockName(source, b.number) : source;
      const k = privateKeyFromPem(b, where, passphrase);
      if (k) keys.push(k);
    }
  } else if (looksLikeJson(text)) {
    const doc = parseWith(() => JSON.parse(text) as Record<string, unknown>, source, 'JWK JSON');
    const jwks = Array.isArray(doc.keys) ? (doc.keys as Record<string, unknown>[]) : [doc];
    for (const jwk of jwks) {
      if (typeof jwk === 'object' && jwk !== null && 'd' in jwk) {
        keys.push(parseWith(() => createPrivateKey({ key: jwk as never, format: 'jwk' }), source, 'JWK'));
      }
    }
  } else if (buf.length > 0 && buf[0] === 0x30) {
    const k = tryPrivateDer(buf, passphrase);
    if (k) keys.push(k);
    else if (tryPrivateDerEncrypted(buf)) throw wrongPassphrase(source, Boolean(passphrase));
  }
  if (keys.length === 0) {
    throw new OepError('E_KEY', `${source} holds no private key`, {
      hint: 'decryption needs the private key (PKCS#8, PKCS#1 or SEC1 PEM/DER, or a JWK with "d")',
    });
  }
  return keys.map((key) => ({ key, source }));
}

/** An encrypted PKCS#8 DER asks for a passphrase: Node reports that distinctly. */
function tryPrivateDerEncrypted(der: Buffer): boolean {
  try {
    createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
    return false;
  } catch (err) {
    return /passphrase/i.test(String((err as Error).message));
  }
}
