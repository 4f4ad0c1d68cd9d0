import { describe, expect, it } from 'vitest';
import { parsePupilNames } from '~/domain/pupils.ts';
import { normalizeLine, toAsciiDigits } from '~/domain/text.ts';
import { nameField } from '~/server/forms.ts';

/** Names as people type (and paste) them: one normaliser for every name (hole 10). */
describe('normalizeLine', () => {
  it('removes direction-changing controls, so a name shows as it is stored', () => {
    // "Sara" followed by a right-to-left override and a reversed word would display as something else.
    expect(normalizeLine('Sara\u202Eevil\u202C')).toBe('Saraevil');
    for (const c of ['\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069']) {
      expect(normalizeLine(`Da${c}an`), JSON.stringify(c)).toBe('Daan');
    }
  });

  it('removes invisible characters and control characters, and folds whitespace', () => {
    expect(normalizeLine('  Em\u200Bma\u0007 \t van\u00A0Dijk\uFEFF ')).toBe('Emma van Dijk');
    expect(normalizeLine('Noor\u0000')).toBe('Noor');
  });

  it('keeps what a language needs: Arabic and Persian joiners, accents composed (NFC)', () => {
    expect(normalizeLine('لا\u200Cمی')).toBe('لا\u200Cمی');
    expect(normalizeLine('Zofia Ło\u0301dz')).toBe('Zofia Łódz');
    expect(normalizeLine('Oleksandr Шевченко')).toBe('Oleksandr Шевченко');
  });
});

describe('every name field uses it', () => {
  it('a name is measured after normalising, and refused when nothing is left', () => {
    const field = nameField({ min: 1, max: 10 });
    expect(field.parse(' \u202EAnna\u202C ')).toBe('Anna');
    expect(field.safeParse('\u200B\u202E').success).toBe(false);
    expect(field.safeParse('abcdefghijk').success).toBe(false);
  });

  it('pasted pupil names are normalised one by one', () => {
    expect(parsePupilNames('Sara\u202E\nDaan\u200B, Mila').names).toEqual(['Sara', 'Daan', 'Mila']);
  });
});

describe('digits as phones type them', () => {
  it('reads Arabic-Indic, Persian and full-width digits as the digits they are', () => {
    expect(toAsciiDigits('٤٤٥٥١١')).toBe('445511');
    expect(toAsciiDigits('۱۲۳۴۵۶')).toBe('123456');
    expect(toAsciiDigits('１２３４５６')).toBe('123456');
    expect(toAsciiDigits('12 34-56')).toBe('12 34-56');
  });
});
