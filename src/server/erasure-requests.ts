import type { Locale } from '~/i18n/locales.ts';
import type { Backend } from './port.ts';
import { readWrittenBy } from './written-translation.ts';

/**
 * What the erasure-request part of "my data" shows (components/ErasureRequest.astro), loaded by
 * the page: the person's memberships, their requests, and each request's reason as they read it
 * (the school's answer in their language when it was written in another, marked).
 */
export async function loadErasureRequests(backend: Backend, lang: Locale) {
  const [memberships, requests] = await Promise.all([backend.db.rpc('my_memberships', {}), backend.db.rpc('my_erasure_requests', {})]);
  const reasons = await readWrittenBy(
    backend,
    Object.fromEntries(
      requests.map((r) => [
        r.request_id,
        r.reason
          ? { ref: { source: 'erasure_request' as const, field: 'reason', request: r.request_id }, text: r.reason, hint: 'nl' as const }
          : null,
      ]),
    ),
    lang,
  );
  return { memberships, requests, reasons };
}

export type ErasureReasons = Awaited<ReturnType<typeof loadErasureRequests>>['reasons'];
