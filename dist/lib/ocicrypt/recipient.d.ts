/**
 * A recipient, protocol-neutral: a public key, where it came from and its fingerprint. The key wrapper of its
 * scheme (keywrap/*) accepted it and chose the algorithm it wraps with (as ocicrypt's addPubKeys lets each
 * wrapper take the keys it can use); the rest of the engine never looks at algorithms.
 */
import { type KeyObject } from 'node:crypto';
/** A public key as parsed, before any protocol looked at it. */
export interface PublicKey {
    key: KeyObject;
    /** Where the key came from, for messages and reports ("keys/alice.pem", "public-keys block 2"). */
    source: string;
    /** What the key's own format declares about its use (a JWK's alg and kid): its wrapper honours or refuses it. */
    declared?: {
        alg?: unknown;
        kid?: unknown;
    };
    /** The DER X.509 certificate the key came from, if it came from one (pkcs7 recipients are certificates). */
    certificate?: Uint8Array;
}
export interface Recipient {
    /** The key-wrapping protocol that wraps for this recipient ("jwe"): a scheme of the wrapper registry. */
    scheme: string;
    key: KeyObject;
    /** The key-management algorithm its wrapper chose (RSA-OAEP, ECDH-ES+A256KW, ...), for reports. */
    alg: string;
    kid?: string;
    source: string;
    /** "RSA-4096" or "EC-P-256". */
    type: string;
    /** sha256 of the SubjectPublicKeyInfo DER, hex: safe to print, identifies the key. */
    fingerprint: string;
    /** The DER X.509 certificate, for wrappers that address a certificate (pkcs7: its issuer and serial). */
    certificate?: Uint8Array;
}
/** The NIST name of an EC key's curve; undefined for other curves and other keys. */
export declare function nistCurve(key: KeyObject): string | undefined;
export declare function fingerprint(key: KeyObject): string;
/** The recipient a wrapper accepted, with the algorithm it chose. */
export declare function recipientOf(pk: PublicKey, scheme: string, alg: string): Recipient;
