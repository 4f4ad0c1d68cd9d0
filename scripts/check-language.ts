// Runs the mechanical language rules (src/i18n/language-rules.ts) over every UI string and every
// leaflet text, renders every plural key with real numbers against the reviewed outputs
// (src/i18n/plurals.ts), and reads the code for separators and formats that must come from the
// language (src/i18n/code-rules.ts). Run: `node scripts/check-language.ts`. Intentional
// exceptions are listed in src/i18n/language-allow.json; docs/translation.md says how to add one.
// `--write-plurals` writes the current renderings into src/i18n/plurals-reviewed.json: only after
// reading every changed line, as a native reader would (git diff shows them).
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import {
  allowedBy,
  type CheckOptions,
  checkText,
  type Finding,
  isNextToName,
  type LanguageAllowlist,
  RULE_IDS,
  validateAllowlist,
} from '../src/i18n/language-rules.ts';
import type { Catalog } from '../src/i18n/check.ts';
import { checkCode, CODE_RULE_IDS, codeFilesChecked } from '../src/i18n/code-rules.ts';
import { LOCALE_CODES, SOURCE_LOCALE } from '../src/i18n/locales.ts';
import { comparePlurals, type RenderedPlurals, renderPlurals } from '../src/i18n/plurals.ts';

const repo = new URL('..', import.meta.url).pathname;
const localesDir = join(repo, 'src/i18n/locales');
const leafletsDir = join(repo, 'src/content/leaflets');
const allowFile = join(repo, 'src/i18n/language-allow.json');
const pluralsFile = join(repo, 'src/i18n/plurals-reviewed.json');
const catalog: Catalog = {};

interface Text {
  file: string;
  /** `ns:key` for a UI string, `<block key>.<field>` for a leaflet text. */
  where: string;
  lang: string;
  text: string;
  parentFacing: boolean;
  /** Shown beside a name; the plural form the string is written for. */
  options?: Pick<CheckOptions, 'nextToName' | 'pluralForm'>;
  /** Allowlist places that cover this text, most specific first. */
  places: string[];
}

const PLURAL_SUFFIX = /_(?:zero|one|two|few|many|other)$/;

function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8'));
}

function uiStrings(): Text[] {
  const texts: Text[] = [];
  for (const lang of LOCALE_CODES) {
    const dir = join(localesDir, lang);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir).sort()) {
      if (!name.endsWith('.json')) continue;
      const ns = name.replace(/\.json$/, '');
      const file = relative(repo, join(dir, name));
      const strings = readJson(join(dir, name)) as Record<string, unknown>;
      catalog[lang] ??= {};
      catalog[lang][ns] = strings as Record<string, string>;
      for (const [key, value] of Object.entries(strings)) {
        if (typeof value !== 'string') continue;
        const places = [`${ns}:${key}`];
        const form = PLURAL_SUFFIX.exec(key)?.[0].slice(1) as CheckOptions['pluralForm'];
        if (form) places.push(`${ns}:${key.replace(PLURAL_SUFFIX, '')}`);
        const options = { nextToName: isNextToName(`${ns}:${key}`), pluralForm: form };
        texts.push({ file, where: `${ns}:${key}`, lang, text: value, parentFacing: false, options, places: [...places, file] });
      }
    }
  }
  return texts;
}

/** Every string field of a block (text, title, alt, caption) and every list item. */
function blockTexts(file: string, lang: string, blockKey: string, block: Record<string, unknown>): Text[] {
  const texts: Text[] = [];
  const places = [`${file}#${blockKey}`, file];
  for (const [field, value] of Object.entries(block)) {
    if (field === 'key' || field === 'kind') continue;
    const values = typeof value === 'string' ? [value] : Array.isArray(value) ? value : [];
    values.forEach((text, i) => {
      if (typeof text !== 'string') return;
      const where = `${blockKey}.${field}${Array.isArray(value) ? `[${i}]` : ''}`;
      texts.push({ file, where, lang, text, parentFacing: true, places });
    });
  }
  return texts;
}

function leafletTexts(): Text[] {
  const texts: Text[] = [];
  for (const slug of readdirSync(leafletsDir).sort()) {
    const dir = join(leafletsDir, slug);
    if (!statSync(dir).isDirectory()) continue;
    for (const lang of LOCALE_CODES) {
      const path = join(dir, `${lang}.json`);
      if (!existsSync(path)) continue;
      const file = relative(repo, path);
      const data = readJson(path) as { blocks?: unknown };
      if (lang === SOURCE_LOCALE) {
        for (const block of (data.blocks ?? []) as Array<Record<string, unknown>>) {
          texts.push(...blockTexts(file, lang, String(block.key), block));
        }
      } else {
        for (const [key, block] of Object.entries((data.blocks ?? {}) as Record<string, Record<string, unknown>>)) {
          texts.push(...blockTexts(file, lang, key, block));
        }
      }
    }
  }
  return texts;
}

const allow = readJson(allowFile);
const allowProblems = validateAllowlist(allow);
if (allowProblems.length > 0) {
  console.error(`language check: ${relative(repo, allowFile)} has ${allowProblems.length} problem(s)`);
  for (const p of allowProblems) console.error(`  - ${p}`);
  process.exit(1);
}
const allowlist = allow as LanguageAllowlist;

const ui = uiStrings();
const leaflets = leafletTexts();
const findings: Array<{ text: Text; finding: Finding }> = [];
const used = new Set<string>();
let allowed = 0;
for (const text of [...ui, ...leaflets]) {
  for (const finding of checkText(text.text, text.lang, { ...text.options, parentFacing: text.parentFacing })) {
    const place = allowedBy(allowlist, text.places, finding.rule);
    if (place !== undefined) {
      used.add(`${place}\u0000${finding.rule}`);
      allowed++;
    } else {
      findings.push({ text, finding });
    }
  }
}

const unused = Object.entries(allowlist).flatMap(([place, rules]) =>
  rules.filter((rule) => RULE_IDS.has(rule) && !used.has(`${place}\u0000${rule}`)).map((rule) => `${place} ${rule}`),
);
for (const entry of unused) console.warn(`language check: allowlist entry no longer needed: ${entry}`);

const allowedNote = allowed > 0 ? ` (${allowed} allowed in ${relative(repo, allowFile)})` : '';

// Plurals, rendered with real numbers.
const rendered = renderPlurals(catalog, SOURCE_LOCALE);
if (process.argv.includes('--write-plurals')) {
  writeFileSync(pluralsFile, `${JSON.stringify(rendered, null, 2)}\n`);
  console.log(`language check: wrote ${relative(repo, pluralsFile)}; read every changed line (git diff) before you commit it`);
}
const pluralProblems = comparePlurals(rendered, existsSync(pluralsFile) ? (readJson(pluralsFile) as RenderedPlurals) : {});
const pluralKeys = Object.keys(rendered[SOURCE_LOCALE] ?? {}).length;

// Code: separators, quotation marks and formats that must come from the language.
const codeFindings = codeFilesChecked(join(repo, 'src')).flatMap((file) =>
  checkCode(readFileSync(file, 'utf8'), relative(repo, file)).map((f) => ({ file: relative(repo, file), ...f })),
);

let failed = false;
if (findings.length > 0) {
  failed = true;
  console.error(`language check: ${findings.length} finding(s)${allowedNote}`);
  for (const { text, finding } of findings) {
    console.error(`  ${text.file}  ${text.where}  ${finding.rule}  ${JSON.stringify(finding.excerpt)}  — ${finding.message}`);
  }
  const perRule = new Map<string, number>();
  for (const { text, finding } of findings) {
    const label = `${finding.rule} (${text.lang})`;
    perRule.set(label, (perRule.get(label) ?? 0) + 1);
  }
  console.error(`  per rule: ${[...perRule].map(([rule, n]) => `${rule} ${n}`).join(', ')}`);
  console.error('  Fix the text, or list an intentional exception in src/i18n/language-allow.json (docs/translation.md).');
}
if (pluralProblems.length > 0) {
  failed = true;
  console.error(`language check: plural-rendering: ${pluralProblems.length} rendering(s) differ from ${relative(repo, pluralsFile)}`);
  for (const p of pluralProblems.slice(0, 60)) console.error(`  ${p}`);
  if (pluralProblems.length > 60) console.error(`  … and ${pluralProblems.length - 60} more`);
  console.error('  Read each rendering as a native reader would; when it is right, run `node scripts/check-language.ts --write-plurals`.');
}
if (codeFindings.length > 0) {
  failed = true;
  console.error(`language check: ${codeFindings.length} finding(s) in code`);
  for (const f of codeFindings) console.error(`  ${f.file}:${f.line}  ${f.rule}  ${JSON.stringify(f.excerpt)}  — ${f.message}`);
}
if (failed) process.exit(1);
console.log(
  `language check: ${RULE_IDS.size} rules over ${ui.length} UI strings and ${leaflets.length} leaflet texts, ` +
    `${pluralKeys} plural keys rendered with ${Object.keys(rendered).length} languages as reviewed, ` +
    `${CODE_RULE_IDS.size} code rules, no findings${allowedNote}`,
);
