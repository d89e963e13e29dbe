/**
 * Changing who an encrypted layer opens for. A layer's AES key is wrapped per recipient in its annotations
 * (format §2), so recipients change by rewriting those annotations alone: the ciphertext, its digest and the
 * public options (the HMAC) stay as they are, as imgcrypt does when it adds recipients (format §7), except
 * that the new set replaces the old one instead of being appended to it. Removing a recipient this way does not
 * revoke anything: the layer key is the same, and whoever kept it (or the old manifest) still opens the blob.
 * A rekey is what revocation needs: a fresh key and nonce, the layer decrypted and encrypted again in one pass.
 */
import { internalError, OepError } from '../errors.js';
import { decryptedMediaType } from '../oci/mediatypes.js';
import type { Descriptor } from '../oci/model.js';
import { freshSecrets } from './blockcipher.js';
import type { DecryptionKey, Recipient } from './keys.js';
import type { KeyWrapper } from './keywrap/keywrapper.js';
import { ATTESTATION_AGENT_SCHEME, assertCocoMediaType } from './keywrap/attestation-agent.js';
import { DEFAULT_WRAPPERS, unwrapPrivateOptions, wrapKeys, type LayerOperation } from './layer.js';
import {
  ANNOTATION_KEYS_PREFIX,
  ANNOTATION_PREFIX,
  ANNOTATION_PUBOPTS,
  decodePrivateOptions,
  decodePublicOptions,
  encodePrivateOptions,
  encodePublicOptions,
  layerSecrets,
} from './options.js';

export interface RewrapOptions {
  keys: DecryptionKey[];
  recipients: Recipient[];
  /** A fresh layer key and nonce, the layer re-encrypted (new blob); otherwise only the wrapped keys change. */
  rekey: boolean;
  wrappers?: readonly KeyWrapper[];
}

/** The layer's annotations without those that start with `prefix` (the keys, or all encryption options). */
function without(desc: Descriptor, prefix: string): Record<string, string> {
  return Object.fromEntries(Object.entries(desc.annotations ?? {}).filter(([k]) => !k.startsWith(prefix)));
}

/**
 * Prepare the rewrap (or rekey) of one encrypted layer: its private options unwrapped with one of the keys and
 * checked usable, then wrapped for exactly the recipients, all before any byte is read. A layer no key opens
 * fails here (E_DECRYPT), so the caller can refuse before anything is written or pushed.
 */
export async function rewrapLayer(desc: Descriptor, opts: RewrapOptions): Promise<LayerOperation> {
  const wrappers = opts.wrappers ?? DEFAULT_WRAPPERS;
  if (opts.recipients.some((r) => r.scheme === ATTESTATION_AGENT_SCHEME)) {
    assertCocoMediaType(decryptedMediaType(desc.mediaType), `layer ${desc.digest}`);
  }
  const priv = decodePrivateOptions(await unwrapPrivateOptions(desc, opts.keys, wrappers));
  const old = layerSecrets(priv, decodePublicOptions(desc.annotations?.[ANNOTATION_PUBOPTS]));
  // The digest field names the plaintext the layer was made from, whichever key now wraps it.
  if (!opts.rekey) {
    const canonical = encodePrivateOptions({ symkey: old.key, digest: priv.digest, nonce: old.nonce });
    const keys = await wrapKeys(opts.recipients, canonical, wrappers);
    return {
      params: { mode: 'copy' },
      finalize: ({ digest, size }) => {
        if (digest !== desc.digest || size !== desc.size) {
          throw internalError(`rewrapped layer ${desc.digest} came out as ${digest}`);
        }
        // The public options (cipher, HMAC) describe the unchanged ciphertext: kept as they are.
        return { ...desc, annotations: { ...without(desc, ANNOTATION_KEYS_PREFIX), ...keys } };
      },
    };
  }
  const fresh = freshSecrets();
  const canonical = encodePrivateOptions({ symkey: fresh.key, digest: priv.digest, nonce: fresh.nonce });
  const keys = await wrapKeys(opts.recipients, canonical, wrappers);
  const { data: _data, ...base } = desc; // embedded `data` would be the old ciphertext
  return {
    params: {
      mode: 'rekey',
      key: old.key,
      nonce: old.nonce,
      expectedHmac: old.hmac,
      newKey: fresh.key,
      newNonce: fresh.nonce,
    },
    finalize: ({ digest, size, hmac }) => {
      if (!hmac) throw internalError('a rekeyed layer is finalized without its HMAC');
      return {
        ...base,
        digest,
        size,
        annotations: {
          ...without(desc, ANNOTATION_PREFIX),
          ...keys,
          [ANNOTATION_PUBOPTS]: encodePublicOptions(Buffer.from(hmac)).toString('base64'),
        },
      };
    },
  };
}

/** Whether a layer error is one of keys (none opens it, its options are damaged): named per layer by the caller. */
export function isLayerKeyError(err: unknown): err is OepError {
  return err instanceof OepError && (err.code === 'E_DECRYPT' || err.code === 'E_OPTIONS');
}
