/**
 * The one place that touches the network: an HTTP `send` function over undici, with TLS verification on by
 * default, an optional private CA, HTTPS_PROXY/NO_PROXY from the environment the front end hands us, and
 * timeouts for headers and for gaps in the body (a stalled registry is a failure, not a hang).
 * Higher layers (auth, retries, redirects) wrap `send`; they never see undici.
 */
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
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
/**
 * The CAs to trust: Node's default store plus the extra PEM. undici's `connect.ca`, like tls.connect's, replaces
 * the default store, so a private CA alone would break token realms and blob redirects on public hosts.
 * undefined (no extra CA): Node's defaults, untouched.
 */
export declare function trustedCas(extra: string | undefined, defaults?: readonly string[]): string[] | undefined;
/** `defaults`: the default trust store (Node's; a test passes its own stand-in for a public CA). */
export declare function createDispatcher(opts: TransportOptions, defaults?: readonly string[]): Dispatcher;
export declare function createSend(opts: TransportOptions, dispatcher?: Dispatcher): Send;
/** Read a small response body as text, cut at `limit` bytes (error bodies, tokens, manifests). */
export declare function readText(res: HttpResponse, limit?: number): Promise<string>;
/** The first `limit` bytes of a body; the rest is dropped with the connection. */
export declare function readBytes(res: HttpResponse, limit: number): Promise<Buffer>;
/** Drain and discard a body so the connection can be reused. */
export declare function discard(res: HttpResponse): Promise<void>;
