// What other components may use from exams.
export { examApiRouter } from './exam.routes';
export { examPagesRouter } from './exam.pages';
export { onAttemptGraded, openAttemptClocks, passedCertificationAttempts, sweepExpiredAttempts, type AttemptView, type ResultView } from './attempt.service';
export { findExam, findExamCached, migrateExamPools } from './exam.service';
export type { Attempt } from './attempt.model';
export { NATIONAL_FORMATS, apportion, paperBlueprint, paperDemand } from './national-format';
export { rehearsePapers, type Rehearsal } from './paper-rehearsal';
export { SEED_EXAMS_DIR, seedExamBlueprints, seedExams, type ExamSeedReport } from './exam-seed.service';
export { startAttemptSweeper, type AttemptSweeper } from './attempt-sweeper';
export { examAdminPagesRouter } from './exam-admin.pages';
