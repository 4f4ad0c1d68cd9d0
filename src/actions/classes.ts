import { z } from 'zod';
import { LIMITS } from '~/domain/limits.ts';
import { isAvatarId } from '~/domain/pictograms.ts';
import { parsePupilNames } from '~/domain/pupils.ts';
import { RpcError } from '~/domain/rpc/index.ts';
import { isValidSchoolYear } from '~/domain/school-year.ts';
import { quoteTyped } from '~/domain/text.ts';
import { isolate } from '~/i18n/bidi.ts';
import { intlLocale } from '~/i18n/format.ts';
import type { TFunction } from '~/i18n/index.ts';
import type { Locale } from '~/i18n/locales.ts';
import { setClassDevice } from '~/server/class-mode.ts';
import { clearAdultPin, pinAcceptable, setAdultPin } from '~/server/class-adult.ts';
import { runtimeSecret } from '~/server/backend.ts';
import { nameField, typedDigits } from '~/server/forms.ts';
import { schoolStaff } from '~/server/guards.ts';
import { loginCards } from '~/server/shown-once.ts';
import { removeStoredFile } from '~/server/stored-files.ts';
import { type ActionContext, type Done, formAction, Refusal } from './define.ts';

/** Classes and their pupils: creating a class, adding pupils, login cards, class mode. */

const classPath = (ctx: ActionContext, classId: string) => `/${ctx.locals.lang}/s/${ctx.params.school}/admin/classes/${classId}`;
function classOfPage(ctx: ActionContext): string {
  const id = z.uuid().safeParse(ctx.params.classId);
  if (!id.success) throw new Refusal({ _form: ctx.locals.t('errors.generic') });
  return id.data;
}

/** Shows new picture codes once (see shown-once.ts) on the class page. */
async function showCards(ctx: ActionContext, classId: string, cards: { pupil_id: string; picture_code: string }[]) {
  const path = classPath(ctx, classId);
  await loginCards.keep({ cookies: ctx.cookies, url: ctx.url, userId: ctx.locals.user!.id }, path, cards);
  return `${path}?show=cards`;
}

/** Names quoted back in a refusal: each shortened, at most five, then "and 3 more", as a list in the person's language. */
const listQuoted = (names: readonly string[], lang: Locale, t: TFunction) => {
  const shown = names.slice(0, 5).map((n) => isolate(quoteTyped(n)));
  if (names.length > 5) shown.push(t('school:pupils.error.andMore', { count: names.length - 5 }));
  return new Intl.ListFormat(intlLocale(lang)).format(shown);
};

export const classes = {
  create: formAction({
    guard: schoolStaff('admin'),
    input: z.object({
      name: nameField(LIMITS.className),
      school_year: z.string().trim().refine(isValidSchoolYear, 'school:classes.error.schoolYear'),
    }),
    async handler({ name, school_year }, school, ctx) {
      const [created] = await ctx.locals.backend.db.rpc('create_class', {
        p_school: school.school.id,
        p_name: name,
        p_school_year: school_year,
      });
      return { ok: true, to: classPath(ctx, created!.id), flash: { key: 'flash.classCreated', values: { name: created!.name } } };
    },
    refusals: (err, t) => (err instanceof RpcError && err.code === 'duplicate' ? { name: t('school:classes.error.duplicate') } : undefined),
  }),

  addPupils: formAction({
    guard: schoolStaff('admin'),
    input: z.object({ names: z.string().max(5000) }),
    async handler({ names: text }, _, ctx) {
      const { t, backend } = ctx.locals;
      const pasted = parsePupilNames(text);
      if (pasted.names.length === 0) throw new Refusal({ names: t('validation.required') });
      if (pasted.names.length > LIMITS.pupilsPerPaste)
        throw new Refusal({ names: t('school:pupils.error.tooMany', { count: LIMITS.pupilsPerPaste }) });
      if (pasted.tooLong.length) {
        throw new Refusal({
          names: t('school:pupils.error.tooLong', { count: LIMITS.pupilName.max, names: listQuoted(pasted.tooLong, ctx.locals.lang, t) }),
        });
      }
      if (pasted.duplicates.length)
        throw new Refusal({
          names: t('school:pupils.error.duplicateInList', { names: listQuoted(pasted.duplicates, ctx.locals.lang, t) }),
        });
      const classId = classOfPage(ctx);
      const cards = await backend.db.rpc('add_pupils', { p_class: classId, p_names: pasted.names });
      return { ok: true, to: await showCards(ctx, classId, cards), flash: { key: 'school:pupils.added', values: { count: cards.length } } };
    },
    refusals: (err, t) =>
      err instanceof RpcError && err.code === 'duplicate_pupil_name'
        ? { names: t('school:pupils.error.duplicateInClass', { name: err.detail ?? '' }) }
        : err instanceof RpcError && err.code === 'class_full'
          ? { names: t('school:pupils.error.classFull', { count: LIMITS.pupilsPerClass }) }
          : undefined,
  }),

  /**
   * New picture codes for the chosen pupils; their old pictures stop working. The first post asks
   * to confirm (saying how many pupils will need their new card), the second makes them.
   */
  makeCards: formAction({
    guard: schoolStaff(),
    input: z.object({
      pupils: z.array(z.uuid()).min(1, 'school:pupils.chooseForCardsError').max(LIMITS.pupilsPerClass),
      confirmed: z.boolean(),
    }),
    async handler({ pupils: chosen, confirmed }, _, ctx) {
      if (!confirmed) throw new Refusal({ _confirm: ctx.locals.t('school:pupils.cardsConfirm', { count: chosen.length }) });
      const classId = classOfPage(ctx);
      const cards = await ctx.locals.backend.db.rpc('reset_pupil_codes', { p_class: classId, p_pupils: chosen });
      return {
        ok: true,
        to: await showCards(ctx, classId, cards),
        flash: { key: 'school:pupils.cardsMade', values: { count: cards.length } },
      };
    },
  }),

  resetCode: formAction({
    guard: schoolStaff(),
    input: z.object({ pupil: z.uuid() }),
    async handler({ pupil }, _, ctx) {
      const classId = classOfPage(ctx);
      const cards = await ctx.locals.backend.db.rpc('reset_pupil_codes', { p_class: classId, p_pupils: [pupil] });
      if (cards.length === 0) throw new Refusal({ _form: ctx.locals.t('errors.generic') });
      return {
        ok: true,
        to: await showCards(ctx, classId, cards),
        flash: { key: 'school:pupils.resetDone', values: { name: cards[0]!.first_name } },
      };
    },
  }),

  /** A locked-out pupil may try again, with the same pictures. */
  unlock: formAction({
    guard: schoolStaff(),
    input: z.object({ pupil: z.uuid() }),
    async handler({ pupil }, _, ctx) {
      await ctx.locals.backend.db.rpc('unlock_pupil', { p_pupil: pupil });
      return { ok: true, flash: { key: 'school:pupils.unlocked' } };
    },
  }),

  /** A pupil's picture beside their name on the class device (the pupil chose it first). */
  setAvatar: formAction({
    guard: schoolStaff(),
    input: z.object({ pupil: z.uuid(), avatar: z.string().max(40) }),
    async handler({ pupil, avatar }, _, ctx) {
      if (avatar !== '' && !isAvatarId(avatar)) throw new Refusal({ _form: ctx.locals.t('errors.generic') });
      await ctx.locals.backend.db.rpc('set_pupil_avatar', { p_pupil: pupil, p_avatar: avatar === '' ? null : avatar });
      return { ok: true, flash: { key: 'school:pupils.avatarSaved' } };
    },
  }),

  setTeachers: formAction({
    guard: schoolStaff('admin'),
    input: z.object({ teachers: z.array(z.uuid()).max(LIMITS.teachersPerClass) }),
    async handler({ teachers }, _, ctx) {
      await ctx.locals.backend.db.rpc('set_class_teachers', { p_class: classOfPage(ctx), p_teachers: teachers });
      return { ok: true, flash: { key: 'school:classes.teachersSaved' } };
    },
  }),

  removePupil: formAction({
    guard: schoolStaff('admin'),
    input: z.object({ pupil: z.uuid() }),
    async handler({ pupil }, _, ctx) {
      // Everything about the pupil goes: the rows in one step, then their stored drawings.
      const { backend } = ctx.locals;
      const erased = await backend.db.rpc('erase_pupil', { p_pupil: pupil });
      for (const file of erased.files) await removeStoredFile(backend, file.name, file.bucket);
      return { ok: true, flash: { key: 'flash.pupilRemoved', values: { name: erased.first_name } } };
    },
  }),

  /**
   * A pupil left the school (or, for a mistake, is back): out of the class's lists and sign-in
   * now; what is stored about them is erased after the school's retention time.
   */
  setLeft: formAction({
    guard: schoolStaff('admin'),
    input: z.object({ pupil: z.uuid(), left: z.enum(['yes', 'no']) }),
    async handler({ pupil, left }, _, ctx): Promise<Done> {
      const { backend, lang } = ctx.locals;
      // The pupil's name, from the class list they are in: before leaving, or once back.
      const nameIn = async () =>
        (await backend.db.rpc('class_pupils', { p_class: classOfPage(ctx) })).find((p) => p.pupil_id === pupil)?.first_name ?? '';
      if (left === 'no') {
        await backend.db.rpc('set_pupil_left', { p_pupil: pupil, p_left: false });
        return { ok: true, flash: { key: 'school:pupils.flashBack', values: { name: await nameIn() } } };
      }
      const name = await nameIn();
      const eraseOn = await backend.db.rpc('set_pupil_left', { p_pupil: pupil, p_left: true });
      const date = new Intl.DateTimeFormat(intlLocale(lang), { dateStyle: 'long', timeZone: 'Europe/Amsterdam' }).format(
        new Date(eraseOn!),
      );
      return { ok: true, flash: { key: 'school:pupils.flashLeft', values: { name, date } } };
    },
    refusals: (err, t) =>
      err instanceof RpcError && err.code === 'duplicate_pupil_name'
        ? { _form: t('school:pupils.error.duplicateInClass', { name: err.detail ?? '' }) }
        : undefined,
  }),

  /** Hands this device to the class: the teacher's own session ends on it. */
  openClassMode: formAction({
    guard: schoolStaff(),
    // The teacher's own PIN for the adult controls on this device (class-adult.ts); may be left out.
    input: z.object({ pin: typedDigits.pipe(z.string().trim().max(12)).optional() }),
    secret: ['pin'],
    async handler({ pin }, __, ctx) {
      const { backend, lang, t } = ctx.locals;
      if (pin && !pinAcceptable(pin)) throw new Refusal({ pin: t('school:classMode.pinInvalid') });
      const [device] = await backend.db.rpc('open_class_mode', { p_class: classOfPage(ctx) });
      await backend.auth.signOut();
      const expires = new Date(device!.expires_at);
      setClassDevice(ctx.cookies, ctx.url, device!.device_token, expires, ctx.locals.lang);
      if (pin) setAdultPin(ctx.cookies, ctx.url, await runtimeSecret(), device!.device_token, pin, expires);
      else clearAdultPin(ctx.cookies);
      return { ok: true, to: `/${lang}/class` };
    },
  }),
};
