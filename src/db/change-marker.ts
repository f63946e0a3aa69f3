// In-process caches of data that changes rarely (published exams, the live question pool), kept correct
// across several app instances by a change marker: a tiny document per cache in app_meta that every
// writer replaces with a new random value. A reader pays one primary-key read to learn whether its copy
// is still current, instead of reading (or scanning) the data itself.
//
// A change made by this instance is seen at once (the writer drops this instance's copy, the next read
// reloads). A change made by another instance is picked up in the background: until the reload lands
// (a fraction of a second), readers here still get the copy they had, so no request waits for it.
import { randomUUID } from 'node:crypto';
import { readMeta, writeMeta } from './meta';

const key = (name: string) => `marker:${name}`;

interface Invalidatable {
  invalidate(): void;
}
const local = new Map<string, Set<Invalidatable>>();

/** Tells every instance that `name` changed; this instance's caches reload on their next read. */
export async function bumpMarker(name: string): Promise<void> {
  for (const cache of local.get(name) ?? []) cache.invalidate();
  await writeMeta(key(name), randomUUID());
}

export interface MarkedCache<T> {
  /**
   * The cached value: current, or (after another instance's change) the previous one while it reloads.
   * With `fresh`, waits for that reload instead (for a decision a stale copy could get wrong).
   */
  get(options?: { fresh?: boolean }): Promise<T>;
  /** Drops this instance's copy now, so the next read waits for a reload. */
  invalidate(): void;
}

export function markedCache<T>(name: string, load: () => Promise<T>): MarkedCache<T> {
  let current: { marker: string | undefined; value: T; invalidated: boolean } | undefined;
  // Concurrent readers share one reload per marker value.
  let loading: { marker: string | undefined; promise: Promise<T>; generation: number } | undefined;
  // Bumped by invalidate(): a reload that began before a local change must not become the copy.
  let generation = 0;
  const reload = (marker: string | undefined): Promise<T> => {
    if (loading && loading.marker === marker && loading.generation === generation) return loading.promise;
    const started = generation;
    const promise = load().then(
      (value) => {
        if (loading?.promise === promise) loading = undefined;
        if (started === generation) current = { marker, value, invalidated: false };
        return value;
      },
      (err: unknown) => {
        if (loading?.promise === promise) loading = undefined;
        throw err;
      },
    );
    loading = { marker, promise, generation: started };
    return promise;
  };
  const cache: MarkedCache<T> = {
    async get(options = {}) {
      const marker = await readMeta(key(name));
      if (current && !current.invalidated) {
        if (current.marker === marker) return current.value;
        if (options.fresh) return reload(marker);
        // Changed elsewhere: reload in the background, answer from the copy meanwhile.
        reload(marker).catch(() => undefined);
        return current.value;
      }
      return reload(marker);
    },
    invalidate() {
      generation++;
      if (current) current.invalidated = true;
    },
  };
  local.set(name, (local.get(name) ?? new Set()).add(cache));
  return cache;
}
