/**
 * Confidential Containers' key wrapping, in-process: what guest-components' coco_keyprovider (enc_mods) writes
 * for `provider:attestation-agent:keypath=F::keyid=ID`, without the gRPC daemon. The layer's private options are
 * sealed with AES-256-GCM under a 32-byte KEK (random 12-byte IV, 16-byte tag appended) and the item is the
 * JSON packet `{"kid","wrapped_data","iv","wrap_type":"A256GCM"}`, bytes as padded standard base64. In the guest,
 * the Confidential Data Hub fetches the KEK named by `kid` (a KBS resource URI) and opens the same packet.
 * The KEK never appears in a message: only its length, and a fingerprint that is a hash of it.
 */
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createSecretKey,
  randomBytes,
  type KeyObject,
} from 'node:crypto';
import { OepError } from '../../errors.js';
import { MT, ociLayerMediaType } from '../../oci/mediatypes.js';
import { decodeStdBase64 } from '../options.js';
import type { DecryptionKey, PrivateDecryptionKey } from '../private-keys.js';
import type { KeyRecipient, PublicKey, Recipient } from '../recipient.js';
import type { KeyWrapper, RecipientInfo } from './keywrapper.js';

export const ATTESTATION_AGENT = 'attestation-agent';
/** The wrapper's scheme: ocicrypt registers a key provider NAME as the wrapper `provider.NAME`. */
export const ATTESTATION_AGENT_SCHEME = `provider.${ATTESTATION_AGENT}`;
export const ATTESTATION_AGENT_ANNOTATION = `org.opencontainers.image.enc.keys.${ATTESTATION_AGENT_SCHEME}`;
export const WRAP_TYPE = 'A256GCM';
export const KEK_LENGTH = 32;
const IV_LENGTH = 12;
const TAG_LENGTH = 16;

/** The packet coco_keyprovider writes (AnnotationPacket), field order as serde writes it. */
export interface AnnotationPacket {
  kid: string;
  wrapped_data: string;
  iv: string;
  wrap_type: string;
}

/** A KEK as the engine carries it: a secret KeyObject, so it travels as a Recipient or a DecryptionKey. */
export function kekKey(kek: Uint8Array, source: string): KeyObject {
  if (kek.length !== KEK_LENGTH) {
    throw new OepError(
      'E_KEY',
      `${source}: a KEK is ${KEK_LENGTH} raw bytes, this file holds ${kek.length}`,
      {
        hint: 'give the 32-byte binary key file registered at the KBS (e.g. head -c 32 /dev/urandom > kek)',
      },
    );
  }
  return createSecretKey(Buffer.from(kek));
}

/** A hash of the KEK that identifies it in reports without revealing it (domain-separated sha256). */
function kekFingerprint(key: KeyObject): string {
  return createHash('sha256')
    .update('oci-encrypt-push attestation-agent KEK\0')
    .update(key.export())
    .digest('hex');
}

/** The recipient a KEK wraps for: `kid` is what the guest asks its KBS for. */
export function kekRecipient(kek: Uint8Array, kid: string, source: string): KeyRecipient {
  const key = kekKey(kek, source);
  return {
    scheme: ATTESTATION_AGENT_SCHEME,
    key,
    alg: WRAP_TYPE,
    kid,
    source,
    type: 'KEK-256',
    fingerprint: kekFingerprint(key),
  };
}

/** A KEK as a decryption key (`decrypt --key provider:attestation-agent:keypath=FILE`). */
export function kekDecryptionKey(kek: Uint8Array, source: string): PrivateDecryptionKey {
  return { key: kekKey(kek, source), source };
}

/** Seal the private options into the packet's JSON bytes; the IV is a parameter so vectors can be checked. */
export function sealAnnotationPacket(
  kek: KeyObject,
  kid: string,
  plaintext: Uint8Array,
  iv: Uint8Array,
): Buffer {
  const cipher = createCipheriv('aes-256-gcm', kek, iv, { authTagLength: TAG_LENGTH });
  const sealed = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  const packet: AnnotationPacket = {
    kid,
    wrapped_data: sealed.toString('base64'),
    iv: Buffer.from(iv).toString('base64'),
    wrap_type: WRAP_TYPE,
  };
  return Buffer.from(JSON.stringify(packet), 'utf8');
}

/** The packet of an item, checked field by field (E_OPTIONS): nothing here needs a key. */
export function parseAnnotationPacket(
  item: Uint8Array,
): AnnotationPacket & { sealed: Buffer; ivBytes: Buffer } {
  const what = 'an attestation-agent key annotation item';
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(item).toString('utf8'));
  } catch {
    throw new OepError('E_OPTIONS', `${what} is not JSON`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw new OepError('E_OPTIONS', `${what} is not a JSON object`);
  }
  const p = v as Record<string, unknown>;
  for (const f of ['kid', 'wrapped_data', 'iv', 'wrap_type']) {
    if (typeof p[f] !== 'string') throw new OepError('E_OPTIONS', `${what} lacks the string field "${f}"`);
  }
  const packet = p as unknown as AnnotationPacket;
  if (packet.wrap_type !== WRAP_TYPE) {
    throw new OepError(
      'E_OPTIONS',
      `${what} has wrap_type ${JSON.stringify(packet.wrap_type)}: only A256GCM is read`,
    );
  }
  const ivBytes = decodeStdBase64(packet.iv, `the iv of ${what}`);
  if (ivBytes.length !== IV_LENGTH)
    throw new OepError('E_OPTIONS', `the iv of ${what} is not ${IV_LENGTH} bytes`);
  const sealed = decodeStdBase64(packet.wrapped_data, `the wrapped_data of ${what}`);
  if (sealed.length <= TAG_LENGTH)
    throw new OepError('E_OPTIONS', `the wrapped_data of ${what} is too short`);
  return { ...packet, sealed, ivBytes };
}

function open(kek: KeyObject, iv: Buffer, sealed: Buffer): Buffer | undefined {
  try {
    const d = createDecipheriv('aes-256-gcm', kek, iv, { authTagLength: TAG_LENGTH });
    d.setAuthTag(sealed.subarray(sealed.length - TAG_LENGTH));
    return Buffer.concat([d.update(sealed.subarray(0, sealed.length - TAG_LENGTH)), d.final()]);
  } catch {
    return undefined; // another KEK: which check failed is not reported
  }
}

function isKek(key: KeyObject): boolean {
  return key.type === 'secret' && key.symmetricKeySize === KEK_LENGTH;
}

export class AttestationAgentKeyWrapper implements KeyWrapper {
  readonly scheme = ATTESTATION_AGENT_SCHEME;
  readonly annotationId = ATTESTATION_AGENT_ANNOTATION;

  recipient(pk: PublicKey): KeyRecipient {
    throw new OepError('E_KEY', `${pk.source}: a public key cannot be an attestation-agent recipient`, {
      hint: 'give provider:attestation-agent:keypath=KEK::keyid=kbs:///REPO/TYPE/TAG',
    });
  }

  async wrap(recipients: Recipient[], privateOptions: Uint8Array): Promise<Uint8Array | undefined> {
    const mine = recipients.filter((r) => r.scheme === this.scheme);
    if (mine.length === 0) return undefined;
    if (mine.length > 1) {
      throw new OepError(
        'E_USAGE',
        `${mine.length} attestation-agent recipients given: a layer carries one`,
        {
          hint: 'give one provider:attestation-agent recipient (one KEK, fetched by the guest from its KBS)',
        },
      );
    }
    const r = mine[0]!;
    if (!r.key || !isKek(r.key) || !r.kid)
      throw new OepError('E_KEY', `${r.source}: not a 32-byte KEK with a keyid`);
    return sealAnnotationPacket(r.key, r.kid, privateOptions, randomBytes(IV_LENGTH));
  }

  async unwrap(keys: DecryptionKey[], item: Uint8Array): Promise<Uint8Array | undefined> {
    const p = parseAnnotationPacket(item);
    for (const { key } of keys) {
      const opened = key && isKek(key) ? open(key, p.ivBytes, p.sealed) : undefined;
      if (opened) return opened;
    }
    return undefined;
  }

  async describe(item: Uint8Array): Promise<RecipientInfo[]> {
    const p = parseAnnotationPacket(item);
    return [{ alg: p.wrap_type, kid: p.kid }];
  }
}

/** The layer types CoCo's image-rs decrypts: OCI tar and tar+gzip (docker types become these when encrypted). */
const COCO_LAYER_TYPES = new Set<string>([MT.ociLayer, MT.ociLayerGzip]);

/**
 * Refuse a layer the guest could not open: image-rs accepts only `tar+gzip+encrypted` and `tar+encrypted`.
 * The layer selection calls it for each layer it encrypts for an attestation-agent recipient; `where` names
 * the layer for the user.
 */
export function assertCocoMediaType(mediaType: string, where: string): void {
  const oci = ociLayerMediaType(mediaType);
  if (COCO_LAYER_TYPES.has(oci)) return;
  const zstd = oci.endsWith('+zstd');
  throw new OepError(
    'E_UNSUPPORTED',
    `${where} is ${mediaType}: Confidential Containers guests (image-rs) open only tar+gzip and tar layers`,
    {
      hint: zstd
        ? 'rebuild the image with gzip compression (e.g. docker buildx --output compression=gzip), or encrypt only its gzip layers'
        : 'encrypt only tar or tar+gzip layers for an attestation-agent recipient',
    },
  );
}
