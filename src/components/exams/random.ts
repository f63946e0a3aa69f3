// Randomness for papers: crypto-strong by default (candidates must not predict their paper), injectable for tests.
import { randomInt } from 'node:crypto';

export type Random = (maxExclusive: number) => number;

export const secureRandom: Random = (max) => (max <= 1 ? 0 : randomInt(max));

/** Fisher–Yates: every order equally likely. Returns a new array. */
export function shuffle<T>(items: readonly T[], random: Random = secureRandom): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = random(i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** A small deterministic generator for tests (mulberry32). */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return (max) => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * max);
  };
}
