import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVICE } from '~/server/embedded/rpc.ts';
import { buildClassDevice, buildInvitation, buildUser, buildWorld, PERSONAS, type PersonaName, type World } from '../factories/index.ts';
import { DATABASES, outcome, type Outcome, type TestDb } from './harness.ts';

/** Every API function, called by every persona: what comes back, or which refusal. */

function table(t: Record<PersonaName, Outcome>) {
  return PERSONAS.map((p) => [p, t[p]] as const);
}

const ALL_FORBIDDEN = Object.fromEntries(PERSONAS.map((p) => [p, 'forbidden'])) as Record<PersonaName, Outcome>;

describe.each(DATABASES)('function access on %s', (_label, open) => {
  let db: TestDb;
  let w: World;

  beforeAll(async () => {
    db = await open();
    w = await buildWorld(db.owner);
  }, 60_000);
  afterAll(() => db?.close());

  const call = (p: PersonaName) => db.as(w.personas[p]);

  it.each(table({ admin: 1, staff: 1, otherStaff: 1, parent: 1, otherParent: 1, pupil: 1, otherPupil: 1, anon: 1 }))(
    'school_by_slug: %s → %s',
    async (p, n) => expect(await outcome(() => call(p).rpc('school_by_slug', { p_slug: w.school.slug }))).toBe(n),
  );

  it.each(table({ admin: 0, staff: 0, otherStaff: 0, parent: 1, otherParent: 1, pupil: 0, otherPupil: 0, anon: 'forbidden' }))(
    'my_children: %s → %s',
    async (p, n) => expect(await outcome(() => call(p).rpc('my_children', {}))).toBe(n),
  );

  it('my_children: each parent gets their own child, by name', async () => {
    expect((await call('parent').rpc('my_children', {})).map((c) => c.first_name)).toEqual(['Sara']);
    expect((await call('otherParent').rpc('my_children', {})).map((c) => c.first_name)).toEqual(['Daan']);
  });

  it.each(table({ admin: 0, staff: 0, otherStaff: 0, parent: 0, otherParent: 0, pupil: 1, otherPupil: 1, anon: 'forbidden' }))(
    'my_pupil: %s → %s',
    async (p, n) => expect(await outcome(() => call(p).rpc('my_pupil', {}))).toBe(n),
  );

  it.each(table({ admin: 1, staff: 1, otherStaff: 1, parent: 1, otherParent: 1, pupil: 1, otherPupil: 1, anon: 'forbidden' }))(
    'my_memberships: %s → %s',
    async (p, n) => expect(await outcome(() => call(p).rpc('my_memberships', {}))).toBe(n),
  );

  it.each(table({ admin: 1, staff: 1, otherStaff: 1, parent: 1, otherParent: 1, pupil: 0, otherPupil: 0, anon: 'forbidden' }))(
    'my_profile: %s → %s',
    async (p, n) => expect(await outcome(() => call(p).rpc('my_profile', {}))).toBe(n),
  );

  it.each(
    table({ admin: 1, staff: 1, otherStaff: 1, parent: 1, otherParent: 1, pupil: 'forbidden', otherPupil: 'forbidden', anon: 'forbidden' }),
  )('update_my_profile: %s → %s', async (p, n) =>
    expect(await outcome(() => call(p).tryRpc('update_my_profile', { p_display_name: 'New name', p_locale: 'tr' }))).toBe(n),
  );

  it.each(table({ admin: 1, staff: 0, otherStaff: 0, parent: 0, otherParent: 0, pupil: 0, otherPupil: 0, anon: 'forbidden' }))(
    'update_school: %s → %s',
    async (p, n) =>
      expect(
        await outcome(() =>
          call(p).tryRpc('update_school', {
            p_school: w.school.id,
            p_name: 'De Nieuwe School',
            p_contact_name: '',
            p_contact_email: '',
            p_contact_phone: '',
            p_default_locale: 'nl',
          }),
        ),
      ).toBe(n),
  );

  it.each(table({ admin: 1, staff: 0, otherStaff: 0, parent: 0, otherParent: 0, pupil: 0, otherPupil: 0, anon: 'forbidden' }))(
    'set_school_logo: %s → %s',
    async (p, n) =>
      expect(
        await outcome(() => call(p).tryRpc('set_school_logo', { p_school: w.school.id, p_logo_path: `${w.school.id}/logo.png` })),
      ).toBe(n),
  );

  it.each(table({ admin: 2, staff: 2, otherStaff: 0, parent: 1, otherParent: 1, pupil: 1, otherPupil: 1, anon: 'forbidden' }))(
    'school_classes: %s → %s',
    async (p, n) => expect(await outcome(() => call(p).rpc('school_classes', { p_school: w.school.id }))).toBe(n),
  );

  it.each(
    table({
      admin: 1,
      staff: 'forbidden',
      otherStaff: 'forbidden',
      parent: 'forbidden',
      otherParent: 'forbidden',
      pupil: 'forbidden',
      otherPupil: 'forbidden',
      anon: 'forbidden',
    }),
  )('create_class: %s → %s', async (p, n) =>
    expect(
      await outcome(() => call(p).tryRpc('create_class', { p_school: w.school.id, p_name: 'Groep 8', p_school_year: '2026-2027' })),
    ).toBe(n),
  );

  it.each(table({ admin: 1, staff: 0, otherStaff: 0, parent: 0, otherParent: 0, pupil: 0, otherPupil: 0, anon: 'forbidden' }))(
    'delete_class: %s → %s',
    async (p, n) => expect(await outcome(() => call(p).tryRpc('delete_class', { p_class: w.otherClass.id }))).toBe(n),
  );

  it.each(table({ admin: 1, staff: 1, otherStaff: 0, parent: 1, otherParent: 0, pupil: 1, otherPupil: 0, anon: 'forbidden' }))(
    'class_pupils: %s → %s',
    async (p, n) => expect(await outcome(() => call(p).rpc('class_pupils', { p_class: w.klass.id }))).toBe(n),
  );

  it.each(table({ admin: 2, staff: 2, otherStaff: 0, parent: 1, otherParent: 1, pupil: 1, otherPupil: 1, anon: 'forbidden' }))(
    'school_pupils: %s → %s',
    async (p, n) => expect(await outcome(() => call(p).rpc('school_pupils', { p_school: w.school.id }))).toBe(n),
  );

  it.each(
    table({
      admin: 2,
      staff: 'forbidden',
      otherStaff: 'forbidden',
      parent: 'forbidden',
      otherParent: 'forbidden',
      pupil: 'forbidden',
      otherPupil: 'forbidden',
      anon: 'forbidden',
    }),
  )('add_pupils: %s → %s', async (p, n) =>
    expect(await outcome(() => call(p).tryRpc('add_pupils', { p_class: w.klass.id, p_names: ['Noor', 'Ibrahim'] }))).toBe(n),
  );

  it('add_pupils: returns a three-picture code per pupil and refuses a name already in the class', async () => {
    const added = await call('admin').tryRpc('add_pupils', { p_class: w.klass.id, p_names: ['Noor'] });
    expect(added[0]?.picture_code).toMatch(
      /^(apple|bike|cat|sun|tree|fish|star|house|ball)(-(apple|bike|cat|sun|tree|fish|star|house|ball)){2}$/,
    );
    await expect(call('admin').tryRpc('add_pupils', { p_class: w.klass.id, p_names: [' sara '] })).rejects.toMatchObject({
      code: 'duplicate_pupil_name',
      detail: 'sara',
    });
  });

  it.each(
    table({
      admin: 1,
      staff: 1,
      otherStaff: 'forbidden',
      parent: 'forbidden',
      otherParent: 'forbidden',
      pupil: 'forbidden',
      otherPupil: 'forbidden',
      anon: 'forbidden',
    }),
  )('reset_pupil_codes: %s → %s', async (p, n) =>
    expect(await outcome(() => call(p).tryRpc('reset_pupil_codes', { p_class: w.klass.id, p_pupils: [w.pupil.id] }))).toBe(n),
  );

  it.each(table({ admin: 1, staff: 0, otherStaff: 0, parent: 0, otherParent: 0, pupil: 0, otherPupil: 0, anon: 'forbidden' }))(
    'remove_pupil: %s → %s',
    async (p, n) => expect(await outcome(() => call(p).tryRpc('remove_pupil', { p_pupil: w.otherPupil.id }))).toBe(n),
  );

  it.each(table({ admin: 4, staff: 4, otherStaff: 0, parent: 1, otherParent: 1, pupil: 0, otherPupil: 0, anon: 'forbidden' }))(
    'school_people: %s → %s',
    async (p, n) => expect(await outcome(() => call(p).rpc('school_people', { p_school: w.school.id }))).toBe(n),
  );

  it.each(table({ admin: 1, staff: 0, otherStaff: 0, parent: 0, otherParent: 0, pupil: 0, otherPupil: 0, anon: 'forbidden' }))(
    "remove_membership (the teacher's): %s → %s",
    async (p, n) => {
      const [row] = await db.owner.transaction((sql) =>
        sql.query<{ id: string }>('select id from public.memberships where user_id = $1 and school_id = $2', [w.staff.id, w.school.id]),
      );
      expect(await outcome(() => call(p).tryRpc('remove_membership', { p_membership: row!.id }))).toBe(n);
    },
  );

  // Who cannot even see the child gets nothing back; who can see it but may not link is refused.
  it.each(
    table({
      admin: 1,
      staff: 'forbidden',
      otherStaff: 0,
      parent: 0,
      otherParent: 'forbidden',
      pupil: 0,
      otherPupil: 'forbidden',
      anon: 'forbidden',
    }),
  )('link_guardian (parent to another child): %s → %s', async (p, n) =>
    expect(await outcome(() => call(p).tryRpc('link_guardian', { p_pupil: w.otherPupil.id, p_parent: w.parent.id }))).toBe(n),
  );

  it.each(table({ admin: 1, staff: 0, otherStaff: 0, parent: 0, otherParent: 0, pupil: 0, otherPupil: 0, anon: 'forbidden' }))(
    'unlink_guardian: %s → %s',
    async (p, n) => expect(await outcome(() => call(p).tryRpc('unlink_guardian', { p_link: w.link.id }))).toBe(n),
  );

  it.each(
    table({
      admin: 1,
      staff: 'forbidden',
      otherStaff: 'forbidden',
      parent: 'forbidden',
      otherParent: 'forbidden',
      pupil: 'forbidden',
      otherPupil: 'forbidden',
      anon: 'forbidden',
    }),
  )('create_invitation: %s → %s', async (p, n) =>
    expect(
      await outcome(() =>
        call(p).tryRpc('create_invitation', {
          p_school: w.school.id,
          p_role: 'parent',
          p_pupils: [w.pupil.id],
          p_locale: 'ar',
          p_label: '',
        }),
      ),
    ).toBe(n),
  );

  it('create_invitation: an admin cannot name a child of another school', async () => {
    expect(
      await outcome(() =>
        call('admin').tryRpc('create_invitation', {
          p_school: w.school.id,
          p_role: 'parent',
          p_pupils: [w.otherSchoolPupil.id],
          p_locale: 'nl',
          p_label: '',
        }),
      ),
    ).toBe('forbidden');
  });

  it.each(table({ admin: 1, staff: 0, otherStaff: 0, parent: 0, otherParent: 0, pupil: 0, otherPupil: 0, anon: 'forbidden' }))(
    'school_invitations: %s → %s',
    async (p, n) => expect(await outcome(() => call(p).rpc('school_invitations', { p_school: w.school.id }))).toBe(n),
  );

  it.each(table({ admin: 1, staff: 0, otherStaff: 0, parent: 0, otherParent: 0, pupil: 0, otherPupil: 0, anon: 'forbidden' }))(
    'revoke_invitation: %s → %s',
    async (p, n) => expect(await outcome(() => call(p).tryRpc('revoke_invitation', { p_invitation: w.invitation.id }))).toBe(n),
  );

  it.each(table({ admin: 1, staff: 1, otherStaff: 1, parent: 1, otherParent: 1, pupil: 1, otherPupil: 1, anon: 1 }))(
    'invitation_preview: %s → %s',
    async (p, n) => expect(await outcome(() => call(p).rpc('invitation_preview', { p_code: w.invitation.code }))).toBe(n),
  );

  it.each(
    table({
      admin: 1,
      staff: 1,
      otherStaff: 'forbidden',
      parent: 'forbidden',
      otherParent: 'forbidden',
      pupil: 'forbidden',
      otherPupil: 'forbidden',
      anon: 'forbidden',
    }),
  )('open_class_mode: %s → %s', async (p, n) =>
    expect(await outcome(() => call(p).tryRpc('open_class_mode', { p_class: w.klass.id }))).toBe(n),
  );

  describe('server-only functions refuse every persona and answer the service role', () => {
    const serverOnly = [
      ['class_device_roster', () => ({ p_device_token: w.device.token })],
      ['close_class_device', () => ({ p_device_token: 'x' })],
      ['pupil_sign_in', () => ({ p_device_token: w.device.token, p_pupil: w.pupil.id, p_code: 'sun-cat-apple' })],
      ['link_pupil_user', () => ({ p_pupil: w.pupil.id, p_user: w.pupil.user!.id })],
      ['record_sign_in_event', () => ({ p_kind: 'pupil', p_outcome: 'ok' })],
      ['auth_throttle_check', () => ({ p_key: 'a'.repeat(64) })],
      ['auth_throttle_fail', () => ({ p_key: 'a'.repeat(64) })],
      ['auth_throttle_reset', () => ({ p_key: 'a'.repeat(64) })],
    ] as const;

    it.each(serverOnly)('%s', async (name, args) => {
      for (const p of PERSONAS) {
        expect(await outcome(() => call(p).tryRpc(name, args() as never)), `${name} as ${p}`).toBe(ALL_FORBIDDEN[p]);
      }
      await expect(db.as(SERVICE).tryRpc(name, args() as never)).resolves.not.toThrow();
    });
  });

  describe('redeeming an invitation', () => {
    it('makes a new person a parent of the school and links their children', async () => {
      const newcomer = await buildUser(db.owner);
      const inv = await buildInvitation(db.owner, w.school.id, { role: 'parent', pupils: [w.otherPupil.id] });
      const me = db.as(newcomer.claims);
      expect(await me.rpc('my_children', {})).toEqual([]);
      const [res] = await me.rpc('redeem_invitation', {
        p_code: inv.code.toLowerCase(),
        p_school_slug: w.school.slug,
        p_display_name: 'Olena',
        p_locale: 'uk',
      });
      expect(res).toEqual({ school_slug: w.school.slug, role: 'parent' });
      expect((await me.rpc('my_children', {})).map((c) => c.first_name)).toEqual(['Daan']);
      expect((await me.rpc('my_profile', {}))[0]).toMatchObject({ display_name: 'Olena', locale: 'uk' });
      // Single use.
      const other = await buildUser(db.owner);
      await expect(
        db.as(other.claims).rpc('redeem_invitation', { p_code: inv.code, p_school_slug: null, p_display_name: 'X', p_locale: 'nl' }),
      ).rejects.toMatchObject({ code: 'invitation_used' });
    });

    it('refuses a code of another school, an expired code, an unknown code, and anonymous callers', async () => {
      const newcomer = await buildUser(db.owner);
      const me = db.as(newcomer.claims);
      const inv = await buildInvitation(db.owner, w.otherSchool.id, { role: 'staff' });
      await expect(
        me.tryRpc('redeem_invitation', { p_code: inv.code, p_school_slug: w.school.slug, p_display_name: 'X', p_locale: 'nl' }),
      ).rejects.toMatchObject({
        code: 'invitation_other_school',
      });
      const expired = await buildInvitation(db.owner, w.school.id, { expiresAt: '2020-01-01T00:00:00Z' });
      await expect(
        me.tryRpc('redeem_invitation', { p_code: expired.code, p_school_slug: null, p_display_name: 'X', p_locale: 'nl' }),
      ).rejects.toMatchObject({
        code: 'invitation_expired',
      });
      await expect(
        me.tryRpc('redeem_invitation', { p_code: 'ZZZZZ-ZZZZZ', p_school_slug: null, p_display_name: 'X', p_locale: 'nl' }),
      ).rejects.toMatchObject({
        code: 'invitation_not_found',
      });
      await expect(
        db.as(w.personas.anon).tryRpc('redeem_invitation', { p_code: inv.code, p_school_slug: null, p_display_name: 'X', p_locale: 'nl' }),
      ).rejects.toMatchObject({ code: 'forbidden' });
    });
  });

  it('a parent with children in two schools sees both under one login, each with its school', async () => {
    const { buildGuardianLink, buildMembership } = await import('../factories/index.ts');
    const parent = await buildUser(db.owner);
    await buildMembership(db.owner, w.school.id, parent.id, 'parent');
    await buildMembership(db.owner, w.otherSchool.id, parent.id, 'parent');
    await buildGuardianLink(db.owner, w.school.id, w.pupil.id, parent.id);
    await buildGuardianLink(db.owner, w.otherSchool.id, w.otherSchoolPupil.id, parent.id);
    const children = await db.as(parent.claims).rpc('my_children', {});
    expect(children.map((c) => [c.first_name, c.school_slug]).sort()).toEqual(
      [
        ['Mila', w.otherSchool.slug],
        ['Sara', w.school.slug],
      ].sort(),
    );
  });

  describe('roles live in tables, not in claims', () => {
    it("editing one's own user metadata grants no role", async () => {
      await db.owner.transaction((sql) =>
        sql.query(`update auth.users set raw_user_meta_data = $2, raw_app_meta_data = $2 where id = $1`, [
          w.parent.id,
          JSON.stringify({ role: 'admin', school_id: w.school.id }),
        ]),
      );
      const dressedUp = db.as({ ...w.personas.parent, user_metadata: { role: 'admin' }, app_metadata: { role: 'admin' } });
      expect(
        await outcome(() => dressedUp.tryRpc('create_class', { p_school: w.school.id, p_name: 'Groep 1', p_school_year: '2026-2027' })),
      ).toBe('forbidden');
      expect(await outcome(() => dressedUp.rpc('school_people', { p_school: w.school.id }))).toBe(1);
    });

    it('a claim of service_role inside an authenticated session changes nothing', async () => {
      const sneaky = db.as({ ...w.personas.parent, user_role: 'service_role', is_admin: true });
      expect(await outcome(() => sneaky.rpc('class_pupils', { p_class: w.otherClass.id }))).toBe(0);
    });

    it('removing a guardian link cuts access at once; removing a staff role too', async () => {
      const extra = await buildUser(db.owner);
      await db.owner.transaction(async (sql) => {
        await sql.query(`insert into public.memberships (school_id, user_id, role) values ($1, $2, 'parent'), ($1, $2, 'staff')`, [
          w.school.id,
          extra.id,
        ]);
      });
      const [link] = await db.as(w.personas.admin).rpc('link_guardian', { p_pupil: w.otherPupil.id, p_parent: extra.id });
      const me = db.as(extra.claims);
      expect((await me.rpc('my_children', {})).map((c) => c.first_name)).toEqual(['Daan']);
      expect((await me.rpc('class_pupils', { p_class: w.klass.id })).length).toBe(1); // as staff

      await db.as(w.personas.admin).rpc('unlink_guardian', { p_link: link!.id });
      expect(await me.rpc('my_children', {})).toEqual([]);

      const [staffRow] = await db.owner.transaction((sql) =>
        sql.query<{ id: string }>(`select id from public.memberships where user_id = $1 and role = 'staff'`, [extra.id]),
      );
      await db.as(w.personas.admin).rpc('remove_membership', { p_membership: staffRow!.id });
      expect(await me.rpc('class_pupils', { p_class: w.klass.id })).toEqual([]);
      expect(await outcome(() => me.tryRpc('open_class_mode', { p_class: w.klass.id }))).toBe('forbidden');
    });
  });

  describe('pupil sign-in (server only)', () => {
    it('accepts the right code, counts wrong ones, and locks after five', async () => {
      const service = db.as(SERVICE);
      const device = await buildClassDevice(db.owner, w.school.id, w.klass.id, w.staff.id);
      const attempt = (code: string) =>
        service.rpc('pupil_sign_in', { p_device_token: device.token, p_pupil: w.pupil.id, p_code: code }).then((r) => r[0]!);

      expect(await attempt('sun-cat-apple')).toMatchObject({ status: 'ok', pupil_user_id: w.pupil.user!.id, first_name: 'Sara' });
      for (let left = 4; left >= 1; left--) {
        expect(await attempt('cat-cat-cat')).toMatchObject({ status: 'wrong_code', attempts_left: left });
      }
      const locked = await attempt('cat-cat-cat');
      expect(locked.status).toBe('locked');
      expect(new Date(locked.locked_until!).getTime() - Date.now()).toBeGreaterThan(4 * 60_000);
      // Even the right code waits out the lock.
      expect((await attempt('sun-cat-apple')).status).toBe('locked');
      // A teacher's reset lifts it and gives a new code.
      const [fresh] = await db.as(w.personas.staff).rpc('reset_pupil_codes', { p_class: w.klass.id, p_pupils: [w.pupil.id] });
      expect((await attempt(fresh!.picture_code)).status).toBe('ok');
    });

    it('refuses a closed device and a pupil of another class', async () => {
      const service = db.as(SERVICE);
      expect(
        (await service.rpc('pupil_sign_in', { p_device_token: 'no-such-device', p_pupil: w.pupil.id, p_code: 'sun-cat-apple' }))[0]!.status,
      ).toBe('class_mode_closed');
      expect(
        (await service.rpc('pupil_sign_in', { p_device_token: w.device.token, p_pupil: w.otherPupil.id, p_code: 'sun-cat-apple' }))[0]!
          .status,
      ).toBe('unknown_pupil');
      const roster = await service.rpc('class_device_roster', { p_device_token: w.device.token });
      expect(roster[0]!.pupils.map((p) => p.first_name)).toEqual(['Sara']);
    });
  });
});
