/** @supabase/ssr keeps the session in `sb-<project>-auth-token` (split into `.0`, `.1` … when long). */
const SUPABASE_SESSION_COOKIE = /^sb-[a-z0-9-]+-auth-token(\.\d+)?$/;

/**
 * A Supabase session cookie (or a pupil's school-day cookie) is there, not yet verified. On its
 * own, so that asking does not load supabase-js (backend.ts, on every request).
 */
export function supabaseHasSession(cookieNames: readonly string[]): boolean {
  return cookieNames.some((name) => SUPABASE_SESSION_COOKIE.test(name) || name === 'portal_pupil_until');
}
