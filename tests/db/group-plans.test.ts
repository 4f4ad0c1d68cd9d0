import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toRpcError } from '~/domain/rpc/index.ts';
import { schoolToday } from '~/server/clock.ts';
import { buildPupil, buildWorld, PERSONAS, type PersonaName, type World } from '../factories/index.ts';
import { DATABASES, outcome, type Outcome, type TestDb } from './harness.ts';

/**
 * Groepsplannen, their evaluation, one pupil in one place and the groepsbespreking
 * (…_needs.sql), persona by persona: every function and every table, read and written
 * directly as PostgREST would allow. The world: Sara (pupil) and Noor in Groep 5 (teacher's),
 * with a closed round and an open round on "Veters strikken" where Sara said "not yet" twice;
 * a plan made by the teacher from the open round's circles (Sara in an earring, Noor in the basis).
 */
function asRpcError(err: { code?: string; message?: string }): never {
  if (err.code === '42501') throw err;
  throw toRpcError(err);
}
function table(t: Partial<Record<PersonaName, Outcome>>) {
  return PERSONAS.map((p) => [p, t[p] ?? 'TBD'] as const);
}
const CLASS_STAFF = {
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
} as const;
const COACH_AND_ADMIN = { ...CLASS_STAFF, teacher: 'forbidden' } as const;
const NOBODY_WRITES = Object.fromEntries(PERSONAS.map((p) => [p, 'error'])) as Record<PersonaName, Outcome>;
/** A day from today in the school's time zone (the SQL's "today"); in UTC it is yesterday from 23:00 or 22:00. */
const today = (days = 0) => schoolToday(new Date(Date.now() + days * 86_400_000));

describe.each(DATABASES)('group plans on %s', (_label, open) => {
  let db: TestDb;
  let w: World;
  let round: string;
  let noor: string;
  let plan: string;
  let evaluated: string;

  beforeAll(async () => {
    db = await open();
    w = await buildWorld(db.owner);
    noor = (await buildPupil(db.owner, w.school.id, w.klass.id, { firstName: 'Noor' })).id;
    await db.owner.transaction(async (sql) => {
      const rounds = await sql.query<{ id: string }>(
        `insert into public.need_rounds (school_id, class_id, goal, opened_by, opened_at, closed_at) values
           ($1, $2, 'Veters strikken', $3, now(), null),
           ($1, $2, 'Veters strikken', $3, now() - interval '40 days', now() - interval '30 days')
         returning id`,
        [w.school.id, w.klass.id, w.teacher.id],
      );
      round = rounds[0]!.id;
      await sql.query(
        `insert into public.need_answers (round_id, pupil_id, school_id, class_id, needs, goal_step) values
           ($1, $3, $5, $6, '{look,group}', 'not-yet'),
           ($2, $3, $5, $6, '{look}', 'not-yet'),
           ($1, $4, $5, $6, '{look,more-time}', 'can')`,
        [round, rounds[1]!.id, w.pupil.id, noor, w.school.id, w.klass.id],
      );
      await sql.query(
        `insert into public.meetings (id, school_id, kind, status, starts_at, goal) values
           ('7a000000-0000-4000-8000-000000000001', $1, 'progress', 'planned', now() - interval '10 days', 'Rekenen')`,
        [w.school.id],
      );
      await sql.query(
        `insert into public.meeting_pupils (meeting_id, pupil_id, class_id) values ('7a000000-0000-4000-8000-000000000001', $1, $2)`,
        [w.pupil.id, w.klass.id],
      );
      await sql.query(
        `insert into public.agreements (meeting_id, text, who, evaluate_on) values ('7a000000-0000-4000-8000-000000000001', 'Elke dag lezen', 'ouders', current_date + 20)`,
      );
    });
    const places = [
      { pupil: w.pupil.id, circle: 'very-intensive' as const },
      { pupil: noor, circle: 'basis' as const },
    ];
    plan = await db
      .as(w.personas.teacher)
      .rpc('create_group_plan', { p_round: round, p_places: places, p_period: 'Periode 1', p_evaluate_on: today(14) });
    evaluated = await db
      .as(w.personas.teacher)
      .rpc('create_group_plan', { p_round: round, p_places: places, p_period: 'Periode 0', p_evaluate_on: today() });
    await db.as(w.personas.teacher).rpc('evaluate_group_plan', {
      p_plan: evaluated,
      p_circles: [{ circle: 'basis', reached: 'Strik lukt', worked: 'Voordoen', next_step: 'Dubbele knoop' }],
      p_pupils: [
        { pupil: w.pupil.id, circle: 'intensive' },
        { pupil: noor, circle: 'deepened' },
      ],
    });
  }, 60_000);
  afterAll(() => db?.close());

  const call = (p: PersonaName) => db.as(w.personas[p]);
  const select = (p: PersonaName, text: string, params: unknown[]) => outcome(() => call(p).query(text, params));
  const write = (p: PersonaName, text: string, params: unknown[]) => outcome(() => call(p).tryQuery(text, params).catch(asRpcError));

  describe('the plan, built from the circles', () => {
    it('the basis and the used circles, each with the needs its pupils share; the round with a goal is linked', async () => {
      const circles = await call('teacher').rpc('group_plan_circles', { p_plan: plan });
      expect(circles.map((c) => c.circle)).toEqual(['very-intensive', 'basis']);
      expect(circles.find((c) => c.circle === 'very-intensive')!.shared_needs).toEqual(['look', 'group']);
      expect(circles.find((c) => c.circle === 'basis')!).toMatchObject({
        shared_needs: ['look', 'more-time'],
        pupils: 1,
        answered: 1,
        can: 1,
      });
      const [facts] = await call('teacher').rpc('group_plan', { p_plan: plan });
      expect(facts).toMatchObject({ goal: 'Veters strikken', goal_round_id: round, period: 'Periode 1', evaluated_at: null });
    });

    it.each(table(CLASS_STAFF))('create_group_plan: %s → %s', async (p, n) =>
      expect(
        await outcome(() =>
          call(p).tryRpc('create_group_plan', {
            p_round: round,
            p_places: [{ pupil: noor, circle: 'basis' }],
            p_period: 'P',
            p_evaluate_on: today(7),
          }),
        ),
      ).toBe(n),
    );

    it('create_group_plan refuses an evaluation date in the past and a pupil of another class', async () => {
      expect(
        await outcome(() =>
          call('teacher').tryRpc('create_group_plan', { p_round: round, p_places: [], p_period: 'P', p_evaluate_on: today(-1) }),
        ),
      ).toBe('invalid_date');
      expect(
        await outcome(() =>
          call('teacher').tryRpc('create_group_plan', {
            p_round: round,
            p_places: [{ pupil: w.otherPupil.id, circle: 'basis' }],
            p_period: 'P',
            p_evaluate_on: today(7),
          }),
        ),
      ).toBe('invalid');
    });

    it('counts days in the school’s time zone, whatever the server’s: today is allowed, yesterday is not', async () => {
      // 13 hours either side of Amsterdam: at any hour, in one of the two the server's date is not the
      // school's (before 13:00 UTC-12 is a day behind, from 11:00 UTC+14 a day ahead).
      for (const zone of ['Pacific/Kiritimati', 'Etc/GMT+12']) {
        const made = await call('teacher').tryAll(async (q) => {
          await q(`select set_config('timezone', $1, true)`, [zone]);
          const [{ id }] = (await q<{ id: string }>(`select public.create_group_plan($1, '[]'::jsonb, 'Vandaag', $2::date) as id`, [
            round,
            today(),
          ])) as [{ id: string }];
          return id;
        });
        expect(made, zone).toMatch(/^[0-9a-f-]{36}$/);
        const refused = await outcome(() =>
          call('teacher')
            .tryAll(async (q) => {
              await q(`select set_config('timezone', $1, true)`, [zone]);
              await q(`select public.create_group_plan($1, '[]'::jsonb, 'Gisteren', $2::date)`, [round, today(-1)]);
            })
            .catch(asRpcError),
        );
        expect(refused, zone).toBe('invalid_date');
      }
    });

    it.each(table({ ...CLASS_STAFF, admin: 2, coach: 2, teacher: 2 }))('class_group_plans: %s → %s', async (p, n) =>
      expect(await outcome(() => call(p).rpc('class_group_plans', { p_class: w.klass.id }))).toBe(n),
    );
    it.each(table(CLASS_STAFF))('group_plan: %s → %s', async (p, n) =>
      expect(await outcome(() => call(p).rpc('group_plan', { p_plan: plan }))).toBe(n),
    );
    it.each(table({ ...CLASS_STAFF, admin: 2, coach: 2, teacher: 2 }))('group_plan_circles: %s → %s', async (p, n) =>
      expect(await outcome(() => call(p).rpc('group_plan_circles', { p_plan: plan }))).toBe(n),
    );
    it.each(table({ ...CLASS_STAFF, admin: 2, coach: 2, teacher: 2 }))('group_plan_pupils: %s → %s', async (p, n) =>
      expect(await outcome(() => call(p).tryRpc('group_plan_pupils', { p_plan: plan }))).toBe(n),
    );
    it.each(table({ ...CLASS_STAFF, admin: 0, coach: 0, teacher: 0 }))('save_group_plan: %s → %s', async (p, n) =>
      expect(
        await outcome(() =>
          call(p).tryRpc('save_group_plan', { p_plan: plan, p_period: 'Periode 1b', p_evaluate_on: today(20), p_goal_round: null }),
        ),
      ).toBe(n),
    );
    it.each(table({ ...CLASS_STAFF, admin: 0, coach: 0, teacher: 0 }))('save_group_plan_circle: %s → %s', async (p, n) =>
      expect(
        await outcome(() =>
          call(p).tryRpc('save_group_plan_circle', {
            p_plan: plan,
            p_circle: 'basis',
            p_fields: {
              goal: 'Zelf een strik',
              instruction: 'Voordoen',
              practice: null,
              enrichment: null,
              materials: 'Veterbord',
              organisation: null,
              attention: null,
              shared_needs: ['look'],
            },
          }),
        ),
      ).toBe(n),
    );

    it('save_group_plan_circle keeps what was typed and refuses a circle the plan does not have', async () => {
      const fields = {
        goal: 'Zelf een strik',
        instruction: 'Voordoen',
        practice: null,
        enrichment: null,
        materials: null,
        organisation: null,
        attention: null,
        shared_needs: [],
      };
      const after = await call('teacher').tryAll(async (q) => {
        await q(`select public.save_group_plan_circle($1, 'basis', $2)`, [plan, JSON.stringify(fields)]);
        return q<{ goal: string; instruction: string }>(
          `select goal, instruction from public.group_plan_circles($1) where circle = 'basis'`,
          [plan],
        );
      });
      expect(after[0]).toEqual({ goal: 'Zelf een strik', instruction: 'Voordoen' });
      expect(
        await outcome(() => call('teacher').tryRpc('save_group_plan_circle', { p_plan: plan, p_circle: 'deepened', p_fields: fields })),
      ).toBe('invalid');
    });

    it('save_group_plan links only a round of the same class', async () => {
      const [other] = await db.owner.transaction((sql) =>
        sql.query<{ id: string }>(`insert into public.need_rounds (school_id, class_id) values ($1, $2) returning id`, [
          w.school.id,
          w.otherClass.id,
        ]),
      );
      expect(
        await outcome(() =>
          call('teacher').tryRpc('save_group_plan', { p_plan: plan, p_period: 'P', p_evaluate_on: today(20), p_goal_round: other!.id }),
        ),
      ).toBe('invalid');
    });
  });

  describe('evaluation and the next period', () => {
    it.each(table({ ...CLASS_STAFF, admin: 0, coach: 0, teacher: 0 }))('evaluate_group_plan: %s → %s', async (p, n) =>
      expect(
        await outcome(() =>
          call(p).tryRpc('evaluate_group_plan', {
            p_plan: plan,
            p_circles: [{ circle: 'basis', reached: 'ja', worked: null, next_step: null }],
            p_pupils: [
              { pupil: w.pupil.id, circle: 'intensive' },
              { pupil: noor, circle: 'basis' },
            ],
          }),
        ),
      ).toBe(n),
    );

    it('evaluate_group_plan needs every pupil of the plan once', async () => {
      expect(
        await outcome(() =>
          call('teacher').tryRpc('evaluate_group_plan', {
            p_plan: plan,
            p_circles: [],
            p_pupils: [{ pupil: w.pupil.id, circle: 'basis' }],
          }),
        ),
      ).toBe('invalid');
    });

    it('an evaluated plan keeps its evaluation: per circle and per pupil', async () => {
      const circles = await call('teacher').rpc('group_plan_circles', { p_plan: evaluated });
      expect(circles.find((c) => c.circle === 'basis')).toMatchObject({
        reached: 'Strik lukt',
        worked: 'Voordoen',
        next_step: 'Dubbele knoop',
      });
      const pupils = await call('teacher').rpc('group_plan_pupils', { p_plan: evaluated });
      expect(pupils.map((p) => [p.first_name, p.circle, p.next_circle, p.goal_step])).toEqual([
        ['Sara', 'very-intensive', 'intensive', 'not-yet'],
        ['Noor', 'basis', 'deepened', 'can'],
      ]);
      expect(
        await outcome(() =>
          call('teacher').tryRpc('save_group_plan', { p_plan: evaluated, p_period: 'X', p_evaluate_on: today(), p_goal_round: null }),
        ),
      ).toBe('plan_evaluated');
    });

    it.each(table(CLASS_STAFF))('next_group_plan: %s → %s', async (p, n) =>
      expect(
        await outcome(() => call(p).tryRpc('next_group_plan', { p_plan: evaluated, p_period: 'Periode 2', p_evaluate_on: today(60) })),
      ).toBe(n),
    );

    it('the next plan starts from the evaluation: pupils in their next circle, the next step as the goal; only once', async () => {
      const result = await call('teacher').tryAll(async (q) => {
        const [{ id }] = (await q<{ id: string }>(`select public.next_group_plan($1, 'Periode 2', current_date + 60) as id`, [
          evaluated,
        ])) as [{ id: string }];
        const pupils = await q<{ first_name: string; circle: string }>(`select first_name, circle from public.group_plan_pupils($1)`, [id]);
        const circles = await q<{ circle: string; goal: string | null; instruction: string | null }>(
          `select circle, goal, instruction from public.group_plan_circles($1)`,
          [id],
        );
        const again = await q(`select public.next_group_plan($1, 'Periode 3', current_date + 60)`, [evaluated]).then(
          () => 'made',
          (e: { message: string }) => e.message,
        );
        return { pupils, circles, again };
      });
      expect(result.pupils).toEqual([
        { first_name: 'Sara', circle: 'intensive' },
        { first_name: 'Noor', circle: 'deepened' },
      ]);
      expect(result.circles.find((c) => c.circle === 'basis')).toMatchObject({ goal: 'Dubbele knoop' });
      expect(result.again).toBe('plan_continued');
    });

    it('next_group_plan refuses a plan not yet evaluated', async () => {
      expect(
        await outcome(() => call('teacher').tryRpc('next_group_plan', { p_plan: plan, p_period: 'P', p_evaluate_on: today(30) })),
      ).toBe('plan_not_evaluated');
    });
  });

  describe('one pupil in one place', () => {
    it.each(table(CLASS_STAFF))('pupil_overview: %s → %s', async (p, n) =>
      expect(await outcome(() => call(p).tryRpc('pupil_overview', { p_pupil: w.pupil.id }))).toBe(n),
    );

    it('answers across rounds, plans with the evaluation, meetings with agreements; one log row per view', async () => {
      // Earlier reads in this file are older than one page view (the log joins reads within 10 s).
      await db.owner.transaction((sql) =>
        sql.query("update public.pupil_access_log set at = at - interval '1 minute' where pupil_id = $1", [w.pupil.id]),
      );
      const [{ before }] = (await db.owner.transaction((sql) =>
        sql.query<{ before: number }>('select count(*)::int as before from public.pupil_access_log where pupil_id = $1', [w.pupil.id]),
      )) as [{ before: number }];
      const o = await call('admin').rpc('pupil_overview', { p_pupil: w.pupil.id });
      expect(o.answers.map((a) => a.goal_step)).toEqual(['not-yet', 'not-yet']);
      expect(o.plans.find((x) => x.plan_id === evaluated)).toMatchObject({ circle: 'very-intensive', next_circle: 'intensive' });
      expect(o.meetings[0]!.agreements).toEqual([expect.objectContaining({ text: 'Elke dag lezen', who: 'ouders' })]);
      // The same view asking again (a page and its parts) adds no row.
      await call('admin').rpc('pupil_overview', { p_pupil: w.pupil.id });
      const [{ after }] = (await db.owner.transaction((sql) =>
        sql.query<{ after: number }>('select count(*)::int as after from public.pupil_access_log where pupil_id = $1', [w.pupil.id]),
      )) as [{ after: number }];
      expect(after - before).toBe(1);
    });

    it.each(table({ ...CLASS_STAFF, admin: 0, coach: 0, teacher: 0 }))('save_pupil_note: %s → %s', async (p, n) =>
      expect(
        await outcome(() => call(p).tryRpc('save_pupil_note', { p_pupil: w.pupil.id, p_helps: 'Plaatjes', p_hinders: 'Lawaai' })),
      ).toBe(n),
    );

    it('the note shows on the pupil page', async () => {
      const note = await call('coach').tryAll(async (q) => {
        await q(`select public.save_pupil_note($1, 'Plaatjes', 'Lawaai')`, [w.pupil.id]);
        return q<{ o: { helps: string; hinders: string } }>('select public.pupil_overview($1) as o', [w.pupil.id]);
      });
      expect(note[0]!.o).toMatchObject({ helps: 'Plaatjes', hinders: 'Lawaai' });
    });
  });

  describe('the groepsbespreking', () => {
    it.each(table({ ...COACH_AND_ADMIN }))('group_discussion (one class with a plan): %s → %s', async (p, n) =>
      expect(await outcome(async () => (await call(p).rpc('group_discussion', { p_school: w.school.id })).filter((c) => c.plan_id))).toBe(
        n,
      ),
    );

    it('the current plan, its status, and the pupils who need attention with why', async () => {
      const classes = await call('coach').rpc('group_discussion', { p_school: w.school.id });
      expect(classes.find((c) => c.class_id === w.klass.id)).toMatchObject({ period: 'Periode 0', status: 'evaluated', attention: 1 });
      const pupils = await call('coach').tryRpc('group_discussion_pupils', { p_school: w.school.id });
      expect(pupils.map((p) => [p.first_name, p.reasons])).toEqual([['Sara', ['earring', 'not_yet_twice']]]);
    });

    it.each(table(COACH_AND_ADMIN))('group_discussion_pupils: %s → %s', async (p, n) =>
      expect(await outcome(() => call(p).tryRpc('group_discussion_pupils', { p_school: w.school.id }))).toBe(n),
    );
    it.each(table(COACH_AND_ADMIN))('save_group_discussion: %s → %s', async (p, n) =>
      expect(
        await outcome(() => call(p).tryRpc('save_group_discussion', { p_plan: plan, p_agreed: 'Sara krijgt verlengde instructie' })),
      ).toBe(n),
    );
    it.each(table({ ...CLASS_STAFF, admin: 0, coach: 0, teacher: 0 }))('group_plan_discussions: %s → %s', async (p, n) =>
      expect(await outcome(() => call(p).rpc('group_plan_discussions', { p_plan: plan }))).toBe(n),
    );
    it.each(table({ ...COACH_AND_ADMIN, admin: 9, coach: 9 }))('school_needs_in_period (one class, nine needs): %s → %s', async (p, n) =>
      expect(await outcome(() => call(p).rpc('school_needs_in_period', { p_school: w.school.id, p_from: today(-60), p_to: today() }))).toBe(
        n,
      ),
    );

    it('school_needs_in_period: the round chosen is the latest with answers in the period, not the newest', async () => {
      await db.owner.transaction((sql) =>
        sql.query(
          `insert into public.need_rounds (school_id, class_id, goal, opened_at, closed_at) values ($1, $2, 'Rijmen', now(), now())`,
          [w.school.id, w.klass.id],
        ),
      );
      const rows = await call('coach').rpc('school_needs_in_period', { p_school: w.school.id, p_from: today(-60), p_to: today() });
      expect([...new Set(rows.map((r) => r.goal))]).toEqual(['Veters strikken']);
    });
  });

  describe('tables, read and written directly (as PostgREST would allow)', () => {
    it.each(
      table({
        ...CLASS_STAFF,
        admin: 2,
        coach: 2,
        teacher: 2,
        otherTeacher: 0,
        otherStaff: 0,
        parent: 0,
        otherParent: 0,
        pupil: 0,
        otherPupil: 0,
        anon: 'error',
      }),
    )('group_plans select: %s → %s', async (p, n) =>
      expect(await select(p, 'select * from public.group_plans where class_id = $1', [w.klass.id])).toBe(n),
    );
    it.each(
      table({
        ...CLASS_STAFF,
        otherTeacher: 0,
        otherStaff: 0,
        parent: 0,
        otherParent: 0,
        pupil: 0,
        otherPupil: 0,
        anon: 'error',
        admin: 2,
        coach: 2,
        teacher: 2,
      }),
    )('group_plan_pupils select: %s → %s', async (p, n) =>
      expect(await select(p, 'select * from public.group_plan_pupils where plan_id = $1', [plan])).toBe(n),
    );
    it.each(table(NOBODY_WRITES))('pupil_notes select (only through pupil_overview, which logs): %s → %s', async (p, n) =>
      expect(await select(p, 'select * from public.pupil_notes', [])).toBe(n),
    );
    it.each(table(NOBODY_WRITES))('writes to every new table: %s → %s', async (p, n) => {
      expect(
        await write(p, `insert into public.group_plans (school_id, class_id, period, evaluate_on) values ($1, $2, 'X', current_date)`, [
          w.school.id,
          w.klass.id,
        ]),
      ).toBe(n);
      expect(await write(p, `update public.group_plans set period = 'X' where id = $1`, [plan])).toBe(n);
      expect(await write(p, `update public.group_plan_circles set goal = 'X' where plan_id = $1`, [plan])).toBe(n);
      expect(await write(p, `update public.group_plan_pupils set circle = 'basis' where plan_id = $1`, [plan])).toBe(n);
      expect(await write(p, `delete from public.group_plan_pupils where plan_id = $1`, [plan])).toBe(n);
      expect(
        await write(p, `insert into public.pupil_notes (pupil_id, school_id, helps) values ($1, $2, 'X')`, [w.pupil.id, w.school.id]),
      ).toBe(n);
      expect(
        await write(p, `insert into public.group_discussions (plan_id, school_id, class_id, agreed) values ($1, $2, $3, 'X')`, [
          plan,
          w.school.id,
          w.klass.id,
        ]),
      ).toBe(n);
    });
  });
});
