/**
 * Backoff (exponential, full jitter, Retry-After honoured and capped) and `withRetry`, the transport layer that
 * retries single idempotent requests (GET, HEAD). Whole operations (a blob upload session, a manifest PUT) are
 * retried by their callers with retryOperation (../retry.ts), which shares this backoff.
 */
import { type Send } from './http.js';
export interface RetryPolicy {
    /** Further attempts after the first. */
    retries: number;
    /** First backoff; doubles each time. */
    baseMs: number;
    maxMs: number;
    log: (line: string) => void;
}
export declare const DEFAULT_RETRY: Omit<RetryPolicy, 'log'>;
/**
 * When `err` is worth attempt number `attempt + 2`: log it, wait, and return true. False when it is not
 * transient or the policy's retries are spent.
 */
export declare function backoff(what: string, policy: RetryPolicy, attempt: number, err: unknown): Promise<boolean>;
/**
 * Retry GET and HEAD on transient failures: a network error before the answer, or 408/429/5xx (the body is
 * dropped, and the last answer is returned as it came, for the caller to map). Other methods pass through:
 * a POST, PATCH or PUT is one step of an upload session, which is retried as a whole or not at all.
 */
export declare function withRetry(send: Send, policy: RetryPolicy): Send;
