// Data the benchmark puts straight into the database (with the driver, as an operator's import would):
// history that makes the collections big, and the right answers for candidates meant to pass. Nothing
// here is on a path the app serves.
import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';

type Db = mongoose.mongo.Db;
const { ObjectId } = mongoose.mongo;

/** Fills attempt_responses up to `total` documents, for other (made-up) attempts. */
export async function growResponses(db: Db, total: number): Promise<void> {
  const responses = db.collection<{ _id: string }>('attempt_responses');
  let missing = total - (await responses.estimatedDocumentCount());
  while (missing > 0) {
    const attemptId = new ObjectId();
    const batch = Array.from({ length: Math.min(missing, 5000) }, (_, i) => ({
      _id: `${attemptId.toHexString()}:q${i + 1}`,
      attemptId,
      itemId: `q${i + 1}`,
      response: i % 2 === 0,
      flagged: false,
      savedAt: new Date(),
    }));
    await responses.insertMany(batch, { ordered: false });
    missing -= batch.length;
  }
}

const LEVEL3_SHARES: Array<[string, number]> = [
  ['ethics', 5],
  ['foundations', 10],
  ['business-analysis', 20],
  ['intelligent-training', 30],
  ['system-design', 30],
  ['training-guidance', 5],
];

/**
 * Grows the live pool to `total` questions, in the level-3 cells the shipped papers draw from, with
 * their versions (what paper assembly reads), then moves the pool's change marker as any writer does.
 */
export async function growBank(db: Db, total: number): Promise<void> {
  const pool = db.collection('question_pool');
  const versions = db.collection('question_versions');
  let missing = total - (await pool.estimatedDocumentCount());
  let n = 0;
  while (missing > 0) {
    const size = Math.min(missing, 2000);
    const ids = Array.from({ length: size }, () => new ObjectId());
    const rows = ids.map((id, i) => {
      const k = n + i;
      const domain = LEVEL3_SHARES[k % LEVEL3_SHARES.length]![0];
      const type = ['truefalse', 'single', 'single', 'single', 'multiple'][k % 5]!;
      // Half of each cell in each pool (mocks and certification exams both draw); every question its own
      // knowledge point, so enemy groups never thin a paper.
      const usage = Math.floor(k / 5 / LEVEL3_SHARES.length) % 2 === 0 ? 'practice' : 'secure';
      return { id, k, domain, type, usage };
    });
    await versions.insertMany(
      rows.map(({ id, k, domain, type, usage }) => ({
        questionId: id,
        code: `BN-${k}`,
        version: 1,
        type,
        domain,
        levels: [3, 2, 1],
        difficulty: 3,
        usage,
        knowledgePoint: `bench-${k}`,
        tags: ['bench'],
        stem: { zh: `基准题 ${k}`, en: `Benchmark question ${k}` },
        explanation: { zh: '说明。', en: 'Explanation.' },
        ...(type === 'truefalse'
          ? { answer: k % 2 === 0 }
          : { options: ['a', 'b', 'c', 'd', 'e'].slice(0, type === 'multiple' ? 5 : 4).map((id2, j) => ({ id: id2, text: { zh: `选项 ${j}`, en: `Option ${j}` }, correct: type === 'multiple' ? j < 2 : j === k % 4 })) }),
        createdBy: null,
        createdAt: new Date(),
      })),
      { ordered: false },
    );
    await pool.insertMany(rows.map(({ id, k, domain, type, usage }) => ({ _id: id, version: 1, type, domain, levels: [3, 2, 1], difficulty: 3, usage, groups: [`kp:bench-${k}`], exposure: 0 })), { ordered: false });
    missing -= size;
    n += size;
  }
  await db.collection<{ _id: string }>('app_meta').replaceOne({ _id: 'marker:question-pool' }, { value: randomUUID(), at: new Date() }, { upsert: true });
}

/** Stores the right answer for every item of these attempts (candidates who studied). */
export async function correctAnswers(db: Db, attemptIds: string[]): Promise<void> {
  const attempts = await db.collection('attempts').find({ _id: { $in: attemptIds.map((id) => new ObjectId(id)) } }, { projection: { items: 1 } }).toArray();
  const wanted = new Set(attempts.flatMap((a) => (a.items as Array<{ questionId: mongoose.mongo.ObjectId }>).map((i) => i.questionId.toHexString())));
  const contents = new Map<string, Record<string, unknown>>();
  const versions = await db.collection('question_versions').find({ questionId: { $in: [...wanted].map((id) => new ObjectId(id)) } }).toArray();
  for (const v of versions) contents.set(`${(v.questionId as mongoose.mongo.ObjectId).toHexString()}:${v.version as number}`, v);
  const responses = db.collection<{ _id: string }>('attempt_responses');
  for (const attempt of attempts) {
    const ops = (attempt.items as Array<{ itemId: string; questionId: mongoose.mongo.ObjectId; version: number }>).map((item) => {
      const v = contents.get(`${item.questionId.toHexString()}:${item.version}`)!;
      const options = (v.options as Array<{ id: string; correct: boolean }> | undefined) ?? [];
      const key = v.type === 'truefalse' ? v.answer : v.type === 'single' ? options.find((o) => o.correct)?.id : v.type === 'multiple' ? options.filter((o) => o.correct).map((o) => o.id) : ((v.accepted as string[] | undefined)?.[0] ?? '');
      return {
        updateOne: {
          filter: { _id: `${String(attempt._id)}:${item.itemId}` },
          update: { $set: { response: key, savedAt: new Date() }, $setOnInsert: { attemptId: attempt._id, itemId: item.itemId, flagged: false } },
          upsert: true,
        },
      };
    });
    // Small batches: FerretDB v1 on PostgreSQL deadlocks on a multi-statement write larger than its pool.
    for (let i = 0; i < ops.length; i += 10) await responses.bulkWrite(ops.slice(i, i + 10), { ordered: false });
  }
}
