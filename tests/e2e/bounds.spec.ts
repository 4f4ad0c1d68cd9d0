import { readFileSync } from 'node:fs';
import { expect, expectNoAxeViolations, test } from './fixtures.ts';

/**
 * Issue 18, items 7 and 8, where a browser is needed: the refusal of a too-large form as a page a
 * person reads (with axe), and a sign-in link opened in someone else's browser. What needs no
 * browser (bodies bounded per form, 411, NUL bytes, /healthz, the code's time floor, the cache,
 * aborted posts) is in tests/http/bounds.test.ts.
 */

const anonymous = { storageState: { cookies: [], origins: [] } };
const common = (code: string) => JSON.parse(readFileSync(`src/i18n/locales/${code}/common.json`, 'utf8')) as Record<string, string>;

test.describe('bodies bounded by what the form needs', () => {
  test.use(anonymous);

  test('the refusal is a page a person can read: in Dutch, with axe', async ({ page, baseURL }) => {
    await page.goto('/nl/sign-in');
    await page.route('**/nl/sign-in?_action=auth.sendCode', async (route) => {
      await route.continue({ postData: `email=${'x'.repeat(200 * 1024)}` });
    });
    await page.locator('input[name=email]').fill('iemand@example.org');
    await page.locator('form button[type=submit]').first().click();
    await expect(page.locator('body')).toContainText(common('nl')['errors.formTooLarge']!);
    await expectNoAxeViolations(page);
    expect(baseURL).toBeTruthy();
  });
});

test.describe('a sign-in link (issue 18, item 8)', () => {
  test.use(anonymous);

  test('opening a sign-in link someone else asked for does not sign you in as them (login CSRF)', async ({ browser, baseURL }) => {
    // The "attacker" asks for a link for their own address; the link lands in the dev mailbox.
    const attacker = await browser.newContext(anonymous);
    const a = await attacker.newPage();
    await a.goto('/nl/sign-in');
    await a.locator('#field-email').fill('katarzyna@ouders.example');
    await a.locator('form.form button[type=submit]').click();
    await a.goto('/dev/mailbox');
    const link = await a
      .locator('.mail[data-to="katarzyna@ouders.example"][data-kind="sign_in"] a.mail__link')
      .first()
      .getAttribute('href');
    expect(link).toBeTruthy();
    await attacker.close();
    // The victim's browser opens it: a page with a button, nobody signed in.
    const victim = await browser.newContext(anonymous);
    const v = await victim.newPage();
    const path = new URL(link!).pathname + new URL(link!).search;
    await v.goto(path);
    await expect(v.locator('form[action="/auth/confirm"] button')).toBeVisible();
    await expectNoAxeViolations(v);
    expect((await victim.cookies()).some((c) => c.name === 'portal_session')).toBe(false);
    // A page elsewhere cannot press the button for them: its POST is refused.
    const token = new URL(link!).searchParams.get('token')!;
    const forged = await v.request.post('/auth/confirm', { headers: { Origin: 'http://evil.example' }, form: { token }, maxRedirects: 0 });
    expect(forged.status()).toBe(403);
    expect((await victim.cookies()).some((c) => c.name === 'portal_session')).toBe(false);
    // Pressing it on the portal's own page does sign in (the link still works for its owner).
    await v.locator('form[action="/auth/confirm"] button').click();
    await expect(v).toHaveURL(/\/app$/);
    expect(baseURL).toBeTruthy();
    await victim.close();
  });
});
