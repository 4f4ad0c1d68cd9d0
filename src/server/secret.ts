import { createHmac, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Config } from './config.ts';

/**
 * The server's own secret, for what the server seals for itself (results shown once, see
 * once.ts). PORTAL_SECRET when set; in Supabase mode derived from the service role key (every
 * instance of one deployment has the same one); in embedded mode a random key kept in the data
 * folder, made on first start. Never logged, never sent to a browser.
 */
export function serverSecret(config: Config, env: Record<string, string | undefined> = process.env): Buffer {
  const explicit = env.PORTAL_SECRET?.trim();
  if (explicit) return createHmac('sha256', 'portal-secret').update(explicit).digest();
  if (config.mode === 'supabase') return createHmac('sha256', 'portal-secret').update(config.supabase!.serviceRoleKey).digest();
  const file = resolve(config.dataDir, 'secret.key');
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, randomBytes(32).toString('base64'), { flag: 'wx', mode: 0o600 });
  }
  chmodSync(file, 0o600);
  return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
}
