// Runs one task at a time per key inside this process (later callers wait their turn). Used where the
// database cannot isolate a read-modify-write for us (FerretDB v1) and interleaving would lose updates.
const tails = new Map<string, Promise<unknown>>();

export function withKeyLock<T>(key: string, task: () => Promise<T>): Promise<T> {
  const previous = tails.get(key) ?? Promise.resolve();
  const run = previous.then(task, task);
  const tail = run.catch(() => undefined);
  tails.set(key, tail);
  // Forget the key once nobody is queued behind this task, so the map stays small.
  void tail.then(() => {
    if (tails.get(key) === tail) tails.delete(key);
  });
  return run;
}
