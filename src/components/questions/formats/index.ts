// The import/export formats by name. Adding one means adding its module here.
import type { QuestionFormat } from '../question.types';
import { aikenFormat } from './aiken.format';
import { csvFormat } from './csv.format';
import { giftFormat } from './gift.format';
import { jsonFormat } from './json.format';
import { moodleXmlFormat } from './moodlexml.format';

export const FORMATS: Record<QuestionFormat['name'], QuestionFormat> = {
  gift: giftFormat,
  aiken: aikenFormat,
  moodlexml: moodleXmlFormat,
  csv: csvFormat,
  json: jsonFormat,
};
