/**
 * Changing who an encrypted layer opens for. A layer's AES key is wrapped per recipient in its annotations
 * (format §2), so recipients change by rewriting those annotations alone: the ciphertext, its digest and the
 * public options (the HMAC) stay as they are, as imgcrypt does when it adds recipients (format §7), except
 * that the new set replaces the old one instead of being appended to it. Removing a recipient this way does not
 * revoke anything: the layer key is the same, and whoever kept it (or the old manifest) still opens the blob.
 * A rekey is what revocation needs: a fresh key and nonce, the layer decrypted and encrypted again in one pass.
 */
import { OepError } from '../errors.js';
import type { Descriptor } from '../oci/model.js';
import type { DecryptionKey, Recipient } from './keys.js';
import type { KeyWrapper } from './keywrap/keywrapper.js';
import { type LayerOperation } from './layer.js';
export interface RewrapOptions {
    keys: DecryptionKey[];
    recipients: Recipient[];
    /** A fresh layer key and nonce, the layer re-encrypted (new blob); otherwise only the wrapped keys change. */
    rekey: boolean;
    wrappers?: readonly KeyWrapper[];
}
/**
 * Prepare the rewrap (or rekey) of one encrypted layer: its private options unwrapped with one of the keys and
 * checked usable, then wrapped for exactly the recipients, all before any byte is read. A layer no key opens
 * fails here (E_DECRYPT), so the caller can refuse before anything is written or pushed.
 */
export declare function rewrapLayer(desc: Descriptor, opts: RewrapOptions): Promise<LayerOperation>;
/** Whether a layer error is one of keys (none opens it, its options are damaged): named per layer by the caller. */
export declare function isLayerKeyError(err: unknown): err is OepError;
