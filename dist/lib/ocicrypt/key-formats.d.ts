/** What parsing public and private keys shares: format sniffing, parse errors, private DER probing. */
import { type KeyObject } from 'node:crypto';
/** How a key file is encoded, by its first bytes: PEM anywhere in it, a JSON object, or an ASN.1 SEQUENCE. */
export declare function keyFormat(buf: Buffer, text: string): 'pem' | 'jwk' | 'der' | undefined;
export declare function parseWith<T>(fn: () => T, source: string, what: string): T;
/** The JWKs of a JWK or JWK set document. */
export declare function jwksOf(text: string, source: string): Record<string, unknown>[];
export declare function tryPrivateDer(der: Buffer, passphrase?: string): KeyObject | undefined;
/** An encrypted PKCS#8 DER asks for a passphrase: Node reports that distinctly. */
export declare function tryPrivateDerEncrypted(der: Buffer): boolean;
