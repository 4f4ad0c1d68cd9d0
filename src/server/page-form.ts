import type { AstroGlobal } from 'astro';
import type { FormOutcome, Refused } from '~/actions/define.ts';

/**
 * What a page needs from its forms' actions: the address a form posts to (keeping the page's
 * own query, e.g. the language being edited), and, after a refusal, the errors and what was typed.
 */

type ActionRef = { toString(): string } & ((...args: never[]) => unknown);

/** `?_action=…` on this page's own address, its other query parameters kept. */
export function actionUrl(url: URL, action: ActionRef, path = url.pathname): string {
  const name = new URLSearchParams(String(action)).get('_action') ?? '';
  const params = new URLSearchParams(path === url.pathname ? url.search : '');
  params.delete('_action');
  params.delete('refused');
  params.set('_action', name);
  return `${path}?${params.toString()}`;
}

/** The refusal this action just got on this page, or null. */
export function refusalOf(astro: Pick<AstroGlobal, 'getActionResult'>, action: ActionRef): Refused | null {
  const result = astro.getActionResult(action as never) as { data?: FormOutcome; error?: unknown } | undefined;
  if (!result || result.error || !result.data || result.data.ok) return null;
  return result.data;
}
