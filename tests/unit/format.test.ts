import { describe, expect, it } from 'vitest';
import { plainText } from '~/domain/inline.ts';
import { intlLocale } from '~/i18n/format.ts';
import { getT } from '~/i18n/index.ts';
import { LOCALE_CODES } from '~/i18n/locales.ts';

const at = new Date('2026-12-13T14:30:00Z'); // 15:30 in Amsterdam
const full = (lang: (typeof LOCALE_CODES)[number]) =>
  new Intl.DateTimeFormat(intlLocale(lang), { dateStyle: 'full', timeStyle: 'short', timeZone: 'Europe/Amsterdam' }).format(at);

describe('formats chosen per language', () => {
  it('writes English dates the British way, on the 24-hour clock', () => {
    expect(full('en')).toBe('Sunday, 13 December 2026 at 15:30');
    expect(new Intl.DateTimeFormat('en', { timeStyle: 'short', timeZone: 'Europe/Amsterdam' }).format(at)).toMatch(/PM/); // what en alone did
  });

  it('writes Arabic with Western digits and the 24-hour clock, as the school’s letters do', () => {
    expect(full('ar')).toBe('الأحد، 13 ديسمبر 2026 في 15:30');
    expect(full('ar')).not.toMatch(/[٠-٩]|م$/u);
  });

  it('keeps the 24-hour clock in every language', () => {
    for (const lang of LOCALE_CODES) expect(full(lang), lang).toContain('15:30');
  });

  it('makes lists in each language’s own words', () => {
    const list = (lang: (typeof LOCALE_CODES)[number]) => new Intl.ListFormat(intlLocale(lang)).format(['Sara', 'Yusuf', 'Emma']);
    expect(list('nl')).toBe('Sara, Yusuf en Emma');
    expect(list('ar')).toBe('Sara وYusuf وEmma');
    expect(list('tr')).toBe('Sara, Yusuf ve Emma');
    expect(list('en')).toBe('Sara, Yusuf and Emma');
  });
});

describe('text put together at run time', () => {
  it('joins a meeting and its date with the language’s comma', () => {
    expect(getT('ar')('app.myData.meetingLine', { kind: 'لقاء تعارف', date: '27 أكتوبر 2026' })).toBe('لقاء تعارف، 27 أكتوبر 2026');
    expect(getT('nl')('app.myData.meetingLine', { kind: 'Kennismakingsgesprek', date: '27 oktober 2026' })).toBe(
      'Kennismakingsgesprek op 27 oktober 2026',
    );
  });

  it('writes the invitation in a labelled layout, signed with the school’s name, in every language', () => {
    for (const lang of LOCALE_CODES) {
      const t = getT(lang, 'meetings');
      const kind = plainText(t('kind.report'));
      const body = t('mail.body', {
        kind,
        names: 'Sara',
        when: full(lang),
        place: 'Lokaal 3',
        link: 'https://x.example',
        school: 'Basisschool De Regenboog',
      });
      expect(body, lang).toMatch(new RegExp(`\\n[^\\n:]+: ${kind.replace(/[()]/g, '\\$&')}\\n`));
      expect(body.trimEnd(), lang).toMatch(/\nBasisschool De Regenboog$/);
      expect(body, lang).not.toMatch(/\[\[|\]\]/);
      // Never "a Introduction meeting": the kind stands on its own line, not after an article
      // (case kept: the English kind begins "Meeting about…", the sentence says "a meeting").
      expect(body, lang).not.toMatch(new RegExp(`\\b(?:a|an|een) ${kind.split(' ')[0]}`));
    }
    expect(plainText('لقاء حول الـ[[nl:rapport]] (الشهادة المدرسية)')).toBe('لقاء حول الـrapport (الشهادة المدرسية)');
  });

  it('says how long a sign-in code works with the plural the number needs', () => {
    expect(getT('ar', 'auth')('mail.validity', { count: 10 })).toBe('الرمز صالح لمدة 10 دقائق، ويمكن استخدامه مرة واحدة فقط.');
    expect(getT('nl', 'auth')('mail.validity', { count: 10 })).toBe('De code werkt 10 minuten en maar één keer.');
  });
});
