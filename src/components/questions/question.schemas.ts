// Input schemas: the question content (shared by the API, every import format and the seed loader),
// list filters, transitions. Type-specific rules come from the type registry.
import { z } from 'zod';
import { DOMAINS, LANGUAGES, LEVELS, QUESTION_TYPES, QUESTION_USES, type QuestionContent } from './question.types';
import { questionType } from './types';
import { MAX_OPTIONS } from './types/choice-options';

const key = z.string().trim().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'Use lower-case words joined by hyphens.').max(60);
const text = z.string().trim().min(1, 'Cannot be blank.').max(4000);
const localized = z.strictObject({ zh: text.optional(), en: text.optional() });

export const QUESTION_CODE = /^[A-Z]{2}-\d{4,6}$/;

const optionSchema = z.strictObject({
  id: z.string().regex(/^[a-z]$/).optional(),
  text: localized,
  correct: z.boolean(),
  weight: z.number().min(-100).max(100).optional(),
});

/** Shape of the content; defaults applied; ids assigned. Type rules are checked in checkContent. */
export const questionContentSchema = z.strictObject({
  code: z.string().trim().regex(QUESTION_CODE, 'Use a domain prefix and digits, e.g. IT-0042.').optional(),
  type: z.enum(QUESTION_TYPES),
  domain: z.enum(DOMAINS),
  levels: z
    .array(z.union(LEVELS.map((l) => z.literal(l)) as [z.ZodLiteral<1>, z.ZodLiteral<2>, ...z.ZodLiteral<3 | 4 | 5>[]]))
    .min(1)
    .transform((levels) => [...new Set(levels)].sort((a, b) => b - a)),
  difficulty: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4), z.literal(5)]).default(3),
  knowledgePoint: z.union([key, z.literal('')]).default(''),
  tags: z.array(key).max(20).default([]).transform((tags) => [...new Set(tags)]),
  usage: z.enum(QUESTION_USES).default('practice'),
  enemyGroup: z.union([key, z.literal('')]).optional().transform((g) => g || undefined),
  stem: localized,
  explanation: localized.default({}),
  options: z.array(optionSchema).max(MAX_OPTIONS).optional(),
  answer: z.boolean().optional(),
  accepted: z.array(z.string().trim().max(200)).max(30).optional(),
  tolerance: z.number().min(0).optional(),
  reviewer: z.string().max(100).optional(),
});
export type QuestionInput = z.output<typeof questionContentSchema>;

export interface ContentIssue {
  path: string;
  message: string;
}

/** Gives options ids a, b, c… in order (keeping ids already given) so versions can refer to them. */
export function withOptionIds(input: QuestionInput): QuestionInput {
  if (!input.options) return input;
  return { ...input, options: input.options.map((o, i) => ({ ...o, id: o.id ?? String.fromCharCode(97 + i) })) };
}

export function toContent(input: QuestionInput): QuestionContent {
  const content: QuestionContent = {
    type: input.type,
    domain: input.domain,
    levels: input.levels,
    difficulty: input.difficulty,
    knowledgePoint: input.knowledgePoint,
    tags: input.tags,
    usage: input.usage,
    stem: input.stem,
    explanation: input.explanation,
  };
  if (input.options) content.options = input.options.map((o, i) => ({ id: o.id ?? String.fromCharCode(97 + i), text: o.text, correct: o.correct, ...(o.weight !== undefined ? { weight: o.weight } : {}) }));
  if (input.enemyGroup) content.enemyGroup = input.enemyGroup;
  if (input.answer !== undefined) content.answer = input.answer;
  if (input.accepted !== undefined) content.accepted = input.accepted;
  if (input.tolerance !== undefined) content.tolerance = input.tolerance;
  return content;
}

/**
 * Rules beyond the shape: the type's own rules always; for approval also both languages
 * everywhere and an explanation.
 */
export function checkContent(content: QuestionContent, { forApproval }: { forApproval: boolean }): ContentIssue[] {
  const issues: ContentIssue[] = [...questionType(content.type).checkDefinition(content)];
  const required = forApproval ? LANGUAGES : ([] as const);
  const needText = (value: Partial<Record<string, string>>, path: string) => {
    if (!forApproval && !value.zh && !value.en) issues.push({ path, message: 'Give the text in at least one language.' });
    for (const language of required) if (!value[language]) issues.push({ path: `${path}.${language}`, message: `Missing the ${language === 'zh' ? 'Chinese' : 'English'} text.` });
  };
  needText(content.stem, 'stem');
  if (forApproval) needText(content.explanation, 'explanation');
  content.options?.forEach((o, i) => needText(o.text, `options[${i}].text`));
  if (!['single', 'multiple'].includes(content.type) && content.options) issues.push({ path: 'options', message: 'Only choice questions have options.' });
  if (content.type !== 'truefalse' && content.answer !== undefined) issues.push({ path: 'answer', message: 'Only true/false questions have an answer field.' });
  if (content.type !== 'fill' && (content.accepted !== undefined || content.tolerance !== undefined)) issues.push({ path: 'accepted', message: 'Only fill-in questions have accepted answers.' });
  return dedupe(issues);
}

function dedupe(issues: ContentIssue[]): ContentIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => !seen.has(i.path + i.message) && seen.add(i.path + i.message));
}

export const STATUSES = ['draft', 'in_review', 'approved', 'retired'] as const;
export type QuestionStatus = (typeof STATUSES)[number];

const intFromQuery = (min: number, max: number) =>
  z.string().regex(/^\d+$/, 'Must be a whole number.').transform(Number).pipe(z.number().int().min(min).max(max));

export const listQuerySchema = z.strictObject({
  domain: z.enum(DOMAINS).optional(),
  level: intFromQuery(1, 5).optional(),
  type: z.enum(QUESTION_TYPES).optional(),
  status: z.enum(STATUSES).optional(),
  difficulty: intFromQuery(1, 5).optional(),
  tag: key.optional(),
  q: z.string().trim().max(200).optional(),
  page: intFromQuery(1, 100_000).default(1),
  pageSize: intFromQuery(1, 100).default(20),
});
export type ListQuery = z.output<typeof listQuerySchema>;

export const transitionSchema = z.strictObject({
  to: z.enum(STATUSES),
  comment: z.string().trim().max(1000).optional(),
});

export const IMPORT_FORMATS = ['gift', 'aiken', 'moodlexml', 'csv', 'json'] as const;
export const EXPORT_FORMATS = ['gift', 'moodlexml', 'csv', 'json'] as const;
