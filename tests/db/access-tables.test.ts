import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWorld, PERSONAS, type PersonaName, type World } from '../factories/index.ts';
import { DATABASES, outcome, type Outcome, type TestDb } from './harness.ts';

/**
 * Who can select, insert, update and delete what, table by table, for every persona.
 * A denied SELECT shows nothing (or, where the role has no privilege at all, raises);
 * a denied UPDATE or DELETE touches zero rows; a denied INSERT raises.
 */
type Expect = Outcome;

function expectations(table: Partial<Record<PersonaName, Expect>>) {
  return PERSONAS.map((p) => [p, table[p] ?? 'TBD'] as const);
}

describe.each(DATABASES)('table access on %s', (_label, open) => {
  let db: TestDb;
  let w: World;

  beforeAll(async () => {
    db = await open();
    w = await buildWorld(db.owner);
  }, 60_000);
  afterAll(() => db?.close());

  const select = (p: PersonaName, text: string, params: (w: World) => unknown[]) =>
    outcome(() => db.as(w.personas[p]).query(text, params(w)));
  const write = (p: PersonaName, text: string, params: (w: World) => unknown[]) =>
    outcome(() => db.as(w.personas[p]).tryQuery(text, params(w)));

  describe('select', () => {
    it.each(
      expectations({
        admin: 2,
        teacher: 2,
        coach: 2,
        otherTeacher: 2,
        otherStaff: 2,
        parent: 2,
        otherParent: 2,
        pupil: 2,
        otherPupil: 2,
        anon: 2,
      }),
    )('schools: %s sees %s (public facts)', async (p, n) =>
      expect(await select(p, 'select * from public.schools where id = any($1)', (w) => [[w.school.id, w.otherSchool.id]])).toBe(n),
    );

    it.each(
      expectations({
        admin: 4,
        teacher: 3,
        coach: 4,
        otherTeacher: 3,
        otherStaff: 1,
        parent: 1,
        otherParent: 1,
        pupil: 0,
        otherPupil: 0,
        anon: 'error',
      }),
    )('profiles: %s sees %s', async (p, n) =>
      expect(
        await select(p, 'select * from public.profiles where user_id = any($1)', (w) => [
          [w.admin.id, w.teacher.id, w.otherStaff.id, w.parent.id, w.otherParent.id],
        ]),
      ).toBe(n),
    );

    it.each(
      expectations({
        admin: 8,
        teacher: 4,
        coach: 8,
        otherTeacher: 4,
        otherStaff: 1,
        parent: 1,
        otherParent: 1,
        pupil: 1,
        otherPupil: 1,
        anon: 'error',
      }),
    )('memberships: %s sees %s', async (p, n) =>
      expect(await select(p, 'select * from public.memberships where school_id = any($1)', (w) => [[w.school.id, w.otherSchool.id]])).toBe(
        n,
      ),
    );

    it.each(
      expectations({
        admin: 2,
        teacher: 1,
        coach: 2,
        otherTeacher: 1,
        otherStaff: 1,
        parent: 1,
        otherParent: 1,
        pupil: 1,
        otherPupil: 1,
        anon: 'error',
      }),
    )('classes: %s sees %s', async (p, n) =>
      expect(await select(p, 'select * from public.classes where school_id = any($1)', (w) => [[w.school.id, w.otherSchool.id]])).toBe(n),
    );

    it.each(
      expectations({
        admin: 2,
        teacher: 1,
        coach: 2,
        otherTeacher: 1,
        otherStaff: 1,
        parent: 1,
        otherParent: 1,
        pupil: 1,
        otherPupil: 1,
        anon: 'error',
      }),
    )('pupils: %s sees %s', async (p, n) =>
      expect(await select(p, 'select * from public.pupils where school_id = any($1)', (w) => [[w.school.id, w.otherSchool.id]])).toBe(n),
    );

    // The one rule for a current pupil (supabase/migrations/…_classes_pupils.sql) is a
    // security_invoker view: it reads pupils through the asker's policies, so each persona sees
    // through it exactly the pupils it sees in the table (nobody in this world has left).
    it.each(
      expectations({
        admin: 2,
        teacher: 1,
        coach: 2,
        otherTeacher: 1,
        otherStaff: 1,
        parent: 1,
        otherParent: 1,
        pupil: 1,
        otherPupil: 1,
        anon: 'error',
      }),
    )('private.current_pupils: %s sees %s, as in pupils (the policies apply through the view)', async (p, n) =>
      expect(
        await select(p, 'select * from private.current_pupils where school_id = any($1)', (w) => [[w.school.id, w.otherSchool.id]]),
      ).toBe(n),
    );

    it('pupils: a parent sees exactly their own child, a pupil exactly themselves', async () => {
      const names = async (p: PersonaName) =>
        (
          await db
            .as(w.personas[p])
            .query<{ first_name: string }>('select first_name from public.pupils where school_id = $1', [w.school.id])
        ).map((r) => r.first_name);
      expect(await names('parent')).toEqual(['Sara']);
      expect(await names('otherParent')).toEqual(['Daan']);
      expect(await names('pupil')).toEqual(['Sara']);
      expect(await names('otherPupil')).toEqual(['Daan']);
    });

    it.each(
      expectations({
        admin: 2,
        teacher: 1,
        coach: 2,
        otherTeacher: 1,
        otherStaff: 0,
        parent: 1,
        otherParent: 1,
        pupil: 0,
        otherPupil: 0,
        anon: 'error',
      }),
    )('guardian_links: %s sees %s', async (p, n) =>
      expect(await select(p, 'select * from public.guardian_links where school_id = $1', (w) => [w.school.id])).toBe(n),
    );

    it.each(
      expectations({
        admin: 1,
        teacher: 0,
        coach: 0,
        otherTeacher: 0,
        otherStaff: 0,
        parent: 0,
        otherParent: 0,
        pupil: 0,
        otherPupil: 0,
        anon: 'error',
      }),
    )('invitations: %s sees %s', async (p, n) =>
      expect(await select(p, 'select * from public.invitations where school_id = $1', (w) => [w.school.id])).toBe(n),
    );

    it.each(
      expectations({
        admin: 1,
        teacher: 0,
        coach: 0,
        otherTeacher: 0,
        otherStaff: 0,
        parent: 0,
        otherParent: 0,
        pupil: 0,
        otherPupil: 0,
        anon: 'error',
      }),
    )('invitation_pupils: %s sees %s', async (p, n) =>
      expect(await select(p, 'select * from public.invitation_pupils where school_id = $1', (w) => [w.school.id])).toBe(n),
    );

    it.each(
      expectations({
        admin: 1,
        teacher: 1,
        coach: 1,
        otherTeacher: 0,
        otherStaff: 0,
        parent: 0,
        otherParent: 0,
        pupil: 0,
        otherPupil: 0,
        anon: 'error',
      }),
    )('class_devices: %s sees %s', async (p, n) =>
      expect(await select(p, 'select * from public.class_devices where school_id = $1', (w) => [w.school.id])).toBe(n),
    );

    it.each(PERSONAS)('private.pupil_codes and auth.users: %s cannot read them at all', async (p) => {
      expect(await select(p, 'select * from private.pupil_codes', () => [])).toBe('error');
      expect(await select(p, 'select * from private.sign_in_events', () => [])).toBe('error');
      expect(await select(p, 'select id, email from auth.users', () => [])).toBe('error');
    });
  });

  describe('insert (a denied insert raises)', () => {
    it.each(
      expectations({
        admin: 'error',
        teacher: 'error',
        coach: 'error',
        otherTeacher: 'error',
        otherStaff: 'error',
        parent: 'error',
        otherParent: 'error',
        pupil: 'error',
        otherPupil: 'error',
        anon: 'error',
      }),
    )('schools: %s → %s', async (p, n) =>
      expect(await write(p, `insert into public.schools (slug, name) values ('new-school-x', 'New') returning id`, () => [])).toBe(n),
    );

    it.each(
      expectations({
        admin: 1,
        teacher: 'error',
        coach: 'error',
        otherTeacher: 'error',
        otherStaff: 'error',
        parent: 'error',
        otherParent: 'error',
        pupil: 'error',
        otherPupil: 'error',
        anon: 'error',
      }),
    )('classes: %s → %s', async (p, n) =>
      expect(
        await write(
          p,
          `insert into public.classes (school_id, name, school_year) values ($1, 'Groep 8', '2026-2027') returning id`,
          (w) => [w.school.id],
        ),
      ).toBe(n),
    );

    it.each(
      expectations({
        admin: 1,
        teacher: 'error',
        coach: 'error',
        otherTeacher: 'error',
        otherStaff: 'error',
        parent: 'error',
        otherParent: 'error',
        pupil: 'error',
        otherPupil: 'error',
        anon: 'error',
      }),
    )('pupils: %s → %s', async (p, n) =>
      expect(
        await write(p, `insert into public.pupils (school_id, class_id, first_name) values ($1, $2, 'Nieuw') returning id`, (w) => [
          w.school.id,
          w.klass.id,
        ]),
      ).toBe(n),
    );

    it.each(PERSONAS)('memberships: %s cannot give anyone (themselves included) a role', async (p) => {
      expect(
        await write(p, `insert into public.memberships (school_id, user_id, role) values ($1, $2, 'admin') returning id`, (w) => [
          w.school.id,
          w.personas[p].sub ?? w.parent.id,
        ]),
      ).toBe('error');
    });

    it.each(
      expectations({
        admin: 1,
        teacher: 'error',
        coach: 'error',
        otherTeacher: 'error',
        otherStaff: 'error',
        parent: 'error',
        otherParent: 'error',
        pupil: 'error',
        otherPupil: 'error',
        anon: 'error',
      }),
    )('guardian_links (parent to another child): %s → %s', async (p, n) =>
      expect(
        await write(p, 'insert into public.guardian_links (school_id, pupil_id, parent_user_id) values ($1, $2, $3) returning id', (w) => [
          w.school.id,
          w.otherPupil.id,
          w.parent.id,
        ]),
      ).toBe(n),
    );

    it('guardian_links: even an admin cannot link a pupil of another school', async () => {
      expect(
        await write(
          'admin',
          'insert into public.guardian_links (school_id, pupil_id, parent_user_id) values ($1, $2, $3) returning id',
          (w) => [w.school.id, w.otherSchoolPupil.id, w.parent.id],
        ),
      ).toBe('error');
    });

    it.each(
      expectations({
        admin: 1,
        teacher: 'error',
        coach: 'error',
        otherTeacher: 'error',
        otherStaff: 'error',
        parent: 'error',
        otherParent: 'error',
        pupil: 'error',
        otherPupil: 'error',
        anon: 'error',
      }),
    )('invitations: %s → %s', async (p, n) =>
      expect(
        await write(
          p,
          `insert into public.invitations (school_id, role, code_hash, created_by) values ($1, 'teacher', md5(random()::text), $2) returning id`,
          (w) => [w.school.id, w.personas[p].sub ?? null],
        ),
      ).toBe(n),
    );

    it.each(
      expectations({
        admin: 1,
        teacher: 1,
        coach: 1,
        otherTeacher: 'error',
        otherStaff: 'error',
        parent: 'error',
        otherParent: 'error',
        pupil: 'error',
        otherPupil: 'error',
        anon: 'error',
      }),
    )('class_devices: %s → %s', async (p, n) =>
      expect(
        await write(
          p,
          `insert into public.class_devices (school_id, class_id, token_hash, opened_by, expires_at) values ($1, $2, md5(random()::text), $3, now() + interval '1 hour') returning id`,
          (w) => [w.school.id, w.klass.id, w.personas[p].sub ?? null],
        ),
      ).toBe(n),
    );

    it.each(PERSONAS)('profiles: %s cannot create a profile for someone else', async (p) => {
      const other = await (async () => {
        const { buildUser } = await import('../factories/index.ts');
        return buildUser(db.owner);
      })();
      await db.owner.transaction((sql) => sql.query('delete from public.profiles where user_id = $1', [other.id]));
      expect(
        await write(p, `insert into public.profiles (user_id, display_name) values ($1, 'Someone') returning user_id`, () => [other.id]),
      ).toBe('error');
    });
  });

  describe('update (a denied update touches no row)', () => {
    it.each(
      expectations({
        admin: 1,
        teacher: 0,
        coach: 0,
        otherTeacher: 0,
        otherStaff: 0,
        parent: 0,
        otherParent: 0,
        pupil: 0,
        otherPupil: 0,
        anon: 'error',
      }),
    )('schools: %s → %s', async (p, n) =>
      expect(await write(p, `update public.schools set name = 'Renamed' where id = $1 returning id`, (w) => [w.school.id])).toBe(n),
    );

    it.each(
      expectations({
        admin: 1,
        teacher: 0,
        coach: 0,
        otherTeacher: 0,
        otherStaff: 0,
        parent: 0,
        otherParent: 0,
        pupil: 0,
        otherPupil: 0,
        anon: 'error',
      }),
    )('pupils: %s → %s', async (p, n) =>
      expect(await write(p, `update public.pupils set first_name = 'Renamed' where id = $1 returning id`, (w) => [w.pupil.id])).toBe(n),
    );

    it.each(
      expectations({
        admin: 1,
        teacher: 0,
        coach: 0,
        otherTeacher: 0,
        otherStaff: 0,
        parent: 0,
        otherParent: 0,
        pupil: 0,
        otherPupil: 0,
        anon: 'error',
      }),
    )('classes: %s → %s', async (p, n) =>
      expect(await write(p, `update public.classes set name = 'Groep 5b' where id = $1 returning id`, (w) => [w.klass.id])).toBe(n),
    );

    it.each(
      expectations({
        admin: 0,
        teacher: 0,
        coach: 0,
        otherTeacher: 0,
        otherStaff: 0,
        parent: 1,
        otherParent: 0,
        pupil: 0,
        otherPupil: 0,
        anon: 'error',
      }),
    )("profiles (the parent's): %s → %s", async (p, n) =>
      expect(
        await write(p, `update public.profiles set display_name = 'Changed' where user_id = $1 returning user_id`, (w) => [w.parent.id]),
      ).toBe(n),
    );

    it.each(PERSONAS)("memberships: %s cannot change a role (a parent's own included)", async (p) => {
      expect(
        await write(p, `update public.memberships set role = 'admin' where user_id = $1 returning id`, (w) => [w.parent.id]),
      ).toSatisfy((r: Expect) => r === 0 || r === 'error');
    });

    it.each(PERSONAS)('guardian_links: %s cannot move a link to another child', async (p) => {
      expect(
        await write(p, `update public.guardian_links set pupil_id = $2 where id = $1 returning id`, (w) => [w.link.id, w.otherPupil.id]),
      ).toSatisfy((r: Expect) => r === 0 || r === 'error');
    });
  });

  describe('delete (a denied delete touches no row)', () => {
    it.each(
      expectations({
        admin: 1,
        teacher: 0,
        coach: 0,
        otherTeacher: 0,
        otherStaff: 0,
        parent: 0,
        otherParent: 0,
        pupil: 0,
        otherPupil: 0,
        anon: 'error',
      }),
    )('pupils: %s → %s', async (p, n) =>
      expect(await write(p, 'delete from public.pupils where id = $1 returning id', (w) => [w.pupil.id])).toBe(n),
    );

    it.each(
      expectations({
        admin: 1,
        teacher: 0,
        coach: 0,
        otherTeacher: 0,
        otherStaff: 0,
        parent: 0,
        otherParent: 0,
        pupil: 0,
        otherPupil: 0,
        anon: 'error',
      }),
    )('guardian_links: %s → %s', async (p, n) =>
      expect(await write(p, 'delete from public.guardian_links where id = $1 returning id', (w) => [w.link.id])).toBe(n),
    );

    it.each(
      expectations({
        admin: 1,
        teacher: 0,
        coach: 0,
        otherTeacher: 0,
        otherStaff: 0,
        parent: 0,
        otherParent: 0,
        pupil: 0,
        otherPupil: 0,
        anon: 'error',
      }),
    )("memberships (the teacher's): %s → %s", async (p, n) =>
      expect(
        await write(p, `delete from public.memberships where user_id = $1 and school_id = $2 returning id`, (w) => [
          w.teacher.id,
          w.school.id,
        ]),
      ).toBe(n),
    );

    it('memberships: an admin cannot remove their own role (a school never loses its last admin by accident)', async () => {
      expect(await write('admin', 'delete from public.memberships where user_id = $1 returning id', (w) => [w.admin.id])).toBe(0);
    });

    it.each(
      expectations({
        admin: 1,
        teacher: 1,
        coach: 1,
        otherTeacher: 0,
        otherStaff: 0,
        parent: 0,
        otherParent: 0,
        pupil: 0,
        otherPupil: 0,
        anon: 'error',
      }),
    )('class_devices: %s → %s', async (p, n) =>
      expect(await write(p, 'delete from public.class_devices where id = $1 returning id', (w) => [w.device.id])).toBe(n),
    );

    it.each(
      expectations({
        admin: 1,
        teacher: 0,
        coach: 0,
        otherTeacher: 0,
        otherStaff: 0,
        parent: 0,
        otherParent: 0,
        pupil: 0,
        otherPupil: 0,
        anon: 'error',
      }),
    )('invitations: %s → %s', async (p, n) =>
      expect(await write(p, 'delete from public.invitations where id = $1 returning id', (w) => [w.invitation.id])).toBe(n),
    );

    it.each(
      expectations({
        admin: 1,
        teacher: 0,
        coach: 0,
        otherTeacher: 0,
        otherStaff: 0,
        parent: 0,
        otherParent: 0,
        pupil: 0,
        otherPupil: 0,
        anon: 'error',
      }),
    )('classes: %s → %s', async (p, n) =>
      expect(await write(p, 'delete from public.classes where id = $1 returning id', (w) => [w.otherClass.id])).toBe(n),
    );

    it.each(PERSONAS)('schools: %s cannot delete a school', async (p) => {
      expect(await write(p, 'delete from public.schools where id = $1 returning id', (w) => [w.school.id])).toSatisfy(
        (r: Expect) => r === 0 || r === 'error',
      );
    });
  });

  describe('storage (bucket policies check the school folder, never the bucket alone)', () => {
    const put = (p: PersonaName, bucket: string, folder: (w: World) => string) =>
      write(p, `insert into storage.objects (bucket_id, name, owner) values ($1, $2, $3) returning id`, (w) => [
        bucket,
        `${folder(w)}/${bucket}-${p}.png`,
        w.personas[p].sub ?? null,
      ]);

    it.each(
      expectations({
        admin: 1,
        teacher: 1,
        coach: 1,
        otherTeacher: 1,
        otherStaff: 'error',
        parent: 'error',
        otherParent: 'error',
        pupil: 'error',
        otherPupil: 'error',
        anon: 'error',
      }),
    )("school-assets upload into the school's folder: %s → %s", async (p, n) =>
      expect(await put(p, 'school-assets', (w) => w.school.id)).toBe(n),
    );

    it('no one can upload outside a school folder, or into another school’s folder', async () => {
      expect(await put('admin', 'school-assets', () => 'not-a-school')).toBe('error');
      expect(await put('admin', 'school-assets', (w) => w.otherSchool.id)).toBe('error');
    });

    it.each(
      expectations({
        admin: 1,
        teacher: 1,
        coach: 1,
        otherTeacher: 1,
        otherStaff: 'error',
        parent: 'error',
        otherParent: 'error',
        pupil: 'error',
        otherPupil: 'error',
        anon: 'error',
      }),
    )('exports upload: %s → %s', async (p, n) => expect(await put(p, 'exports', (w) => w.school.id)).toBe(n));

    it('only the school’s staff list its files: exports and school assets alike (hole 13: anon listed every school’s)', async () => {
      await db.owner.transaction((sql) =>
        sql.query(`insert into storage.objects (bucket_id, name, owner) values ('exports', $1, $2), ('school-assets', $3, $2)`, [
          `${w.school.id}/list.csv`,
          w.admin.id,
          `${w.school.id}/logo.png`,
        ]),
      );
      const seen = async (p: PersonaName) =>
        (
          await db
            .as(w.personas[p])
            .query<{ bucket_id: string }>('select bucket_id from storage.objects where name like $1 order by bucket_id', [
              `${w.school.id}/%`,
            ])
        ).map((r) => r.bucket_id);
      expect(await seen('teacher')).toEqual(['exports', 'school-assets']);
      expect(await seen('coach')).toEqual(['exports', 'school-assets']);
      expect(await seen('parent')).toEqual([]);
      expect(await seen('anon')).toEqual([]);
      expect(await seen('otherStaff')).toEqual([]);
      // Listing everything, as an anonymous PostgREST client would try: nothing.
      expect(await db.as(w.personas.anon).query('select name from storage.objects')).toEqual([]);
    });
  });
});
