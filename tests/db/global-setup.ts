import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { migrate } from '~/server/embedded/migrate.ts';
import { openPglite, openPostgres } from '~/server/embedded/sql.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteSnapshot: string;
  }
}

/**
 * Migrates once per run: a PGlite snapshot every db test file starts from (a fresh PGlite
 * takes seconds to initialise, a snapshot a fraction of that), and, when TEST_DATABASE_URL is
 * set, the real PostgreSQL server the suite also runs on.
 */
export default async function setup(project: TestProject): Promise<() => void> {
  const engine = await openPglite();
  await migrate(engine, { seed: false });
  const dump = await engine.dump();
  const path = join(tmpdir(), `portal-db-snapshot-${process.pid}.tar`);
  writeFileSync(path, Buffer.from(await dump.arrayBuffer()));
  await engine.close();
  project.provide('pgliteSnapshot', path);

  if (!process.env.TEST_DATABASE_URL) {
    console.log('tests/db: on PGlite only (set TEST_DATABASE_URL, or run through scripts/with-postgres.sh, for a PostgreSQL server too)');
  } else {
    const admin = await openPostgres(process.env.TEST_DATABASE_ADMIN_URL ?? process.env.TEST_DATABASE_URL, 1);
    await migrate(admin, { seed: false });
    await admin.close();
  }
  // The snapshot holds only the schema, but it is 10 MB in the system's temp folder per run.
  return () => rmSync(path, { force: true });
}
