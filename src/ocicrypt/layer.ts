/**
 * Encrypting and decrypting one layer: the ocicrypt EncryptLayer / DecryptLayer logic over streams and
 * descriptors. Knows no files and no registries: callers feed the blob through the returned transform and
 * hand back the digest and size of what came out.
 */
import { OepError } from '../errors.js';
import type { Descriptor } from '../oci/model.js';
import {
  decryptedMediaType,
  encryptedMediaType,
  isEncryptableLayer,
  isEncryptedMediaType,
} from '../oci/mediatypes.js';
import { freshSecrets, LayerDecryptor, LayerEncryptor } from './blockcipher.js';
import type { DecryptionKey, Recipient } from './keys.js';
import { JweKeyWrapper } from './keywrap/jwe.js';
import type { KeyWrapper, RecipientInfo } from './keywrap/keywrapper.js';
import {
  ANNOTATION_KEYS_PREFIX,
  ANNOTATION_PREFIX,
  ANNOTATION_PUBOPTS,
  decodePrivateOptions,
  decodePublicOptions,
  decodeStdBase64,
  encodePrivateOptions,
  encodePublicOptions,
  layerSecrets,
} from './options.js';

export const DEFAULT_WRAPPERS: readonly KeyWrapper[] = [new JweKeyWrapper()];

export interface Written {
  digest: string;
  size: number;
}

/**
 * What a LayerCipher needs to run one layer elsewhere (a worker thread): the secrets, and for decryption the
 * MAC to check at the end. Plain data, so it can cross a thread boundary.
 */
export interface LayerJob {
  mode: 'encrypt' | 'decrypt';
  key: Buffer;
  nonce: Buffer;
  expectedHmac?: Buffer;
}

export interface LayerEncryption {
  /** Plaintext in, ciphertext out. */
  transform: LayerEncryptor;
  /** The same work as a job, for callers that drive a LayerCipher themselves. */
  job: LayerJob;
  /** Once the bytes went through: the descriptor of the encrypted blob (hmac: from the job's run). */
  descriptor(written: Written, hmac?: Buffer): Descriptor;
}

export interface LayerDecryption {
  transform: LayerDecryptor;
  job: LayerJob;
  descriptor(written: Written): Descriptor;
}

/**
 * Prepare the encryption of one layer: fresh key and nonce, wrapped for every recipient up front (so a key
 * problem fails before any byte is read), public options filled in when the stream has been MACed.
 */
export async function encryptLayer(
  desc: Descriptor,
  recipients: Recipient[],
  wrappers: readonly KeyWrapper[] = DEFAULT_WRAPPERS,
): Promise<LayerEncryption> {
  if (!isEncryptableLayer(desc.mediaType)) {
    throw new OepError('E_UNSUPPORTED', `layer ${desc.digest} of type ${desc.mediaType} cannot be encrypted`);
  }
  const secrets = freshSecrets();
  const priv = encodePrivateOptions({ symkey: secrets.key, digest: desc.digest, nonce: secrets.nonce });
  const keyAnnotations: Record<string, string> = {};
  for (const w of wrappers) {
    const item = await w.wrap(recipients, priv);
    if (item) keyAnnotations[w.annotationId] = Buffer.from(item).toString('base64');
  }
  if (Object.keys(keyAnnotations).length === 0) {
    throw new OepError('E_NO_RECIPIENT', 'no recipient to encrypt for', {
      hint: 'give at least one public key',
    });
  }
  const transform = new LayerEncryptor(secrets);
  // An embedded `data` field (OCI 1.1) would carry the plaintext onto the encrypted descriptor, and `urls`
  // (foreign layers) point at the plaintext, which can never match the ciphertext digest: drop both.
  const { data: _data, urls: _urls, ...base } = desc;
  return {
    transform,
    job: { mode: 'encrypt', key: secrets.key, nonce: secrets.nonce },
    descriptor: (written, hmac) => ({
      ...base,
      mediaType: encryptedMediaType(desc.mediaType),
      digest: written.digest,
      size: written.size,
      annotations: {
        ...(desc.annotations ?? {}),
        ...keyAnnotations,
        [ANNOTATION_PUBOPTS]: encodePublicOptions(hmac ?? transform.hmac()).toString('base64'),
      },
    }),
  };
}

/** The comma-joined items of one wrapper's annotation, still base64: each is decoded on its own when tried. */
function wrappedItems(desc: Descriptor, w: KeyWrapper): string[] {
  const value = desc.annotations?.[w.annotationId];
  return value ? value.split(',') : [];
}

function keyProtocols(desc: Descriptor): string[] {
  return Object.keys(desc.annotations ?? {})
    .filter((k) => k.startsWith(ANNOTATION_KEYS_PREFIX))
    .map((k) => k.slice(ANNOTATION_KEYS_PREFIX.length));
}

/**
 * Try every item of every wrapper with the keys. As ocicrypt's preUnwrapKey, a malformed item (bad base64, not
 * a JWE) does not hide the items after it; only when nothing opens does the count of malformed items matter.
 */
async function unwrapPrivateOptions(
  desc: Descriptor,
  keys: DecryptionKey[],
  wrappers: readonly KeyWrapper[],
): Promise<Uint8Array> {
  let tried = 0;
  const malformed: unknown[] = [];
  for (const w of wrappers) {
    for (const item of wrappedItems(desc, w)) {
      tried++;
      try {
        const priv = await w.unwrap(keys, decodeStdBase64(item, `${w.annotationId} of layer ${desc.digest}`));
        if (priv) return priv;
      } catch (err) {
        malformed.push(err);
      }
    }
  }
  if (tried > 0 && malformed.length === tried) {
    const first = malformed[0] instanceof Error ? malformed[0].message : String(malformed[0]);
    throw new OepError(
      'E_INTEGRITY',
      tried === 1
        ? `the key item of layer ${desc.digest} is malformed: ${first}`
        : `all ${tried} key items of layer ${desc.digest} are malformed (first: ${first})`,
      {
        hint: 'the key annotations (org.opencontainers.image.enc.keys.*) were damaged; re-encrypt the image',
      },
    );
  }
  const protocols = keyProtocols(desc);
  if (tried === 0) {
    throw new OepError(
      'E_DECRYPT',
      `layer ${desc.digest} is wrapped only with ${protocols.join(', ') || 'no key'}`,
      { hint: `this tool opens ${wrappers.map((w) => w.scheme).join(', ')} keys` },
    );
  }
  const note = malformed.length ? ` (${malformed.length} of ${tried} key items are malformed)` : '';
  throw new OepError('E_DECRYPT', `none of the given keys opens layer ${desc.digest}${note}`, {
    hint: 'give the private key matching one of the public keys the image was encrypted for',
  });
}

/** Find the layer's private options with any of the keys, then set up the MAC-checked decryption. */
export async function decryptLayer(
  desc: Descriptor,
  keys: DecryptionKey[],
  wrappers: readonly KeyWrapper[] = DEFAULT_WRAPPERS,
): Promise<LayerDecryption> {
  const priv = await unwrapPrivateOptions(desc, keys, wrappers);
  const secrets = layerSecrets(
    decodePrivateOptions(priv),
    decodePublicOptions(desc.annotations?.[ANNOTATION_PUBOPTS]),
  );
  const transform = new LayerDecryptor(secrets, secrets.hmac);
  return {
    transform,
    job: { mode: 'decrypt', key: secrets.key, nonce: secrets.nonce, expectedHmac: secrets.hmac },
    descriptor: (written) => {
      const annotations = Object.fromEntries(
        Object.entries(desc.annotations ?? {}).filter(([k]) => !k.startsWith(ANNOTATION_PREFIX)),
      );
      const { data: _data, ...base } = desc; // embedded `data` would be the ciphertext
      const out: Descriptor = { ...base, mediaType: decryptedMediaType(desc.mediaType), ...written };
      if (Object.keys(annotations).length) out.annotations = annotations;
      else delete out.annotations;
      return out;
    },
  };
}

/**
 * A `+encrypted` layer that is passed through must look encrypted beyond its media type: the public options and
 * at least one key annotation. Without them it is plaintext (or unreadable ciphertext) under a label that
 * reports and readers take for "encrypted". `where` names the layer for the user.
 */
export function assertEncryptedLayer(desc: Descriptor, where: string): void {
  const a = desc.annotations ?? {};
  const keyed = Object.entries(a).some(([k, v]) => k.startsWith(ANNOTATION_KEYS_PREFIX) && v !== '');
  if (a[ANNOTATION_PUBOPTS] && keyed) return;
  const lacks = [
    ...(a[ANNOTATION_PUBOPTS] ? [] : [ANNOTATION_PUBOPTS]),
    ...(keyed ? [] : [`${ANNOTATION_KEYS_PREFIX}*`]),
  ];
  throw new OepError(
    'E_MANIFEST',
    `${where} is marked ${desc.mediaType} but lacks ${lacks.join(' and ')}: it is not ocicrypt-encrypted`,
    {
      hint: `an encrypted layer carries ${ANNOTATION_PUBOPTS} and ${ANNOTATION_KEYS_PREFIX}<scheme>; rebuild the image from plaintext layers, or encrypt it with an ocicrypt tool`,
    },
  );
}

export interface LayerKeysInfo {
  encrypted: boolean;
  cipher?: string;
  protocols: { scheme: string; items: number; recipients: RecipientInfo[] }[];
}

/** What an encrypted layer is wrapped for, read from its annotations without any key. */
export function describeLayer(
  desc: Descriptor,
  wrappers: readonly KeyWrapper[] = DEFAULT_WRAPPERS,
): LayerKeysInfo {
  if (!isEncryptedMediaType(desc.mediaType)) return { encrypted: false, protocols: [] };
  const out: LayerKeysInfo = { encrypted: true, protocols: [] };
  try {
    out.cipher = decodePublicOptions(desc.annotations?.[ANNOTATION_PUBOPTS]).cipher;
  } catch {
    out.cipher = 'unreadable';
  }
  for (const scheme of keyProtocols(desc)) {
    const w = wrappers.find((x) => x.annotationId === ANNOTATION_KEYS_PREFIX + scheme);
    if (!w) {
      const items = desc.annotations![ANNOTATION_KEYS_PREFIX + scheme]!.split(',').length;
      out.protocols.push({ scheme, items, recipients: [] });
      continue;
    }
    // Describing is for reports: an unreadable item is shown as such, never an error.
    const raw = desc.annotations![w.annotationId]!.split(',');
    const recipients = raw.flatMap((item) => {
      try {
        return w.describe(decodeStdBase64(item, w.annotationId));
      } catch {
        return [{ alg: 'unreadable' }];
      }
    });
    out.protocols.push({ scheme, items: raw.length, recipients });
  }
  return out;
}
