/**
 * A connection to one registry: its origin (https; plain http only after a failed handshake with TLS
 * verification off), the auth layer that learned its challenge, and `call`, which sends through the transport
 * stack withAuth(withRedirects(withRetry(send))) and maps the answer's status to an error. The handshake steps
 * are numbered on `open`.
 */
import type { Credential } from './credentials.js';
import type { Reference } from './reference.js';
import { type Dispatcher, type HttpRequest, type HttpResponse, type TransportOptions } from './transport/http.js';
import { type RetryPolicy } from './transport/retry.js';
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
export declare class Session {
    #private;
    readonly host: string;
    readonly base: URL;
    readonly dispatcher: Dispatcher;
    private constructor();
    /**
     * 1. GET /v2/ over HTTPS. With TLS verification off, and only when HTTPS failed before any answer
     *    (connection refused, TLS handshake failure: the port speaks plain HTTP), over plain HTTP, as skopeo does,
     *    with a warning naming the host.
     * 2. Keep the challenge of a 401 for the auth layer.
     * 3. Stack the layers for the origin that answered: withAuth(withRedirects(withRetry(send))).
     */
    static open(ref: Pick<Reference, 'apiHost'>, opts: SessionOptions): Promise<Session>;
    /** One request through the stack; an answer not in `ok` becomes the error that explains it. */
    call(method: HttpRequest['method'], url: URL, opts: CallOptions): Promise<HttpResponse>;
}
