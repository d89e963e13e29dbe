import { type DecryptionKey } from './keys.js';
import type { Providers } from './providers.js';
export interface VerifyKey {
    key: DecryptionKey;
    /** `sha256:HEX` of the public key, or `provider:NAME`. */
    fingerprint: string;
}
/** The FP of a decryption key: its public half's, or the provider's name. */
export declare function keyFingerprint(k: DecryptionKey): string;
/**
 * `verify-private-keys`: PEM or JWK text (several blocks: several keys) and paths one a line, mixed as the user
 * likes (each as `--key` takes them: `FILE`, `FILE:file=PWFILE`, `FILE:env=VAR`, `provider:NAME[:PARAMS]`),
 * read by decryptionKeysFromText as rewrap's private-keys are. Public keys are refused: the
 * gate proves that the holder of the private key can decrypt, which a public key cannot show.
 */
export declare function verifyKeysFrom(value: string | undefined, env: Record<string, string | undefined>, providers: Providers, warn?: (line: string) => void): VerifyKey[];
