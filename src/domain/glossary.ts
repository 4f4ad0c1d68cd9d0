import type { TranslationLocale } from '~/i18n/locales.ts';

/**
 * The key terms of docs/glossary.md, as pairs a translation machine can use (a DeepL glossary):
 * the Dutch word and the word the glossary gives in each language. Only words with one form
 * that fits every sentence are here; Ukrainian "вчитель/учитель" changes with the word before
 * it, so it is left to the machine and the reviewer.
 */
export const MACHINE_GLOSSARY: Record<TranslationLocale, ReadonlyArray<{ nl: string; target: string }>> = {
  en: [
    { nl: 'leerkracht', target: 'teacher' },
    { nl: 'leerling', target: 'pupil' },
    { nl: 'gesprek', target: 'meeting' },
    { nl: 'directeur', target: 'head teacher' },
  ],
  ar: [
    { nl: 'leerkracht', target: 'المعلّم' },
    { nl: 'gesprek', target: 'لقاء' },
    { nl: 'directeur', target: 'مدير المدرسة' },
  ],
  uk: [
    { nl: 'gesprek', target: 'зустріч' },
    { nl: 'directeur', target: 'директор школи' },
  ],
  pl: [
    { nl: 'leerkracht', target: 'nauczyciel' },
    { nl: 'gesprek', target: 'rozmowa' },
    { nl: 'directeur', target: 'dyrektor szkoły' },
  ],
  tr: [
    { nl: 'leerkracht', target: 'öğretmen' },
    { nl: 'leerling', target: 'öğrenci' },
    { nl: 'gesprek', target: 'görüşme' },
    { nl: 'directeur', target: 'okul müdürü' },
  ],
};
