import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RpcError, type RpcArgs, type RpcName } from '~/domain/rpc/index.ts';
import { createReadCache, readOnlyFunctions, type ReadCache } from '~/server/embedded/read-cache.ts';
import { rpcAs } from '~/server/embedded/rpc.ts';
import { buildWorld, type PersonaName, type World } from '../factories/index.ts';
import { DATABASES, type TestDb } from './harness.ts';

/**
 * The teachers' overviews kept in memory (src/server/embedded/read-cache.ts): a kept answer is
 * only ever given to the caller the database gave it to, a pupil's answer shows at once, and
 * every read still leaves its row in "who looked".
 */
describe.each(DATABASES)('the read cache on %s', (_label, open) => {
  let db: TestDb;
  let w: World;
  let round: string;
  let cache: ReadCache;

  beforeAll(async () => {
    db = await open();
    w = await buildWorld(db.owner);
    const [r] = await db.owner.transaction((sql) =>
      sql.query<{ id: string }>(
        `insert into public.need_rounds (school_id, class_id, opened_by, opened_at) values ($1, $2, $3, now()) returning id`,
        [w.school.id, w.klass.id, w.teacher.id],
      ),
    );
    round = r!.id;
    // Every hit asks the database to log (in the server, not again within the log's own 10 s).
    cache = createReadCache(await readOnlyFunctions(db.owner), { logWindowMs: 0 });
  }, 60_000);
  afterAll(() => db?.close());

  // As the server calls: one transaction per call, as the persona, through the cache.
  const as = (p: PersonaName) => ({
    rpc: <N extends RpcName>(name: N, args: RpcArgs<N>) => rpcAs(db.owner, w.personas[p], name, args, cache),
  });
  const answersOf = async (p: PersonaName) =>
    (await as(p).rpc('need_round_answers', { p_round: round })).find((a) => a.pupil_id === w.pupil.id);
  const logged = async () =>
    (
      await db.owner.transaction((sql) =>
        sql.query<{ n: number }>(`select count(*)::int as n from public.pupil_access_log where reader_id = $1 and pupil_id = $2`, [
          w.teacher.id,
          w.pupil.id,
        ]),
      )
    )[0]!.n;

  it('keeps a round for its teacher, and never gives it to a teacher of another class', async () => {
    await as('pupil').rpc('save_my_choices', { p_round: round, p_kind: 'needs', p_ids: ['look'] });
    expect((await answersOf('teacher'))?.needs).toEqual(['look']);
    expect(cache.size()).toBe(1);
    // The other class's teacher asks for the same round: the database refuses, as without a cache.
    await expect(as('otherTeacher').rpc('need_round_answers', { p_round: round })).rejects.toBeInstanceOf(RpcError);
  });

  it('shows a new answer at once: an answer empties what was kept', async () => {
    expect((await answersOf('teacher'))?.needs).toEqual(['look']);
    await as('pupil').rpc('save_my_choices', { p_round: round, p_kind: 'needs', p_ids: ['look', 'group'] });
    expect((await answersOf('teacher'))?.needs).toEqual(['look', 'group']);
  });

  it('asks which functions only read with its first call, and until it knows, any call it does not keep empties it', async () => {
    let asked = 0;
    let answer: (names: ReadonlySet<string>) => void = () => undefined;
    const lazily = createReadCache(
      () => {
        asked++;
        return new Promise((resolve) => {
          answer = resolve;
        });
      },
      { logWindowMs: 0 },
    );
    expect(asked).toBe(0); // not when the server starts
    const via = <N extends RpcName>(name: N, args: RpcArgs<N>) => rpcAs(db.owner, w.personas.teacher, name, args, lazily);
    await via('need_round_answers', { p_round: round });
    expect(asked).toBe(1);
    expect(lazily.size()).toBe(1);
    // my_profile only reads, but the cache does not know yet: what it kept goes.
    await via('my_profile', {});
    expect(lazily.size()).toBe(0);
    answer(await readOnlyFunctions(db.owner));
    await via('need_round_answers', { p_round: round });
    await via('my_profile', {});
    expect(lazily.size()).toBe(1);
    expect(asked).toBe(1);
  });

  it('a kept read still leaves its row in who looked', async () => {
    await answersOf('teacher');
    // Changed behind the API's back (no call empties the cache): a read that shows the old
    // answer came from memory.
    await db.owner.transaction((sql) =>
      sql.query(`update public.need_answers set needs = '{listen}' where round_id = $1 and pupil_id = $2`, [round, w.pupil.id]),
    );
    await db.owner.transaction((sql) => sql.query('delete from public.pupil_access_log'));
    expect((await answersOf('teacher'))?.needs).toEqual(['look', 'group']);
    expect(await logged()).toBe(1);
  });
});
