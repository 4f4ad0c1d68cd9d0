import { createHmac } from 'node:crypto';
import { runtimeSecret } from './backend.ts';
import type { SessionUser } from './port.ts';

/**
 * Whose draft a browser keeps (DraftKeeper, PrepDraft): a short keyed hash of the signed-in
 * person (or pupil), so the key names nobody, and a draft is only ever put back into the form
 * of the person who typed it. On a shared device (the class tablet, a family's phone) the next
 * person has another owner and never sees it; sign-out clears them all (ForgetDrafts). Empty
 * when nobody is signed in: then nothing is kept.
 */
export async function draftOwner(user: SessionUser | null): Promise<string> {
  if (!user) return '';
  return createHmac('sha256', await runtimeSecret())
    .update(`draft-owner:${user.kind}:${user.id}`)
    .digest('base64url')
    .slice(0, 22);
}
