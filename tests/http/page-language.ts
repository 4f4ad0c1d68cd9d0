import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ELEMENT_NODE, type Node, parse, TEXT_NODE } from 'ultrahtml';
import { LOCALE_CODES } from '~/i18n/locales.ts';
import { ROOT } from './server.ts';

/**
 * What a page in another language can get wrong that axe (run in Dutch and Arabic, tests/e2e)
 * would not see: its language and direction, a key or a mark left raw, and Dutch words left in it
 * that are not marked as Dutch (a Dutch school word is marked `lang="nl"`). Checked on the HTML
 * the server sends, text and the attributes a screen reader reads, without a browser.
 */

const SKIPPED = new Set(['script', 'style', 'template', 'textarea', 'code', 'kbd', 'samp', 'pre', 'noscript']);
const READ_ATTRIBUTES = ['aria-label', 'alt', 'title', 'placeholder', 'aria-description'];

const decode = (s: string) =>
  s
    .replace(/&#x([0-9a-f]+);/gi, (_, h) => String.fromCodePoint(Number.parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_, d) => String.fromCodePoint(Number(d)))
    .replace(/&nbsp;/g, ' ')
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

export interface PageText {
  lang: string;
  dir: string;
  /** Every text a person reads or hears, Dutch marked as such left out when `withoutDutch`. */
  text: string;
}

/** The page's language, direction and the text a person reads or hears on it (`lang="nl"` parts left out: marked Dutch). */
export function readPage(html: string): PageText & { all: string } {
  const doc = parse(html);
  const root = (doc.children as Node[]).find((n) => n.type === ELEMENT_NODE && n.name === 'html');
  const own: string[] = [];
  const all: string[] = [];
  const walk = (node: Node, dutch: boolean) => {
    if (node.type === TEXT_NODE) {
      const text = decode(node.value);
      all.push(text);
      if (!dutch) own.push(text);
      return;
    }
    if (node.type !== ELEMENT_NODE) return;
    if (SKIPPED.has(node.name)) return;
    const lang = node.attributes?.lang;
    const marked = dutch || lang === 'nl' || (lang !== undefined && lang !== '' && lang.startsWith('nl-'));
    const inOther = lang !== undefined && lang !== '' && !marked;
    for (const a of READ_ATTRIBUTES) {
      const v = node.attributes?.[a];
      if (v) {
        all.push(decode(v));
        if (!marked) own.push(decode(v));
      }
    }
    for (const child of (node.children ?? []) as Node[]) walk(child, inOther ? false : marked);
  };
  for (const child of (root?.children ?? []) as Node[]) walk(child, false);
  return {
    lang: root?.attributes?.lang ?? '',
    dir: root?.attributes?.dir ?? '',
    text: own.join(' ').replace(/\s+/g, ' '),
    all: all.join(' ').replace(/\s+/g, ' '),
  };
}

/** A key i18next could not find (namespace:key.path), an interpolation or a mark left raw. */
export const RAW = /\b(?:common|auth|leaflets|needs|meetings|school|privacy|notify|plans):[a-zA-Z]+\.[a-zA-Z.]+|\{\{|\[\[/;

/**
 * The Dutch interface sentences a page in `lang` must not show unmarked: each Dutch string's
 * literal parts of at least 18 characters (between interpolations and tags) that the string in
 * `lang` does not contain too (a name, a Dutch school word kept in both).
 */
export function dutchLeftovers(lang: string): { key: string; fragment: string }[] {
  const dir = join(ROOT, 'src/i18n/locales');
  const out: { key: string; fragment: string }[] = [];
  for (const file of readdirSync(join(dir, 'nl')).filter((f) => f.endsWith('.json'))) {
    const nl = JSON.parse(readFileSync(join(dir, 'nl', file), 'utf8')) as Record<string, string>;
    const other = JSON.parse(readFileSync(join(dir, lang, file), 'utf8')) as Record<string, string>;
    const ns = file.replace(/\.json$/, '');
    for (const [key, value] of Object.entries(nl)) {
      if (typeof value !== 'string') continue;
      const theirs = typeof other[key] === 'string' ? other[key] : '';
      for (const part of value.split(/\{\{[^}]*\}\}|<[^>]*>|\[\[[^\]]*\]\]|\$t\([^)]*\)/)) {
        const fragment = part.trim();
        if (fragment.length < 18 || theirs.includes(fragment)) continue;
        out.push({ key: `${ns}:${key}`, fragment });
      }
    }
  }
  return out;
}

export const LANGS = LOCALE_CODES;
