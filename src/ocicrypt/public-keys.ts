/**
 * Parsing recipients: public keys in PEM (SPKI, PKCS#1, X.509 certificates), JWK (and JWK sets) and DER. Each
 * key, as soon as it is parsed, goes to the key wrapper of the recipient's scheme, which accepts it (choosing
 * its algorithm) or refuses it. Every refusal names the key's source and says what to give instead; key
 * material never appears in a message.
 */
import { createPublicKey, X509Certificate } from 'node:crypto';
import { OepError, quote } from '../errors.js';
import { keyWrapper } from './keywrap/registry.js';
import { jwksOf, keyFormat, parseWith, tryPrivateDer, tryPrivateDerEncrypted } from './key-formats.js';
import { blockName, pemBlocks, type PemBlock } from './pem.js';
import type { KeyRecipient, PublicKey } from './recipient.js';

type Accept = (pk: PublicKey) => KeyRecipient;

/** A certificate's key, with the certificate (DER) for wrappers that address it. */
function fromCertificate(data: string | Buffer, source: string): PublicKey {
  // publicKey decodes the key lazily: a corrupt one throws there, not in the constructor.
  const cert = new X509Certificate(data);
  return { key: cert.publicKey, source, certificate: new Uint8Array(cert.raw) };
}

function privateKeyGiven(source: string): OepError {
  return new OepError('E_KEY', `${source} is a private key, but a recipient needs a public key`, {
    hint: 'give the public half (openssl pkey -in key.pem -pubout) and keep the private key out of the build',
  });
}

/** One block as a recipient; `where` names the block in messages. EC PARAMETERS carry no key: undefined. */
function recipientFromPem(block: PemBlock, where: string, accept: Accept): KeyRecipient | undefined {
  switch (block.label) {
    case 'PUBLIC KEY':
    case 'RSA PUBLIC KEY':
      return accept({ key: parseWith(() => createPublicKey(block.text), where, block.label), source: where });
    case 'CERTIFICATE':
      return accept(parseWith(() => fromCertificate(block.text, where), where, block.label));
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
function recipientsFromPem(text: string, source: string, accept: Accept): KeyRecipient[] {
  const blocks = pemBlocks(text, source);
  return blocks.flatMap((b) => {
    const r = recipientFromPem(b, blocks.length > 1 ? blockName(source, b.number) : source, accept);
    return r ? [r] : [];
  });
}

function recipientsFromJwk(text: string, source: string, accept: Accept): KeyRecipient[] {
  const jwks = jwksOf(text, source);
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
    return accept({ key, source: where, declared: { alg: jwk.alg, kid: jwk.kid } });
  });
}

function recipientFromDer(der: Buffer, source: string, accept: Accept): KeyRecipient {
  // Private keys first: createPublicKey derives the public half from a PKCS#1 or PKCS#8 private DER.
  if (tryPrivateDer(der)) throw privateKeyGiven(source);
  const readers = [
    (): PublicKey => ({ key: createPublicKey({ key: der, format: 'der', type: 'spki' }), source }),
    (): PublicKey => ({ key: createPublicKey({ key: der, format: 'der', type: 'pkcs1' }), source }),
    () => fromCertificate(der, source),
  ];
  for (const read of readers) {
    try {
      return accept(read());
    } catch (err) {
      if (err instanceof OepError) throw err;
    }
  }
  if (tryPrivateDerEncrypted(der)) throw privateKeyGiven(source);
  throw new OepError('E_KEY', `${source} is not a public key`, {
    hint: 'give a PEM or DER public key (SPKI or PKCS#1), an X.509 certificate, or a JWK',
  });
}

/**
 * All recipients in one file or secret, for the wrapper of `scheme`. Several PEM blocks (or a JWK set) are
 * several recipients, so a secret holding the team's keys works as one input.
 */
export function parseRecipients(data: Uint8Array | string, source: string, scheme = 'jwe'): KeyRecipient[] {
  const wrapper = keyWrapper(scheme);
  if (!wrapper) throw new OepError('E_UNSUPPORTED', `${source}: the ${scheme} protocol is not supported`);
  const accept: Accept = (pk) => wrapper.recipient(pk);
  const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data);
  const text = buf.toString('utf8');
  const format = keyFormat(buf, text);
  let out: KeyRecipient[] = [];
  if (format === 'pem') out = recipientsFromPem(text, source, accept);
  else if (format === 'jwk') out = recipientsFromJwk(text, source, accept);
  else if (format === 'der') out = [recipientFromDer(buf, source, accept)];
  if (out.length === 0) {
    throw new OepError('E_KEY', `${source} holds no public key`, {
      hint: 'give a PEM or DER public key, an X.509 certificate, or a JWK',
    });
  }
  return out;
}
