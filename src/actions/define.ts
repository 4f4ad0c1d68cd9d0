import { type ActionAPIContext, defineAction } from 'astro:actions';
import type { TFunction } from 'i18next';
import type { z } from 'zod';
import { RpcError } from '~/domain/rpc/index.ts';
import type { Flash } from '~/server/flash.ts';
import { type FieldErrors, type FormValues, fieldErrors, formInput, valuesOf } from '~/server/forms.ts';
import { StorageRefused } from '~/server/port.ts';

/**
 * One shape for every form that changes data: who may (guard), what was sent (input, a zod
 * schema), then the command (handler). Astro Actions carry it; this helper adds what Actions
 * leave to us: messages in the person's language that name the field, what was typed kept for
 * the form to show again, and refusals from the database turned into sentences instead of a
 * 500. The middleware (src/middleware.ts) answers a success with a redirect (post → redirect →
 * get) and a refusal with the page again.
 *
 * Why the helper parses the form itself instead of giving `input` to defineAction: Astro's
 * input errors carry zod's English messages and drop the typed values. See docs/architecture.md.
 */

/** Done: where to go next (default: the page the form was on) and what to say there. */
export interface Done {
  ok: true;
  to?: string;
  flash?: Flash;
}
/** Refused: what to say per field, and what was typed. */
export interface Refused {
  ok: false;
  errors: FieldErrors;
  values: FormValues;
}
export type FormOutcome = Done | Refused;

/** A refusal a handler raises on purpose: which field, which sentence. */
export class Refusal extends Error {
  constructor(readonly errors: FieldErrors) {
    super('refused');
    this.name = 'Refusal';
  }
}

export type ActionContext = ActionAPIContext;

export interface FormActionDef<S extends z.ZodType, G> {
  /** Who may do this: what the handler needs to know about them, or null for "not you". */
  guard: (ctx: ActionContext) => Promise<G | null> | G | null;
  input: S;
  handler: (input: z.output<S>, allowed: G, ctx: ActionContext) => Promise<Done>;
  /** Sentences for the refusals this command expects (a duplicate name, a stale revision). */
  refusals?: (err: RpcError | StorageRefused, t: TFunction) => FieldErrors | undefined;
  /** Fields never sent back into the form (passwords). */
  secret?: readonly string[];
}

export function formAction<S extends z.ZodType, G>(def: FormActionDef<S, G>) {
  return defineAction({
    accept: 'form',
    handler: async (form: FormData, ctx): Promise<FormOutcome> => {
      const { t } = ctx.locals;
      const values = valuesOf(form, def.secret);
      const refused = (errors: FieldErrors): Refused => ({ ok: false, errors, values });
      const allowed = await def.guard(ctx);
      if (allowed === null) return refused({ _form: t('errors.forbidden') });
      const parsed = def.input.safeParse(formInput(def.input, form));
      if (!parsed.success) return refused(fieldErrors(parsed.error.issues, t));
      try {
        return await def.handler(parsed.data, allowed, ctx);
      } catch (err) {
        if (err instanceof Refusal) return refused(err.errors);
        if (err instanceof RpcError || err instanceof StorageRefused) {
          const known = def.refusals?.(err, t);
          if (known) return refused(known);
          return refused({ _form: t(err instanceof RpcError && err.code === 'forbidden' ? 'errors.forbidden' : 'errors.generic') });
        }
        // Anything else: logged by kind (never the input), and the form comes back with what
        // was typed, from the body read this once (the middleware never reads it again).
        console.log(`[portal] action failed: ${err instanceof Error ? `${err.name}: ${err.message}` : 'unknown'}`.slice(0, 270));
        return refused({ _form: t('errors.generic') });
      }
    },
  });
}

/** Anyone, signed in or not (sign-in forms). */
export const anyone = () => true as const;

/** The page a form was posted on, without the action's own query parameter. */
export function pageOf(url: URL): string {
  const params = new URLSearchParams(url.search);
  params.delete('_action');
  params.delete('refused');
  const search = params.toString();
  return `${url.pathname}${search ? `?${search}` : ''}`;
}
