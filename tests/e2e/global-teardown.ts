import { existsSync, readFileSync } from 'node:fs';
import { personalDataIn } from './personal-data.ts';

/**
 * After the whole e2e run: the server's log (every sign-in, every page, every error of the run)
 * holds no personal data — no e-mail address and none of the demo school's names.
 */
export default function globalTeardown(): void {
  const log = 'test-results/e2e-server.log';
  if (!existsSync(log)) throw new Error(`${log} is missing: the server's log was not kept`);
  // The dependency mentions (e.g. "@astrojs/node") are not addresses.
  const text = readFileSync(log, 'utf8').replaceAll(/@astrojs\/[\w-]+|@electric-sql\/[\w-]+/g, '');
  const found = personalDataIn(text);
  if (found.length > 0) throw new Error(`the server log holds personal data:\n${found.slice(0, 10).join('\n')}`);
}
