import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVICE } from '~/server/embedded/rpc.ts';
import { runRetention } from '~/server/retention.ts';
import {
  buildClassDevice,
  buildGuardianLink,
  buildMembership,
  buildPupil,
  buildUser,
  buildWorld,
  PERSONAS,
  type PersonaName,
  type World,
} from '../factories/index.ts';
import { DATABASES, outcome, type Outcome, rowsHolding, type TestDb } from './harness.ts';

/**
 * Pupils who leave, and requests for erasure (…_classes_pupils.sql, …_privacy_access_log.sql). A pupil who
 * left drops out of the class's lists, class mode and sign-in, and everything about them goes the
 * school's retention time later (fake clock). A parent asks for erasure; an admin declines with a
 * reason the parent reads, or carries it out, after which no row of any table holds the parent,
 * and their children's answers and drawings are gone while the child's first name stays.
 */

const table = (t: Partial<Record<PersonaName, Outcome>>) => PERSONAS.map((p) => [p, t[p] ?? 'TBD'] as const);
const MONTH = 30.5 * 86_400_000;

describe.each(DATABASES)('pupils who leave and erasure requests on %s', (_label, open) => {
  let db: TestDb;
  let w: World;

  beforeAll(async () => {
    db = await open();
    w = await buildWorld(db.owner);
  }, 60_000);
  afterAll(() => db?.close());

  const call = (p: PersonaName) => db.as(w.personas[p]);
  const owner = <T>(q: string, args: unknown[] = []) => db.owner.transaction((sql) => sql.query<T & Record<string, unknown>>(q, args));

  /** A need answer with a stored drawing, for a pupil of Groep 5. */
  async function answerWithDrawing(pupilId: string, ownerId: string | undefined) {
    const drawing = `${w.school.id}/${pupilId}/${randomUUID()}.png`;
    await db.owner.transaction(async (sql) => {
      const [r] = await sql.query<{ id: string }>(
        `insert into public.need_rounds (school_id, class_id, opened_by, opened_at, closed_at) values ($1, $2, $3, now(), now()) returning id`,
        [w.school.id, w.klass.id, w.teacher.id],
      );
      await sql.query(
        `insert into public.need_answers (round_id, pupil_id, school_id, class_id, needs, own_words, drawing_path)
         values ($1, $2, $3, $4, '{look}', 'Met muziek', $5)`,
        [r!.id, pupilId, w.school.id, w.klass.id, drawing],
      );
      await sql.query(`insert into storage.objects (bucket_id, name, owner) values ('pupil-drawings', $1, $2)`, [drawing, ownerId ?? null]);
    });
    return drawing;
  }

  describe('a pupil who leaves', () => {
    it.each(
      table({
        admin: 1,
        coach: 'forbidden',
        teacher: 'forbidden',
        otherTeacher: 'forbidden',
        otherStaff: 'forbidden',
        parent: 'forbidden',
        otherParent: 'forbidden',
        pupil: 'forbidden',
        otherPupil: 'forbidden',
        anon: 'forbidden',
      }),
    )('set_pupil_left: %s → %s', async (p, n) => {
      const tim = await buildPupil(db.owner, w.school.id, w.klass.id);
      expect(await outcome(() => call(p).tryRpc('set_pupil_left', { p_pupil: tim.id, p_left: true }))).toBe(n);
    });

    it('drops out of the class list, class mode and sign-in; their name is free again; the admin sees when they go', async () => {
      const tim = await buildPupil(db.owner, w.school.id, w.klass.id, { firstName: 'Tim' });
      const device = await buildClassDevice(db.owner, w.school.id, w.klass.id, w.teacher.id);
      const names = async () => (await call('teacher').rpc('class_pupils', { p_class: w.klass.id })).map((p) => p.first_name);
      const roster = async () =>
        (
          (await db.as(SERVICE).rpc('class_device_roster', { p_device_token: device.token }))[0]!.pupils as Array<{ first_name: string }>
        ).map((p) => p.first_name);
      expect(await names()).toContain('Tim');
      expect(await roster()).toContain('Tim');

      const eraseOn = await call('admin').rpc('set_pupil_left', { p_pupil: tim.id, p_left: true });
      expect(await names()).not.toContain('Tim');
      expect(await roster()).not.toContain('Tim');
      const [signIn] = await db
        .as(SERVICE)
        .rpc('pupil_sign_in', { p_device_token: device.token, p_pupil: tim.id, p_code: 'sun-cat-apple' });
      expect(signIn!.status).not.toBe('ok');
      const classes = await call('admin').rpc('school_classes', { p_school: w.school.id });
      const before = classes.find((c) => c.class_id === w.klass.id)!.pupil_count;

      const left = await call('admin').rpc('left_pupils', { p_class: w.klass.id });
      const row = left.find((p) => p.pupil_id === tim.id)!;
      expect(row.first_name).toBe('Tim');
      // Two school years (the default, 24 months) after the day they left.
      const months = (new Date(row.erase_on).getTime() - new Date(row.left_at).getTime()) / MONTH;
      expect(Math.round(months)).toBe(24);
      expect(new Date(eraseOn!).getTime()).toBe(new Date(row.erase_on).getTime());
      for (const p of PERSONAS.filter((x) => x !== 'admin' && x !== 'anon'))
        expect(await outcome(() => call(p).tryRpc('left_pupils', { p_class: w.klass.id })), p).toBe(0);

      // A new Tim may join the class; the old one cannot then come back under the same name.
      const [newTim] = await call('admin').rpc('add_pupils', { p_class: w.klass.id, p_names: ['Tim'] });
      expect(newTim!.first_name).toBe('Tim');
      const after = (await call('admin').rpc('school_classes', { p_school: w.school.id })).find((c) => c.class_id === w.klass.id)!;
      expect(after.pupil_count).toBe(before + 1);
      expect(await outcome(() => call('admin').tryRpc('set_pupil_left', { p_pupil: tim.id, p_left: false }))).toBe('duplicate_pupil_name');
    });

    it('a round counts and lists the pupils in the class, and a pupil who left only where they answered', async () => {
      const [gone, answered] = await Promise.all([
        buildPupil(db.owner, w.school.id, w.klass.id, { firstName: 'Gijs' }),
        buildPupil(db.owner, w.school.id, w.klass.id, { firstName: 'Hanna' }),
      ]);
      const [round] = await db.owner.transaction((sql) =>
        sql.query<{ id: string }>(
          `insert into public.need_rounds (school_id, class_id, opened_by, opened_at) values ($1, $2, $3, now()) returning id`,
          [w.school.id, w.klass.id, w.teacher.id],
        ),
      );
      await owner(`insert into public.need_answers (round_id, pupil_id, school_id, class_id, needs) values ($1, $2, $3, $4, '{look}')`, [
        round!.id,
        answered.id,
        w.school.id,
        w.klass.id,
      ]);
      const counted = async () =>
        (await call('teacher').rpc('class_need_rounds', { p_class: w.klass.id })).find((r) => r.round_id === round!.id)!;
      const listed = async () => (await call('teacher').rpc('need_round_answers', { p_round: round!.id })).map((r) => r.first_name);
      const before = await counted();
      expect(await listed()).toEqual(expect.arrayContaining(['Gijs', 'Hanna']));
      await call('admin').rpc('set_pupil_left', { p_pupil: gone.id, p_left: true });
      await call('admin').rpc('set_pupil_left', { p_pupil: answered.id, p_left: true });
      const after = await counted();
      expect(after.pupils).toBe(before.pupils - 1);
      expect(after.answered).toBe(before.answered);
      expect(await listed()).not.toContain('Gijs');
      expect(await listed()).toContain('Hanna');
      await owner('update public.need_rounds set closed_at = now() where id = $1', [round!.id]);
    });

    it('is erased with their drawings once the school’s retention time has passed, and not before (fake clock)', async () => {
      const noor = await buildPupil(db.owner, w.school.id, w.klass.id, { firstName: 'Noor', withUser: true });
      const drawing = await answerWithDrawing(noor.id, noor.user!.id);
      await owner('update public.schools set retention_months = 6 where id = $1', [w.school.id]);
      await call('admin').rpc('set_pupil_left', { p_pupil: noor.id, p_left: true });
      // A pupil of the other school left the same day; that school keeps data 24 months.
      await owner('update public.pupils set left_at = now() where id = $1', [w.otherSchoolPupil.id]);

      for (const p of PERSONAS) expect(await outcome(() => call(p).tryRpc('erase_left_pupils', {})), p).toBe('forbidden');
      const service = db.as(SERVICE);
      const at = (months: number) => new Date(Date.now() + months * MONTH).toISOString();
      expect(await service.rpc('erase_left_pupils', { p_now: at(5) })).toEqual({ pupils: 0, files: [] });
      expect(await rowsHolding(db.owner, [noor.id])).not.toEqual([]);

      const removedFiles: string[] = [];
      const removed = await runRetention(
        { admin: service, removeFile: async (bucket, name) => void removedFiles.push(`${bucket}/${name}`), log: () => undefined },
        new Date(at(7)),
      );
      expect(removed.pupils_who_left).toBeGreaterThanOrEqual(1);
      expect(removedFiles).toContain(`pupil-drawings/${drawing}`);
      await owner(`delete from storage.objects where bucket_id = 'pupil-drawings' and name = $1`, [drawing]);
      expect(await rowsHolding(db.owner, [noor.id, noor.user!.id])).toEqual([]);
      expect(await owner('select id from public.pupils where id = $1', [w.otherSchoolPupil.id])).toHaveLength(1);
      await owner('update public.schools set retention_months = 24 where id = $1', [w.school.id]);
      await owner('update public.pupils set left_at = null where id = $1', [w.otherSchoolPupil.id]);
    });
  });

  describe('a request for erasure', () => {
    it.each(
      table({
        admin: 1,
        coach: 1,
        teacher: 1,
        otherTeacher: 1,
        otherStaff: 'forbidden',
        parent: 1,
        otherParent: 1,
        pupil: 'forbidden',
        otherPupil: 'forbidden',
        anon: 'forbidden',
      }),
    )('request_erasure: %s → %s', async (p, n) => {
      expect(
        await outcome(() => call(p).tryRpc('request_erasure', { p_school: w.school.id, p_include_children: false, p_message: null })),
      ).toBe(n);
    });

    it('only the school’s admins see the requests and handle them; a refusal needs a reason, which the parent reads', async () => {
      await call('otherParent').rpc('request_erasure', { p_school: w.school.id, p_include_children: false, p_message: null });
      const requests = await call('admin').rpc('school_erasure_requests', { p_school: w.school.id });
      const mine = requests.find((r) => r.email === w.otherParent.email)!;
      expect(mine).toMatchObject({ outcome: null, children: ['Daan'], include_children: false });
      for (const p of PERSONAS.filter((x) => x !== 'admin' && x !== 'anon'))
        expect(await outcome(() => call(p).tryRpc('school_erasure_requests', { p_school: w.school.id })), p).toBe(0);
      for (const p of PERSONAS.filter((x) => x !== 'admin'))
        expect(
          await outcome(() => call(p).tryRpc('handle_erasure_request', { p_request: mine.request_id, p_erase: false, p_reason: 'Nee' })),
          p,
        ).toMatch(/forbidden|error/);
      // Asking again while a request is open changes it rather than adding one.
      await call('otherParent').rpc('request_erasure', { p_school: w.school.id, p_include_children: true, p_message: 'Ook Daan graag' });
      const again = (await call('admin').rpc('school_erasure_requests', { p_school: w.school.id })).filter(
        (r) => r.email === w.otherParent.email,
      );
      expect(again).toHaveLength(1);
      expect(again[0]).toMatchObject({ include_children: true, message: 'Ook Daan graag' });

      expect(
        await outcome(() => call('admin').tryRpc('handle_erasure_request', { p_request: mine.request_id, p_erase: false, p_reason: ' ' })),
      ).toBe('reason_required');
      await call('admin').rpc('handle_erasure_request', {
        p_request: mine.request_id,
        p_erase: false,
        p_reason: 'Daan zit nog op school; zijn voornaam in de klas blijft nodig.',
      });
      const [answer] = await call('otherParent').rpc('my_erasure_requests', {});
      expect(answer).toMatchObject({ outcome: 'declined', reason: 'Daan zit nog op school; zijn voornaam in de klas blijft nodig.' });
      expect(
        await outcome(() => call('admin').tryRpc('handle_erasure_request', { p_request: mine.request_id, p_erase: true, p_reason: null })),
      ).toBe('already_handled');
      // Nobody reads or writes the table past the functions.
      await expect(
        call('otherParent').tryQuery(`update public.erasure_requests set outcome = 'erased' where id = $1`, [mine.request_id]),
      ).rejects.toThrow(/permission denied/);
      expect(await call('parent').query('select id from public.erasure_requests where id = $1', [mine.request_id])).toEqual([]);
    });

    it('carried out: nothing in any table holds the parent; their children’s answers and drawings go, the child’s first name stays', async () => {
      const joost = await buildUser(db.owner, { name: 'Joost', email: `joost-${randomUUID()}@example.test` });
      await buildMembership(db.owner, w.school.id, joost.id, 'parent');
      const lotte = await buildPupil(db.owner, w.school.id, w.klass.id, { firstName: 'Lotte', withUser: true });
      await buildGuardianLink(db.owner, w.school.id, lotte.id, joost.id);
      const drawing = await answerWithDrawing(lotte.id, lotte.user!.id);
      const voice = `${w.school.id}/${lotte.id}/${randomUUID()}.webm`;
      await db.owner.transaction(async (sql) => {
        await sql.query(
          `insert into public.voice_recordings (school_id, pupil_id, locale, key, path, recorded_by) values ($1, $2, 'ar', 'need.look', $3, $4)`,
          [w.school.id, lotte.id, voice, joost.id],
        );
        await sql.query(`insert into storage.objects (bucket_id, name, owner) values ('voices', $1, $2)`, [voice, joost.id]);
        const [m] = await sql.query<{ id: string }>(
          `insert into public.meetings (school_id, kind, starts_at, minutes, created_by) values ($1, 'progress', now() - interval '2 days', 20, $2) returning id`,
          [w.school.id, w.teacher.id],
        );
        await sql.query(`insert into public.meeting_pupils (meeting_id, pupil_id, class_id) values ($1, $2, $3)`, [
          m!.id,
          lotte.id,
          w.klass.id,
        ]);
        await sql.query(`insert into public.meeting_people (meeting_id, user_id, role) values ($1, $2, 'parent')`, [m!.id, joost.id]);
        await sql.query(`insert into public.preparations (meeting_id, user_id, answers, shared_at) values ($1, $2, '{}', now())`, [
          m!.id,
          joost.id,
        ]);
        await sql.query(
          `insert into public.meeting_feedback (meeting_id, author_id, role, top) values ($1, $2, 'parent', 'Fijn gesprek')`,
          [m!.id, joost.id],
        );
        await sql.query(`insert into public.meeting_feedback (meeting_id, author_id, role, top) values ($1, $2, 'pupil', 'Leuk')`, [
          m!.id,
          lotte.user!.id,
        ]);
        await sql.query(
          `insert into public.meetings (school_id, kind, status, request_reason, requested_by, created_by) values ($1, 'other', 'requested', 'Over lezen', $2, $2)`,
          [w.school.id, joost.id],
        );
      });
      // The outbox still holds mails to Joost: his invitation naming Lotte (sent, kept 7 days) and
      // one not sent yet; and a mail to someone else, which must stay.
      await owner(
        `insert into embedded_auth.mailbox (to_address, subject, body, kind, status, sent_at) values
           ($1, 'Uitnodiging', 'Welkom, ouder van Lotte', 'invitation', 'sent', now()),
           (upper($1), 'Code', 'Uw code', 'sign_in', 'pending', null),
           ($2, 'Code', 'Uw code', 'sign_in', 'sent', now())`,
        [joost.email, w.teacher.email],
      );
      const request = await db
        .as(joost.claims)
        .rpc('request_erasure', { p_school: w.school.id, p_include_children: true, p_message: 'Wij verhuizen.' });
      expect((await rowsHolding(db.owner, [joost.id])).length).toBeGreaterThan(6);

      const handled = await call('admin').rpc('handle_erasure_request', { p_request: request, p_erase: true, p_reason: null });
      expect(handled.files).toEqual(
        expect.arrayContaining([
          { bucket: 'voices', name: voice },
          { bucket: 'pupil-drawings', name: drawing },
        ]),
      );
      // The server removes the files through the storage API, as the admin may.
      await owner(`delete from storage.objects where name = any($1::text[])`, [[voice, drawing]]);

      expect(await rowsHolding(db.owner, [joost.id])).toEqual([]);
      expect(await owner('select 1 from public.profiles where email = $1', [joost.email])).toEqual([]);
      // No mail to him waits in the outbox or the dev mailbox (the walk found his invitation there for 7 days).
      expect(await owner('select subject from embedded_auth.mailbox where lower(to_address) = lower($1)', [joost.email])).toEqual([]);
      expect(await owner('select 1 from embedded_auth.mailbox where to_address = $1', [w.teacher.email])).toHaveLength(1);
      expect(await owner('select 1 from public.need_answers where pupil_id = $1', [lotte.id])).toEqual([]);
      expect(await owner('select 1 from public.meeting_feedback where author_id = $1', [lotte.user!.id])).toEqual([]);
      expect(await owner('select first_name from public.pupils where id = $1', [lotte.id])).toEqual([{ first_name: 'Lotte' }]);
      // The record that it was done stays, without the person.
      const [done] = await owner<{ outcome: string; requested_by: string | null; message: string | null }>(
        'select outcome, requested_by, message from public.erasure_requests where id = $1',
        [request],
      );
      expect(done).toEqual({ outcome: 'erased', requested_by: null, message: null });
    });
  });
});
