/**
 * The `cmd` transport of a key provider: the request on stdin, the answer on stdout, through the host's
 * command runner (child_process in the CLI, @actions/exec in the Action). The request holds the layer key:
 * it goes to stdin only, never to a message; a failure quotes the provider's stderr, scrubbed and truncated.
 */
import { OepError } from '../errors.js';
import type { ProviderTransport } from '../ocicrypt/keywrap/provider.js';
import type { CommandRunner } from '../registry/command.js';
import type { CmdProvider } from './provider-config.js';

const STDERR_CHARS = 300;

/** Terminal escape sequences (CSI, OSC, two-byte ESC): a provider's colours, or a forged terminal line. */
const ANSI = /\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-_])/g;
/** Controls other than white space, bidi marks and overrides, zero-width characters. */
const CONTROLS = /[\x00-\x08\x0e-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;
/**
 * Runs of base64, base64url or hex (a backslash too, for JSON's escaped `\/`) of 32 characters or more: 24
 * bytes and up, the size of a key, or of the request's base64 optsdata should the provider echo its input.
 */
const KEY_LIKE = /[A-Za-z0-9+/_\\-]{32,}={0,2}/g;

/**
 * What a provider said (its stderr, a gRPC status's details) as one short line for an error message: escapes
 * and controls removed (so that a key cut by one still forms one run), anything that may be key material
 * redacted, white space collapsed, truncated. Redacted before truncation, so that no cut hides a run.
 */
export function providerSaid(text: string): string {
  const line = text
    .replace(ANSI, '')
    .replace(CONTROLS, '')
    .replace(KEY_LIKE, '[redacted]')
    .replace(/\s+/g, ' ')
    .trim();
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
      const said = providerSaid(r.stderr);
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
