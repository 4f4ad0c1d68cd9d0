import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Rules for code that puts text together: what a language decides must not be hard-coded.
 *
 * - `code-separator`: a comma or semicolon between two values (`{kind}, {date}`,
 *   `.join(', ')`, `` `${a}, ${b}` ``). Arabic writes «،», and lists have their own words
 *   ("Sara, Yusuf en Emma", «Sara وYusuf»): use `Intl.ListFormat` or a translatable pattern
 *   (`"myData.meetingLine": "{{kind}}, {{date}}"`, ar «{{kind}}، {{date}}»).
 * - `code-quotes`: typographic quotation marks around a value (`“{reason}”`): use `<q>`, whose
 *   marks come from the page's language (global.css), or the quotation marks in the string.
 * - `code-intl-locale`: an `Intl` formatter (or `toLocale…String`) built from the bare language
 *   code: build it with `intlLocale(lang)` (src/i18n/format.ts), where the formats are chosen per
 *   language (en-GB, the 24-hour clock in Arabic). A literal locale (`'en-CA'` for an ISO date a
 *   form field needs) is a visible choice and allowed.
 *
 * A line may carry `language-check-ok: <why>` (in any comment) to allow a finding on it or on
 * the next line; say why.
 */
export type CodeRuleId = 'code-separator' | 'code-quotes' | 'code-intl-locale';
export const CODE_RULE_IDS: ReadonlySet<CodeRuleId> = new Set(['code-separator', 'code-quotes', 'code-intl-locale']);

export interface CodeFinding {
  rule: CodeRuleId;
  /** 1-based line number. */
  line: number;
  excerpt: string;
  message: string;
}

/** Code that builds what people read: pages, components, islands, actions, mails. */
const UI_CODE = [/^src\/(?:pages|components|layouts|islands|actions)\//u, /^src\/server\/[\w-]*mail[\w-]*\.ts$/u];
/** Where the formatters are defined and the checks themselves live. */
const NOT_CHECKED = /^src\/i18n\//u;

const SEPARATOR = '[,،;؛]';
const SEPARATOR_PATTERNS: RegExp[] = [
  // .join(', ')
  new RegExp(String.raw`\.join\(\s*(['"\x60])[^'"\x60]*${SEPARATOR}[^'"\x60]*\1\s*\)`, 'u'),
  // {kind}, {date} and </bdi>, {date} in markup (an expression container has no space inside its
  // braces; an object literal { a }, { b } has, and is not text)
  new RegExp(String.raw`(?:[^\s{]\}|<\/[a-z]+>)[ \t]*${SEPARATOR}[ \t]*(?:\{[^\s}]|<[a-z])`, 'u'),
  // `${a}, ${b}`
  new RegExp(String.raw`\$\{[^}]*\}[ \t]*${SEPARATOR}[ \t]*\$\{`, 'u'),
  // a string that is only a separator, added to others: + ', ' +, ? ', …' :
  new RegExp(String.raw`[+?:=][ \t]*(['"\x60])[ \t]*${SEPARATOR}[ \t]*…?\1`, 'u'),
];
const QUOTE_PATTERNS: RegExp[] = [/[“”„‘’«»‹›]\$?\{/u, /\}[“”„‘’«»‹›]/u];
const INTL =
  /new\s+Intl\.(?:DateTimeFormat|NumberFormat|ListFormat|PluralRules|DisplayNames|RelativeTimeFormat)\(|\.toLocale(?:Date|Time)?String\(/gu;

/** The first argument of a call whose `(` ends at `open` (exclusive), as written. */
function firstArgument(line: string, open: number): string {
  let depth = 0;
  for (let i = open; i < line.length; i++) {
    const c = line[i]!;
    if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) {
      if (depth === 0) return line.slice(open, i).trim();
      depth--;
    } else if (c === ',' && depth === 0) return line.slice(open, i).trim();
  }
  return line.slice(open).trim();
}

function localeIsChosen(arg: string): boolean {
  const inner = arg.replace(/^\[\s*|\s*\]$/gu, '');
  return /^intlLocale\(/u.test(inner) || /^(['"`])[a-z]{2}(?:-[A-Za-z0-9]+)*\1$/u.test(inner);
}

export function checkCode(source: string, file: string): CodeFinding[] {
  if (NOT_CHECKED.test(file)) return [];
  const ui = UI_CODE.some((p) => p.test(file));
  const lines = source.split('\n');
  const findings: CodeFinding[] = [];
  lines.forEach((text, i) => {
    if (/language-check-ok:/u.test(text) || /language-check-ok:/u.test(lines[i - 1] ?? '')) return;
    const code = text.replace(/^\s*(?:\/\/|\*|\/\*).*$/u, ''); // a whole-line comment is not code
    const push = (rule: CodeRuleId, message: string) => findings.push({ rule, line: i + 1, excerpt: text.trim().slice(0, 120), message });
    if (ui) {
      if (SEPARATOR_PATTERNS.some((p) => p.test(code))) {
        push(
          'code-separator',
          'a separator between values is the language\'s: Intl.ListFormat(intlLocale(lang)) for lists, a translatable pattern ("{{kind}}, {{date}}" / «{{kind}}، {{date}}») for the rest',
        );
      }
      if (QUOTE_PATTERNS.some((p) => p.test(code))) {
        push(
          'code-quotes',
          "quote a value with <q> (its marks come from the page's language) or with the marks inside the translated string",
        );
      }
    }
    for (const m of code.matchAll(INTL)) {
      const arg = firstArgument(code, m.index + m[0].length);
      if (localeIsChosen(arg)) continue;
      push(
        'code-intl-locale',
        `build the formatter with intlLocale(…) (src/i18n/format.ts), not "${arg || 'the default locale'}": en is en-GB, ar has Western digits and the 24-hour clock`,
      );
    }
  });
  return findings;
}

/** The source files the code rules read: .ts, .tsx and .astro under `dir`. */
export function codeFilesChecked(dir: string): string[] {
  const files: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) files.push(...codeFilesChecked(path));
    else if (/\.(?:ts|tsx|astro)$/u.test(name) && !name.endsWith('.d.ts')) files.push(path);
  }
  return files.sort();
}
