interface Waiting<T, R> {
  item: T;
  resolve(result: R): void;
  reject(error: unknown): void;
}

export interface GroupCommitOptions<T = unknown> {
  /** At most this many calls per write. */
  maxBatch: number;
  /** At most this many writes in flight at once (each on its own connection). */
  maxConcurrent: number;
  /**
   * Calls with the same key never share a write: they go in later ones, in order. A write that fails is retried
   * call by call, so a call already landed in an earlier part of the same write would be applied twice.
   */
  key?: (item: T) => string;
}

/**
 * Group commit: calls made while the writes in flight are busy are queued and written together by the next one, so
 * a busy process pays one write per batch instead of one per call, and an idle one pays no wait at all.
 * A batch that fails is retried one call at a time, so a call whose own data is refused fails alone, with its own
 * error, and the others still land.
 */
export function groupCommit<T, R>(write: (items: T[]) => Promise<R[]>, options: GroupCommitOptions<T>): (item: T) => Promise<R> {
  const queue: Waiting<T, R>[] = [];
  let inFlight = 0;

  async function writeBatch(batch: Waiting<T, R>[]): Promise<void> {
    try {
      const results = await write(batch.map((w) => w.item));
      batch.forEach((w, i) => w.resolve(results[i]!));
    } catch (error) {
      if (batch.length === 1) batch[0]!.reject(error);
      else for (const w of batch) await write([w.item]).then((r) => w.resolve(r[0]!), w.reject);
    }
  }

  /** The next batch: up to maxBatch calls, the first of each key (the rest keep their places in the queue). */
  function takeBatch(): Waiting<T, R>[] {
    if (!options.key) return queue.splice(0, options.maxBatch);
    const keys = new Set<string>();
    const batch: Waiting<T, R>[] = [];
    for (let i = 0; i < queue.length && batch.length < options.maxBatch; ) {
      const key = options.key(queue[i]!.item);
      if (keys.has(key)) {
        i++;
        continue;
      }
      keys.add(key);
      batch.push(...queue.splice(i, 1));
    }
    return batch;
  }

  function pump(): void {
    while (inFlight < options.maxConcurrent && queue.length > 0) {
      inFlight++;
      void writeBatch(takeBatch()).finally(() => {
        inFlight--;
        pump();
      });
    }
  }

  return (item) =>
    new Promise<R>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      pump();
    });
}
