// The national theory paper per level (../shared/DOMAIN.md): sections and default domain shares.
// Examiners can change both per blueprint; these are the defaults seeded exams and coverage use.
import type { Domain, PaperBlueprint, QuestionType, QuestionUse } from '../questions';

export interface PaperSection {
  type: QuestionType;
  count: number;
  points: number;
}

export interface PaperFormat {
  level: 1 | 2 | 3 | 4 | 5;
  durationSeconds: number;
  passPercent: number;
  sections: PaperSection[];
  /** Share of each section's questions per domain, in percent (sums to 100). */
  shares: Partial<Record<Domain, number>>;
}

const LEVEL_3_SHARES = { ethics: 5, foundations: 10, 'business-analysis': 20, 'intelligent-training': 30, 'system-design': 30, 'training-guidance': 5 };
const LEVEL_4_SHARES = { ethics: 5, foundations: 15, 'data-processing': 20, 'data-labeling': 40, 'system-ops': 20 };

const LEVEL_4_FORMAT: PaperFormat = {
  level: 4,
  durationSeconds: 90 * 60,
  passPercent: 60,
  sections: [
    { type: 'truefalse', count: 50, points: 0.5 },
    { type: 'single', count: 150, points: 0.5 },
  ],
  shares: LEVEL_4_SHARES,
};

export const NATIONAL_FORMATS: Record<3 | 4 | 5, PaperFormat> = {
  3: {
    level: 3,
    durationSeconds: 90 * 60,
    passPercent: 60,
    sections: [
      { type: 'truefalse', count: 40, points: 0.5 },
      { type: 'single', count: 140, points: 0.5 },
      { type: 'multiple', count: 10, points: 1 },
    ],
    shares: LEVEL_3_SHARES,
  },
  4: LEVEL_4_FORMAT,
  // Level 5 uses the level-4 job functions and paper shape.
  5: { ...LEVEL_4_FORMAT, level: 5 },
};

/**
 * Splits `count` questions over domains by their shares with the largest-remainder method, so the
 * parts always add up to `count` and no domain is off by more than one from its exact share.
 */
export function apportion(count: number, shares: Partial<Record<Domain, number>>): Map<Domain, number> {
  const entries = Object.entries(shares).filter(([, share]) => (share ?? 0) > 0) as Array<[Domain, number]>;
  const total = entries.reduce((sum, [, share]) => sum + share, 0);
  const exact = entries.map(([domain, share]) => ({ domain, exact: (count * share) / total }));
  const result = new Map<Domain, number>(exact.map((e) => [e.domain, Math.floor(e.exact)]));
  let left = count - [...result.values()].reduce((a, b) => a + b, 0);
  // Ties go to the larger share, then to the domain listed first: deterministic.
  for (const e of [...exact].sort((a, b) => b.exact - Math.floor(b.exact) - (a.exact - Math.floor(a.exact)) || b.exact - a.exact)) {
    if (left-- <= 0) break;
    result.set(e.domain, result.get(e.domain)! + 1);
  }
  return result;
}

export interface CoverageCell {
  level: number;
  domain: Domain;
  type: QuestionType;
  need: number;
}

/** What one paper of `format` draws per (domain, type) cell. */
export function paperDemand(format: PaperFormat): CoverageCell[] {
  return format.sections.flatMap((section) =>
    [...apportion(section.count, format.shares)].map(([domain, need]) => ({ level: format.level, domain, type: section.type, need })),
  );
}

/** What the bank health check needs of an exam: its pool and what one paper draws per (domain, type) cell. */
export function paperBlueprint(exam: {
  code: string;
  title: { zh: string; en: string };
  level: number;
  pool: QuestionUse;
  passPercent: number;
  partialCredit: boolean;
  difficulty?: { min: number; max: number };
  sections: Array<{ type: string; count: number; points: number }>;
  shares: Partial<Record<Domain, number>>;
}): PaperBlueprint {
  return {
    code: exam.code,
    title: exam.title,
    level: exam.level,
    pool: exam.pool,
    passPercent: exam.passPercent,
    partialCredit: exam.partialCredit,
    ...(exam.difficulty ? { difficulty: exam.difficulty } : {}),
    cells: exam.sections.flatMap((section) =>
      [...apportion(section.count, exam.shares)].filter(([, need]) => need > 0).map(([domain, need]) => ({ domain, type: section.type, need, points: section.points })),
    ),
  };
}
