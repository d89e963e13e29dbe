/**
 * Confidential Containers' key wrapping, in-process: what guest-components' coco_keyprovider (enc_mods) writes
 * for `provider:attestation-agent:keypath=F::keyid=ID`, without the gRPC daemon. The layer's private options are
 * sealed with AES-256-GCM under a 32-byte KEK (random 12-byte IV, 16-byte tag appended) and the item is the
 * JSON packet `{"kid","wrapped_data","iv","wrap_type":"A256GCM"}`, bytes as padded standard base64. In the guest,
 * the Confidential Data Hub fetches the KEK named by `kid` (a KBS resource URI) and opens the same packet.
 * The KEK never appears in a message: only its length, and a fingerprint that is a hash of it.
 */
import { type KeyObject } from 'node:crypto';
import type { DecryptionKey, PrivateDecryptionKey } from '../private-keys.js';
import type { KeyRecipient, PublicKey, Recipient } from '../recipient.js';
import type { KeyWrapper, RecipientInfo } from './keywrapper.js';
export declare const ATTESTATION_AGENT = "attestation-agent";
/** The wrapper's scheme: ocicrypt registers a key provider NAME as the wrapper `provider.NAME`. */
export declare const ATTESTATION_AGENT_SCHEME = "provider.attestation-agent";
export declare const ATTESTATION_AGENT_ANNOTATION = "org.opencontainers.image.enc.keys.provider.attestation-agent";
export declare const WRAP_TYPE = "A256GCM";
export declare const KEK_LENGTH = 32;
/** The packet coco_keyprovider writes (AnnotationPacket), field order as serde writes it. */
export interface AnnotationPacket {
    kid: string;
    wrapped_data: string;
    iv: string;
    wrap_type: string;
}
/** A KEK as the engine carries it: a secret KeyObject, so it travels as a Recipient or a DecryptionKey. */
export declare function kekKey(kek: Uint8Array, source: string): KeyObject;
/** The recipient a KEK wraps for: `kid` is what the guest asks its KBS for. */
export declare function kekRecipient(kek: Uint8Array, kid: string, source: string): KeyRecipient;
/** A KEK as a decryption key (`decrypt --key provider:attestation-agent:keypath=FILE`). */
export declare function kekDecryptionKey(kek: Uint8Array, source: string): PrivateDecryptionKey;
/** Seal the private options into the packet's JSON bytes; the IV is a parameter so vectors can be checked. */
export declare function sealAnnotationPacket(kek: KeyObject, kid: string, plaintext: Uint8Array, iv: Uint8Array): Buffer;
/** The packet of an item, checked field by field (E_OPTIONS): nothing here needs a key. */
export declare function parseAnnotationPacket(item: Uint8Array): AnnotationPacket & {
    sealed: Buffer;
    ivBytes: Buffer;
};
export declare class AttestationAgentKeyWrapper implements KeyWrapper {
    readonly scheme = "provider.attestation-agent";
    readonly annotationId = "org.opencontainers.image.enc.keys.provider.attestation-agent";
    recipient(pk: PublicKey): KeyRecipient;
    wrap(recipients: Recipient[], privateOptions: Uint8Array): Promise<Uint8Array | undefined>;
    unwrap(keys: DecryptionKey[], item: Uint8Array): Promise<Uint8Array | undefined>;
    describe(item: Uint8Array): Promise<RecipientInfo[]>;
}
/**
 * Refuse a layer the guest could not open: image-rs accepts only `tar+gzip+encrypted` and `tar+encrypted`.
 * The layer selection calls it for each layer it encrypts for an attestation-agent recipient; `where` names
 * the layer for the user.
 */
export declare function assertCocoMediaType(mediaType: string, where: string): void;
