// In-process caches of data that changes rarely (published exams, the live question pool), kept correct
// across several app instances by a change marker: a tiny document per cache in app_meta that every
// writer replaces with a new random value. A reader pays one primary-key read to learn whether its copy
// is still current, instead of reading (or scanning) the data itself.
import { randomUUID } from 'node:crypto';
import { readMeta, writeMeta } from './meta';

const key = (name: string) => `marker:${name}`;

/** Tells every instance (this one included) that `name` changed. */
export async function bumpMarker(name: string): Promise<void> {
  await writeMeta(key(name), randomUUID());
}

export interface MarkedCache<T> {
  /** The cached value, reloaded first when the marker moved. One read of the marker per call. */
  get(): Promise<T>;
  /** Drops this instance's copy now (the writer's own instance, without waiting for the marker). */
  invalidate(): void;
}

export function markedCache<T>(name: string, load: () => Promise<T>): MarkedCache<T> {
  let current: { marker: string | undefined; value: T } | undefined;
  // Concurrent readers after a change share one reload.
  let loading: { marker: string | undefined; promise: Promise<T> } | undefined;
  return {
    async get() {
      const marker = await readMeta(key(name));
      if (current && current.marker === marker) return current.value;
      if (!loading || loading.marker !== marker) {
        const promise = load().then(
          (value) => {
            current = { marker, value };
            loading = undefined;
            return value;
          },
          (err: unknown) => {
            loading = undefined;
            throw err;
          },
        );
        loading = { marker, promise };
      }
      return loading.promise;
    },
    invalidate() {
      current = undefined;
    },
  };
}
