import type { APIRoute } from 'astro';
import { setTestClock } from '~/server/clock.ts';
import { notifyRuntime } from '~/server/notify/runtime.ts';
import { runScheduled } from '~/server/retention.ts';
import { isFromThisMachine } from '~/server/site.ts';

/**
 * The dev clock, for the end-to-end tests only (PORTAL_TEST_MODE=1, which the server refuses
 * anywhere but this machine with the dev mailbox; see config.ts): runs the job's scheduled
 * notifications as if it were `at`, and delivers what is due then; pages that compare a date a
 * person chose with today (src/server/clock.ts) take it as now. The server's own clock, and
 * everything else, stay as they are. Answers nobody but this machine; otherwise it does not exist.
 */
export const POST: APIRoute = async ({ request, clientAddress, url, locals }) => {
  const runtime = notifyRuntime();
  let socket = '';
  try {
    socket = clientAddress;
  } catch {
    socket = '';
  }
  if (!runtime?.testMode || !isFromThisMachine(socket, url.hostname)) return new Response(null, { status: 404 });
  const form = await request.formData().catch(() => null);
  const at = new Date(String(form?.get('at') ?? ''));
  if (Number.isNaN(at.getTime())) return new Response(null, { status: 400 });
  // Pages that compare a chosen date with today (a plan's evaluation) read it too: src/server/clock.ts.
  setTestClock(at);
  const scheduled = await runScheduled({ admin: locals.backend.admin }, at);
  let delivered = 0;
  for (let round = 0; round < 20; round++) {
    const taken = await runtime.notifier.runOnce(at);
    delivered += taken;
    if (taken === 0) break;
  }
  return new Response(JSON.stringify({ scheduled, delivered }), {
    headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' },
  });
};
