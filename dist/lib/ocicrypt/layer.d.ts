import type { Descriptor } from '../oci/model.js';
import type { DecryptionKey, Recipient } from './keys.js';
import type { KeyWrapper, RecipientInfo } from './keywrap/keywrapper.js';
import type { LayerParams } from './loop.js';
export declare const DEFAULT_WRAPPERS: readonly KeyWrapper[];
/**
 * Each try of an item is a private-key operation per key: a hostile manifest must not buy minutes of CPU per
 * layer. ocicrypt writes one item per encryption run (recipients added later append one each).
 */
export declare const MAX_KEY_ITEMS = 64;
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
export declare function encryptLayer(desc: Descriptor, recipients: Recipient[], wrappers?: readonly KeyWrapper[]): Promise<LayerOperation>;
/** The private options wrapped for every recipient: one annotation per protocol, as ocicrypt writes them. */
export declare function wrapKeys(recipients: Recipient[], privateOptions: Uint8Array, wrappers?: readonly KeyWrapper[]): Promise<Record<string, string>>;
/**
 * Try every item of every wrapper with the keys. As ocicrypt's preUnwrapKey, a malformed item (bad base64, not
 * a JWE) does not hide the items after it; only when nothing opens does the count of malformed items matter.
 */
export declare function unwrapPrivateOptions(desc: Descriptor, keys: DecryptionKey[], wrappers: readonly KeyWrapper[]): Promise<Uint8Array>;
/** Find the layer's private options with any of the keys; the loop then checks the MAC as it decrypts. */
export declare function decryptLayer(desc: Descriptor, keys: DecryptionKey[], wrappers?: readonly KeyWrapper[]): Promise<LayerOperation>;
/**
 * A `+encrypted` layer that is passed through must look encrypted beyond its media type: the public options and
 * at least one key annotation. Without them it is plaintext (or unreadable ciphertext) under a label that
 * reports and readers take for "encrypted". `where` names the layer for the user.
 */
export declare function assertEncryptedLayer(desc: Descriptor, where: string): void;
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
/** What an encrypted layer is wrapped for, read from its annotations without any key. */
export declare function describeLayer(desc: Descriptor, wrappers?: readonly KeyWrapper[]): Promise<LayerKeysInfo>;
