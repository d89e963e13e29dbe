import type { ProviderTransport } from '../ocicrypt/keywrap/provider.js';
import type { CommandRunner } from '../registry/command.js';
import type { CmdProvider } from './provider-config.js';
/** The provider's stderr as one short line for a message. */
export declare function stderrLine(stderr: string): string;
export declare function cmdTransport(name: string, cfg: CmdProvider, run: CommandRunner, timeoutMs: number): ProviderTransport;
