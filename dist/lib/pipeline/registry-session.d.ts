/**
 * Registry sessions for the use cases: the options every front end fills in, one connected client per host
 * (reached with retries, its auth scheme learned), and the retry policy they share.
 */
import { RegistryClient } from '../registry/client.js';
import type { CommandRunner } from '../registry/command.js';
import type { Reference } from '../registry/reference.js';
import { type RetryPolicy } from '../registry/retry.js';
export interface RegistryOptions {
    tlsVerify: boolean;
    /** PEM text of extra CAs. */
    ca?: string;
    /** Explicit credentials: for the registry of the first reference (the image) only, never for other tags. */
    username?: string;
    password?: string;
    retries: number;
    /** Environment the credential lookup and proxy settings read (the front end passes process.env). */
    env: Record<string, string | undefined>;
    timeoutMs?: number;
    retryBaseMs?: number;
    chunked?: boolean;
    userAgent?: string;
    /** Called with every secret a credential lookup finds (the Action masks each with core.setSecret). */
    onSecret?: (value: string) => void;
    /** Runs docker credential helpers; child_process by default. */
    runCommand?: CommandRunner;
}
export declare function retryPolicy(opts: RegistryOptions, log: (line: string) => void): RetryPolicy;
/** One client per registry host, each reached (and its auth scheme learned) with retries. */
export declare function connectClients(refs: Reference[], opts: RegistryOptions, log?: (line: string) => void): Promise<Map<string, RegistryClient>>;
