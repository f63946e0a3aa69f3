// The contract every question type implements: how its definition is checked, what a response looks
// like, and how a response is graded. Pure functions, no I/O; one module per type in the registry.
import type { QuestionContent, QuestionType } from '../question.types';

export interface DefinitionIssue {
  /** Path inside the question, e.g. options[2].text.en */
  path: string;
  message: string;
}

export interface GradingOptions {
  /** multiple only: Moodle-style partial credit instead of all-or-nothing. */
  partialCredit: boolean;
}

export interface QuestionTypeModule<R = unknown> {
  readonly type: QuestionType;
  /** Type-specific rules on top of the shared schema (key counts, option rules…). */
  checkDefinition(content: QuestionContent): DefinitionIssue[];
  /** Whether `response` has this type's shape and fits the question (option ids exist…); message if not. */
  checkResponse(content: QuestionContent, response: unknown): { ok: true; value: R } | { ok: false; message: string };
  /** Fraction of the item's points earned, 0..1. `response` has passed checkResponse. */
  grade(content: QuestionContent, response: R, options: GradingOptions): number;
  /** The correct response, for review screens. */
  key(content: QuestionContent): R;
}
