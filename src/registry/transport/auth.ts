/**
 * Registry authentication: Basic, and Bearer tokens from the `WWW-Authenticate` challenge (the Docker token
 * protocol: GET realm?service=&scope= with Basic credentials, or an OAuth2 refresh-token POST for identity
 * tokens). Tokens are cached per scope set until shortly before they expire; a 401 with a new challenge
 * (expired token, or a scope we did not ask for) drops the cached one so the caller can ask again once.
 */
import { OepError } from '../../errors.js';
import type { Credential } from '../credentials.js';
import { httpError, RegistryError } from './errors.js';
import { readText, type Send } from './http.js';

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

  async #fetchToken(c: Challenge, scopes: string[]): Promise<string> {
    const realm = c.params.realm;
    if (!realm) throw new OepError('E_AUTH', 'the registry sent a Bearer challenge without a realm');
    let url: URL;
    try {
      url = new URL(realm);
    } catch {
      throw new OepError('E_AUTH', `the registry's token realm ${JSON.stringify(realm)} is not a URL`);
    }
    this.#checkRealm(url);
    const cred = await this.#credential();
    let res;
    if (cred?.identityToken) {
      const form = new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: cred.identityToken,
        client_id: 'oci-encrypt-push',
      });
      if (c.params.service) form.set('service', c.params.service);
      if (scopes.length) form.set('scope', scopes.join(' '));
      res = await this.#send({
        method: 'POST',
        url,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
      });
    } else {
      if (c.params.service) url.searchParams.set('service', c.params.service);
      for (const s of scopes) url.searchParams.append('scope', s);
      const headers: Record<string, string> = {};
      if (cred?.username && cred.password !== undefined) {
        headers.authorization = `Basic ${Buffer.from(`${cred.username}:${cred.password}`).toString('base64')}`;
      }
      res = await this.#send({ method: 'GET', url, headers });
    }
    const body = await readText(res);
    if (res.status !== 200) {
      const err = httpError(
        res.status,
        res.headers,
        tokenErrorCodes(body),
        `token request to ${url.origin}${url.pathname}`,
      );
      if (res.status === 401 || res.status === 403) {
        throw new RegistryError('E_AUTH', err.message, {
          status: res.status,
          hint: cred
            ? `the credentials from ${cred.source} were refused`
            : 'no credentials were found: pass username/password or log in with docker/podman first',
        });
      }
      throw err;
    }
    let doc: { token?: string; access_token?: string; expires_in?: number };
    try {
      doc = JSON.parse(body) as typeof doc;
    } catch {
      throw new OepError('E_AUTH', `the token endpoint ${url.origin} did not answer with JSON`);
    }
    const token = doc.token ?? doc.access_token;
    if (!token) throw new OepError('E_AUTH', `the token endpoint ${url.origin} returned no token`);
    const ttl = typeof doc.expires_in === 'number' && doc.expires_in > 0 ? doc.expires_in : 60;
    this.#tokens.set([...new Set(scopes)].sort().join(' '), {
      token,
      expiresAt: Date.now() + Math.max(0, ttl - 10) * 1000,
    });
    return token;
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
