import { BoundedMap } from './bounded-map';

it('when a full map gets a new key, then the oldest key goes and the others stay', () => {
  const map = new BoundedMap<string, number>(2);
  map.set('a', 1).set('b', 2).set('c', 3);
  expect([...map.entries()]).toEqual([['b', 2], ['c', 3]]);
});

it('when a full map gets a key it holds, then nothing is dropped', () => {
  const map = new BoundedMap<string, number>(2);
  map.set('a', 1).set('b', 2).set('a', 9);
  expect([...map.entries()]).toEqual([['a', 9], ['b', 2]]);
});
