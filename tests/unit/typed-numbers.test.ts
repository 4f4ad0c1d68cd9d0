import { describe, expect, it } from 'vitest';
import { typedDate, typedDigits, typedInt, typedTime } from '~/server/forms.ts';

// Samira typed her code as ٤٤٥٥١١ and was told it was not six digits: every number a person
// types is read in the digits they use.
describe('numbers typed in any digits', () => {
  it('reads Arabic-Indic, Persian and full-width digits as the digits they mean', () => {
    expect(typedDigits.parse('٤٤٥٥١١')).toBe('445511');
    expect(typedDigits.parse('۴۴۵۵۱۱')).toBe('445511');
    expect(typedDigits.parse('４４５５１１')).toBe('445511');
  });

  it('whole numbers, within limits', () => {
    expect(typedInt(5, 60).parse('١٥')).toBe(15);
    expect(typedInt(5, 60).parse(' ２０ ')).toBe(20);
    expect(typedInt(5, 60).safeParse('٤').success).toBe(false);
    expect(typedInt(5, 60).safeParse('1e1').success).toBe(false);
    expect(typedInt(5, 60).safeParse('').success).toBe(false);
  });

  it('dates and times typed by hand', () => {
    expect(typedDate.parse('٢٠٢٦-١٢-٠٣')).toBe('2026-12-03');
    expect(typedTime.parse('٩:٣٠')).toBe('09:30');
    expect(typedTime.parse('۱۴.۰۵')).toBe('14:05');
    expect(typedTime.parse('15:00')).toBe('15:00');
    expect(typedTime.safeParse('25:00').success).toBe(false);
    expect(typedDate.safeParse('3-12-2026').success).toBe(false);
  });
});

describe('impossible dates are refused, not rolled over (issue 18, L7)', () => {
  it('2026-13-45, 2026-02-31, 0000-00-00 and 9999-12-31 are no dates; 2028-02-29 is one', () => {
    for (const odd of ['2026-13-45', '2026-02-31', '2026-02-29', '0000-00-00', '9999-12-31', '2026-00-10', '2026-04-31']) {
      const parsed = typedDate.safeParse(odd);
      expect(parsed.success, odd).toBe(false);
      expect(parsed.error?.issues[0]?.message, odd).toBe(
        odd.length === 10 && /^\d{4}-\d{2}-\d{2}$/.test(odd) ? 'validation.realDate' : undefined,
      );
    }
    expect(typedDate.parse('2028-02-29')).toBe('2028-02-29');
    expect(typedDate.parse('2026-12-31')).toBe('2026-12-31');
  });
});
