import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildMembership, buildPupil, buildUser, buildWorld, PERSONAS, type PersonaName, type World } from '../factories/index.ts';
import { DATABASES, outcome, type Outcome, type TestDb } from './harness.ts';

/**
 * Who looked (…_privacy_access_log.sql): staff reading a pupil's needs answers, drawing, a
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

  describe('telling the truth (issue 18, item 6)', () => {
    it("a meeting's page reads and logs only the meeting's children, not their classmates", async () => {
      // A classmate with an answer in the same round: before, opening Sara's meeting logged both.
      const classmate = await buildPupil(db.owner, w.school.id, w.klass.id, { firstName: 'Yusuf' });
      await db.owner.transaction((sql) =>
        sql.query(`insert into public.need_answers (round_id, pupil_id, school_id, class_id, needs) values ($1, $2, $3, $4, '{listen}')`, [
          round,
          classmate.id,
          w.school.id,
          w.klass.id,
        ]),
      );
      await clear();
      const needs = await call('teacher').rpc('meeting_latest_needs', { p_meeting: meeting });
      expect(needs).toEqual([{ pupil_id: w.pupil.id, first_name: 'Sara', needs: ['look'] }]);
      expect(await logged()).toEqual([{ reader_id: w.teacher.id, pupil_id: w.pupil.id, kind: 'needs_answers' }]);
    });

    it.each(
      table({
        admin: 1,
        coach: 1,
        teacher: 1,
        otherTeacher: 'forbidden',
        otherStaff: 'forbidden',
        parent: 'forbidden',
        otherParent: 'forbidden',
        pupil: 'forbidden',
        otherPupil: 'forbidden',
        anon: 'forbidden',
      }),
    )('meeting_latest_needs: %s → %s', async (p, n) => {
      expect(await outcome(() => call(p).tryRpc('meeting_latest_needs', { p_meeting: meeting }))).toBe(n);
    });

    it('once per page view: the same reader, pupil and kind again at once adds no row', async () => {
      await clear();
      await call('teacher').rpc('need_round_answers', { p_round: round });
      await call('teacher').rpc('need_round_answers', { p_round: round });
      await call('teacher').rpc('need_drawing_path', { p_round: round, p_pupil: w.pupil.id, p_kind: 'needs' });
      await call('teacher').rpc('need_drawing_path', { p_round: round, p_pupil: w.pupil.id, p_kind: 'needs' });
      const rows = (await logged()).filter((r) => r.pupil_id === w.pupil.id);
      expect(rows.map((r) => r.kind)).toEqual(['needs_answers', 'drawing']);
      // Another reader is another row.
      await call('coach').rpc('need_round_answers', { p_round: round });
      expect((await logged()).filter((r) => r.pupil_id === w.pupil.id)).toHaveLength(3);
    });

    it('a parent linked by an admin is logged with the admin as "who", for the other admins, the coach and the family to see', async () => {
      await clear();
      // L1: an admin links a second address of their own as Sara's parent.
      const spy = await buildUser(db.owner);
      await buildMembership(db.owner, w.school.id, spy.id, 'parent');
      await call('admin').rpc('link_guardian', { p_pupil: w.pupil.id, p_parent: spy.id });
      expect(await logged()).toEqual([{ reader_id: w.admin.id, pupil_id: w.pupil.id, kind: 'parent_link' }]);
      const [row] = await call('coach').rpc('pupil_access_log_grouped', { p_school: w.school.id });
      expect(row).toMatchObject({ reader_id: w.admin.id, pupil: 'Sara', kinds: ['parent_link'], views: 1 });
      const mine = await call('parent').rpc('my_data', {});
      expect(mine.children[0]!.who_looked.map((l) => l.what)).toContain('parent_link');
    });

    it('the grouped log filters by pupil, staff member and period, and counts repeated views', async () => {
      await clear();
      await call('teacher').rpc('need_round_answers', { p_round: round });
      await call('teacher').rpc('meeting_preparations', { p_meeting: meeting });
      await call('coach').rpc('need_round_answers', { p_round: round });
      // An earlier view by the teacher, yesterday.
      await db.owner.transaction((sql) =>
        sql.query(
          `insert into public.pupil_access_log (school_id, reader_id, pupil_id, kind, at) values ($1, $2, $3, 'drawing', now() - interval '1 day'),
             ($1, $2, $3, 'drawing', now() - interval '1 day' + interval '1 minute')`,
          [w.school.id, w.teacher.id, w.pupil.id],
        ),
      );
      const all = await call('admin').rpc('pupil_access_log_grouped', { p_school: w.school.id, p_pupil: w.pupil.id });
      const teacherToday = all.find((r) => r.reader_id === w.teacher.id && r.kinds.includes('preparation'));
      expect(teacherToday).toMatchObject({ pupil: 'Sara', kinds: ['needs_answers', 'preparation'], views: 1 });
      const yesterday = all.find((r) => r.kinds.includes('drawing'));
      expect(yesterday).toMatchObject({ reader_id: w.teacher.id, views: 2 });
      const byCoach = await call('admin').rpc('pupil_access_log_grouped', { p_school: w.school.id, p_reader: w.coach.id });
      expect(byCoach.length).toBeGreaterThan(0);
      expect(new Set(byCoach.map((r) => r.reader_id))).toEqual(new Set([w.coach.id]));
      const day = yesterday!.day;
      const onlyThen = await call('admin').rpc('pupil_access_log_grouped', { p_school: w.school.id, p_from: day, p_to: day });
      expect(onlyThen.map((r) => r.kinds)).toEqual([['drawing']]);
      const people = await call('coach').rpc('pupil_access_log_people', { p_school: w.school.id });
      expect(people).toContainEqual(expect.objectContaining({ role: 'pupil', id: w.pupil.id, name: 'Sara' }));
      expect(people).toContainEqual(expect.objectContaining({ role: 'staff', id: w.coach.id }));
    });

    it.each(
      table({
        admin: 1,
        coach: 1,
        teacher: 'forbidden',
        otherTeacher: 'forbidden',
        otherStaff: 'forbidden',
        parent: 'forbidden',
        otherParent: 'forbidden',
        pupil: 'forbidden',
        otherPupil: 'forbidden',
        anon: 'forbidden',
      }),
    )('pupil_access_log_grouped and _people: %s → %s', async (p, n) => {
      await clear();
      await call('teacher').rpc('need_drawing_path', { p_round: round, p_pupil: w.pupil.id, p_kind: 'needs' });
      expect(await outcome(() => call(p).tryRpc('pupil_access_log_grouped', { p_school: w.school.id }))).toBe(n);
      expect(await outcome(() => call(p).tryRpc('pupil_access_log_people', { p_school: w.school.id }))).toBe(n === 1 ? 2 : n);
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
