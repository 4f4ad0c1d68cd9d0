import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClaimedNotification } from '~/domain/rpc/notifications.ts';
import { rpcAs, SERVICE } from '~/server/embedded/rpc.ts';
import { openPostgres, type SqlEngine } from '~/server/embedded/sql.ts';
import { outboxHandOff } from '~/server/notify/runtime.ts';
import { createNotifier } from '~/server/notify/worker.ts';
import type { Db } from '~/server/port.ts';
import { buildGuardianLink, buildMembership, buildPupil, buildUser, buildWorld, type World } from '../factories/index.ts';
import { DATABASES, rowsHolding, type TestDb } from './harness.ts';

/**
 * Notifications (…_notifications.sql) on both databases: the events the triggers write, in the
 * same transaction as the change and only for the people they concern (each parent's own child);
 * the scheduled ones at a moved clock; a person's choices, unsubscribe and quiet hours; erasure;
 * and delivery exactly once by two servers claiming at the same time.
 */

interface Row {
  id: number;
  kind: string;
  user_id: string | null;
  to_address: string | null;
  status: string;
  about: string | null;
  due_at: Date;
  payload: Record<string, unknown> & { children?: string[]; was?: { starts_at: string }; sequence?: number };
}

const DAY = 86_400_000;
const inDays = (d: number, hour = 15) => {
  const at = new Date(Date.now() + d * DAY);
  at.setUTCHours(hour - 1, 0, 0, 0);
  return at;
};
const fields = { p_kind: 'progress' as const, p_minutes: 20, p_place: 'Lokaal 5', p_video_url: null, p_attendees: null, p_goal: null };

describe.each(DATABASES)('notifications on %s', (_label, open) => {
  let db: TestDb;
  let w: World;
  let admin: Db;

  const rows = (where: string, params: unknown[] = []) =>
    db.owner.transaction((sql) =>
      sql.query<Row>(
        `select id, kind, user_id, to_address, status, about, due_at, payload from private.notifications where ${where} order by id`,
        params,
      ),
    );
  const of = (userId: string, kind?: string) =>
    rows(kind ? 'user_id = $1 and kind = $2' : 'user_id = $1', kind ? [userId, kind] : [userId]);
  const clear = () => db.owner.transaction((sql) => sql.query('delete from private.notifications where school_id = $1', [w.school.id]));

  beforeAll(async () => {
    db = await open();
    w = await buildWorld(db.owner);
    admin = { rpc: (name, args) => rpcAs(db.owner, SERVICE, name, args) };
  }, 60_000);
  afterAll(() => db?.close());

  it('a meeting planned: each invited parent hears, in the same transaction, naming only their own child', async () => {
    await clear();
    // Rolled back with the meeting: no event is left behind.
    await db
      .as(w.personas.admin)
      .tryRpc('create_meeting', { p_pupils: [w.pupil.id, w.otherPupil.id], p_starts_at: inDays(5).toISOString(), ...fields });
    expect(await rows('school_id = $1', [w.school.id])).toEqual([]);

    const id = await db.as(w.personas.admin).rpc('create_meeting', {
      p_pupils: [w.pupil.id, w.otherPupil.id],
      p_starts_at: inDays(5).toISOString(),
      ...fields,
    });
    const [mine] = await of(w.parent.id, 'meeting_planned');
    const [theirs] = await of(w.otherParent.id, 'meeting_planned');
    expect(mine).toMatchObject({ about: id, status: 'pending', payload: { children: ['Sara'], place: 'Lokaal 5', sequence: 0 } });
    expect(theirs).toMatchObject({ about: id, payload: { children: ['Daan'] } });
    // Staff who planned it, pupils and other schools hear nothing.
    for (const quiet of [w.admin.id, w.teacher.id, w.otherStaff.id]) expect(await of(quiet)).toEqual([]);
  });

  it('a meeting changed: what it was and what it is now, the calendar sequence raised; cancelled: once more', async () => {
    await clear();
    const first = inDays(6);
    const id = await db
      .as(w.personas.teacher)
      .rpc('create_meeting', { p_pupils: [w.pupil.id], p_starts_at: first.toISOString(), ...fields });
    const later = new Date(first.getTime() + 2 * 3600_000);
    await db
      .as(w.personas.teacher)
      .rpc('plan_meeting', { p_meeting: id, ...fields, p_starts_at: later.toISOString(), p_place: 'Lokaal 7' });
    const [changed] = await of(w.parent.id, 'meeting_changed');
    expect(changed!.payload).toMatchObject({ children: ['Sara'], place: 'Lokaal 7', sequence: 1, was: { place: 'Lokaal 5' } });
    expect(new Date(changed!.payload.was!.starts_at).getTime()).toBe(first.getTime());
    expect(new Date(changed!.payload.starts_at as string).getTime()).toBe(later.getTime());
    // Saving it unchanged tells nobody anything.
    await db
      .as(w.personas.teacher)
      .rpc('plan_meeting', { p_meeting: id, ...fields, p_starts_at: later.toISOString(), p_place: 'Lokaal 7' });
    expect(await of(w.parent.id, 'meeting_changed')).toHaveLength(1);
    await db.as(w.personas.teacher).rpc('cancel_meeting', { p_meeting: id });
    const [cancelled] = await of(w.parent.id, 'meeting_cancelled');
    expect(cancelled!.payload).toMatchObject({ sequence: 2, was: { place: 'Lokaal 7' } });
    expect(await db.as(w.personas.parent).rpc('meeting_calendar_sequence', { p_meeting: id })).toBe(2);
    expect(await db.as(w.personas.otherParent).rpc('meeting_calendar_sequence', { p_meeting: id })).toBeNull();
  });

  it('a round opens: every parent of the class hears with the deadline; a booking is confirmed, a move is a change', async () => {
    await clear();
    const deadline = inDays(3, 12);
    const round = await db.as(w.personas.teacher).rpc('publish_slot_round', {
      p_class: w.klass.id,
      p_title: 'Rapportgesprekken',
      p_deadline: deadline.toISOString(),
      p_slots: [inDays(5), inDays(5, 16)].map((at) => ({ starts_at: at.toISOString(), minutes: 10, teacher: w.teacher.id })),
    });
    const [opened] = await of(w.parent.id, 'round_opened');
    expect(opened).toMatchObject({ about: round, payload: { children: ['Sara'], title: 'Rapportgesprekken', class: 'Groep 5' } });
    expect(new Date(opened!.payload.deadline as string).getTime()).toBe(deadline.getTime());
    expect(await of(w.otherParent.id, 'round_opened')).toEqual([]);

    const slots = await db.as(w.personas.parent).rpc('round_slots', { p_round: round });
    const meeting = await db.as(w.personas.parent).rpc('book_slot', { p_slot: slots[0]!.slot_id, p_pupil: w.pupil.id });
    expect(await of(w.parent.id, 'slot_booked')).toMatchObject([{ about: meeting, payload: { children: ['Sara'] } }]);
    expect(await of(w.parent.id, 'meeting_planned')).toEqual([]);
    await db.as(w.personas.parent).rpc('book_slot', { p_slot: slots[1]!.slot_id, p_pupil: w.pupil.id });
    expect(await of(w.parent.id, 'meeting_changed')).toMatchObject([{ about: meeting, payload: { booked: true, sequence: 1 } }]);
  });

  it('agreements: one message per meeting and day, ten minutes after the first', async () => {
    await clear();
    const id = await db
      .as(w.personas.teacher)
      .rpc('create_meeting', { p_pupils: [w.pupil.id], p_starts_at: inDays(1).toISOString(), ...fields });
    for (const text of ['Samen lezen', 'Elke dag tien minuten']) {
      await db
        .as(w.personas.teacher)
        .rpc('add_agreement', { p_meeting: id, p_text: text, p_who: null, p_due_on: null, p_evaluate_on: null });
    }
    const sent = await of(w.parent.id, 'agreements_recorded');
    expect(sent).toHaveLength(1);
    expect(new Date(sent[0]!.due_at).getTime() - Date.now()).toBeGreaterThan(8 * 60_000);
  });

  it('a needs round closes: the parents of the pupils who answered hear', async () => {
    await clear();
    const [round] = await db.as(w.personas.teacher).rpc('open_need_round', { p_class: w.klass.id, p_goal: 'Veters strikken' });
    await db.as(w.personas.pupil).rpc('save_my_choices', { p_round: round!.id, p_kind: 'needs', p_ids: ['look'] });
    await db.as(w.personas.teacher).rpc('close_need_round', { p_round: round!.id });
    expect(await of(w.parent.id, 'needs_round_closed')).toMatchObject([{ payload: { children: ['Sara'], goal: 'Veters strikken' } }]);
    expect(await of(w.otherParent.id)).toEqual([]);
  });

  it('staff hear of a request, a shared preparation, an interpreter and named feedback (in the digest); anonymous feedback makes none', async () => {
    await clear();
    const requested = await db.as(w.personas.parent).rpc('request_meeting', { p_pupil: w.pupil.id, p_reason: 'Over lezen' });
    const [request] = await of(w.teacher.id, 'meeting_requested');
    // The class's teacher, held for the daily digest; the reason itself is not in the message.
    expect(request).toMatchObject({ status: 'held', about: requested, payload: { children: ['Sara'] } });
    expect(JSON.stringify(request!.payload)).not.toContain('Over lezen');
    expect(await of(w.otherTeacher.id)).toEqual([]);

    const id = await db
      .as(w.personas.teacher)
      .rpc('create_meeting', { p_pupils: [w.pupil.id], p_starts_at: inDays(4).toISOString(), ...fields });
    await db
      .as(w.personas.parent)
      .rpc('save_my_preparation', { p_meeting: id, p_answers: { strengths: { choices: ['kind'] } }, p_step: 1 });
    await db.as(w.personas.parent).rpc('share_my_preparation', { p_meeting: id, p_share: true });
    await db.as(w.personas.parent).rpc('set_my_meeting_wishes', { p_meeting: id, p_interpreter: 'ar', p_companion: null });
    expect((await of(w.teacher.id)).map((r) => [r.kind, r.status])).toEqual(
      expect.arrayContaining([
        ['preparation_shared', 'held'],
        ['interpreter_asked', 'held'],
      ]),
    );

    // Instant instead of the digest: held ones go now, new ones are pending at once.
    await db.as(w.personas.teacher).rpc('save_my_notification_settings', {
      p_off_kinds: [],
      p_quiet_from: null,
      p_quiet_until: null,
      p_staff_digest: false,
      p_push_names: false,
    });
    expect((await rows("user_id = $1 and status = 'held'", [w.teacher.id])).length).toBe(0);

    const past = await db
      .as(w.personas.teacher)
      .rpc('create_meeting', { p_pupils: [w.pupil.id], p_starts_at: inDays(1).toISOString(), ...fields });
    await db.owner.transaction((sql) =>
      sql.query(`update public.meetings set starts_at = now() - interval '1 hour' where id = $1`, [past]),
    );
    const feedback = { p_meeting: past, p_top: 'Fijn', p_tip: null, p_seen: 'yes', p_heard: 'yes', p_valued: 'yes' } as const;
    await db.as(w.personas.parent).rpc('give_meeting_feedback', { ...feedback, p_anonymous: true });
    expect(await rows("about = $1 and kind = 'feedback_given'", [past])).toEqual([]);
    await db.owner.transaction((sql) => sql.query('delete from public.meeting_feedback where meeting_id = $1', [past]));
    await db.as(w.personas.parent).rpc('give_meeting_feedback', { ...feedback, p_anonymous: false });
    expect(await rows("about = $1 and kind = 'feedback_given'", [past])).toMatchObject([{ user_id: w.teacher.id, status: 'pending' }]);
  });

  it('a kind turned off is never stored; what a law requires cannot be turned off; unsubscribe stops what waits', async () => {
    await clear();
    await db.as(w.personas.parent).rpc('save_my_notification_settings', {
      p_off_kinds: ['meeting_planned', 'erasure_answered'],
      p_quiet_from: '21:00',
      p_quiet_until: '07:00',
      p_staff_digest: true,
      p_push_names: false,
    });
    const [mine] = await db.as(w.personas.parent).rpc('my_notification_settings', { p_device: null });
    expect(mine!.off_kinds).toEqual(['meeting_planned']);
    const id = await db
      .as(w.personas.teacher)
      .rpc('create_meeting', { p_pupils: [w.pupil.id], p_starts_at: inDays(8).toISOString(), ...fields });
    expect(await of(w.parent.id)).toEqual([]);

    // One-click unsubscribe (the server checked the link): waiting ones of that kind are skipped.
    await db.as(w.personas.teacher).rpc('plan_meeting', { p_meeting: id, ...fields, p_starts_at: inDays(9).toISOString() });
    expect(await of(w.parent.id, 'meeting_changed')).toMatchObject([{ status: 'pending' }]);
    expect(await admin.rpc('unsubscribe_notifications', { p_user: w.parent.id, p_kind: 'meeting_changed' })).toBe(true);
    expect(await of(w.parent.id, 'meeting_changed')).toMatchObject([{ status: 'skipped' }]);
    expect(await admin.rpc('unsubscribe_notifications', { p_user: w.parent.id, p_kind: 'erasure_answered' })).toBe(false);
    const [after] = await db.as(w.personas.parent).rpc('my_notification_settings', { p_device: null });
    expect(after!.off_kinds).toEqual(['meeting_changed', 'meeting_planned']);
    // A kind turned off after it was queued: the server sees it and skips it.
    await db.as(w.personas.parent).rpc('save_my_notification_settings', {
      p_off_kinds: [],
      p_quiet_from: null,
      p_quiet_until: null,
      p_staff_digest: true,
      p_push_names: false,
    });
  });

  it('scheduled at a moved clock: a round reminder and its staff count, the day-before reminder, the digest at 07:30, each once', async () => {
    await clear();
    await db.as(w.personas.teacher).rpc('save_my_notification_settings', {
      p_off_kinds: [],
      p_quiet_from: null,
      p_quiet_until: null,
      p_staff_digest: true,
      p_push_names: false,
    });
    const deadline = inDays(4, 17);
    const round = await db.as(w.personas.teacher).rpc('publish_slot_round', {
      p_class: w.klass.id,
      p_title: 'Ronde voor herinneringen',
      p_deadline: deadline.toISOString(),
      p_slots: [{ starts_at: inDays(6).toISOString(), minutes: 10, teacher: w.teacher.id }],
    });
    const meeting = await db
      .as(w.personas.teacher)
      .rpc('create_meeting', { p_pupils: [w.pupil.id], p_starts_at: inDays(4, 15).toISOString(), ...fields });
    await db.as(w.personas.parent).rpc('request_meeting', { p_pupil: w.pupil.id, p_reason: 'Graag' });
    // Three days later, at 16:00 school time (15:00 UTC in winter): the deadline is tomorrow, the meeting too.
    const clock = new Date(inDays(3, 16).getTime());
    const made = await admin.rpc('schedule_notifications', { p_now: clock.toISOString() });
    const madeOf = (kind: string) => made.find((m) => m.kind === kind)?.queued ?? 0;
    expect(madeOf('round_reminder')).toBeGreaterThanOrEqual(1);
    expect(madeOf('meeting_reminder')).toBeGreaterThanOrEqual(1);
    expect(madeOf('digest')).toBeGreaterThanOrEqual(1);
    expect(await of(w.parent.id, 'round_reminder')).toMatchObject([{ about: round, payload: { children: ['Sara'] } }]);
    expect(await of(w.teacher.id, 'round_unbooked')).toMatchObject([{ about: round, payload: { unbooked: 1, pupils: 1 } }]);
    expect(await rows("about = $1 and kind = 'meeting_reminder'", [meeting])).toMatchObject([
      { user_id: w.parent.id, payload: { prepared: false, children: ['Sara'] } },
    ]);
    const [digest] = await of(w.teacher.id, 'digest');
    expect((digest!.payload.items as unknown[]).length).toBeGreaterThanOrEqual(1);
    expect(await rows("user_id = $1 and status = 'held'", [w.teacher.id])).toEqual([]);
    // Once: the same clock again makes nothing new for them.
    const again = await admin.rpc('schedule_notifications', { p_now: new Date(clock.getTime() + 15 * 60_000).toISOString() });
    expect(again.filter((m) => ['round_reminder', 'meeting_reminder', 'round_unbooked'].includes(m.kind))).toEqual([]);
  });

  it('quiet hours: a reminder that falls in them waits for their end', async () => {
    await clear();
    await db.as(w.personas.parent).rpc('save_my_notification_settings', {
      p_off_kinds: [],
      p_quiet_from: '20:00',
      p_quiet_until: '08:00',
      p_staff_digest: true,
      p_push_names: false,
    });
    const meeting = await db
      .as(w.personas.teacher)
      .rpc('create_meeting', { p_pupils: [w.pupil.id], p_starts_at: inDays(3, 21).toISOString(), ...fields });
    // 22:00 school time the evening before (21:00 UTC in winter).
    const clock = inDays(2, 22);
    await admin.rpc('schedule_notifications', { p_now: clock.toISOString() });
    const [reminder] = await rows("about = $1 and kind = 'meeting_reminder'", [meeting]);
    const local = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Amsterdam', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    expect(local.format(new Date(reminder!.due_at))).toBe('08:00');
    expect(new Date(reminder!.due_at).getTime()).toBeGreaterThan(clock.getTime());
  });

  it('erasure: admins hear of the request; the answer keeps its address while the account goes, with every other message and device', async () => {
    await clear();
    const person = await buildUser(db.owner, { name: 'Ouder Wissen' });
    await buildMembership(db.owner, w.school.id, person.id, 'parent');
    const child = await buildPupil(db.owner, w.school.id, w.otherClass.id, { firstName: 'Noor' });
    await buildGuardianLink(db.owner, w.school.id, child.id, person.id);
    const me = db.as(person.claims);
    await db.as(w.personas.admin).rpc('create_meeting', { p_pupils: [child.id], p_starts_at: inDays(5).toISOString(), ...fields });
    await me.rpc('save_my_push_subscription', {
      p_device: 'device-erasure-test-0001',
      p_endpoint: `https://fcm.googleapis.com/fcm/send/${randomBytes(8).toString('hex')}`,
      p_p256dh: randomBytes(65).toString('base64url'),
      p_auth: randomBytes(16).toString('base64url'),
    });
    const request = await me.rpc('request_erasure', { p_school: w.school.id, p_include_children: false, p_message: null });
    expect(await of(w.admin.id, 'erasure_requested')).toMatchObject([{ about: request, status: 'pending' }]);
    expect((await of(person.id)).map((r) => r.kind)).toEqual(['meeting_planned']);

    await db.as(w.personas.admin).rpc('handle_erasure_request', { p_request: request, p_erase: true, p_reason: null });
    const answer = await rows("about = $1 and kind = 'erasure_answered'", [request]);
    expect(answer).toMatchObject([{ user_id: null, to_address: person.email, status: 'pending', payload: { outcome: 'erased' } }]);
    // Nothing else holds the person: not a message, not a device, not a setting.
    expect(await rowsHolding(db.owner, [person.id])).toEqual([]);
    // The answer is the server's to deliver, and leaves no address once delivered.
    // (The database may hold other messages due: claim until this one comes.)
    let claimed: ClaimedNotification | undefined;
    for (let i = 0; i < 50 && !claimed; i++) {
      const batch = await admin.rpc('claim_notifications', {
        p_now: new Date(Date.now() + 60_000).toISOString(),
        p_limit: 100,
        p_lease_seconds: 60,
      });
      claimed = batch.find((c) => c.id === Number(answer[0]!.id));
      if (batch.length === 0) break;
    }
    expect(claimed).toMatchObject({ email: person.email, kind: 'erasure_answered', user_id: null });
    expect(await admin.rpc('notification_sent', { p_id: Number(answer[0]!.id), p_now: new Date().toISOString() })).toBe(true);
    expect(await rows('id = $1', [answer[0]!.id])).toEqual([]);
  });

  it('a declined request: the answer goes to the person, with the reason', async () => {
    await clear();
    const request = await db
      .as(w.personas.otherParent)
      .rpc('request_erasure', { p_school: w.school.id, p_include_children: false, p_message: null });
    await db.as(w.personas.admin).rpc('handle_erasure_request', { p_request: request, p_erase: false, p_reason: 'Wettelijke plicht' });
    expect(await of(w.otherParent.id, 'erasure_answered')).toMatchObject([
      { payload: { outcome: 'declined', reason: 'Wettelijke plicht' } },
    ]);
  });

  it('the to-do list: what waits, and gone once done', async () => {
    await clear();
    const deadline = inDays(2, 17);
    const round = await db.as(w.personas.teacher).rpc('publish_slot_round', {
      p_class: w.klass.id,
      p_title: 'Ronde voor de takenlijst',
      p_deadline: deadline.toISOString(),
      p_slots: [{ starts_at: inDays(7).toISOString(), minutes: 10, teacher: w.teacher.id }],
    });
    const todo = async (who: keyof World['personas']) => db.as(w.personas[who]).rpc('my_todo', {});
    expect(await todo('parent')).toEqual(
      expect.arrayContaining([expect.objectContaining({ item: 'choose_time', ref: round, names: ['Sara'] })]),
    );
    expect((await todo('otherParent')).filter((i) => i.ref === round)).toEqual([]);
    expect(await todo('teacher')).toEqual(expect.arrayContaining([expect.objectContaining({ item: 'unbooked', ref: round, count: 1 })]));
    const [slot] = await db.as(w.personas.parent).rpc('round_slots', { p_round: round });
    const meeting = await db.as(w.personas.parent).rpc('book_slot', { p_slot: slot!.slot_id, p_pupil: w.pupil.id });
    expect((await todo('parent')).filter((i) => i.ref === round)).toEqual([]);
    expect((await todo('teacher')).filter((i) => i.ref === round)).toEqual([]);
    expect(await todo('parent')).toEqual(expect.arrayContaining([expect.objectContaining({ item: 'prepare', ref: meeting })]));
    await db
      .as(w.personas.parent)
      .rpc('save_my_preparation', { p_meeting: meeting!, p_answers: { strengths: { choices: ['kind'] } }, p_step: 1 });
    await db.as(w.personas.parent).rpc('share_my_preparation', { p_meeting: meeting!, p_share: true });
    expect((await todo('parent')).filter((i) => i.ref === meeting)).toEqual([]);
    expect(await todo('teacher')).toEqual(expect.arrayContaining([expect.objectContaining({ item: 'preparations', ref: meeting })]));
    await db.as(w.personas.teacher).rpc('mark_meeting_read', { p_meeting: meeting! });
    expect((await todo('teacher')).filter((i) => i.ref === meeting)).toEqual([]);
    // Requests for erasure wait on the admins' lists only.
    const request = await db
      .as(w.personas.coach)
      .rpc('request_erasure', { p_school: w.school.id, p_include_children: false, p_message: null });
    expect(await todo('admin')).toEqual(expect.arrayContaining([expect.objectContaining({ item: 'erasure', count: 1 })]));
    expect((await todo('teacher')).filter((i) => i.item === 'erasure')).toEqual([]);
    await db.as(w.personas.admin).rpc('handle_erasure_request', { p_request: request, p_erase: false, p_reason: 'Test' });
    expect((await todo('admin')).filter((i) => i.item === 'erasure')).toEqual([]);
  });
});

/**
 * Two servers on one PostgreSQL database: each takes other rows (for update skip locked), and the
 * outbox gets every message exactly once. On PGlite there is one connection, so this runs only
 * against the real server.
 */
describe.skipIf(!process.env.TEST_DATABASE_URL)('two servers deliver each notification exactly once (PostgreSQL)', () => {
  const engines: SqlEngine[] = [];
  afterAll(async () => {
    for (const e of engines) await e.close();
  });

  it('claims in parallel, hands over once each', async () => {
    const adminUrl = process.env.TEST_DATABASE_ADMIN_URL ?? process.env.TEST_DATABASE_URL!;
    const owner = await openPostgres(adminUrl, 2);
    engines.push(owner);
    const w = await buildWorld(owner);
    const person = await buildUser(owner);
    await buildMembership(owner, w.school.id, person.id, 'parent');
    const total = 60;
    await owner.transaction((sql) =>
      sql.query(
        `insert into private.notifications (school_id, user_id, kind, payload, dedupe)
         select $1, $2::uuid, 'needs_round_closed', jsonb_build_object('children', jsonb_build_array('Sara'), 'class', 'Groep 5'),
                'exactly-once:' || $2::text || ':' || g
         from generate_series(1, $3) g`,
        [w.school.id, person.id, total],
      ),
    );
    const servers = await Promise.all(
      [0, 1].map(async () => {
        const api = await openPostgres(process.env.TEST_DATABASE_URL!, 2);
        const own = await openPostgres(adminUrl, 2);
        engines.push(api, own);
        const handed: number[] = [];
        const handOff = outboxHandOff(own, () => new Date());
        const notifier = createNotifier({
          admin: { rpc: (name, args) => rpcAs(api, SERVICE, name, args) },
          mail: async (row, mail) => {
            const ok = await handOff(row, mail);
            // (The database may hold other files' messages too: count this person's.)
            if (ok && row.user_id === person.id) handed.push(row.id);
            return ok;
          },
          push: null,
          secret: Buffer.alloc(32, 7),
          url: (path) => `http://localhost:4321${path}`,
          log: () => undefined,
          batchSize: 5,
        });
        return { notifier, handed };
      }),
    );
    // Both servers take rounds at the same time until nothing is due.
    for (let round = 0; round < 40; round++) {
      const taken = await Promise.all(servers.map((s) => s.notifier.runOnce()));
      if (taken.every((n) => n === 0)) break;
    }
    const all = servers.flatMap((s) => s.handed);
    expect(all).toHaveLength(total);
    expect(new Set(all).size).toBe(total);
    expect(servers.every((s) => s.handed.length > 0)).toBe(true);
    const [mail] = await owner.transaction((sql) =>
      sql.query<{ n: number }>('select count(*)::int as n from embedded_auth.mailbox where user_id = $1', [person.id]),
    );
    expect(mail!.n).toBe(total);
    const [left] = await owner.transaction((sql) =>
      sql.query<{ n: number }>("select count(*)::int as n from private.notifications where user_id = $1 and status <> 'sent'", [person.id]),
    );
    expect(left!.n).toBe(0);
  });
});
