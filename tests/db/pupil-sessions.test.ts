import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVICE } from '~/server/embedded/rpc.ts';
import { buildGuardianLink, buildPupil, buildUser, buildWorld, PERSONAS, type PersonaName, type World } from '../factories/index.ts';
import { DATABASES, outcome, type Outcome, type TestDb } from './harness.ts';

/**
 * Pupil sessions end when the child walks away (issue 18, M5 and L2;
 * …_class_mode_sign_in.sql): an idle limit the school sets within bounds, and a
 * pupil marked as left loses every session at once, stops being themselves in any policy, and
 * what was planned for them is released (a round's time) or undone (a meeting about them).
 */

const table = (t: Partial<Record<PersonaName, Outcome>>) => PERSONAS.map((p) => [p, t[p] ?? 'TBD'] as const);

describe.each(DATABASES)('pupil sessions on %s', (_label, open) => {
  let db: TestDb;
  let w: World;

  beforeAll(async () => {
    db = await open();
    w = await buildWorld(db.owner);
  }, 60_000);
  afterAll(() => db?.close());

  const call = (p: PersonaName) => db.as(w.personas[p]);
  const service = () => db.as(SERVICE);
  const owner = <T extends Record<string, unknown>>(q: string, args: unknown[] = []) =>
    db.owner.transaction((sql) => sql.query<T>(q, args));
  const alive = (user: string) => service().rpc('pupil_session_alive', { p_user: user });
  /** The pupil's last request, so many minutes ago (the clock is the database's). */
  const lastSeen = (pupil: string, minutesAgo: number) =>
    owner(`update private.pupil_presence set last_seen_at = now() - make_interval(mins => $2) where pupil_id = $1`, [pupil, minutesAgo]);

  describe('the idle limit', () => {
    it('a session lives while the pupil makes requests, and ends after the school’s idle minutes', async () => {
      const kid = await buildPupil(db.owner, w.school.id, w.klass.id, { withUser: true });
      // Never started through class mode: no.
      expect(await alive(kid.user!.id)).toBe(false);
      await service().rpc('pupil_session_started', { p_pupil: kid.id });
      expect(await alive(kid.user!.id)).toBe(true);
      // Four minutes quiet (the default limit is 5): still them; each request moves the clock on.
      await lastSeen(kid.id, 4);
      expect(await alive(kid.user!.id)).toBe(true);
      await lastSeen(kid.id, 4);
      expect(await alive(kid.user!.id)).toBe(true);
      // Six minutes quiet: the session ends, and stays ended.
      await lastSeen(kid.id, 6);
      expect(await alive(kid.user!.id)).toBe(false);
      expect(await alive(kid.user!.id)).toBe(false);
      // The school allows 10 minutes: six quiet minutes are fine then.
      await call('admin').rpc('update_pupil_idle_minutes', { p_school: w.school.id, p_minutes: 10 });
      await service().rpc('pupil_session_started', { p_pupil: kid.id });
      await lastSeen(kid.id, 6);
      expect(await alive(kid.user!.id)).toBe(true);
      await call('admin').rpc('update_pupil_idle_minutes', { p_school: w.school.id, p_minutes: 5 });
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
        anon: 'forbidden',
      }),
    )('update_pupil_idle_minutes: %s → %s', async (p, n) => {
      expect(await outcome(() => call(p).tryRpc('update_pupil_idle_minutes', { p_school: w.school.id, p_minutes: 7 }))).toBe(n);
    });

    it('the limit stays within 2 and 15 minutes, also for a call that skips the form', async () => {
      for (const minutes of [1, 16, 600]) {
        await expect(
          call('admin').tryQuery('select * from public.update_pupil_idle_minutes($1, $2)', [w.school.id, minutes]),
          String(minutes),
        ).rejects.toThrow(/pupil_idle_minutes/);
      }
      expect(await outcome(() => call('admin').tryQuery('select * from public.update_pupil_idle_minutes($1, 2)', [w.school.id]))).toBe(1);
    });

    it.each(PERSONAS)('%s cannot ask for or start a pupil’s session (server only)', async (p) => {
      // 'error': permission denied (42501).
      expect(await outcome(() => call(p).tryQuery('select public.pupil_session_alive($1)', [w.pupil.user!.id]))).toBe('error');
      expect(await outcome(() => call(p).tryQuery('select public.pupil_session_started($1)', [w.pupil.id]))).toBe('error');
      expect(await outcome(() => call(p).tryQuery('select * from private.pupil_presence'))).toBe('error');
    });
  });

  describe('a pupil marked as left', () => {
    it('loses every session at once and is no longer themselves anywhere', async () => {
      const kid = await buildPupil(db.owner, w.school.id, w.klass.id, { withUser: true });
      await service().rpc('pupil_session_started', { p_pupil: kid.id });
      expect(await alive(kid.user!.id)).toBe(true);
      const asKid = db.as(kid.user!.claims);
      const [round] = await owner<{ id: string }>(
        `insert into public.need_rounds (school_id, class_id, opened_by, opened_at) values ($1, $2, $3, now()) returning id`,
        [w.school.id, w.klass.id, w.teacher.id],
      );
      const write = (words: string) =>
        outcome(() => asKid.tryRpc('save_my_words', { p_round: round!.id, p_kind: 'needs', p_words: words }));
      expect(await write('voor ik wegga')).not.toBe('forbidden');

      await call('admin').rpc('set_pupil_left', { p_pupil: kid.id, p_left: true });
      expect(await alive(kid.user!.id)).toBe(false);
      // Even a request that skips the server (a token kept from before) is nobody's now (L2).
      expect(await write('na het weggaan')).toBe('forbidden');
      await owner(`delete from public.need_rounds where id = $1`, [round!.id]);
      // Back in the class: a new sign-in is needed (the old session does not come back).
      await call('admin').rpc('set_pupil_left', { p_pupil: kid.id, p_left: false });
      expect(await alive(kid.user!.id)).toBe(false);
    });

    it('their future time in a meeting round is free again, and the meetings about them are undone', async () => {
      const zofia = await buildPupil(db.owner, w.school.id, w.klass.id, { firstName: 'Zofia' });
      const emma = await buildPupil(db.owner, w.school.id, w.klass.id, { firstName: 'Emma' });
      const mother = await buildUser(db.owner, { name: 'Katarzyna' });
      await owner(`insert into public.memberships (school_id, user_id, role) values ($1, $2, 'parent')`, [w.school.id, mother.id]);
      await buildGuardianLink(db.owner, w.school.id, zofia.id, mother.id);
      await buildGuardianLink(db.owner, w.school.id, emma.id, w.otherParent.id);

      // A round with two times; Zofia's mother books the first, one earlier time was already held.
      const [round] = await owner<{ id: string }>(
        `insert into public.slot_rounds (school_id, class_id, title, deadline, created_by)
         values ($1, $2, 'Rapportgesprekken', now() + interval '5 days', $3) returning id`,
        [w.school.id, w.klass.id, w.teacher.id],
      );
      const [slot] = await owner<{ id: string }>(
        `insert into public.slots (round_id, starts_at, minutes, teacher_id) values ($1, now() + interval '7 days', 15, $2) returning id`,
        [round!.id, w.teacher.id],
      );
      const booked = await db.as(mother.claims).rpc('book_slot', { p_slot: slot!.id, p_pupil: zofia.id });
      // A planned meeting about Zofia alone, one about Zofia and Emma, and one already held.
      const meeting = async (pupils: string[], when: string) => {
        const [m] = await owner<{ id: string }>(
          `insert into public.meetings (school_id, kind, status, starts_at, minutes, created_by)
           values ($1, 'progress', 'planned', now() + $2::interval, 20, $3) returning id`,
          [w.school.id, when, w.teacher.id],
        );
        for (const p of pupils)
          await owner(`insert into public.meeting_pupils (meeting_id, pupil_id, class_id) values ($1, $2, $3)`, [m!.id, p, w.klass.id]);
        await owner(`insert into public.meeting_people (meeting_id, user_id, role) values ($1, $2, 'parent')`, [m!.id, mother.id]);
        if (pupils.includes(emma.id)) {
          await owner(`insert into public.meeting_people (meeting_id, user_id, role) values ($1, $2, 'parent')`, [m!.id, w.otherParent.id]);
        }
        return m!.id;
      };
      const alone = await meeting([zofia.id], '10 days');
      const group = await meeting([zofia.id, emma.id], '12 days');
      const held = await meeting([zofia.id], '-10 days');
      const roundsSeen = async () => (await db.as(mother.claims).rpc('slot_rounds_for', { p_class: null })).map((r) => r.round_id);
      expect(await roundsSeen()).toContain(round!.id);

      await call('admin').rpc('set_pupil_left', { p_pupil: zofia.id, p_left: true });

      const [freed] = await owner<{ pupil_id: string | null; booked_by: string | null; meeting_id: string | null }>(
        `select pupil_id, booked_by, meeting_id from public.slots where id = $1`,
        [slot!.id],
      );
      expect(freed).toEqual({ pupil_id: null, booked_by: null, meeting_id: null });
      const status = async (id: string) =>
        (await owner<{ status: string }>(`select status from public.meetings where id = $1`, [id]))[0]!.status;
      expect(await status(booked!)).toBe('cancelled');
      expect(await status(alone)).toBe('cancelled');
      expect(await status(held)).toBe('planned');
      // The group meeting goes on for Emma and her parent, without Zofia or her mother.
      expect(await status(group)).toBe('planned');
      const inGroup = await owner<{ pupil_id: string }>(`select pupil_id from public.meeting_pupils where meeting_id = $1`, [group]);
      expect(inGroup.map((r) => r.pupil_id)).toEqual([emma.id]);
      const peopleInGroup = await owner<{ user_id: string }>(`select user_id from public.meeting_people where meeting_id = $1`, [group]);
      expect(peopleInGroup.map((r) => r.user_id)).toEqual([w.otherParent.id]);
      // The meeting already held keeps Zofia (her record, kept until the erasure date).
      expect((await owner(`select 1 from public.meeting_pupils where meeting_id = $1`, [held])).length).toBe(1);
      // Her mother no longer sees the class's round with "choose a time".
      expect(await roundsSeen()).not.toContain(round!.id);
      // A request her mother makes by hand to book Zofia again is refused (the round is hidden, the call too).
      const [another] = await owner<{ id: string }>(
        `insert into public.slots (round_id, starts_at, minutes, teacher_id) values ($1, now() + interval '8 days', 15, $2) returning id`,
        [round!.id, w.teacher.id],
      );
      await expect(db.as(mother.claims).tryRpc('book_slot', { p_slot: another!.id, p_pupil: zofia.id })).rejects.toThrow(/forbidden/);
      // The time can be booked for another child.
      expect(await db.as(w.otherParent.claims).rpc('book_slot', { p_slot: slot!.id, p_pupil: emma.id })).toBeTruthy();
    });
  });
});
