/**
 * One method per Distribution API call, over the transport stack (send → auth → redirects). Each method names
 * its request and the statuses it accepts. Retries are not here: callers retry whole operations.
 */
import type { Readable } from 'node:stream';
import { OepError } from '../errors.js';
import type { Descriptor } from '../oci/model.js';
import { MT } from '../oci/mediatypes.js';
import { MAX_JSON_BLOB } from '../oci/source.js';
import type { Credential } from './credentials.js';
import type { Reference } from './reference.js';
import { Authorizer, parseChallenge } from './transport/auth.js';
import { failedBeforeResponse, httpError, networkCode, RegistryError } from './transport/errors.js';
import { nextHop } from './transport/redirects.js';
import {
  createDispatcher,
  createSend,
  type Dispatcher,
  discard,
  readBytes,
  readText,
  type HttpRequest,
  type HttpResponse,
  type Send,
  type TransportOptions,
} from './transport/http.js';

export const MANIFEST_ACCEPT = [MT.ociIndex, MT.ociManifest, MT.dockerManifestList, MT.dockerManifest].join(
  ', ',
);

export interface ClientOptions extends TransportOptions {
  credential: () => Promise<Credential | undefined>;
  /** Where warnings go (plain HTTP in use). */
  log?: (line: string) => void;
  /** Force PATCH-then-PUT uploads (some registries refuse a monolithic PUT). */
  chunked?: boolean;
}

type Body = () => Promise<Readable | Buffer | string | undefined>;

interface CallOptions {
  scopes: string[];
  ok: number[];
  what: string;
  headers?: Record<string, string>;
  body?: Body;
}

export function pullScope(repo: string): string {
  return `repository:${repo}:pull`;
}
export function pushScope(repo: string): string {
  return `repository:${repo}:pull,push`;
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

export class RegistryClient {
  readonly host: string;
  readonly #send: Send;
  readonly #auth: Authorizer;
  readonly #chunked: boolean;
  #base: URL;

  readonly #dispatcher: Dispatcher;

  private constructor(
    host: string,
    base: URL,
    send: Send,
    auth: Authorizer,
    chunked: boolean,
    dispatcher: Dispatcher,
  ) {
    this.#dispatcher = dispatcher;
    this.host = host;
    this.#base = base;
    this.#send = send;
    this.#auth = auth;
    this.#chunked = chunked;
  }

  /**
   * 1. GET /v2/ over HTTPS. With TLS verification off, and only when HTTPS failed before any answer
   *    (connection refused, TLS handshake failure: the port speaks plain HTTP), over plain HTTP, as skopeo does,
   *    with a warning naming the host.
   * 2. Keep the challenge of a 401 for the auth layer.
   */
  static async connect(ref: Pick<Reference, 'apiHost'>, opts: ClientOptions): Promise<RegistryClient> {
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
    return new RegistryClient(ref.apiHost, base, send, auth, opts.chunked ?? false, dispatcher);
  }

  /**
   * Send with auth and follow redirects (nextHop). A 401 counts as the registry's only when the registry's own
   * origin answered it: only then is its challenge taken and the request sent once more with new credentials. A
   * 401 from a host the registry redirected to is a failure of that request (its challenge could point our
   * credentials at any realm it likes).
   */
  async #call(method: HttpRequest['method'], url: URL, opts: CallOptions): Promise<HttpResponse> {
    let scopes = opts.scopes;
    for (let authTry = 0; ; authTry++) {
      const { res, sentAuth } = await this.#follow(method, url, scopes, opts);
      const own = res.url.origin === this.#base.origin;
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
        target.origin === this.#base.origin ? await this.#authorization(scopes, opts.what) : undefined;
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
      // The realm alone may be another host: say which request needed it.
      if (!(err instanceof RegistryError)) throw err;
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
    if (res.url.origin !== this.#base.origin) {
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

  /** Close kept-alive connections, so a finished CLI run exits at once. */
  async close(): Promise<void> {
    await this.#dispatcher.close();
  }

  /** Abort every request under way (a failed run must not wait for uploads nobody will use). */
  async destroy(): Promise<void> {
    await this.#dispatcher.destroy();
  }

  #url(path: string): URL {
    return new URL(path, this.#base);
  }

  /**
   * GET /v2/ with the push token of `repo` (or Basic credentials): refused credentials fail here, in a second,
   * before any layer is encrypted. Missing push rights may still only show at the first upload.
   */
  async checkPushAccess(repo: string): Promise<void> {
    const res = await this.#call('GET', this.#url('/v2/'), {
      scopes: [pushScope(repo)],
      ok: [200],
      what: `authenticating to ${this.host}/${repo}`,
    });
    await discard(res);
  }

  /** HEAD /v2/<repo>/blobs/<digest>: 200 present (its size must match), 404 absent. */
  async blobExists(
    repo: string,
    desc: Pick<Descriptor, 'digest' | 'size'>,
    scopes = [pushScope(repo)],
  ): Promise<boolean> {
    const res = await this.#call('HEAD', this.#url(`/v2/${repo}/blobs/${desc.digest}`), {
      scopes,
      ok: [200, 404],
      what: `checking blob ${desc.digest} in ${this.host}/${repo}`,
    });
    await discard(res);
    if (res.status === 404) return false;
    const length = res.headers['content-length'];
    if (length !== undefined && Number(length) !== desc.size) {
      throw new RegistryError(
        'E_VERIFY',
        `${this.host}/${repo} holds blob ${desc.digest} with ${length} bytes, expected ${desc.size}`,
      );
    }
    return true;
  }

  /**
   * POST /v2/<repo>/blobs/uploads/[?mount=&from=]: 201 when the registry mounted the blob from the other
   * repository, 202 with a Location to upload to otherwise (registries answer 202 to a refused mount).
   */
  async startUpload(
    repo: string,
    mount?: { digest: string; from: string },
  ): Promise<{ mounted: boolean; location: URL }> {
    const url = this.#url(`/v2/${repo}/blobs/uploads/`);
    const scopes = [pushScope(repo)];
    if (mount) {
      url.searchParams.set('mount', mount.digest);
      url.searchParams.set('from', mount.from);
      scopes.push(pullScope(mount.from));
    }
    const res = await this.#call('POST', url, {
      scopes,
      ok: [201, 202],
      what: `starting an upload to ${this.host}/${repo}`,
      headers: { 'content-length': '0' },
    });
    await discard(res);
    const location = res.headers.location;
    if (res.status === 201) return { mounted: true, location: url };
    if (!location) throw new RegistryError('E_REGISTRY', `${this.host} started an upload without a Location`);
    // Relative Locations resolve against the request they answer (RFC 9110), as `/v2/...` does against any.
    return { mounted: false, location: new URL(Array.isArray(location) ? location[0]! : location, url) };
  }

  /**
   * PUT <location>&digest=: the whole blob in one request, streamed with its length (distribution 2.8 has no
   * single-POST upload, so POST then PUT). With `chunked`, or when the registry refuses the monolithic PUT
   * with 405/416, one PATCH carries the bytes and an empty PUT commits them.
   */
  async uploadBlob(
    repo: string,
    location: URL,
    desc: Pick<Descriptor, 'digest' | 'size'>,
    open: () => Promise<Readable>,
  ): Promise<void> {
    const what = `uploading blob ${desc.digest} to ${this.host}/${repo}`;
    const scopes = [pushScope(repo)];
    if (!this.#chunked) {
      const put = new URL(location);
      put.searchParams.set('digest', desc.digest);
      try {
        const res = await this.#call('PUT', put, {
          scopes,
          ok: [201, 204],
          what,
          headers: { 'content-type': 'application/octet-stream', 'content-length': String(desc.size) },
          body: open,
        });
        await discard(res);
        this.#checkDigestHeader(res, desc.digest, what);
        return;
      } catch (err) {
        if (!(err instanceof RegistryError) || (err.status !== 405 && err.status !== 416)) throw err;
      }
    }
    const patched = await this.#call('PATCH', location, {
      scopes,
      ok: [202, 204],
      what,
      headers: {
        'content-type': 'application/octet-stream',
        'content-length': String(desc.size),
        ...(desc.size > 0 ? { 'content-range': `0-${desc.size - 1}` } : {}),
      },
      body: open,
    });
    await discard(patched);
    const next = patched.headers.location;
    const commit = new URL(next ? (Array.isArray(next) ? next[0]! : next) : location.href, location);
    commit.searchParams.set('digest', desc.digest);
    const res = await this.#call('PUT', commit, {
      scopes,
      ok: [201, 204],
      what,
      headers: { 'content-length': '0' },
    });
    await discard(res);
    this.#checkDigestHeader(res, desc.digest, what);
  }

  #checkDigestHeader(res: HttpResponse, digest: string, what: string): void {
    const got = res.headers['docker-content-digest'];
    if (got !== undefined && got !== digest) {
      throw new RegistryError('E_VERIFY', `${what}: the registry stored ${String(got)}, not ${digest}`);
    }
  }

  /** PUT /v2/<repo>/manifests/<tag|digest> with the exact bytes; returns the digest the registry computed. */
  async putManifest(
    repo: string,
    reference: string,
    bytes: Buffer,
    mediaType: string,
  ): Promise<string | undefined> {
    const res = await this.#call('PUT', this.#url(`/v2/${repo}/manifests/${reference}`), {
      scopes: [pushScope(repo)],
      ok: [200, 201, 202, 204],
      what: `pushing manifest ${reference} to ${this.host}/${repo}`,
      headers: { 'content-type': mediaType, 'content-length': String(bytes.length) },
      body: async () => bytes,
    });
    await discard(res);
    const d = res.headers['docker-content-digest'];
    return Array.isArray(d) ? d[0] : d;
  }

  /** GET /v2/<repo>/manifests/<ref>: the exact bytes, their media type and the registry's digest header. */
  async getManifest(
    repo: string,
    reference: string,
    scopes = [pullScope(repo)],
  ): Promise<{ bytes: Buffer; mediaType: string; digest?: string }> {
    const res = await this.#call('GET', this.#url(`/v2/${repo}/manifests/${reference}`), {
      scopes,
      ok: [200],
      what: `reading manifest ${reference} from ${this.host}/${repo}`,
      headers: { accept: MANIFEST_ACCEPT },
    });
    const length = Number(res.headers['content-length'] ?? 0);
    if (length > MAX_JSON_BLOB) {
      await discard(res);
      throw new OepError('E_MANIFEST', `${this.host}/${repo}: manifest ${reference} is larger than 4 MiB`);
    }
    const bytes = await readBytes(res, MAX_JSON_BLOB + 1);
    if (bytes.length > MAX_JSON_BLOB)
      throw new OepError('E_MANIFEST', `${this.host}/${repo}: manifest ${reference} is larger than 4 MiB`);
    const ct = res.headers['content-type'];
    const dg = res.headers['docker-content-digest'];
    return {
      bytes,
      mediaType: (Array.isArray(ct) ? ct[0] : ct)?.split(';')[0]?.trim() ?? '',
      ...(dg ? { digest: Array.isArray(dg) ? dg[0]! : dg } : {}),
    };
  }

  /** GET /v2/<repo>/blobs/<digest>: a stream (redirects to storage followed without our credentials). */
  async getBlob(repo: string, digest: string): Promise<Readable> {
    const res = await this.#call('GET', this.#url(`/v2/${repo}/blobs/${digest}`), {
      scopes: [pullScope(repo)],
      ok: [200],
      what: `reading blob ${digest} from ${this.host}/${repo}`,
    });
    return res.body;
  }
}
