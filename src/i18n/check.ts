/**
 * The i18n check: every locale has exactly the keys Dutch has (plural forms per language),
 * no value is empty, placeholders match, and no value is a copy of the Dutch unless listed
 * as intentionally equal. Pure: the CLI in scripts/check-i18n.ts feeds it the files.
 */
export type Strings = Record<string, string>;
/** locale → namespace → strings */
export type Catalog = Record<string, Record<string, Strings>>;
/** locale → list of `namespace:key` that may equal the Dutch value (names, numbers). */
export type IdenticalAllowlist = Record<string, readonly string[]>;

const PLURAL_SUFFIX = /_(zero|one|two|few|many|other)$/;
const PLACEHOLDER = /\{\{\s*([\w.]+)\s*(?:,[^}]*)?\}\}/g;

export function pluralCategories(locale: string): Set<string> {
  return new Set(new Intl.PluralRules(locale).resolvedOptions().pluralCategories);
}

function placeholders(value: string, ignoreCount: boolean): string {
  const names = new Set([...value.matchAll(PLACEHOLDER)].map((m) => m[1]!));
  if (ignoreCount) names.delete('count');
  return [...names].sort().join(',');
}

/** Splits keys into plain keys and plural bases (a base is a key that has an `_other` form). */
function shape(strings: Strings): { plain: Set<string>; plural: Map<string, Set<string>> } {
  const plural = new Map<string, Set<string>>();
  const plain = new Set<string>();
  const bases = new Set(
    Object.keys(strings)
      .filter((k) => k.endsWith('_other'))
      .map((k) => k.slice(0, -'_other'.length)),
  );
  for (const key of Object.keys(strings)) {
    const m = PLURAL_SUFFIX.exec(key);
    const base = m ? key.slice(0, m.index) : undefined;
    if (m && base !== undefined && bases.has(base)) {
      if (!plural.has(base)) plural.set(base, new Set());
      plural.get(base)!.add(m[1]!);
    } else {
      plain.add(key);
    }
  }
  return { plain, plural };
}

export function checkCatalog(catalog: Catalog, source: string, allowIdentical: IdenticalAllowlist = {}): string[] {
  const problems: string[] = [];
  const src = catalog[source];
  if (!src) return [`source locale "${source}" has no strings`];

  for (const [locale, namespaces] of Object.entries(catalog)) {
    const categories = pluralCategories(locale);
    const allowed = new Set(allowIdentical[locale] ?? []);
    for (const ns of Object.keys(src)) {
      if (!namespaces[ns]) problems.push(`${locale}: namespace "${ns}" is missing`);
    }
    for (const [ns, strings] of Object.entries(namespaces)) {
      const srcStrings = src[ns];
      if (!srcStrings) {
        problems.push(`${locale}: namespace "${ns}" does not exist in ${source}`);
        continue;
      }
      const want = shape(srcStrings);
      const have = shape(strings);

      for (const key of want.plain) {
        if (!(key in strings)) problems.push(`${locale}: ${ns}:${key} is missing`);
      }
      for (const key of have.plain) {
        if (!want.plain.has(key)) problems.push(`${locale}: ${ns}:${key} does not exist in ${source}`);
      }
      for (const [base, srcForms] of want.plural) {
        const forms = have.plural.get(base);
        if (!forms) {
          problems.push(`${locale}: ${ns}:${base} (plural) is missing`);
          continue;
        }
        const required = new Set(categories);
        if (srcForms.has('zero')) required.add('zero');
        for (const c of required) {
          if (!forms.has(c)) problems.push(`${locale}: ${ns}:${base}_${c} is missing`);
        }
        for (const c of forms) {
          if (!categories.has(c) && c !== 'zero') {
            problems.push(`${locale}: ${ns}:${base}_${c} is not a plural form of ${locale}`);
          }
        }
      }
      for (const base of have.plural.keys()) {
        if (!want.plural.has(base)) problems.push(`${locale}: ${ns}:${base} (plural) does not exist in ${source}`);
      }

      for (const [key, value] of Object.entries(strings)) {
        if (value.trim() === '') {
          problems.push(`${locale}: ${ns}:${key} is empty`);
          continue;
        }
        const m = PLURAL_SUFFIX.exec(key);
        const base = m ? key.slice(0, m.index) : key;
        const srcValue = srcStrings[key] ?? (m ? srcStrings[`${base}_other`] : undefined);
        if (srcValue === undefined) continue;
        // A plural form may write the number as a word ("one child"), so leaves out {{count}}.
        const a = placeholders(value, !!m);
        const b = placeholders(srcValue, !!m);
        if (a !== b) {
          problems.push(`${locale}: ${ns}:${key} has placeholders [${a}] but ${source} has [${b}]`);
        }
        if (locale !== source && value === srcValue && !allowed.has(`${ns}:${key}`)) {
          problems.push(`${locale}: ${ns}:${key} is identical to ${source} ("${value}"); translate it or list it as intentionally equal`);
        }
      }
    }
  }
  return problems;
}
