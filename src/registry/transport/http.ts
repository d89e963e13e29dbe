/**
 * The one place that touches the network: an HTTP `send` function over undici, with TLS verification on by
 * default, an optional private CA, HTTPS_PROXY/NO_PROXY from the environment the front end hands us, and
 * timeouts for headers and for gaps in the body (a stalled registry is a failure, not a hang).
 * Higher layers (auth, retries, redirects) wrap `send`; they never see undici.
 */
import type { Readable } from 'node:stream';
import { rootCertificates } from 'node:tls';
import type { Dispatcher } from 'undici';
import { Agent, EnvHttpProxyAgent } from './undici.js';
import { networkError } from './errors.js';

export type { Dispatcher };

export interface HttpRequest {
  method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: URL;
  headers?: Record<string, string>;
  /** Opened when the request is sent, so that a layer may send it again (a fresh stream each time). */
  body?: () => Promise<Readable | Buffer | string | undefined>;
  /** The token scopes the request needs (read by withAuth). */
  scopes?: string[];
  /** The request in words, for error messages ("uploading blob sha256:… to host/repo"). */
  what?: string;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Dispatcher.ResponseData['body'];
  /** The URL that answered: after redirects, maybe another origin than the request's. */
  url: URL;
  /** Set by withAuth: the answer is to a request that carried our Authorization header. */
  authorized?: boolean;
}

/**
 * One HTTP exchange. Every layer of the stack has this type and wraps the next one:
 * withAuth(withRedirects(withRetry(createSend(...)))), so a test can replace any of them with a fake.
 */
export type Send = (req: HttpRequest) => Promise<HttpResponse>;

export interface TransportOptions {
  /** Verify TLS certificates (default). false also allows plain HTTP, as skopeo's --tls-verify=false. */
  tlsVerify: boolean;
  /** PEM of extra CAs to trust, besides the default store. */
  ca?: string;
  /** Longest wait for response headers, and longest gap in a body, in ms. */
  timeoutMs: number;
  /** HTTPS_PROXY, HTTP_PROXY, NO_PROXY (any case), as the front end read them. */
  env: Record<string, string | undefined>;
  userAgent: string;
}

function proxyEnv(env: Record<string, string | undefined>, name: string): string | undefined {
  return env[name] ?? env[name.toLowerCase()];
}

/**
 * The CAs to trust: Node's default store plus the extra PEM. undici's `connect.ca`, like tls.connect's, replaces
 * the default store, so a private CA alone would break token realms and blob redirects on public hosts.
 * undefined (no extra CA): Node's defaults, untouched.
 */
export function trustedCas(
  extra: string | undefined,
  defaults: readonly string[] = rootCertificates,
): string[] | undefined {
  return extra ? [...defaults, extra] : undefined;
}

/** `defaults`: the default trust store (Node's; a test passes its own stand-in for a public CA). */
export function createDispatcher(
  opts: TransportOptions,
  defaults: readonly string[] = rootCertificates,
): Dispatcher {
  const ca = trustedCas(opts.ca, defaults);
  const tls = { rejectUnauthorized: opts.tlsVerify, ...(ca ? { ca } : {}) };
  const common = {
    connect: tls,
    headersTimeout: opts.timeoutMs,
    bodyTimeout: opts.timeoutMs,
    connections: 8,
  };
  const httpsProxy = proxyEnv(opts.env, 'HTTPS_PROXY');
  const httpProxy = proxyEnv(opts.env, 'HTTP_PROXY');
  if (!httpsProxy && !httpProxy) return new Agent(common);
  // Each given, '' when absent: undici reads process.env for a variable it is not given, which may not be the
  // environment the front end handed over (a library caller's).
  return new EnvHttpProxyAgent({
    ...common,
    requestTls: tls,
    httpsProxy: httpsProxy ?? '',
    httpProxy: httpProxy ?? '',
    noProxy: proxyEnv(opts.env, 'NO_PROXY') ?? '',
  });
}

export function createSend(opts: TransportOptions, dispatcher = createDispatcher(opts)): Send {
  return async (req) => {
    const what = `${req.method} ${req.url.origin}${req.url.pathname}`;
    const body = await req.body?.(); // outside the try: a source that cannot open is no network failure
    try {
      const res = await dispatcher.request({
        origin: req.url.origin,
        path: `${req.url.pathname}${req.url.search}`,
        method: req.method,
        headers: { 'user-agent': opts.userAgent, ...req.headers },
        body: body ?? null,
        headersTimeout: opts.timeoutMs,
        bodyTimeout: opts.timeoutMs,
      });
      return { status: res.statusCode, headers: res.headers, body: res.body, url: req.url };
    } catch (err) {
      throw networkError(err, what);
    }
  };
}

/** Read a small response body as text, cut at `limit` bytes (error bodies, tokens, manifests). */
export async function readText(res: HttpResponse, limit = 64 * 1024): Promise<string> {
  const buf = await readBytes(res, limit);
  return buf.toString('utf8');
}

/** The first `limit` bytes of a body; the rest is dropped with the connection. */
export async function readBytes(res: HttpResponse, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of res.body) {
      const buf = chunk as Buffer;
      if (size + buf.length > limit) {
        // Keep what fits, so the caller gets exactly `limit` bytes and can tell a body that was too long.
        chunks.push(buf.subarray(0, limit - size));
        res.body.destroy();
        break;
      }
      size += buf.length;
      chunks.push(buf);
    }
  } catch (err) {
    // A reset or stall after the headers is as transient as one before them: same error type, same retries.
    throw networkError(err, `reading ${res.url.origin}${res.url.pathname}`);
  }
  return Buffer.concat(chunks);
}

/** Drain and discard a body so the connection can be reused. */
export async function discard(res: HttpResponse): Promise<void> {
  try {
    await res.body.dump();
  } catch {
    /* the connection is dropped instead */
  }
}
