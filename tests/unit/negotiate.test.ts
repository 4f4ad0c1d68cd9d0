import { describe, expect, it } from 'vitest';
import { localeFromAcceptLanguage, negotiateLocale, parseAcceptLanguage, switchLocalePath } from '~/i18n/negotiate.ts';

describe('locale negotiation', () => {
  it('orders Accept-Language by quality, then by position', () => {
    expect(parseAcceptLanguage('de;q=0.5, ar-MA, en;q=0.9, fr;q=0')).toEqual(['ar-ma', 'en', 'de']);
  });

  it('matches a regional tag on its language', () => {
    expect(localeFromAcceptLanguage('uk-UA,uk;q=0.9,ru;q=0.8')).toBe('uk');
    expect(localeFromAcceptLanguage('de-DE, tr;q=0.4')).toBe('tr');
    expect(localeFromAcceptLanguage('de-DE, fr')).toBeUndefined();
  });

  it('prefers the saved choice, then the browser, then Dutch', () => {
    expect(negotiateLocale({ cookie: 'pl', acceptLanguage: 'ar' })).toBe('pl');
    expect(negotiateLocale({ cookie: 'xx', acceptLanguage: 'ar' })).toBe('ar');
    expect(negotiateLocale({ cookie: undefined, acceptLanguage: 'fr' })).toBe('nl');
    expect(negotiateLocale({})).toBe('nl');
  });

  it('keeps the page when switching language', () => {
    expect(switchLocalePath('/ar/s/demo/leaflets', 'pl')).toBe('/pl/s/demo/leaflets');
    expect(switchLocalePath('/nl/', 'ar')).toBe('/ar/');
    expect(switchLocalePath('/nope', 'tr')).toBe('/tr/nope');
  });
});
