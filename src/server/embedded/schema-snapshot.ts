import type { Sql } from './sql.ts';

/**
 * The portal's schema as one readable file (supabase/schema.sql): every object the migrations in
 * supabase/migrations create in the schemas the portal owns, plus the policies they put on
 * Supabase's storage.objects, written as SQL in a stable order.
 *
 * It is read from the catalog with queries, not with pg_dump, so it comes out the same wherever
 * the migrations run — PGlite (no pg_dump there), Debian's PostgreSQL 15, Supabase's 17 — and the
 * test that compares it (tests/db/schema-snapshot.test.ts) runs on every database the db suite
 * runs on. What varies between installations is left out: owners (each grant to the owner is
 * implied), OIDs, and the stand-ins for Supabase's own schemas (auth, storage, supabase/embedded/).
 *
 * `npm run schema:snapshot` writes the file (scripts/schema-snapshot.ts).
 */
export const SNAPSHOT_SCHEMAS = ['public', 'private'];
/** Where the snapshot is kept, from the repository's root. */
export const SNAPSHOT_FILE = 'supabase/schema.sql';

const HEADER = `-- The portal's database schema, as the migrations in supabase/migrations leave it: the schemas
-- public and private, and the policies on Supabase's storage.objects. Generated — do not edit:
-- change a migration, then run \`npm run schema:snapshot\` and commit this file with it.
-- Objects are in a stable order (schema, kind, name); owners are left out, grants to the owner
-- are implied. Supabase's own schemas (auth, storage) are not in it.
`;

const q = (name: string) => (/^[a-z_][a-z0-9_]*$/.test(name) ? name : `"${name.replaceAll('"', '""')}"`);
const lit = (text: string) => `'${text.replaceAll("'", "''")}'`;

interface Grant {
  grantee: string;
  privileges: string[];
  columns?: string;
}

/**
 * Grants other than the owner's own, one line per grantee. MAINTAIN is left out: PostgreSQL 17
 * added it to what `grant all` gives, 15 does not have it, and the portal grants it to no one.
 */
function grantLines(kind: string, target: string, grants: Grant[]): string[] {
  const byGrantee = new Map<string, Set<string>>();
  for (const g of grants) {
    const key = `${g.grantee}\u0000${g.columns ?? ''}`;
    const set = byGrantee.get(key) ?? new Set<string>();
    for (const p of g.privileges) set.add(p);
    byGrantee.set(key, set);
  }
  return [...byGrantee.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, privileges]) => {
      const [grantee, columns] = key.split('\u0000') as [string, string];
      const list = [...privileges].sort().join(', ');
      return `grant ${list}${columns ? ` (${columns})` : ''} on ${kind}${target} to ${grantee};`;
    });
}

async function grantsOf(sql: Sql, aclQuery: string, params: unknown[]): Promise<Grant[]> {
  const rows = await sql.query<{ grantee: string; privilege: string }>(
    `with acl as (${aclQuery})
     select case when a.grantee = 0 then 'public' else quote_ident(r.rolname) end as grantee, lower(a.privilege_type) as privilege
       from acl, aclexplode(acl.acl) a
       left join pg_roles r on r.oid = a.grantee
      where a.grantee <> acl.owner and a.privilege_type <> 'MAINTAIN'`,
    params,
  );
  return rows.map((r) => ({ grantee: r.grantee, privileges: [r.privilege] }));
}

function section(title: string, blocks: string[]): string {
  if (blocks.length === 0) return '';
  return `\n-- ${'='.repeat(96)}\n-- ${title}\n\n${blocks.join('\n\n')}\n`;
}

/** The snapshot's text, from a database migrated with supabase/migrations. */
export async function schemaSnapshot(sql: Sql): Promise<string> {
  const schemas = SNAPSHOT_SCHEMAS;
  const parts: string[] = [HEADER];
  // With nothing on the search path, every name the catalog prints is schema-qualified.
  await sql.query(`select set_config('search_path', 'pg_catalog', true)`);

  // Schemas and who may use them.
  const schemaBlocks: string[] = [];
  for (const name of schemas) {
    const grants = await grantsOf(
      sql,
      `select coalesce(nspacl, acldefault('n', nspowner)) as acl, nspowner as owner from pg_namespace where nspname = $1`,
      [name],
    );
    schemaBlocks.push([`create schema if not exists ${q(name)};`, ...grantLines('schema ', q(name), grants)].join('\n'));
  }
  parts.push(section('Schemas', schemaBlocks));

  // Extensions the migrations rely on (their own objects are theirs, not listed).
  const extensions = await sql.query<{ extname: string; schema: string }>(
    `select e.extname, n.nspname as schema from pg_extension e join pg_namespace n on n.oid = e.extnamespace
      where e.extname <> 'plpgsql' and n.nspname = any($1) order by e.extname`,
    [schemas],
  );
  parts.push(
    section(
      'Extensions',
      extensions.map((e) => `create extension if not exists ${q(e.extname)} with schema ${q(e.schema)};`),
    ),
  );

  // Types: enums, domains and composite types of their own.
  const types = await sql.query<{
    schema: string;
    name: string;
    typtype: string;
    labels: string[] | null;
    base: string | null;
    nn: boolean;
    def: string | null;
    checks: string[] | null;
    attrs: string[] | null;
  }>(
    `select n.nspname as schema, t.typname as name, t.typtype,
            (select array_agg(quote_literal(e.enumlabel) order by e.enumsortorder) from pg_enum e where e.enumtypid = t.oid) as labels,
            case when t.typtype = 'd' then format_type(t.typbasetype, t.typtypmod) end as base,
            t.typnotnull as nn, t.typdefault as def,
            (select array_agg('constraint ' || quote_ident(c.conname) || ' ' || pg_get_constraintdef(c.oid) order by c.conname)
               from pg_constraint c where c.contypid = t.oid) as checks,
            (select array_agg(quote_ident(a.attname) || ' ' || format_type(a.atttypid, a.atttypmod) order by a.attnum)
               from pg_attribute a where a.attrelid = t.typrelid and a.attnum > 0 and not a.attisdropped) as attrs
       from pg_type t join pg_namespace n on n.oid = t.typnamespace
      where n.nspname = any($1)
        and (t.typtype in ('e', 'd') or (t.typtype = 'c' and (select relkind from pg_class where oid = t.typrelid) = 'c'))
        and not exists (select 1 from pg_depend d where d.objid = t.oid and d.deptype = 'e')
      order by n.nspname, t.typname`,
    [schemas],
  );
  parts.push(
    section(
      'Types',
      types.map((t) => {
        const name = `${q(t.schema)}.${q(t.name)}`;
        if (t.typtype === 'e') return `create type ${name} as enum (${(t.labels ?? []).join(', ')});`;
        if (t.typtype === 'c') return `create type ${name} as (\n  ${(t.attrs ?? []).join(',\n  ')}\n);`;
        const extra = [t.def ? `default ${t.def}` : '', t.nn ? 'not null' : '', ...(t.checks ?? [])].filter(Boolean);
        return `create domain ${name} as ${t.base}${extra.length ? `\n  ${extra.join('\n  ')}` : ''};`;
      }),
    ),
  );

  // Sequences not owned by a column (identity and serial columns say theirs).
  const sequences = await sql.query<{ schema: string; name: string; type: string; start: string; inc: string; oid: number }>(
    `select n.nspname as schema, c.relname as name, format_type(s.seqtypid, null) as type, s.seqstart::text as start,
            s.seqincrement::text as inc, c.oid
       from pg_class c join pg_namespace n on n.oid = c.relnamespace join pg_sequence s on s.seqrelid = c.oid
      where c.relkind = 'S' and n.nspname = any($1)
        and not exists (select 1 from pg_depend d where d.objid = c.oid and d.deptype in ('a', 'i'))
      order by n.nspname, c.relname`,
    [schemas],
  );
  const sequenceBlocks: string[] = [];
  for (const s of sequences) {
    const name = `${q(s.schema)}.${q(s.name)}`;
    const grants = await grantsOf(
      sql,
      `select coalesce(relacl, acldefault('s', relowner)) as acl, relowner as owner from pg_class where oid = $1`,
      [s.oid],
    );
    sequenceBlocks.push(
      [`create sequence ${name} as ${s.type} start with ${s.start} increment by ${s.inc};`, ...grantLines('sequence ', name, grants)].join(
        '\n',
      ),
    );
  }
  parts.push(section('Sequences', sequenceBlocks));

  // Tables, each with its columns, constraints, indexes, row level security, policies, triggers and grants.
  const tables = await sql.query<{ oid: number; schema: string; name: string; rls: boolean; force: boolean; comment: string | null }>(
    `select c.oid, n.nspname as schema, c.relname as name, c.relrowsecurity as rls, c.relforcerowsecurity as force,
            obj_description(c.oid, 'pg_class') as comment
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relkind in ('r', 'p') and n.nspname = any($1)
      order by n.nspname, c.relname`,
    [schemas],
  );
  const tableBlocks: string[] = [];
  for (const t of tables) {
    const name = `${q(t.schema)}.${q(t.name)}`;
    tableBlocks.push([await tableDefinition(sql, t.oid, name), ...(await tableExtras(sql, t.oid, name, t))].join('\n'));
  }
  parts.push(section('Tables', tableBlocks));

  // Views.
  const views = await sql.query<{
    oid: number;
    schema: string;
    name: string;
    def: string;
    options: string[] | null;
    materialized: boolean;
  }>(
    `select c.oid, n.nspname as schema, c.relname as name, pg_get_viewdef(c.oid, true) as def, c.reloptions as options,
            c.relkind = 'm' as materialized
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relkind in ('v', 'm') and n.nspname = any($1)
      order by n.nspname, c.relname`,
    [schemas],
  );
  const viewBlocks: string[] = [];
  for (const v of views) {
    const name = `${q(v.schema)}.${q(v.name)}`;
    const options = v.options?.length ? ` with (${[...v.options].sort().join(', ')})` : '';
    const grants = await grantsOf(
      sql,
      `select coalesce(relacl, acldefault('r', relowner)) as acl, relowner as owner from pg_class where oid = $1`,
      [v.oid],
    );
    viewBlocks.push(
      [
        `create ${v.materialized ? 'materialized ' : ''}view ${name}${options} as\n${unqualified(v.def).replace(/^\s+/, ' ').trimEnd()}`,
        ...grantLines('', name, grants),
      ].join('\n'),
    );
  }
  parts.push(section('Views', viewBlocks));

  // Functions and procedures, with who may run them.
  const functions = await sql.query<{
    oid: number;
    schema: string;
    name: string;
    args: string;
    def: string;
    kind: string;
    comment: string | null;
  }>(
    `select p.oid, n.nspname as schema, p.proname as name, pg_get_function_identity_arguments(p.oid) as args,
            pg_get_functiondef(p.oid) as def, p.prokind as kind, obj_description(p.oid, 'pg_proc') as comment
       from pg_proc p join pg_namespace n on n.oid = p.pronamespace
      where n.nspname = any($1) and p.prokind in ('f', 'p')
        and not exists (select 1 from pg_depend d where d.objid = p.oid and d.deptype = 'e')
      order by n.nspname, p.proname, pg_get_function_identity_arguments(p.oid)`,
    [schemas],
  );
  const functionBlocks: string[] = [];
  for (const f of functions) {
    const signature = `${q(f.schema)}.${q(f.name)}(${f.args})`;
    const grants = await grantsOf(
      sql,
      `select coalesce(proacl, acldefault('f', proowner)) as acl, proowner as owner from pg_proc where oid = $1`,
      [f.oid],
    );
    const lines = [`${f.def.trim()};`, ...grantLines(f.kind === 'p' ? 'procedure ' : 'function ', signature, grants)];
    if (f.comment) lines.push(`comment on ${f.kind === 'p' ? 'procedure' : 'function'} ${signature} is ${lit(f.comment)};`);
    functionBlocks.push(lines.join('\n'));
  }
  parts.push(section('Functions', functionBlocks));

  // The policies the migrations put on Supabase's storage.objects (the table itself is Supabase's).
  const storagePolicies = await policiesOf(
    sql,
    `select c.oid from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'storage' and c.relname = 'objects'`,
  );
  parts.push(section("Policies on Supabase's storage.objects", storagePolicies));

  return `${parts.filter(Boolean).join('').trimEnd()}\n`;
}

async function tableDefinition(sql: Sql, oid: number, name: string): Promise<string> {
  const columns = await sql.query<{
    name: string;
    type: string;
    nn: boolean;
    def: string | null;
    identity: string;
    generated: string;
    collation: string | null;
  }>(
    `select a.attname as name, format_type(a.atttypid, a.atttypmod) as type, a.attnotnull as nn,
            pg_get_expr(d.adbin, d.adrelid) as def, a.attidentity as identity, a.attgenerated as generated,
            case when a.attcollation <> t.typcollation then (select quote_ident(collname) from pg_collation where oid = a.attcollation) end as collation
       from pg_attribute a
       join pg_type t on t.oid = a.atttypid
       left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
      where a.attrelid = $1 and a.attnum > 0 and not a.attisdropped
      order by a.attnum`,
    [oid],
  );
  const constraints = await sql.query<{ name: string; def: string }>(
    `select quote_ident(conname) as name, pg_get_constraintdef(oid, true) as def from pg_constraint
      where conrelid = $1 and contype in ('p', 'u', 'f', 'c', 'x') order by conname`,
    [oid],
  );
  const lines = columns.map((c) => {
    let line = `${q(c.name)} ${c.type}`;
    if (c.collation) line += ` collate ${c.collation}`;
    if (c.identity) line += ` generated ${c.identity === 'a' ? 'always' : 'by default'} as identity`;
    else if (c.generated === 's') line += ` generated always as (${c.def}) stored`;
    else if (c.def !== null) line += ` default ${c.def}`;
    if (c.nn) line += ' not null';
    return line;
  });
  for (const c of constraints) lines.push(`constraint ${c.name} ${c.def}`);
  return `create table ${name} (\n  ${lines.join(',\n  ')}\n);`;
}

async function policiesOf(sql: Sql, relation: string): Promise<string[]> {
  const rows = await sql.query<{
    name: string;
    rel: string;
    permissive: boolean;
    cmd: string;
    roles: string[];
    qual: string | null;
    check: string | null;
  }>(
    `select quote_ident(p.polname) as name, p.polrelid::regclass::text as rel, p.polpermissive as permissive,
            case p.polcmd when 'r' then 'select' when 'a' then 'insert' when 'w' then 'update' when 'd' then 'delete' else 'all' end as cmd,
            array(select case when r = 0 then 'public' else quote_ident(pg_get_userbyid(r)) end from unnest(p.polroles) r order by 1) as roles,
            pg_get_expr(p.polqual, p.polrelid) as qual, pg_get_expr(p.polwithcheck, p.polrelid) as check
       from pg_policy p where p.polrelid in (${relation})
      order by p.polname`,
  );
  return rows.map((p) => {
    const lines = [
      `create policy ${p.name} on ${p.rel}`,
      `  as ${p.permissive ? 'permissive' : 'restrictive'} for ${p.cmd} to ${p.roles.join(', ')}`,
    ];
    if (p.qual !== null) lines.push(`  using (${p.qual})`);
    if (p.check !== null) lines.push(`  with check (${p.check})`);
    return `${lines.join('\n')};`;
  });
}

async function tableExtras(
  sql: Sql,
  oid: number,
  name: string,
  t: { rls: boolean; force: boolean; comment: string | null },
): Promise<string[]> {
  const lines: string[] = [];
  const indexes = await sql.query<{ def: string }>(
    `select pg_get_indexdef(i.indexrelid) as def from pg_index i join pg_class c on c.oid = i.indexrelid
      where i.indrelid = $1 and not exists (select 1 from pg_constraint k where k.conindid = i.indexrelid and k.conrelid = i.indrelid)
      order by c.relname`,
    [oid],
  );
  for (const i of indexes) lines.push(`${i.def};`);
  if (t.rls) lines.push(`alter table ${name} enable row level security;`);
  if (t.force) lines.push(`alter table ${name} force row level security;`);
  lines.push(...(await policiesOf(sql, String(oid))));
  const triggers = await sql.query<{ def: string }>(
    `select pg_get_triggerdef(oid, true) as def from pg_trigger where tgrelid = $1 and not tgisinternal order by tgname`,
    [oid],
  );
  for (const tr of triggers) lines.push(`${tr.def};`);
  const grants = await grantsOf(
    sql,
    `select coalesce(relacl, acldefault('r', relowner)) as acl, relowner as owner from pg_class where oid = $1`,
    [oid],
  );
  lines.push(...grantLines('', name, grants));
  const columnGrants = await sql.query<{ grantee: string; privilege: string; col: string }>(
    `select case when a.grantee = 0 then 'public' else quote_ident(r.rolname) end as grantee, lower(a.privilege_type) as privilege,
            quote_ident(att.attname) as col
       from pg_attribute att, aclexplode(att.attacl) a
       left join pg_roles r on r.oid = a.grantee
      where att.attrelid = $1 and att.attacl is not null and a.grantee <> (select relowner from pg_class where oid = $1) and a.privilege_type <> 'MAINTAIN'
      order by att.attnum`,
    [oid],
  );
  const perGrant = new Map<string, string[]>();
  for (const g of columnGrants) {
    const key = `${g.grantee}\u0000${g.privilege}`;
    perGrant.set(key, [...(perGrant.get(key) ?? []), g.col]);
  }
  lines.push(
    ...grantLines(
      '',
      name,
      [...perGrant.entries()].map(([key, cols]) => {
        const [grantee, privilege] = key.split('\u0000') as [string, string];
        return { grantee, privileges: [privilege], columns: cols.join(', ') };
      }),
    ),
  );
  if (t.comment) lines.push(`comment on table ${name} is ${lit(t.comment)};`);
  return lines;
}

/**
 * A view over one table, as PostgreSQL 16 and later print it: without the table's name or alias
 * before each column. PostgreSQL 15 writes `p.id` where PGlite (18) and 17 write `id`; the
 * snapshot must read the same on all three.
 */
function unqualified(def: string): string {
  const from = /\n\s*FROM ([a-z_][a-z0-9_]*\.)?([a-z_][a-z0-9_]*)(?: ([a-z_][a-z0-9_]*))?\s*(?:\n|;|$)/.exec(def);
  if (!from || /\bJOIN\b|\bFROM\b[^\n]*,/.test(def) || def.split(/\bFROM\b/).length !== 2) return def;
  const qualifier = from[3] ?? from[2]!;
  return def.replace(new RegExp(`\\b${qualifier}\\.(?=[a-z_"])`, 'g'), '');
}
