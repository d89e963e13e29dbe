/**
 * Where push credentials come from, first found wins: explicit username/password → docker config.json
 * (`credHelpers`, `auths`, `credsStore`; what docker/login-action writes) → containers auth.json (podman,
 * buildah, skopeo login) → anonymous. Hosts are normalised and matched exactly, never by substring.
 * Secrets never reach a command line: credential helpers get the server on stdin, as the protocol says.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { OepError } from '../errors.js';
import { spawnCommand, type CommandRunner } from './command.js';
import { DOCKER_HUB, DOCKER_HUB_AUTH_KEY, type Reference } from './reference.js';

export interface Credential {
  username?: string;
  password?: string;
  /** An OAuth2 refresh token (docker's `identitytoken`), exchanged at the token endpoint. */
  identityToken?: string;
  /** Where it came from, for logs ("docker config /home/u/.docker/config.json"): never the secret. */
  source: string;
}

export interface CredentialOptions {
  username?: string;
  password?: string;
  /** HOME, DOCKER_CONFIG, REGISTRY_AUTH_FILE, XDG_RUNTIME_DIR, PATH as the front end read them. */
  env: Record<string, string | undefined>;
  /** Runs credential helpers; child_process by default. */
  runCommand?: CommandRunner;
}

interface AuthEntry {
  auth?: string;
  username?: string;
  password?: string;
  identitytoken?: string;
}

interface ConfigFile {
  auths?: Record<string, AuthEntry>;
  credHelpers?: Record<string, string>;
  credsStore?: string;
}

/** `https://ghcr.io/v1/` → `ghcr.io`; Docker Hub's many names → `docker.io`. Keeps a repository path. */
export function normaliseKey(key: string): string {
  let k = key.trim().replace(/^[a-z]+:\/\//, '');
  k = k.replace(/\/v[12]\/?$/, '').replace(/\/+$/, '');
  const [host, ...path] = k.split('/');
  const h = host === 'index.docker.io' || host === 'registry-1.docker.io' ? DOCKER_HUB : host!;
  return [h, ...path].join('/');
}

/** The best `auths` entry for an image: the longest key that is the registry or a repository prefix of it. */
function bestEntry<T>(map: Record<string, T> | undefined, ref: Reference): T | undefined {
  if (!map) return undefined;
  const target = `${ref.registry}/${ref.repository}`;
  let best: { len: number; value: T } | undefined;
  for (const [key, value] of Object.entries(map)) {
    const k = normaliseKey(key);
    if (k === ref.registry || target === k || target.startsWith(`${k}/`)) {
      if (!best || k.length > best.len) best = { len: k.length, value };
    }
  }
  return best?.value;
}

function fromEntry(e: AuthEntry | undefined, source: string): Credential | undefined {
  // The file is hand-editable: a field of the wrong type is ignored rather than crashing Buffer.from.
  if (!e || typeof e !== 'object') return undefined;
  if (typeof e.identitytoken === 'string' && e.identitytoken)
    return { identityToken: e.identitytoken, ...(e.username ? { username: e.username } : {}), source };
  if (typeof e.auth === 'string' && e.auth) {
    const decoded = Buffer.from(e.auth, 'base64').toString('utf8');
    const i = decoded.indexOf(':');
    if (i > 0) return { username: decoded.slice(0, i), password: decoded.slice(i + 1), source };
  }
  if (e.username && e.password) return { username: e.username, password: e.password, source };
  return undefined;
}

async function readConfig(path: string): Promise<ConfigFile | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
  try {
    return JSON.parse(text) as ConfigFile;
  } catch {
    throw new OepError('E_AUTH', `${path} is not valid JSON`, {
      hint: 'fix or remove the file, or pass username/password',
    });
  }
}

/** The server name a credential helper is asked for: what `docker login` stored it under. */
function helperServer(ref: Reference): string {
  return ref.registry === DOCKER_HUB ? DOCKER_HUB_AUTH_KEY : ref.registry;
}

/** Run `docker-credential-NAME get` with the server on stdin; undefined when it has nothing for it. */
export async function runCredentialHelper(
  name: string,
  server: string,
  env: Record<string, string | undefined>,
  run: CommandRunner = spawnCommand,
): Promise<Credential | undefined> {
  if (!/^[A-Za-z0-9._-]+$/.test(name))
    throw new OepError('E_AUTH', `credential helper name ${JSON.stringify(name)} is invalid`);
  const program = `docker-credential-${name}`;
  const { code, stdout, stderr } = await run(program, ['get'], { input: server, env }).catch(
    (err: NodeJS.ErrnoException) => {
      throw new OepError(
        'E_AUTH',
        `credential helper ${program} could not be run (${err.code ?? err.message})`,
        {
          hint: `install ${program}, or remove it from the docker config`,
        },
      );
    },
  );
  if (code !== 0) {
    if (/credentials not found/i.test(stdout + stderr)) return undefined;
    throw new OepError(
      'E_AUTH',
      `credential helper ${program} failed (exit ${code}): ${stderr.trim().split('\n')[0] ?? ''}`,
    );
  }
  return parseHelperOutput(stdout, program);
}

/** The JSON a credential helper printed for `get` (`{"Username":…,"Secret":…}`) as a credential. */
export function parseHelperOutput(stdout: string, program: string): Credential | undefined {
  let doc: { Username?: string; Secret?: string };
  try {
    doc = JSON.parse(stdout) as typeof doc;
  } catch {
    throw new OepError('E_AUTH', `credential helper ${program} did not answer with JSON`);
  }
  // As for config files: a field of the wrong type (or output that is not an object) is ignored.
  if (typeof doc?.Secret !== 'string' || !doc.Secret) return undefined;
  const source = `credential helper ${program}`;
  // Username "<token>" marks an identity token, as the docker CLI reads it.
  if (doc.Username === '<token>') return { identityToken: doc.Secret, source };
  return { username: typeof doc.Username === 'string' ? doc.Username : '', password: doc.Secret, source };
}

async function fromDockerConfig(ref: Reference, opts: CredentialOptions): Promise<Credential | undefined> {
  const { env, runCommand } = opts;
  const dir = env.DOCKER_CONFIG ?? (env.HOME ? join(env.HOME, '.docker') : undefined);
  if (!dir) return undefined;
  const path = join(dir, 'config.json');
  const cfg = await readConfig(path);
  if (!cfg) return undefined;
  const helper = bestEntry(cfg.credHelpers, ref);
  if (helper) return runCredentialHelper(helper, helperServer(ref), env, runCommand);
  const entry = fromEntry(bestEntry(cfg.auths, ref), `docker config ${path}`);
  if (entry) return entry;
  if (cfg.credsStore) return runCredentialHelper(cfg.credsStore, helperServer(ref), env, runCommand);
  return undefined;
}

async function fromContainersAuth(
  ref: Reference,
  env: CredentialOptions['env'],
): Promise<Credential | undefined> {
  const candidates = env.REGISTRY_AUTH_FILE
    ? [env.REGISTRY_AUTH_FILE]
    : [
        env.XDG_RUNTIME_DIR ? join(env.XDG_RUNTIME_DIR, 'containers', 'auth.json') : undefined,
        env.HOME ? join(env.HOME, '.config', 'containers', 'auth.json') : undefined,
      ].filter((p): p is string => p !== undefined);
  for (const path of candidates) {
    const cfg = await readConfig(path);
    const cred = fromEntry(bestEntry(cfg?.auths, ref), `containers auth file ${path}`);
    if (cred) return cred;
  }
  return undefined;
}

export async function findCredential(
  ref: Reference,
  opts: CredentialOptions,
): Promise<Credential | undefined> {
  if (opts.username !== undefined || opts.password !== undefined) {
    if (!opts.username || !opts.password) {
      throw new OepError('E_USAGE', 'username and password go together: one was given without the other', {
        hint: 'give both, or neither to use docker/podman login credentials',
      });
    }
    return { username: opts.username, password: opts.password, source: 'username/password' };
  }
  return (await fromDockerConfig(ref, opts)) ?? (await fromContainersAuth(ref, opts.env));
}
