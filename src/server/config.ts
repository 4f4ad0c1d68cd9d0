import { basename, dirname, join, resolve, sep } from 'node:path';
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
  site: SiteConfig;
  /** Backups of the data folder: PGlite mode only (src/server/embedded/backup.ts). */
  backup?: BackupConfig;
  /** SMTP_URL and MAIL_FROM: real mail (both or neither). Without them, mail stays in the outbox (embedded) or is not sent. */
  smtp?: { url: string; from: string };
  /** VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY (both or neither), VAPID_SUBJECT: the keys Web Push is signed with. */
  vapid?: { publicKey: string; privateKey: string; subject?: string };
  /**
   * PORTAL_TEST_MODE=1: for the end-to-end tests on this machine only. It adds the dev clock
   * (/dev/clock: run the scheduled notifications as if it were another time) and lets push
   * subscriptions point at a local fake push service. Refused unless the portal runs embedded, with
   * the dev mailbox, on a loopback address and without SMTP: never where real people use it.
   */
  testMode?: boolean;
}

/** How the portal is reached: read at run time, never baked into the build. */
export interface SiteConfig {
  /** The one origin every absolute link (mails, letters, QR codes) is built from. */
  publicUrl: URL;
  /** Host names requests may arrive for: the public URL's, PORTAL_ALLOWED_HOSTS, and (embedded, local) loopback. */
  allowedHosts: ReadonlySet<string>;
  /** Addresses of reverse proxies whose X-Forwarded-For is believed (PORTAL_TRUSTED_PROXIES; `loopback` for one on this machine). */
  trustedProxies: ReadonlySet<string>;
  /** The dev mailbox shows sign-in mails to whoever sits at this machine (PORTAL_DEV_MAILBOX=1, embedded mode only). */
  devMailbox: boolean;
  /**
   * How many people share one network address (PORTAL_CLIENT_LIMIT_FACTOR, default 1): every
   * per-client sign-in limit is multiplied by it, for a school whose parents sign in together
   * from the school's Wi-Fi on a parents' evening. Per-address limits do not change.
   */
  clientLimitFactor: number;
}

/** Backups of the embedded database and its stored files (PGlite mode; see src/server/embedded/backup.ts). */
export interface BackupConfig {
  /** PORTAL_BACKUP_DIR: where backups go, outside the data folder (default: `<data folder>-backups` next to it). */
  dir: string;
  /** PORTAL_BACKUP_NIGHTLY=1: the running server makes one every night at 02:30 school time (Europe/Amsterdam). */
  nightly: boolean;
  /** PORTAL_BACKUP_KEEP: how many backups the folder keeps, the newest (default 14). */
  keep: number;
  /** PORTAL_BACKUP_INTERVAL_MINUTES: with nightly on, every so many minutes instead of at 02:30 (tests, or more often). */
  intervalMinutes?: number;
}

/** `portaal@school.nl` or `Basisschool De Regenboog <portaal@school.nl>` (a quoted name too). */
const MAIL_FROM_PATTERN = /^(?:[^<>@\r\n]*<[^\s<>@]+@[^\s<>@]+\.[^\s<>@]+>|[^\s<>@"]+@[^\s<>@]+\.[^\s<>@]+)$/;

const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]', '::1'];
export const LOOPBACK_ADDRESSES = ['127.0.0.1', '::1', '::ffff:127.0.0.1'];

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
  PORTAL_PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  PORTAL_ALLOWED_HOSTS: z.string().max(2000).optional(),
  PORTAL_TRUSTED_PROXIES: z.string().max(2000).optional(),
  PORTAL_DEV_MAILBOX: z.enum(['0', '1']).optional(),
  PORTAL_CLIENT_LIMIT_FACTOR: z
    .string()
    .regex(/^\d{1,2}$/, 'must be a whole number from 1 to 50')
    .refine((v) => Number(v) >= 1 && Number(v) <= 50, 'must be a whole number from 1 to 50')
    .optional(),
  PORTAL_BACKUP_DIR: z.string().max(1000).optional(),
  PORTAL_BACKUP_NIGHTLY: z.enum(['0', '1']).optional(),
  PORTAL_BACKUP_KEEP: z
    .string()
    .regex(/^\d{1,3}$/, 'must be a whole number from 1 to 365')
    .refine((v) => Number(v) >= 1 && Number(v) <= 365, 'must be a whole number from 1 to 365')
    .optional(),
  PORTAL_BACKUP_INTERVAL_MINUTES: z
    .string()
    .regex(/^\d{1,4}$/, 'must be a whole number of minutes from 1 to 1440')
    .refine((v) => Number(v) >= 1 && Number(v) <= 1440, 'must be a whole number of minutes from 1 to 1440')
    .optional(),
  PORT: z
    .string()
    .regex(/^\d{1,5}$/)
    .optional(),
  // Never echoed in a message: the URL carries the SMTP password.
  SMTP_URL: z
    .string()
    .max(2000)
    .refine(
      (v) => /^smtps?:\/\/\S+$/.test(v) && URL.canParse(v) && new URL(v).hostname !== '',
      'must look like smtp://user:password@host:587 or smtps://user:password@host:465 (special characters in the password percent-encoded)',
    )
    .optional(),
  VAPID_PUBLIC_KEY: z
    .string()
    .regex(/^[A-Za-z0-9_-]{86,88}={0,2}$/, 'must be the URL-safe base64 public key (npx web-push generate-vapid-keys)')
    .optional(),
  VAPID_PRIVATE_KEY: z
    .string()
    .regex(/^[A-Za-z0-9_-]{42,44}={0,2}$/, 'must be the URL-safe base64 private key (npx web-push generate-vapid-keys)')
    .optional(),
  VAPID_SUBJECT: z
    .string()
    .max(300)
    .regex(/^(mailto:[^\s@]+@[^\s@]+|https:\/\/\S+)$/, 'must be mailto:address or an https:// address')
    .optional(),
  PORTAL_TEST_MODE: z.enum(['0', '1']).optional(),
  MAIL_FROM: z
    .string()
    .max(300)
    .regex(MAIL_FROM_PATTERN, 'must be an address, optionally with a name: "Basisschool De Regenboog <portaal@school.nl>"')
    .optional(),
});

const list = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((v) => v.trim().toLowerCase())
    .filter(Boolean);

function siteConfig(e: z.infer<typeof env>, mode: Mode): SiteConfig {
  if (mode === 'supabase' && !e.PORTAL_PUBLIC_URL) {
    throw new ConfigError('Supabase mode needs PORTAL_PUBLIC_URL (the address parents and staff open, e.g. https://portaal.school.nl).');
  }
  const publicUrl = new URL(e.PORTAL_PUBLIC_URL ?? `http://localhost:${e.PORT ?? 4321}`);
  publicUrl.pathname = '/';
  publicUrl.search = '';
  publicUrl.hash = '';
  const local = LOOPBACK_HOSTS.includes(publicUrl.hostname);
  const allowedHosts = new Set([publicUrl.hostname, ...list(e.PORTAL_ALLOWED_HOSTS), ...(local ? LOOPBACK_HOSTS : [])]);
  const trustedProxies = new Set(list(e.PORTAL_TRUSTED_PROXIES).flatMap((p) => (p === 'loopback' ? LOOPBACK_ADDRESSES : [p])));
  if (e.PORTAL_DEV_MAILBOX === '1' && mode === 'supabase') {
    throw new ConfigError('PORTAL_DEV_MAILBOX is for embedded mode only: in Supabase mode, Supabase sends the sign-in mails.');
  }
  return {
    publicUrl,
    allowedHosts,
    trustedProxies,
    devMailbox: e.PORTAL_DEV_MAILBOX === '1',
    clientLimitFactor: Number(e.PORTAL_CLIENT_LIMIT_FACTOR ?? 1),
  };
}

const backupSetting = (backup: BackupConfig | undefined) => (backup ? { backup } : {});

/** Backups are PGlite's (a PostgreSQL server or Supabase is backed up with its own tools: README, Backups). */
function backupConfig(e: z.infer<typeof env>, mode: Mode): BackupConfig | undefined {
  if (e.PORTAL_BACKUP_INTERVAL_MINUTES && e.PORTAL_BACKUP_NIGHTLY !== '1') {
    throw new ConfigError('PORTAL_BACKUP_INTERVAL_MINUTES needs PORTAL_BACKUP_NIGHTLY=1 (it replaces the nightly 02:30).');
  }
  if (mode !== 'pglite') {
    if (e.PORTAL_BACKUP_NIGHTLY === '1') {
      throw new ConfigError(
        mode === 'supabase'
          ? 'PORTAL_BACKUP_NIGHTLY is for embedded mode: Supabase backs up the database itself (README, Backups).'
          : 'PORTAL_BACKUP_NIGHTLY is for embedded mode with PGlite: with DATABASE_URL, back up with pg_dump and copy the data folder (README, Backups).',
      );
    }
    return undefined;
  }
  const dataDir = resolve(e.PORTAL_DATA_DIR);
  const dir = resolve(e.PORTAL_BACKUP_DIR ?? join(dirname(dataDir), `${basename(dataDir)}-backups`));
  if (dir === dataDir || dir.startsWith(dataDir + sep)) {
    throw new ConfigError('PORTAL_BACKUP_DIR must be outside the data folder (PORTAL_DATA_DIR): a restore moves the data folder aside.');
  }
  return {
    dir,
    nightly: e.PORTAL_BACKUP_NIGHTLY === '1',
    keep: Number(e.PORTAL_BACKUP_KEEP ?? 14),
    ...(e.PORTAL_BACKUP_INTERVAL_MINUTES ? { intervalMinutes: Number(e.PORTAL_BACKUP_INTERVAL_MINUTES) } : {}),
  };
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Real mail needs both settings: one alone stops the start rather than silently sending nothing. */
function smtpConfig(e: z.infer<typeof env>): Config['smtp'] {
  if (!e.SMTP_URL && !e.MAIL_FROM) return undefined;
  if (!e.SMTP_URL || !e.MAIL_FROM) {
    throw new ConfigError(
      `Mail needs SMTP_URL and MAIL_FROM together; ${e.SMTP_URL ? 'MAIL_FROM' : 'SMTP_URL'} is missing (set both, or neither to send no mail).`,
    );
  }
  return { url: e.SMTP_URL, from: e.MAIL_FROM.trim() };
}

/** Web Push keys from the settings: both or neither (without them, embedded mode makes its own in the data folder). */
function vapidConfig(e: z.infer<typeof env>): Config['vapid'] {
  if (!e.VAPID_PUBLIC_KEY && !e.VAPID_PRIVATE_KEY) return undefined;
  if (!e.VAPID_PUBLIC_KEY || !e.VAPID_PRIVATE_KEY) {
    throw new ConfigError(
      `Web Push needs VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY together; ${e.VAPID_PUBLIC_KEY ? 'VAPID_PRIVATE_KEY' : 'VAPID_PUBLIC_KEY'} is missing.`,
    );
  }
  return { publicKey: e.VAPID_PUBLIC_KEY, privateKey: e.VAPID_PRIVATE_KEY, ...(e.VAPID_SUBJECT ? { subject: e.VAPID_SUBJECT } : {}) };
}

/** The test mode exists only where no real person can reach it (see Config.testMode). */
function testMode(e: z.infer<typeof env>, mode: Mode, site: SiteConfig, smtp: Config['smtp']): boolean {
  if (e.PORTAL_TEST_MODE !== '1') return false;
  const local = LOOPBACK_HOSTS.includes(site.publicUrl.hostname) && site.publicUrl.protocol === 'http:';
  if (mode === 'supabase' || !site.devMailbox || !local || smtp) {
    throw new ConfigError(
      'PORTAL_TEST_MODE is for the end-to-end tests on this machine only: it needs embedded mode, PORTAL_DEV_MAILBOX=1, a localhost PORTAL_PUBLIC_URL and no SMTP_URL.',
    );
  }
  return true;
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
  const smtp = smtpConfig(e);
  const vapid = vapidConfig(e);
  const common = (mode: Mode) => {
    const site = siteConfig(e, mode);
    return {
      dataDir: e.PORTAL_DATA_DIR,
      seed: e.PORTAL_SEED === 'true',
      site,
      ...backupSetting(backupConfig(e, mode)),
      ...(smtp ? { smtp } : {}),
      ...(vapid ? { vapid } : {}),
      testMode: testMode(e, mode, site, smtp),
    };
  };

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
      ...common('supabase'),
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
      ...common('postgres'),
    };
  }
  return { mode: 'pglite', ...common('pglite') };
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
