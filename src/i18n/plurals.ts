import i18next from 'i18next';
import type { Catalog } from './check.ts';
import { intlLocale } from './format.ts';
import { isLocale } from './locales.ts';

/**
 * Plural keys rendered with real numbers, compared with outputs a native reader has reviewed
 * (`src/i18n/plurals-reviewed.json`). A plural form covers more numbers than its name says:
 * Ukrainian "one" is also 21, 31, 101 ("нову картку для 21 учня. Його…" reads "his"), Polish
 * "many" is 5 and 25 but also 11 and 111, Arabic "many" is 11–99 and "other" 100–102. Only a
 * rendered sentence shows whether it still reads right; the check fails when a rendering changes
 * until the new output has been read and written into the reviewed file.
 */
export const PLURAL_SAMPLE_COUNTS = [0, 1, 2, 5, 21, 22, 25, 101, 111] as const;

/** locale → `ns:key` → count → rendered sentence */
export type RenderedPlurals = Record<string, Record<string, Record<string, string>>>;

/** The other placeholders of a plural key, filled the same way every time. */
function sampleValues(lang: string, count: number): Record<string, string | number> {
  const names = ['Sara', 'Yusuf'];
  return {
    count,
    total: count + 3,
    names: new Intl.ListFormat(isLocale(lang) ? intlLocale(lang) : lang).format(names),
  };
}

/** Every plural key of the source (a key with an `_other` form), rendered in every locale. */
export function renderPlurals(catalog: Catalog, source: string): RenderedPlurals {
  const instance = i18next.createInstance();
  void instance.init({
    resources: catalog,
    lng: source,
    fallbackLng: source,
    keySeparator: false,
    nsSeparator: ':',
    interpolation: { escapeValue: false },
    initAsync: false,
    returnNull: false,
  });
  const keys = Object.entries(catalog[source] ?? {}).flatMap(([ns, strings]) =>
    Object.keys(strings)
      .filter((k) => k.endsWith('_other'))
      .map((k) => `${ns}:${k.slice(0, -'_other'.length)}`),
  );
  const rendered: RenderedPlurals = {};
  for (const lang of Object.keys(catalog)) {
    // Every plural key of every file, read from the files themselves: untyped on purpose.
    const t = instance.getFixedT(lang) as unknown as (key: string, values: Record<string, string | number>) => string;
    rendered[lang] = {};
    for (const key of keys.sort()) {
      rendered[lang][key] = Object.fromEntries(PLURAL_SAMPLE_COUNTS.map((n) => [String(n), t(key, sampleValues(lang, n))]));
    }
  }
  return rendered;
}

/** Differences between the rendered outputs and the reviewed ones, one sentence each. */
export function comparePlurals(rendered: RenderedPlurals, reviewed: RenderedPlurals): string[] {
  const problems: string[] = [];
  for (const [lang, keys] of Object.entries(rendered)) {
    for (const [key, byCount] of Object.entries(keys)) {
      const want = reviewed[lang]?.[key];
      if (want === undefined) {
        problems.push(`${lang} ${key}: no reviewed output yet`);
        continue;
      }
      for (const [n, text] of Object.entries(byCount)) {
        if (want[n] !== text)
          problems.push(`${lang} ${key} with ${n}: renders ${JSON.stringify(text)}, reviewed ${JSON.stringify(want[n] ?? null)}`);
      }
    }
  }
  for (const [lang, keys] of Object.entries(reviewed)) {
    for (const key of Object.keys(keys)) {
      if (rendered[lang]?.[key] === undefined) problems.push(`${lang} ${key}: reviewed, but no such plural key any more`);
    }
  }
  return problems;
}
