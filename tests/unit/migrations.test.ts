// The layout of supabase/migrations (docs/architecture.md "SQL per domain"), read from the files:
//
// - The baseline is one migration per domain, in dependency order, made by squashing the
//   migrations of the first weeks (nothing was released then). In it each function is defined
//   exactly once, with `create function` (never `create or replace`: nothing in the baseline
//   replaces anything).
// - From here on, a change to a released function or table is a new migration, dated after the
//   baseline, which may `create or replace` a baseline function: that is how a released schema
//   changes. Such a later file is not part of the baseline and is not held to "once".
// - Who counts as a current pupil is said once, by the view private.current_pupils: no function
//   body, in the baseline or later, says `left_at is null` itself.
// - Days are the school's (Europe/Amsterdam): no function, as last defined, asks `current_date` or
//   casts now() or a timestamp column straight to a date (both are the server's day, UTC).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const dir = join(import.meta.dirname, '../../supabase/migrations');

/** The baseline, in the order it is applied. */
const BASELINE = [
  '20261130000000_schools_people.sql',
  '20261130000100_classes_pupils.sql',
  '20261130000200_invitations.sql',
  '20261130000300_class_mode_sign_in.sql',
  '20261130000400_storage.sql',
  '20261130000500_leaflets.sql',
  '20261130000600_needs.sql',
  '20261130000700_meetings.sql',
  '20261130000800_privacy_access_log.sql',
  '20261130000900_written_translations.sql',
  '20261130001000_mail_notifications.sql',
];

/**
 * Functions the baseline defines more than once on purpose, with different arguments (overloads).
 * None: every name has one signature, so PostgREST and the app call each by its name alone.
 */
const INTENDED_OVERLOADS: string[] = [];

const files = readdirSync(dir)
  .filter((f) => f.endsWith('.sql'))
  .sort();
const read = (file: string) => (existsSync(join(dir, file)) ? readFileSync(join(dir, file), 'utf8') : '');
/** The text without whole-line comments (a comment may mention SQL it does not run). */
const code = (sql: string) =>
  sql
    .split('\n')
    .filter((line) => !/^\s*--/.test(line))
    .join('\n');

interface FunctionDef {
  file: string;
  name: string;
  replace: boolean;
  body: string;
}

/** Every `create [or replace] function schema.name(` with its dollar-quoted body. */
function functionsIn(file: string, sql: string): FunctionDef[] {
  const text = code(sql);
  const found: FunctionDef[] = [];
  const header = /create\s+(or\s+replace\s+)?function\s+("?[a-z_][a-z0-9_]*"?\.)?"?([a-z_][a-z0-9_]*)"?\s*\(/gi;
  for (let m = header.exec(text); m; m = header.exec(text)) {
    const schema = (m[2] ?? 'public.').replaceAll('"', '').toLowerCase();
    const open = /\$([a-z_]*)\$/i.exec(text.slice(m.index));
    let body = '';
    if (open) {
      const start = m.index + open.index + open[0].length;
      const end = text.indexOf(open[0], start);
      body = text.slice(start, end < 0 ? undefined : end);
      header.lastIndex = end < 0 ? text.length : end + open[0].length;
    }
    found.push({ file, name: `${schema}${m[3]!.toLowerCase()}`, replace: Boolean(m[1]), body });
  }
  return found;
}

/** The names defined more than once among `defs`, with the files that define them. */
function definedTwice(defs: FunctionDef[]): string[] {
  const seen = new Map<string, string[]>();
  for (const d of defs) seen.set(d.name, [...(seen.get(d.name) ?? []), d.file]);
  return [...seen]
    .filter(([name, where]) => where.length > 1 && !INTENDED_OVERLOADS.includes(name))
    .map(([name, where]) => `${name} (${where.join(', ')})`);
}

/** Function bodies that say who is a current pupil themselves instead of asking the view. */
function leftAtInBodies(defs: FunctionDef[]): string[] {
  return defs.filter((d) => /\bleft_at\s+is\s+null\b/i.test(d.body)).map((d) => `${d.name} (${d.file})`);
}

/** Functions whose last definition counts days in the server's time zone, not the school's. */
function serverDays(defs: FunctionDef[]): string[] {
  const last = new Map<string, FunctionDef>();
  for (const d of defs) last.set(d.name, d);
  return [...last.values()]
    .filter((d) => /\bcurrent_date\b|(?:\bnow\(\)|\b[a-z_.]*_at)::date\b/i.test(d.body))
    .map((d) => `${d.name} (${d.file})`);
}

describe('supabase/migrations', () => {
  const baseline = BASELINE.flatMap((f) => functionsIn(f, read(f)));
  const later = files.filter((f) => f > BASELINE.at(-1)!);

  it('starts with one file per domain, in dependency order; anything else is dated after them', () => {
    expect(files.slice(0, BASELINE.length)).toEqual(BASELINE);
    expect(files.filter((f) => !BASELINE.includes(f) && f < BASELINE.at(-1)!)).toEqual([]);
    for (const f of files) expect(f).toMatch(/^\d{14}_[a-z0-9_]+\.sql$/);
  });

  it('defines each function once in the baseline, with create function', () => {
    expect(baseline.length).toBeGreaterThan(200);
    expect(definedTwice(baseline)).toEqual([]);
    expect(baseline.filter((d) => d.replace).map((d) => `${d.name} (${d.file})`)).toEqual([]);
  });

  it('lets a later migration change a released function only with create or replace, once per file', () => {
    // The rule from here on: a change to a released function is a new migration after the baseline.
    for (const file of later) {
      const defs = functionsIn(file, read(file));
      expect(definedTwice(defs), file).toEqual([]);
      const released = new Set(baseline.map((d) => d.name));
      expect(
        defs.filter((d) => released.has(d.name) && !d.replace).map((d) => d.name),
        `${file} redefines a released function without "or replace"`,
      ).toEqual([]);
    }
  });

  it('says who is a current pupil once: private.current_pupils, never `left_at is null` in a function', () => {
    const all = files.flatMap((f) => functionsIn(f, read(f)));
    expect(leftAtInBodies(all)).toEqual([]);
    const views = files.flatMap((f) => [...code(read(f)).matchAll(/create\s+(or\s+replace\s+)?view\s+private\.current_pupils\b[^;]*;/gi)]);
    expect(views).toHaveLength(1);
    // Through the asker's row level security, like the queries it stands for.
    expect(views[0]![0]).toMatch(/security_invoker\s*=\s*true/i);
    expect(views[0]![0]).toMatch(/left_at\s+is\s+null/i);
  });

  it("counts days in the school's time zone: no current_date, no timestamp cast straight to a date", () => {
    expect(serverDays(files.flatMap((f) => functionsIn(f, read(f))))).toEqual([]);
  });

  it('the checks above catch what they are for', () => {
    const twice = [
      ...functionsIn('a.sql', 'create function public.f(p int) returns int language sql as $$ select 1 $$;'),
      ...functionsIn('b.sql', 'create or replace function public.f(p int) returns int language sql as $$ select 2 $$;'),
    ];
    expect(definedTwice(twice)).toEqual(['public.f (a.sql, b.sql)']);
    const left = functionsIn(
      'c.sql',
      'create function public.g() returns bigint language sql as $body$ select count(*) from public.pupils p where p.left_at is null $body$;',
    );
    expect(leftAtInBodies(left)).toEqual(['public.g (c.sql)']);
    const days = [
      ...functionsIn('d.sql', 'create function public.h(p date) returns bool language sql as $$ select p < current_date $$;'),
      ...functionsIn('d.sql', 'create function public.k(p date) returns bool language sql as $$ select p < v.created_at::date $$;'),
      ...functionsIn('e.sql', 'create function public.m(p date) returns bool language sql as $$ select p < current_date $$;'),
      ...functionsIn(
        'f.sql',
        'create or replace function public.m(p date) returns bool language sql as $$ select p < private.school_today() $$;',
      ),
      ...functionsIn(
        'f.sql',
        "create function public.n() returns date language sql as $$ select (now() at time zone 'Europe/Amsterdam')::date $$;",
      ),
    ];
    expect(serverDays(days)).toEqual(['public.h (d.sql)', 'public.k (d.sql)']);
  });
});
