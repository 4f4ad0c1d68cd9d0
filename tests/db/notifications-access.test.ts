import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVICE } from '~/server/embedded/rpc.ts';
import { buildWorld, PERSONAS, type PersonaName, type World } from '../factories/index.ts';
import { DATABASES, outcome, type Outcome, type TestDb } from './harness.ts';

/**
 * Notifications (…_mail_notifications.sql), persona by persona: every new table as PostgREST would
 * let a client read and write it, and every new function. The world: a meeting about Sara next
 * week (her parent invited), a notification for her parent, a push device of her parent, his
 * settings, and a read mark.
 */
const table = (t: Partial<Record<PersonaName, Outcome>>) => PERSONAS.map((p) => [p, t[p] ?? 'TBD'] as const);
const each = (o: Outcome, except: Partial<Record<PersonaName, Outcome>> = {}) =>
  table({ ...Object.fromEntries(PERSONAS.map((p) => [p, o])), ...except });
const subscription = (device: string) => ({
  p_device: device,
  p_endpoint: `https://fcm.googleapis.com/fcm/send/${randomBytes(12).toString('hex')}`,
  p_p256dh: randomBytes(65).toString('base64url'),
  p_auth: randomBytes(16).toString('base64url'),
});

describe.each(DATABASES)('notifications, access on %s', (_label, open) => {
  let db: TestDb;
  let w: World;
  let meeting: string;

  beforeAll(async () => {
    db = await open();
    w = await buildWorld(db.owner);
    meeting = await db.as(w.personas.teacher).rpc('create_meeting', {
      p_pupils: [w.pupil.id],
      p_starts_at: new Date(Date.now() + 7 * 86_400_000).toISOString(),
      p_kind: 'progress',
      p_minutes: 15,
      p_place: null,
      p_video_url: null,
      p_attendees: null,
      p_goal: null,
      p_interpreter_lang: null,
      p_interpreter_mode: null,
      p_interpreter_booked: false,
    });
    const parent = db.as(w.personas.parent);
    await parent.rpc('save_my_notification_settings', {
      p_off_kinds: ['round_reminder'],
      p_quiet_from: '21:00',
      p_quiet_until: '07:00',
      p_staff_digest: true,
      p_push_names: false,
    });
    await parent.rpc('save_my_push_subscription', subscription('parent-device-access-01'));
    await parent.rpc('mark_meeting_read', { p_meeting: meeting });
  }, 60_000);
  afterAll(() => db?.close());

  const read = (p: PersonaName, text: string, params: (w: World) => unknown[]) =>
    outcome(() => db.as(w.personas[p]).query(text, params(w)));
  const write = (p: PersonaName, text: string, params: (w: World) => unknown[]) =>
    outcome(() => db.as(w.personas[p]).tryQuery(text, params(w)));
  const call = (p: PersonaName) => db.as(w.personas[p]);

  describe('tables', () => {
    it.each(each(0, { parent: 1, anon: 'error' }))('notification_settings: %s sees %s (only their own)', async (p, n) =>
      expect(await read(p, 'select * from public.notification_settings where user_id = $1', (w) => [w.parent.id])).toBe(n),
    );
    it.each(each('error'))('notification_settings: %s cannot insert (not even their own)', async (p, n) =>
      expect(
        await write(p, `insert into public.notification_settings (user_id) values ($1) returning user_id`, (w) => [
          w.personas[p].sub ?? w.parent.id,
        ]),
      ).toBe(n),
    );
    it.each(each(0, { anon: 'error' }))("notification_settings: %s cannot update (the parent's own included)", async (p, n) =>
      expect(
        await write(p, `update public.notification_settings set off_kinds = '{}' where user_id = $1 returning user_id`, (w) => [
          w.parent.id,
        ]),
      ).toSatisfy((r: Outcome) => r === n || r === 'error'),
    );
    it.each(each(0, { anon: 'error' }))('notification_settings: %s cannot delete', async (p, n) =>
      expect(
        await write(p, 'delete from public.notification_settings where user_id = $1 returning user_id', (w) => [w.parent.id]),
      ).toSatisfy((r: Outcome) => r === n || r === 'error'),
    );
    it.each(each(0, { parent: 1, anon: 'error' }))('meeting_reads: %s sees %s (only their own)', async (p, n) =>
      expect(await read(p, 'select * from public.meeting_reads where user_id = $1', (w) => [w.parent.id])).toBe(n),
    );
    it.each(each('error'))('meeting_reads: %s cannot insert', async (p, n) =>
      expect(
        await write(p, 'insert into public.meeting_reads (user_id, meeting_id) values ($1, $2) returning user_id', (w) => [
          w.personas[p].sub ?? w.parent.id,
          meeting,
        ]),
      ).toBe(n),
    );
    it.each(PERSONAS)('meeting_reads: %s cannot change or remove a read mark', async (p) => {
      expect(
        await write(p, 'update public.meeting_reads set read_at = now() where user_id = $1 returning user_id', (w) => [w.parent.id]),
      ).toSatisfy((r: Outcome) => r === 0 || r === 'error');
      expect(await write(p, 'delete from public.meeting_reads where user_id = $1 returning user_id', (w) => [w.parent.id])).toSatisfy(
        (r: Outcome) => r === 0 || r === 'error',
      );
    });
    it.each(PERSONAS)('private.notifications and private.push_subscriptions: %s cannot read, write or remove them', async (p) => {
      for (const t of ['private.notifications', 'private.push_subscriptions']) {
        expect(await read(p, `select * from ${t}`, () => [])).toBe('error');
        expect(await write(p, `delete from ${t}`, () => [])).toBe('error');
      }
      expect(
        await write(p, `insert into private.notifications (user_id, kind) values ($1, 'digest') returning id`, (w) => [w.parent.id]),
      ).toBe('error');
      expect(
        await write(
          p,
          `insert into private.push_subscriptions (user_id, device, endpoint, p256dh, auth) values ($1, 'x', 'https://evil.example/', 'x', 'x') returning id`,
          (w) => [w.parent.id],
        ),
      ).toBe('error');
    });
  });

  describe('functions of a person', () => {
    it.each(each(1, { anon: 'forbidden' }))('my_notification_settings: %s → %s (their own)', async (p, n) =>
      expect(await outcome(() => call(p).rpc('my_notification_settings', { p_device: null }))).toBe(n),
    );
    it('my_notification_settings: the parent sees their own choices and device; another parent the defaults', async () => {
      const [mine] = await call('parent').rpc('my_notification_settings', { p_device: 'parent-device-access-01' });
      expect(mine).toMatchObject({ off_kinds: ['round_reminder'], devices: 1, this_device: true, is_parent: true, is_staff: false });
      const [theirs] = await call('otherParent').rpc('my_notification_settings', { p_device: 'parent-device-access-01' });
      expect(theirs).toMatchObject({ off_kinds: [], quiet_from: '21:00', quiet_until: '07:00', devices: 0, this_device: false });
    });
    const settings = { p_off_kinds: [], p_quiet_from: null, p_quiet_until: null, p_staff_digest: true, p_push_names: false };
    it.each(each(1, { pupil: 'forbidden', otherPupil: 'forbidden', anon: 'forbidden' }))(
      'save_my_notification_settings: %s → %s',
      async (p, n) => expect(await outcome(() => call(p).tryRpc('save_my_notification_settings', settings))).toBe(n),
    );
    it('save_my_notification_settings: one time without the other is refused', async () => {
      expect(await outcome(() => call('parent').tryRpc('save_my_notification_settings', { ...settings, p_quiet_from: '21:00' }))).toBe(
        'invalid',
      );
    });
    it.each(each(1, { pupil: 'forbidden', otherPupil: 'forbidden', anon: 'forbidden' }))(
      'save_my_push_subscription: %s → %s',
      async (p, n) =>
        expect(await outcome(() => call(p).tryRpc('save_my_push_subscription', subscription(`device-${p}-0000000001`)))).toBe(n),
    );
    it('save_my_push_subscription: an address that is no push service is refused by the database too', async () => {
      const bad = { ...subscription('parent-device-access-02'), p_endpoint: 'http://169.254.169.254/latest/meta-data' };
      expect(await outcome(() => call('parent').tryRpc('save_my_push_subscription', bad))).toBe('invalid');
    });
    it.each(each(1, { anon: 'forbidden' }))('remove_my_push_device / remove_my_push_devices: %s → %s (their own only)', async (p, n) => {
      expect(await outcome(() => call(p).tryRpc('remove_my_push_device', { p_device: 'parent-device-access-01' }))).toBe(n);
      expect(await outcome(() => call(p).tryRpc('remove_my_push_devices', {}))).toBe(n);
    });
    it("remove_my_push_device: only the caller's own device goes", async () => {
      expect(await call('otherParent').tryRpc('remove_my_push_device', { p_device: 'parent-device-access-01' })).toBe(0);
      expect(await call('parent').tryRpc('remove_my_push_device', { p_device: 'parent-device-access-01' })).toBe(1);
    });
    it.each(each('forbidden', { admin: 1, coach: 1, teacher: 1, parent: 1, pupil: 1, anon: 'forbidden' }))(
      'mark_meeting_read: %s → %s',
      async (p, n) => expect(await outcome(() => call(p).tryRpc('mark_meeting_read', { p_meeting: meeting }))).toBe(n),
    );
    it.each(each(0, { admin: 1, coach: 1, teacher: 1, parent: 1, pupil: 1, anon: 'forbidden' }))(
      'meeting_calendar_sequence: %s → %s',
      async (p, n) => expect(await outcome(() => call(p).rpc('meeting_calendar_sequence', { p_meeting: meeting }))).toBe(n),
    );
    it.each(each(0, { parent: 1, anon: 'forbidden' }))('my_todo: %s → %s rows about this world', async (p, n) => {
      const rows = await outcome(async () => (await call(p).rpc('my_todo', {})).filter((r) => r.item === 'prepare' && r.ref === meeting));
      expect(rows).toBe(n);
    });
  });

  describe("the server's functions (service role only)", () => {
    const service: Array<[string, () => Promise<unknown>, (p: PersonaName) => Promise<unknown>]> = [
      [
        'schedule_notifications',
        () => db.as(SERVICE).tryRpc('schedule_notifications', { p_now: new Date().toISOString() }),
        (p) => call(p).tryRpc('schedule_notifications', { p_now: new Date().toISOString() }),
      ],
      [
        'claim_notifications',
        () => db.as(SERVICE).tryRpc('claim_notifications', { p_now: new Date().toISOString(), p_limit: 1, p_lease_seconds: 60 }),
        (p) => call(p).tryRpc('claim_notifications', { p_now: new Date().toISOString(), p_limit: 1, p_lease_seconds: 60 }),
      ],
      [
        'notification_sent',
        () => db.as(SERVICE).tryRpc('notification_sent', { p_id: 1, p_now: new Date().toISOString() }),
        (p) => call(p).tryRpc('notification_sent', { p_id: 1, p_now: new Date().toISOString() }),
      ],
      [
        'notification_skipped',
        () => db.as(SERVICE).tryRpc('notification_skipped', { p_id: 1, p_reason: 'turned_off' }),
        (p) => call(p).tryRpc('notification_skipped', { p_id: 1, p_reason: 'turned_off' }),
      ],
      [
        'notification_not_sent',
        () => db.as(SERVICE).tryRpc('notification_not_sent', { p_id: 1, p_error: 'other', p_retry_at: null }),
        (p) => call(p).tryRpc('notification_not_sent', { p_id: 1, p_error: 'other', p_retry_at: null }),
      ],
      [
        'notification_pushed',
        () => db.as(SERVICE).tryRpc('notification_pushed', { p_id: 1 }),
        (p) => call(p).tryRpc('notification_pushed', { p_id: 1 }),
      ],
      [
        'push_subscriptions_of',
        () => db.as(SERVICE).tryRpc('push_subscriptions_of', { p_user: w.parent.id }),
        (p) => call(p).tryRpc('push_subscriptions_of', { p_user: w.parent.id }),
      ],
      [
        'remove_push_endpoint',
        () => db.as(SERVICE).tryRpc('remove_push_endpoint', { p_endpoint: 'https://fcm.googleapis.com/x' }),
        (p) => call(p).tryRpc('remove_push_endpoint', { p_endpoint: 'https://fcm.googleapis.com/x' }),
      ],
      [
        'next_notification_due',
        () => db.as(SERVICE).tryRpc('next_notification_due', {}),
        (p) => call(p).tryRpc('next_notification_due', {}),
      ],
      ['notification_trouble', () => db.as(SERVICE).tryRpc('notification_trouble', {}), (p) => call(p).tryRpc('notification_trouble', {})],
      [
        'retry_failed_notifications',
        () => db.as(SERVICE).tryRpc('retry_failed_notifications', { p_now: new Date().toISOString() }),
        (p) => call(p).tryRpc('retry_failed_notifications', { p_now: new Date().toISOString() }),
      ],
      [
        'purge_notifications',
        () => db.as(SERVICE).tryRpc('purge_notifications', { p_now: new Date().toISOString() }),
        (p) => call(p).tryRpc('purge_notifications', { p_now: new Date().toISOString() }),
      ],
      [
        'unsubscribe_notifications',
        () => db.as(SERVICE).tryRpc('unsubscribe_notifications', { p_user: w.parent.id, p_kind: 'meeting_reminder' }),
        (p) => call(p).tryRpc('unsubscribe_notifications', { p_user: w.parent.id, p_kind: 'meeting_reminder' }),
      ],
    ];
    it.each(service)('%s: the service role may; every persona is refused by the grants', async (_name, asService, asPersona) => {
      await asService();
      for (const p of PERSONAS) expect(await outcome(() => asPersona(p)), p).toBe('forbidden');
    });
    it("push_subscriptions_of: the service role reads a person's devices", async () => {
      expect(await db.as(SERVICE).rpc('push_subscriptions_of', { p_user: w.parent.id })).toHaveLength(1);
    });
  });
});
