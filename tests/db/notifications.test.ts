import { createECDH, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import webpush from 'web-push';
import type { ClaimedNotification } from '~/domain/rpc/notifications.ts';
import { rpcAs, SERVICE } from '~/server/embedded/rpc.ts';
import { openPostgres, type SqlEngine } from '~/server/embedded/sql.ts';
import { createDispatcher } from '~/server/mail/dispatcher.ts';
import { MailNotSent, type MailTransport } from '~/server/mail/port.ts';
import { smtpTransport } from '~/server/mail/smtp.ts';
import { outboxHandOff, smtpHandOff } from '~/server/notify/runtime.ts';
import { createNotifier } from '~/server/notify/worker.ts';
import type { Db } from '~/server/port.ts';
import { buildGuardianLink, buildMembership, buildPupil, buildUser, buildWorld, type World } from '../factories/index.ts';
import { DATABASES, rowsHolding, type TestDb } from './harness.ts';

/**
 * Notifications (…_mail_notifications.sql) on both databases: the events the triggers write, in the
 * same transaction as the change and only for the people they concern (each parent's own child);
 * the scheduled ones at a moved clock; a person's choices, unsubscribe and quiet hours; erasure;
 * and delivery exactly once by two servers claiming at the same time.
 */

type Row = {
  id: number;
  kind: string;
  user_id: string | null;
  to_address: string | null;
  status: string;
  about: string | null;
  due_at: Date;
  payload: Record<string, unknown> & { children?: string[]; was?: { starts_at: string }; sequence?: number };
};

const DAY = 86_400_000;
const inDays = (d: number, hour = 15) => {
  const at = new Date(Date.now() + d * DAY);
  at.setUTCHours(hour - 1, 0, 0, 0);
  return at;
};
const fields = {
  p_kind: 'progress' as const,
  p_minutes: 20,
  p_place: 'Lokaal 5',
  p_video_url: null,
  p_attendees: null,
  p_goal: null,
  p_interpreter_lang: null,
  p_interpreter_mode: null,
  p_interpreter_booked: false,
};

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
    const requested = await db
      .as(w.personas.parent)
      .rpc('request_meeting', { p_pupil: w.pupil.id, p_reason: 'Over lezen', p_interpreter_lang: null });
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
    await db.as(w.personas.parent).rpc('request_meeting', { p_pupil: w.pupil.id, p_reason: 'Graag', p_interpreter_lang: null });
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

/**
 * Delivery, end to end below the pages: a meeting planned by a teacher reaches the parent as a
 * mail in her language with a calendar file and a one-click unsubscribe, through the outbox and a
 * real SMTP conversation; a push message reaches a fake push service encrypted, and a 410 removes
 * the subscription; in Supabase mode a refused mail is retried from the notifications table, then
 * shown to the admin as failed.
 */
const ece = createRequire(import.meta.url)('http_ece') as {
  decrypt(buffer: Buffer, params: { version: string; privateKey: ReturnType<typeof createECDH>; authSecret: string }): Buffer;
};

async function smtp() {
  const received: string[] = [];
  const state = { refuse: false };
  const server = new SMTPServer({
    logger: false,
    disableReverseLookup: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    onRcptTo(_a, _s, callback) {
      if (state.refuse) return callback(Object.assign(new Error('refused'), { responseCode: 550 }));
      return callback();
    },
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push(Buffer.concat(chunks).toString('utf8'));
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return { url: `smtp://127.0.0.1:${port}`, received, state, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** A push service on this machine: keeps what it receives; answers 201, or 410 when told. */
async function fakePushService() {
  const received: Array<{ headers: IncomingMessage['headers']; body: Buffer; path: string }> = [];
  const state = { status: 201 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks), path: req.url ?? '' });
      res.writeHead(state.status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return { base: `http://127.0.0.1:${port}`, received, state, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const headerOf = (raw: string, name: string) =>
  new RegExp(`^${name}:[ \\t]*((?:.|\\r\\n[ \\t])*)`, 'im')
    .exec(raw)?.[1]
    ?.replace(/\r\n[ \t]+/g, ' ')
    .trim() ?? null;

describe.each(DATABASES)('delivering notifications on %s', (_label, open) => {
  let db: TestDb;
  let w: World;
  let admin: Db;
  const url = (path: string) => `https://portaal.regenboog.example${path}`;
  const cleanups: Array<() => unknown> = [];

  beforeAll(async () => {
    db = await open();
    w = await buildWorld(db.owner);
    admin = { rpc: (name, args) => rpcAs(db.owner, SERVICE, name, args) };
    await db.owner.transaction((sql) => sql.query(`update public.profiles set locale = 'pl' where user_id = $1`, [w.parent.id]));
  }, 60_000);
  afterAll(async () => {
    for (const c of cleanups.splice(0)) await c();
    await db?.close();
  });

  const clearOthers = () =>
    db.owner.transaction((sql) =>
      sql.query(`update private.notifications set status = 'skipped' where status = 'pending' and (school_id is distinct from $1)`, [
        w.school.id,
      ]),
    );
  const plan = (hours = 72) =>
    db.as(w.personas.teacher).rpc('create_meeting', {
      p_pupils: [w.pupil.id],
      p_starts_at: new Date(Date.now() + hours * 3600_000).toISOString(),
      p_kind: 'progress',
      p_minutes: 15,
      p_place: 'Lokaal 5',
      p_video_url: null,
      p_attendees: null,
      p_goal: null,
      p_interpreter_lang: null,
      p_interpreter_mode: null,
      p_interpreter_booked: false,
    });

  it('a planned meeting reaches the parent by mail, in Polish, with a calendar file and one-click unsubscribe, exactly once', async () => {
    await clearOthers();
    const server = await smtp();
    cleanups.push(server.close);
    const id = await plan();
    const notifier = createNotifier({
      admin,
      mail: outboxHandOff(db.owner, () => new Date()),
      push: null,
      secret: Buffer.alloc(32, 1),
      url,
      log: () => undefined,
    });
    expect(await notifier.runOnce()).toBeGreaterThanOrEqual(1);
    expect(await notifier.runOnce()).toBe(0);
    const transport = smtpTransport({ url: server.url, from: 'Basisschool <portaal@regenboog.example>' });
    cleanups.push(() => transport.close());
    // (The outbox may hold the other tests' mails: send until it is empty.)
    const dispatcher = createDispatcher({ engine: db.owner, transport, log: () => undefined, batchSize: 50 });
    for (let i = 0; i < 20 && (await dispatcher.runOnce()) > 0; i++);
    const raw = server.received.find((r) => headerOf(r, 'To') === w.parent.email);
    expect(raw).toBeDefined();
    expect(headerOf(raw!, 'Content-Language')).toBe('pl');
    expect(headerOf(raw!, 'List-Unsubscribe')).toMatch(
      /^<https:\/\/portaal\.regenboog\.example\/pl\/unsubscribe\/[0-9a-f]{32}\.meeting_planned\.[\w-]{22}\/one-click>$/,
    );
    expect(headerOf(raw!, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    expect(raw).toMatch(/Content-Type: text\/plain/);
    expect(raw).toMatch(/Content-Type: text\/html/);
    expect(raw).toMatch(/Content-Type: text\/calendar; charset=utf-8; method=PUBLISH/i);
    const body = raw!.replace(/=\r\n/g, '');
    expect(body).toContain(`UID:${id}@samen-voor-elk-kind`);
    expect(body).toContain('SEQUENCE:0');
    expect(body).toContain('BEGIN:VALARM');
    // Sent once: nothing further waits for this parent.
    const [left] = await db.owner.transaction((sql) =>
      sql.query<{ n: number }>(`select count(*)::int as n from private.notifications where user_id = $1 and status = 'pending'`, [
        w.parent.id,
      ]),
    );
    expect(left!.n).toBe(0);
  });

  it("push: an encrypted message reaches the fake push service, without the child's name; a 410 removes the subscription", async () => {
    await clearOthers();
    const service = await fakePushService();
    cleanups.push(service.close);
    const browser = createECDH('prime256v1');
    browser.generateKeys();
    const authSecret = randomBytes(16).toString('base64url');
    const endpoint = `${service.base}/push/${randomBytes(8).toString('hex')}`;
    // As the browser's subscription arrives (the endpoint is checked by the server's test mode).
    await db.owner.transaction((sql) =>
      sql.query(
        `insert into private.push_subscriptions (user_id, device, endpoint, p256dh, auth) values ($1, 'device-push-test-00001', $2, $3, $4)`,
        [w.parent.id, endpoint, browser.getPublicKey().toString('base64url'), authSecret],
      ),
    );
    const keys = { ...webpush.generateVAPIDKeys(), subject: 'mailto:portaal@regenboog.example' };
    const notifier = createNotifier({
      admin,
      mail: outboxHandOff(db.owner, () => new Date()),
      push: keys,
      secret: Buffer.alloc(32, 1),
      url,
      log: () => undefined,
      allowLoopbackPush: true,
    });
    await plan(96);
    await notifier.runOnce();
    expect(service.received).toHaveLength(1);
    const got = service.received[0]!;
    expect(got.headers['content-encoding']).toBe('aes128gcm');
    expect(got.headers.authorization).toMatch(/^vapid t=[\w-]+\.[\w-]+\.[\w-]+, k=/);
    expect(got.body.includes(Buffer.from('Sara'))).toBe(false);
    const message = JSON.parse(ece.decrypt(got.body, { version: 'aes128gcm', privateKey: browser, authSecret }).toString('utf8'));
    expect(message).toMatchObject({ title: w.school.name, lang: 'pl', dir: 'ltr' });
    expect(message.url).toMatch(/^https:\/\/portaal\.regenboog\.example\/pl\/app\/meetings\//);
    expect(message.body).not.toContain('Sara');

    // The push service says the subscription is gone: it goes here too.
    service.state.status = 410;
    await plan(120);
    await notifier.runOnce();
    expect(service.received).toHaveLength(2);
    expect(await admin.rpc('push_subscriptions_of', { p_user: w.parent.id })).toEqual([]);
  });

  it('Supabase mode: a refused mail is tried again with back-off from the notifications table, then failed and shown', async () => {
    await clearOthers();
    let tries = 0;
    const refusing: MailTransport = {
      kind: 'smtp',
      send: async () => {
        tries += 1;
        throw new MailNotSent('refused');
      },
      verify: async () => undefined,
      close: () => undefined,
    };
    let clock = new Date();
    const notifier = createNotifier({
      admin,
      mail: smtpHandOff(admin, refusing, 'regenboog.example', () => clock),
      push: null,
      secret: Buffer.alloc(32, 1),
      url,
      log: () => undefined,
      now: () => clock,
    });
    const before = (await admin.rpc('notification_trouble', {}))[0]!.failed;
    await plan(200);
    for (const minutes of [0, 1, 5, 30, 120]) {
      clock = new Date(clock.getTime() + minutes * 60_000 + 1000);
      await notifier.runOnce();
    }
    expect(tries).toBe(5);
    clock = new Date(clock.getTime() + 24 * 3600_000);
    await notifier.runOnce();
    expect(tries).toBe(5);
    expect((await admin.rpc('notification_trouble', {}))[0]!.failed).toBe(before + 1);
  });
});
