/**
 * The pkcs7 key wrapper (ocicrypt keywrap/pkcs7): recipients are RSA X.509 certificates; one CMS EnvelopedData
 * covers all of them (RSA PKCS#1 v1.5 key transport, AES-128-GCM content, as ocicrypt writes it: pkcs7-cms.ts).
 * Unwrapping takes the private keys, each with its certificate when given (skopeo's `--decryption-key cert`):
 * a key with a certificate opens only the recipient with its issuer and serial, a key without one tries all.
 */
import { constants, privateDecrypt, publicEncrypt, type KeyObject } from 'node:crypto';
import type { KeyTransRecipientInfo } from 'pkijs';
import { OepError } from '../../errors.js';
import type { DecryptionKey } from '../private-keys.js';
import { recipientOf, type KeyRecipient, type PublicKey, type Recipient } from '../recipient.js';
import type { KeyWrapper, RecipientInfo } from './keywrapper.js';
import type * as CmsModule from './pkcs7-cms.js';

const ALG = 'RSA-PKCS1-v1_5';
/** Recipients tried per item: each is a private-key operation per key (as MAX_JWE_RECIPIENTS). */
export const MAX_PKCS7_RECIPIENTS = 64;

type Cms = typeof CmsModule;
let cmsModule: Promise<Cms> | undefined;

/**
 * The CMS side, with pkijs and asn1js, loaded with the first pkcs7 recipient or item: every run imports this
 * module, few use pkcs7, and they are a third of the bundles (ncc puts a dynamic import in a chunk of its own).
 * Only type imports of them may stay above.
 */
function loadCms(): Promise<Cms> {
  return (cmsModule ??= import('./pkcs7-cms.js').catch((err: unknown) => {
    // A broken installation (a bundle copied without the chunk files beside it): say so, never let it read as
    // an item that does not parse or as a recipient that is not there. Not kept: a passing failure (EMFILE)
    // must not disable pkcs7 for the rest of a long-lived process.
    cmsModule = undefined;
    throw new OepError('E_UNSUPPORTED', `pkcs7 support did not load: ${(err as Error).message}`, {
      hint: 'install oci-encrypt-push whole: the bundle loads files that sit beside it',
    });
  }));
}

/**
 * RSA PKCS#1 v1.5 private decryption. Node 20 and 22 refuse it (CVE-2023-46809, the Marvin attack); Node 24's
 * OpenSSL does implicit rejection: a wrong key gives a random CEK, which the content's tag or padding rejects.
 */
function rsaDecrypt(key: KeyObject, data: Uint8Array): Buffer | undefined {
  try {
    return privateDecrypt({ key, padding: constants.RSA_PKCS1_PADDING }, data);
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_INVALID_ARG_VALUE') {
      throw new OepError(
        'E_UNSUPPORTED',
        `pkcs7 decryption needs RSA PKCS#1 v1.5 private decryption, which Node ${process.versions.node} refuses (CVE-2023-46809)`,
        { hint: 'run on Node 24, whose OpenSSL decrypts it safely (implicit rejection)' },
      );
    }
    // Any other failure (padding, a ciphertext too large for this key's modulus) only means: not this key.
    // All of them answer alike, so the answer says nothing about the padding (Bleichenbacher).
    return undefined;
  }
}

function tryRecipient(
  cms: Cms,
  env: ReturnType<Cms['parseEnveloped']>,
  ri: KeyTransRecipientInfo,
  key: KeyObject,
): Uint8Array | undefined {
  const cek = rsaDecrypt(key, ri.encryptedKey.valueBlock.valueHexView);
  if (!cek || cek.length !== cms.contentKeyLength(env)) return undefined;
  try {
    return cms.openContent(env, cek);
  } catch {
    return undefined; // wrong key: the tag or the padding did not check (the parameters were checked before)
  }
}

export class Pkcs7KeyWrapper implements KeyWrapper {
  readonly scheme = 'pkcs7' as const;
  readonly annotationId = 'org.opencontainers.image.enc.keys.pkcs7';

  recipient(pk: PublicKey): KeyRecipient {
    if (!pk.certificate) {
      throw new OepError('E_KEY', `${pk.source} is not an X.509 certificate: a pkcs7 recipient is one`, {
        hint: "give the recipient's certificate (PEM or DER) as pkcs7:CERT, or its public key as jwe:FILE",
      });
    }
    if (pk.key.asymmetricKeyType !== 'rsa') {
      throw new OepError(
        'E_KEY',
        `${pk.source} is not an RSA certificate (its key is ${pk.key.asymmetricKeyType ?? 'unknown'}): pkcs7 (ocicrypt) wraps only to RSA certificates`,
        { hint: 'give an RSA certificate, or use jwe:FILE for an EC key' },
      );
    }
    return { ...recipientOf(pk, this.scheme, ALG), certificate: pk.certificate };
  }

  async wrap(recipients: Recipient[], privateOptions: Uint8Array): Promise<Uint8Array | undefined> {
    const mine = recipients.filter((r): r is KeyRecipient => r.scheme === this.scheme && r.key !== undefined);
    if (mine.length === 0) return undefined;
    const cms = await loadCms();
    return cms.envelope(privateOptions, (cek) =>
      mine.map((r) => ({
        certificate: cms.parseCertificate(r.certificate!),
        encryptedKey: publicEncrypt({ key: r.key, padding: constants.RSA_PKCS1_PADDING }, cek),
      })),
    );
  }

  async unwrap(keys: DecryptionKey[], item: Uint8Array): Promise<Uint8Array | undefined> {
    const cms = await loadCms();
    const env = cms.parseEnveloped(item);
    cms.checkContent(env);
    const infos = cms.keyTransRecipients(env);
    if (infos.length > MAX_PKCS7_RECIPIENTS) {
      throw new OepError(
        'E_OPTIONS',
        `a pkcs7 key annotation item lists ${infos.length} recipients: at most ${MAX_PKCS7_RECIPIENTS} are tried`,
      );
    }
    for (const { key, certificate } of keys) {
      // Key providers (no key) and certificates alone (a public key) open nothing here.
      if (key?.type !== 'private' || key.asymmetricKeyType !== 'rsa') continue;
      const cert = certificate ? cms.parseCertificate(certificate) : undefined;
      for (const ri of infos) {
        if (ri.keyEncryptionAlgorithm.algorithmId !== cms.OID_RSA_ENCRYPTION) continue;
        if (cert && !cms.namesCertificate(ri, cert)) continue;
        const plaintext = tryRecipient(cms, env, ri, key);
        if (plaintext) return plaintext;
      }
    }
    return undefined;
  }

  async describe(item: Uint8Array): Promise<RecipientInfo[]> {
    const cms = await loadCms();
    return cms.keyTransRecipients(cms.parseEnveloped(item)).map((ri) => {
      const alg = ri.keyEncryptionAlgorithm.algorithmId;
      return { alg: alg === cms.OID_RSA_ENCRYPTION ? ALG : alg, ...cms.issuerAndSerial(ri) };
    });
  }
}
