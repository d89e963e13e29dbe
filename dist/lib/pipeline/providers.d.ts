import { type DecryptionKey, type Recipient } from '../ocicrypt/keys.js';
import { type CommandRunner } from '../registry/command.js';
import type { KbsRegistrar } from './kbs.js';
export declare const DEFAULT_PROVIDER_TIMEOUT_MS = 60000;
/** What resolving a provider needs: the keyprovider-config value, the environment, how to run commands. */
export interface ProviderContext {
    config?: string;
    env: Record<string, string | undefined>;
    runCommand?: CommandRunner;
    timeoutMs?: number;
    /** kbs-url and kbs-admin-key: attestation-agent recipients without keypath get a KEK registered there. */
    kbs?: KbsRegistrar;
    /** Plaintext gRPC to a provider off this machine (OCI_ENCRYPT_PUSH_KEYPROVIDER_PLAINTEXT=1): refused otherwise. */
    allowPlaintext?: boolean;
}
export interface Providers {
    recipient(spec: string, input: string): Recipient;
    key(spec: string): DecryptionKey;
}
export declare function isProviderSpec(spec: string): boolean;
/** The resolver of one request: one wrapper per configured provider, shared by its recipients and keys. */
export declare function providersFor(ctx: ProviderContext): Providers;
