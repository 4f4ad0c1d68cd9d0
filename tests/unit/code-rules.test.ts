import { describe, expect, it } from 'vitest';
import { CODE_RULE_IDS, checkCode } from '~/i18n/code-rules.ts';

const rules = (source: string, file = 'src/pages/[lang]/app/my-data/index.astro') => checkCode(source, file).map((f) => f.rule);

describe('code that puts text together', () => {
  it('has a planted mistake for every rule', () => {
    const planted = [
      '<li>{t(`meetings:kind.${m.kind}`)}, {date(m.starts_at)}</li>', // the review's my-data line
      '<q>“{r.reason}”</q>',
      'const day = new Intl.DateTimeFormat(lang, { dateStyle: "long" });',
    ].join('\n');
    expect(new Set(rules(planted))).toEqual(new Set(CODE_RULE_IDS));
  });

  it("finds separators assembled in code (the review's my-data and erasure lines)", () => {
    for (const bad of [
      '<bdi>{r.school_name}</bdi>, {day.format(new Date(r.requested_at))}:',
      "<bdi>{i.pupils.join(', ')}</bdi>",
      'const names = list.join("، ");',
      'const line = `${kind}, ${date}`;',
      "const more = names.length > 5 ? ', …' : '';",
      '{a}; {b}',
    ]) {
      expect(rules(bad), bad).toEqual(['code-separator']);
    }
  });

  it('leaves code alone: object literals, argument lists, strings with commas inside, logs outside pages', () => {
    for (const good of [
      "t('app.myData.meetingLine', { kind, date })",
      "fields={{ request: r.request_id, decision: 'erase' }}",
      "const COLUMNS = ['what', 'why', 'howLong', 'who'] as const;",
      "headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'public, no-cache' },",
      'fn({ a }, { b })',
      '{new Intl.ListFormat(intlLocale(lang)).format(names)}',
      "<span>{t('x')}: {t('y')}</span>",
      '// {kind}, {date} in a comment',
      '<p>{a}, {b}</p> <!-- language-check-ok: a code sample on a page for developers -->',
    ]) {
      expect(rules(good), good).toEqual([]);
    }
    expect(rules("log(`removed ${summary.join(', ')}`);", 'src/server/retention.ts')).toEqual([]);
  });

  it('wants every Intl formatter built with intlLocale, or with a literal locale chosen on purpose', () => {
    expect(rules('new Intl.ListFormat(lang)')).toEqual(['code-intl-locale']);
    expect(rules("new Intl.DisplayNames([lang], { type: 'language' })")).toEqual(['code-intl-locale']);
    expect(rules('date.toLocaleDateString()', 'src/server/x.ts')).toEqual(['code-intl-locale']);
    expect(rules('new Intl.DateTimeFormat(r.locale, {})', 'src/server/meeting-mail.ts')).toEqual(['code-intl-locale']);
    for (const good of [
      'new Intl.ListFormat(intlLocale(lang))',
      "new Intl.DisplayNames([intlLocale(lang)], { type: 'language' })",
      "new Intl.DateTimeFormat('en-CA', { timeZone: SCHOOL_TIME_ZONE })",
      'name.toLocaleLowerCase()',
    ]) {
      expect(rules(good), good).toEqual([]);
    }
    // The helpers themselves live in src/i18n.
    expect(checkCode('new Intl.PluralRules(locale)', 'src/i18n/check.ts')).toEqual([]);
  });
});
