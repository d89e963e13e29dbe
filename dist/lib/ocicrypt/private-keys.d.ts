/**
 * Parsing the private keys users decrypt with: PKCS#8 (plain or encrypted), PKCS#1, SEC1, legacy encrypted PEM,
 * JWK, DER. Every refusal names the key's source and says what to give instead; key material never appears in
 * a message.
 */
import { type KeyObject } from 'node:crypto';
export interface DecryptionKey {
    key: KeyObject;
    source: string;
}
/** Private keys for decryption: PKCS#8 (plain or encrypted), PKCS#1, SEC1, legacy encrypted PEM, JWK, DER. */
export declare function parseDecryptionKeys(data: Uint8Array, source: string, passphrase?: string): DecryptionKey[];
