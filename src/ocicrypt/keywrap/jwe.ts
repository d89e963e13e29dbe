/**
 * The JWE key wrapper (ocicrypt keywrap/jwe). The plaintext is the layer's private-options JSON, content
 * encryption is always A256GCM with `enc` in the protected header (go-jose reads it only from there). One
 * recipient gives flattened JSON with `alg` protected, as go-jose writes it; several give general JSON with a
 * per-recipient `alg` header. Unwrap accepts both, plus go-jose's stray top-level `encrypted_key`.
 */
import {
  flattenedDecrypt,
  FlattenedEncrypt,
  generalDecrypt,
  GeneralEncrypt,
  type FlattenedJWE,
  type GeneralJWE,
} from 'jose';
import { OepError } from '../../errors.js';
import type { DecryptionKey } from '../private-keys.js';
import { recipientOf, type KeyRecipient, type PublicKey, type Recipient } from '../recipient.js';
import { jweAlgorithm, KEY_ALGS } from './jwe-algorithms.js';
import type { KeyWrapper, RecipientInfo } from './keywrapper.js';

const ENC = 'A256GCM';
const CONTENT_ALGS = ['A128GCM', 'A192GCM', 'A256GCM', 'A128CBC-HS256', 'A192CBC-HS384', 'A256CBC-HS512'];

/** Recipients tried per JWE item: each is a private-key operation per key (see MAX_KEY_ITEMS in layer.ts). */
export const MAX_JWE_RECIPIENTS = 64;

function parseJwe(item: Uint8Array): FlattenedJWE | GeneralJWE {
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(item).toString('utf8'));
  } catch {
    throw new OepError('E_OPTIONS', 'a JWE key annotation item is not JSON');
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw new OepError('E_OPTIONS', 'a JWE key annotation item is not a JWE object');
  }
  const recipients = (v as { recipients?: unknown }).recipients;
  if (Array.isArray(recipients) && recipients.length > MAX_JWE_RECIPIENTS) {
    throw new OepError(
      'E_OPTIONS',
      `a JWE key annotation item lists ${recipients.length} recipients: at most ${MAX_JWE_RECIPIENTS} are tried`,
    );
  }
  return v as FlattenedJWE | GeneralJWE;
}

function decodeHeader(b64u: unknown): Record<string, unknown> {
  if (typeof b64u !== 'string' || b64u === '') return {};
  try {
    const v: unknown = JSON.parse(Buffer.from(b64u, 'base64url').toString('utf8'));
    return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function info(h: Record<string, unknown>): RecipientInfo {
  const out: RecipientInfo = { alg: typeof h.alg === 'string' ? h.alg : 'unknown' };
  if (typeof h.kid === 'string') out.kid = h.kid;
  const epk = h.epk as Record<string, unknown> | undefined;
  if (epk && typeof epk.crv === 'string') out.crv = epk.crv;
  return out;
}

export class JweKeyWrapper implements KeyWrapper {
  readonly scheme = 'jwe' as const;
  readonly annotationId = 'org.opencontainers.image.enc.keys.jwe';

  recipient(pk: PublicKey): KeyRecipient {
    return recipientOf(pk, this.scheme, jweAlgorithm(pk));
  }

  async wrap(recipients: Recipient[], privateOptions: Uint8Array): Promise<Uint8Array | undefined> {
    const mine = recipients.filter((r): r is KeyRecipient => r.scheme === this.scheme && r.key !== undefined);
    if (mine.length === 0) return undefined;
    let jwe: FlattenedJWE | GeneralJWE;
    if (mine.length === 1) {
      const r = mine[0]!;
      jwe = await new FlattenedEncrypt(privateOptions)
        .setProtectedHeader({ alg: r.alg, enc: ENC, ...(r.kid ? { kid: r.kid } : {}) })
        .encrypt(r.key);
    } else {
      const enc = new GeneralEncrypt(privateOptions).setProtectedHeader({ enc: ENC });
      for (const r of mine)
        enc.addRecipient(r.key).setUnprotectedHeader({ alg: r.alg, ...(r.kid ? { kid: r.kid } : {}) });
      jwe = await enc.encrypt();
    }
    return Buffer.from(JSON.stringify(jwe), 'utf8');
  }

  async unwrap(keys: DecryptionKey[], item: Uint8Array): Promise<Uint8Array | undefined> {
    const jwe = parseJwe(item);
    const options = { keyManagementAlgorithms: [...KEY_ALGS], contentEncryptionAlgorithms: CONTENT_ALGS };
    for (const { key } of keys) {
      if (!key) continue; // a key provider's: not for JWE
      try {
        const res =
          'recipients' in jwe && Array.isArray(jwe.recipients)
            ? await generalDecrypt(jwe as GeneralJWE, key, options)
            : await flattenedDecrypt(jwe as FlattenedJWE, key, options);
        return res.plaintext;
      } catch {
        // Wrong key for this item (or a recipient of another type): try the next key. Which check failed is
        // not reported, as with any decryption oracle.
      }
    }
    return undefined;
  }

  async describe(item: Uint8Array): Promise<RecipientInfo[]> {
    const jwe = parseJwe(item) as Partial<GeneralJWE & FlattenedJWE>;
    const shared = { ...decodeHeader(jwe.protected), ...(jwe.unprotected ?? {}) };
    if (Array.isArray(jwe.recipients)) {
      return jwe.recipients.map((r) => info({ ...shared, ...(r?.header ?? {}) }));
    }
    return [info({ ...shared, ...(jwe.header ?? {}) })];
  }
}
