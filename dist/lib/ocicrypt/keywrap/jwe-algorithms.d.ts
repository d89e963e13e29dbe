import { type PublicKey } from '../recipient.js';
/** What go-jose v4 (ocicrypt >= 1.2) accepts; we accept no more. */
export declare const KEY_ALGS: readonly string[];
/** The key-management algorithm for a recipient key: its family's default, or the one its JWK declares. */
export declare function jweAlgorithm(pk: PublicKey): string;
