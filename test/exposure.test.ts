// Exposure counts are kept in memory on the hot path and flushed in the background. The flush must stay
// a handful of single statements: a multi-statement write with more statements than FerretDB's
// PostgreSQL pool holds (40) deadlocked FerretDB for good when this was a bulkWrite.
import { Types } from 'mongoose';
import { flushExposure, recordExposure } from '../src/components/questions';
import { QuestionPoolModel } from '../src/components/questions/question.model';
import { useTestDatabase } from './helpers/database';
import { seedSmallBank } from './helpers/world';

useTestDatabase();

it('when 120 drawn questions are flushed at once, then every count lands and the database still answers', async () => {
  await seedSmallBank(120);
  const ids = (await QuestionPoolModel.find({}, { _id: 1 }).lean()).map((p) => p._id as Types.ObjectId);
  expect(ids.length).toBeGreaterThanOrEqual(120);
  recordExposure(ids);
  recordExposure(ids.slice(0, 10));
  expect(await flushExposure()).toBe(ids.length);
  const counts = new Map((await QuestionPoolModel.find({}, { exposure: 1 }).lean()).map((p) => [p._id.toHexString(), p.exposure]));
  expect(ids.slice(0, 10).map((id) => counts.get(id.toHexString()))).toEqual(Array(10).fill(2));
  expect(ids.slice(10).every((id) => counts.get(id.toHexString()) === 1)).toBe(true);
  expect(await flushExposure()).toBe(0);
});
