import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NEED_IDS, NEEDS_LIMITS } from '~/domain/pictograms.ts';
import { toRpcError } from '~/domain/rpc/index.ts';
import { buildClass, buildClassTeacher, buildWorld, PERSONAS, type PersonaName, type World } from '../factories/index.ts';
import { DATABASES, outcome, type Outcome, type TestDb } from './harness.ts';

/**
 * Pupils' needs (…_needs.sql, …_class_mode_sign_in.sql), persona by persona: every function and
 * every table, read and written directly as PostgREST would allow. The world: Sara (pupil) in
 * Groep 5 (teacher's), Daan (otherPupil) in Groep 7 (otherTeacher's), each with an open round
 * and an answer; Sara's class also has a closed round, a plan and voices.
 */
/** Permission errors stay raw ('error'); a function's own refusal becomes its code, as in the app. */
function asRpcError(err: { code?: string; message?: string }): never {
  if (err.code === '42501') throw err;
  throw toRpcError(err);
}

function table(t: Partial<Record<PersonaName, Outcome>>) {
  return PERSONAS.map((p) => [p, t[p] ?? 'TBD'] as const);
}
const STAFF_ONLY_OF_CLASS = {
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
const PUPIL_ONLY = {
  admin: 'forbidden',
  coach: 'forbidden',
  teacher: 'forbidden',
  otherTeacher: 'forbidden',
  otherStaff: 'forbidden',
  parent: 'forbidden',
  otherParent: 'forbidden',
  pupil: 1,
  otherPupil: 'forbidden',
  anon: 'forbidden',
} as const;

describe.each(DATABASES)("pupils' needs on %s", (_label, open) => {
  let db: TestDb;
  let w: World;
  let round: string;
  let closedRound: string;
  let otherRound: string;
  let freshClass: string;
  let schoolVoice: string;
  let saraVoice: string;
  let drawing: string;

  beforeAll(async () => {
    db = await open();
    w = await buildWorld(db.owner);
    freshClass = (await buildClass(db.owner, w.school.id, { name: 'Groep 8' })).id;
    await buildClassTeacher(db.owner, w.school.id, freshClass, w.teacher.id);
    drawing = `${w.school.id}/${w.pupil.id}/${randomUUID()}.png`;
    await db.owner.transaction(async (sql) => {
      const rounds = await sql.query<{ id: string }>(
        `insert into public.need_rounds (school_id, class_id, goal, opened_by, opened_at, closed_at) values
           ($1, $2, 'Veters strikken', $4, now(), null),
           ($1, $2, null, $4, now() - interval '7 days', now() - interval '6 days'),
           ($1, $3, null, $5, now(), null)
         returning id`,
        [w.school.id, w.klass.id, w.otherClass.id, w.teacher.id, w.otherTeacher.id],
      );
      [round, closedRound, otherRound] = rounds.map((r) => r.id) as [string, string, string];
      await sql.query(
        `insert into public.need_answers (round_id, pupil_id, school_id, class_id, needs, goal_step, own_words, drawing_path) values
           ($1, $2, $4, $5, '{look,group}', 'almost', 'Met een liedje', $7),
           ($3, $6, $4, $8, '{listen}', null, null, null)`,
        [round, w.pupil.id, otherRound, w.school.id, w.klass.id, w.otherPupil.id, drawing, w.otherClass.id],
      );
      await sql.query(`insert into public.plan_places (round_id, pupil_id, class_id, circle) values ($1, $2, $3, 'intensive')`, [
        round,
        w.pupil.id,
        w.klass.id,
      ]);
      const [s] = await sql.query<{ id: string }>(
        `insert into public.voice_recordings (school_id, pupil_id, locale, key, path, recorded_by)
         values ($1, null, 'nl', 'need.look', $3, $2) returning id`,
        [w.school.id, w.teacher.id, `${w.school.id}/school/${randomUUID()}.webm`],
      );
      const [v] = await sql.query<{ id: string }>(
        `insert into public.voice_recordings (school_id, pupil_id, locale, key, path, recorded_by)
         values ($1, $2, 'ar', 'need.look', $4, $3) returning id`,
        [w.school.id, w.pupil.id, w.parent.id, `${w.school.id}/${w.pupil.id}/${randomUUID()}.webm`],
      );
      schoolVoice = s!.id;
      saraVoice = v!.id;
    });
  }, 60_000);
  afterAll(() => db?.close());

  const call = (p: PersonaName) => db.as(w.personas[p]);
  const ownerQuery = (text: string, params: unknown[]) => db.owner.transaction((sql) => sql.query(text, params));
  const select = (p: PersonaName, text: string, params: unknown[]) => outcome(() => call(p).query(text, params));
  /** A statement rolled back afterwards; the database's own refusal codes mapped as the app maps them. */
  const write = (p: PersonaName, text: string, params: unknown[]) => outcome(() => call(p).tryQuery(text, params).catch(asRpcError));

  describe('rounds (teachers)', () => {
    it.each(table(STAFF_ONLY_OF_CLASS))('open_need_round in a class without an open round: %s → %s', async (p, n) =>
      expect(await outcome(() => call(p).tryRpc('open_need_round', { p_class: freshClass, p_goal: 'Tafel van 3' }))).toBe(n),
    );

    it.each(table(STAFF_ONLY_OF_CLASS))('open_need_round beside an open round (a reading goal and a maths goal): %s → %s', async (p, n) =>
      expect(await outcome(() => call(p).tryRpc('open_need_round', { p_class: w.klass.id, p_goal: 'Rekenen', p_cards: null }))).toBe(n),
    );

    it('open_need_round: at most three open rounds per class; a subset of at least two known cards', async () => {
      const groep4 = (await buildClass(db.owner, w.school.id, { name: 'Groep 4' })).id;
      await buildClassTeacher(db.owner, w.school.id, groep4, w.teacher.id);
      try {
        const teacher = call('teacher');
        const [two] = await teacher.tryRpc('open_need_round', { p_class: groep4, p_goal: 'Lezen', p_cards: ['look', 'listen'] });
        expect(two).toMatchObject({ goal: 'Lezen', cards: ['look', 'listen'], closed_at: null });
        // All nine is the same as none chosen.
        const [all] = await teacher.tryRpc('open_need_round', { p_class: groep4, p_goal: null, p_cards: [...NEED_IDS] });
        expect(all!.cards).toBeNull();
        const openSql = (cards: string[]) => write('teacher', 'select public.open_need_round($1, null, $2)', [groep4, cards]);
        expect(await openSql(['look'])).toBe('too_few_cards');
        expect(await openSql(['look', 'dance'])).toBe('unknown_pictogram');
        await ownerQuery(
          `insert into public.need_rounds (school_id, class_id, goal, opened_at, closed_at) values
             ($1, $2, 'Lezen', now(), null), ($1, $2, 'Rekenen', now() - interval '3 days', now() + interval '2 hours'),
             ($1, $2, 'Schrijven', now(), null)`,
          [w.school.id, groep4],
        );
        expect(await outcome(() => teacher.tryRpc('open_need_round', { p_class: groep4, p_goal: 'Tekenen', p_cards: null }))).toBe(
          'round_open',
        );
        // A round whose reopened day is over no longer counts.
        await ownerQuery(`update public.need_rounds set closed_at = now() - interval '1 minute' where class_id = $1 and goal = 'Rekenen'`, [
          groep4,
        ]);
        expect(await outcome(() => teacher.tryRpc('open_need_round', { p_class: groep4, p_goal: 'Tekenen', p_cards: null }))).toBe(1);
      } finally {
        await ownerQuery('delete from public.classes where id = $1', [groep4]);
      }
    });

    it('open_need_round: a goal over the limit is refused by the database too', async () => {
      await expect(
        db.owner.transaction((sql) =>
          sql.query(`insert into public.need_rounds (school_id, class_id, goal) values ($1, $2, $3)`, [
            w.school.id,
            freshClass,
            'x'.repeat(NEEDS_LIMITS.goal + 1),
          ]),
        ),
      ).rejects.toMatchObject({ code: '23514' });
    });

    it.each(table(STAFF_ONLY_OF_CLASS))('close_need_round: %s → %s', async (p, n) =>
      expect(await outcome(() => call(p).tryRpc('close_need_round', { p_round: round }))).toBe(n),
    );

    it('close_need_round: a closed round stays closed', async () => {
      expect(await outcome(() => call('teacher').tryRpc('close_need_round', { p_round: closedRound }))).toBe('round_closed');
    });

    it.each(table(STAFF_ONLY_OF_CLASS))('reopen_need_round (a closed round, for a day): %s → %s', async (p, n) =>
      expect(await outcome(() => call(p).tryRpc('reopen_need_round', { p_round: closedRound }))).toBe(n),
    );

    it('reopen_need_round: an open round is not reopened', async () => {
      expect(await outcome(() => call('teacher').tryRpc('reopen_need_round', { p_round: round }))).toBe('round_open');
    });

    it.each(table({ ...STAFF_ONLY_OF_CLASS, admin: 2, coach: 2, teacher: 2 }))('class_need_rounds: %s → %s', async (p, n) =>
      expect(await outcome(() => call(p).rpc('class_need_rounds', { p_class: w.klass.id }))).toBe(n),
    );

    it.each(table(STAFF_ONLY_OF_CLASS))('need_round_answers (every pupil of the class, one here): %s → %s', async (p, n) =>
      expect(await outcome(() => call(p).rpc('need_round_answers', { p_round: round }))).toBe(n),
    );

    it('need_round_answers lists a pupil who has not answered, not as "no"', async () => {
      const rows = await call('otherTeacher').rpc('need_round_answers', { p_round: otherRound });
      expect(rows.map((r) => [r.first_name, r.answered])).toEqual([['Daan', true]]);
      const inClosed = await call('teacher').rpc('need_round_answers', { p_round: closedRound });
      expect(inClosed).toEqual([expect.objectContaining({ first_name: 'Sara', answered: false, needs: [] })]);
    });
  });

  describe("the pupil's own answers", () => {
    it.each(
      table({
        admin: 0,
        coach: 0,
        teacher: 0,
        otherTeacher: 0,
        otherStaff: 0,
        parent: 0,
        otherParent: 0,
        pupil: 1,
        otherPupil: 1,
        anon: 'forbidden',
      }),
    )('my_need_round: %s → %s', async (p, n) => expect(await outcome(() => call(p).rpc('my_need_round', {}))).toBe(n));

    it('my_need_round: each pupil gets their own answer', async () => {
      expect((await call('pupil').rpc('my_need_round', {}))[0]).toMatchObject({
        round_id: round,
        needs: ['look', 'group'],
        goal_step: 'almost',
      });
      expect((await call('otherPupil').rpc('my_need_round', {}))[0]).toMatchObject({ round_id: otherRound, needs: ['listen'] });
    });

    it.each(table(PUPIL_ONLY))('save_my_choices: %s → %s', async (p, n) =>
      expect(await outcome(() => call(p).tryRpc('save_my_choices', { p_round: round, p_kind: 'needs', p_ids: ['look'] }))).toBe(n),
    );

    it.each(table(PUPIL_ONLY))('save_my_goal_step: %s → %s', async (p, n) =>
      expect(await outcome(() => call(p).tryRpc('save_my_goal_step', { p_round: round, p_step: 'can' }))).toBe(n),
    );

    it.each(table(PUPIL_ONLY))('save_my_words: %s → %s', async (p, n) =>
      expect(await outcome(() => call(p).tryRpc('save_my_words', { p_round: round, p_kind: 'tops', p_words: 'Fijn' }))).toBe(n),
    );

    it.each(table(PUPIL_ONLY))('set_my_drawing (returns the drawing it replaces): %s → %s', async (p, n) =>
      expect(
        await outcome(() =>
          call(p).tryRpc('set_my_drawing', { p_round: round, p_kind: 'needs', p_path: `${w.school.id}/${w.pupil.id}/${randomUUID()}.png` }),
        ),
      ).toBe(n),
    );

    it('a pupil saves, changes and tops-and-tips their own answer; it is theirs alone', async () => {
      const sara = call('otherPupil');
      expect(await sara.tryRpc('save_my_choices', { p_round: otherRound, p_kind: 'tips', p_ids: ['more-time', 'group'] })).toEqual([
        'more-time',
        'group',
      ]);
      // A round without a goal has no goal step.
      expect(await outcome(() => sara.tryRpc('save_my_goal_step', { p_round: otherRound, p_step: 'can' }))).toBe('no_goal');
    });

    it('refused, nothing changed: an unknown pictogram, a closed round, another class, words over the limit, a path outside my folder', async () => {
      const sara = call('pupil');
      const refusedSql = (ids: string[]) => write('pupil', 'select public.save_my_choices($1, $2, $3)', [round, 'needs', ids]);
      expect(await refusedSql(['look', 'dance'])).toBe('unknown_pictogram');
      expect(await refusedSql(['look', 'look'])).toBe('unknown_pictogram');
      expect(await outcome(() => sara.tryRpc('save_my_choices', { p_round: closedRound, p_kind: 'needs', p_ids: ['look'] }))).toBe(
        'round_closed',
      );
      expect(await outcome(() => sara.tryRpc('save_my_choices', { p_round: otherRound, p_kind: 'needs', p_ids: ['look'] }))).toBe(
        'forbidden',
      );
      expect(await write('pupil', 'select public.save_my_words($1, $2, $3)', [round, 'needs', 'x'.repeat(NEEDS_LIMITS.words + 1)])).toBe(
        'invalid',
      );
      expect(
        await outcome(() => sara.tryRpc('save_my_words', { p_round: round, p_kind: 'needs', p_words: 'x'.repeat(NEEDS_LIMITS.words) })),
      ).toBe(1);
      expect(
        await outcome(() =>
          sara.tryRpc('set_my_drawing', {
            p_round: round,
            p_kind: 'needs',
            p_path: `${w.school.id}/${w.otherPupil.id}/${randomUUID()}.png`,
          }),
        ),
      ).toBe('invalid');
      expect((await sara.rpc('my_need_round', {}))[0]).toMatchObject({ needs: ['look', 'group'], own_words: 'Met een liedje' });
    });

    it.each(
      table({
        admin: 1,
        coach: 1,
        teacher: 1,
        otherTeacher: 0,
        otherStaff: 0,
        parent: 1,
        otherParent: 0,
        pupil: 1,
        otherPupil: 0,
        anon: 'forbidden',
      }),
    )("need_drawing_path (Sara's drawing): %s → %s", async (p, n) =>
      expect(await outcome(() => call(p).rpc('need_drawing_path', { p_round: round, p_pupil: w.pupil.id, p_kind: 'needs' }))).toBe(n),
    );

    it.each(
      table({
        admin: 1,
        coach: 1,
        teacher: 1,
        otherTeacher: 'forbidden',
        otherStaff: 'forbidden',
        parent: 'forbidden',
        otherParent: 'forbidden',
        pupil: 1,
        otherPupil: 'forbidden',
        anon: 'forbidden',
      }),
    )("set_pupil_avatar (Sara's, while she has none): %s → %s", async (p, n) =>
      expect(await outcome(() => call(p).tryRpc('set_pupil_avatar', { p_pupil: w.pupil.id, p_avatar: 'fox' }))).toBe(n),
    );

    it('set_pupil_avatar: a pupil chooses once; afterwards the teacher changes it', async () => {
      await db.owner.transaction((sql) => sql.query(`update public.pupils set avatar = 'owl' where id = $1`, [w.otherPupil.id]));
      expect(await outcome(() => call('otherPupil').tryRpc('set_pupil_avatar', { p_pupil: w.otherPupil.id, p_avatar: 'fox' }))).toBe(
        'forbidden',
      );
      expect(await call('otherTeacher').tryRpc('set_pupil_avatar', { p_pupil: w.otherPupil.id, p_avatar: 'fox' })).toBe('fox');
    });

    it("set_pupil_avatar: a pupil cannot take an animal another pupil of the class has (a left pupil's is free); the teacher can", async () => {
      const [taras] = await ownerQuery(
        `insert into public.pupils (school_id, class_id, first_name, avatar) values ($1, $2, 'Taras', 'bear') returning id`,
        [w.school.id, w.klass.id],
      );
      try {
        const sara = call('pupil');
        expect(await outcome(() => sara.tryRpc('set_pupil_avatar', { p_pupil: w.pupil.id, p_avatar: 'bear' }))).toBe('avatar_taken');
        expect(await sara.tryRpc('set_pupil_avatar', { p_pupil: w.pupil.id, p_avatar: 'fox' })).toBe('fox');
        // In another class the bear is free: Daan's teacher gives it to him.
        expect(await call('otherTeacher').tryRpc('set_pupil_avatar', { p_pupil: w.otherPupil.id, p_avatar: 'bear' })).toBe('bear');
        expect(await call('teacher').tryRpc('set_pupil_avatar', { p_pupil: w.pupil.id, p_avatar: 'bear' })).toBe('bear');
        await ownerQuery(`update public.pupils set left_at = now() where id = $1`, [(taras as { id: string }).id]);
        expect(await sara.tryRpc('set_pupil_avatar', { p_pupil: w.pupil.id, p_avatar: 'bear' })).toBe('bear');
      } finally {
        await ownerQuery('delete from public.pupils where id = $1', [(taras as { id: string }).id]);
      }
    });

    it.each(
      table({
        admin: 'forbidden',
        coach: 'forbidden',
        teacher: 'forbidden',
        otherTeacher: 'forbidden',
        otherStaff: 'forbidden',
        parent: 'forbidden',
        otherParent: 'forbidden',
        pupil: 1,
        otherPupil: 1,
        anon: 'forbidden',
      }),
    )('set_my_board_locale: %s → %s', async (p, n) =>
      expect(await outcome(() => call(p).tryRpc('set_my_board_locale', { p_locale: 'uk' }))).toBe(n),
    );
  });

  describe("more than one open round, a reopened day, the round's cards", () => {
    it('a reopened round is open for a day: the pupil sees both open rounds and answers; closed again, refused', async () => {
      const [reopened] = await call('teacher').rpc('reopen_need_round', { p_round: closedRound });
      const until = Date.parse(reopened!.closed_at!);
      expect(until - Date.now()).toBeGreaterThan(23 * 3600_000);
      expect(until - Date.now()).toBeLessThanOrEqual(24 * 3600_000 + 60_000);
      const sara = call('pupil');
      expect((await sara.rpc('my_need_round', {})).map((r) => r.round_id)).toEqual([closedRound, round]);
      expect(await outcome(() => sara.tryRpc('save_my_choices', { p_round: closedRound, p_kind: 'needs', p_ids: ['look'] }))).toBe(1);
      // The day is over: closed by itself.
      await ownerQuery(`update public.need_rounds set closed_at = now() - interval '1 second' where id = $1`, [closedRound]);
      expect(await outcome(() => sara.tryRpc('save_my_choices', { p_round: closedRound, p_kind: 'needs', p_ids: ['look'] }))).toBe(
        'round_closed',
      );
      expect((await sara.rpc('my_need_round', {})).map((r) => r.round_id)).toEqual([round]);
      // Reopened again and closed early by the teacher.
      await call('teacher').rpc('reopen_need_round', { p_round: closedRound });
      const [closed] = await call('teacher').rpc('close_need_round', { p_round: closedRound });
      expect(Date.parse(closed!.closed_at!)).toBeLessThanOrEqual(Date.now() + 1000);
      expect(await outcome(() => sara.tryRpc('save_my_choices', { p_round: closedRound, p_kind: 'needs', p_ids: ['look'] }))).toBe(
        'round_closed',
      );
    });

    it("a round with a subset of the cards: the pupil's needs are those cards only; other rounds' boards are unchanged", async () => {
      const [reading] = await call('teacher').rpc('open_need_round', { p_class: w.klass.id, p_goal: 'Lezen', p_cards: ['look', 'listen'] });
      try {
        const sara = call('pupil');
        const mine = await sara.rpc('my_need_round', {});
        expect(mine.map((r) => [r.round_id, r.cards])).toEqual([
          [round, null],
          [reading!.id, ['look', 'listen']],
        ]);
        expect(await outcome(() => sara.tryRpc('save_my_choices', { p_round: reading!.id, p_kind: 'needs', p_ids: ['look'] }))).toBe(1);
        expect(
          await outcome(() => sara.tryRpc('save_my_choices', { p_round: reading!.id, p_kind: 'needs', p_ids: ['look', 'group'] })),
        ).toBe('unknown_pictogram');
        // Tops and tips keep all nine; the other open round too.
        expect(await outcome(() => sara.tryRpc('save_my_choices', { p_round: reading!.id, p_kind: 'tops', p_ids: ['group'] }))).toBe(1);
        expect(await outcome(() => sara.tryRpc('save_my_choices', { p_round: round, p_kind: 'needs', p_ids: ['group'] }))).toBe(1);
      } finally {
        await ownerQuery('delete from public.need_rounds where id = $1', [reading!.id]);
      }
    });
  });

  describe('the class plan', () => {
    it.each(table(STAFF_ONLY_OF_CLASS))('class_plan: %s → %s', async (p, n) =>
      expect(await outcome(() => call(p).rpc('class_plan', { p_round: round }))).toBe(n),
    );

    it.each(table(STAFF_ONLY_OF_CLASS))('save_class_plan: %s → %s', async (p, n) =>
      expect(
        await outcome(() => call(p).tryRpc('save_class_plan', { p_round: round, p_places: [{ pupil: w.pupil.id, circle: 'deepened' }] })),
      ).toBe(n),
    );

    it('save_class_plan refuses a pupil of another class, a pupil twice, an unknown circle', async () => {
      const teacher = call('teacher');
      expect(
        await outcome(() => teacher.tryRpc('save_class_plan', { p_round: round, p_places: [{ pupil: w.otherPupil.id, circle: 'basis' }] })),
      ).toBe('invalid');
      expect(
        await outcome(() =>
          teacher.tryRpc('save_class_plan', {
            p_round: round,
            p_places: [
              { pupil: w.pupil.id, circle: 'basis' },
              { pupil: w.pupil.id, circle: 'deepened' },
            ],
          }),
        ),
      ).toBe('invalid');
      expect(
        await write('teacher', 'select public.save_class_plan($1, $2::jsonb)', [
          round,
          JSON.stringify([{ pupil: w.pupil.id, circle: 'middle' }]),
        ]),
      ).toBe('invalid');
    });
  });

  describe('the school view and the parent', () => {
    it.each(
      table({
        admin: 18,
        coach: 18,
        teacher: 'forbidden',
        otherTeacher: 'forbidden',
        otherStaff: 'forbidden',
        parent: 'forbidden',
        otherParent: 'forbidden',
        pupil: 'forbidden',
        otherPupil: 'forbidden',
        anon: 'forbidden',
      }),
    )('school_needs_overview (two classes × nine needs): %s → %s', async (p, n) =>
      expect(await outcome(() => call(p).rpc('school_needs_overview', { p_school: w.school.id }))).toBe(n),
    );

    it('school_needs_overview: counts only, and every count below 5 is hidden', async () => {
      const rows = await call('coach').rpc('school_needs_overview', { p_school: w.school.id });
      expect(rows.every((r) => r.pupils === null && r.answered === null)).toBe(true);
      expect(Object.keys(rows[0]!).sort()).toEqual([
        'answered',
        'class_id',
        'class_name',
        'closed_at',
        'need',
        'opened_at',
        'pupils',
        'round_id',
      ]);
      // Five pupils choosing "look" in a new class: now the count shows.
      await db.owner.transaction(async (sql) => {
        const [r] = await sql.query<{ id: string }>('insert into public.need_rounds (school_id, class_id) values ($1, $2) returning id', [
          w.school.id,
          freshClass,
        ]);
        for (const name of ['A', 'B', 'C', 'D', 'E']) {
          const [p] = await sql.query<{ id: string }>(
            'insert into public.pupils (school_id, class_id, first_name) values ($1, $2, $3) returning id',
            [w.school.id, freshClass, name],
          );
          await sql.query(
            `insert into public.need_answers (round_id, pupil_id, school_id, class_id, needs) values ($1, $2, $3, $4, '{look}')`,
            [r!.id, p!.id, w.school.id, freshClass],
          );
        }
      });
      const after = await call('admin').rpc('school_needs_overview', { p_school: w.school.id });
      const fresh = after.filter((r) => r.class_id === freshClass);
      expect(fresh.find((r) => r.need === 'look')).toMatchObject({ pupils: 5, answered: 5 });
      expect(fresh.find((r) => r.need === 'listen')).toMatchObject({ pupils: null });
    });

    it.each(
      table({
        admin: 0,
        coach: 0,
        teacher: 0,
        otherTeacher: 0,
        otherStaff: 0,
        parent: 1,
        otherParent: 1,
        pupil: 0,
        otherPupil: 0,
        anon: 'forbidden',
      }),
    )('my_children_needs: %s → %s', async (p, n) => expect(await outcome(() => call(p).rpc('my_children_needs', {}))).toBe(n));

    it("my_children_needs: a parent sees their own child's choices in the open round, nothing of others", async () => {
      expect(await call('parent').rpc('my_children_needs', {})).toEqual([
        expect.objectContaining({
          first_name: 'Sara',
          round_id: round,
          goal: 'Veters strikken',
          needs: ['look', 'group'],
          goal_step: 'almost',
        }),
      ]);
      expect((await call('otherParent').rpc('my_children_needs', {})).map((r) => r.first_name)).toEqual(['Daan']);
    });
  });

  describe('voices', () => {
    it.each(
      table({
        admin: 0,
        coach: 0,
        teacher: 0,
        otherTeacher: 0,
        otherStaff: 0,
        parent: 0,
        otherParent: 0,
        pupil: 1,
        otherPupil: 0,
        anon: 'forbidden',
      }),
    )("my_voices in Arabic (Sara's own, from her parent): %s → %s", async (p, n) =>
      expect(await outcome(() => call(p).rpc('my_voices', { p_locale: 'ar' }))).toBe(n),
    );

    it('my_voices: the school voice for every pupil of the school', async () => {
      expect(await call('otherPupil').rpc('my_voices', { p_locale: 'nl' })).toEqual([{ key: 'need.look', recording_id: schoolVoice }]);
    });

    it.each(
      table({
        admin: 1,
        coach: 1,
        teacher: 1,
        otherTeacher: 1,
        otherStaff: 'forbidden',
        parent: 'forbidden',
        otherParent: 'forbidden',
        pupil: 'forbidden',
        otherPupil: 'forbidden',
        anon: 'forbidden',
      }),
    )("voice_recordings (the school's, Dutch): %s → %s", async (p, n) =>
      expect(await outcome(() => call(p).rpc('voice_recordings', { p_school: w.school.id, p_pupil: null, p_locale: 'nl' }))).toBe(n),
    );

    it.each(
      table({
        admin: 'forbidden',
        coach: 'forbidden',
        teacher: 'forbidden',
        otherTeacher: 'forbidden',
        otherStaff: 'forbidden',
        parent: 1,
        otherParent: 'forbidden',
        pupil: 'forbidden',
        otherPupil: 'forbidden',
        anon: 'forbidden',
      }),
    )("voice_recordings (Sara's, Arabic): %s → %s", async (p, n) =>
      expect(await outcome(() => call(p).rpc('voice_recordings', { p_school: w.school.id, p_pupil: w.pupil.id, p_locale: 'ar' }))).toBe(n),
    );

    it.each(
      table({
        admin: 6,
        coach: 6,
        teacher: 6,
        otherTeacher: 6,
        otherStaff: 'forbidden',
        parent: 'forbidden',
        otherParent: 'forbidden',
        pupil: 'forbidden',
        otherPupil: 'forbidden',
        anon: 'forbidden',
      }),
    )('school_voice_gaps (one row per language): %s → %s', async (p, n) =>
      expect(await outcome(() => call(p).rpc('school_voice_gaps', { p_school: w.school.id }))).toBe(n),
    );

    it('school_voice_gaps: what is recorded and what is missing', async () => {
      const gaps = await call('teacher').rpc('school_voice_gaps', { p_school: w.school.id });
      expect(gaps.find((g) => g.locale === 'nl')).toEqual({ locale: 'nl', recorded: 1, missing: 32 });
      expect(gaps.find((g) => g.locale === 'ar')).toEqual({ locale: 'ar', recorded: 0, missing: 33 });
    });

    const schoolPath = () => `${w.school.id}/school/${randomUUID()}.webm`;
    it.each(
      table({
        admin: 0,
        coach: 0,
        teacher: 0,
        otherTeacher: 0,
        otherStaff: 'forbidden',
        parent: 'forbidden',
        otherParent: 'forbidden',
        pupil: 'forbidden',
        otherPupil: 'forbidden',
        anon: 'forbidden',
      }),
    )('save_voice_recording for the school (nothing replaced): %s → %s', async (p, n) =>
      expect(
        await outcome(() =>
          call(p).tryRpc('save_voice_recording', {
            p_school: w.school.id,
            p_pupil: null,
            p_locale: 'uk',
            p_key: 'say.needs',
            p_path: schoolPath(),
          }),
        ),
      ).toBe(n),
    );

    it.each(
      table({
        admin: 'forbidden',
        coach: 'forbidden',
        teacher: 'forbidden',
        otherTeacher: 'forbidden',
        otherStaff: 'forbidden',
        parent: 1,
        otherParent: 'forbidden',
        pupil: 'forbidden',
        otherPupil: 'forbidden',
        anon: 'forbidden',
      }),
    )("save_voice_recording for Sara (replaces her parent's Arabic one): %s → %s", async (p, n) =>
      expect(
        await outcome(() =>
          call(p).tryRpc('save_voice_recording', {
            p_school: w.school.id,
            p_pupil: w.pupil.id,
            p_locale: 'ar',
            p_key: 'need.look',
            p_path: `${w.school.id}/${w.pupil.id}/${randomUUID()}.m4a`,
          }),
        ),
      ).toBe(n),
    );

    it('save_voice_recording refuses a path outside the folder it is for', async () => {
      expect(
        await outcome(() =>
          call('parent').tryRpc('save_voice_recording', {
            p_school: w.school.id,
            p_pupil: w.pupil.id,
            p_locale: 'ar',
            p_key: 'need.look',
            p_path: `${w.school.id}/school/${randomUUID()}.webm`,
          }),
        ),
      ).toBe('invalid');
    });

    it.each(
      table({
        admin: 1,
        coach: 1,
        teacher: 1,
        otherTeacher: 1,
        otherStaff: 'forbidden',
        parent: 'forbidden',
        otherParent: 'forbidden',
        pupil: 'forbidden',
        otherPupil: 'forbidden',
        anon: 'forbidden',
      }),
    )("delete_voice_recording (the school's): %s → %s", async (p, n) =>
      expect(await outcome(() => call(p).tryRpc('delete_voice_recording', { p_recording: schoolVoice }))).toBe(n),
    );

    it.each(
      table({
        admin: 1,
        coach: 1,
        teacher: 1,
        otherTeacher: 1,
        otherStaff: 0,
        parent: 1,
        otherParent: 1,
        pupil: 1,
        otherPupil: 1,
        anon: 'forbidden',
      }),
    )("voice_recording_path (the school's): %s → %s", async (p, n) =>
      expect(await outcome(() => call(p).rpc('voice_recording_path', { p_recording: schoolVoice }))).toBe(n),
    );

    it.each(
      table({
        admin: 1,
        coach: 1,
        teacher: 1,
        otherTeacher: 0,
        otherStaff: 0,
        parent: 1,
        otherParent: 0,
        pupil: 1,
        otherPupil: 0,
        anon: 'forbidden',
      }),
    )("voice_recording_path (Sara's): %s → %s", async (p, n) =>
      expect(await outcome(() => call(p).rpc('voice_recording_path', { p_recording: saraVoice }))).toBe(n),
    );
  });

  describe('tables, read and written directly (as PostgREST would allow)', () => {
    const NOBODY_WRITES = Object.fromEntries(PERSONAS.map((p) => [p, 'error'])) as Record<PersonaName, Outcome>;

    it.each(
      table({
        admin: 3,
        coach: 3,
        teacher: 2,
        otherTeacher: 1,
        otherStaff: 0,
        parent: 2,
        otherParent: 1,
        pupil: 2,
        otherPupil: 1,
        anon: 'error',
      }),
    )('need_rounds select: %s → %s', async (p, n) =>
      expect(await select(p, 'select * from public.need_rounds where class_id = any($1)', [[w.klass.id, w.otherClass.id]])).toBe(n),
    );

    // Issue 18: staff read answers only through the functions that log (need_round_answers and
    // friends); a token and the anon key selecting the table directly get nothing. Before: admin
    // and coach 2, teachers 1.
    it.each(
      table({
        admin: 0,
        coach: 0,
        teacher: 0,
        otherTeacher: 0,
        otherStaff: 0,
        parent: 1,
        otherParent: 1,
        pupil: 1,
        otherPupil: 1,
        anon: 'error',
      }),
    )('need_answers select (directly, as PostgREST would): %s → %s', async (p, n) =>
      expect(await select(p, 'select * from public.need_answers where round_id = any($1)', [[round, otherRound]])).toBe(n),
    );

    it.each(
      table({
        admin: 1,
        coach: 1,
        teacher: 1,
        otherTeacher: 0,
        otherStaff: 0,
        parent: 0,
        otherParent: 0,
        pupil: 0,
        otherPupil: 0,
        anon: 'error',
      }),
    )('plan_places select: %s → %s', async (p, n) =>
      expect(await select(p, 'select * from public.plan_places where round_id = $1', [round])).toBe(n),
    );

    it.each(
      table({
        admin: 2,
        coach: 2,
        teacher: 2,
        otherTeacher: 1,
        otherStaff: 0,
        parent: 2,
        otherParent: 1,
        pupil: 2,
        otherPupil: 1,
        anon: 'error',
      }),
    )('voice_recordings select: %s → %s', async (p, n) =>
      expect(await select(p, 'select * from public.voice_recordings where school_id = $1', [w.school.id])).toBe(n),
    );

    it.each(table(NOBODY_WRITES))('need_answers insert for another pupil (or oneself): %s → %s', async (p, n) =>
      expect(
        await write(
          p,
          `insert into public.need_answers (round_id, pupil_id, school_id, class_id, needs) values ($1, $2, $3, $4, '{look}')`,
          [otherRound, w.otherPupil.id, w.school.id, w.otherClass.id],
        ),
      ).toBe(n),
    );

    it.each(table(NOBODY_WRITES))('need_answers update: %s → %s', async (p, n) =>
      expect(await write(p, `update public.need_answers set needs = '{more-time}' where round_id = $1`, [round])).toBe(n),
    );

    it.each(table(NOBODY_WRITES))('need_rounds insert, update, delete: %s → %s', async (p, n) => {
      expect(await write(p, 'insert into public.need_rounds (school_id, class_id) values ($1, $2)', [w.school.id, freshClass])).toBe(n);
      expect(await write(p, 'update public.need_rounds set closed_at = null where id = $1', [closedRound])).toBe(n);
      expect(await write(p, 'delete from public.need_rounds where id = $1', [round])).toBe(n);
    });

    it.each(table(NOBODY_WRITES))('plan_places and voice_recordings writes: %s → %s', async (p, n) => {
      expect(
        await write(p, `insert into public.plan_places (round_id, pupil_id, class_id, circle) values ($1, $2, $3, 'basis')`, [
          otherRound,
          w.otherPupil.id,
          w.otherClass.id,
        ]),
      ).toBe(n);
      expect(await write(p, 'delete from public.voice_recordings where id = $1', [schoolVoice])).toBe(n);
    });

    it.each(
      table({
        admin: 1,
        coach: 0,
        teacher: 0,
        otherTeacher: 0,
        otherStaff: 0,
        parent: 0,
        otherParent: 0,
        pupil: 0,
        otherPupil: 0,
        anon: 'error',
      }),
    )("pupils update of Sara's picture and board language (admins only, directly): %s → %s", async (p, n) =>
      expect(await write(p, `update public.pupils set avatar = 'bee', board_locale = 'tr' where id = $1 returning id`, [w.pupil.id])).toBe(
        n,
      ),
    );
  });

  describe('storage: drawings and voices are private', () => {
    const read = (p: PersonaName, bucket: string, name: string) =>
      outcome(() => call(p).query('select name from storage.objects where bucket_id = $1 and name = $2', [bucket, name]));
    let voicePath: string;

    beforeAll(async () => {
      voicePath = `${w.school.id}/${w.pupil.id}/${randomUUID()}.webm`;
      await db.owner.transaction((sql) =>
        sql.query(`insert into storage.objects (bucket_id, name, owner) values ('pupil-drawings', $1, $2), ('voices', $3, $4)`, [
          drawing,
          w.pupil.user!.id,
          voicePath,
          w.parent.id,
        ]),
      );
    });

    it.each(
      table({
        admin: 1,
        coach: 1,
        teacher: 1,
        otherTeacher: 0,
        otherStaff: 0,
        parent: 1,
        otherParent: 0,
        pupil: 1,
        otherPupil: 0,
        anon: 'TBD',
      }),
    )("Sara's drawing: %s → %s", async (p, n) => {
      const got = await read(p, 'pupil-drawings', drawing);
      expect(p === 'anon' ? got === 0 || got === 'error' : got === n).toBe(true);
    });

    it.each(
      table({
        admin: 1,
        coach: 1,
        teacher: 1,
        otherTeacher: 0,
        otherStaff: 0,
        parent: 1,
        otherParent: 0,
        pupil: 1,
        otherPupil: 0,
        anon: 'TBD',
      }),
    )("Sara's voice from her parent: %s → %s", async (p, n) => {
      const got = await read(p, 'voices', voicePath);
      expect(p === 'anon' ? got === 0 || got === 'error' : got === n).toBe(true);
    });

    it.each(
      table({
        admin: 'error',
        coach: 'error',
        teacher: 'error',
        otherTeacher: 'error',
        otherStaff: 'error',
        parent: 'error',
        otherParent: 'error',
        pupil: 1,
        otherPupil: 'error',
        anon: 'error',
      }),
    )('a drawing stored in Sara’s folder: %s → %s', async (p, n) =>
      expect(
        await write(p, `insert into storage.objects (bucket_id, name, owner) values ('pupil-drawings', $1, null) returning name`, [
          `${w.school.id}/${w.pupil.id}/${randomUUID()}.png`,
        ]),
      ).toBe(n),
    );
  });
});
