// What seed-assign-pools.mjs and seed-balance-pools.mjs share: the seed files, what the shipped exams need per
// (level, domain, type) cell and pool, and the enemy clusters (questions that may never share a paper, by the
// app's own enemyKeys), which always move between pools together. Needs `npm run build` first.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
const require = createRequire(new URL('../../package.json', import.meta.url));
const { seedExamBlueprints } = require('./dist/components/exams/exam-seed.service.js');
const { enemyKeys } = require('./dist/components/questions/enemy-groups.js');

/** Random draws of a tight cell can still fall short: each pool keeps a little room above the need. */
export const MARGIN = 1.1;

const root = new URL('../../seed/questions', import.meta.url).pathname;

/** Every seed file with its parsed questions, in a stable order. */
export function readSeedFiles() {
  const files = [];
  for (const d of fs.readdirSync(root).sort()) for (const f of fs.readdirSync(path.join(root, d)).sort()) if (f.endsWith('.json')) files.push(path.join(root, d, f));
  return files.map((file) => ({ file, qs: JSON.parse(fs.readFileSync(file, 'utf8')) }));
}

const FIELD_ORDER = ['code', 'type', 'domain', 'levels', 'usage', 'difficulty', 'knowledgePoint', 'enemyGroup', 'tags'];
/** Writes the files back, `usage` placed after `levels` as docs/question-format.md shows it. */
export function writeSeedFiles(bank) {
  for (const { file, qs } of bank) {
    const out = qs.map((q) => { const o = {}; for (const k of FIELD_ORDER) if (k in q) o[k] = q[k]; for (const k of Object.keys(q)) if (!(k in o)) o[k] = q[k]; return o; });
    fs.writeFileSync(file, JSON.stringify(out, null, 2) + '\n');
  }
}

export const blueprints = () => seedExamBlueprints();

/** `${level}|${domain}|${type}` -> the most one paper of each pool draws from it. */
export function cellNeeds(bps = seedExamBlueprints()) {
  const need = new Map();
  for (const bp of bps) for (const c of bp.cells) {
    const k = `${bp.level}|${c.domain}|${c.type}`;
    const n = need.get(k) ?? { secure: 0, practice: 0 };
    n[bp.pool] = Math.max(n[bp.pool], c.need);
    need.set(k, n);
  }
  return need;
}

/** The cells of the shipped papers a question can be drawn into. */
export const cellsOf = (q, need) => q.levels.map((l) => `${l}|${q.domain}|${q.type}`).filter((k) => need.has(k));

/** Groups of question indexes that share an enemy key, transitively. */
export function enemyClusters(questions) {
  const parent = questions.map((_, i) => i);
  const find = (x) => { while (parent[x] !== x) { parent[x] = parent[parent[x]]; x = parent[x]; } return x; };
  const owner = new Map();
  questions.forEach((q, i) => { for (const k of enemyKeys(q)) { if (owner.has(k)) parent[find(i)] = find(owner.get(k)); else owner.set(k, i); } });
  const clusters = new Map();
  questions.forEach((_, i) => { const r = find(i); if (!clusters.has(r)) clusters.set(r, []); clusters.get(r).push(i); });
  return [...clusters.values()];
}

/**
 * A cluster puts at most one question on a paper, so it supplies each cell it touches a share of one (1 / the
 * number of cells it touches at that level: cells of different levels are on different papers).
 */
export function cellShares(members, need) {
  const cells = [...new Set(members.flatMap((q) => cellsOf(q, need)))];
  const perLevel = new Map();
  for (const k of cells) perLevel.set(k.split('|')[0], (perLevel.get(k.split('|')[0]) ?? 0) + 1);
  return cells.map((k) => [k, 1 / perLevel.get(k.split('|')[0])]);
}
