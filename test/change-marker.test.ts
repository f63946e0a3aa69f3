// Caches behind change markers: a local change is seen at once, a change made by another instance is
// picked up (in the background, or at once when asked for a fresh copy), and an unchanged marker costs
// no reload.
import { bumpMarker, markedCache } from '../src/db/change-marker';
import { writeMeta } from '../src/db/meta';
import { useTestDatabase } from './helpers/database';

useTestDatabase();

function counter(name: string) {
  let loads = 0;
  const cache = markedCache(name, async () => ++loads);
  return { cache, loads: () => loads };
}

it('when nothing changed, then the copy is served without reloading', async () => {
  const { cache, loads } = counter('test-unchanged');
  expect(await cache.get()).toBe(1);
  expect(await cache.get()).toBe(1);
  expect(loads()).toBe(1);
});

it('when this instance changes the data, then the very next read has the new copy', async () => {
  const { cache } = counter('test-local');
  expect(await cache.get()).toBe(1);
  await bumpMarker('test-local');
  expect(await cache.get()).toBe(2);
});

it('when another instance changes the data, then reads answer from the copy while it reloads, and a fresh read waits for it', async () => {
  const { cache, loads } = counter('test-remote');
  expect(await cache.get()).toBe(1);
  // What another instance's bumpMarker leaves in the database.
  await writeMeta('marker:test-remote', 'changed elsewhere');
  expect(await cache.get()).toBe(1);
  expect(await cache.get({ fresh: true })).toBe(2);
  expect(await cache.get()).toBe(2);
  expect(loads()).toBe(2);
});
