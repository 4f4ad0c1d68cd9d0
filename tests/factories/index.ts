import { randomUUID } from 'node:crypto';
import type { Claims } from '~/server/embedded/rpc.ts';
import type { SqlEngine } from '~/server/embedded/sql.ts';

/**
 * Builders for test rows, written as the owner (as a migration or the server would),
 * with unique names so files can share one PostgreSQL server.
 */
const suffix = () => randomUUID().slice(0, 8);

async function insert<T>(db: SqlEngine, text: string, params: unknown[]): Promise<T> {
  const rows = await db.transaction((sql) => sql.query(text, params));
  return rows[0] as T;
}

export interface BuiltUser {
  id: string;
  email: string;
  claims: Claims;
}

export async function buildUser(db: SqlEngine, overrides: { email?: string; name?: string } = {}): Promise<BuiltUser> {
  const id = randomUUID();
  const email = overrides.email ?? `person-${suffix()}@test.example`;
  await db.transaction(async (sql) => {
    await sql.query('insert into auth.users (id, email, email_confirmed_at) values ($1, $2, now())', [id, email]);
    await sql.query('insert into public.profiles (user_id, display_name, email) values ($1, $2, $3)', [
      id,
      overrides.name ?? `Person ${email.slice(7, 11)}`,
      email,
    ]);
  });
  return { id, email, claims: { role: 'authenticated', sub: id, email, aud: 'authenticated' } };
}

export async function buildSchool(db: SqlEngine, overrides: { slug?: string; name?: string } = {}) {
  const slug = overrides.slug ?? `school-${suffix()}`;
  return insert<{ id: string; slug: string; name: string }>(
    db,
    'insert into public.schools (slug, name) values ($1, $2) returning id, slug, name',
    [slug, overrides.name ?? `School ${slug}`],
  );
}

export async function buildMembership(
  db: SqlEngine,
  schoolId: string,
  userId: string,
  role: 'admin' | 'coach' | 'teacher' | 'parent' | 'pupil',
) {
  return insert<{ id: string }>(db, 'insert into public.memberships (school_id, user_id, role) values ($1, $2, $3) returning id', [
    schoolId,
    userId,
    role,
  ]);
}

export async function buildClass(db: SqlEngine, schoolId: string, overrides: { name?: string; schoolYear?: string } = {}) {
  return insert<{ id: string; name: string }>(
    db,
    'insert into public.classes (school_id, name, school_year) values ($1, $2, $3) returning id, name',
    [schoolId, overrides.name ?? `Groep ${suffix().slice(0, 3)}`, overrides.schoolYear ?? '2026-2027'],
  );
}

/** A pupil with picture code `code` and, when `withUser`, their own sign-in identity. */
export async function buildPupil(
  db: SqlEngine,
  schoolId: string,
  classId: string,
  overrides: { firstName?: string; code?: string; withUser?: boolean } = {},
) {
  const pupil = await insert<{ id: string; first_name: string }>(
    db,
    'insert into public.pupils (school_id, class_id, first_name) values ($1, $2, $3) returning id, first_name',
    [schoolId, classId, overrides.firstName ?? `Kind ${suffix().slice(0, 4)}`],
  );
  await db.transaction((sql) =>
    sql.query('insert into private.pupil_codes (pupil_id, code_hash) values ($1, private.picture_code_hash($1, $2))', [
      pupil.id,
      overrides.code ?? 'sun-cat-apple',
    ]),
  );
  let user: BuiltUser | undefined;
  if (overrides.withUser) {
    const id = randomUUID();
    await db.transaction(async (sql) => {
      await sql.query('insert into auth.users (id) values ($1)', [id]);
      await sql.query('update public.pupils set user_id = $2 where id = $1', [pupil.id, id]);
      await sql.query(`insert into public.memberships (school_id, user_id, role) values ($1, $2, 'pupil')`, [schoolId, id]);
    });
    user = { id, email: '', claims: { role: 'authenticated', sub: id, aud: 'authenticated' } };
  }
  return { ...pupil, user };
}

export async function buildGuardianLink(db: SqlEngine, schoolId: string, pupilId: string, parentId: string) {
  return insert<{ id: string }>(
    db,
    'insert into public.guardian_links (school_id, pupil_id, parent_user_id) values ($1, $2, $3) returning id',
    [schoolId, pupilId, parentId],
  );
}

export async function buildInvitation(
  db: SqlEngine,
  schoolId: string,
  overrides: { role?: string; code?: string; expiresAt?: string; usedAt?: string; pupils?: string[] } = {},
) {
  const code =
    overrides.code ??
    `T${suffix()
      .toUpperCase()
      .replace(/[^0-9A-Z]/g, '0')}X`.slice(0, 10);
  const invitation = await insert<{ id: string }>(
    db,
    `insert into public.invitations (school_id, role, code_hash, expires_at, used_at)
     values ($1, $2, private.invitation_code_hash($3), coalesce($4::timestamptz, now() + interval '30 days'), $5::timestamptz)
     returning id`,
    [schoolId, overrides.role ?? 'parent', code, overrides.expiresAt ?? null, overrides.usedAt ?? null],
  );
  for (const pupilId of overrides.pupils ?? []) {
    await db.transaction((sql) =>
      sql.query('insert into public.invitation_pupils (invitation_id, pupil_id, school_id) values ($1, $2, $3)', [
        invitation.id,
        pupilId,
        schoolId,
      ]),
    );
  }
  return { ...invitation, code };
}

export async function buildClassDevice(db: SqlEngine, schoolId: string, classId: string, openedBy: string) {
  const token = `device-${randomUUID()}`;
  const row = await insert<{ id: string }>(
    db,
    `insert into public.class_devices (school_id, class_id, token_hash, opened_by, expires_at)
     values ($1, $2, private.token_hash($3), $4, now() + interval '2 hours') returning id`,
    [schoolId, classId, token, openedBy],
  );
  return { ...row, token };
}

export async function buildClassTeacher(db: SqlEngine, schoolId: string, classId: string, userId: string) {
  await db.transaction((sql) =>
    sql.query('insert into public.class_teachers (class_id, school_id, user_id) values ($1, $2, $3)', [classId, schoolId, userId]),
  );
}

/**
 * The persona world of the access tests: a school with an admin, a coach (intern begeleider), a
 * teacher of Groep 5 and a teacher of Groep 7, two pupils (Sara in Groep 5, Daan in Groep 7, each
 * with their own sign-in and parent), and a second school with its own staff.
 */
export async function buildWorld(db: SqlEngine) {
  const school = await buildSchool(db);
  const otherSchool = await buildSchool(db);
  const [admin, coach, teacher, otherTeacher, otherStaff, parent, otherParent] = await Promise.all([
    buildUser(db),
    buildUser(db),
    buildUser(db),
    buildUser(db),
    buildUser(db),
    buildUser(db),
    buildUser(db),
  ]);
  await buildMembership(db, school.id, admin.id, 'admin');
  await buildMembership(db, school.id, coach.id, 'coach');
  await buildMembership(db, school.id, teacher.id, 'teacher');
  await buildMembership(db, school.id, otherTeacher.id, 'teacher');
  await buildMembership(db, otherSchool.id, otherStaff.id, 'admin');
  await buildMembership(db, school.id, parent.id, 'parent');
  await buildMembership(db, school.id, otherParent.id, 'parent');
  const klass = await buildClass(db, school.id, { name: 'Groep 5' });
  const otherClass = await buildClass(db, school.id, { name: 'Groep 7' });
  const otherSchoolClass = await buildClass(db, otherSchool.id, { name: 'Groep 5' });
  await buildClassTeacher(db, school.id, klass.id, teacher.id);
  await buildClassTeacher(db, school.id, otherClass.id, otherTeacher.id);
  const pupil = await buildPupil(db, school.id, klass.id, { firstName: 'Sara', withUser: true });
  const otherPupil = await buildPupil(db, school.id, otherClass.id, { firstName: 'Daan', withUser: true });
  const otherSchoolPupil = await buildPupil(db, otherSchool.id, otherSchoolClass.id, { firstName: 'Mila' });
  const link = await buildGuardianLink(db, school.id, pupil.id, parent.id);
  const otherLink = await buildGuardianLink(db, school.id, otherPupil.id, otherParent.id);
  const invitation = await buildInvitation(db, school.id, { role: 'parent', pupils: [pupil.id] });
  const device = await buildClassDevice(db, school.id, klass.id, teacher.id);
  return {
    school,
    otherSchool,
    klass,
    otherClass,
    otherSchoolClass,
    admin,
    coach,
    teacher,
    otherTeacher,
    otherStaff,
    parent,
    otherParent,
    pupil,
    otherPupil,
    otherSchoolPupil,
    link,
    otherLink,
    invitation,
    device,
    personas: {
      admin: admin.claims,
      coach: coach.claims,
      teacher: teacher.claims,
      otherTeacher: otherTeacher.claims,
      otherStaff: otherStaff.claims,
      parent: parent.claims,
      otherParent: otherParent.claims,
      pupil: pupil.user!.claims,
      otherPupil: otherPupil.user!.claims,
      anon: { role: 'anon' } as Claims,
    },
  };
}

export type World = Awaited<ReturnType<typeof buildWorld>>;
export type PersonaName = keyof World['personas'];
export const PERSONAS: PersonaName[] = [
  'admin',
  'coach',
  'teacher',
  'otherTeacher',
  'otherStaff',
  'parent',
  'otherParent',
  'pupil',
  'otherPupil',
  'anon',
];
