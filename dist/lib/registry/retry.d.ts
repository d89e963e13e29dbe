/**
 * Retries for whole operations (a blob upload session, a manifest PUT, a connection with its handshake), never
 * for single requests inside them: a half-done upload session is abandoned and started again (style.md 2.3).
 * Only transient failures are retried (transport/errors.ts); Retry-After is honoured, capped.
 */
import { DEFAULT_RETRY, type RetryPolicy } from './transport/retry.js';
export { DEFAULT_RETRY, type RetryPolicy };
export declare function retryOperation<T>(what: string, policy: RetryPolicy, fn: (attempt: number) => Promise<T>): Promise<T>;
