import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWorld, PERSONAS, type PersonaName, type World } from '../factories/index.ts';
import { DATABASES, outcome, type Outcome, type TestDb } from './harness.ts';

/**
 * Who looked (…_pupil_access_log.sql): staff reading a pupil's needs answers, drawing, a
 * meeting's preparations or feedback leaves one row per pupil — who, when, which pupil, what
 * kind, never the content — written by the reading function itself. The admin and the coach read
 * it; nobody writes it directly; parents reading their own child's data are not logged.
 */

const table = (t: Partial<Record<PersonaName, Outcome>>) => PERSONAS.map((p) => [p, t[p] ?? 'TBD'] as const);

describe.each(DATABASES)('the access log on %s', (_label, open) => {
  let db: TestDb;
  let w: World;
  let round: string;
  let meeting: string;

  beforeAll(async () => {
    db = await open();
    w = await buildWorld(db.owner);
    await db.owner.transaction(async (sql) => {
      const [r] = await sql.query<{ id: string }>(
        `insert into public.need_rounds (school_id, class_id, opened_by, opened_at) values ($1, $2, $3, now()) returning id`,
        [w.school.id, w.klass.id, w.teacher.id],
      );
      round = r!.id;
      await sql.query(
        `insert into public.need_answers (round_id, pupil_id, school_id, class_id, needs, own_words, drawing_path)
         values ($1, $2, $3, $4, '{look}', 'Met een liedje', $5)`,
        [round, w.pupil.id, w.school.id, w.klass.id, `${w.school.id}/${w.pupil.id}/drawing.png`],
      );
      const [m] = await sql.query<{ id: string }>(
        `insert into public.meetings (school_id, kind, starts_at, minutes, created_by) values ($1, 'progress', now() + interval '2 days', 20, $2) returning id`,
        [w.school.id, w.teacher.id],
      );
      meeting = m!.id;
      await sql.query(`insert into public.meeting_pupils (meeting_id, pupil_id, class_id) values ($1, $2, $3)`, [
        meeting,
        w.pupil.id,
        w.klass.id,
      ]);
      await sql.query(`insert into public.meeting_people (meeting_id, user_id, role) values ($1, $2, 'parent'), ($1, $3, 'staff')`, [
        meeting,
        w.parent.id,
        w.teacher.id,
      ]);
      await sql.query(`insert into public.preparations (meeting_id, user_id, answers, shared_at) values ($1, $2, '{}', now())`, [
        meeting,
        w.parent.id,
      ]);
    });
  }, 60_000);
  afterAll(() => db?.close());

  const call = (p: PersonaName) => db.as(w.personas[p]);
  const logged = async () =>
    db.owner.transaction((sql) =>
      sql.query<{ reader_id: string; pupil_id: string; kind: string }>(
        'select reader_id, pupil_id, kind from public.pupil_access_log order by id',
      ),
    );
  const clear = () => db.owner.transaction((sql) => sql.query('delete from public.pupil_access_log'));

  it("a teacher reading the class's answers, a drawing, the preparations: one row each, without the content", async () => {
    await clear();
    await call('teacher').rpc('need_round_answers', { p_round: round });
    await call('teacher').rpc('need_drawing_path', { p_round: round, p_pupil: w.pupil.id, p_kind: 'needs' });
    await call('teacher').rpc('meeting_preparations', { p_meeting: meeting });
    const rows = await logged();
    expect(rows).toEqual([
      { reader_id: w.teacher.id, pupil_id: w.pupil.id, kind: 'needs_answers' },
      { reader_id: w.teacher.id, pupil_id: w.pupil.id, kind: 'drawing' },
      { reader_id: w.teacher.id, pupil_id: w.pupil.id, kind: 'preparation' },
    ]);
    // The log has no column that could hold what was read.
    const [columns] = await db.owner.transaction((sql) =>
      sql.query<{ names: string[] }>(
        `select array_agg(column_name::text order by ordinal_position) as names from information_schema.columns
         where table_schema = 'public' and table_name = 'pupil_access_log'`,
      ),
    );
    expect(columns!.names).toEqual(['id', 'school_id', 'reader_id', 'pupil_id', 'kind', 'at']);
  });

  it('a parent reading their own preparation back, and a refused read, leave no row', async () => {
    await clear();
    await call('parent').rpc('meeting_preparations', { p_meeting: meeting });
    expect(await outcome(() => call('otherTeacher').tryRpc('need_round_answers', { p_round: round }))).toBe('forbidden');
    expect(await logged()).toEqual([]);
  });

  it.each(
    table({
      admin: 1,
      coach: 1,
      teacher: 0,
      otherTeacher: 0,
      otherStaff: 0,
      parent: 0,
      otherParent: 0,
      pupil: 0,
      otherPupil: 0,
      anon: 0,
    }),
  )('reading the log: %s sees %s row(s)', async (p, n) => {
    await clear();
    await call('teacher').rpc('need_drawing_path', { p_round: round, p_pupil: w.pupil.id, p_kind: 'needs' });
    expect(await outcome(() => call(p).query('select id from public.pupil_access_log'))).toBe(n);
  });

  it.each(
    table({
      admin: 1,
      coach: 1,
      teacher: 0,
      otherTeacher: 0,
      otherStaff: 0,
      parent: 0,
      otherParent: 0,
      pupil: 0,
      otherPupil: 0,
      anon: 'forbidden',
    }),
  )('pupil_access_log(): %s → %s', async (p, n) => {
    await clear();
    await call('teacher').rpc('need_drawing_path', { p_round: round, p_pupil: w.pupil.id, p_kind: 'needs' });
    expect(await outcome(() => call(p).tryRpc('pupil_access_log', { p_school: w.school.id }))).toBe(n);
  });

  it.each(PERSONAS)('nobody writes, changes or deletes the log directly (%s)', async (p) => {
    await clear();
    await call('teacher').rpc('need_drawing_path', { p_round: round, p_pupil: w.pupil.id, p_kind: 'needs' });
    const insert = await outcome(() =>
      call(p).tryQuery(`insert into public.pupil_access_log (school_id, pupil_id, kind) values ($1, $2, 'drawing') returning id`, [
        w.school.id,
        w.pupil.id,
      ]),
    ).catch(() => 'refused');
    expect(insert === 'error' || insert === 'refused', String(insert)).toBe(true);
    expect(await outcome(() => call(p).tryQuery('update public.pupil_access_log set kind = $1 returning id', ['feedback']))).toBe(0);
    expect(await outcome(() => call(p).tryQuery('delete from public.pupil_access_log returning id'))).toBe(0);
    expect(await logged()).toHaveLength(1);
  });

  it('erasing a pupil erases what the log says about them', async () => {
    await clear();
    await call('teacher').rpc('need_drawing_path', { p_round: round, p_pupil: w.pupil.id, p_kind: 'needs' });
    await db.owner.transaction(async (sql) => {
      await sql.query('savepoint s');
      await sql.query('delete from public.pupils where id = $1', [w.pupil.id]);
      const rows = await sql.query('select id from public.pupil_access_log');
      expect(rows).toHaveLength(0);
      await sql.query('rollback to savepoint s');
    });
  });

  describe("a person's own data (my_data, the right of access)", () => {
    it('a parent gets their profile, their child with answers, who looked, and their meeting with their own preparation', async () => {
      await clear();
      await call('teacher').rpc('need_round_answers', { p_round: round });
      const mine = await call('parent').rpc('my_data', {});
      expect(mine.profile?.email).toBeTruthy();
      expect(mine.schools.map((s) => s.role)).toEqual(['parent']);
      expect(mine.children.map((c) => c.first_name)).toEqual(['Sara']);
      expect(mine.children[0]!.needs_answers[0]).toMatchObject({ needs: ['look'], own_words: 'Met een liedje', drawing: true });
      expect(mine.children[0]!.who_looked).toMatchObject([{ what: 'needs_answers' }]);
      expect(mine.meetings).toHaveLength(1);
      expect(mine.meetings[0]!.my_preparation).not.toBeNull();
    });

    it('another parent gets nothing of that family; staff get their own profile and roles only; anonymous is refused', async () => {
      const other = await call('otherParent').rpc('my_data', {});
      expect(other.children.map((c) => c.first_name)).toEqual(['Daan']);
      expect(other.meetings).toEqual([]);
      expect(JSON.stringify(other)).not.toContain('Sara');
      expect(JSON.stringify(other)).not.toContain('Met een liedje');
      const teacher = await call('teacher').rpc('my_data', {});
      expect(teacher.children).toEqual([]);
      expect(teacher.schools.map((s) => s.role)).toContain('teacher');
      expect(await outcome(() => call('anon').tryRpc('my_data', {}))).toBe('forbidden');
    });
  });
});
