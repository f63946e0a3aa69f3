// Assigns `usage` (practice | secure) to seed questions from what the shipped exams draw: for each
// (level, domain, type) cell, the secure pool must hold what a certification paper draws and the practice pool
// what the biggest mock/practice paper draws. Questions sharing an enemy key (knowledge point or enemyGroup)
// land in one pool. Unmet needs are filled first; spare questions are shared in proportion to those needs, secure weighted up (SECURE_WEIGHT).
// A question that already has a `usage` keeps it (a shipped practice question may have been shown with its key,
// and moving a secure one to practice would publish it); only questions without one are placed, and their codes
// are written to --placed <file> for seed-balance-pools.mjs --movable. --all re-splits every question.
// usage (after npm run build): node scripts/seed-assign-pools.mjs [--all] [--placed <file>]
import fs from 'node:fs';
import { MARGIN, blueprints, cellNeeds, cellShares, enemyClusters, readSeedFiles, writeSeedFiles } from './lib/seed-pools.mjs';

const args = process.argv.slice(2);
const resplitAll = args.includes('--all');
const placedFile = args.includes('--placed') ? args[args.indexOf('--placed') + 1] : null;
const SECURE_WEIGHT = 1.25;
const bank = readSeedFiles();
const all = bank.flatMap((b) => b.qs);

const bps = blueprints();
for (const bp of bps) if (bp.difficulty && (bp.difficulty.min > 1 || bp.difficulty.max < 5)) throw new Error(`${bp.code} has a difficulty range; this script ignores ranges`);
const need = cellNeeds(bps);
const clusters = enemyClusters(all).map((members) => members.map((i) => all[i]));
const count = new Map([...need.keys()].map((k) => [k, { secure: 0, practice: 0 }]));
// Filling an unmet need costs under 1; beyond the need, spare questions go where they are relatively fewest.
const weight = (k, pool) => Math.max(need.get(k)[pool], 0.5) * (pool === 'secure' ? SECURE_WEIGHT : 1);
const cellCost = (k, pool) => { const c = count.get(k)[pool] + 1; const n = need.get(k)[pool] * MARGIN; return c <= n ? c / n : 1 + c / weight(k, pool); };
const hash = (s) => { let h = 2166136261; for (const c of s) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0; return h; };
const ordered = clusters.sort((a, b) => b.length - a.length || hash(a[0].code) - hash(b[0].code));
if (resplitAll) for (const q of all) delete q.usage;
// Clusters with a question already placed stay where that question is; they count first.
for (const members of ordered) {
  const anchor = members.find((q) => q.usage);
  if (!anchor) continue;
  for (const q of members) q.usage ??= anchor.usage;
  for (const [k, share] of cellShares(members, need)) count.get(k)[anchor.usage] += share;
}
const placed = [];
for (const members of ordered) {
  if (members.some((q) => q.usage)) continue;
  const shares = cellShares(members, need);
  const cost = (pool) => shares.reduce((t, [k, share]) => t + share * cellCost(k, pool), 0);
  const usage = cost('secure') <= cost('practice') ? 'secure' : 'practice';
  for (const q of members) { q.usage = usage; placed.push(q.code); }
  for (const [k, share] of shares) count.get(k)[usage] += share;
}
if (placedFile) fs.writeFileSync(placedFile, JSON.stringify(placed) + '\n');
writeSeedFiles(bank);
for (const [k, n] of [...need].sort()) {
  const c = count.get(k);
  const short = c.secure < n.secure * MARGIN || c.practice < n.practice * MARGIN;
  console.log(`${k.padEnd(34)} secure ${c.secure.toFixed(1).padStart(5)}/${String(n.secure).padStart(3)}  practice ${c.practice.toFixed(1).padStart(5)}/${String(n.practice).padStart(3)}${short ? '  SHORT' : ''}`);
}
console.log(`placed ${placed.length} of ${all.length} questions (${clusters.length} clusters); secure ${all.filter((q) => q.usage === 'secure').length}`);
