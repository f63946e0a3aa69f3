// `npm run seed`: loads what we ship into the configured (or embedded) database. Idempotent.
import { adminBanner, bootstrapDatabase } from '../bootstrap';
import { ConfigError, loadConfig } from '../config';
import { openDatabase } from '../db/database';
import { EmbeddedDatabaseUnavailableError } from '../db/embedded-database';
import { createLogger } from '../lib/logger';
import { SeedInvalidError } from '../components/questions';

async function main(): Promise<number> {
  const config = loadConfig();
  const logger = createLogger(config);
  const database = await openDatabase(config, logger);
  try {
    const { admin, questions, exams } = await bootstrapDatabase(config, logger, { seed: true, force: true });
    const banner = adminBanner(admin, config.publicUrl);
    process.stdout.write(banner ? `${banner}\n` : `Administrator: ${admin.email} (already present)\n`);
    if (questions) {
      process.stdout.write(
        `Questions: ${questions.created} created, ${questions.updated} updated to a new version, ${questions.unchanged} unchanged` +
          (questions.skipped.length ? `, ${questions.skipped.length} skipped (code used by an examiner's question)` : '') +
          '\n',
      );
    }
    if (exams) {
      process.stdout.write(
        `Exams: ${exams.created} created, ${exams.updated} updated, ${exams.unchanged} unchanged; ${exams.published} published` +
          (exams.unpublishable.length ? `; not publishable (bank too small): ${exams.unpublishable.join(', ')}` : '') +
          '\n',
      );
    }
    process.stdout.write('Seed complete.\n');
    return 0;
  } finally {
    await database.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    const known = err instanceof ConfigError || err instanceof EmbeddedDatabaseUnavailableError || err instanceof SeedInvalidError;
    process.stderr.write(`${known ? (err as Error).message : String((err as Error)?.stack ?? err)}\n`);
    process.exit(1);
  },
);
