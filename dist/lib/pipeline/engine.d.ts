/**
 * The library's engine: options objects named like the CLI's flags, turned into the strings the one request
 * layer (request.ts: every check, default and message) takes, then run as the front ends run them. The host's
 * concerns (workers, temp folder, logger, environment, command runner, signal) are bound once, by createEngine.
 */
import type { ImageReport } from './result.js';
import { type RunHost } from './host.js';
import { type DecryptionKey } from './keys.js';
import type { PushReport } from './push.js';
import type { CommandRunner } from '../registry/command.js';
export type { CommandResult, CommandRunner } from '../registry/command.js';
/** How to reach a registry (`--tls-verify`, `--ca-file`, `--username`, `--retries`). */
export interface RegistryFlags {
    /** Default true. */
    tlsVerify?: boolean;
    /** A PEM file, or a folder of *.crt/*.pem files, of extra CAs. */
    caFile?: string;
    /** The same as PEM text. */
    ca?: string;
    /** Explicit credentials, for the image's registry only; otherwise docker's config.json, then auth.json. */
    username?: string;
    password?: string;
    /** 0 to 20, default 3. */
    retries?: number;
}
interface Each {
    /** Stops this run (besides the engine's signal). */
    signal?: AbortSignal;
}
export interface EncryptOptions extends RegistryFlags, Each {
    /** An OCI layout folder or archive (.tar). */
    layout: string;
    refName?: string;
    /** Recipient specs as on the CLI: `jwe:FILE`, or a bare FILE. */
    recipients?: string[];
    /** Public keys as PEM or JWK text (several blocks: several recipients), as the Action's `public-keys`. */
    publicKeys?: string;
    /** Layer indexes, negative from the top (-1 is the top layer); all when left out. */
    encryptLayers?: number[] | string;
    /** `os/arch[/variant]`, all when left out. */
    platforms?: string[] | string;
    /** BuildKit attestation manifests: `drop` (the default) or `keep` unencrypted. */
    attestations?: 'drop' | 'keep';
    /** Write the encrypted layout here. */
    output?: string;
    /** Push to REPO[:TAG] (also writing `output` when given). */
    image?: string;
    /** More tags: bare tags for the image's repository, or full references. */
    tags?: string[];
    /** Read back what landed before reporting a digest (default true). */
    verify?: boolean;
    /** ocicrypt's key-provider configuration for `provider:NAME` recipients: JSON text or a path. */
    keyproviderConfig?: string;
    /**
     * A Key Broker Service (https, or http to a loopback host) where each `provider:attestation-agent[:keyid=ID]`
     * recipient without keypath gets a fresh KEK, registered last: after the push (by digest, verified, gated)
     * and before the tags, or once the output is written and gated; needs kbsAdminKey.
     */
    kbsUrl?: string;
    /** The KBS's Ed25519 admin key: PEM text, or the path of its file. */
    kbsAdminKey?: string;
    /**
     * The decryptability gate: private keys what landed must open (key files as `--verify-key` takes them, or, as a
     * string, PEM/JWK text or paths one a line, as the Action's `verify-private-keys`).
     */
    verifyKeys?: string[] | string;
    /** Recipient pinning: `sha256:HEX` (of the DER public key) or `provider:NAME` fingerprints. */
    expectRecipients?: string[] | string;
    /** The config-leak check: `warn` (the default), `fail` or `off`. */
    configSecrets?: 'warn' | 'fail' | 'off';
    /** Push blobs and manifests by digest and tag nothing (`image` is then the repository alone), for `index`. */
    pushByDigest?: boolean;
}
export type PushOptions = EncryptOptions & {
    image: string;
};
export interface DecryptOptions extends RegistryFlags, Each {
    /** An OCI layout folder or archive, or `image` (a registry reference). */
    layout?: string;
    image?: string;
    refName?: string;
    /** Private key files (`FILE`, `FILE:file=PWFILE`, `FILE:env=VAR`) or keys from parseDecryptionKeys. */
    keys: (string | DecryptionKey)[];
    /** The plaintext layout to write. */
    output: string;
    platforms?: string[] | string;
    /** ocicrypt's key-provider configuration for `provider:NAME` keys: JSON text or a path. */
    keyproviderConfig?: string;
}
/**
 * Rewrap: change who an encrypted image opens for. Removing a recipient this way revokes nothing (the layer key
 * is unchanged): `rekey` re-encrypts with fresh keys, which revocation needs.
 */
export interface RewrapOptions extends RegistryFlags, Each {
    /** The image to rewrap: an OCI layout folder or archive, or `from` (a registry reference). */
    layout?: string;
    from?: string;
    refName?: string;
    /** Keys that open the layers, as decrypt's `keys`. */
    keys: (string | DecryptionKey)[];
    /** Exactly who the image opens for afterwards: recipient specs (`jwe:FILE`, `pkcs7:CERT`, `provider:NAME`). */
    recipients?: string[];
    /** The same as public key text (several blocks: several recipients). */
    publicKeys?: string;
    /** Re-encrypt every encrypted layer with a fresh key (new blobs) instead of rewrapping its key. */
    rekey?: boolean;
    /** Write the rewrapped image as a layout here, or push it to `image` (and `tags`). */
    output?: string;
    image?: string;
    tags?: string[];
    /** Read back what landed before reporting a digest (default true). */
    verify?: boolean;
    keyproviderConfig?: string;
    /** Recipient pinning: the recipients must be exactly these `sha256:HEX` or `provider:NAME` fingerprints. */
    expectRecipients?: string[] | string;
}
/** Index: one OCI index over images already in the registry (each platform pushed by digest), then tagged. */
export interface IndexOptions extends RegistryFlags, Each {
    /** REPO[:TAG] the index goes to (latest when neither it nor `tags` names a tag). */
    image: string;
    tags?: string[];
    /** Each platform's image: `REPO@sha256:…`, or a bare `sha256:…` in the image's repository. */
    sources?: string[];
    /** …or a folder of digest files (named by, or holding, one digest each), as a matrix's jobs upload them. */
    digestsDir?: string;
    /** Refuse a source with a layer that is not encrypted (default true). */
    requireEncrypted?: boolean;
}
export interface InspectOptions extends RegistryFlags, Each {
    layout?: string;
    image?: string;
    refName?: string;
}
/** What the host supplies; createEngine (index.ts) fills in the defaults. */
export interface EngineHost extends Pick<RunHost, 'concurrency' | 'workerScript' | 'signal' | 'log'> {
    /** The environment credentials (DOCKER_CONFIG, HOME, REGISTRY_AUTH_FILE…) and proxies are read from. */
    env: Record<string, string | undefined>;
    /** Runs docker credential helpers and key-provider commands. */
    runCommand?: CommandRunner;
    userAgent?: string;
}
export interface Engine {
    /** Encrypt into `output`, or, with `image`, encrypt and push (the result then says where). */
    encrypt(opts: PushOptions): Promise<PushReport>;
    encrypt(opts: EncryptOptions): Promise<ImageReport>;
    push(opts: PushOptions): Promise<PushReport>;
    decrypt(opts: DecryptOptions): Promise<ImageReport>;
    inspect(opts: InspectOptions): Promise<ImageReport>;
    /** Rewrap into `output` (an ImageReport), or push to `image` (then a PushReport). */
    rewrap(opts: RewrapOptions & {
        image: string;
    }): Promise<PushReport>;
    rewrap(opts: RewrapOptions): Promise<ImageReport | PushReport>;
    /** Push an index over `sources` to `image`, verify it, then tag it. */
    index(opts: IndexOptions): Promise<PushReport>;
    /** Remove the staging folders of runs under way, synchronously (for a host's signal handler). */
    removeTempsSync(): void;
}
export declare function engineFor(host: EngineHost): Engine;
