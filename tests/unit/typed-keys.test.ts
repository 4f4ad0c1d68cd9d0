import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { getT } from '~/i18n/index.ts';
import { DYNAMIC_KEY_FAMILIES, dynamicKey } from '~/i18n/keys.ts';

/**
 * Translation keys are typed from the Dutch JSON files (src/i18n/i18next.d.ts, src/i18n/keys.ts),
 * so `npm run check` (astro check, which covers .astro, .ts and these tests) fails on a key that
 * does not exist. The `@ts-expect-error` lines below are the proof: if keys stopped being
 * checked, each would be an unused expectation and the check would fail.
 */
describe('typed translation keys', () => {
  it('a misspelt key, or a key without its namespace, is a type error; a real one is not', () => {
    const t = getT('nl');
    // @ts-expect-error -- misspelt: nl/common.json has site.name
    expect(t('site.nmae')).toBe('site.nmae');
    // @ts-expect-error -- a key of another namespace needs its prefix
    t('signIn.title');
    expect(t('auth:signIn.title')).not.toBe('auth:signIn.title');
    const auth = getT('nl', 'auth');
    // A bound namespace takes its keys bare, the others with their prefix.
    expect(auth('signIn.title')).toBe(t('auth:signIn.title'));
    // @ts-expect-error -- not in nl/auth.json
    auth('signIn.titel');
  });

  it('a plural is called by its base key; a key completed at run time must name its family', () => {
    const t = getT('nl');
    expect(t('school:pupils.added', { count: 2 })).toMatch(/^2 /);
    const code = 'invitation_not_found' as string;
    // @ts-expect-error -- a key completed at run time goes through dynamicKey
    t(`school:join.error.${code}`);
    // @ts-expect-error -- not one of DYNAMIC_KEY_FAMILIES
    dynamicKey('school:nope.', code);
    expect(t(dynamicKey('school:join.error.', code))).toBe(t('school:join.error.invitation_not_found'));
  });

  it('every family of keys built at run time has keys in Dutch', () => {
    const nl = (ns: string) =>
      Object.keys(JSON.parse(readFileSync(new URL(`../../src/i18n/locales/nl/${ns}.json`, import.meta.url), 'utf8')));
    for (const family of DYNAMIC_KEY_FAMILIES) {
      const [ns, prefix] = family.includes(':') ? (family.split(':') as [string, string]) : ['common', family];
      expect(
        nl(ns).some((k) => k.startsWith(prefix)),
        family,
      ).toBe(true);
    }
    expect(dynamicKey('meetings:kind.', 'progress')).toBe('meetings:kind.progress');
  });
});
