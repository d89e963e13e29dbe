/**
 * The key-wrapping protocols, behind one interface as in ocicrypt (keywrap/keywrap.go). Each protocol wraps
 * the layer's private options for its recipients into one opaque item that lands, base64-encoded, in its own
 * annotation; unwrap turns an item back into the private options with one of the user's private keys.
 * Adding pkcs7 or a key provider means adding a wrapper here, nothing in the orchestration.
 */
import type { DecryptionKey, Recipient } from '../keys.js';

export interface RecipientInfo {
  /** Key-management algorithm, e.g. RSA-OAEP or ECDH-ES+A256KW. */
  alg: string;
  kid?: string;
  /** For EC: the curve of the ephemeral key. */
  crv?: string;
}

export interface KeyWrapper {
  /** The recipient scheme this wrapper serves ("jwe"). */
  readonly scheme: Recipient['scheme'];
  /** The layer annotation its items go into. */
  readonly annotationId: string;
  /** Wrap for the recipients of this scheme; `undefined` when none are of it (no annotation is then written). */
  wrap(recipients: Recipient[], privateOptions: Uint8Array): Promise<Uint8Array | undefined>;
  /** Unwrap with any of the keys; `undefined` when none of them opens this item. */
  unwrap(keys: DecryptionKey[], item: Uint8Array): Promise<Uint8Array | undefined>;
  /** Who an item is wrapped for, without decrypting it (for inspect). */
  describe(item: Uint8Array): RecipientInfo[];
}
