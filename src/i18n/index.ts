import i18next, { type TFunction } from 'i18next';
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

/** A `t` bound to one locale (and optionally one namespace). */
export function getT(lang: Locale, ns?: Namespace): TFunction {
  return instance.getFixedT(lang, ns ?? 'common');
}

export type { TFunction };
