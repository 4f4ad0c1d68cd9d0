import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { migrate } from '~/server/embedded/migrate.ts';
import { openPglite, openPostgres } from '~/server/embedded/sql.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteSnapshot: string;
    pgliteBlank: string;
  }
}

/**
 * Migrates once per run: a PGlite snapshot every db test file starts from (a fresh PGlite
 * takes seconds to initialise, a snapshot a fraction of that), a snapshot of the empty cluster
 * (the migrator's own tests), and, when TEST_DATABASE_URL is set, the real PostgreSQL server the
 * suite also runs on. With TEST_DB_PGLITE=off (the run on another PostgreSQL version) no PGlite
 * is made: the files that test PGlite alone (backup, embedded auth, mail, the migrator, the
 * embedded adapter's contract) are skipped there, as they run in the PGlite run.
 */
export default async function setup(project: TestProject): Promise<() => void> {
  const paths: string[] = [];
  if (process.env.TEST_DB_PGLITE === 'off') {
    project.provide('pgliteSnapshot', '');
    project.provide('pgliteBlank', '');
  } else {
    const engine = await openPglite();
    const save = async (name: string) => {
      const path = join(tmpdir(), `portal-db-${name}-${process.pid}.tar`);
      writeFileSync(path, Buffer.from(await (await engine.dump()).arrayBuffer()));
      paths.push(path);
      return path;
    };
    project.provide('pgliteBlank', await save('blank'));
    await migrate(engine, { seed: false });
    project.provide('pgliteSnapshot', await save('snapshot'));
    await engine.close();
  }

  if (!process.env.TEST_DATABASE_URL) {
    console.log('tests/db: on PGlite only (set TEST_DATABASE_URL, or run through scripts/with-postgres.sh, for a PostgreSQL server too)');
  } else {
    const admin = await openPostgres(process.env.TEST_DATABASE_ADMIN_URL ?? process.env.TEST_DATABASE_URL, 1);
    await migrate(admin, { seed: false });
    await admin.close();
  }
  // The snapshots hold only the schema, but they are 10 MB in the system's temp folder per run.
  return () => {
    for (const path of paths) rmSync(path, { force: true });
  };
}
