import { Certificate, EnvelopedData, KeyTransRecipientInfo } from 'pkijs';
export declare const OID_RSA_ENCRYPTION = "1.2.840.113549.1.1.1";
export declare function parseCertificate(der: Uint8Array): Certificate;
/** A recipient of an EnvelopedData: its certificate (issuer and serial) and the CEK encrypted to its key. */
export interface WrappedFor {
    certificate: Certificate;
    encryptedKey: Uint8Array;
}
/** The DER ContentInfo of an EnvelopedData, exactly in ocicrypt's shape; `seal` encrypts the CEK per recipient. */
export declare function envelope(plaintext: Uint8Array, seal: (cek: Buffer) => WrappedFor[]): Uint8Array;
/** Parse an annotation item as a ContentInfo holding EnvelopedData. */
export declare function parseEnveloped(item: Uint8Array): EnvelopedData;
/** The key-transport recipients of an EnvelopedData (other kinds ocicrypt never writes are left out). */
export declare function keyTransRecipients(env: EnvelopedData): KeyTransRecipientInfo[];
/** The issuer ("CN=..., O=...") and serial (hex) a recipient info names, when it names them (v0 does). */
export declare function issuerAndSerial(ri: KeyTransRecipientInfo): {
    issuer: string;
    serial: string;
} | undefined;
/** Whether a recipient info names this certificate (issuer and serial, as mozilla's selectRecipientForCertificate). */
export declare function namesCertificate(ri: KeyTransRecipientInfo, cert: Certificate): boolean;
/**
 * Check the content's cipher and parameters before any key is tried, so that whether an item is malformed never
 * depends on what an RSA decryption returned (no oracle): the cipher is one we read, ocicrypt's GCM has a
 * 12-byte nonce and a 16-byte tag (Go's cipher.NewGCM), a CBC IV is one block.
 */
export declare function checkContent(env: EnvelopedData): void;
/** The content cipher's key length, or undefined for a cipher we do not read. */
export declare function contentKeyLength(env: EnvelopedData): number | undefined;
/** Decrypt the content with a CEK; throws when the key is wrong (tag or padding), as a key trial expects. */
export declare function openContent(env: EnvelopedData, cek: Buffer): Buffer;
