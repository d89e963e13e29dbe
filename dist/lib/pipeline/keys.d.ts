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
/**
 * A value that holds keys as a secret holds them and as files alike, read line by line: PEM blocks (several:
 * several keys) or one JWK value are key text; every other non-blank line is a spec as `--key` takes it (`FILE`,
 * `FILE:file=PWFILE`, `FILE:env=VAR`, `provider:NAME[:PARAMS]`). Nothing is skipped: a line outside a block that
 * names no key fails as a file that cannot be read, so a gate never checks fewer keys than were listed.
 */
export declare function decryptionKeysFromText(text: string, env: Record<string, string | undefined>, warn: (line: string) => void, providers: Providers | undefined, input: string): DecryptionKey[];
