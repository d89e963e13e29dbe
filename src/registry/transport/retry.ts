/**
 * Backoff (exponential, full jitter, Retry-After honoured and capped) and `withRetry`, the transport layer that
 * retries single idempotent requests (GET, HEAD). Whole operations (a blob upload session, a manifest PUT) are
 * retried by their callers with retryOperation (../retry.ts), which shares this backoff.
 */
import { discard, type Send } from './http.js';
import { httpError, isTransient, isTransientStatus, type RegistryError } from './errors.js';

export interface RetryPolicy {
  /** Further attempts after the first. */
  retries: number;
  /** First backoff; doubles each time. */
  baseMs: number;
  maxMs: number;
  log: (line: string) => void;
}

export const DEFAULT_RETRY: Omit<RetryPolicy, 'log'> = { retries: 3, baseMs: 1000, maxMs: 30_000 };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * When `err` is worth attempt number `attempt + 2`: log it, wait, and return true. False when it is not
 * transient or the policy's retries are spent.
 */
export async function backoff(
  what: string,
  policy: RetryPolicy,
  attempt: number,
  err: unknown,
): Promise<boolean> {
  if (!isTransient(err) || attempt >= policy.retries) return false;
  const exp = Math.min(policy.maxMs, policy.baseMs * 2 ** attempt);
  const wait =
    err.retryAfterMs !== undefined
      ? Math.min(policy.maxMs, err.retryAfterMs)
      : Math.round(exp / 2 + Math.random() * (exp / 2));
  policy.log(
    `retry ${attempt + 1}/${policy.retries} of ${what} in ${(wait / 1000).toFixed(1)} s: ${err.message}`,
  );
  await sleep(wait);
  return true;
}

/**
 * Retry GET and HEAD on transient failures: a network error before the answer, or 408/429/5xx (the body is
 * dropped, and the last answer is returned as it came, for the caller to map). Other methods pass through:
 * a POST, PATCH or PUT is one step of an upload session, which is retried as a whole or not at all.
 */
export function withRetry(send: Send, policy: RetryPolicy): Send {
  return async (req) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(req);
    const what = req.what ?? `${req.method} ${req.url.origin}${req.url.pathname}`;
    for (let attempt = 0; ; attempt++) {
      let res;
      try {
        res = await send(req);
      } catch (err) {
        if (await backoff(what, policy, attempt, err)) continue;
        throw err;
      }
      if (!isTransientStatus(res.status) || attempt >= policy.retries) return res;
      const err: RegistryError = httpError(res.status, res.headers, '', what);
      await discard(res);
      await backoff(what, policy, attempt, err);
    }
  };
}
