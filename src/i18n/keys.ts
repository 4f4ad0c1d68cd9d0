import type { KeyIn, NAMESPACES } from './index.ts';

/**
 * Translation keys are typed from the Dutch JSON files (src/i18n/i18next.d.ts): `t('auth:x')`
 * with a key that nl/auth.json lacks fails `npm run check`. A key written out in full is checked
 * where it is written. A key completed at run time from data (a meeting's kind, a refusal's
 * code) cannot be; it goes through `dynamicKey`, whose families are listed here, in one place,
 * and each must be the start of at least one real key (checked below by the compiler). Whether
 * every value the data can take has its key is the i18n check's and the pages' tests' to say.
 */
export type TranslationKey = KeyIn<'common'>;

export const DYNAMIC_KEY_FAMILIES = [
  'auth:code.error.',
  'leaflets:fields.',
  'meetings:choice.',
  'meetings:kind.',
  'meetings:pupilChoice.',
  'meetings:pupilSay.',
  'meetings:who.',
  'needs:label.',
  // A kind the digest has no line for falls back to notify:digest.item.other (defaultValue).
  'notify:digest.item.',
  'plans:attention.',
  'privacy:',
  'roles.',
  'school:plan.circle.',
  // A refusal's code; one without its sentence falls back to invitation_not_found (defaultValue).
  'school:join.error.',
  // An invitation's role: invitations are made only for INVITABLE_ROLES (never 'pupil').
  'school:join.invitedAs.',
] as const;
export type DynamicKeyFamily = (typeof DYNAMIC_KEY_FAMILIES)[number];

/** The keys of one family. */
export type KeyOf<F extends string> = Extract<TranslationKey, `${F}${string}`>;
/**
 * Each family's keys, worked out once: `dynamicKey` returns `FamilyKeys[F]`, not `KeyOf<F>`.
 * A conditional type in the return of a generic call makes the compiler relate it to every one of
 * the ~3,500 keys a `t` takes, for every candidate family (tsc: 85 s a call); an indexed access
 * is related through its constraint, once.
 */
type FamilyKeys = { [F in DynamicKeyFamily]: KeyOf<F> };

/** A key of `family` completed at run time (`dynamicKey('meetings:kind.', meeting.kind)`). */
export function dynamicKey<F extends DynamicKeyFamily>(family: F, rest: string): FamilyKeys[F] {
  return `${family}${rest}` as FamilyKeys[F];
}

/**
 * A key that arrives as data — a one-time message's key, a zod issue's message, a refusal's
 * sentence — written in full where it was made, but not typed on its way here.
 */
export function keyFromData(key: string): TranslationKey {
  return key as TranslationKey;
}

// Every family starts at least one real key: a misspelt or emptied family fails the type check.
type FamilyWithoutKeys<F> = F extends string ? ([KeyOf<F>] extends [never] ? F : never) : never;
const everyFamilyHasKeys: [FamilyWithoutKeys<DynamicKeyFamily>] extends [never] ? true : FamilyWithoutKeys<DynamicKeyFamily> = true;
void everyFamilyHasKeys;

// Every namespace in NAMESPACES has its Dutch file in the typed resources (i18next.d.ts): a new
// namespace that is not added there fails the type check here.
type TypedNamespaces = keyof import('i18next').CustomTypeOptions['resources'];
const everyNamespaceTyped: [Exclude<(typeof NAMESPACES)[number], TypedNamespaces>] extends [never] ? true : false = true;
void everyNamespaceTyped;
