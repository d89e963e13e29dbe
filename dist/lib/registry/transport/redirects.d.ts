import { type HttpRequest, type HttpResponse, type Send } from './http.js';
export declare const MAX_REDIRECTS = 5;
/** A URL for messages: origin and path, never the query (storage redirects carry signatures there). */
export declare function showUrl(url: URL): string;
/**
 * The next URL to request after `res` (the answer to hop number `hop`, 0 for the first request), or undefined
 * when `res` is the final answer. Throws when the redirect must not be followed.
 */
export declare function nextHop(method: HttpRequest['method'], res: HttpResponse, hop: number, what: string): URL | undefined;
/**
 * Follow redirects in code (nextHop). The Authorization header goes only to hops on the origin of the first
 * request (the one it was made for); the body only with the first request.
 */
export declare function withRedirects(send: Send): Send;
