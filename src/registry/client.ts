/**
 * One method per Distribution API call, over the session's transport stack (withAuth(withRedirects(withRetry(
 * send)))). Each method names its request and the statuses it accepts; the session maps any other status to an
 * error. Retries are not here: callers retry whole operations (retry.ts).
 */
import type { Readable } from 'node:stream';
import { OepError } from '../errors.js';
import type { Descriptor } from '../oci/model.js';
import { MT } from '../oci/mediatypes.js';
import { MAX_JSON_BLOB } from '../oci/source.js';
import type { Reference } from './reference.js';
import { Session, type CallOptions, type SessionOptions } from './session.js';
import { RegistryError } from './transport/errors.js';
import { discard, readBytes, type HttpRequest, type HttpResponse } from './transport/http.js';

export const MANIFEST_ACCEPT = [MT.ociIndex, MT.ociManifest, MT.dockerManifestList, MT.dockerManifest].join(
  ', ',
);

export interface ClientOptions extends SessionOptions {
  /** Force PATCH-then-PUT uploads (some registries refuse a monolithic PUT). */
  chunked?: boolean;
}

export function pullScope(repo: string): string {
  return `repository:${repo}:pull`;
}
export function pushScope(repo: string): string {
  return `repository:${repo}:pull,push`;
}

export class RegistryClient {
  readonly host: string;
  readonly #session: Session;
  readonly #chunked: boolean;

  private constructor(session: Session, chunked: boolean) {
    this.host = session.host;
    this.#session = session;
    this.#chunked = chunked;
  }

  /** Open a session (see Session.open: HTTPS, the plain-HTTP rule, the challenge). */
  static async connect(ref: Pick<Reference, 'apiHost'>, opts: ClientOptions): Promise<RegistryClient> {
    return new RegistryClient(await Session.open(ref, opts), opts.chunked ?? false);
  }

  #call(method: HttpRequest['method'], url: URL, opts: CallOptions): Promise<HttpResponse> {
    return this.#session.call(method, url, opts);
  }

  /** Close kept-alive connections, so a finished CLI run exits at once. */
  async close(): Promise<void> {
    await this.#session.dispatcher.close();
  }

  /** Abort every request under way (a failed run must not wait for uploads nobody will use). */
  async destroy(): Promise<void> {
    await this.#session.dispatcher.destroy();
  }

  #url(path: string): URL {
    return new URL(path, this.#session.base);
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
    return {
      mounted: false,
      location: uploadLocation(location, url, `starting an upload to ${this.host}/${repo}`),
    };
  }

  /**
   * PUT <location>&digest=: the whole blob in one request, streamed with its length (distribution 2.8 has no
   * single-POST upload, so POST then PUT). With `chunked`, or when the registry refuses the monolithic PUT
   * with 405/416, one PATCH carries the bytes (patchBlob) and an empty PUT commits them.
   */
  async uploadBlob(
    repo: string,
    location: URL,
    desc: Pick<Descriptor, 'digest' | 'size'>,
    open: () => Promise<Readable>,
  ): Promise<void> {
    const what = `uploading blob ${desc.digest} to ${this.host}/${repo}`;
    if (!this.#chunked) {
      const put = new URL(location);
      put.searchParams.set('digest', desc.digest);
      try {
        const res = await this.#call('PUT', put, {
          scopes: [pushScope(repo)],
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
    await this.commitBlob(repo, await this.patchBlob(repo, location, desc.size, open, what), desc.digest);
  }

  /**
   * PATCH <location>: the whole blob in one streamed request, its digest not needed yet; returns where to commit
   * it. As docker, skopeo and go-containerregistry send it to every registry: its length, no Content-Range (with
   * one, some registries take it for a chunk and refuse it as too large; OCI's conformance suite tests this
   * "streamed" form). `what` names the blob in errors.
   */
  async patchBlob(
    repo: string,
    location: URL,
    size: number,
    open: () => Promise<Readable>,
    what: string,
  ): Promise<URL> {
    const res = await this.#call('PATCH', location, {
      scopes: [pushScope(repo)],
      ok: [202, 204],
      what,
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(size) },
      body: open,
    });
    await discard(res);
    const next = res.headers.location;
    return next ? uploadLocation(next, location, what) : new URL(location);
  }

  /** PUT <location>&digest= without a body: the bytes PATCHed so far become the blob, if they match `digest`. */
  async commitBlob(repo: string, location: URL, digest: string): Promise<void> {
    const what = `uploading blob ${digest} to ${this.host}/${repo}`;
    const commit = new URL(location);
    commit.searchParams.set('digest', digest);
    const res = await this.#call('PUT', commit, {
      scopes: [pushScope(repo)],
      ok: [201, 204],
      what,
      headers: { 'content-length': '0' },
    });
    await discard(res);
    this.#checkDigestHeader(res, digest, what);
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

/**
 * Where an upload goes next. Relative Locations resolve against the request they answer (RFC 9110), as
 * `/v2/...` does against any. Blob bytes never leave HTTPS for plain HTTP (nor for another scheme), whatever
 * the registry answers: the same rule as for redirects.
 */
export function uploadLocation(header: string | string[], base: URL, what: string): URL {
  const value = Array.isArray(header) ? header[0]! : header;
  let url: URL;
  try {
    url = new URL(value, base);
  } catch {
    throw new RegistryError('E_REGISTRY', `${what}: the registry answered an invalid upload Location`);
  }
  const downgrade = base.protocol === 'https:' && url.protocol !== 'https:';
  if (downgrade || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    throw new RegistryError(
      'E_REGISTRY',
      `${what}: the registry sent the upload to ${url.protocol}//${url.host}`,
      {
        hint: 'blobs go over HTTPS when the registry speaks HTTPS: ask its operator to fix its upload Location',
      },
    );
  }
  return url;
}
