import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SNAPSHOT_FILE, schemaSnapshot } from '~/server/embedded/schema-snapshot.ts';
import { DATABASES, type TestDb } from './harness.ts';

/**
 * supabase/schema.sql is the whole schema in one file, so that a reviewer sees every change to the
 * database in one diff and a newcomer reads one file. It is generated; this test regenerates it
 * from the freshly migrated database of each run (PGlite, and the PostgreSQL server when there is
 * one) and fails when the committed file is not what the migrations make.
 */
const committed = readFileSync(new URL(`../../${SNAPSHOT_FILE}`, import.meta.url), 'utf8');

function firstDifference(expected: string, actual: string): string {
  const a = expected.split('\n');
  const b = actual.split('\n');
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) {
      return `line ${i + 1}:\n  ${SNAPSHOT_FILE} has:  ${a[i] ?? '(end of file)'}\n  the migrations make: ${b[i] ?? '(end of file)'}`;
    }
  }
  return '';
}

describe.each(DATABASES)('the schema snapshot (%s)', (_label, open) => {
  let db: TestDb;
  beforeAll(async () => {
    db = await open();
  });
  afterAll(() => db.close());

  it(`${SNAPSHOT_FILE} is what the migrations make (if not: npm run schema:snapshot, read the diff, commit it)`, async () => {
    const fresh = await db.owner.transaction((sql) => schemaSnapshot(sql));
    const difference = firstDifference(committed, fresh);
    let made = '';
    if (difference) {
      made = join(tmpdir(), `schema-snapshot-${db.label}.sql`);
      writeFileSync(made, fresh);
    }
    expect(
      difference,
      `${SNAPSHOT_FILE} is out of date. Run \`npm run schema:snapshot\`, check \`git diff ${SNAPSHOT_FILE}\` and commit it with your migration ` +
        `(what this database made is in ${made}). First difference at ${difference}`,
    ).toBe('');
  });
});
