// The live bank as the health check reads it: every question's live (approved) version with its code. Two
// whole-collection reads (questions with a live version, then versions), matched in code: a report page
// opened now and then, where one scan each beats thousands of per-question look-ups.
import type { HealthQuestion } from './bank-health';
import { QuestionModel, QuestionVersionModel } from './question.model';
import { pickContent } from './question.repository';

export async function liveBankQuestions(): Promise<HealthQuestion[]> {
  const live = await QuestionModel.find({ pool: { $ne: null } }, { code: 1, pool: 1 }).lean();
  const wanted = new Map<string, string>();
  for (const q of live) if (q.pool) wanted.set(`${q._id.toHexString()}:${q.pool.version}`, q.code);
  const out: HealthQuestion[] = [];
  for await (const row of QuestionVersionModel.find({}).lean().cursor()) {
    const code = wanted.get(`${row.questionId.toHexString()}:${row.version}`);
    if (code) out.push({ code, content: pickContent(row) });
  }
  return out.sort((a, b) => (a.code < b.code ? -1 : 1));
}
