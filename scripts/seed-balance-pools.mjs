// Stratified split: after seed-assign-pools.mjs has met every cell's need, flips whole enemy clusters between
// the practice and secure pools so that each shipped exam's pool is a balanced sample of the bank (content-blind
// strategies near chance, absolute-word statements split between true and false, few longest-option keys),
// never dropping a cell below its need (x MARGIN, counted per cluster as in seed-assign-pools.mjs).
// --movable <file> (a JSON list of codes, as seed-assign-pools.mjs --placed writes) limits the flips to clusters
// made only of those questions, so shipped questions keep their pool.
// usage (after npm run build): node scripts/seed-balance-pools.mjs [iterations] [--movable <file>]
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { MARGIN, blueprints as seedBlueprints, cellNeeds, cellShares, cellsOf, enemyClusters, readSeedFiles, writeSeedFiles } from './lib/seed-pools.mjs';
const require = createRequire(new URL('../package.json', import.meta.url));
const { readSeedBank } = require('./dist/components/questions/question-seed.service.js');
const { STRATEGIES, poolHints, ABSOLUTE_WORDS } = require('./dist/components/questions/guessing-strategies.js');

const args = process.argv.slice(2);
const movableFile = args.includes('--movable') ? args[args.indexOf('--movable') + 1] : null;
const movable = movableFile ? new Set(JSON.parse(fs.readFileSync(movableFile, 'utf8'))) : null;
const iterations = Number(args.find((a, i) => /^\d+$/.test(a) && args[i - 1] !== '--movable') ?? 20000);
const LANGS = ['zh', 'en'];
const bank = readSeedFiles();
const byCode = new Map(bank.flatMap((b) => b.qs.map((q) => [q.code, q])));
const contents = new Map(readSeedBank().questions.map((s) => [s.code, s.content]));
const codes = [...byCode.keys()].filter((c) => contents.has(c));
const pool = codes.map((c) => byCode.get(c).usage ?? 'practice');

const clusterList = enemyClusters(codes.map((c) => byCode.get(c)));
const mayFlip = clusterList.map((members) => !movable || members.every((i) => movable.has(codes[i])));

const blueprints = seedBlueprints();
// need per cell and pool; supply per cell and pool in cluster shares
const need = cellNeeds(blueprints);
const cellKeysOf = (i) => cellsOf(byCode.get(codes[i]), need);
const clusterShares = clusterList.map((members) => cellShares(members.map((i) => byCode.get(codes[i])), need));
const supply = new Map([...need.keys()].map((k) => [k, { secure: 0, practice: 0 }]));
clusterList.forEach((members, ci) => { for (const [k, s] of clusterShares[ci]) supply.get(k)[pool[members[0]]] += s; });

// per exam: cells, credits per strategy-language per question, incremental sums
const strategyCols = [];
for (const s of STRATEGIES) for (const lang of LANGS) strategyCols.push({ s, lang });
const exams = blueprints.map((bp) => {
  const inExam = (i, c) => { const q = contents.get(codes[i]); return q.levels.includes(bp.level) && q.domain === c.domain && q.type === c.type && (!bp.difficulty || (q.difficulty >= bp.difficulty.min && q.difficulty <= bp.difficulty.max)); };
  const cellMembers = bp.cells.map((c) => codes.map((_, i) => i).filter((i) => inExam(i, c)));
  const hints = poolHints([...new Set(cellMembers.flat())].map((i) => contents.get(codes[i])));
  const credit = new Map();
  for (const i of new Set(cellMembers.flat())) {
    const q = contents.get(codes[i]);
    credit.set(i, Float64Array.from(strategyCols, ({ s, lang }) => (s.type === q.type ? s.credit(q, lang, hints, { partialCredit: bp.partialCredit }) : 0)));
  }
  const total = bp.cells.reduce((t, c) => t + c.need * c.points, 0);
  const e = { bp, cellMembers, credit, total, S: bp.cells.map(() => new Float64Array(strategyCols.length)), N: bp.cells.map(() => 0), abs: { zh: [0, 0], en: [0, 0] }, longest: { zh: 0, en: 0 }, singles: 0, members: new Map() };
  // membership counts (a question in two cells of one exam is counted once for the rates)
  return e;
});
const featuresOf = new Map();
const features = (i) => {
  if (featuresOf.has(i)) return featuresOf.get(i);
  const q = contents.get(codes[i]);
  const f = { tf: q.type === 'truefalse', answer: q.answer === true, abs: {}, single: q.type === 'single', longest: {} };
  for (const lang of LANGS) {
    f.abs[lang] = f.tf && ABSOLUTE_WORDS[lang].test(q.stem[lang] ?? '');
    if (f.single) { const o = q.options; const key = o.findIndex((x) => x.correct); const L = o.map((x) => [...(x.text[lang] ?? '')].length); f.longest[lang] = L.every((n, j) => j === key || n < L[key]); }
  }
  featuresOf.set(i, f);
  return f;
};
function apply(e, i, sign) {
  e.cellMembers.forEach((m, ci) => { if (m.includes(i)) { const cr = e.credit.get(i); const S = e.S[ci]; for (let k = 0; k < S.length; k++) S[k] += sign * cr[k]; e.N[ci] += sign; } });
  const f = features(i);
  for (const lang of LANGS) { if (f.abs[lang]) { e.abs[lang][0] += sign; if (f.answer) e.abs[lang][1] += sign; } if (f.single && f.longest[lang]) e.longest[lang] += sign; }
  if (f.single) e.singles += sign;
}
const examHas = exams.map((e) => new Set(e.cellMembers.flat()));
exams.forEach((e, ei) => { for (const i of examHas[ei]) if (pool[i] === e.bp.pool) apply(e, i, 1); });

function score(e) {
  let best = 0;
  for (const lang of LANGS) {
    let pts = 0;
    const types = [...new Set(e.bp.cells.map((c) => c.type))];
    for (const t of types) {
      let top = 0;
      strategyCols.forEach(({ s, lang: l }, k) => {
        if (l !== lang || s.type !== t) return;
        let p = 0;
        e.bp.cells.forEach((c, ci) => { if (c.type === t && e.N[ci] > 0) p += (c.need * c.points * e.S[ci][k]) / e.N[ci]; });
        if (p > top) top = p;
      });
      pts += top;
    }
    best = Math.max(best, pts / e.total);
  }
  let pen = Math.max(0, best - 0.38) * 100;
  for (const lang of LANGS) {
    const [a, t] = e.abs[lang];
    if (a >= 8) { const s = t / a; pen += Math.max(0, 0.42 - s, s - 0.58) * 30; }
    if (e.singles >= 15) pen += Math.max(0, e.longest[lang] / e.singles - 0.28) * 30;
  }
  return { pen, best };
}
// The coverage target (bank-coverage.ts): at least half of every cell secure, counted per question as there.
const HALF_SECURE_WEIGHT = 1.5;
const cellCount = new Map([...need.keys()].map((k) => [k, { secure: 0, total: 0 }]));
codes.forEach((_, i) => { for (const k of cellKeysOf(i)) { const c = cellCount.get(k); c.total++; if (pool[i] === 'secure') c.secure++; } });
const cellPenalty = (k) => { const c = cellCount.get(k); return Math.max(0, Math.ceil(c.total / 2) - c.secure) * HALF_SECURE_WEIGHT; };
const moveCells = (members, to) => { for (const i of members) for (const k of cellKeysOf(i)) cellCount.get(k).secure += to === 'secure' ? 1 : -1; };
let scores = exams.map(score);
const totalPen = () => scores.reduce((t, s) => t + s.pen, 0) + [...need.keys()].reduce((t, k) => t + cellPenalty(k), 0);
console.log('start penalty', totalPen().toFixed(2));

let rnd = 12345;
const random = () => { rnd = (Math.imul(rnd, 1103515245) + 12345) >>> 0; return rnd / 4294967296; };
let accepted = 0;
for (let it = 0; it < iterations; it++) {
  const ci = Math.floor(random() * clusterList.length);
  if (!mayFlip[ci]) continue;
  const members = clusterList[ci];
  const from = pool[members[0]];
  const to = from === 'secure' ? 'practice' : 'secure';
  // supply constraint
  let ok = true;
  for (const [k, s] of clusterShares[ci]) { const n = need.get(k); if (supply.get(k)[from] - s < n[from] * MARGIN - 1e-9 && n[from] > 0) { ok = false; break; } }
  if (!ok) continue;
  const touched = exams.map((_, ei) => ei).filter((ei) => members.some((i) => examHas[ei].has(i)));
  if (!touched.length) continue;
  const cellsTouched = [...new Set(members.flatMap(cellKeysOf))];
  const before = touched.reduce((t, ei) => t + scores[ei].pen, 0) + cellsTouched.reduce((t, k) => t + cellPenalty(k), 0);
  for (const ei of touched) for (const i of members) if (examHas[ei].has(i)) apply(exams[ei], i, exams[ei].bp.pool === from ? -1 : exams[ei].bp.pool === to ? 1 : 0);
  moveCells(members, to);
  const newScores = touched.map((ei) => score(exams[ei]));
  const after = newScores.reduce((t, s) => t + s.pen, 0) + cellsTouched.reduce((t, k) => t + cellPenalty(k), 0);
  if (after < before - 1e-9 || (after <= before + 1e-9 && random() < 0.3)) {
    for (const i of members) pool[i] = to;
    for (const [k, s] of clusterShares[ci]) { supply.get(k)[from] -= s; supply.get(k)[to] += s; }
    touched.forEach((ei, j) => { scores[ei] = newScores[j]; });
    accepted++;
  } else {
    for (const ei of touched) for (const i of members) if (examHas[ei].has(i)) apply(exams[ei], i, exams[ei].bp.pool === from ? 1 : exams[ei].bp.pool === to ? -1 : 0);
    moveCells(members, from);
  }
}
console.log('end penalty', totalPen().toFixed(2), 'accepted', accepted);
exams.forEach((e, ei) => { if (scores[ei].pen > 0) console.log(`  ${e.bp.code}: best ${(scores[ei].best * 100).toFixed(1)}% penalty ${scores[ei].pen.toFixed(2)}`); });
codes.forEach((c, i) => { byCode.get(c).usage = pool[i]; });
writeSeedFiles(bank);
const underHalf = [...need.keys()].filter((k) => cellPenalty(k) > 0);
console.log('secure', pool.filter((p) => p === 'secure').length, 'of', pool.length, `; cells under half secure: ${underHalf.length}${underHalf.length ? ` (${underHalf.join(', ')})` : ''}`);
