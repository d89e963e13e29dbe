/**
 * A recipient, protocol-neutral: a public key, where it came from and its fingerprint. The key wrapper of its
 * scheme (keywrap/*) accepted it and chose the algorithm it wraps with (as ocicrypt's addPubKeys lets each
 * wrapper take the keys it can use); the rest of the engine never looks at algorithms.
 */
import { type KeyObject } from 'node:crypto';
import type { KeyWrapper } from './keywrap/keywrapper.js';
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
/**
 * A key provider named by `provider:NAME[:PARAMS]`, as a recipient or a decryption key (ocicrypt's
 * ec.Parameters / dc.Parameters entry NAME → PARAMS).
 */
export interface ProviderSpec {
    name: string;
    /** The opaque parameters as given, or "Enabled" when none were (as ocicrypt's CLI helpers send). */
    params: Uint8Array;
    /**
     * The configured provider serving NAME for this run (its wrapper, bound to a command or a gRPC server).
     * Absent when NAME is a native provider: a wrapper of scheme `provider.NAME` in registry.ts.
     */
    wrapper?: KeyWrapper;
}
export interface Recipient {
    /** The key-wrapping protocol that wraps for this recipient ("jwe"): a scheme of the wrapper registry. */
    scheme: string;
    /** The public key; absent for a key provider, which holds its keys itself. */
    key?: KeyObject;
    /** For scheme `provider.NAME`: the provider and its parameters. */
    provider?: ProviderSpec;
    /** The key-management algorithm its wrapper chose (RSA-OAEP, ECDH-ES+A256KW, ...), for reports. */
    alg: string;
    kid?: string;
    source: string;
    /** "RSA-4096" or "EC-P-256" ("key-provider" for a provider). */
    type: string;
    /** sha256 of the SubjectPublicKeyInfo DER, hex: safe to print, identifies the key (`provider:NAME`). */
    fingerprint: string;
    /** The DER X.509 certificate, for wrappers that address a certificate (pkcs7: its issuer and serial). */
    certificate?: Uint8Array;
}
/** A recipient by public key (every protocol but the key providers). */
export type KeyRecipient = Recipient & {
    key: KeyObject;
};
/** The NIST name of an EC key's curve; undefined for other curves and other keys. */
export declare function nistCurve(key: KeyObject): string | undefined;
export declare function fingerprint(key: KeyObject): string;
/** The recipient a wrapper accepted, with the algorithm it chose. */
export declare function recipientOf(pk: PublicKey, scheme: string, alg: string): KeyRecipient;
/** The recipient `provider:NAME[:PARAMS]` (the report shows `provider:NAME`, never the parameters). */
export declare function providerRecipient(provider: ProviderSpec, source: string): Recipient;
