/**
 * A small token issuer in the manner of Docker's auth server (the "token" scheme of the distribution spec), for the
 * registry's token-auth mode. It listens on 127.0.0.1 (HTTPS with the shared test PKI by default) and answers
 *
 *   GET /token?service=S&scope=repository:NAME:pull,push[&scope=...]   (Basic auth optional)
 *
 * with {token, access_token, expires_in, issued_at}. The JWT is RS256, signed with the issuer key, its header
 * carrying `x5c` = [issuer certificate]: distribution 2.8 verifies that chain against `rootcertbundle` and then
 * checks iss, aud (= service), exp/nbf (with 60 s leeway) and `access`.
 *
 * Grants: a user with the right password gets every action asked for; a wrong password is a 401; anonymous
 * gets `pull` only (no push), unless `anonymousPull: false`. `policy` overrides this per scope, so tests can
 * withhold e.g. pull on a mount source. Every request is recorded in `requests` for assertions.
 */
import { randomUUID } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { importPKCS8, SignJWT } from 'jose';
import { sharedPki, type Pki } from './tls.js';

/** distribution 2.8's clock-skew allowance on exp and nbf (registry/auth/token/token.go, `Leeway`). */
export const DISTRIBUTION_LEEWAY_SECONDS = 60;

export interface Access {
  type: string;
  name: string;
  actions: string[];
}

export interface TokenRequestRecord {
  /** Query `service`, as sent. */
  service: string | undefined;
  /** Every scope string asked for, split on spaces and across repeated `scope` params, in order. */
  scopes: string[];
  /** Basic-auth user name, undefined when anonymous. */
  user: string | undefined;
  /** 200 with a token, 401 for bad credentials, 400/404/405 for a malformed request. */
  status: number;
  /** What the token grants (empty unless status 200). */
  granted: Access[];
}

export type TokenPolicy = (user: string | undefined, requested: Access) => string[];

export interface TokenIssuerOptions {
  /** name -> password accepted in Basic auth. */
  users?: Record<string, string>;
  /** `aud` claim and the service the registry expects. Default 'oep-test-registry'. */
  service?: string;
  /** `iss` claim. Default 'oep-test-issuer'. */
  issuer?: string;
  /**
   * How long the REGISTRY will accept a token, in seconds (default 300). The issuer compensates distribution's
   * 60 s leeway by writing exp = iat + ttl - 60, so ttl 0 gives tokens that are rejected at once (401
   * invalid_token) and ttl 3 gives tokens that stop working about 3 s after issue. Mutable on the issuer.
   */
  tokenTtlSeconds?: number;
  /** Anonymous requests get pull (default true) — never push. */
  anonymousPull?: boolean;
  /** Decide the actions granted for one requested scope; replaces the default grant rule. */
  policy?: TokenPolicy;
  /** Serve HTTPS with the PKI's server certificate (default true); false serves plain HTTP. */
  tls?: boolean;
  pki?: Pki;
}

export interface TokenIssuer {
  /** Origin, e.g. https://127.0.0.1:40123 */
  url: string;
  /** The token endpoint: url + '/token', the registry's `realm`. */
  realm: string;
  service: string;
  issuer: string;
  /** The issuer certificate: the registry's `auth.token.rootcertbundle`. */
  certFile: string;
  /** CA to trust the issuer's HTTPS endpoint (undefined for plain HTTP). */
  caFile: string | undefined;
  /** See TokenIssuerOptions.tokenTtlSeconds; change it between requests to expire later tokens. */
  tokenTtlSeconds: number;
  /** When set, `expires_in` reports this instead of tokenTtlSeconds (to make a client trust a dead token). */
  reportedExpiresIn: number | undefined;
  /** Every /token request seen, oldest first. */
  readonly requests: TokenRequestRecord[];
  /** requests.length */
  readonly count: number;
  /** Sign a token directly (no HTTP), e.g. with a scope the policy would not grant. ttl as tokenTtlSeconds. */
  mint(access: Access[], opts?: { sub?: string; ttlSeconds?: number; audience?: string }): Promise<string>;
  close(): Promise<void>;
}

/** Parse "repository:NAME:pull,push". NAME may itself hold ':' (e.g. a port), so split at the first and last. */
export function parseScope(scope: string): Access | undefined {
  const first = scope.indexOf(':');
  const last = scope.lastIndexOf(':');
  if (first <= 0 || last <= first) return undefined;
  const actions = scope
    .slice(last + 1)
    .split(',')
    .filter((a) => a !== '');
  return { type: scope.slice(0, first), name: scope.slice(first + 1, last), actions };
}

function basicAuth(req: IncomingMessage): { user: string; password: string } | undefined {
  const h = req.headers.authorization;
  if (!h || !/^basic /i.test(h)) return undefined;
  const decoded = Buffer.from(h.slice(6).trim(), 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  if (i < 0) return undefined;
  return { user: decoded.slice(0, i), password: decoded.slice(i + 1) };
}

export async function startTokenIssuer(opts: TokenIssuerOptions = {}): Promise<TokenIssuer> {
  const pki = opts.pki ?? sharedPki();
  const users = opts.users ?? {};
  const useTls = opts.tls ?? true;
  const service = opts.service ?? 'oep-test-registry';
  const issuerName = opts.issuer ?? 'oep-test-issuer';
  const key = await importPKCS8(pki.issuer.keyPem, 'RS256');
  const requests: TokenRequestRecord[] = [];

  const defaultPolicy: TokenPolicy = (user, requested) => {
    if (user !== undefined) return requested.actions;
    return opts.anonymousPull === false ? [] : requested.actions.filter((a) => a === 'pull');
  };
  const policy = opts.policy ?? defaultPolicy;

  const state: TokenIssuer = {
    url: '',
    realm: '',
    service,
    issuer: issuerName,
    certFile: pki.issuer.certFile,
    caFile: useTls ? pki.server.caFile : undefined,
    tokenTtlSeconds: opts.tokenTtlSeconds ?? 300,
    reportedExpiresIn: undefined,
    requests,
    get count() {
      return requests.length;
    },
    mint,
    close,
  };

  async function mint(
    access: Access[],
    o: { sub?: string; ttlSeconds?: number; audience?: string } = {},
  ): Promise<string> {
    const iat = Math.floor(Date.now() / 1000);
    const ttl = o.ttlSeconds ?? state.tokenTtlSeconds;
    return (
      new SignJWT({ access })
        .setProtectedHeader({ alg: 'RS256', typ: 'JWT', x5c: [pki.issuer.certDerBase64] })
        .setIssuer(issuerName)
        .setAudience(o.audience ?? service) // a string: distribution 2.8 reads `aud` as one string
        .setSubject(o.sub ?? '')
        .setIssuedAt(iat)
        .setNotBefore(iat)
        // The registry accepts until exp + leeway: shift exp back so "ttl" is what the registry enforces.
        .setExpirationTime(iat + ttl - DISTRIBUTION_LEEWAY_SECONDS)
        .setJti(randomUUID())
        .sign(key)
    );
  }

  function send(
    res: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ): void {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
      ...headers,
    });
    res.end(text);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const scopes = url.searchParams
      .getAll('scope')
      .flatMap((s) => s.split(' '))
      .filter((s) => s !== '');
    const record: TokenRequestRecord = {
      service: url.searchParams.get('service') ?? undefined,
      scopes,
      user: undefined,
      status: 0,
      granted: [],
    };
    requests.push(record);
    const fail = (status: number, details: string, headers: Record<string, string> = {}) => {
      record.status = status;
      send(res, status, { details }, headers);
    };
    if (url.pathname !== '/token') return fail(404, 'not found');
    if (req.method !== 'GET') return fail(405, 'only GET /token is implemented', { allow: 'GET' });
    const creds = basicAuth(req);
    if (req.headers.authorization !== undefined) {
      if (!creds || users[creds.user] === undefined || users[creds.user] !== creds.password) {
        return fail(401, 'incorrect username or password', { 'www-authenticate': 'Basic realm="oep-test"' });
      }
      record.user = creds.user;
    }
    if (record.service !== undefined && record.service !== service) {
      return fail(400, `unknown service ${record.service}`);
    }
    const granted: Access[] = [];
    for (const s of scopes) {
      const requested = parseScope(s);
      if (!requested) return fail(400, `malformed scope ${s}`);
      const actions = policy(record.user, requested);
      if (actions.length > 0) granted.push({ ...requested, actions });
    }
    const token = await mint(granted, { sub: record.user ?? '' });
    record.status = 200;
    record.granted = granted;
    send(res, 200, {
      token,
      access_token: token,
      expires_in: state.reportedExpiresIn ?? state.tokenTtlSeconds,
      issued_at: new Date().toISOString(),
    });
  }

  const listener = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) send(res, 500, { details: String(e) });
      else res.destroy();
    });
  };
  const server = useTls
    ? createHttpsServer(
        { cert: readFileSync(pki.server.certFile), key: readFileSync(pki.server.keyFile) },
        listener,
      )
    : createHttpServer(listener);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  state.url = `${useTls ? 'https' : 'http'}://127.0.0.1:${port}`;
  state.realm = `${state.url}/token`;

  let closed: Promise<void> | undefined;
  function close(): Promise<void> {
    closed ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    return closed;
  }
  return state;
}
