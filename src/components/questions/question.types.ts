// What a question is, independent of storage: shared by the type registry, import/export formats,
// the service and the seed loader. The JSON shape is documented in docs/question-format.md.

export const QUESTION_TYPES = ['single', 'multiple', 'truefalse', 'fill'] as const;
export type QuestionType = (typeof QUESTION_TYPES)[number];

export const DOMAINS = [
  'ethics',
  'foundations',
  'data-processing',
  'data-labeling',
  'system-ops',
  'business-analysis',
  'intelligent-training',
  'system-design',
  'training-guidance',
] as const;
export type Domain = (typeof DOMAINS)[number];

/** Code prefixes per domain (IT-0042). */
export const DOMAIN_PREFIX: Record<Domain, string> = {
  ethics: 'ET',
  foundations: 'FD',
  'data-processing': 'DP',
  'data-labeling': 'DL',
  'system-ops': 'SO',
  'business-analysis': 'BA',
  'intelligent-training': 'IT',
  'system-design': 'SD',
  'training-guidance': 'TG',
};

export const LEVELS = [1, 2, 3, 4, 5] as const;
export type Level = (typeof LEVELS)[number];

/**
 * Which exams may draw a question. Practice questions serve mocks and practice, whose reviews may show keys;
 * secure questions serve certification exams only and are never shown after an attempt. Once a question has
 * been practice, its key is out: it never becomes secure again (question.service refuses that edit).
 */
export const QUESTION_USES = ['practice', 'secure'] as const;
export type QuestionUse = (typeof QUESTION_USES)[number];

export const LANGUAGES = ['zh', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Text in one or both languages. Drafts may have one; approved questions need both. */
export type LocalizedText = Partial<Record<Language, string>>;

export interface QuestionOption {
  /** Stable within the question across versions: 'a', 'b', … */
  id: string;
  text: LocalizedText;
  correct: boolean;
  /** multiple only: Moodle-style fraction in percent for partial credit (e.g. 50, -100). */
  weight?: number;
}

/** Everything that defines a question's meaning and grading; versioned as a whole. */
export interface QuestionContent {
  type: QuestionType;
  domain: Domain;
  levels: Level[];
  difficulty: 1 | 2 | 3 | 4 | 5;
  knowledgePoint: string;
  tags: string[];
  /** Practice or secure pool; absent in data written before pools existed, which reads as practice. */
  usage: QuestionUse;
  /**
   * Questions that give each other away share an enemy group (as well as a knowledge point): paper assembly
   * never puts two of one group on one paper.
   */
  enemyGroup?: string;
  stem: LocalizedText;
  explanation: LocalizedText;
  /** single and multiple */
  options?: QuestionOption[];
  /** truefalse */
  answer?: boolean;
  /** fill: every accepted answer, in either language */
  accepted?: string[];
  /** fill: absolute tolerance for numeric answers */
  tolerance?: number;
}

/** The fields of QuestionContent, in a stable order (for copying content between documents). */
export const CONTENT_KEYS = [
  'type',
  'domain',
  'levels',
  'difficulty',
  'knowledgePoint',
  'tags',
  'usage',
  'enemyGroup',
  'stem',
  'explanation',
  'options',
  'answer',
  'accepted',
  'tolerance',
] as const satisfies ReadonlyArray<keyof QuestionContent>;

/**
 * One question as an import format produced it, before validation: the field names of
 * QuestionContent (any may be missing or wrong) plus an optional code, and the line or row it
 * started on so errors can point there.
 */
export interface ParsedQuestion {
  line: number;
  data: Record<string, unknown>;
}

/** A problem found while reading a file: where, which field (a path like options[2].text.en), what. */
export interface ImportIssue {
  line: number;
  field?: string;
  message: string;
}

export interface ImportDefaults {
  domain?: Domain;
  levels?: Level[];
  /** The pool imported questions join when the file does not say (practice unless the examiner chose). */
  usage?: QuestionUse;
  /** The language of formats that carry one (GIFT, Aiken, CSV without language columns). */
  language: Language;
}

export interface ParseResult {
  questions: ParsedQuestion[];
  /** Syntax errors. Any error makes the whole import fail (all or nothing). */
  errors: ImportIssue[];
  /** Things accepted with a change the examiner should know about (e.g. unsupported feature dropped). */
  warnings: ImportIssue[];
}

/** An export row: content plus identity. */
export interface ExportableQuestion extends QuestionContent {
  code: string;
  version: number;
}

export interface QuestionFormat {
  readonly name: 'gift' | 'aiken' | 'moodlexml' | 'csv' | 'json';
  parse(text: string, defaults: ImportDefaults): ParseResult;
  /** Absent for import-only formats (Aiken). */
  serialize?(questions: ExportableQuestion[]): string;
  readonly mediaType: string;
  readonly extension: string;
}
