/**
 * Registry authentication: Basic, and Bearer tokens from the `WWW-Authenticate` challenge (the Docker token
 * protocol: GET realm?service=&scope= with Basic credentials, or an OAuth2 refresh-token POST for identity
 * tokens). Tokens are cached per scope set until shortly before they expire; a 401 with a new challenge
 * (expired token, or a scope we did not ask for) drops the cached one so the caller can ask again once.
 */
import { OepError } from '../../errors.js';
import type { Credential } from '../credentials.js';
import { httpError, inContext, type RegistryError } from './errors.js';
import { discard, readText, type HttpRequest, type HttpResponse, type Send } from './http.js';

export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/** Parse `Bearer realm="https://a/token",service="reg",scope="repository:x:pull"` (one challenge). */
export function parseChallenge(header: string | string[] | undefined): Challenge | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;
  const m = /^\s*([A-Za-z]+)\s*(.*)$/s.exec(value);
  if (!m) return undefined;
  const params: Record<string, string> = {};
  for (const p of m[2]!.matchAll(/([A-Za-z_]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g)) {
    params[p[1]!.toLowerCase()] = (p[2] ?? p[3] ?? '').replace(/\\(.)/g, '$1');
  }
  return { scheme: m[1]!.toLowerCase(), params };
}

/** `repository:name:push,pull` → `repository:name:pull,push` (the actions after the last colon, sorted). */
export function normaliseScope(scope: string): string {
  const i = scope.lastIndexOf(':');
  if (i === -1) return scope;
  return `${scope.slice(0, i)}:${scope
    .slice(i + 1)
    .split(',')
    .sort()
    .join(',')}`;
}

interface CachedToken {
  token: string;
  expiresAt: number;
}

export class Authorizer {
  readonly #send: Send;
  readonly #credential: () => Promise<Credential | undefined>;
  readonly #tokens = new Map<string, CachedToken>();
  #challenge: Challenge | undefined;
  #pending = new Map<string, Promise<string>>();

  readonly #plainRealmHost: string | undefined;
  readonly #log: (line: string) => void;
  #warnedPlain = false;

  /**
   * plainRealmHost: the registry's hostname when TLS verification is off. Only then, and only on that host,
   * may credentials go to a plain-HTTP token endpoint (a realm elsewhere is someone else's to read them).
   * log: where the warning goes when they do.
   */
  constructor(
    send: Send,
    credential: () => Promise<Credential | undefined>,
    opts: { plainRealmHost?: string; log?: (line: string) => void } = {},
  ) {
    this.#send = send;
    this.#credential = credential;
    this.#plainRealmHost = opts.plainRealmHost;
    this.#log = opts.log ?? (() => {});
  }

  /** Whether we have credentials at all (a 401 then means they were refused, not missing). */
  async hasCredential(): Promise<boolean> {
    return (await this.#credential()) !== undefined;
  }

  /** The registry's challenge from the /v2/ ping (or a later 401). */
  setChallenge(c: Challenge | undefined): void {
    if (c) this.#challenge = c;
  }

  /** The Authorization header for a request needing `scopes`, or undefined for anonymous access. */
  async header(scopes: string[]): Promise<string | undefined> {
    const c = this.#challenge;
    if (!c) return undefined;
    if (c.scheme === 'basic') {
      const cred = await this.#credential();
      if (!cred?.username || cred.password === undefined) return undefined;
      return `Basic ${Buffer.from(`${cred.username}:${cred.password}`).toString('base64')}`;
    }
    if (c.scheme !== 'bearer') {
      throw new OepError(
        'E_AUTH',
        `the registry asks for ${c.scheme} authentication, which is not supported`,
      );
    }
    const key = [...new Set(scopes)].sort().join(' ');
    const cached = this.#tokens.get(key);
    if (cached && cached.expiresAt > Date.now()) return `Bearer ${cached.token}`;
    // One token request per scope set at a time, however many uploads run in parallel.
    let pending = this.#pending.get(key);
    if (!pending) {
      pending = this.#fetchToken(c, [...new Set(scopes)]).finally(() => this.#pending.delete(key));
      this.#pending.set(key, pending);
    }
    return `Bearer ${await pending}`;
  }

  /** After a 401: forget the token for these scopes and take the new challenge (it may widen the scopes). */
  invalidate(scopes: string[], challenge: Challenge | undefined): string[] {
    this.#tokens.delete([...new Set(scopes)].sort().join(' '));
    this.setChallenge(challenge);
    // distribution lists actions in Go map order ("push,pull"): sort them, so equal scopes compare equal.
    const extra = (challenge?.params.scope?.split(' ').filter(Boolean) ?? []).map(normaliseScope);
    return [...new Set([...scopes, ...extra])];
  }

  /** https, or plain HTTP on the registry's own host with TLS verification off (then with a warning, once). */
  #checkRealm(url: URL): void {
    if (url.protocol === 'https:') return;
    const plainOk = url.protocol === 'http:' && url.hostname === this.#plainRealmHost;
    if (!plainOk) {
      throw new OepError(
        'E_AUTH',
        `the registry's token endpoint ${url.origin} is not HTTPS: credentials will not be sent there`,
        {
          hint:
            this.#plainRealmHost === undefined
              ? 'use --tls-verify=false only for a test registry you trust'
              : `plain HTTP is accepted only on the registry's own host (${this.#plainRealmHost}): serve the token endpoint over HTTPS`,
        },
      );
    }
    if (!this.#warnedPlain) {
      this.#warnedPlain = true;
      this.#log(
        `warning: token endpoint ${url.host} is plain HTTP: credentials and tokens travel unencrypted`,
      );
    }
  }

  /** Ask the realm for a token for `scopes` and cache it until shortly before it expires. */
  async #fetchToken(c: Challenge, scopes: string[]): Promise<string> {
    const url = this.#realm(c);
    const cred = await this.#credential();
    const res = await this.#send(tokenRequest(url, c, scopes, cred));
    const body = await readText(res);
    if (res.status !== 200) throw tokenRefused(res, body, url, cred);
    const { token, ttl } = parseToken(body, url);
    this.#tokens.set([...new Set(scopes)].sort().join(' '), {
      token,
      expiresAt: Date.now() + Math.max(0, ttl - 10) * 1000,
    });
    return token;
  }

  /** The challenge's realm as a URL we may send credentials to (#checkRealm). */
  #realm(c: Challenge): URL {
    const realm = c.params.realm;
    if (!realm) throw new OepError('E_AUTH', 'the registry sent a Bearer challenge without a realm');
    let url: URL;
    try {
      url = new URL(realm);
    } catch {
      throw new OepError('E_AUTH', `the registry's token realm ${JSON.stringify(realm)} is not a URL`);
    }
    this.#checkRealm(url);
    return url;
  }
}

/**
 * The token request: an OAuth2 refresh-token POST for an identity token, else GET realm?service=&scope= with
 * Basic credentials when we have them.
 */
function tokenRequest(url: URL, c: Challenge, scopes: string[], cred: Credential | undefined): HttpRequest {
  if (cred?.identityToken) {
    const form = new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: cred.identityToken,
      client_id: 'oci-encrypt-push',
    });
    if (c.params.service) form.set('service', c.params.service);
    if (scopes.length) form.set('scope', scopes.join(' '));
    return {
      method: 'POST',
      url,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: async () => form.toString(),
    };
  }
  const get = new URL(url);
  if (c.params.service) get.searchParams.set('service', c.params.service);
  for (const s of scopes) get.searchParams.append('scope', s);
  const headers: Record<string, string> = {};
  if (cred?.username && cred.password !== undefined) {
    headers.authorization = `Basic ${Buffer.from(`${cred.username}:${cred.password}`).toString('base64')}`;
  }
  return { method: 'GET', url: get, headers };
}

/** The error for a token endpoint's non-200 answer: a 401/403 says whose credentials were refused. */
function tokenRefused(
  res: HttpResponse,
  body: string,
  url: URL,
  cred: Credential | undefined,
): RegistryError {
  // Only the codes: the free text comes from a server that just received our credentials, and may reflect them.
  const err = httpError(
    res.status,
    res.headers,
    tokenErrorCodes(body),
    `token request to ${url.origin}${url.pathname}`,
  );
  if (res.status !== 401 && res.status !== 403) return err;
  return err.explained(
    'E_AUTH',
    cred
      ? `the credentials from ${cred.source} were refused`
      : 'no credentials were found: pass username/password or log in with docker/podman first',
  );
}

/** The token and its lifetime in seconds (60 when the endpoint gives none) from the endpoint's JSON. */
function parseToken(body: string, url: URL): { token: string; ttl: number } {
  let doc: { token?: string; access_token?: string; expires_in?: number };
  try {
    doc = JSON.parse(body) as typeof doc;
  } catch {
    throw new OepError('E_AUTH', `the token endpoint ${url.origin} did not answer with JSON`);
  }
  const token = doc.token ?? doc.access_token;
  if (!token) throw new OepError('E_AUTH', `the token endpoint ${url.origin} returned no token`);
  const ttl = typeof doc.expires_in === 'number' && doc.expires_in > 0 ? doc.expires_in : 60;
  return { token, ttl };
}

/**
 * The auth layer for requests to the registry at `origin`: each gets the Authorization header for its scopes
 * (none elsewhere: withRedirects keeps it on that origin). A 401 counts as the registry's only when its own origin
 * answered: then its challenge is taken and the request sent once more with new credentials. A 401 from a host
 * the registry redirected to is that request's failure (its challenge could point our credentials at any realm).
 */
export function withAuth(next: Send, auth: Pick<Authorizer, 'header' | 'invalidate'>, origin: string): Send {
  return async (req) => {
    let scopes = req.scopes ?? [];
    for (let attempt = 0; ; attempt++) {
      const authz = req.url.origin === origin ? await authorization(auth, scopes, req) : undefined;
      const headers = { ...req.headers, ...(authz ? { authorization: authz } : {}) };
      const res = await next({ ...req, headers });
      if (res.status === 401 && res.url.origin === origin && attempt === 0) {
        await discard(res);
        scopes = auth.invalidate(scopes, parseChallenge(res.headers['www-authenticate']));
        continue;
      }
      return authz ? Object.assign(res, { authorized: true }) : res;
    }
  };
}

/** The Authorization header; a token endpoint's failure told as this request's (the realm may be any host). */
async function authorization(
  auth: Pick<Authorizer, 'header'>,
  scopes: string[],
  req: HttpRequest,
): Promise<string | undefined> {
  try {
    return await auth.header(scopes);
  } catch (err) {
    if (!(err instanceof OepError)) throw err;
    throw inContext(err, req.what ?? `${req.method} ${req.url.origin}${req.url.pathname}`);
  }
}

const CODE_RE = /^[A-Za-z0-9_.-]{1,64}$/;

/**
 * What of a token endpoint's error body may reach a message: its codes only (Distribution `errors[].code`, OAuth
 * `error`). The rest is free text from a server that just received our credentials, and may reflect them.
 */
export function tokenErrorCodes(body: string): string {
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch {
    return '';
  }
  if (!doc || typeof doc !== 'object') return '';
  const { errors, error } = doc as { errors?: unknown; error?: unknown };
  const codes = (Array.isArray(errors) ? errors : [])
    .map((e) => (e && typeof e === 'object' ? (e as { code?: unknown }).code : undefined))
    .filter((c): c is string => typeof c === 'string' && CODE_RE.test(c));
  if (codes.length) return JSON.stringify({ errors: codes.map((code) => ({ code, message: '' })) });
  return typeof error === 'string' && CODE_RE.test(error) ? `error: ${error}` : '';
}
