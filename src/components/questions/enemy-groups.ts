// Which questions must never share a paper: those testing one knowledge point, and those an examiner put in
// one enemy group (near-duplicates, or one question whose stem answers another).
import type { QuestionContent } from './question.types';

/** The keys a question blocks on a paper once drawn: `kp:<knowledge point>` and `group:<enemy group>`. */
export function enemyKeys(content: Pick<QuestionContent, 'knowledgePoint' | 'enemyGroup'>): string[] {
  const keys: string[] = [];
  if (content.knowledgePoint) keys.push(`kp:${content.knowledgePoint}`);
  if (content.enemyGroup) keys.push(`group:${content.enemyGroup}`);
  return keys;
}

/** Whether two questions may not appear on one paper. */
export function areEnemies(a: Pick<QuestionContent, 'knowledgePoint' | 'enemyGroup'>, b: Pick<QuestionContent, 'knowledgePoint' | 'enemyGroup'>): boolean {
  const mine = new Set(enemyKeys(a));
  return enemyKeys(b).some((k) => mine.has(k));
}
