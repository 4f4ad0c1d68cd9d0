import { z } from 'zod';

/**
 * The server's settings, read from the environment once. Half-set settings stop the start
 * with a clear message rather than falling back silently to another mode.
 */
export type Mode = 'supabase' | 'postgres' | 'pglite';

export interface Config {
  mode: Mode;
  supabase?: { url: string; anonKey: string; serviceRoleKey: string };
  /** DATABASE_URL: the login role the app switches roles from (like Supabase's authenticator). */
  databaseUrl?: string;
  /** DATABASE_ADMIN_URL: an owner login for migrations; DATABASE_URL when unset. */
  databaseAdminUrl?: string;
  dataDir: string;
  /** Whether a fresh embedded database gets the demo school (PORTAL_SEED=false turns it off). */
  seed: boolean;
}

const env = z.object({
  SUPABASE_URL: z.url().optional(),
  SUPABASE_ANON_KEY: z.string().min(1).optional(),
  SUPABASE_SERVICE_ROLE_KEY: z.string().min(1).optional(),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres://')
    .optional(),
  DATABASE_ADMIN_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres://')
    .optional(),
  PORTAL_DATA_DIR: z.string().min(1).default('.data'),
  PORTAL_SEED: z.enum(['true', 'false']).default('true'),
});

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(source: Record<string, string | undefined> = process.env): Config {
  // Empty strings count as unset: `SUPABASE_URL= npm start` should not half-enable a mode.
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = env.safeParse(cleaned);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`Setting ${issue.path.join('.')} is invalid: ${issue.message}`);
  }
  const e = parsed.data;
  const supabaseSet = [e.SUPABASE_URL, e.SUPABASE_ANON_KEY, e.SUPABASE_SERVICE_ROLE_KEY].filter(Boolean).length;
  const common = { dataDir: e.PORTAL_DATA_DIR, seed: e.PORTAL_SEED === 'true' };

  if (supabaseSet > 0) {
    if (supabaseSet < 3) {
      throw new ConfigError(
        'Supabase mode needs SUPABASE_URL, SUPABASE_ANON_KEY and SUPABASE_SERVICE_ROLE_KEY together; some are missing.',
      );
    }
    if (e.DATABASE_URL) {
      throw new ConfigError('Set either the SUPABASE_* settings or DATABASE_URL, not both.');
    }
    return {
      mode: 'supabase',
      supabase: { url: e.SUPABASE_URL!, anonKey: e.SUPABASE_ANON_KEY!, serviceRoleKey: e.SUPABASE_SERVICE_ROLE_KEY! },
      ...common,
    };
  }
  if (e.DATABASE_ADMIN_URL && !e.DATABASE_URL) {
    throw new ConfigError('DATABASE_ADMIN_URL is set without DATABASE_URL.');
  }
  if (e.DATABASE_URL) {
    return {
      mode: 'postgres',
      databaseUrl: e.DATABASE_URL,
      databaseAdminUrl: e.DATABASE_ADMIN_URL ?? e.DATABASE_URL,
      ...common,
    };
  }
  return { mode: 'pglite', ...common };
}

/** A connection string without its password, for the start-up log. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}
