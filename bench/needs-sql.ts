// CPU time of the PostgreSQL backend per call of the teachers' pages' functions, before and
// after a migration, on the database bench/needs.ts leaves (run right after it, in the same
// scripts/with-postgres.sh). Backend CPU (Linux /proc) is what the server spends, whatever else
// runs on the machine. Each variant runs in a transaction that is rolled back.
//   scripts/with-postgres.sh bash -c 'BENCH_POSTGRES=1 node bench/needs.ts && node bench/needs-sql.ts [migration.sql]'
import { readFileSync } from 'node:fs';
import pg from 'pg';

const admin = process.env.TEST_DATABASE_ADMIN_URL;
if (!admin) throw new Error('needs scripts/with-postgres.sh');
const migration = process.argv[2] ? readFileSync(process.argv[2], 'utf8') : null;
const client = new pg.Client({ connectionString: admin });
await client.connect();
const one = async <T>(sql: string) => (await client.query(sql)).rows[0] as T;
const { pid } = await one<{ pid: number }>('select pg_backend_pid() as pid');
const cpu = () => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
};
const { user } = await one<{ user: string }>(
  `select m.user_id as user from public.memberships m join auth.users u on u.id = m.user_id where u.email = 'directie@regenboog.example' limit 1`,
);
const { school } = await one<{ school: string }>(`select id as school from public.schools where slug = 'demo'`);
const rounds = (
  await client.query(
    `select id, class_id from public.need_rounds where class_id::text like '21000000-%' and closed_at is null order by class_id`,
  )
).rows as { id: string; class_id: string }[];
const calls: [string, (i: number) => string, number][] = [
  ['need_round_answers', (i) => `select count(*) from public.need_round_answers('${rounds[i % rounds.length]!.id}')`, 80],
  ['class_need_rounds', (i) => `select count(*) from public.class_need_rounds('${rounds[i % rounds.length]!.class_id}')`, 80],
  ['school_classes', () => `select count(*) from public.school_classes('${school}')`, 80],
  ['group_discussion', () => `select count(*) from public.group_discussion('${school}')`, 20],
  ['group_discussion_pupils', () => `select count(*) from public.group_discussion_pupils('${school}')`, 20],
  ['school_needs_in_period', () => `select count(*) from public.school_needs_in_period('${school}', current_date - 60, current_date)`, 40],
];
async function variant(name: string, setup: string | null) {
  await client.query('begin');
  if (setup) await client.query(setup);
  await client.query(`set local role authenticated`);
  await client.query(`select set_config('request.jwt.claims', $1, true)`, [JSON.stringify({ sub: user, role: 'authenticated' })]);
  const out: string[] = [];
  for (const [fn, sql, n] of calls) {
    await client.query(sql(0)); // planned once
    const before = cpu();
    for (let i = 1; i <= n; i++) await client.query(sql(i));
    out.push(`${fn} ${((cpu() - before) / n).toFixed(1)}`);
  }
  await client.query('rollback');
  console.log(`${name.padEnd(7)} backend CPU ms per call: ${out.join(', ')}`);
}
for (let k = 0; k < 2; k++) {
  await variant('as is', null);
  if (migration) await variant('with', migration);
}
await client.end();
