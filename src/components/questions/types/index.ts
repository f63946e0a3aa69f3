// The registry: adding a question type means adding its module here (and its tests).
import type { QuestionType } from '../question.types';
import { fillType } from './fill.type';
import { multipleType } from './multiple.type';
import type { QuestionTypeModule } from './question-type';
import { singleType } from './single.type';
import { trueFalseType } from './truefalse.type';

const REGISTRY: Record<QuestionType, QuestionTypeModule> = {
  single: singleType as QuestionTypeModule,
  multiple: multipleType as QuestionTypeModule,
  truefalse: trueFalseType as QuestionTypeModule,
  fill: fillType as QuestionTypeModule,
};

export function questionType(type: QuestionType): QuestionTypeModule {
  return REGISTRY[type];
}

export type { DefinitionIssue, GradingOptions, QuestionTypeModule } from './question-type';
export { normalizeAnswer, parseNumber, stemKey } from './normalize';
