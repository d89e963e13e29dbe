import { type AttestationMode } from './attestations.js';
import type { KbsRegistrar } from './kbs.js';
import { type ConfigSecretsMode } from './config-check.js';
import type { Recipient } from './keys.js';
import type { CommandRunner } from '../registry/command.js';
import { type Providers } from './providers.js';
import type { RegistryOptions } from './registry-session.js';
import { platformsFrom, type InputName } from './request-values.js';
import { type VerifyKey } from './verify-keys.js';
export * from './request-values.js';
export { recipientFingerprint } from './recipient-pins.js';
export type Command = 'encrypt' | 'decrypt' | 'inspect' | 'rewrap' | 'index';
/** The raw inputs, as a front end read them: lists already split, everything else as given. */
export type RequestStrings = Partial<Record<Exclude<InputName, 'tags' | 'recipients' | 'sources'>, string>> & {
    tags?: string[];
    recipients?: string[];
    sources?: string[];
};
/** Where the result goes besides the front end's own outputs. */
export interface ResultFiles {
    digestFile?: string;
    report?: string;
    /** Tekton's IMAGE_DIGEST, IMAGE_URL, IMAGE_REF and IMAGES files. */
    resultsDir?: string;
}
export interface Request {
    command: Command;
    /** The layout to read; for decrypt and inspect, this or `image`. */
    layout?: string;
    refName?: string;
    /** Where to push (encrypt, rewrap) or read from (decrypt, inspect). */
    image?: string;
    /** rewrap: the registry image to read (`--from`), instead of a layout. */
    from?: string;
    /** rewrap: re-encrypt every encrypted layer with fresh keys (new blobs) instead of rewrapping its key. */
    rekey?: boolean;
    tags: string[];
    output?: string;
    /** encrypt: push blobs and manifests by digest, tag nothing (push-by-digest). */
    pushByDigest?: boolean;
    /** index: each platform's image, `registry/repository@digest`, all in the image's registry. */
    sources?: string[];
    /** index: refuse a source manifest with a plaintext layer (require-encrypted, default true). */
    requireEncrypted?: boolean;
    recipients: Recipient[];
    encryptLayers?: number[];
    platforms?: ReturnType<typeof platformsFrom>;
    attestations: AttestationMode;
    verify: boolean;
    showSummary: boolean;
    /** How to reach a registry, used when `image` is set. */
    registry: RegistryOptions;
    results: ResultFiles;
    /** Key providers (`provider:NAME`), configured by keyprovider-config: for a decrypt's keys too. */
    providers: Providers;
    /** The KBS (kbs-url, kbs-admin-key) that is to hold the KEKs made for the recipients, before any tag. */
    kbs?: KbsRegistrar;
    /** The decryptability gate's keys (verify-private-keys): what landed must open for each. */
    verifyKeys: VerifyKey[];
    /** The config-leak check (config-secrets). */
    configSecrets: ConfigSecretsMode;
}
/** What only the host knows: the environment credentials are looked up in, and who is asking. */
export interface RequestHost {
    env: Record<string, string | undefined>;
    userAgent: string;
    /** Runs key-provider commands (the Action: @actions/exec); node:child_process when left out. */
    runCommand?: CommandRunner;
}
/** Strings → a checked request, in the order a user would fix them. Reads only the key and CA files named. */
export declare function fromStrings(command: Command, s: RequestStrings, host: RequestHost): Request;
