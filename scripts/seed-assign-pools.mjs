// Assigns `usage` (practice | secure) to seed questions from what the shipped exams draw: for each
// (level, domain, type) cell, the secure pool must hold what a certification paper draws and the practice pool
// what the biggest mock/practice paper draws. Questions sharing an enemy key (knowledge point or enemyGroup)
// land in one pool. Unmet needs are filled first; spare questions are shared in proportion to those needs, secure weighted up (SECURE_WEIGHT).
// A question that already has a `usage` keeps it (a shipped practice question may have been shown with its key,
// and moving a secure one to practice would publish it); only questions without one are placed, and their codes
// are written to --placed <file> for seed-balance-pools.mjs --movable. --all re-splits every question.
// usage (after npm run build): node scripts/seed-assign-pools.mjs [--all] [--placed <file>]
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
const require = createRequire(new URL('../package.json', import.meta.url));
const { seedExamBlueprints } = require('./dist/components/exams/exam-seed.service.js');

const args = process.argv.slice(2);
const resplitAll = args.includes('--all');
const placedFile = args.includes('--placed') ? args[args.indexOf('--placed') + 1] : null;
const root = new URL('../seed/questions', import.meta.url).pathname;
const SECURE_WEIGHT = 1.25;
const files = [];
for (const d of fs.readdirSync(root).sort()) for (const f of fs.readdirSync(path.join(root, d)).sort()) if (f.endsWith('.json')) files.push(path.join(root, d, f));
const bank = files.map((file) => ({ file, qs: JSON.parse(fs.readFileSync(file, 'utf8')) }));
const all = bank.flatMap((b) => b.qs);

const need = new Map(); // `${level}|${domain}|${type}` -> {secure, practice}
for (const bp of seedExamBlueprints()) {
  if (bp.difficulty && (bp.difficulty.min > 1 || bp.difficulty.max < 5)) throw new Error(`${bp.code} has a difficulty range; this script ignores ranges`);
  for (const c of bp.cells) {
    const k = `${bp.level}|${c.domain}|${c.type}`;
    const n = need.get(k) ?? { secure: 0, practice: 0 };
    n[bp.pool] = Math.max(n[bp.pool], c.need);
    need.set(k, n);
  }
}
const parent = new Map(all.map((q) => [q.code, q.code]));
const find = (x) => { while (parent.get(x) !== x) { parent.set(x, parent.get(parent.get(x))); x = parent.get(x); } return x; };
const byKey = new Map();
for (const q of all) for (const key of [`kp:${q.knowledgePoint}`, ...(q.enemyGroup ? [`group:${q.enemyGroup}`] : [])]) {
  if (byKey.has(key)) parent.set(find(q.code), find(byKey.get(key))); else byKey.set(key, q.code);
}
const clusters = new Map();
for (const q of all) { const r = find(q.code); if (!clusters.has(r)) clusters.set(r, []); clusters.get(r).push(q); }
const cellsOf = (q) => q.levels.map((l) => `${l}|${q.domain}|${q.type}`).filter((k) => need.has(k));
const count = new Map([...need.keys()].map((k) => [k, { secure: 0, practice: 0 }]));
// Filling an unmet need costs under 1; beyond the need, spare questions go where they are relatively fewest.
const weight = (k, pool) => Math.max(need.get(k)[pool], 0.5) * (pool === 'secure' ? SECURE_WEIGHT : 1);
// MARGIN: random draws of a tight cell can still fall short; keep a little room above the need.
const MARGIN = 1.1;
const cellCost = (k, pool) => { const c = count.get(k)[pool] + 1; const n = need.get(k)[pool] * MARGIN; return c <= n ? c / n : 1 + c / weight(k, pool); };
const hash = (s) => { let h = 2166136261; for (const c of s) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0; return h; };
const ordered = [...clusters.values()].sort((a, b) => b.length - a.length || hash(a[0].code) - hash(b[0].code));
// A cluster puts at most one question on a paper, so it supplies each cell it touches a share of one
// (1 / the number of cells it touches), however many members it has there.
const sharesOf = (members) => {
  // Cells of different levels are on different papers: the share is taken per level.
  const cells = [...new Set(members.flatMap(cellsOf))];
  const perLevel = new Map();
  for (const k of cells) perLevel.set(k.split('|')[0], (perLevel.get(k.split('|')[0]) ?? 0) + 1);
  return cells.map((k) => [k, 1 / perLevel.get(k.split('|')[0])]);
};
if (resplitAll) for (const q of all) delete q.usage;
// Clusters with a question already placed stay where that question is; they count first.
const placedAlready = (members) => members.find((q) => q.usage);
for (const members of ordered) {
  const anchor = placedAlready(members);
  if (!anchor) continue;
  for (const q of members) q.usage ??= anchor.usage;
  for (const [k, share] of sharesOf(members)) count.get(k)[anchor.usage] += share;
}
const placed = [];
for (const members of ordered) {
  if (members.some((q) => q.usage)) continue;
  const shares = sharesOf(members);
  const cost = (pool) => shares.reduce((t, [k, share]) => t + share * cellCost(k, pool), 0);
  const usage = cost('secure') <= cost('practice') ? 'secure' : 'practice';
  for (const q of members) { q.usage = usage; placed.push(q.code); }
  for (const [k, share] of shares) count.get(k)[usage] += share;
}
if (placedFile) fs.writeFileSync(placedFile, JSON.stringify(placed) + '\n');
const ORDER = ['code', 'type', 'domain', 'levels', 'usage', 'difficulty', 'knowledgePoint', 'enemyGroup', 'tags'];
for (const { file, qs } of bank) {
  const out = qs.map((q) => { const o = {}; for (const k of ORDER) if (k in q) o[k] = q[k]; for (const k of Object.keys(q)) if (!(k in o)) o[k] = q[k]; return o; });
  fs.writeFileSync(file, JSON.stringify(out, null, 2) + '\n');
}
for (const [k, n] of [...need].sort()) {
  const c = count.get(k);
  const short = c.secure < n.secure * MARGIN || c.practice < n.practice * MARGIN;
  console.log(`${k.padEnd(34)} secure ${c.secure.toFixed(1).padStart(5)}/${String(n.secure).padStart(3)}  practice ${c.practice.toFixed(1).padStart(5)}/${String(n.practice).padStart(3)}${short ? '  SHORT' : ''}`);
}
console.log(`placed ${placed.length} of ${all.length} questions (${clusters.size} clusters); secure ${all.filter((q) => q.usage === 'secure').length}`);
