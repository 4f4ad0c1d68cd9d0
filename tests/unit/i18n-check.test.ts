import { describe, expect, it } from 'vitest';
import { checkCatalog, type Catalog } from '~/i18n/check.ts';

const nl = {
  'home.title': 'Welkom',
  'pupils.count_one': '{{count}} leerling',
  'pupils.count_other': '{{count}} leerlingen',
  'site.name': 'Samen',
};

function catalog(extra: Catalog): Catalog {
  return { nl: { common: nl }, ...extra };
}

describe('i18n check', () => {
  it('accepts a complete translation with the plural forms of each language', () => {
    const problems = checkCatalog(
      catalog({
        ar: {
          common: {
            'home.title': 'أهلًا',
            'pupils.count_zero': 'لا تلاميذ',
            'pupils.count_one': 'تلميذ واحد',
            'pupils.count_two': 'تلميذان',
            'pupils.count_few': '{{count}} تلاميذ',
            'pupils.count_many': '{{count}} تلميذًا',
            'pupils.count_other': '{{count}} تلميذ',
            'site.name': 'معًا',
          },
        },
        pl: {
          common: {
            'home.title': 'Witaj',
            'pupils.count_one': '{{count}} uczeń',
            'pupils.count_few': '{{count}} uczniów',
            'pupils.count_many': '{{count}} uczniów',
            'pupils.count_other': '{{count}} ucznia',
            'site.name': 'Razem',
          },
        },
      }),
      'nl',
    );
    expect(problems).toEqual([]);
  });

  it('reports a key that Dutch has and the locale lacks', () => {
    const problems = checkCatalog(
      catalog({ en: { common: { 'home.title': 'Welcome', 'pupils.count_one': 'x', 'pupils.count_other': '{{count}} y' } } }),
      'nl',
    );
    expect(problems).toContain('en: common:site.name is missing');
  });

  it('reports a key the locale has and Dutch lacks', () => {
    const problems = checkCatalog(
      catalog({
        en: {
          common: {
            'home.title': 'Welcome',
            'pupils.count_one': '{{count}} pupil',
            'pupils.count_other': '{{count}} pupils',
            'site.name': 'Together',
            'home.extra': 'Extra',
          },
        },
      }),
      'nl',
    );
    expect(problems).toEqual(['en: common:home.extra does not exist in nl']);
  });

  it('requires all six Arabic plural forms, and refuses forms a language lacks', () => {
    const problems = checkCatalog(
      catalog({
        ar: {
          common: {
            'home.title': 'أهلًا',
            'pupils.count_one': 'تلميذ واحد',
            'pupils.count_other': '{{count}} تلميذ',
            'site.name': 'معًا',
          },
        },
        tr: {
          common: {
            'home.title': 'Merhaba',
            'pupils.count_one': '{{count}} öğrenci',
            'pupils.count_few': '{{count}} öğrenci',
            'pupils.count_other': '{{count}} öğrenci',
            'site.name': 'Birlikte',
          },
        },
      }),
      'nl',
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        'ar: common:pupils.count_zero is missing',
        'ar: common:pupils.count_two is missing',
        'ar: common:pupils.count_few is missing',
        'ar: common:pupils.count_many is missing',
        'tr: common:pupils.count_few is not a plural form of tr',
      ]),
    );
    expect(problems.filter((p) => p.startsWith('tr:'))).toHaveLength(1);
  });

  it('reports a value copied from Dutch unless it is listed as intentionally equal', () => {
    const en = {
      common: {
        'home.title': 'Welkom',
        'pupils.count_one': '{{count}} pupil',
        'pupils.count_other': '{{count}} pupils',
        'site.name': 'Samen',
      },
    };
    const problems = checkCatalog(catalog({ en }), 'nl', { en: ['common:site.name'] });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^en: common:home.title is identical to nl/);
  });

  it('reports placeholders that do not match Dutch and empty values', () => {
    const problems = checkCatalog(
      {
        nl: { common: { greet: 'Hallo {{name}}', bye: 'Dag' } },
        en: { common: { greet: 'Hello {{naam}}', bye: ' ' } },
      },
      'nl',
    );
    expect(problems).toEqual(['en: common:greet has placeholders [naam] but nl has [name]', 'en: common:bye is empty']);
  });
});
