import { OepError } from '../errors.js';
import { KbsRegistrar } from './kbs.js';
import { type Recipient } from './keys.js';
import type { Providers } from './providers.js';
/** The inputs a request is built from, keyed by the contract's names (action.yml, CLI flags without `--`). */
export type InputName = 'layout' | 'ref-name' | 'image' | 'tags' | 'public-keys' | 'recipients' | 'encrypt-layers' | 'platforms' | 'username' | 'password' | 'tls-verify' | 'ca-cert' | 'retries' | 'verify' | 'output' | 'digest-file' | 'report' | 'results-dir' | 'show-summary' | 'attestations' | 'keyprovider-config' | 'kbs-url' | 'kbs-admin-key' | 'from' | 'private-keys' | 'rekey' | 'verify-private-keys' | 'expect-recipients' | 'config-secrets' | 'push-by-digest' | 'sources' | 'digests-dir' | 'require-encrypted';
export declare const DEFAULT_RETRIES = 3;
export declare function inputError(name: InputName, message: string, hint?: string): OepError;
/** True when `text` starts with the input name as a word (`layout: …`, `layout x …`), not `layouts/…`. */
export declare function startsWithName(text: string, name: string): boolean;
export declare function parseBool(name: InputName, value: string | undefined, dflt: boolean): boolean;
export declare function retriesFrom(value: string | undefined): number;
/**
 * ca-cert (`--ca-file`) takes PEM text, a path to a PEM file, or a folder of *.crt/*.pem files. Every
 * certificate must parse: Node's TLS silently ignores a CA it cannot read, and the user would get "certificate
 * not trusted" instead.
 */
export declare function caFrom(value: string | undefined): string | undefined;
/**
 * The image to push: `image`, or else the first full reference among `tags` (metadata-action style). Bare tags
 * with no image have no repository to go to: an error, not a silent layout-only run.
 */
export declare function imageFrom(inputs: {
    image?: string;
    tags: string[];
}): {
    image?: string;
    tags: string[];
};
export declare function platformsFrom(value: string | undefined): import("../oci/platform.js").Platform[] | undefined;
/** An error about a key named by a path (`keys/a.pem is a private key`) names the input it came from first. */
export declare function fromInput<T>(name: InputName, fn: () => T): T;
/** public-keys (key text from a secret) and recipients (`jwe:FILE` specs), all parsed and checked. */
export declare function recipientsFrom(inputs: {
    'public-keys'?: string;
    recipients: string[];
}, providers?: Providers): Recipient[];
/** A result file's folder must be writable before the work: a typo must not fail the run after the push. */
export declare function writablePath(name: InputName, value: string | undefined): string | undefined;
/**
 * kbs-url and kbs-admin-key (the Ed25519 admin key: PEM text, or the path of its file) register the KEKs of
 * `provider:attestation-agent` recipients without keypath at a KBS: both or neither. The key is never echoed.
 */
export declare function kbsFrom(url: string | undefined, adminKey: string | undefined): KbsRegistrar | undefined;
