/**
 * Retries with exponential backoff and full jitter, for whole operations (a blob upload session, a manifest
 * PUT), never for single requests inside them: a half-done upload session is abandoned and started again.
 * Only transient failures are retried (see errors.ts); Retry-After is honoured, capped.
 */
import { isTransient } from './errors.js';

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

export async function withRetry<T>(
  what: string,
  policy: RetryPolicy,
  fn: (attempt: number) => Promise<T>,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (!isTransient(err) || attempt >= policy.retries) throw err;
      const backoff = Math.min(policy.maxMs, policy.baseMs * 2 ** attempt);
      const wait =
        err.retryAfterMs !== undefined
          ? Math.min(policy.maxMs, err.retryAfterMs)
          : Math.round(backoff / 2 + Math.random() * (backoff / 2));
      policy.log(
        `retry ${attempt + 1}/${policy.retries} of ${what} in ${(wait / 1000).toFixed(1)} s: ${err.message}`,
      );
      await sleep(wait);
    }
  }
}
