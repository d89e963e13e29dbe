/**
 * A connection to one registry: its origin (https; plain http only after a failed handshake with TLS
 * verification off), the auth layer that learned its challenge, and `call`: one request with auth, one re-auth
 * on the registry's own 401, and redirects (nextHop), never carrying Authorization to another origin nor taking
 * a challenge from one. The handshake steps are numbered on `open`.
 */
import type { Readable } from 'node:stream';
import { OepError } from '../errors.js';
import type { Credential } from './credentials.js';
import type { Reference } from './reference.js';
import { Authorizer, parseChallenge } from './transport/auth.js';
import { failedBeforeResponse, httpError, networkCode, RegistryError } from './transport/errors.js';
import {
  createDispatcher,
  createSend,
  type Dispatcher,
  discard,
  readText,
  type HttpRequest,
  type HttpResponse,
  type Send,
  type TransportOptions,
} from './transport/http.js';
import { nextHop } from './transport/redirects.js';

export interface SessionOptions extends TransportOptions {
  credential: () => Promise<Credential | undefined>;
  /** Where warnings go (plain HTTP in use). */
  log?: (line: string) => void;
}

type Body = () => Promise<Readable | Buffer | string | undefined>;

export interface CallOptions {
  scopes: string[];
  ok: number[];
  what: string;
  headers?: Record<string, string>;
  body?: Body;
}

/** GET /v2/: 200 open, 401 with the challenge the auth layer keeps; anything else is not a usable registry. */
async function ping(send: Send, auth: Authorizer, base: URL, apiHost: string): Promise<void> {
  const res = await send({ method: 'GET', url: new URL('/v2/', base) });
  await discard(res);
  if (res.status === 401) return auth.setChallenge(parseChallenge(res.headers['www-authenticate']));
  if (res.status !== 200) {
    const down = res.status === 429 || res.status >= 500;
    throw httpError(
      res.status,
      res.headers,
      '',
      `${apiHost} ${down ? 'is unavailable' : 'is not an OCI registry'} (GET /v2/)`,
    );
  }
}

export class Session {
  readonly host: string;
  readonly base: URL;
  readonly dispatcher: Dispatcher;
  readonly #send: Send;
  readonly #auth: Authorizer;

  private constructor(host: string, base: URL, send: Send, auth: Authorizer, dispatcher: Dispatcher) {
    this.host = host;
    this.base = base;
    this.#send = send;
    this.#auth = auth;
    this.dispatcher = dispatcher;
  }

  /**
   * 1. GET /v2/ over HTTPS. With TLS verification off, and only when HTTPS failed before any answer
   *    (connection refused, TLS handshake failure: the port speaks plain HTTP), over plain HTTP, as skopeo does,
   *    with a warning naming the host.
   * 2. Keep the challenge of a 401 for the auth layer.
   */
  static async open(ref: Pick<Reference, 'apiHost'>, opts: SessionOptions): Promise<Session> {
    const log = opts.log ?? (() => {});
    const dispatcher = createDispatcher(opts);
    const send = createSend(opts, dispatcher);
    const hostname = new URL(`http://${ref.apiHost}`).hostname;
    const auth = new Authorizer(send, opts.credential, {
      ...(opts.tlsVerify ? {} : { plainRealmHost: hostname }),
      log,
    });
    let base = new URL(`https://${ref.apiHost}`);
    try {
      try {
        await ping(send, auth, base, ref.apiHost);
      } catch (err) {
        if (opts.tlsVerify || !failedBeforeResponse(err)) throw err;
        base = new URL(`http://${ref.apiHost}`);
        await ping(send, auth, base, ref.apiHost);
        log(
          `warning: ${ref.apiHost} does not answer HTTPS (${networkCode(err)}): using plain HTTP, unencrypted (--tls-verify=false)`,
        );
      }
    } catch (err) {
      await dispatcher.destroy().catch(() => {}); // no client came of it: its connections go now
      throw err;
    }
    return new Session(ref.apiHost, base, send, auth, dispatcher);
  }

  /**
   * Send with auth and follow redirects (nextHop). A 401 counts as the registry's only when the registry's own
   * origin answered it: only then is its challenge taken and the request sent once more with new credentials. A
   * 401 from a host the registry redirected to is a failure of that request (its challenge could point our
   * credentials at any realm it likes).
   */
  async call(method: HttpRequest['method'], url: URL, opts: CallOptions): Promise<HttpResponse> {
    let scopes = opts.scopes;
    for (let authTry = 0; ; authTry++) {
      const { res, sentAuth } = await this.#follow(method, url, scopes, opts);
      const own = res.url.origin === this.base.origin;
      if (res.status === 401 && own && authTry === 0) {
        await discard(res);
        scopes = this.#auth.invalidate(scopes, parseChallenge(res.headers['www-authenticate']));
        continue;
      }
      if (opts.ok.includes(res.status)) return res;
      throw await this.#failure(method, res, opts.what, own && sentAuth);
    }
  }

  /** One request and its redirects; Authorization goes to the registry's own origin only. */
  async #follow(
    method: HttpRequest['method'],
    url: URL,
    scopes: string[],
    opts: CallOptions,
  ): Promise<{ res: HttpResponse; sentAuth: boolean }> {
    let target = url;
    for (let hop = 0; ; hop++) {
      const authz =
        target.origin === this.base.origin ? await this.#authorization(scopes, opts.what) : undefined;
      const headers: Record<string, string> = { ...opts.headers, ...(authz ? { authorization: authz } : {}) };
      const body = hop === 0 ? await opts.body?.() : undefined;
      const res = await this.#send({ method, url: target, headers, ...(body !== undefined ? { body } : {}) });
      let next: URL | undefined;
      try {
        next = nextHop(method, res, hop, opts.what);
      } catch (err) {
        await discard(res);
        throw err;
      }
      if (!next) return { res, sentAuth: authz !== undefined };
      await discard(res);
      target = next;
    }
  }

  /** The Authorization header for the registry; a token endpoint's failure named as this request's. */
  async #authorization(scopes: string[], what: string): Promise<string | undefined> {
    try {
      return await this.#auth.header(scopes);
    } catch (err) {
      // The realm alone may be another host, and an unusable challenge names none: say which request needed it.
      if (!(err instanceof OepError)) throw err;
      if (!(err instanceof RegistryError)) {
        throw new OepError(err.code, `${what}: ${err.message}`, { hint: err.hint, cause: err });
      }
      throw new RegistryError(err.code, `${what}: ${err.message}`, {
        ...(err.status !== undefined ? { status: err.status } : {}),
        diagnostics: err.diagnostics,
        transient: err.transient,
        ...(err.retryAfterMs !== undefined ? { retryAfterMs: err.retryAfterMs } : {}),
        ...(err.hint !== undefined ? { hint: err.hint } : {}),
        cause: err,
      });
    }
  }

  /** The error for an unexpected final answer. `authenticated`: we sent credentials to the registry itself. */
  async #failure(
    method: HttpRequest['method'],
    res: HttpResponse,
    what: string,
    authenticated: boolean,
  ): Promise<RegistryError> {
    const text = method === 'HEAD' ? '' : await readText(res);
    if (res.url.origin !== this.base.origin) {
      const err = httpError(
        res.status,
        res.headers,
        text,
        `${what} (redirected by ${this.host} to ${res.url.host})`,
      );
      return new RegistryError('E_REGISTRY', err.message, {
        status: res.status,
        diagnostics: err.diagnostics,
        transient: err.transient,
        hint: `credentials go to ${this.host} only, never to a host it redirects to: ask the registry's operator to fix its storage redirects`,
      });
    }
    const err = httpError(res.status, res.headers, text, what);
    if (res.status === 401 && authenticated && (await this.#auth.hasCredential())) {
      // We did authenticate: the credentials themselves (or their rights) are what the registry refused.
      return new RegistryError('E_AUTH', err.message, {
        status: 401,
        diagnostics: err.diagnostics,
        hint: 'the registry refused the credentials: check the username and password or token, and its push rights',
      });
    }
    return err;
  }
}
