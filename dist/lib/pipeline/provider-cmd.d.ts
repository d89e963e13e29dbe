import type { ProviderTransport } from '../ocicrypt/keywrap/provider.js';
import type { CommandRunner } from '../registry/command.js';
import type { CmdProvider } from './provider-config.js';
/**
 * What a provider said (its stderr, a gRPC status's details) as one short line for an error message: escapes
 * and controls removed (so that a key cut by one still forms one run), anything that may be key material
 * redacted, white space collapsed, truncated. Redacted before truncation, so that no cut hides a run.
 */
export declare function providerSaid(text: string): string;
export declare function cmdTransport(name: string, cfg: CmdProvider, run: CommandRunner, timeoutMs: number, env: Record<string, string | undefined>): ProviderTransport;
/**
 * The provider's environment: ours, less the registry password and the Action's inputs (INPUT_PASSWORD and the
 * rest), which are no business of a key provider; what it may need (cloud credentials, OIDC tokens) stays.
 */
export declare function providerEnv(env: Record<string, string | undefined>): Record<string, string | undefined>;
