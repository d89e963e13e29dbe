/**
 * The two option documents of an encrypted layer (ocicrypt blockcipher.go) and the annotations that carry them.
 * We write exactly Go's bytes (field order as Go's struct order, standard padded base64) and read leniently, as
 * Go's encoding/json does: field names match case-insensitively and unknown fields are ignored.
 */
import { OepError } from '../errors.js';
import { CIPHER_AES_CTR, HMAC_LENGTH, KEY_LENGTH, NONCE_LENGTH } from './blockcipher.js';

export const ANNOTATION_PREFIX = 'org.opencontainers.image.enc';
export const ANNOTATION_PUBOPTS = 'org.opencontainers.image.enc.pubopts';
export const ANNOTATION_KEYS_PREFIX = 'org.opencontainers.image.enc.keys.';

export interface PrivateOptions {
  symkey: Buffer;
  digest: string;
  nonce: Buffer | undefined;
}

export interface PublicOptions {
  cipher: string;
  hmac: Buffer | undefined;
  nonce: Buffer | undefined;
}

export function encodePrivateOptions(o: { symkey: Buffer; digest: string; nonce: Buffer }): Buffer {
  return Buffer.from(
    JSON.stringify({
      symkey: o.symkey.toString('base64'),
      digest: o.digest,
      cipheroptions: { nonce: o.nonce.toString('base64') },
    }),
  );
}

export function encodePublicOptions(hmac: Buffer): Buffer {
  return Buffer.from(
    JSON.stringify({ cipher: CIPHER_AES_CTR, hmac: hmac.toString('base64'), cipheroptions: {} }),
  );
}

/** Go decodes JSON field names case-insensitively. */
function field(obj: Record<string, unknown>, name: string): unknown {
  if (name in obj) return obj[name];
  const key = Object.keys(obj).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : obj[key];
}

function object(bytes: Uint8Array, what: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    throw new OepError('E_OPTIONS', `${what} is not valid JSON`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new OepError('E_OPTIONS', `${what} is not a JSON object`);
  return v as Record<string, unknown>;
}

/** Strict standard base64 as Go's StdEncoding: padded, no URL alphabet, no whitespace. */
export function decodeStdBase64(s: unknown, what: string): Buffer {
  if (typeof s !== 'string' || !/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(s)) {
    throw new OepError('E_OPTIONS', `${what} is not standard base64`);
  }
  return Buffer.from(s, 'base64');
}

function optionalBytes(obj: Record<string, unknown>, name: string, what: string): Buffer | undefined {
  const v = field(obj, name);
  return v === undefined || v === null || v === '' ? undefined : decodeStdBase64(v, what);
}

function cipherOptions(obj: Record<string, unknown>): Record<string, unknown> {
  const co = field(obj, 'cipheroptions');
  return typeof co === 'object' && co !== null ? (co as Record<string, unknown>) : {};
}

export function decodePrivateOptions(bytes: Uint8Array): PrivateOptions {
  const o = object(bytes, 'wrapped layer options');
  const symkey = optionalBytes(o, 'symkey', 'layer key');
  if (!symkey) throw new OepError('E_OPTIONS', 'wrapped layer options hold no key');
  const digest = field(o, 'digest');
  return {
    symkey,
    digest: typeof digest === 'string' ? digest : '',
    nonce: optionalBytes(cipherOptions(o), 'nonce', 'layer nonce'),
  };
}

export function decodePublicOptions(annotation: string | undefined): PublicOptions {
  if (annotation === undefined) {
    throw new OepError('E_OPTIONS', `encrypted layer has no ${ANNOTATION_PUBOPTS} annotation`);
  }
  const o = object(decodeStdBase64(annotation, ANNOTATION_PUBOPTS), ANNOTATION_PUBOPTS);
  const cipher = field(o, 'cipher');
  return {
    cipher: typeof cipher === 'string' ? cipher : '',
    hmac: optionalBytes(o, 'hmac', 'layer hmac'),
    nonce: optionalBytes(cipherOptions(o), 'nonce', 'layer nonce'),
  };
}

/**
 * The secrets needed to decrypt, checked hard: unlike Go, a missing nonce is an error (Go would silently use a
 * random one and return garbage that still passes the MAC), and every length must be exact.
 */
export function layerSecrets(
  priv: PrivateOptions,
  pub: PublicOptions,
): { key: Buffer; nonce: Buffer; hmac: Buffer } {
  if (pub.cipher !== CIPHER_AES_CTR) {
    throw new OepError('E_UNSUPPORTED', `layer cipher ${JSON.stringify(pub.cipher)} is not supported`, {
      hint: `only ${CIPHER_AES_CTR} exists in ocicrypt`,
    });
  }
  // The nonce is taken from the wrapped (authenticated) options, where ocicrypt writes it. One in the public
  // options could be set or swapped by anyone who can edit the manifest: the MAC covers only the ciphertext, so
  // such a nonce would decrypt to garbage that passes it. A public one that disagrees, or stands alone, is refused.
  if (priv.nonce && pub.nonce && !priv.nonce.equals(pub.nonce)) {
    throw new OepError('E_OPTIONS', 'layer nonce in the public options differs from the wrapped one');
  }
  if (!priv.nonce && pub.nonce) {
    throw new OepError('E_OPTIONS', 'layer nonce is only in the public options, not in the wrapped ones', {
      hint: 'ocicrypt wraps the nonce with the key; re-encrypt the image with a tool that does',
    });
  }
  const nonce = priv.nonce;
  if (priv.symkey.length !== KEY_LENGTH) throw new OepError('E_OPTIONS', 'layer key has the wrong length');
  if (!nonce || nonce.length !== NONCE_LENGTH)
    throw new OepError('E_OPTIONS', 'layer nonce is missing or has the wrong length');
  if (!pub.hmac || pub.hmac.length !== HMAC_LENGTH)
    throw new OepError('E_OPTIONS', 'layer hmac is missing or has the wrong length');
  return { key: priv.symkey, nonce, hmac: pub.hmac };
}
