import type { AstroGlobal } from 'astro';
import type { School, SchoolRole } from '~/domain/rpc/index.ts';
import { classDeviceToken } from './class-mode.ts';
import type { SessionUser } from './port.ts';

/**
 * What a page needs before it renders: a signed-in person, or a role in a school. These
 * shape the experience (a sign-in page instead of an empty one); the database's policies
 * are what actually decide who sees what.
 */
type Ctx = Pick<AstroGlobal, 'locals' | 'url' | 'redirect' | 'rewrite' | 'cookies'>;

export function signInPath(lang: string, next: string): string {
  return `/${lang}/sign-in?next=${encodeURIComponent(next)}`;
}

export function requireUser(ctx: Ctx, kind: SessionUser['kind'] = 'person'): SessionUser | Response {
  const user = ctx.locals.user;
  // A pupil's page on a class device after "Done" (or Back): the class's names, never the
  // adults' sign-in page.
  if (!user && kind === 'pupil' && classDeviceToken(ctx.cookies)) return ctx.redirect(`/${ctx.locals.lang}/class`, 303);
  if (!user) return ctx.redirect(signInPath(ctx.locals.lang, ctx.url.pathname + ctx.url.search), 303);
  if (user.kind !== kind) return ctx.redirect(kind === 'pupil' ? `/${ctx.locals.lang}/app` : `/${ctx.locals.lang}/pupil`, 303);
  return user;
}

export interface SchoolContext {
  school: School;
  roles: Set<SchoolRole>;
  isAdmin: boolean;
  /** Admin, coach or teacher. */
  isStaff: boolean;
  /** Admin or coach: every class of the school, not only the ones they teach. */
  seesAllClasses: boolean;
}

/** The school of a `/s/[school]/…` page and the caller's roles in it (none for a visitor). */
export async function loadSchool(ctx: Pick<Ctx, 'locals'>, slug: string | undefined): Promise<SchoolContext | null> {
  if (!slug) return null;
  const { backend, user } = ctx.locals;
  const [school] = await backend.db.rpc('school_by_slug', { p_slug: slug.slice(0, 40) });
  if (!school) return null;
  const roles = new Set<SchoolRole>();
  if (user) {
    for (const m of await backend.db.rpc('my_memberships', {})) {
      if (m.school_id === school.id) roles.add(m.role);
    }
  }
  const has = (...r: SchoolRole[]) => r.some((role) => roles.has(role));
  return { school, roles, isAdmin: has('admin'), isStaff: has('admin', 'coach', 'teacher'), seesAllClasses: has('admin', 'coach') };
}

/** Only a school's staff (or only its admins) get past; everyone else gets a 404, not a hint. */
export async function requireSchoolStaff(
  ctx: Ctx,
  slug: string | undefined,
  level: 'staff' | 'admin' = 'staff',
): Promise<SchoolContext | Response> {
  const user = requireUser(ctx);
  if (user instanceof Response) return user;
  const school = await loadSchool(ctx, slug);
  if (!school || !(level === 'admin' ? school.isAdmin : school.isStaff)) return ctx.rewrite('/404');
  return school;
}

/** For actions: the signed-in person (not a pupil), or null. */
export function signedInPerson(ctx: Pick<Ctx, 'locals'>): SessionUser | null {
  const user = ctx.locals.user;
  return user?.kind === 'person' ? user : null;
}

/** For actions on a `/s/[school]/…` page: the school and the caller's roles, when they are staff (or admin). */
export function schoolStaff(level: 'staff' | 'admin' = 'staff') {
  return async (ctx: Pick<Ctx, 'locals'> & { params: Record<string, string | undefined> }): Promise<SchoolContext | null> => {
    if (!signedInPerson(ctx)) return null;
    const school = await loadSchool(ctx, ctx.params.school);
    if (!school || !(level === 'admin' ? school.isAdmin : school.isStaff)) return null;
    return school;
  };
}
