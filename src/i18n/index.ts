import i18next from 'i18next';
import { LOCALE_CODES, SOURCE_LOCALE, type Locale } from './locales.ts';

/** Namespaces per area of the product; each is one JSON file per locale. */
export const NAMESPACES = ['common', 'auth', 'school', 'leaflets', 'needs', 'meetings', 'privacy', 'notify', 'plans'] as const;
export type Namespace = (typeof NAMESPACES)[number];

type Resources = Record<string, Record<string, Record<string, string>>>;

// Bundled at build time: every locale's strings are part of the server build, so no file
// system access is needed at run time.
const files = import.meta.glob<Record<string, string>>('./locales/*/*.json', {
  eager: true,
  import: 'default',
});

function collectResources(): Resources {
  const resources: Resources = {};
  for (const [path, strings] of Object.entries(files)) {
    const match = /\.\/locales\/([a-z]+)\/([a-z-]+)\.json$/.exec(path);
    if (!match) continue;
    const [, lang, ns] = match as unknown as [string, string, string];
    resources[lang] ??= {};
    resources[lang][ns] = strings;
  }
  return resources;
}

const instance = i18next.createInstance();
void instance.init({
  resources: collectResources(),
  lng: SOURCE_LOCALE,
  supportedLngs: [...LOCALE_CODES],
  // A missing key is a bug the i18n check catches; at run time show Dutch rather than a key.
  fallbackLng: SOURCE_LOCALE,
  ns: [...NAMESPACES],
  defaultNS: 'common',
  // Keys are flat and dotted (`home.parents.title`); they are not nested objects.
  keySeparator: false,
  nsSeparator: ':',
  // Astro and React escape output themselves.
  interpolation: { escapeValue: false },
  initAsync: false,
  returnNull: false,
});

/**
 * `t` with every namespace: a key is checked against the Dutch JSON files (i18next.d.ts), as
 * `ns:key` or, for `common`, bare. A key built at run time goes through `dynamicKey` (keys.ts).
 */
export type TFunction<N extends Namespace = 'common'> = (key: KeyIn<N> | readonly KeyIn<N>[], options?: TOptions) => string;

/** What a call may pass besides the key: a count (plurals) and the values it interpolates. */
export type TOptions = { count?: number; lng?: string; defaultValue?: string } & Record<string, unknown>;

type Resources_ = import('i18next').CustomTypeOptions['resources'];
/** A plural's base key (`pupils` for `pupils_one` and `pupils_other`); the suffixed keys stay valid too. */
type Plain<K extends string> = K | (K extends `${infer B}_${'zero' | 'one' | 'two' | 'few' | 'many' | 'other'}` ? B : never);
/** The keys of one namespace, as written in its Dutch file. */
export type NamespaceKey<N extends Namespace> = Plain<keyof Resources_[N] & string>;
/** Every key written `ns:key`. */
export type PrefixedKey = { [M in Namespace]: `${M}:${NamespaceKey<M>}` }[Namespace];
/** The keys a `t` bound to namespace N takes: N's bare, any namespace's prefixed. */
export type KeyIn<N extends Namespace> = NamespaceKey<N> | PrefixedKey;

/** A `t` bound to one locale (and optionally one namespace, whose keys it takes bare). */
/**
 * A page calls t() hundreds of times, most often with a key alone (a label, a heading); the
 * texts never change while the server runs, so those answers are kept per language and
 * namespace. A call with options (a count, a name) is translated each time. (Issue 24: i18next
 * was a tenth of a teacher's overview's time.)
 */
const plain = new Map<string, Map<string, string>>();

export function getT<N extends Namespace = 'common'>(lang: Locale, ns?: N): TFunction<N> {
  const fixed = instance.getFixedT(lang, ns ?? 'common') as unknown as (...args: unknown[]) => unknown;
  const bucket = `${lang}\u0000${ns ?? 'common'}`;
  const memo = plain.get(bucket) ?? new Map<string, string>();
  plain.set(bucket, memo);
  const t = (...args: unknown[]) => {
    if (args.length !== 1 || typeof args[0] !== 'string') return fixed(...args);
    const key = args[0];
    const hit = memo.get(key);
    if (hit !== undefined) return hit;
    const value = fixed(key);
    if (typeof value === 'string') memo.set(key, value);
    return value;
  };
  return Object.assign(t, fixed) as unknown as TFunction<N>;
}
