import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVICE } from '~/server/embedded/rpc.ts';
import {
  buildClassDevice,
  buildInvitation,
  buildPupil,
  buildUser,
  buildWorld,
  PERSONAS,
  type PersonaName,
  type World,
} from '../factories/index.ts';
import { DATABASES, outcome, type Outcome, type TestDb } from './harness.ts';

/** Every API function, called by every persona: what comes back, or which refusal. */

function table(t: Partial<Record<PersonaName, Outcome>>) {
  return PERSONAS.map((p) => [p, t[p] ?? 'TBD'] as const);
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

  it.each(
    table({ admin: 1, teacher: 1, coach: 1, otherTeacher: 1, otherStaff: 1, parent: 1, otherParent: 1, pupil: 1, otherPupil: 1, anon: 1 }),
  )('school_by_slug: %s → %s', async (p, n) =>
    expect(await outcome(() => call(p).rpc('school_by_slug', { p_slug: w.school.slug }))).toBe(n),
  );

  it.each(
    table({
      admin: 0,
      teacher: 0,
      coach: 0,
      otherTeacher: 0,
      otherStaff: 0,
      parent: 1,
      otherParent: 1,
      pupil: 0,
      otherPupil: 0,
      anon: 'forbidden',
    }),
  )('my_children: %s → %s', async (p, n) => expect(await outcome(() => call(p).rpc('my_children', {}))).toBe(n));

  it('my_children: each parent gets their own child, by name', async () => {
    expect((await call('parent').rpc('my_children', {})).map((c) => c.first_name)).toEqual(['Sara']);
    expect((await call('otherParent').rpc('my_children', {})).map((c) => c.first_name)).toEqual(['Daan']);
  });

  it.each(
    table({
      admin: 0,
      teacher: 0,
      coach: 0,
      otherTeacher: 0,
      otherStaff: 0,
      parent: 0,
      otherParent: 0,
      pupil: 1,
      otherPupil: 1,
      anon: 'forbidden',
    }),
  )('my_pupil: %s → %s', async (p, n) => expect(await outcome(() => call(p).rpc('my_pupil', {}))).toBe(n));

  it.each(
    table({
      admin: 1,
      teacher: 1,
      coach: 1,
      otherTeacher: 1,
      otherStaff: 1,
      parent: 1,
      otherParent: 1,
      pupil: 1,
      otherPupil: 1,
      anon: 'forbidden',
    }),
  )('my_memberships: %s → %s', async (p, n) => expect(await outcome(() => call(p).rpc('my_memberships', {}))).toBe(n));

  it.each(
    table({
      admin: 1,
      teacher: 1,
      coach: 1,
      otherTeacher: 1,
      otherStaff: 1,
      parent: 1,
      otherParent: 1,
      pupil: 0,
      otherPupil: 0,
      anon: 'forbidden',
    }),
  )('my_profile: %s → %s', async (p, n) => expect(await outcome(() => call(p).rpc('my_profile', {}))).toBe(n));

  it.each(
    table({
      admin: 1,
      teacher: 1,
      coach: 1,
      otherTeacher: 1,
      otherStaff: 1,
      parent: 1,
      otherParent: 1,
      pupil: 'forbidden',
      otherPupil: 'forbidden',
      anon: 'forbidden',
    }),
  )('update_my_profile: %s → %s', async (p, n) =>
    expect(await outcome(() => call(p).tryRpc('update_my_profile', { p_display_name: 'New name', p_locale: 'tr' }))).toBe(n),
  );

  it.each(
    table({
      admin: 1,
      teacher: 1,
      coach: 1,
      otherTeacher: 1,
      otherStaff: 1,
      parent: 1,
      otherParent: 1,
      pupil: 0,
      otherPupil: 0,
      anon: 'forbidden',
    }),
  )('set_my_translation_locales (only their own profile): %s → %s', async (p, n) =>
    expect(await outcome(() => call(p).tryRpc('set_my_translation_locales', { p_locales: ['ar', 'pl'] }))).toBe(n),
  );

  it.each(
    table({
      admin: 1,
      teacher: 0,
      coach: 0,
      otherTeacher: 0,
      otherStaff: 0,
      parent: 0,
      otherParent: 0,
      pupil: 0,
      otherPupil: 0,
      anon: 'forbidden',
    }),
  )('update_school: %s → %s', async (p, n) =>
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

  it.each(
    table({
      admin: 1,
      teacher: 0,
      coach: 0,
      otherTeacher: 0,
      otherStaff: 0,
      parent: 0,
      otherParent: 0,
      pupil: 0,
      otherPupil: 0,
      anon: 'forbidden',
    }),
  )('set_school_logo: %s → %s', async (p, n) =>
    expect(await outcome(() => call(p).tryRpc('set_school_logo', { p_school: w.school.id, p_logo_path: `${w.school.id}/logo.png` }))).toBe(
      n,
    ),
  );

  it.each(
    table({
      admin: 2,
      teacher: 1,
      coach: 2,
      otherTeacher: 1,
      otherStaff: 0,
      parent: 1,
      otherParent: 1,
      pupil: 1,
      otherPupil: 1,
      anon: 'forbidden',
    }),
  )('school_classes: %s → %s', async (p, n) =>
    expect(await outcome(() => call(p).rpc('school_classes', { p_school: w.school.id }))).toBe(n),
  );

  it.each(
    table({
      admin: 1,
      teacher: 'forbidden',
      coach: 'forbidden',
      otherTeacher: 'forbidden',
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

  it.each(
    table({
      admin: 1,
      teacher: 0,
      coach: 0,
      otherTeacher: 0,
      otherStaff: 0,
      parent: 0,
      otherParent: 0,
      pupil: 0,
      otherPupil: 0,
      anon: 'forbidden',
    }),
  )('delete_class: %s → %s', async (p, n) =>
    expect(await outcome(() => call(p).tryRpc('delete_class', { p_class: w.otherClass.id }))).toBe(n),
  );

  it.each(
    table({
      admin: 1,
      teacher: 1,
      coach: 1,
      otherTeacher: 0,
      otherStaff: 0,
      parent: 1,
      otherParent: 0,
      pupil: 1,
      otherPupil: 0,
      anon: 'forbidden',
    }),
  )('class_pupils: %s → %s', async (p, n) => expect(await outcome(() => call(p).rpc('class_pupils', { p_class: w.klass.id }))).toBe(n));

  it.each(
    table({
      admin: 2,
      teacher: 1,
      coach: 2,
      otherTeacher: 1,
      otherStaff: 0,
      parent: 1,
      otherParent: 1,
      pupil: 1,
      otherPupil: 1,
      anon: 'forbidden',
    }),
  )('school_pupils: %s → %s', async (p, n) => expect(await outcome(() => call(p).rpc('school_pupils', { p_school: w.school.id }))).toBe(n));

  it.each(
    table({
      admin: 2,
      teacher: 'forbidden',
      coach: 'forbidden',
      otherTeacher: 'forbidden',
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
      teacher: 1,
      coach: 1,
      otherTeacher: 'forbidden',
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

  it.each(
    table({
      admin: 1,
      teacher: 0,
      coach: 0,
      otherTeacher: 0,
      otherStaff: 0,
      parent: 0,
      otherParent: 0,
      pupil: 0,
      otherPupil: 0,
      anon: 'forbidden',
    }),
  )('remove_pupil: %s → %s', async (p, n) =>
    expect(await outcome(() => call(p).tryRpc('remove_pupil', { p_pupil: w.otherPupil.id }))).toBe(n),
  );

  // Only the admin manages the school's people.
  it.each(
    table({
      admin: 6,
      teacher: 0,
      coach: 0,
      otherTeacher: 0,
      otherStaff: 0,
      parent: 0,
      otherParent: 0,
      pupil: 0,
      otherPupil: 0,
      anon: 'forbidden',
    }),
  )('school_people: %s → %s', async (p, n) => expect(await outcome(() => call(p).rpc('school_people', { p_school: w.school.id }))).toBe(n));

  it.each(
    table({
      admin: 1,
      teacher: 'forbidden',
      coach: 'forbidden',
      otherTeacher: 'forbidden',
      otherStaff: 'forbidden',
      parent: 'forbidden',
      otherParent: 'forbidden',
      pupil: 'forbidden',
      otherPupil: 'forbidden',
      anon: 'forbidden',
    }),
  )('remove_person (the teacher): %s → %s', async (p, n) =>
    expect(await outcome(() => call(p).tryRpc('remove_person', { p_school: w.school.id, p_user: w.teacher.id }))).toBe(n),
  );

  // Who cannot even see the child gets nothing back; who can see it but may not link is refused.
  it.each(
    table({
      admin: 1,
      teacher: 0,
      coach: 'forbidden',
      otherTeacher: 'forbidden',
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

  it.each(
    table({
      admin: 1,
      teacher: 0,
      coach: 0,
      otherTeacher: 0,
      otherStaff: 0,
      parent: 0,
      otherParent: 0,
      pupil: 0,
      otherPupil: 0,
      anon: 'forbidden',
    }),
  )('unlink_guardian: %s → %s', async (p, n) =>
    expect(await outcome(() => call(p).tryRpc('unlink_guardian', { p_link: w.link.id }))).toBe(n),
  );

  it.each(
    table({
      admin: 1,
      teacher: 'forbidden',
      coach: 'forbidden',
      otherTeacher: 'forbidden',
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

  it.each(
    table({
      admin: 1,
      teacher: 0,
      coach: 0,
      otherTeacher: 0,
      otherStaff: 0,
      parent: 0,
      otherParent: 0,
      pupil: 0,
      otherPupil: 0,
      anon: 'forbidden',
    }),
  )('school_invitations: %s → %s', async (p, n) =>
    expect(await outcome(() => call(p).rpc('school_invitations', { p_school: w.school.id }))).toBe(n),
  );

  it.each(
    table({
      admin: 1,
      teacher: 0,
      coach: 0,
      otherTeacher: 0,
      otherStaff: 0,
      parent: 0,
      otherParent: 0,
      pupil: 0,
      otherPupil: 0,
      anon: 'forbidden',
    }),
  )('revoke_invitation: %s → %s', async (p, n) =>
    expect(await outcome(() => call(p).tryRpc('revoke_invitation', { p_invitation: w.invitation.id }))).toBe(n),
  );

  it.each(
    table({ admin: 1, teacher: 1, coach: 1, otherTeacher: 1, otherStaff: 1, parent: 1, otherParent: 1, pupil: 1, otherPupil: 1, anon: 1 }),
  )('invitation_preview: %s → %s', async (p, n) =>
    expect(await outcome(() => call(p).rpc('invitation_preview', { p_code: w.invitation.code }))).toBe(n),
  );

  it.each(
    table({
      admin: 1,
      teacher: 1,
      coach: 1,
      otherTeacher: 'forbidden',
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

  it.each(
    table({
      admin: 2,
      coach: 2,
      teacher: 1,
      otherTeacher: 1,
      otherStaff: 0,
      parent: 0,
      otherParent: 0,
      pupil: 0,
      otherPupil: 0,
      anon: 'forbidden',
    }),
  )('school_class_teachers: %s → %s', async (p, n) =>
    expect(await outcome(() => call(p).rpc('school_class_teachers', { p_school: w.school.id }))).toBe(n),
  );

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
  )('set_class_teachers: %s → %s', async (p, n) =>
    expect(await outcome(() => call(p).tryRpc('set_class_teachers', { p_class: w.klass.id, p_teachers: [w.teacher.id] }))).toBe(n),
  );

  describe('a pupil locked out until a teacher helps', () => {
    let locked: { id: string };
    beforeAll(async () => {
      locked = await buildPupil(db.owner, w.school.id, w.klass.id, { firstName: 'Lotte' });
      await db.owner.transaction((sql) =>
        sql.query('update private.pupil_codes set needs_teacher = true, lockouts = 3 where pupil_id = $1', [locked.id]),
      );
    });

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
        anon: 'forbidden',
      }),
    )('class_lockouts: %s sees %s', async (p, n) =>
      expect(await outcome(() => call(p).rpc('class_lockouts', { p_class: w.klass.id }))).toBe(n),
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
        pupil: 'forbidden',
        otherPupil: 'forbidden',
        anon: 'forbidden',
      }),
    )('unlock_pupil: %s → %s', async (p, n) => expect(await outcome(() => call(p).tryRpc('unlock_pupil', { p_pupil: locked.id }))).toBe(n));
  });

  it('every function of the API registry is called by the personas in these tests', async () => {
    const { RPC } = await import('~/domain/rpc/index.ts');
    const { readdirSync, readFileSync } = await import('node:fs');
    // Every db test file that puts the personas through functions (the per-area files included).
    const source = readdirSync(new URL('.', import.meta.url))
      .filter((f) => f.endsWith('.test.ts') && !['schema.test.ts', 'contract.test.ts'].includes(f))
      .map((f) => readFileSync(new URL(f, import.meta.url), 'utf8'))
      .join('\n');
    expect(Object.keys(RPC).filter((name) => !source.includes(`'${name}'`))).toEqual([]);
  });

  describe('server-only functions refuse every persona and answer the service role', () => {
    const serverOnly = [
      ['class_device_roster', () => ({ p_device_token: w.device.token })],
      ['close_class_device', () => ({ p_device_token: 'x' })],
      ['pupil_sign_in', () => ({ p_device_token: w.device.token, p_pupil: w.pupil.id, p_code: 'sun-cat-apple' })],
      ['link_pupil_user', () => ({ p_pupil: w.pupil.id, p_user: w.pupil.user!.id })],
      ['record_sign_in_event', () => ({ p_kind: 'pupil', p_outcome: 'ok' })],
      ['auth_limit_state', () => ({ p_keys: ['a'.repeat(64)] })],
      ['auth_limit_hit', () => ({ p_key: 'a'.repeat(64), p_limit: 5, p_window_seconds: 60, p_lock_seconds: 60, p_max_lock_seconds: 600 })],
      ['auth_limit_clear', () => ({ p_keys: ['a'.repeat(64)] })],
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
      const inv = await buildInvitation(db.owner, w.otherSchool.id, { role: 'teacher' });
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
      expect(await outcome(() => dressedUp.rpc('school_people', { p_school: w.school.id }))).toBe(0);
    });

    it('a claim of service_role inside an authenticated session changes nothing', async () => {
      const sneaky = db.as({ ...w.personas.parent, user_role: 'service_role', is_admin: true });
      expect(await outcome(() => sneaky.rpc('class_pupils', { p_class: w.otherClass.id }))).toBe(0);
    });

    it('removing a guardian link cuts access at once; removing a person ends every role and link they had', async () => {
      const extra = await buildUser(db.owner);
      await db.owner.transaction(async (sql) => {
        await sql.query(`insert into public.memberships (school_id, user_id, role) values ($1, $2, 'parent'), ($1, $2, 'teacher')`, [
          w.school.id,
          extra.id,
        ]);
      });
      const admin = db.as(w.personas.admin);
      const [link] = await admin.rpc('link_guardian', { p_pupil: w.otherPupil.id, p_parent: extra.id });
      await admin.rpc('set_class_teachers', { p_class: w.klass.id, p_teachers: [w.teacher.id, extra.id] });
      const me = db.as(extra.claims);
      expect((await me.rpc('my_children', {})).map((c) => c.first_name)).toEqual(['Daan']);
      expect((await me.rpc('class_pupils', { p_class: w.klass.id })).map((p) => p.first_name)).toContain('Sara'); // as the class's teacher

      await admin.rpc('unlink_guardian', { p_link: link!.id });
      expect(await me.rpc('my_children', {})).toEqual([]);

      await admin.rpc('link_guardian', { p_pupil: w.otherPupil.id, p_parent: extra.id });
      expect(await admin.rpc('remove_person', { p_school: w.school.id, p_user: extra.id })).toBe(4); // 2 roles, 1 class, 1 link
      expect(await me.rpc('my_children', {})).toEqual([]);
      expect(await me.rpc('class_pupils', { p_class: w.klass.id })).toEqual([]);
      expect(await outcome(() => me.tryRpc('open_class_mode', { p_class: w.klass.id }))).toBe('forbidden');
      expect((await admin.rpc('school_people', { p_school: w.school.id })).map((p) => p.user_id)).not.toContain(extra.id);
    });

    it('a removed parent who joins another school does not see the first school’s child (outside test, hole 1)', async () => {
      const mum = await buildUser(db.owner);
      await db.owner.transaction((sql) =>
        sql.query(`insert into public.memberships (school_id, user_id, role) values ($1, $2, 'parent')`, [w.school.id, mum.id]),
      );
      const admin = db.as(w.personas.admin);
      await admin.rpc('link_guardian', { p_pupil: w.pupil.id, p_parent: mum.id });
      const me = db.as(mum.claims);
      expect((await me.rpc('my_children', {})).map((c) => c.first_name)).toEqual(['Sara']);
      await admin.rpc('remove_person', { p_school: w.school.id, p_user: mum.id });
      // Joins the other school as a parent.
      await db.owner.transaction((sql) =>
        sql.query(`insert into public.memberships (school_id, user_id, role) values ($1, $2, 'parent')`, [w.otherSchool.id, mum.id]),
      );
      expect(await me.rpc('my_children', {})).toEqual([]);
      expect(await me.query('select id from public.pupils where id = $1', [w.pupil.id])).toEqual([]);
      expect(await me.query('select id from public.guardian_links where parent_user_id = $1', [mum.id])).toEqual([]);
    });

    it('a link left behind without a role shows nothing, and the People page still lists the person', async () => {
      const dad = await buildUser(db.owner);
      await db.owner.transaction(async (sql) => {
        // As an older version (or a direct write) could leave it: a link, no parent role.
        await sql.query('insert into public.guardian_links (school_id, pupil_id, parent_user_id) values ($1, $2, $3)', [
          w.school.id,
          w.pupil.id,
          dad.id,
        ]);
      });
      expect(await db.as(dad.claims).rpc('my_children', {})).toEqual([]);
      expect(await db.as(dad.claims).query('select id from public.pupils where id = $1', [w.pupil.id])).toEqual([]);
      const people = await db.as(w.personas.admin).rpc('school_people', { p_school: w.school.id });
      expect(people.find((p) => p.user_id === dad.id)).toMatchObject({ roles: [], children: [{ first_name: 'Sara' }] });
    });
  });

  describe('pupil sign-in (server only)', () => {
    it('accepts the right code, counts wrong ones, and locks after five', async () => {
      const service = db.as(SERVICE);
      const device = await buildClassDevice(db.owner, w.school.id, w.klass.id, w.teacher.id);
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
      const [fresh] = await db.as(w.personas.teacher).rpc('reset_pupil_codes', { p_class: w.klass.id, p_pupils: [w.pupil.id] });
      expect((await attempt(fresh!.picture_code)).status).toBe('ok');
    });

    it('lock-outs escalate: 5 minutes, then 15, then until a teacher of the class unlocks; the teacher sees it (hole 9)', async () => {
      const service = db.as(SERVICE);
      const pupil = await buildPupil(db.owner, w.school.id, w.klass.id, { firstName: 'Noor' });
      const device = await buildClassDevice(db.owner, w.school.id, w.klass.id, w.teacher.id);
      const attempt = (code: string) =>
        service.rpc('pupil_sign_in', { p_device_token: device.token, p_pupil: pupil.id, p_code: code }).then((r) => r[0]!);
      const fiveWrong = async () => {
        let last = await attempt('ball-ball-ball');
        for (let i = 1; i < 5; i++) last = await attempt('ball-ball-ball');
        return last;
      };
      const minutesLocked = (until: string | null) => (new Date(until!).getTime() - Date.now()) / 60_000;
      const waitItOut = () =>
        db.owner.transaction((sql) =>
          sql.query(`update private.pupil_codes set locked_until = now() - interval '1 second' where pupil_id = $1`, [pupil.id]),
        );

      const first = await fiveWrong();
      expect(first.status).toBe('locked');
      expect(minutesLocked(first.locked_until)).toBeGreaterThan(4);
      expect(minutesLocked(first.locked_until)).toBeLessThan(6);
      await waitItOut();
      const second = await fiveWrong();
      expect(second.status).toBe('locked');
      expect(minutesLocked(second.locked_until)).toBeGreaterThan(14);
      await waitItOut();
      expect((await fiveWrong()).status).toBe('needs_teacher');
      // Now not even the right code helps, and no waiting: a teacher has to see it.
      expect((await attempt('sun-cat-apple')).status).toBe('needs_teacher');
      const roster = await service.rpc('class_device_roster', { p_device_token: device.token });
      expect(roster[0]!.pupils.find((p) => p.pupil_id === pupil.id)?.needs_teacher).toBe(true);
      const lockoutsOf = async (persona: PersonaName) =>
        (await db.as(w.personas[persona]).rpc('class_lockouts', { p_class: w.klass.id })).filter((l) => l.pupil_id === pupil.id);
      expect(await lockoutsOf('teacher')).toEqual([expect.objectContaining({ needs_teacher: true, lockouts: 3 })]);
      expect(await lockoutsOf('otherTeacher')).toEqual([]);
      expect(await outcome(() => db.as(w.personas.otherTeacher).tryRpc('unlock_pupil', { p_pupil: pupil.id }))).toBe('forbidden');
      expect(await outcome(() => db.as(w.personas.parent).tryRpc('unlock_pupil', { p_pupil: pupil.id }))).toBe('forbidden');
      await db.as(w.personas.teacher).rpc('unlock_pupil', { p_pupil: pupil.id });
      expect((await attempt('sun-cat-apple')).status).toBe('ok');
      expect(await lockoutsOf('teacher')).toEqual([]);
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
      // The roster is the device's class only: Daan (another class) is not on it.
      expect(roster[0]!.pupils.map((p) => p.first_name)).toContain('Sara');
      expect(roster[0]!.pupils.map((p) => p.first_name)).not.toContain('Daan');
    });
  });
});
