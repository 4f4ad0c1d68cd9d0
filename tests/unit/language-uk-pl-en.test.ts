import { describe, expect, it } from 'vitest';
import { plainText } from '~/domain/inline.ts';
import { getT } from '~/i18n/index.ts';
import { keyFromData } from '~/i18n/keys.ts';

/**
 * Sentences assembled at run time in Ukrainian, Polish and English, rendered as a person reads
 * them (the plurals are rendered against reviewed outputs by the language check,
 * src/i18n/plurals-reviewed.json). The sentences the review found gendered are rendered with a
 * girl's and a boy's name: the portal stores no gender, so each must be the same for both.
 */
/** [lang, key, params, the sentence with {name} for the name]: the same words for Zofia and Taras. */
const NAMED: [string, string, Record<string, string>, string][] = [
  ['uk', 'school:pupils.leftConfirm', {}, 'Так, {name} більше не навчається в нашій школі'],
  [
    'uk',
    'school:pupils.leftWarning',
    { date: '1 грудня 2028 р.' },
    '{name} більше не буде в класі й не зможе входити на портал. Дані цієї дитини буде автоматично видалено 1 грудня 2028 р. (строк зберігання в школі).',
  ],
  ['uk', 'school:pupils.unlock', {}, 'Розблокувати вхід: {name}'],
  ['uk', 'school:pupils.resetDone', {}, '{name} тепер має нові картинки. Старі більше не діють.'],
  ['uk', 'common:classMode.askTeacher', {}, '{name}, попроси вчителя допомогти.'],
  ['uk', 'needs:parent.notYet', {}, '{name}: поки нічого не вибрано.'],
  ['uk', 'school:people.unlinkWarning', { child: 'Sara' }, 'Після цього {name} більше нічого не бачитиме про цю дитину (Sara).'],
  ['pl', 'school:pupils.leftConfirm', {}, 'Tak, {name} odchodzi ze szkoły'],
  [
    'pl',
    'school:pupils.leftWarning',
    { date: '1 grudnia 2028' },
    '{name} nie będzie już na liście klasy, a logowanie przestanie działać. To, co zapisano o tym dziecku, zostanie automatycznie usunięte 1 grudnia 2028 (okres przechowywania w szkole).',
  ],
  ['pl', 'school:pupils.unlock', {}, 'Odblokuj logowanie: {name}'],
  ['pl', 'common:classMode.askTeacher', {}, '{name}, poproś nauczyciela o pomoc.'],
  ['pl', 'needs:parent.notYet', {}, '{name}: jeszcze nic nie wybrano.'],
  [
    'pl',
    'school:erasure.withChildren',
    { names: 'Sara i Yusuf' },
    'Dane tej osoby, a także odpowiedzi i przygotowania dzieci do rozmów: Sara i Yusuf.',
  ],
  ['en', 'common:classMode.askTeacher', {}, '{name}, please ask your teacher for help.'],
  [
    'en',
    'school:erasure.withChildren',
    { names: 'Sara and Yusuf' },
    'Their own data, and their children’s answers and meeting preparations: Sara and Yusuf.',
  ],
];

describe('sentences with a name agree with no gender', () => {
  for (const [lang, key, params, sentence] of NAMED) {
    for (const name of ['Zofia', 'Taras']) {
      it(`${lang} ${key} with ${name}`, () => {
        expect(getT(lang as 'uk')(keyFromData(key), { ...params, name })).toBe(sentence.replaceAll('{name}', name));
      });
    }
  }

  it('the pupil board speaks to the teacher without a vocative', () => {
    for (const [lang, label] of [
      ['uk', 'Для вчителя'],
      ['pl', 'Dla nauczyciela'],
    ] as const) {
      const t = getT(lang, 'needs');
      expect(t('start.teacher')).toBe(label);
      for (const key of ['board.title.tops', 'board.title.tips', 'say.top', 'say.tip'] as const) {
        expect(t(key)).toMatch(new RegExp(`^${label}: `));
      }
    }
  });
});

describe('the meeting invitation mail', () => {
  const params = { names: 'Zofia', when: 'Wednesday 16 December 2026 at 15:00', place: 'Lokaal Groep 3', link: 'https://portal.example/x' };
  it('in English: the labelled layout of the Ukrainian and Polish mails, no "a Introduction meeting about"', () => {
    const t = getT('en', 'meetings');
    for (const kind of ['introduction', 'progress', 'report', 'extra-support', 'other'] as const) {
      const body = t('mail.body', { ...params, kind: plainText(t(`kind.${kind}`)) });
      expect(body).toContain(`\nType of meeting: ${plainText(t(`kind.${kind}`))}\nAbout: Zofia\nWhen: `);
      expect(body).toContain('The school invites you to a meeting.');
      expect(body).toContain('prepare for the meeting');
      expect(t('mail.subject', { names: 'Zofia', kind: plainText(t(`kind.${kind}`)) })).toBe(
        `Invitation: ${plainText(t(`kind.${kind}`))} – Zofia`,
      );
    }
    expect(t('kind.report')).toBe('Meeting about the school report ([[nl:rapport]])');
  });
  it('in Ukrainian and Polish: no brackets inside brackets in the subject', () => {
    expect(getT('uk', 'meetings')('mail.subject', { kind: plainText(getT('uk', 'meetings')('kind.report')), names: 'Zofia' })).toBe(
      'Запрошення: Зустріч щодо табеля (rapport) — Zofia',
    );
    expect(getT('pl', 'meetings')('mail.subject', { kind: plainText(getT('pl', 'meetings')('kind.report')), names: 'Zofia' })).toBe(
      'Zaproszenie: Rozmowa o świadectwie (rapport) – Zofia',
    );
  });
});

describe('other sentences the review found broken once filled in', () => {
  it('pl: the sign-in limit parses with a time', () => {
    expect(getT('pl', 'auth')('limit.codes', { time: '00:57' })).toContain('O 00:57 możesz poprosić o nowy.');
  });
  it('uk: a school name is never declined after "до"', () => {
    expect(getT('uk')('flash.joined', { school: 'Basisschool De Regenboog' })).toBe(
      'Ласкаво просимо! Ви приєдналися до школи Basisschool De Regenboog.',
    );
  });
  it('the reader names its own language without a capitalised endonym', () => {
    expect(getT('uk', 'leaflets')('reader.onlyMine')).toBe('Лише українською');
    expect(getT('pl', 'leaflets')('reader.onlyMine')).toBe('Tylko po polsku');
    expect(getT('en', 'leaflets')('reader.onlyMine')).toBe('Only in English');
  });
});
