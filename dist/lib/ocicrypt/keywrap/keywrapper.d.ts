/**
 * The key-wrapping protocols, behind one interface as in ocicrypt (keywrap/keywrap.go). Each protocol wraps
 * the layer's private options for its recipients into one opaque item that lands, base64-encoded, in its own
 * annotation; unwrap turns an item back into the private options with one of the user's private keys.
 * Each wrapper also owns its algorithms: it accepts the public keys it can wrap to and chooses how (ocicrypt's
 * addPubKeys). Adding pkcs7 or a key provider means one file here and one line in registry.ts.
 */
import type { DecryptionKey } from '../private-keys.js';
import type { KeyRecipient, PublicKey, Recipient } from '../recipient.js';
export interface RecipientInfo {
    /** Key-management algorithm, e.g. RSA-OAEP or ECDH-ES+A256KW. */
    alg: string;
    kid?: string;
    /** For EC: the curve of the ephemeral key. */
    crv?: string;
    /** For pkcs7: the recipient certificate's issuer ("CN=..., O=...") and serial number (hex). */
    issuer?: string;
    serial?: string;
}
export interface KeyWrapper {
    /** The recipient scheme this wrapper serves ("jwe"): the prefix of a recipient spec. */
    readonly scheme: string;
    /** The layer annotation its items go into. */
    readonly annotationId: string;
    /** Accept a public key as a recipient of this scheme, choosing its algorithm; an OepError (E_KEY) if unusable. */
    recipient(key: PublicKey): KeyRecipient;
    /** Wrap for the recipients of this scheme; `undefined` when none are of it (no annotation is then written). */
    wrap(recipients: Recipient[], privateOptions: Uint8Array): Promise<Uint8Array | undefined>;
    /** Unwrap with any of the keys; `undefined` when none of them opens this item. */
    unwrap(keys: DecryptionKey[], item: Uint8Array): Promise<Uint8Array | undefined>;
    /**
     * Who an item is wrapped for, without decrypting it (for inspect and reports). Async so that a wrapper may load
     * its parser with its first item (pkcs7), rather than every run at start-up.
     */
    describe(item: Uint8Array): Promise<RecipientInfo[]>;
    /**
     * For a native key provider (scheme `provider.NAME`, served in-process): check the PARAMS of
     * `provider:NAME:PARAMS` when the request is read, as a recipient (`encrypt`) or a key (`decrypt`).
     */
    checkProviderParams?(params: Uint8Array, use: 'encrypt' | 'decrypt', source: string): void;
}
