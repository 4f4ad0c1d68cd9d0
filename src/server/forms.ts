import type { TFunction } from 'i18next';
import { z } from 'zod';

/**
 * Validation at the edge: a form's fields parsed with zod, and every issue turned into a
 * sentence in the person's language with the field it belongs to. What was typed comes back
 * in `values`, so a form re-renders with it and nothing is lost.
 */
export type FieldErrors = Record<string, string>;
export type FormValues = Record<string, string>;

export type FormResult<T> = { ok: true; data: T; values: FormValues } | { ok: false; errors: FieldErrors; values: FormValues };

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
      return issue.input === undefined ? t('validation.required') : t('validation.format');
    default:
      return t('validation.format');
  }
}

function valuesOf(form: FormData): FormValues {
  const values: FormValues = {};
  for (const [key, value] of form.entries()) {
    if (typeof value !== 'string') continue;
    values[key] = key in values ? `${values[key]}\n${value}` : value;
  }
  return values;
}

/** Parses a submitted form. Fields that repeat (checkboxes) arrive as arrays. */
export function parseForm<S extends z.ZodType>(
  schema: S,
  form: FormData,
  t: TFunction,
  arrays: readonly string[] = [],
): FormResult<z.output<S>> {
  const input: Record<string, unknown> = {};
  for (const key of new Set(form.keys())) {
    const all = form.getAll(key).filter((v): v is string => typeof v === 'string');
    input[key] = arrays.includes(key) ? all : all[0];
  }
  for (const key of arrays) input[key] ??= [];
  const values = valuesOf(form);
  const result = schema.safeParse(input);
  if (result.success) return { ok: true, data: result.data, values };
  const errors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const field = String(issue.path[0] ?? '_form');
    errors[field] ??= issueMessage(issue, t);
  }
  return { ok: false, errors, values };
}

/** Reads a request's form, or null when the body is not a form (a refusal, not a crash). */
export async function readForm(request: Request): Promise<FormData | null> {
  try {
    return await request.formData();
  } catch {
    return null;
  }
}

export const emailField = z.string().trim().toLowerCase().min(1).max(254).pipe(z.email());
