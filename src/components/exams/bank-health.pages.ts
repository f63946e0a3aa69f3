// /bank/health: the bank health check (questions/bank-health.ts) on the live bank, per exam, for examiners.
// The same numbers `npm run lint:bank` prints for the seed: what content-blind tricks earn on each exam's
// pool beside its pass mark, key and wording balance, near-duplicates and secure questions a mock gives away.
import type { Request, Response } from 'express';
import { translate, type Locale } from '../../lib/i18n';
import { bankHealth, healthBandsText, healthProblemText, liveBankQuestions, type ExamHealth, type Language } from '../questions';
import { localized } from './exam-page.view';
import { ExamModel, type Exam } from './exam.model';
import { toExamView } from './exam.service';
import { paperBlueprint } from './national-format';

const pct = (n: number) => `${Math.round(n * 100)}%`;
const langOf = (locale: Locale): Language => (locale === 'zh-CN' ? 'zh' : 'en');

function examRow(locale: Locale, exam: ExamHealth) {
  const { rates, guessing, blueprint } = exam;
  const lang = langOf(locale);
  const absolute = rates.absolute[lang];
  const label = (id: string) => guessing.strategies.find((s) => s.id === id)?.label[lang] ?? id;
  return {
    code: blueprint.code,
    title: localized(blueprint.title, locale),
    level: translate(locale, `level.${blueprint.level}`),
    pool: translate(locale, `bank.exams.pool.short.${blueprint.pool}`),
    questions: rates.questions,
    longest: rates.singles ? pct(rates.longestKey[lang]) : translate(locale, 'bank.health.none'),
    shortest: rates.singles ? pct(rates.shortestKey[lang]) : translate(locale, 'bank.health.none'),
    trueShare: rates.statements ? pct(rates.trueShare) : translate(locale, 'bank.health.none'),
    absolute: absolute.total ? `${pct(absolute.true / absolute.total)} / ${absolute.total}` : translate(locale, 'bank.health.none'),
    keyCounts: Object.entries(rates.keyCounts).map(([k, n]) => `${k}: ${n}`).join(', ') || translate(locale, 'bank.health.none'),
    blind: `${guessing.best.points} / ${guessing.totalPoints} (${pct(guessing.best.share)})`,
    blindPicks: Object.values(guessing.best.picks).map(label).join('; '),
    chance: guessing.chancePoints,
    pass: guessing.passPoints,
    flagged: exam.problems.length > 0,
    short: exam.cells.filter((c) => c.have < c.need).length,
    pairs: exam.nearDuplicates.slice(0, 20),
    strategies: guessing.strategies
      .filter((s) => s.language === lang)
      .sort((a, b) => b.share - a.share)
      .map((s) => ({ label: s.label[lang], points: s.points, share: pct(s.share) })),
  };
}

/** Mounted by the exam admin router, behind its sign-in and examiner check. */
export async function renderBankHealth(req: Request, res: Response): Promise<void> {
  const locale = req.locale;
  const [questions, exams] = await Promise.all([liveBankQuestions(), ExamModel.find({}).lean<Exam[]>()]);
  const blueprints = exams
    .map(toExamView)
    .sort((a, b) => b.level - a.level || (a.code < b.code ? -1 : 1))
    .map(paperBlueprint);
  const health = bankHealth(questions, blueprints);
  res.render('pages/bank/health', {
    title: translate(locale, 'bank.health.title'),
    extraCss: ['/assets/bank.css'],
    bands: healthBandsText(locale),
    problems: health.problems.map((p) => healthProblemText(locale, p)),
    exams: health.exams.map((e) => examRow(locale, e)),
    leaks: health.leaks.slice(0, 50),
    leakCount: health.leaks.length,
  });
}
