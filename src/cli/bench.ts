// `npm run bench`: times the operations users wait on, against a real embedded database in a temp
// folder (never your data). Speed is measured here, not in unit tests.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Types } from 'mongoose';
import pino from 'pino';
import { ensureIndexes } from '../bootstrap';
import type { PublicUser } from '../components/accounts';
import { seedExams } from '../components/exams';
import { saveAnswer, startAttempt, submitAttempt } from '../components/exams/attempt.service';
import { ExamModel } from '../components/exams/exam.model';
import { seedQuestionBank } from '../components/questions';
import { importQuestions } from '../components/questions/question-import.service';
import { loadConfig } from '../config';
import { connectMongoose } from '../db/database';
import { startEmbeddedDatabase } from '../db/embedded-database';

const logger = pino({ level: 'silent' });

async function time<T>(label: string, fn: () => Promise<T>, rows: string[][]): Promise<T> {
  const t0 = performance.now();
  const value = await fn();
  rows.push([label, `${(performance.now() - t0).toFixed(0)} ms`]);
  return value;
}

function generatedQuestions(n: number): unknown[] {
  return Array.from({ length: n }, (_, i) => ({
    type: 'single',
    domain: 'intelligent-training',
    levels: [3],
    difficulty: 3,
    knowledgePoint: 'bench',
    tags: ['bench'],
    stem: { zh: `基准测试第 ${i} 题：下列哪项正确？`, en: `Benchmark question ${i}: which statement is right?` },
    explanation: { zh: '说明。', en: 'Explanation.' },
    options: ['A', 'B', 'C', 'D'].map((o, k) => ({ text: { zh: `选项${o}${i}`, en: `Option ${o} ${i}` }, correct: k === i % 4 })),
  }));
}

async function main(): Promise<void> {
  const config = loadConfig();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ate-bench-'));
  const db = await startEmbeddedDatabase({ dataDir, logger, searchPath: config.searchPath, mongodBin: config.mongodBin, ferretdbBin: config.ferretdbBin });
  const rows: string[][] = [];
  try {
    await connectMongoose(db.uri, 'bench');
    await ensureIndexes();
    const examiner: PublicUser = { id: new Types.ObjectId().toHexString(), email: 'bench@example.com', name: 'Bench', roles: ['examiner'], createdAt: new Date().toISOString() };
    await time('seed the shipped bank (first run)', () => seedQuestionBank(), rows);
    await time('seed again (idempotent, nothing changes)', () => seedQuestionBank(), rows);
    const file = JSON.stringify(generatedQuestions(5000));
    const report = await time('import 5,000 questions (JSON, all-or-nothing)', () => importQuestions(examiner, 'json', file, { language: 'zh' }), rows);
    if (report.created !== 5000) throw new Error(`imported ${report.created}`);
    await seedExams(logger);
    const exam = (await ExamModel.findOne({ code: 'CERT-L3' }).lean())!;
    const starts: number[] = [];
    let last: { id: string; user: PublicUser; items: Array<{ itemId: string; type: string; options: Array<{ id: string }> }> } | undefined;
    for (let i = 0; i < 10; i++) {
      const user: PublicUser = { id: new Types.ObjectId().toHexString(), email: `c${i}@example.com`, name: `C${i}`, roles: ['candidate'], createdAt: new Date().toISOString() };
      const t0 = performance.now();
      const { attempt } = await startAttempt(user, exam._id.toHexString());
      starts.push(performance.now() - t0);
      last = { id: attempt.id, user, items: attempt.items };
    }
    starts.sort((a, b) => a - b);
    rows.push(['start a 190-question level-3 paper (median of 10)', `${starts[5]!.toFixed(0)} ms`]);
    const saves: number[] = [];
    for (const item of last!.items.slice(0, 50)) {
      const response = item.type === 'truefalse' ? true : item.type === 'multiple' ? [item.options[0]!.id, item.options[1]!.id] : item.options[0]!.id;
      const t0 = performance.now();
      await saveAnswer(last!.user, last!.id, item.itemId, { response });
      saves.push(performance.now() - t0);
    }
    saves.sort((a, b) => a - b);
    rows.push(['autosave one answer (median / p95 of 50)', `${saves[25]!.toFixed(0)} / ${saves[47]!.toFixed(0)} ms`]);
    await time('submit and grade a 190-question paper', () => submitAttempt(last!.user, last!.id), rows);
  } finally {
    await (await import('mongoose')).default.disconnect();
    await db.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  const width = Math.max(...rows.map((r) => r[0]!.length));
  process.stdout.write(`\nBackend: ${db.kind} (embedded)\n`);
  for (const [label, value] of rows) process.stdout.write(`${label!.padEnd(width)}  ${value}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
