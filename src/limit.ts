/**
 * Run async jobs with at most `limit` in flight. The first failure aborts the shared signal (so running
 * streams stop instead of finishing work nobody will use), waits for the others to settle, and is rethrown.
 * An outside signal (`stop`) aborts the same way, with its reason as the failure.
 */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, signal: AbortSignal) => Promise<R>,
  stop?: AbortSignal,
): Promise<R[]> {
  const controller = new AbortController();
  let failure: { err: unknown } | undefined;
  const onStop = () => {
    failure ??= { err: stop!.reason };
    controller.abort(stop!.reason);
  };
  if (stop?.aborted) onStop();
  stop?.addEventListener('abort', onStop, { once: true });
  const results = new Array<R>(items.length);
  let next = 0;
  async function worker(): Promise<void> {
    while (!failure && next < items.length) {
      const i = next++;
      try {
        results[i] = await fn(items[i]!, controller.signal);
      } catch (err) {
        failure ??= { err };
        controller.abort(err);
      }
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  stop?.removeEventListener('abort', onStop);
  if (failure) throw failure.err;
  return results;
}
