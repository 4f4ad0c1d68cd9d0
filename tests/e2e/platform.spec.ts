import { expect, expectNoAxeViolations, keepScreenshot, PHONE, test } from './fixtures.ts';
import { authFile, codeFromMailbox, DEMO, oneSignInAtATime, signIn } from './helpers.ts';

test.describe('a parent signs in with a code from the mailbox', () => {
  test('in Arabic, sees both children, in two classes', async ({ page }, testInfo) => {
    await page.goto('/ar/sign-in');
    await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
    await expectNoAxeViolations(page);
    await oneSignInAtATime(DEMO.parentAr, async () => {
      await page.getByLabel('البريد الإلكتروني').fill(DEMO.parentAr);
      await page.locator('form.form button[type=submit]').click();
      await expect(page).toHaveURL(/\/ar\/sign-in\/code$/);
      await expectNoAxeViolations(page);
      const code = await codeFromMailbox(page, DEMO.parentAr);
      await page.locator('#field-code').fill(code);
      await page.locator('form.form button[type=submit]').click();
      await expect(page).toHaveURL(/\/ar\/app$/);
    });
    await expect(page.getByRole('heading', { level: 1 })).toContainText('Samira');
    const children = page.locator('.cards .card');
    await expect(children).toHaveCount(2);
    await expect(children.nth(0)).toContainText('Sara');
    await expect(children.nth(0)).toContainText('Groep 3');
    await expect(children.nth(1)).toContainText('Yusuf');
    await expect(children.nth(1)).toContainText('Groep 6');
    // Another family's child is not there.
    await expect(page.getByText('Zofia')).toHaveCount(0);
    await expectNoAxeViolations(page);
    await keepScreenshot(page, testInfo, 'parent-overview-ar-desktop');
    await page.setViewportSize(PHONE);
    await keepScreenshot(page, testInfo, 'parent-overview-ar-phone');

    // Signed-in pages are never cached.
    const response = await page.request.get('/ar/app');
    expect(response.headers()['cache-control']).toBe('no-store');

    // Sign-out ends the session on the server: the old cookie no longer opens the page.
    const cookies = await page.context().cookies();
    await page.getByRole('button', { name: 'تسجيل الخروج' }).click();
    await expect(page).toHaveURL(/\/ar\/$/);
    const replay = await page
      .context()
      .browser()!
      .newContext({ storageState: { cookies: [], origins: [] } });
    await replay.addCookies(cookies.filter((c) => c.name === 'portal_session'));
    const again = await replay.newPage();
    await again.goto('/ar/app');
    await expect(again).toHaveURL(/\/ar\/sign-in/);
    await replay.close();
  });

  test('bad input: an invalid address, a wrong code — clear errors, nothing lost', async ({ page }) => {
    await page.goto('/pl/sign-in');
    await page.locator('#field-email').fill('katarzyna@');
    await page.locator('form.form button[type=submit]').click();
    await expect(page.locator('#field-email')).toHaveValue('katarzyna@');
    await expect(page.locator('.field__error')).toContainText('adres');
    await expect(page.locator('#field-email')).toHaveAttribute('aria-invalid', 'true');
    await expectNoAxeViolations(page);

    await page.locator('#field-email').fill('niemand@example.org');
    await page.locator('form.form button[type=submit]').click();
    // Same answer for an unknown address: nobody learns who has an account.
    await expect(page).toHaveURL(/\/pl\/sign-in\/code$/);
    await page.locator('#field-code').fill('12345');
    await page.locator('form.form button[type=submit]').click();
    await expect(page.locator('#field-code')).toHaveValue('12345');
    await expect(page.locator('.field__error')).toContainText('6');
    await page.locator('#field-code').fill('123456');
    await page.locator('form.form button[type=submit]').click();
    await expect(page.locator('.field__error')).toBeVisible();
    await expectNoAxeViolations(page);
  });

  test('a used or expired link says so, in the reader’s language', async ({ page }) => {
    await page.goto('/tr/');
    await page.goto('/auth/confirm?token=not-a-real-token');
    // Opening the link signs nobody in: a button does (issue 18, L3).
    await expect(page.locator('html')).toHaveAttribute('lang', 'tr');
    await page.locator('form[action="/auth/confirm"] button').click();
    await expect(page).toHaveURL(/\/tr\/sign-in\?error=expired$/);
    await expect(page.locator('.notice')).toBeVisible();
  });
});

test.describe('class mode', () => {
  test('a teacher opens class mode and a pupil signs in with three pictures', async ({ page }, testInfo) => {
    // A long walk (sign-in by mail, class mode, three pictures, the avatar, four axe scans).
    test.slow();
    await signIn(page, DEMO.teacher);
    await page.getByRole('link', { name: 'Groepen en leerlingen' }).click();
    await page.getByRole('link', { name: 'Groep 3' }).click();
    await expectNoAxeViolations(page);
    await page.getByRole('button', { name: 'Klasmodus aanzetten op dit apparaat' }).click();

    await expect(page).toHaveURL(/\/nl\/class$/);
    await expect(page.getByRole('heading', { name: 'Tik op je naam' })).toBeVisible();
    await expectNoAxeViolations(page);
    await keepScreenshot(page, testInfo, 'class-mode-roster-nl');
    // The teacher is signed out on the class device.
    await expect(page.getByRole('button', { name: 'Uitloggen' })).toHaveCount(0);

    await page.getByRole('link', { name: 'Sara' }).click();
    await expect(page.getByRole('heading', { name: 'Sara' })).toBeVisible();
    await expectNoAxeViolations(page);
    await page.setViewportSize(PHONE);
    await keepScreenshot(page, testInfo, 'class-mode-pad-nl-phone');
    for (const picture of ['zon', 'kat', 'appel']) {
      await page.getByRole('button', { name: picture, exact: true }).click();
    }
    // The first time, Sara chooses the picture that will stand beside her name.
    await expect(page).toHaveURL(/\/nl\/pupil\/avatar$/);
    await expectNoAxeViolations(page);
    await page.locator('label.choice-card', { hasText: 'panda' }).click();
    await page.getByRole('button', { name: 'Verder' }).click();
    await expect(page).toHaveURL(/\/nl\/pupil$/);
    await expect(page).toHaveTitle(/Hoi Sara!/);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Wat wil je doen? Tik op een plaatje.');
    await expectNoAxeViolations(page);

    // "Done" hands the device to the next pupil; Sara's picture is beside her name now.
    await page.getByRole('button', { name: 'Klaar' }).click();
    await expect(page).toHaveURL(/\/nl\/class$/);
    await expect(page.getByRole('link', { name: 'Sara' }).locator('svg')).toBeVisible();
  });

  test('five wrong picture codes lock that pupil', async ({ page }) => {
    // The admin, not the teacher: each test that asks for a code runs in parallel and uses its own address.
    await signIn(page, DEMO.admin, 'uk');
    await page.goto('/uk/s/demo/admin');
    await page.locator('.cards a', { hasText: 'Groep 6' }).click();
    await page.locator('form[action*="classes.openClassMode"] button').click();
    await expect(page).toHaveURL(/\/uk\/class$/);
    await page.getByRole('link', { name: 'Emma' }).click();
    for (let attempt = 1; attempt <= 5; attempt++) {
      await page.locator('button[name=pick][value=bike]').click();
      await page.locator('button[name=pick][value=bike]').click();
      // The third picture sends the code.
      await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST' && r.url().includes('/uk/class/')),
        page.locator('button[name=pick][value=bike]').click(),
      ]);
      await expect(page.getByRole('alert')).toBeVisible();
    }
    // Locked: no more picture pad; a message a six-year-old can follow (wait, or ask the teacher),
    // with a picture, and no clock time.
    await expect(page.locator('button[name=pick]')).toHaveCount(0);
    await expect(page.getByRole('alert')).toContainText('Трохи зачекай');
    await expect(page.getByRole('alert')).not.toContainText(/\d{1,2}:\d{2}/);
    await expect(page.getByRole('alert').locator('svg')).toBeVisible();
    await expectNoAxeViolations(page);
  });
});

test.describe('the school admin', () => {
  test.use({ storageState: authFile('admin') });

  test('adds pupils by pasting names, gets login cards, and a duplicate name is refused with the text kept', async ({ page }, testInfo) => {
    await page.goto('/nl/s/demo/admin');
    await expectNoAxeViolations(page);
    await page.getByLabel('Naam van de groep').fill('Groep 8');
    await page.getByRole('button', { name: 'Groep maken' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Groep 8' })).toBeVisible();

    await page.getByLabel('Voornamen').fill('Ilse\nKerem, Olena');
    await page.getByRole('button', { name: 'Toevoegen en inlogkaartjes maken' }).click();
    await expect(page.locator('.login-card')).toHaveCount(3);
    await expect(page.locator('.login-card').first()).toContainText('Ilse');
    await expect(page.locator('.login-card').first().locator('svg.picture')).toHaveCount(3);
    await expectNoAxeViolations(page);
    await keepScreenshot(page, testInfo, 'login-cards-nl');

    await page.getByRole('link', { name: 'Terug naar de groep' }).click();
    await page.getByLabel('Voornamen').fill('Noor\nkerem');
    await page.getByRole('button', { name: 'Toevoegen en inlogkaartjes maken' }).click();
    await expect(page.locator('.field__error')).toContainText('kerem');
    await expect(page.getByLabel('Voornamen')).toHaveValue('Noor\nkerem');
    // Nothing was half-added.
    await expect(page.locator('tbody tr')).toHaveCount(3);
  });

  test('invites a parent in Arabic; the parent joins with the letter’s code and sees their child', async ({ page, browser }, testInfo) => {
    test.slow();
    await page.goto('/nl/s/demo/admin/invitations');
    await expectNoAxeViolations(page);
    await page.getByLabel('Taal van de brief').selectOption('ar');
    await page.locator('summary', { hasText: 'Groep 3' }).click();
    await page.getByLabel(/^Mila/).check();
    await page.getByRole('button', { name: 'Brief maken' }).click();
    const letter = page.locator('article.letter');
    await expect(letter).toHaveAttribute('lang', 'ar');
    await expect(letter).toHaveAttribute('dir', 'rtl');
    await expect(letter.locator('svg').first()).toBeVisible();
    await expectNoAxeViolations(page);
    await keepScreenshot(page, testInfo, 'invitation-letter-ar');
    const code = (await letter.locator('.letter__codevalue').innerText()).trim();
    const link = (await letter.locator('.letter__link').innerText()).trim();
    expect(link).toContain('/ar/join?school=demo&code=');

    // A fresh browser: nobody signed in (contexts otherwise inherit this describe's admin session).
    const parent = await browser.newContext({ storageState: { cookies: [], origins: [] } });
    const p = await parent.newPage();
    // A code of this school typed on another school's join link is refused.
    await p.goto(`/ar/join?school=other-school&code=${code}`);
    await p.locator('#field-name').fill('Layla');
    await p.locator('#field-email').fill('layla@ouders.example');
    await p.locator('form.form button[type=submit]').click();
    await expect(p.locator('.field__error')).toBeVisible();
    await expect(p.locator('#field-name')).toHaveValue('Layla');

    await p.goto(new URL(link).pathname + new URL(link).search);
    await expect(p.locator('.notice')).toContainText('Basisschool De Regenboog');
    await p.locator('#field-name').fill('Layla');
    await p.locator('#field-email').fill('layla@ouders.example');
    await p.locator('form.form button[type=submit]').click();
    await expect(p).toHaveURL(/\/ar\/sign-in\/code$/);
    await p.locator('#field-code').fill(await codeFromMailbox(p, 'layla@ouders.example'));
    await p.locator('form.form button[type=submit]').click();
    await expect(p).toHaveURL(/\/ar\/app$/);
    await expect(p.locator('.cards .card')).toHaveCount(1);
    await expect(p.locator('.cards .card')).toContainText('Mila');
    await parent.close();

    // Used once: the same code is refused now.
    const other = await browser.newContext({ storageState: { cookies: [], origins: [] } });
    const o = await other.newPage();
    await o.goto(`/nl/join?code=${code}`);
    await o.locator('#field-name').fill('Iemand');
    await o.locator('#field-email').fill('iemand@ouders.example');
    await o.locator('form.form button[type=submit]').click();
    await expect(o.locator('.field__error')).toContainText('al gebruikt');
    await other.close();
  });
});

test.describe('a parent', () => {
  test.use({ storageState: authFile('parentPl') });

  test('cannot open the school’s admin pages (they do not exist for them)', async ({ page }) => {
    const response = await page.goto('/pl/s/demo/admin');
    expect(response?.status()).toBe(404);
    const people = await page.goto('/pl/s/demo/admin/people');
    expect(people?.status()).toBe(404);
  });
});

test.describe('security', () => {
  test('a tampered session cookie gets the sign-in page, not someone’s data', async ({ browser, baseURL }) => {
    const context = await browser.newContext();
    await context.addCookies([{ name: 'portal_session', value: 'x'.repeat(43), url: baseURL! }]);
    const page = await context.newPage();
    await page.goto('/nl/app');
    await expect(page).toHaveURL(/\/nl\/sign-in\?next=/);
    await expect(page.getByText('Sara')).toHaveCount(0);
    await context.close();
  });
  // Cross-origin posts, a spoofed X-Forwarded-Host and the security headers: tests/http/bounds.test.ts.
});
