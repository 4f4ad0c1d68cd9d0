import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toRpcError } from '~/domain/rpc/index.ts';
import { schoolToday } from '~/server/clock.ts';
import { SERVICE } from '~/server/embedded/rpc.ts';
import type { Sql } from '~/server/embedded/sql.ts';
import { buildWorld, PERSONAS, type PersonaName, type World } from '../factories/index.ts';
import { DATABASES, outcome, type Outcome, type TestDb } from './harness.ts';

/**
 * Meetings (…_meetings.sql), persona by persona, through every function and every table as
 * PostgREST would let a client read and write it. The world: a planned meeting about Sara
 * (teacher's class, parent's child) next week, partly prepared by her parent and shared; one
 * about Daan (otherTeacher's class, otherParent's child), prepared and not shared; a past
 * meeting about Sara with an agreement and feedback; a slot round for Sara's class.
 */
function asRpcError(err: { code?: string; message?: string }): never {
  if (err.code === '42501') throw err;
  throw toRpcError(err);
}
const table = (t: Partial<Record<PersonaName, Outcome>>) => PERSONAS.map((p) => [p, t[p] ?? 'TBD'] as const);
const each = (o: Outcome, except: Partial<Record<PersonaName, Outcome>> = {}) =>
  table({ ...Object.fromEntries(PERSONAS.map((p) => [p, o])), ...except });
const NEXT_WEEK = () => new Date(Date.now() + 7 * 86_400_000).toISOString();

describe.each(DATABASES)('meetings on %s', (_label, open) => {
  let db: TestDb;
  let w: World;
  let saraMeeting: string;
  let daanMeeting: string;
  let pastMeeting: string;
  let agreement: string;
  let round: string;
  let freeSlot: string;
  let otherSlot: string;

  beforeAll(async () => {
    db = await open();
    w = await buildWorld(db.owner);
    const teacher = db.as(w.personas.teacher);
    const other = db.as(w.personas.otherTeacher);
    const fields = {
      p_kind: 'progress' as const,
      p_minutes: 20,
      p_place: 'Lokaal 5',
      p_video_url: null,
      p_attendees: null,
      p_goal: 'Hoe gaat het?',
      p_interpreter_lang: null,
      p_interpreter_mode: null,
      p_interpreter_booked: false,
    };
    saraMeeting = await teacher.rpc('create_meeting', { p_pupils: [w.pupil.id], p_starts_at: NEXT_WEEK(), ...fields });
    daanMeeting = await other.rpc('create_meeting', { p_pupils: [w.otherPupil.id], p_starts_at: NEXT_WEEK(), ...fields });
    await db.as(w.personas.parent).rpc('save_my_preparation', {
      p_meeting: saraMeeting,
      p_answers: { strengths: { choices: ['kind'], text: 'Ze leest graag', lang: 'nl' } },
      p_step: 2,
    });
    await db.as(w.personas.parent).rpc('share_my_preparation', { p_meeting: saraMeeting, p_share: true });
    await db.as(w.personas.otherParent).rpc('save_my_preparation', {
      p_meeting: daanMeeting,
      p_answers: { ask: { choices: ['homework'], text: 'سؤال', lang: 'ar' } },
      p_step: 3,
    });
    await db.as(w.personas.pupil).rpc('save_my_pupil_preparation', {
      p_meeting: saraMeeting,
      p_answers: { 'goes-well': ['reading'], who: ['me', 'parent'] },
      p_words: 'Ik lees graag',
      p_consent: true,
    });
    // A past meeting: planned, then moved into the past by the owner (nobody can plan one there).
    // Sara's meeting moved once already (the change the page shows as "was …, now …").
    await db.owner.transaction((sql) =>
      sql.query(
        `insert into public.meeting_changes (meeting_id, changed_by, was_starts_at, starts_at, changed_at)
         values ($1, $2, now() + interval '6 days', now() + interval '7 days', now() - interval '1 hour')`,
        [saraMeeting, w.teacher.id],
      ),
    );
    pastMeeting = await teacher.rpc('create_meeting', { p_pupils: [w.pupil.id], p_starts_at: NEXT_WEEK(), ...fields });
    await db.owner.transaction((sql) =>
      sql.query(`update public.meetings set starts_at = now() - interval '2 days' where id = $1`, [pastMeeting]),
    );
    agreement = await teacher.rpc('add_agreement', {
      p_meeting: pastMeeting,
      p_text: 'Samen lezen',
      p_who: 'Ouder',
      p_due_on: null,
      p_evaluate_on: null,
    });
    await db.as(w.personas.parent).rpc('give_meeting_feedback', {
      p_meeting: pastMeeting,
      p_top: 'Goed geluisterd',
      p_tip: null,
      p_seen: 'yes',
      p_heard: 'yes',
      p_valued: 'partly',
      p_anonymous: true,
    });
    const deadline = new Date(Date.now() + 2 * 86_400_000).toISOString();
    // Five days ahead at 10:00, 10:10 and 10:20 UTC (11:00 or 12:00 in Amsterdam): the three times
    // fall on one day whatever the hour the suite runs (from 23:40 on, "now + 5 days" crossed midnight).
    const at = (h: number) => {
      const d = new Date(Date.now() + 5 * 86_400_000);
      d.setUTCHours(10, h * 10, 0, 0);
      return d.toISOString();
    };
    round = await teacher.rpc('publish_slot_round', {
      p_class: w.klass.id,
      p_title: 'Rapportgesprekken',
      p_deadline: deadline,
      p_slots: [0, 1, 2].map((h) => ({ starts_at: at(h), minutes: 10, teacher: w.teacher.id })),
    });
    const slots = await teacher.rpc('round_slots', { p_round: round });
    [freeSlot, otherSlot] = [slots[0]!.slot_id, slots[1]!.slot_id];
  }, 60_000);
  afterAll(() => db?.close());

  const call = (p: PersonaName) => db.as(w.personas[p]);
  const write = (p: PersonaName, text: string, params: unknown[]) => outcome(() => call(p).tryQuery(text, params).catch(asRpcError));

  describe('planning', () => {
    const fields = () => ({
      p_kind: 'introduction' as const,
      p_starts_at: NEXT_WEEK(),
      p_minutes: 15,
      p_place: null,
      p_video_url: null,
      p_attendees: null,
      p_goal: null,
      p_interpreter_lang: null,
      p_interpreter_mode: null,
      p_interpreter_booked: false,
    });
    it.each(each('forbidden', { admin: 1, coach: 1, teacher: 1 }))('create_meeting about Sara: %s → %s', async (p, n) =>
      expect(await outcome(() => call(p).tryRpc('create_meeting', { p_pupils: [w.pupil.id], ...fields() }))).toBe(n),
    );

    it('create_meeting refuses a time in the past and another school’s child', async () => {
      expect(
        await outcome(() =>
          call('teacher').tryRpc('create_meeting', { p_pupils: [w.pupil.id], ...fields(), p_starts_at: '2020-01-01T10:00:00Z' }),
        ),
      ).toBe('in_the_past');
      expect(await outcome(() => call('admin').tryRpc('create_meeting', { p_pupils: [w.otherSchoolPupil.id], ...fields() }))).toBe(
        'forbidden',
      );
    });

    it.each(each('forbidden', { parent: 1 }))('request_meeting about Sara: %s → %s', async (p, n) =>
      expect(
        await outcome(() =>
          call(p).tryRpc('request_meeting', { p_pupil: w.pupil.id, p_reason: 'Zorgen over lezen', p_interpreter_lang: 'ar' }),
        ),
      ).toBe(n),
    );

    it.each(each('forbidden', { admin: 1, coach: 1, teacher: 1 }))('plan_meeting (Sara’s): %s → %s', async (p, n) =>
      expect(await outcome(() => call(p).tryRpc('plan_meeting', { p_meeting: saraMeeting, ...fields() }))).toBe(n),
    );

    it('a changed time or place is kept as a change (was, now), never as a new plan; the family sees it', async () => {
      const [before] = await call('teacher').rpc('meeting_detail', { p_meeting: saraMeeting });
      const later = new Date(Date.parse(before!.starts_at!) + 30 * 60_000).toISOString();
      const same = {
        p_meeting: saraMeeting,
        p_kind: 'progress' as const,
        p_minutes: 20,
        p_video_url: null,
        p_attendees: null,
        p_goal: 'Hoe gaat het?',
        p_interpreter_lang: null,
        p_interpreter_mode: null,
        p_interpreter_booked: false,
      };
      const outcomeOf = await call('teacher').tryRpc('plan_meeting', { ...same, p_starts_at: before!.starts_at!, p_place: 'Lokaal 5' });
      expect(outcomeOf).toBe('saved');
      const changed = await db.as(w.personas.teacher).tryAll(async (q) => {
        const [{ outcome: result }] = (await q<{ outcome: string }>(
          `select public.plan_meeting($1, 'progress', $2::timestamptz, 20, 'Gymzaal', null, null, 'Hoe gaat het?', null, null, false) as outcome`,
          [saraMeeting, later],
        )) as [{ outcome: string }];
        const rows = await q<{ was: string; now: string; place: string | null; n: number }>(
          `select (select was_starts_at::text from public.meeting_changes where meeting_id = $1 order by changed_at desc limit 1) as was,
                  (select starts_at::text from public.meeting_changes where meeting_id = $1 order by changed_at desc limit 1) as now,
                  (select was_place from public.meeting_changes where meeting_id = $1 order by changed_at desc limit 1) as place,
                  (select count(*)::int from public.meeting_changes where meeting_id = $1) as n`,
          [saraMeeting],
        );
        return [{ outcome: result, ...rows[0]! }];
      });
      expect(changed[0]).toMatchObject({ outcome: 'changed', place: 'Lokaal 5', n: 2 });
      expect(Date.parse(changed[0]!.was)).toBe(Date.parse(before!.starts_at!));
      expect(Date.parse(changed[0]!.now)).toBe(Date.parse(later));
    });

    it.each(each(0, { admin: 1, coach: 1, teacher: 1, parent: 1, pupil: 1, anon: 'error' }))(
      'meeting_changes select (Sara’s meeting, changed once): %s → %s',
      async (p, n) =>
        expect(await outcome(() => call(p).query('select * from public.meeting_changes where meeting_id = $1', [saraMeeting]))).toBe(n),
    );

    it.each(each('error'))('meeting_changes written directly (insert, update, delete): %s → %s', async (p, n) => {
      expect(await write(p, `insert into public.meeting_changes (meeting_id, was_starts_at) values ($1, now())`, [saraMeeting])).toBe(n);
      expect(await write(p, 'update public.meeting_changes set place = null where meeting_id = $1', [saraMeeting])).toBe(n);
      expect(await write(p, 'delete from public.meeting_changes where meeting_id = $1', [saraMeeting])).toBe(n);
    });

    it('an interpreter: staff plan one (language, by phone); a parent asks in the request itself; the school sees which still need one', async () => {
      const id = await call('teacher').tryRpc('create_meeting', {
        p_pupils: [w.pupil.id],
        ...fields(),
        p_interpreter_lang: 'ti',
        p_interpreter_mode: 'phone',
        p_interpreter_booked: false,
      });
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      const rows = await db.as(w.personas.teacher).tryAll(async (q) => {
        const [m] = await q<{ id: string }>(
          `select public.create_meeting(array[$1::uuid], 'progress', now() + interval '3 days', 20, null, null, null, null, 'ti', 'phone', false) as id`,
          [w.pupil.id],
        );
        return q<{ lang: string; mode: string; needed: boolean }>(
          `select d.interpreter_lang as lang, d.interpreter_mode as mode,
                  (select mm.interpreter_needed from public.my_meetings(null) mm where mm.meeting_id = $1) as needed
           from public.meeting_detail($1) d`,
          [m!.id],
        );
      });
      expect(rows[0]).toEqual({ lang: 'ti', mode: 'phone', needed: true });
      const asked = await db.as(w.personas.parent).tryAll(async (q) => {
        const [m] = await q<{ id: string }>(`select public.request_meeting($1, 'Over lezen', 'ar') as id`, [w.pupil.id]);
        return q<{ interpreter: string }>('select p.interpreter from public.meeting_people p where p.meeting_id = $1 and p.user_id = $2', [
          m!.id,
          w.parent.id,
        ]);
      });
      expect(asked).toEqual([{ interpreter: 'ar' }]);
      expect(
        await outcome(() =>
          call('parent').tryRpc('request_meeting', { p_pupil: w.pupil.id, p_reason: 'x', p_interpreter_lang: 'Arabisch' as 'ar' }),
        ),
      ).toBe('invalid');
    });

    it.each(each('forbidden', { admin: 1, coach: 1, teacher: 1 }))('cancel_meeting (Sara’s): %s → %s', async (p, n) =>
      expect(await outcome(() => call(p).tryRpc('cancel_meeting', { p_meeting: saraMeeting }))).toBe(n),
    );

    it.each(
      each(0, { admin: 3, coach: 3, teacher: 2, otherTeacher: 1, parent: 2, otherParent: 1, pupil: 2, otherPupil: 1, anon: 'forbidden' }),
    )('my_meetings (all classes): %s → %s', async (p, n) =>
      expect(await outcome(() => call(p).rpc('my_meetings', { p_class: null }))).toBe(n),
    );

    it.each(each(0, { admin: 1, coach: 1, teacher: 1, parent: 1, pupil: 1, anon: 'forbidden' }))(
      'meeting_detail (Sara’s): %s → %s',
      async (p, n) => expect(await outcome(() => call(p).rpc('meeting_detail', { p_meeting: saraMeeting }))).toBe(n),
    );

    it.each(each('forbidden', { parent: 1 }))('set_my_meeting_wishes (Sara’s): %s → %s', async (p, n) =>
      expect(
        await outcome(() => call(p).tryRpc('set_my_meeting_wishes', { p_meeting: saraMeeting, p_interpreter: 'ar', p_companion: null })),
      ).toBe(n),
    );
  });

  describe('preparing: private until shared', () => {
    it.each(each('forbidden', { parent: 1 }))('save_my_preparation (Sara’s meeting): %s → %s', async (p, n) =>
      expect(await outcome(() => call(p).tryRpc('save_my_preparation', { p_meeting: saraMeeting, p_answers: {}, p_step: 1 }))).toBe(n),
    );

    it.each(each('forbidden', { parent: 1 }))('save_my_preparation_topic (Sara’s meeting): %s → %s', async (p, n) =>
      expect(
        await outcome(() =>
          call(p).tryRpc('save_my_preparation_topic', {
            p_meeting: saraMeeting,
            p_topic: 'strengths',
            p_choices: [],
            p_text: '',
            p_lang: 'nl',
            p_step: 1,
          }),
        ),
      ).toBe(n),
    );

    it('one screen is merged into what is saved, in the database: other screens stay, an emptied screen goes, a wrong one is refused', async () => {
      // Two screens saved one after the other in one transaction, then the stored answers.
      const afterTwo = (second: [string, string[], string]) =>
        call('parent').tryAll(async (q) => {
          const save = (t: string, c: string[], x: string, l: string) =>
            q('select public.save_my_preparation_topic($1, $2, $3, $4, $5, 1)', [saraMeeting, t, c, x, l]);
          await save('strengths', ['reading', 'kind', 'reading'], 'thuis leest ze veel', 'nl');
          await save(...second, 'ar');
          return (await q<{ answers: Record<string, unknown> }>('select answers from public.my_preparation($1)', [saraMeeting]))[0]
            ?.answers;
        });
      // Another screen keeps what the first saved (its choices once each, in the order given).
      expect(await afterTwo(['other', [], '  over de overstap\r\n naar groep 5  '])).toEqual({
        strengths: { choices: ['reading', 'kind'], text: 'thuis leest ze veel', lang: 'nl' },
        other: { choices: [], text: 'over de overstap\n naar groep 5', lang: 'ar' },
      });
      // Emptying a screen takes it out.
      expect(await afterTwo(['strengths', [], '   '])).toEqual({});
      // An unknown topic, a choice the topic does not offer, text too long: refused.
      for (const [p_topic, p_choices, p_text] of [
        ['homework', [], 'x'],
        ['strengths', ['homework'], ''],
        ['other', [], 'x'.repeat(1001)],
      ] as Array<[string, string[], string]>) {
        expect(
          await outcome(() =>
            call('parent').tryRpc('save_my_preparation_topic', {
              p_meeting: saraMeeting,
              p_topic,
              p_choices,
              p_text,
              p_lang: 'nl',
              p_step: 1,
            }),
          ),
        ).toBe('invalid');
      }
    });

    it.each(each('forbidden', { parent: 1 }))('share_my_preparation (Sara’s meeting): %s → %s', async (p, n) =>
      expect(await outcome(() => call(p).tryRpc('share_my_preparation', { p_meeting: saraMeeting, p_share: false }))).toBe(
        p === 'parent' ? 0 : n,
      ),
    );

    it('a past meeting cannot be prepared for; unknown choices and over-long text are refused', async () => {
      expect(await outcome(() => call('parent').tryRpc('save_my_preparation', { p_meeting: pastMeeting, p_answers: {}, p_step: 0 }))).toBe(
        'meeting_started',
      );
      expect(
        await outcome(() =>
          call('parent').tryRpc('save_my_preparation', {
            p_meeting: saraMeeting,
            p_answers: { strengths: { choices: ['homework'] } },
            p_step: 0,
          }),
        ),
      ).toBe('invalid');
      expect(
        await outcome(() =>
          call('parent').tryRpc('save_my_preparation', {
            p_meeting: saraMeeting,
            p_answers: { other: { text: 'x'.repeat(1001) } },
            p_step: 0,
          }),
        ),
      ).toBe('invalid');
      expect(
        await outcome(() =>
          call('parent').tryRpc('save_my_preparation', {
            p_meeting: saraMeeting,
            p_answers: { other: { text: 'regel 1\nregel 2'.padEnd(1000, '.') } },
            p_step: 0,
          }),
        ),
      ).toBe(1);
    });

    it.each(each(0, { parent: 1, otherParent: 0, anon: 'forbidden' }))('my_preparation (Sara’s meeting): %s → %s', async (p, n) =>
      expect(await outcome(() => call(p).rpc('my_preparation', { p_meeting: saraMeeting }))).toBe(n),
    );

    it.each(each(0, { admin: 1, coach: 1, teacher: 1, parent: 1, anon: 'forbidden' }))(
      'meeting_preparations (Sara’s, shared): %s → %s',
      async (p, n) => expect(await outcome(() => call(p).rpc('meeting_preparations', { p_meeting: saraMeeting }))).toBe(n),
    );

    it.each(each(0, { anon: 'forbidden' }))('meeting_preparations (Daan’s, not shared): nobody at school sees it: %s → %s', async (p, n) =>
      expect(await outcome(() => call(p).rpc('meeting_preparations', { p_meeting: daanMeeting }))).toBe(n),
    );

    // Issue 18: a shared preparation reaches staff only through meeting_preparations(), which logs;
    // selected directly (a token and the anon key), only its author sees it. Before: staff 1.
    it.each(each(0, { parent: 1, anon: 'error' }))('preparations table, Sara’s shared preparation, directly: %s → %s', async (p, n) =>
      expect(await outcome(() => call(p).query('select * from public.preparations where meeting_id = $1', [saraMeeting]))).toBe(n),
    );

    it.each(each(0, { otherParent: 1, anon: 'error' }))('preparations table, Daan’s unshared preparation: %s → %s', async (p, n) =>
      expect(await outcome(() => call(p).query('select * from public.preparations where meeting_id = $1', [daanMeeting]))).toBe(n),
    );

    it.each(each('forbidden', { pupil: 1 }))('save_my_pupil_preparation (Sara’s meeting): %s → %s', async (p, n) =>
      expect(
        await outcome(() =>
          call(p).tryRpc('save_my_pupil_preparation', {
            p_meeting: saraMeeting,
            p_answers: { hard: ['numbers'] },
            p_words: null,
            p_consent: true,
          }),
        ),
      ).toBe(n),
    );

    it.each(each(0, { pupil: 2, otherPupil: 1, anon: 'forbidden' }))(
      'my_pupil_meetings (upcoming and of the last two weeks): %s → %s',
      async (p, n) => expect(await outcome(() => call(p).rpc('my_pupil_meetings', {}))).toBe(n),
    );

    it.each(each(0, { admin: 1, coach: 1, teacher: 1, parent: 1, pupil: 1, anon: 'forbidden' }))(
      'meeting_pupil_preparations (Sara’s): %s → %s',
      async (p, n) => expect(await outcome(() => call(p).rpc('meeting_pupil_preparations', { p_meeting: saraMeeting }))).toBe(n),
    );

    // Issue 18: staff read a child's part only through meeting_pupil_preparations(), which logs;
    // selected directly (a token and the anon key), only the child and their parents see it.
    // Before: staff 1.
    it.each(each(0, { parent: 1, pupil: 1, anon: 'error' }))('pupil_preparations table, Sara’s part, directly: %s → %s', async (p, n) =>
      expect(await outcome(() => call(p).query('select * from public.pupil_preparations where meeting_id = $1', [saraMeeting]))).toBe(n),
    );
  });

  describe('agreements and feedback', () => {
    it.each(each('forbidden', { admin: 1, coach: 1, teacher: 1 }))('add_agreement: %s → %s', async (p, n) =>
      expect(
        await outcome(() =>
          call(p).tryRpc('add_agreement', {
            p_meeting: pastMeeting,
            p_text: 'Elke dag lezen',
            p_who: null,
            p_due_on: null,
            p_evaluate_on: '2027-01-15',
          }),
        ),
      ).toBe(n),
    );
    it.each(each('forbidden', { admin: 1, coach: 1, teacher: 1 }))('delete_agreement: %s → %s', async (p, n) =>
      expect(await outcome(() => call(p).tryRpc('delete_agreement', { p_agreement: agreement }))).toBe(n),
    );
    it.each(each(0, { admin: 1, coach: 1, teacher: 1, parent: 1, anon: 'forbidden' }))('meeting_agreements: %s → %s', async (p, n) =>
      expect(await outcome(() => call(p).rpc('meeting_agreements', { p_meeting: pastMeeting }))).toBe(n),
    );

    const feedback = {
      p_top: 'Fijn',
      p_tip: null,
      p_seen: 'yes' as const,
      p_heard: 'partly' as const,
      p_valued: 'yes' as const,
      p_anonymous: false,
    };
    it.each(each('forbidden', { parent: 1, pupil: 1 }))('give_meeting_feedback (past meeting about Sara): %s → %s', async (p, n) =>
      expect(await outcome(() => call(p).tryRpc('give_meeting_feedback', { p_meeting: pastMeeting, ...feedback }))).toBe(n),
    );
    it('no feedback before the meeting', async () => {
      expect(await outcome(() => call('parent').tryRpc('give_meeting_feedback', { p_meeting: saraMeeting, ...feedback }))).toBe('not_yet');
    });
    it.each(each(0, { parent: 1, anon: 'forbidden' }))('my_meeting_feedback: %s → %s', async (p, n) =>
      expect(await outcome(() => call(p).rpc('my_meeting_feedback', { p_meeting: pastMeeting }))).toBe(n),
    );
    it.each(each('forbidden', { admin: 0, coach: 0, teacher: 0 }))(
      'meeting_feedback (staff; the meeting’s only feedback is anonymous, so nothing): %s → %s',
      async (p, n) => expect(await outcome(() => call(p).rpc('meeting_feedback', { p_meeting: pastMeeting }))).toBe(n),
    );
    it('meeting_feedback: anonymous feedback is never on the meeting’s own page, not its name, its words nor its answers', async () => {
      // Issue 18 (M3): before, the page showed "Anonymous (parent)" with the words next to the
      // meeting's one invited parent.
      for (const p of ['teacher', 'coach', 'admin'] as const) {
        expect(await call(p).rpc('meeting_feedback', { p_meeting: pastMeeting })).toEqual([]);
      }
    });
    it.each(each(0, { parent: 1, anon: 'error' }))('meeting_feedback table: %s → %s', async (p, n) =>
      expect(await outcome(() => call(p).query('select * from public.meeting_feedback where meeting_id = $1', [pastMeeting]))).toBe(n),
    );
    it.each(each('forbidden', { admin: 0, coach: 0 }))('school_feedback_overview (named only; none yet): %s → %s', async (p, n) =>
      expect(await outcome(() => call(p).rpc('school_feedback_overview', { p_school: w.school.id }))).toBe(n),
    );
    it.each(each('forbidden', { admin: 0, coach: 0 }))('school_feedback_totals (named only; none yet): %s → %s', async (p, n) =>
      expect(await outcome(() => call(p).rpc('school_feedback_totals', { p_school: w.school.id }))).toBe(n),
    );
    it.each(each('forbidden', { admin: 0, coach: 0 }))('school_anonymous_feedback: %s → %s', async (p, n) =>
      expect(await outcome(() => call(p).rpc('school_anonymous_feedback', { p_school: w.school.id }))).toBe(n),
    );

    const newUser = async (sql: Sql) => {
      const [u] = await sql.query<{ id: string }>(
        `insert into auth.users (id, email) values (gen_random_uuid(), 'fb-' || gen_random_uuid() || '@test.example') returning id`,
      );
      return u!.id;
    };
    it('school_feedback_overview counts named feedback only and hides a group of fewer than 5 answers, parts included', async () => {
      // Only the anonymous answer so far: the staff member's month is not there at all (counting it
      // would let named rows on the meeting page be subtracted from the total).
      expect(await call('coach').rpc('school_feedback_overview', { p_school: w.school.id })).toEqual([]);
      const named = async (n: number) =>
        db.owner.transaction(async (sql) => {
          for (let i = 0; i < n; i++) {
            await sql.query(
              `insert into public.meeting_feedback (meeting_id, author_id, role, seen, heard, valued) values ($1, $2, 'parent', 'yes', 'no', 'partly')`,
              [pastMeeting, await newUser(sql)],
            );
          }
        });
      await named(4);
      const [row] = await call('coach').rpc('school_feedback_overview', { p_school: w.school.id });
      expect(row).toMatchObject({ answers: null, seen_yes: null, valued_partly: null });
      await named(1);
      const [five] = await call('admin').rpc('school_feedback_overview', { p_school: w.school.id });
      expect(five).toMatchObject({ answers: 5, seen_yes: 5, heard_yes: 0, heard_no: 5, valued_partly: 5, valued_yes: 0 });
    });

    it('school_feedback_totals shows the school per month and in all, never a small group by subtraction (walk)', async () => {
      // Five named answers on the teacher's past meeting (the test above): her row is shown, and
      // so are the school's month and all months together.
      const month = (await call('coach').rpc('school_feedback_overview', { p_school: w.school.id }))[0]!.month;
      const totals = () => call('coach').rpc('school_feedback_totals', { p_school: w.school.id });
      expect(await totals()).toEqual([
        expect.objectContaining({ month: null, hidden: null, answers: 5, heard_no: 5 }),
        expect.objectContaining({ month, hidden: null, answers: 5, seen_yes: 5, valued_partly: 5 }),
      ]);
      // A meeting of the coach's own in the same month, with one answer: her row is "fewer than
      // 5", so a school total of 6 would give her 1 by subtraction. Both totals are withheld, no numbers.
      const coachMeeting = await db.as(w.personas.teacher).rpc('create_meeting', {
        p_pupils: [w.pupil.id],
        p_starts_at: NEXT_WEEK(),
        p_kind: 'progress',
        p_minutes: 20,
        p_place: null,
        p_video_url: null,
        p_attendees: null,
        p_goal: null,
        p_interpreter_lang: null,
        p_interpreter_mode: null,
        p_interpreter_booked: false,
      });
      const answer = (n: number) =>
        db.owner.transaction(async (sql) => {
          for (let i = 0; i < n; i++) {
            await sql.query(
              `insert into public.meeting_feedback (meeting_id, author_id, role, seen, heard, valued) values ($1, $2, 'parent', 'no', 'no', 'no')`,
              [coachMeeting, await newUser(sql)],
            );
          }
        });
      await db.owner.transaction(async (sql) => {
        await sql.query(`update public.meetings set starts_at = (select starts_at from public.meetings where id = $2) where id = $1`, [
          coachMeeting,
          pastMeeting,
        ]);
        await sql.query(`update public.meeting_people set user_id = $2 where meeting_id = $1 and role = 'staff'`, [
          coachMeeting,
          w.coach.id,
        ]);
      });
      await answer(1);
      const withheld = await totals();
      expect(withheld).toEqual([
        expect.objectContaining({ month: null, hidden: 'would_reveal', answers: null, seen_no: null }),
        expect.objectContaining({ month, hidden: 'would_reveal', answers: null, seen_yes: null }),
      ]);
      // Four more: her row is shown (5), and the totals are back: 10 answers.
      await answer(4);
      expect(await totals()).toEqual([
        expect.objectContaining({ month: null, hidden: null, answers: 10, seen_no: 5, seen_yes: 5 }),
        expect.objectContaining({ month, hidden: null, answers: 10 }),
      ]);
      await db.owner.transaction((sql) => sql.query(`delete from public.meetings where id = $1`, [coachMeeting]));
    });

    it('school_anonymous_feedback pools a month that is over, only from 5 meetings on, with no meeting, date or author', async () => {
      // This month's anonymous answer is not shown: the pool may still grow, and a new line would
      // point at the meeting just held.
      expect(await call('coach').rpc('school_anonymous_feedback', { p_school: w.school.id })).toEqual([]);
      const lastMonth = `date_trunc('month', now()) - interval '10 days'`;
      await db.owner.transaction((sql) =>
        sql.query(`update public.meeting_feedback set created_at = ${lastMonth} where meeting_id = $1 and anonymous`, [pastMeeting]),
      );
      const anonymousIn = async (n: number) => {
        for (let i = 0; i < n; i++) {
          const id = await db.as(w.personas.teacher).rpc('create_meeting', {
            p_pupils: [w.pupil.id],
            p_starts_at: NEXT_WEEK(),
            p_kind: 'progress',
            p_minutes: 20,
            p_place: null,
            p_video_url: null,
            p_attendees: null,
            p_goal: null,
            p_interpreter_lang: null,
            p_interpreter_mode: null,
            p_interpreter_booked: false,
          });
          await db.owner.transaction(async (sql) => {
            await sql.query(`update public.meetings set starts_at = ${lastMonth} - interval '1 day' where id = $1`, [id]);
            await sql.query(
              `insert into public.meeting_feedback (meeting_id, author_id, role, anonymous, seen, tip, created_at)
               values ($1, $2, 'parent', true, 'no', 'Meer tijd', ${lastMonth})`,
              [id, await newUser(sql)],
            );
          });
        }
      };
      // Four meetings: the month is there, but nothing of it.
      await anonymousIn(3);
      const [few] = await call('admin').rpc('school_anonymous_feedback', { p_school: w.school.id });
      expect(few).toMatchObject({ meetings: null, answers: null, seen_yes: null, seen_no: null, words: null });
      // Five meetings: the counts and the words, pooled.
      await anonymousIn(1);
      const [pool] = await call('coach').rpc('school_anonymous_feedback', { p_school: w.school.id });
      expect(pool).toMatchObject({ meetings: 5, answers: 5, seen_yes: 1, seen_no: 4, heard_yes: 1, valued_partly: 1 });
      expect(pool!.words).toHaveLength(5);
      expect(pool!.words).toContainEqual({ top: 'Goed geluisterd', tip: null });
      expect(Object.keys(pool!)).not.toContain('meeting_id');
      // Still nothing on any meeting's own page, and the named overview is unchanged by it.
      expect(await call('teacher').rpc('meeting_feedback', { p_meeting: pastMeeting })).not.toContainEqual(
        expect.objectContaining({ top: 'Goed geluisterd' }),
      );
    });
  });

  describe('meeting rounds with time slots', () => {
    it.each(each('forbidden', { admin: 1, coach: 1, teacher: 1 }))('publish_slot_round: %s → %s', async (p, n) =>
      expect(
        await outcome(() =>
          call(p).tryRpc('publish_slot_round', {
            p_class: w.klass.id,
            p_title: 'Extra',
            p_deadline: new Date(Date.now() + 86_400_000).toISOString(),
            p_slots: [{ starts_at: NEXT_WEEK(), minutes: 10, teacher: w.teacher.id }],
          }),
        ),
      ).toBe(n),
    );
    const day = (n: number) => schoolToday(new Date(Date.now() + n * 86_400_000));
    it.each(each('forbidden', { admin: 1, coach: 1, teacher: 1 }))('update_slot_round: %s → %s', async (p, n) =>
      expect(
        await outcome(() =>
          call(p).tryRpc('update_slot_round', {
            p_round: round,
            p_title: 'Rapportgesprekken maart',
            p_deadline: new Date(Date.now() + 3 * 86_400_000).toISOString(),
          }),
        ),
      ).toBe(n),
    );
    it('update_slot_round keeps the deadline before the first time', async () => {
      expect(
        await outcome(() =>
          call('teacher').tryRpc('update_slot_round', {
            p_round: round,
            p_title: 'Later',
            p_deadline: new Date(Date.now() + 20 * 86_400_000).toISOString(),
          }),
        ),
      ).toBe('invalid');
    });
    it.each(each('forbidden', { admin: 1, coach: 1, teacher: 1 }))('add_round_day: %s → %s', async (p, n) =>
      expect(await outcome(() => call(p).tryRpc('add_round_day', { p_round: round, p_day: day(9) }))).toBe(n),
    );
    it('add_round_day gives the new day the first day’s times, at the same wall-clock times; never a day before the deadline', async () => {
      const added = await call('teacher').tryAll(async (q) => {
        const [{ n }] = (await q<{ n: number }>('select public.add_round_day($1, $2::date) as n', [round, day(9)])) as [{ n: number }];
        const times = await q<{ t: string }>(
          `select to_char(starts_at at time zone 'Europe/Amsterdam', 'YYYY-MM-DD HH24:MI') as t from public.slots where round_id = $1 order by starts_at`,
          [round],
        );
        return { n, times: times.map((r) => r.t) };
      });
      expect(added.n).toBe(3);
      const firstDay = added.times.slice(0, 3).map((x) => x.slice(11));
      expect(added.times.slice(3).map((x) => x.slice(11))).toEqual(firstDay);
      expect(added.times.slice(3).every((x) => x.startsWith(day(9)))).toBe(true);
      expect(await outcome(() => call('teacher').tryRpc('add_round_day', { p_round: round, p_day: day(1) }))).toBe('invalid');
    });
    it.each(each('forbidden', { admin: 1, coach: 1, teacher: 1 }))('remove_slot_round: %s → %s', async (p, n) =>
      expect(await outcome(() => call(p).tryRpc('remove_slot_round', { p_round: round }))).toBe(n),
    );
    it.each(each(0, { admin: 1, coach: 1, teacher: 1, parent: 1, pupil: 1, anon: 'forbidden' }))(
      'slot_rounds_for (all): %s → %s',
      async (p, n) => expect(await outcome(() => call(p).rpc('slot_rounds_for', { p_class: null }))).toBe(n),
    );
    it.each(each('forbidden', { admin: 3, coach: 3, teacher: 3, parent: 3, pupil: 3 }))('round_slots: %s → %s', async (p, n) =>
      expect(await outcome(() => call(p).rpc('round_slots', { p_round: round }))).toBe(n),
    );
    it.each(each('forbidden', { parent: 1 }))('book_slot for Sara: %s → %s', async (p, n) =>
      expect(await outcome(() => call(p).tryRpc('book_slot', { p_slot: freeSlot, p_pupil: w.pupil.id }))).toBe(n),
    );
    it('a booking is a meeting the parent can prepare; moving it moves the meeting; another family sees only "taken"', async () => {
      const meeting = await call('parent').rpc('book_slot', { p_slot: freeSlot, p_pupil: w.pupil.id });
      expect(meeting).toMatch(/^[0-9a-f-]{36}$/);
      const moved = await call('parent').rpc('book_slot', { p_slot: otherSlot, p_pupil: w.pupil.id });
      expect(moved).toBe(meeting);
      const seenByParent = await call('parent').rpc('round_slots', { p_round: round });
      expect(seenByParent.find((s) => s.slot_id === otherSlot)).toMatchObject({ taken: true, first_name: 'Sara' });
      expect(seenByParent.find((s) => s.slot_id === freeSlot)).toMatchObject({ taken: false });
      expect((await call('parent').rpc('my_preparation', { p_meeting: meeting! })).length).toBe(0);
      await call('parent').rpc('save_my_preparation', { p_meeting: meeting!, p_answers: {}, p_step: 0 });
    });
    it('two parents pressing at the same moment: one gets the slot, the other is told it is taken', async () => {
      // A second child in Sara's class, with another parent.
      const [rival] = await db.owner.transaction((sql) =>
        sql.query<{ id: string }>(`insert into public.pupils (school_id, class_id, first_name) values ($1, $2, 'Noor') returning id`, [
          w.school.id,
          w.klass.id,
        ]),
      );
      await db.owner.transaction((sql) =>
        sql.query('insert into public.guardian_links (school_id, pupil_id, parent_user_id) values ($1, $2, $3)', [
          w.school.id,
          rival!.id,
          w.otherParent.id,
        ]),
      );
      const slots = await call('teacher').rpc('round_slots', { p_round: round });
      const target = slots.find((s) => !s.taken)!.slot_id;
      const results = await Promise.allSettled([
        call('parent').rpc('book_slot', { p_slot: target, p_pupil: w.pupil.id }),
        call('otherParent').rpc('book_slot', { p_slot: target, p_pupil: rival!.id }),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason.code)).toEqual(['slot_taken']);
      const after = await call('teacher').rpc('round_slots', { p_round: round });
      expect(after.filter((s) => s.slot_id === target && s.taken)).toHaveLength(1);
    });
    it('removing a round cancels the meetings its bookings made that have not taken place', async () => {
      const [sara] = (await call('parent').rpc('round_slots', { p_round: round })).filter((s) => s.pupil_id === w.pupil.id);
      const booked = (await call('parent').rpc('my_meetings', { p_class: null })).find((m) => m.starts_at === sara!.starts_at)!;
      const [rows] = await db.as(w.personas.teacher).tryAll(async (q) => {
        const [{ cancelled }] = (await q<{ cancelled: number }>('select public.remove_slot_round($1) as cancelled', [round])) as [
          { cancelled: number },
        ];
        const [after] = await q<{ status: string; left: number }>(
          `select (select m.status from public.meetings m where m.id = $2) as status,
                  (select count(*)::int from public.slot_rounds r where r.id = $1) as left`,
          [round, booked.meeting_id],
        );
        return [{ cancelled, ...after! }];
      });
      expect(rows).toMatchObject({ status: 'cancelled', left: 0 });
      expect(rows!.cancelled).toBeGreaterThanOrEqual(1);
    });
  });

  it.each(each('forbidden'))('meeting_mail_recipients is for the server only: %s → %s', async (p, n) =>
    expect(await outcome(() => call(p).rpc('meeting_mail_recipients', { p_meeting: saraMeeting }))).toBe(n),
  );

  it('meeting_mail_recipients gives the server the invited parents’ addresses and languages, nobody else’s', async () => {
    const rows = await db.as(SERVICE).rpc('meeting_mail_recipients', { p_meeting: saraMeeting });
    expect(rows.map((r) => r.email)).toEqual([w.parent.email]);
  });

  describe('tables, written directly (as PostgREST would allow): nobody', () => {
    const NOBODY = each('error');
    it.each(NOBODY)('meetings insert and update: %s → %s', async (p, n) => {
      expect(await write(p, `insert into public.meetings (school_id, kind, status) values ($1, 'other', 'requested')`, [w.school.id])).toBe(
        n,
      );
      expect(await write(p, `update public.meetings set goal = 'x' where id = $1`, [saraMeeting])).toBe(n);
    });
    it.each(NOBODY)('preparations: sharing someone else’s, or one’s own directly: %s → %s', async (p, n) =>
      expect(await write(p, 'update public.preparations set shared_at = now() where meeting_id = $1', [daanMeeting])).toBe(n),
    );
    it.each(NOBODY)('meeting_feedback insert: %s → %s', async (p, n) =>
      expect(
        await write(p, `insert into public.meeting_feedback (meeting_id, author_id, role, seen) values ($1, $2, 'parent', 'no')`, [
          pastMeeting,
          w.otherParent.id,
        ]),
      ).toBe(n),
    );
    it.each(NOBODY)('slots update (taking a booked slot): %s → %s', async (p, n) =>
      expect(await write(p, 'update public.slots set pupil_id = $2 where id = $1', [otherSlot, w.otherPupil.id])).toBe(n),
    );
    it.each(NOBODY)('meeting_people insert (inviting oneself): %s → %s', async (p, n) =>
      expect(
        await write(p, `insert into public.meeting_people (meeting_id, user_id, role) values ($1, $2, 'parent')`, [
          saraMeeting,
          w.otherParent.id,
        ]),
      ).toBe(n),
    );
    it.each(each(0, { anon: 'error', admin: 1, coach: 1, teacher: 1, parent: 1, pupil: 1 }))(
      'meetings select (Sara’s): %s → %s',
      async (p, n) => expect(await outcome(() => call(p).query('select * from public.meetings where id = $1', [saraMeeting]))).toBe(n),
    );
    it.each(each(0, { anon: 'error', admin: 1, coach: 1, teacher: 1, parent: 1 }))('agreements select: %s → %s', async (p, n) =>
      expect(await outcome(() => call(p).query('select * from public.agreements where meeting_id = $1', [pastMeeting]))).toBe(n),
    );
  });
});
