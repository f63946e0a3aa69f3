// What other components may use from the question bank.
export { questionApiRouter, questionImportRouter } from './question.routes';
export { questionPagesRouter } from './question.pages';
export { getVersionContent, validateQuestion, type QuestionView } from './question.service';
export { questionType, normalizeAnswer, stemKey } from './types';
export { enemyKeys } from './enemy-groups';
export * from './question.types';
export { SEED_QUESTIONS_DIR, seedQuestionBank, SeedInvalidError, type SeedReport } from './question-seed.service';
export { flushExposure, livePool, loadVersions, recordExposure, startExposureFlusher, type PoolCandidate, type PoolCell, type PoolSnapshot } from './question-pool';
export { renderQuestionText } from './question-render';
export { rebuildPoolIndex } from './question.repository';
export { bankHealth, judgePool, HEALTH_BANDS, type BankHealth, type ExamHealth, type HealthProblem, type HealthQuestion, type PaperBlueprint, type PoolJudgement } from './bank-health';
export { liveBankQuestions } from './live-bank';
export { healthBandsText, healthProblemText } from './bank-health.view';
