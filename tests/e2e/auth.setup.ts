import { test as setup } from '@playwright/test';
import { authFile, DEMO, signIn } from './helpers.ts';

// Signs in the demo people once; tests reuse their sessions instead of asking for new codes.
for (const [who, email] of [
  ['admin', DEMO.admin],
  ['teacher', DEMO.teacher],
  ['coach', DEMO.coach],
  ['parentPl', DEMO.parentPl],
  ['parentAr', DEMO.parentAr],
  ['teacher6', DEMO.teacher6],
] as const) {
  setup(`sign in ${who}`, async ({ page }) => {
    await signIn(page, email);
    await page.context().storageState({ path: authFile(who) });
  });
}
