import type { TFunction } from 'i18next';
import { z } from 'zod';
import { normalizeLine, toAsciiDigits } from '~/domain/text.ts';

/**
 * Validation at the edge: a form's fields parsed with zod, and every issue turned into a
 * sentence in the person's language with the field it belongs to. What was typed comes back
 * in `values`, so a form re-renders with it and nothing is lost.
 */
export type FieldErrors = Record<string, string>;
export type FormValues = Record<string, string>;

export type FormResult<T> = { ok: true; data: T; values: FormValues } | { ok: false; errors: FieldErrors; values: FormValues };

/** The longest value kept to show again: enough for any field, not enough to fill memory. */
const MAX_KEPT = 20_000;

/** The message key for a zod issue (namespace `common`, keys `validation.*`). */
export function issueMessage(issue: z.core.$ZodIssue, t: TFunction): string {
  // A schema may name its own message key ('auth:code.error.format'); zod's defaults are sentences.
  if (issue.message && !/\s/.test(issue.message) && /[.:]/.test(issue.message)) return t(issue.message);
  switch (issue.code) {
    case 'too_small':
      if (issue.origin === 'string' && Number(issue.minimum) <= 1) return t('validation.required');
      if (issue.origin === 'array') return t('validation.chooseAtLeast', { count: Number(issue.minimum) });
      return t('validation.tooShort', { count: Number(issue.minimum) });
    case 'too_big':
      if (issue.origin === 'array') return t('validation.chooseAtMost', { count: Number(issue.maximum) });
      return t('validation.tooLong', { count: Number(issue.maximum) });
    case 'invalid_format':
      if (issue.format === 'email') return t('validation.email');
      return t('validation.format');
    case 'invalid_type':
      return issue.input === undefined || issue.input === null ? t('validation.required') : t('validation.format');
    default:
      return t('validation.format');
  }
}

/** What was typed, field by field (repeated fields joined by new lines), to show again. */
export function valuesOf(form: FormData, secret: readonly string[] = []): FormValues {
  const values: FormValues = {};
  for (const [key, value] of form.entries()) {
    if (typeof value !== 'string' || secret.includes(key) || key.length > 100) continue;
    const kept = value.slice(0, MAX_KEPT);
    values[key] = key in values ? `${values[key]}\n${kept}` : kept;
  }
  return values;
}

/** Unwraps optional, default, pipe and the like down to the schema that decides a field's shape. */
function baseOf(schema: z.core.$ZodType): z.core.$ZodType {
  let s = schema;
  for (let i = 0; i < 10; i++) {
    const def = s._zod.def as { type: string; innerType?: z.core.$ZodType; in?: z.core.$ZodType };
    if (def.innerType) s = def.innerType;
    else if (def.type === 'pipe' && def.in) s = def.in;
    else break;
  }
  return s;
}

/**
 * The input a schema reads from a form: a list where the schema has an array (checkboxes), a
 * boolean where it has one (a ticked box), a file where it wants one, else the first string.
 * Fields the schema does not name are left out.
 */
export function formInput(schema: z.ZodType, form: FormData): Record<string, unknown> {
  const shape = (baseOf(schema)._zod.def as { shape?: Record<string, z.core.$ZodType> }).shape ?? {};
  const input: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(shape)) {
    const base = baseOf(field)._zod.def as { type: string };
    const all = form.getAll(key);
    if (base.type === 'array') input[key] = all.filter((v): v is string => typeof v === 'string');
    else if (base.type === 'boolean') input[key] = all.some((v) => v === 'on' || v === 'true');
    else if (base.type === 'file' || base.type === 'custom') input[key] = all[0];
    else if (typeof all[0] === 'string') input[key] = all[0];
  }
  return input;
}

/** The errors of a failed parse, one per field, in the person's language. */
export function fieldErrors(issues: readonly z.core.$ZodIssue[], t: TFunction): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues) {
    const field = String(issue.path[0] ?? '_form');
    errors[field] ??= issueMessage(issue, t);
  }
  return errors;
}

/** Parses a submitted form with a schema. */
export function parseForm<S extends z.ZodType>(
  schema: S,
  form: FormData,
  t: TFunction,
  secret: readonly string[] = [],
): FormResult<z.output<S>> {
  const values = valuesOf(form, secret);
  const result = schema.safeParse(formInput(schema, form));
  if (result.success) return { ok: true, data: result.data, values };
  return { ok: false, errors: fieldErrors(result.error.issues, t), values };
}

/** A name or short label: normalised (no invisible or direction-changing characters), then measured. */
export const nameField = (limits: { min?: number; max: number }) =>
  z
    .string()
    .max(limits.max * 4)
    .transform(normalizeLine)
    .pipe(
      z
        .string()
        .min(limits.min ?? 0)
        .max(limits.max),
    );

export const emailField = z.string().trim().toLowerCase().min(1).max(254).pipe(z.email());

/** A number a person typed, in any digits they use (Arabic-Indic, Persian, full-width). */
export const typedDigits = z.string().transform(toAsciiDigits);

/** A whole number typed in a form, in any digits, within its limits. */
export const typedInt = (min: number, max: number) =>
  typedDigits
    .pipe(
      z
        .string()
        .trim()
        .regex(/^\d{1,6}$/),
    )
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

/**
 * Whether yyyy-mm-dd is a day on the calendar, in the years a school plans for: 2026-13-45 or
 * 2026-02-31 are not rolled over into another day, and 9999-12-31 is no date to invite anyone to.
 */
export function isRealDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 2000 || y > 2099) return false;
  const at = new Date(Date.UTC(y, mo - 1, d));
  return at.getUTCFullYear() === y && at.getUTCMonth() === mo - 1 && at.getUTCDate() === d;
}

/** A date as a date field sends it (yyyy-mm-dd), also typed by hand in any digits; a real one. */
export const typedDate = typedDigits.pipe(
  z
    .string()
    .trim()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .refine(isRealDate, { message: 'validation.realDate' }),
);

/** A time of day (hh:mm), also typed by hand in any digits, with a colon or a dot, as "9:30" or "09.30". */
export const typedTime = typedDigits
  .pipe(
    z
      .string()
      .trim()
      .regex(/^([01]?\d|2[0-3])[:.][0-5]\d$/),
  )
  .transform((v) => v.replace('.', ':').padStart(5, '0'));
