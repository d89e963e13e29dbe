/**
 * A connection to one registry: its origin (https; plain http only after a failed handshake with TLS
 * verification off), the auth layer that learned its challenge, and `call`, which sends through the transport
 * stack withAuth(withRedirects(withRetry(send))) and maps the answer's status to an error. The handshake steps
 * are numbered on `open`.
 */
import type { Credential } from './credentials.js';
import type { Reference } from './reference.js';
import { Authorizer, parseChallenge, withAuth } from './transport/auth.js';
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
import { withRedirects } from './transport/redirects.js';
import { withRetry, type RetryPolicy } from './transport/retry.js';

export interface SessionOptions extends TransportOptions {
  credential: () => Promise<Credential | undefined>;
  /** Where warnings go (plain HTTP in use). */
  log?: (line: string) => void;
  /**
   * Retries of single GET and HEAD requests (the ping, token requests, reads) inside the transport. Off unless
   * given: every caller today retries its whole operation (style.md 2.3: an upload session, a manifest PUT, the
   * connection with its plain-HTTP fallback), and retries at both levels would multiply the attempts.
   */
  requestRetry?: RetryPolicy;
}

export interface CallOptions {
  scopes: string[];
  ok: number[];
  what: string;
  headers?: Record<string, string>;
  body?: HttpRequest['body'];
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

/** The transport stack under the auth layer (its token requests use it too): undici, retries of GET/HEAD. */
function baseSend(opts: SessionOptions, dispatcher: Dispatcher): Send {
  const noRetry = { retries: 0, baseMs: 0, maxMs: 0, log: () => {} };
  return withRetry(createSend(opts, dispatcher), opts.requestRetry ?? noRetry);
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
    this.#send = withAuth(withRedirects(send), auth, base.origin);
    this.#auth = auth;
    this.dispatcher = dispatcher;
  }

  /**
   * 1. GET /v2/ over HTTPS. With TLS verification off, and only when HTTPS failed before any answer
   *    (connection refused, TLS handshake failure: the port speaks plain HTTP), over plain HTTP, as skopeo does,
   *    with a warning naming the host.
   * 2. Keep the challenge of a 401 for the auth layer.
   * 3. Stack the layers for the origin that answered: withAuth(withRedirects(withRetry(send))).
   */
  static async open(ref: Pick<Reference, 'apiHost'>, opts: SessionOptions): Promise<Session> {
    const log = opts.log ?? (() => {});
    const dispatcher = createDispatcher(opts);
    const send = baseSend(opts, dispatcher);
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

  /** One request through the stack; an answer not in `ok` becomes the error that explains it. */
  async call(method: HttpRequest['method'], url: URL, opts: CallOptions): Promise<HttpResponse> {
    const { ok, ...rest } = opts;
    const res = await this.#send({ method, url, ...rest });
    if (ok.includes(res.status)) return res;
    throw await this.#failure(method, res, opts.what);
  }

  /** The error for an unexpected final answer. */
  async #failure(method: HttpRequest['method'], res: HttpResponse, what: string): Promise<RegistryError> {
    const text = method === 'HEAD' ? '' : await readText(res);
    if (res.url.origin !== this.base.origin) {
      return httpError(
        res.status,
        res.headers,
        text,
        `${what} (redirected by ${this.host} to ${res.url.host})`,
      ).explained(
        'E_REGISTRY',
        `credentials go to ${this.host} only, never to a host it redirects to: ask the registry's operator to fix its storage redirects`,
      );
    }
    const err = httpError(res.status, res.headers, text, what);
    if (res.status === 401 && res.authorized && (await this.#auth.hasCredential())) {
      // We did authenticate: the credentials themselves (or their rights) are what the registry refused.
      return err.explained(
        'E_AUTH',
        'the registry refused the credentials: check the username and password or token, and its push rights',
      );
    }
    return err;
  }
}
