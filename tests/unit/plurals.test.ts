import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Catalog } from '~/i18n/check.ts';
import { LOCALE_CODES, SOURCE_LOCALE } from '~/i18n/locales.ts';
import { comparePlurals, PLURAL_SAMPLE_COUNTS, type RenderedPlurals, renderPlurals } from '~/i18n/plurals.ts';

const root = join(import.meta.dirname, '../../src/i18n');

function catalog(): Catalog {
  const all: Catalog = {};
  for (const lang of LOCALE_CODES) {
    all[lang] = {};
    for (const file of readdirSync(join(root, 'locales', lang))) {
      if (file.endsWith('.json')) all[lang][file.slice(0, -5)] = JSON.parse(readFileSync(join(root, 'locales', lang, file), 'utf8'));
    }
  }
  return all;
}
const reviewed: RenderedPlurals = JSON.parse(readFileSync(join(root, 'plurals-reviewed.json'), 'utf8'));

describe('plural keys, rendered with real numbers', () => {
  it('covers 1, 2, 5, 21, 22, 25, 101 and 111 (and 0)', () => {
    expect(PLURAL_SAMPLE_COUNTS).toEqual(expect.arrayContaining([1, 2, 5, 21, 22, 25, 101, 111]));
  });

  it('render in every language exactly as a native reader reviewed them', () => {
    const rendered = renderPlurals(catalog(), SOURCE_LOCALE);
    expect(Object.keys(rendered).sort()).toEqual([...LOCALE_CODES].sort());
    expect(comparePlurals(rendered, reviewed)).toEqual([]);
  });

  it('read right where the form covers more than its name says (reviewed examples)', () => {
    // Arabic: 11–99 take the singular accusative, 100–102 the genitive singular.
    expect(reviewed.ar!['school:classes.pupilCount']).toMatchObject({
      '1': 'تلميذ واحد',
      '2': 'تلميذان',
      '5': '5 تلاميذ',
      '21': '21 تلميذًا',
      '101': '101 تلميذ',
      '111': '111 تلميذًا',
    });
    // Ukrainian "one" is also 21 and 101: the sentence must not say "his" there.
    for (const n of ['21', '101']) expect(reviewed.uk!['meetings:facts.minutes']![n]).toMatch(/хвилина$/u);
    // Polish "many" is 5, 21, 25 and 111.
    expect(reviewed.pl!['meetings:facts.minutes']).toMatchObject({ '2': '2 minuty', '5': '5 minut', '21': '21 minut', '22': '22 minuty' });
  });

  it('fails on a planted change: a Ukrainian one form that says "his" at 21', () => {
    const planted = catalog();
    planted.uk!.school!['pupils.cardsConfirm_one'] = 'Ви робите нову картку для {{count}} учня. Його старі картинки більше не діятимуть.';
    const problems = comparePlurals(renderPlurals(planted, SOURCE_LOCALE), reviewed);
    expect(problems.some((p) => p.startsWith('uk school:pupils.cardsConfirm with 21:') && p.includes('Його'))).toBe(true);
  });

  it('fails on a plural key nobody reviewed, and on a reviewed key that is gone', () => {
    const planted = catalog();
    planted.nl!.school!['pupils.newThing_one'] = '{{count}} nieuw ding';
    planted.nl!.school!['pupils.newThing_other'] = '{{count}} nieuwe dingen';
    expect(comparePlurals(renderPlurals(planted, SOURCE_LOCALE), reviewed)).toContain('nl school:pupils.newThing: no reviewed output yet');
    const gone = structuredClone(reviewed);
    gone.tr!['school:pupils.oldThing'] = { '1': 'eski' };
    expect(comparePlurals(renderPlurals(catalog(), SOURCE_LOCALE), gone)).toContain(
      'tr school:pupils.oldThing: reviewed, but no such plural key any more',
    );
  });
});
