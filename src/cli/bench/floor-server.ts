// The benchmark's floor: the least an autosave can cost on this machine and database. A bare Express
// route that verifies the candidate's JWT and does one updateOne upsert with the raw MongoDB driver
// (mongoose.mongo), nothing else. The app's autosave throughput is reported as a ratio to this one.
// Run as its own process: FLOOR_MONGODB_URI, FLOOR_JWT_SECRET, FLOOR_PORT (0 = any; prints the port).
import { createSecretKey } from 'node:crypto';
import express from 'express';
import jwt from 'jsonwebtoken';
import mongoose from 'mongoose';

async function main(): Promise<void> {
  const client = await mongoose.mongo.MongoClient.connect(process.env.FLOOR_MONGODB_URI!, { maxPoolSize: Number(process.env.FLOOR_MAX_POOL ?? 100) });
  const answers = client.db().collection<{ _id: string; response: unknown; savedAt: Date }>('bench_floor_answers');
  // The same key handling as the app's token service, so the two compare fairly.
  const secret = createSecretKey(Buffer.from(process.env.FLOOR_JWT_SECRET!, 'utf8'));
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '64kb' }));
  app.put('/floor/:attemptId/:itemId', async (req, res) => {
    try {
      const token = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '')?.[1];
      const claims = jwt.verify(token ?? '', secret, { algorithms: ['HS256'] }) as { sub: string };
      const key = `${req.params.attemptId}:${req.params.itemId}`;
      await answers.updateOne({ _id: key }, { $set: { response: (req.body as { response?: unknown }).response ?? null, savedAt: new Date(), by: claims.sub } }, { upsert: true });
      res.json({ itemId: req.params.itemId, savedAt: new Date().toISOString() });
    } catch {
      res.status(400).json({ error: { code: 'floor_error' } });
    }
  });
  const server = app.listen(Number(process.env.FLOOR_PORT ?? 0), '127.0.0.1', () => {
    process.stdout.write(`floor listening ${(server.address() as { port: number }).port}\n`);
  });
  const stop = () => server.close(() => void client.close().then(() => process.exit(0)));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

void main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});
