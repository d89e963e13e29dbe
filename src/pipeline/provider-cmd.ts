/**
 * The `cmd` transport of a key provider: the request on stdin, the answer on stdout, through the host's
 * command runner (child_process in the CLI, @actions/exec in the Action). The request holds the layer key:
 * it goes to stdin only, never to a message; a failure quotes the provider's stderr, truncated to one line.
 */
import { OepError } from '../errors.js';
import type { ProviderTransport } from '../ocicrypt/keywrap/provider.js';
import type { CommandRunner } from '../registry/command.js';
import type { CmdProvider } from './provider-config.js';

const STDERR_CHARS = 300;

/** The provider's stderr as one short line for a message. */
export function stderrLine(stderr: string): string {
  const line = stderr.replace(/\s+/g, ' ').trim();
  return line.length > STDERR_CHARS ? `${line.slice(0, STDERR_CHARS)}…` : line;
}

export function cmdTransport(
  name: string,
  cfg: CmdProvider,
  run: CommandRunner,
  timeoutMs: number,
  env: Record<string, string | undefined>,
): ProviderTransport {
  const who = `key provider ${name} (${cfg.path})`;
  const hint = `check the provider's command in the key-provider configuration and that it serves ${name}`;
  return async (op, request) => {
    let r;
    try {
      r = await run(cfg.path, cfg.args, { input: request, timeoutMs, env: providerEnv(env) });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      throw new OepError('E_PROVIDER', `${who} could not be started (${code})`, { hint });
    }
    if (r.timedOut) {
      throw new OepError(
        'E_PROVIDER',
        `${who} did not answer the ${op} request within ${timeoutMs / 1000}s`,
        {
          hint,
        },
      );
    }
    if (r.code !== 0) {
      const said = stderrLine(r.stderr);
      throw new OepError(
        'E_PROVIDER',
        `${who} failed the ${op} request (exit code ${r.code ?? 'none'})${said ? `: ${said}` : ''}`,
        { hint },
      );
    }
    return Buffer.from(r.stdout, 'utf8');
  };
}

/**
 * The provider's environment: ours, less the registry password and the Action's inputs (INPUT_PASSWORD and the
 * rest), which are no business of a key provider; what it may need (cloud credentials, OIDC tokens) stays.
 */
export function providerEnv(env: Record<string, string | undefined>): Record<string, string | undefined> {
  return Object.fromEntries(
    Object.entries(env).filter(([k]) => !k.startsWith('INPUT_') && k !== 'OCI_ENCRYPT_PUSH_PASSWORD'),
  );
}
