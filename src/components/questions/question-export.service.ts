// Exports stream the matching questions from the database and hand them to the format's writer.
import { FORMATS } from './formats';
import type { ListQuery } from './question.schemas';
import * as repo from './question.repository';
import type { ExportableQuestion, QuestionFormat } from './question.types';

export interface ExportFile {
  body: string;
  mediaType: string;
  filename: string;
}

export async function collectForExport(filters: Omit<ListQuery, 'page' | 'pageSize'>): Promise<ExportableQuestion[]> {
  const out: ExportableQuestion[] = [];
  for await (const q of repo.streamMatching(filters)) {
    out.push({ code: q.code, version: q.version, ...repo.pickContent(q) });
  }
  return out;
}

export async function exportQuestions(formatName: Exclude<QuestionFormat['name'], 'aiken'>, filters: Omit<ListQuery, 'page' | 'pageSize'>): Promise<ExportFile> {
  const format = FORMATS[formatName];
  const body = format.serialize!(await collectForExport(filters));
  const stamp = new Date().toISOString().slice(0, 10);
  return { body, mediaType: format.mediaType, filename: `questions-${stamp}.${format.extension}` };
}
