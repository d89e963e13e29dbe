/**
 * Encrypting and decrypting one layer: the ocicrypt EncryptLayer / DecryptLayer logic over streams and
 * descriptors. Knows no files and no registries: callers run the returned parameters through the layer loop
 * (loop.ts) and hand what it measured to the finalizer.
 */
import { internalError, OepError } from '../errors.js';
import type { Descriptor } from '../oci/model.js';
import {
  decryptedMediaType,
  encryptedMediaType,
  isEncryptableLayer,
  isEncryptedMediaType,
} from '../oci/mediatypes.js';
import { freshSecrets } from './blockcipher.js';
import type { DecryptionKey, Recipient } from './keys.js';
import type { KeyWrapper, RecipientInfo } from './keywrap/keywrapper.js';
import { withCarriedWrappers } from './keywrap/provider.js';
import { keyWrappers } from './keywrap/registry.js';
import type { LayerParams } from './loop.js';
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

export const DEFAULT_WRAPPERS: readonly KeyWrapper[] = keyWrappers();
/**
 * Each try of an item is a private-key operation per key: a hostile manifest must not buy minutes of CPU per
 * layer. ocicrypt writes one item per encryption run (recipients added later append one each).
 */
export const MAX_KEY_ITEMS = 64;
export { MAX_JWE_RECIPIENTS } from './keywrap/jwe.js';

/** What the layer loop measured once the bytes went through (LoopResult, with the digest of what was written). */
export interface LayerWritten {
  digest: string;
  size: number;
  /** The MAC of the ciphertext: required to finalize an encryption. */
  hmac?: Uint8Array;
}

/**
 * One prepared layer, as ocicrypt's EncryptLayer / DecryptLayer return it: plain parameters for the layer loop
 * (they cross thread boundaries) and a finalizer that, once the loop ran, gives the new layer's descriptor.
 */
export interface LayerOperation {
  params: LayerParams;
  finalize(written: LayerWritten): Descriptor;
}

/**
 * Prepare the encryption of one layer: fresh key and nonce, wrapped for every recipient up front (so a key
 * problem fails before any byte is read); the public options (the HMAC) are filled in by the finalizer.
 */
export async function encryptLayer(
  desc: Descriptor,
  recipients: Recipient[],
  wrappers: readonly KeyWrapper[] = DEFAULT_WRAPPERS,
): Promise<LayerOperation> {
  if (!isEncryptableLayer(desc.mediaType)) {
    throw new OepError('E_UNSUPPORTED', `layer ${desc.digest} of type ${desc.mediaType} cannot be encrypted`);
  }
  const secrets = freshSecrets();
  const priv = encodePrivateOptions({ symkey: secrets.key, digest: desc.digest, nonce: secrets.nonce });
  const keyAnnotations = await wrapKeys(recipients, priv, wrappers);
  // An embedded `data` field (OCI 1.1) would carry the plaintext onto the encrypted descriptor, and `urls`
  // (foreign layers) point at the plaintext, which can never match the ciphertext digest: drop both.
  const { data: _data, urls: _urls, ...base } = desc;
  return {
    params: { mode: 'encrypt', key: secrets.key, nonce: secrets.nonce },
    finalize: ({ digest, size, hmac }) => {
      if (!hmac) throw internalError('an encrypted layer is finalized without its HMAC');
      return {
        ...base,
        mediaType: encryptedMediaType(desc.mediaType),
        digest,
        size,
        annotations: {
          ...(desc.annotations ?? {}),
          ...keyAnnotations,
          [ANNOTATION_PUBOPTS]: encodePublicOptions(Buffer.from(hmac)).toString('base64'),
        },
      };
    },
  };
}

/** The private options wrapped for every recipient: one annotation per protocol, as ocicrypt writes them. */
export async function wrapKeys(
  recipients: Recipient[],
  privateOptions: Uint8Array,
  wrappers: readonly KeyWrapper[] = DEFAULT_WRAPPERS,
): Promise<Record<string, string>> {
  const keyAnnotations: Record<string, string> = {};
  for (const w of withCarriedWrappers(wrappers, recipients)) {
    const item = await w.wrap(recipients, privateOptions);
    if (item) keyAnnotations[w.annotationId] = Buffer.from(item).toString('base64');
  }
  if (Object.keys(keyAnnotations).length === 0) {
    throw new OepError('E_NO_RECIPIENT', 'no recipient to encrypt for', {
      hint: 'give at least one public key',
    });
  }
  return keyAnnotations;
}

/** The comma-joined items of one wrapper's annotation, still base64: each is decoded on its own when tried. */
function wrappedItems(desc: Descriptor, w: KeyWrapper): string[] {
  const value = desc.annotations?.[w.annotationId];
  const items = value ? value.split(',') : [];
  if (items.length > MAX_KEY_ITEMS) {
    throw new OepError(
      'E_MANIFEST',
      `layer ${desc.digest} carries ${items.length} ${w.annotationId} items: at most ${MAX_KEY_ITEMS} are tried`,
      {
        hint: 'an ocicrypt layer carries one item per encryption run; this manifest is malformed or hostile',
      },
    );
  }
  return items;
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
export async function unwrapPrivateOptions(
  desc: Descriptor,
  keys: DecryptionKey[],
  wrappers: readonly KeyWrapper[],
): Promise<Uint8Array> {
  let tried = 0;
  const malformed: unknown[] = [];
  for (const w of withCarriedWrappers(wrappers, keys)) {
    for (const item of wrappedItems(desc, w)) {
      tried++;
      try {
        const priv = await w.unwrap(keys, decodeStdBase64(item, `${w.annotationId} of layer ${desc.digest}`));
        if (priv) return priv;
      } catch (err) {
        // A runtime that cannot run the protocol (pkcs7 on Node 20) is not a malformed item, and a key provider
        // that failed (exit code, timeout, garbage) would fail again for each item a hostile manifest lists:
        // either is the error to fix, at once.
        if (err instanceof OepError && (err.code === 'E_UNSUPPORTED' || err.code === 'E_PROVIDER')) throw err;
        malformed.push(err);
      }
    }
  }
  if (tried > 0 && malformed.length === tried) {
    const first = malformed[0] instanceof Error ? malformed[0].message : String(malformed[0]);
    throw new OepError(
      'E_OPTIONS',
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

/** Find the layer's private options with any of the keys; the loop then checks the MAC as it decrypts. */
export async function decryptLayer(
  desc: Descriptor,
  keys: DecryptionKey[],
  wrappers: readonly KeyWrapper[] = DEFAULT_WRAPPERS,
): Promise<LayerOperation> {
  const priv = await unwrapPrivateOptions(desc, keys, wrappers);
  const secrets = layerSecrets(
    decodePrivateOptions(priv),
    decodePublicOptions(desc.annotations?.[ANNOTATION_PUBOPTS]),
  );
  return {
    params: { mode: 'decrypt', key: secrets.key, nonce: secrets.nonce, expectedHmac: secrets.hmac },
    finalize: ({ digest, size }) => {
      const annotations = Object.fromEntries(
        Object.entries(desc.annotations ?? {}).filter(([k]) => !k.startsWith(ANNOTATION_PREFIX)),
      );
      const { data: _data, ...base } = desc; // embedded `data` would be the ciphertext
      const out: Descriptor = { ...base, mediaType: decryptedMediaType(desc.mediaType), digest, size };
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

/** One wrapper's annotation of a layer: how many items it holds, and who each is for when the wrapper can tell. */
export interface LayerProtocolInfo {
  scheme: string;
  /** For a key provider's annotation (scheme `provider.NAME`): NAME. */
  provider?: string;
  items: number;
  recipients: RecipientInfo[];
}

export interface LayerKeysInfo {
  encrypted: boolean;
  cipher?: string;
  protocols: LayerProtocolInfo[];
}

const PROVIDER_SCHEME = 'provider.';

/**
 * Who one item is for. Describing is for reports: an unreadable item is shown as such, never an error; a
 * wrapper that cannot work here (E_UNSUPPORTED) is an error, not an item's fault.
 */
async function describeItem(w: KeyWrapper, item: string): Promise<RecipientInfo[]> {
  try {
    return await w.describe(decodeStdBase64(item, w.annotationId));
  } catch (err) {
    if (err instanceof OepError && err.code === 'E_UNSUPPORTED') throw err;
    return [{ alg: 'unreadable' }];
  }
}

/** What an encrypted layer is wrapped for, read from its annotations without any key. */
export async function describeLayer(
  desc: Descriptor,
  wrappers: readonly KeyWrapper[] = DEFAULT_WRAPPERS,
): Promise<LayerKeysInfo> {
  if (!isEncryptedMediaType(desc.mediaType)) return { encrypted: false, protocols: [] };
  const out: LayerKeysInfo = { encrypted: true, protocols: [] };
  try {
    out.cipher = decodePublicOptions(desc.annotations?.[ANNOTATION_PUBOPTS]).cipher;
  } catch {
    out.cipher = 'unreadable';
  }
  for (const scheme of keyProtocols(desc)) {
    const w = wrappers.find((x) => x.annotationId === ANNOTATION_KEYS_PREFIX + scheme);
    const provider = scheme.startsWith(PROVIDER_SCHEME) ? scheme.slice(PROVIDER_SCHEME.length) : undefined;
    const named = { scheme, ...(provider ? { provider } : {}) };
    if (!w) {
      // A provider configured elsewhere, or a protocol we do not speak: its items are opaque here.
      const items = desc.annotations![ANNOTATION_KEYS_PREFIX + scheme]!.split(',').length;
      out.protocols.push({ ...named, items, recipients: [] });
      continue;
    }
    const raw = desc.annotations![w.annotationId]!.split(',');
    const recipients: RecipientInfo[] = [];
    for (const item of raw) recipients.push(...(await describeItem(w, item)));
    out.protocols.push({ ...named, items: raw.length, recipients });
  }
  return out;
}
