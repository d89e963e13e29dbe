/**
 * Registry sessions for the use cases: the options every front end fills in, one connected client per host
 * (reached with retries, its auth scheme learned), and the retry policy they share.
 */
import { RegistryClient } from '../registry/client.js';
import type { CommandRunner } from '../registry/command.js';
import { findCredential, type Credential } from '../registry/credentials.js';
import type { Reference } from '../registry/reference.js';
import { DEFAULT_RETRY, retryOperation, type RetryPolicy } from '../registry/retry.js';

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

export function retryPolicy(opts: RegistryOptions, log: (line: string) => void): RetryPolicy {
  return {
    ...DEFAULT_RETRY,
    retries: opts.retries,
    ...(opts.retryBaseMs !== undefined ? { baseMs: opts.retryBaseMs } : {}),
    log,
  };
}

/**
 * The credential lookup for one registry, run once, when the registry first asks. Explicit username/password
 * belong to `explicitFor` (the image's registry): a tag on another registry must not receive them (a GitHub
 * token is no business of Docker Hub's). The log names the source per host, never the secret.
 */
/** The secret strings of a credential as they may appear anywhere: raw, and in a Basic header. */
function secretsOf(cred: Credential): string[] {
  const out = [cred.password, cred.identityToken].filter((v): v is string => !!v);
  if (cred.username && cred.password)
    out.push(Buffer.from(`${cred.username}:${cred.password}`).toString('base64'));
  return out;
}

function credentialFor(
  ref: Reference,
  explicitFor: string | undefined,
  opts: RegistryOptions,
  log: (line: string) => void,
): () => Promise<Credential | undefined> {
  const mine = ref.registry === explicitFor;
  const given = opts.username !== undefined || opts.password !== undefined;
  let cached: Promise<Credential | undefined> | undefined;
  const lookup = async () => {
    const cred = await findCredential(ref, {
      ...(mine ? { username: opts.username, password: opts.password } : {}),
      env: opts.env,
      ...(opts.runCommand ? { runCommand: opts.runCommand } : {}),
    });
    if (cred) secretsOf(cred).forEach((v) => opts.onSecret?.(v));
    const note = given && !mine ? `; username/password are for ${explicitFor} only` : '';
    log(`credentials for ${ref.registry}: ${cred ? cred.source : `none (anonymous${note})`}`);
    return cred;
  };
  return () => (cached ??= lookup());
}

/** One client per registry host, each reached (and its auth scheme learned) with retries. */
export async function connectClients(
  refs: Reference[],
  opts: RegistryOptions,
  log: (line: string) => void = () => {},
): Promise<Map<string, RegistryClient>> {
  const clients = new Map<string, RegistryClient>();
  for (const ref of refs) {
    if (clients.has(ref.apiHost)) continue;
    const credential = credentialFor(ref, refs[0]?.registry, opts, log);
    try {
      const client = await retryOperation(`connecting to ${ref.apiHost}`, retryPolicy(opts, log), () =>
        RegistryClient.connect(ref, {
          tlsVerify: opts.tlsVerify,
          ...(opts.ca ? { ca: opts.ca } : {}),
          timeoutMs: opts.timeoutMs ?? 60_000,
          env: opts.env,
          userAgent: opts.userAgent ?? 'oci-encrypt-push',
          credential,
          log,
          chunked: opts.chunked ?? false,
        }),
      );
      clients.set(ref.apiHost, client);
    } catch (err) {
      await Promise.all([...clients.values()].map((c) => c.close()));
      throw err;
    }
  }
  return clients;
}
