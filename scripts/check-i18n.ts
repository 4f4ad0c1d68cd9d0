// Checks every locale's strings against Dutch. Run: `npm run check:i18n`.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkCatalog, type Catalog, type IdenticalAllowlist } from '../src/i18n/check.ts';
import { LOCALE_CODES, SOURCE_LOCALE } from '../src/i18n/locales.ts';

const root = new URL('../src/i18n/', import.meta.url).pathname;
const catalog: Catalog = {};
for (const locale of LOCALE_CODES) {
  catalog[locale] = {};
  for (const file of readdirSync(join(root, 'locales', locale))) {
    if (!file.endsWith('.json')) continue;
    catalog[locale][file.replace(/\.json$/, '')] = JSON.parse(readFileSync(join(root, 'locales', locale, file), 'utf8'));
  }
}
const allow: IdenticalAllowlist = JSON.parse(readFileSync(join(root, 'identical.json'), 'utf8'));
const problems = checkCatalog(catalog, SOURCE_LOCALE, allow);
if (problems.length > 0) {
  console.error(`i18n check: ${problems.length} problem(s)`);
  for (const p of problems) console.error(`  - ${p}`);
  process.exit(1);
}
const keys = Object.values(catalog[SOURCE_LOCALE]!).reduce((n, s) => n + Object.keys(s).length, 0);
console.log(`i18n check: ${LOCALE_CODES.length} locales × ${keys} keys, all present and translated`);
