/**
 * Parsing the private keys users decrypt with: PKCS#8 (plain or encrypted), PKCS#1, SEC1, legacy encrypted PEM,
 * JWK, DER. Every refusal names the key's source and says what to give instead; key material never appears in
 * a message.
 */
import { type KeyObject } from 'node:crypto';
import type { ProviderSpec } from './recipient.js';
export interface DecryptionKey {
    /**
     * The private key; for a certificate given on its own, the certificate's public key until it is paired;
     * absent for a key provider (`--key provider:NAME[:PARAMS]`).
     */
    key?: KeyObject;
    source: string;
    /** The key's DER X.509 certificate, when given (pkcs7 opens the recipient with its issuer and serial). */
    certificate?: Uint8Array;
    provider?: ProviderSpec;
}
/** A decryption key that is a private key (every protocol but the key providers). */
export type PrivateDecryptionKey = DecryptionKey & {
    key: KeyObject;
};
/** Private keys for decryption: PKCS#8 (plain or encrypted), PKCS#1, SEC1, legacy encrypted PEM, JWK, DER. */
export declare function parseDecryptionKeys(data: Uint8Array, source: string, passphrase?: string): PrivateDecryptionKey[];
/**
 * Certificates given as decryption keys (skopeo's `--decryption-key cert.pem`) join the private key they
 * certify, whichever key file holds it; a certificate whose private key is not given is refused by name.
 */
export declare function pairCertificates(entries: readonly DecryptionKey[]): DecryptionKey[];
