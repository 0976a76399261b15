/**
 * Runs `fn` over `items` with at most `limit` at once, in order of start. After a failure (or an
 * abort) no new item starts; the ones running finish. Resolves with each started item's result.
 */
export async function runLimited<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>, stop: (r: R) => boolean, signal: AbortSignal): Promise<Array<R | undefined>> {
  const results: Array<R | undefined> = new Array(items.length);
  let next = 0;
  let stopped = false;
  const lane = async () => {
    while (!stopped && !signal.aborted && next < items.length) {
      const i = next++;
      const r = await fn(items[i]!, i);
      results[i] = r;
      if (stop(r)) stopped = true;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
  return results;
}
