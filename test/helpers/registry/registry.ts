/**
 * Start a real distribution 2.8 registry (Debian's `docker-registry`) on 127.0.0.1 for one test, in one of the
 * three modes design.md names: plain HTTP, TLS + htpasswd, TLS + token auth (with our token issuer).
 *
 *   const reg = await startRegistry({ mode: 'token' });
 *   t.after(() => reg.stop());
 *
 * Why it is built this way:
 * - distribution cannot listen on port 0 and report the port, so we pick a free one (bind :0, read, close) and
 *   retry with another if the registry loses the race ("address already in use").
 * - htpasswd must be bcrypt for distribution; bcryptjs is not installed, so `htpasswd -B` (apache2-utils) makes
 *   the file, password on stdin (never argv).
 * - The registry runs under a tiny sh watchdog that holds our stdin pipe: when this process dies in any way
 *   (test-runner timeout, SIGKILL), the pipe closes and the watchdog kills the registry. No orphans on the port.
 * - REGISTRY_* variables from the environment would override the config file: they are dropped.
 * - Its stdout+stderr (log level warn plus the access log) go to a file: `logs()` for debugging a failure.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TestContext } from 'node:test';
import { needPeer } from '../peers.js';
import { fetchSimple } from './http.js';
import { startTokenIssuer, type TokenIssuer, type TokenIssuerOptions } from './token-server.js';
import { sharedPki, type Pki, type ServerTls } from './tls.js';

export type RegistryMode = 'plain' | 'htpasswd' | 'token';

export interface RegistryOptions {
  mode: RegistryMode;
  /** name -> password; default one random user 'tester'. Used by htpasswd and by the token issuer. */
  users?: Record<string, string>;
  /** Token mode: the realm the registry advertises (default: the issuer's /token), e.g. a fault proxy's URL. */
  tokenRealm?: string;
  /** Token mode: use this issuer (started by the test, not stopped by stop()) instead of starting one. */
  issuer?: TokenIssuer;
  /** Token mode: options for the issuer startRegistry starts (users and pki come from here). */
  tokenOptions?: Omit<TokenIssuerOptions, 'users' | 'pki'>;
  /** http.relativeurls: answer relative Location headers (default false, distribution's default: absolute). */
  relativeUrls?: boolean;
  pki?: Pki;
  /** Time to wait for /v2/ to answer (default 20 s). */
  startTimeoutMs?: number;
  /** Where its folder (config, log, storage) is made: the system's temp folder unless given (the bench: a tmpfs). */
  root?: string;
}

export interface Registry {
  mode: RegistryMode;
  /** '127.0.0.1:PORT', the registry part of an image reference. */
  host: string;
  /** 'http://127.0.0.1:PORT' (plain) or 'https://127.0.0.1:PORT'. */
  url: string;
  /** CA to trust (TLS modes). */
  caFile: string | undefined;
  /** Server certificate and key (TLS modes), so a fault proxy can present the same identity. */
  tls: ServerTls | undefined;
  /** Filesystem storage root: tests may look at blobs as stored. */
  storageDir: string;
  /** The first user (also in plain mode, where nothing checks it). */
  username: string;
  password: string;
  users: Record<string, string>;
  /** Token mode: the issuer the registry trusts. */
  token: TokenIssuer | undefined;
  configFile: string;
  logFile: string;
  /** The registry's log so far. */
  logs(): string;
  /** Kill the registry (and the issuer it started); remove its files. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Call first in a test that starts a registry: skips (or fails under CI=true) when a peer the mode needs is
 * missing — docker-registry always, openssl for TLS, htpasswd (apache2-utils) for htpasswd mode.
 */
export function needRegistry(t: TestContext, mode: RegistryMode): boolean {
  if (!needPeer(t, 'docker-registry')) return false;
  if (mode !== 'plain' && !needPeer(t, 'openssl')) return false;
  if (mode === 'htpasswd' && !needPeer(t, 'htpasswd')) return false;
  return true;
}

/** A port free right now on 127.0.0.1 (the registry may still lose it to someone else: startRegistry retries). */
export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve, reject) => {
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = srv.address() as AddressInfo;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

/** One bcrypt htpasswd line per user, made by `htpasswd -niB` (apache2-utils); the password goes on stdin. */
export function htpasswdLines(users: Record<string, string>): string {
  return Object.entries(users)
    .map(([name, password]) => {
      try {
        return execFileSync('htpasswd', ['-niB', name], {
          input: `${password}\n`,
          encoding: 'utf8',
          stdio: ['pipe', 'pipe', 'pipe'],
        }).trim();
      } catch (e) {
        throw new Error(`htpasswd -B (Debian apache2-utils) is needed for htpasswd mode: ${String(e)}`);
      }
    })
    .join('\n');
}

type Yaml = string | number | boolean | { [k: string]: Yaml };

/** Enough YAML for the config: nested maps; scalars JSON-quoted (JSON strings are YAML strings). */
function toYaml(v: { [k: string]: Yaml }, indent = ''): string {
  return Object.entries(v)
    .map(([k, val]) =>
      typeof val === 'object'
        ? `${indent}${k}:\n${toYaml(val, `${indent}  `)}`
        : `${indent}${k}: ${JSON.stringify(val)}\n`,
    )
    .join('');
}

// sh watchdog: $1 config, $2 pid file. fd 3 keeps our stdin pipe (background jobs get /dev/null otherwise);
// EOF on it (stop(), or this process dying) kills the registry; the script exits with the registry's status.
const WATCHDOG = `exec 3<&0
docker-registry serve "$1" </dev/null &
reg=$!
echo "$reg" > "$2"
( read -r _ <&3; kill "$reg" 2>/dev/null ) &
watch=$!
wait "$reg"; st=$?
kill "$watch" 2>/dev/null
exit $st
`;

const live = new Set<() => void>();
let exitHookInstalled = false;
function onProcessExit(kill: () => void): () => void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    // Last registered first: a registry is killed before its directory is removed.
    process.once('exit', () => {
      for (const k of [...live].reverse()) k();
    });
  }
  live.add(kill);
  return () => live.delete(kill);
}

export async function startRegistry(opts: RegistryOptions): Promise<Registry> {
  const pki = opts.pki ?? sharedPki();
  const users = opts.users ?? { tester: randomBytes(12).toString('hex') };
  const [first] = Object.entries(users);
  const tlsOn = opts.mode !== 'plain';
  const dir = mkdtempSync(join(opts.root ?? tmpdir(), `oep-registry-${opts.mode}-`));
  const storageDir = join(dir, 'storage');
  mkdirSync(storageDir);
  const configFile = join(dir, 'config.yml');
  const logFile = join(dir, 'registry.log');
  const pidFile = join(dir, 'registry.pid');

  let issuer: TokenIssuer | undefined;
  const cleanups: (() => Promise<void> | void)[] = [];
  const cleanup = async () => {
    for (const c of cleanups.reverse()) await c();
    cleanups.length = 0;
  };
  // stop() removes the directory; so does process exit when a test forgot to stop (not a SIGKILL, though).
  const unhookDir = onProcessExit(() => rmSync(dir, { recursive: true, force: true }));
  cleanups.push(() => {
    rmSync(dir, { recursive: true, force: true });
    unhookDir();
  });

  try {
    let auth: { [k: string]: Yaml } | undefined;
    if (opts.mode === 'htpasswd') {
      const file = join(dir, 'htpasswd');
      writeFileSync(file, `${htpasswdLines(users)}\n`);
      auth = { htpasswd: { realm: 'oep-test', path: file } };
    } else if (opts.mode === 'token') {
      issuer = opts.issuer;
      if (!issuer) {
        issuer = await startTokenIssuer({ ...opts.tokenOptions, users, pki });
        const iss = issuer;
        cleanups.push(() => iss.close());
      }
      auth = {
        token: {
          realm: opts.tokenRealm ?? issuer.realm,
          service: issuer.service,
          issuer: issuer.issuer,
          rootcertbundle: issuer.certFile,
        },
      };
    }

    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const http: { [k: string]: Yaml } = {
        addr: `127.0.0.1:${port}`,
        // An explicit secret: without one 2.8 makes its own and warns (harmless for one instance, noise in the log).
        secret: randomBytes(16).toString('hex'),
        relativeurls: opts.relativeUrls ?? false,
        // No `debug` key: the debug/metrics server stays off (it would want another port).
      };
      if (tlsOn) http.tls = { certificate: pki.server.certFile, key: pki.server.keyFile };
      const config: { [k: string]: Yaml } = {
        version: '0.1',
        log: { level: 'warn', formatter: 'text' },
        storage: {
          filesystem: { rootdirectory: storageDir },
          delete: { enabled: true },
          // The purger walks _uploads at start: pointless for a registry that lives seconds.
          maintenance: { uploadpurging: { enabled: false } },
        },
        http,
        ...(auth ? { auth } : {}),
      };
      writeFileSync(configFile, toYaml(config));

      const started = await launch(port, attempt);
      if (started !== 'port-taken') return started;
      if (attempt >= 5) throw new Error(`docker-registry: no free port after ${attempt} attempts`);
    }
  } catch (e) {
    await cleanup();
    throw e;
  }

  async function launch(port: number, attempt: number): Promise<Registry | 'port-taken'> {
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('REGISTRY_')));
    const logFd = openSync(logFile, 'a');
    let child: ChildProcess;
    try {
      child = spawn('sh', ['-c', WATCHDOG, 'oep-registry-watchdog', configFile, pidFile], {
        stdio: ['pipe', logFd, logFd],
        env,
      });
    } finally {
      closeSync(logFd);
    }
    let exitCode: number | null | undefined;
    // 'exit' normally; 'error' alone when sh itself cannot be spawned.
    const exited = new Promise<void>((resolve) => {
      child.once('exit', (code, signal) => {
        exitCode = code ?? (signal ? -1 : null);
        resolve();
      });
      child.once('error', () => {
        exitCode ??= -1;
        resolve();
      });
    });
    const registryPid = (): number | undefined => {
      try {
        const n = Number(readFileSync(pidFile, 'utf8').trim());
        return n > 0 ? n : undefined;
      } catch {
        return undefined;
      }
    };
    const hardKill = () => {
      const pid = registryPid();
      for (const p of [pid, child.pid]) {
        if (p === undefined) continue;
        try {
          process.kill(p, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }
    };
    const unhook = onProcessExit(hardKill);
    let stopping: Promise<void> | undefined;
    const stopChild = (): Promise<void> => {
      stopping ??= (async () => {
        child.stdin?.end(); // the watchdog sees EOF and kills the registry
        const timedOut = await Promise.race([
          exited.then(() => false),
          sleep(5000, undefined, { ref: false }).then(() => true),
        ]);
        if (timedOut) {
          hardKill();
          await exited;
        }
        unhook();
      })();
      return stopping;
    };

    const url = `${tlsOn ? 'https' : 'http'}://127.0.0.1:${port}`;
    const deadline = Date.now() + (opts.startTimeoutMs ?? 20_000);
    const readLog = () => {
      try {
        return readFileSync(logFile, 'utf8');
      } catch {
        return '';
      }
    };
    for (;;) {
      if (exitCode !== undefined) {
        const log = readLog();
        await stopChild();
        if (/address already in use/.test(log)) {
          writeFileSync(logFile, `${log}\n[harness] port ${port} taken (attempt ${attempt}), retrying\n`);
          return 'port-taken';
        }
        throw new Error(`docker-registry exited (${exitCode}) before answering on ${url}:\n${log}`);
      }
      if (Date.now() > deadline) {
        await stopChild();
        throw new Error(`docker-registry did not answer GET ${url}/v2/ in time:\n${readLog()}`);
      }
      try {
        const r = await fetchSimple(`${url}/v2/`, { caFile: pki.server.caFile, timeoutMs: 2000 });
        if (r.status === 200 || r.status === 401) break;
      } catch {
        /* not listening yet */
      }
      await sleep(50);
    }

    let stopped: Promise<void> | undefined;
    return {
      mode: opts.mode,
      host: `127.0.0.1:${port}`,
      url,
      caFile: tlsOn ? pki.server.caFile : undefined,
      tls: tlsOn ? pki.server : undefined,
      storageDir,
      username: first?.[0] ?? '',
      password: first?.[1] ?? '',
      users,
      token: issuer,
      configFile,
      logFile,
      logs: readLog,
      stop() {
        stopped ??= (async () => {
          await stopChild();
          await cleanup();
        })();
        return stopped;
      },
    };
  }
}

/**
 * startRegistry for one test: stopped when the test ends, the tail of its log printed as a test diagnostic when
 * the test failed (`passed` exists at run time on Node 20 but not in @types/node 20, hence the cast).
 */
export async function useRegistry(t: TestContext, opts: RegistryOptions): Promise<Registry> {
  const reg = await startRegistry(opts);
  t.after(async () => {
    if ((t as TestContext & { passed?: boolean }).passed === false) {
      t.diagnostic(`docker-registry log (${reg.logFile}):\n${reg.logs().slice(-4000)}`);
    }
    await reg.stop();
  });
  return reg;
}
