// The exams we ship (seed/exams/*.json), loaded idempotently by code; published when the bank can fill them.
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../../lib/logger';
import { parseInput } from '../../lib/validation';
import { bumpMarker } from '../../db/change-marker';
import { EXAMS_MARKER, ExamModel, type Exam } from './exam.model';
import { createExamSchema } from './exam.schemas';
import { createExam, shortCells, toExamView } from './exam.service';
import { paperBlueprint } from './national-format';
import type { PaperBlueprint } from '../questions';

export const SEED_EXAMS_DIR = path.resolve(__dirname, '..', '..', '..', 'seed', 'exams');

export interface ExamSeedReport {
  created: number;
  updated: number;
  unchanged: number;
  published: number;
  /** Exams left unpublished because the bank cannot fill them. */
  unpublishable: string[];
}

function readSeedExams(dir: string): Array<{ file: string; body: unknown }> {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .flatMap((f) => (JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as unknown[]).map((body) => ({ file: `exams/${f}`, body })));
}

/** The shipped exams as the bank health check sees them (npm run lint:bank). */
export function seedExamBlueprints(dir = SEED_EXAMS_DIR): PaperBlueprint[] {
  return readSeedExams(dir).map(({ file, body }) => paperBlueprint(parseInput(createExamSchema, body, file)));
}

export async function seedExams(logger: Logger, dir = SEED_EXAMS_DIR): Promise<ExamSeedReport> {
  const report: ExamSeedReport = { created: 0, updated: 0, unchanged: 0, published: 0, unpublishable: [] };
  for (const { file, body } of readSeedExams(dir)) {
    const input = parseInput(createExamSchema, body, file);
    const existing = await ExamModel.findOne({ code: input.code }).lean<Exam>();
    if (existing && !existing.seedSource) continue; // an examiner's exam with that code: never overwritten
    let id: string;
    if (!existing) {
      id = (await createExam(null, body, file)).id;
      report.created++;
    } else {
      id = existing._id.toHexString();
      const { id: _id, questionCount: _q, totalPoints: _t, status: _s, ...current } = toExamView(existing);
      const wanted = { ...input, availableFrom: input.availableFrom, availableUntil: input.availableUntil };
      if (JSON.stringify(sortKeys(current)) === JSON.stringify(sortKeys(wanted))) {
        report.unchanged++;
        // An unchanged exam an examiner unpublished stays unpublished; only one the seed itself held
        // back (the bank could not fill it) is published once it can be.
        if (existing.status === 'draft' && !existing.seedHold) continue;
      } else {
        await ExamModel.updateOne({ _id: existing._id }, { $set: { ...input, availableFrom: input.availableFrom ? new Date(input.availableFrom) : null, availableUntil: input.availableUntil ? new Date(input.availableUntil) : null } });
        report.updated++;
      }
    }
    const stored = (await ExamModel.findById(id).lean<Exam>())!;
    const exam = toExamView(stored);
    const short = await shortCells(exam);
    const status = short.length ? 'draft' : 'published';
    if (short.length) {
      report.unpublishable.push(exam.code);
      logger.warn({ exam: exam.code, short }, 'seed exam left unpublished: the bank cannot fill it');
    } else report.published++;
    if (exam.status !== status || Boolean(stored.seedHold) !== (status === 'draft')) {
      await ExamModel.updateOne({ _id: id }, { $set: { status, seedHold: status === 'draft' } });
    }
  }
  // Exams changed above: tell every instance's exam cache.
  await bumpMarker(EXAMS_MARKER);
  return report;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, sortKeys(v)]));
  }
  return value;
}
