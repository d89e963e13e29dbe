/**
 * Run async jobs with at most `limit` in flight. The first failure aborts the shared signal (so running
 * streams stop instead of finishing work nobody will use), waits for the others to settle, and is rethrown.
 * An outside signal (`stop`) aborts the same way, with its reason as the failure.
 */
export declare function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, signal: AbortSignal) => Promise<R>, stop?: AbortSignal): Promise<R[]>;
