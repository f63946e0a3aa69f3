// Health problems in the reader's language: the check reports codes and numbers, pages say them.
import { translate, type Locale } from '../../lib/i18n';
import { HEALTH_BANDS, type HealthProblem } from './bank-health';

const pct = (n: number) => `${Math.round(n * 100)}%`;

/** The bands every message may quote, with the exam the problem concerns (if any) as a prefix. */
export function healthProblemText(locale: Locale, problem: HealthProblem): string {
  const bands: Record<HealthProblem['code'], { min?: string; max?: string }> = {
    longest_key: { max: pct(HEALTH_BANDS.maxLongestKeyShare) },
    absolute_words: { min: pct(HEALTH_BANDS.absoluteTrueShare.min), max: pct(HEALTH_BANDS.absoluteTrueShare.max) },
    key_counts: { max: pct(HEALTH_BANDS.maxKeyCountShare) },
    guessing: { max: pct(HEALTH_BANDS.maxGuessingShare) },
    near_duplicates: {},
    pool_leak: {},
    pool_short: {},
  };
  const where = problem.exam ? `${problem.exam}${locale === 'zh-CN' ? '：' : ': '}` : '';
  return translate(locale, `bank.health.problem.${problem.code}`, { where, ...problem.params, ...bands[problem.code] });
}

/** The bands as the pages state them. */
export function healthBandsText(locale: Locale): string {
  return translate(locale, 'bank.health.bands', {
    longest: pct(HEALTH_BANDS.maxLongestKeyShare),
    absMin: pct(HEALTH_BANDS.absoluteTrueShare.min),
    absMax: pct(HEALTH_BANDS.absoluteTrueShare.max),
    keyCount: pct(HEALTH_BANDS.maxKeyCountShare),
    guessing: pct(HEALTH_BANDS.maxGuessingShare),
  });
}
