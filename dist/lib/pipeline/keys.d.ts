import { type DecryptionKey, type Recipient } from '../ocicrypt/keys.js';
import { type Providers } from './providers.js';
export { parseDecryptionKeys, parseRecipients, type DecryptionKey, type Recipient, } from '../ocicrypt/keys.js';
/**
 * `SCHEME:FILE` for a scheme the engine has a key wrapper for (`jwe`, `pkcs7`), or a bare FILE meaning
 * `jwe:FILE` (skopeo's --encryption-key takes it with its prefix). Key providers are
 * `provider:NAME[:PARAMS]`; other protocols (pgp) are refused by name.
 */
export declare function recipientsFromSpec(spec: string, input: string, providers?: Providers): Recipient[];
/**
 * `FILE`, `FILE:PASSPHRASE`, `FILE:pass=PW`, `FILE:file=PWFILE`, `FILE:env=VAR`. The last two keep the
 * passphrase off the command line, where other users of the machine could read it; the others are accepted
 * (skopeo takes them) with a warning.
 */
export declare function decryptionKeysFromSpec(spec: string, env: Record<string, string | undefined>, warn: (line: string) => void, providers?: Providers, input?: string): DecryptionKey[];
/** The keys of a decrypt (or rewrap): specs as above, or keys already parsed; at least one. */
export declare function decryptionKeysFrom(keys: readonly (string | DecryptionKey)[], env: Record<string, string | undefined>, warn: (line: string) => void, providers?: Providers, command?: 'decrypt' | 'rewrap'): DecryptionKey[];
