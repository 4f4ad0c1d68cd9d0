import { authFile } from './helpers.ts';
import { expect, expectNoAxeViolations, test } from './fixtures.ts';

/**
 * Forms as people really use them: a reload after a success repeats nothing and keeps what is
 * shown once; a tampered or incomplete post gets the page again with a sentence in the visitor's
 * language (never a 500); error summaries say which field they are about.
 */
test.describe('forms, as an admin uses them', () => {
  test.use({ storageState: authFile('admin') });

  test('reloading the invitation letter shows the same letter and makes no second invitation', async ({ page }) => {
    await page.goto('/nl/s/demo/admin/invitations');
    const before = await page.locator('section[aria-labelledby=list-title] tbody tr').count();
    // Pupils are grouped by class, folded; the filter finds one by name.
    await page.getByLabel('Zoek een leerling op naam').fill('daan');
    await page.getByLabel(/^Daan/).check();
    await page.getByRole('button', { name: 'Brief maken' }).click();
    await expect(page).toHaveURL(/\/invitations\?show=letter$/);
    const code = (await page.locator('.letter__codevalue').innerText()).trim();

    await page.reload();
    await expect(page.locator('.letter__codevalue')).toHaveText(code);
    // Back to the form and forward again: still the letter (the admin has not said they are done).
    await page.goBack();
    await expect(page).toHaveURL(/\/invitations$/);
    await page.goForward();
    await expect(page.locator('.letter__codevalue')).toHaveText(code);

    await page.getByRole('link', { name: 'Terug naar de uitnodigingen' }).click();
    await expect(page.locator('section[aria-labelledby=list-title] tbody tr')).toHaveCount(before + 1);
    // Once the admin has left the letter, it is gone: the code was shown, and is stored only hashed.
    await page.goto('/nl/s/demo/admin/invitations?show=letter');
    await expect(page.locator('article.letter')).toHaveCount(0);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Uitnodigingen');
  });

  test('reloading after adding pupils shows the same login cards and adds nobody twice', async ({ page }) => {
    await page.goto('/nl/s/demo/admin');
    await page.getByLabel('Naam van de groep').fill('Groep 7');
    await page.getByRole('button', { name: 'Groep maken' }).click();
    await page.getByLabel('Voornamen').fill('Fatima\nJoris');
    await page.getByRole('button', { name: 'Toevoegen en inlogkaartjes maken' }).click();
    await expect(page.locator('.login-card')).toHaveCount(2);
    const codes = await page.locator('.login-card__code').allInnerTexts();

    await page.reload();
    await expect(page.locator('.field__error')).toHaveCount(0);
    await expect(page.locator('.login-card')).toHaveCount(2);
    expect(await page.locator('.login-card__code').allInnerTexts()).toEqual(codes);

    await page.getByRole('link', { name: 'Terug naar de groep' }).click();
    await expect(page.locator('tbody tr')).toHaveCount(2);
  });

  test('a refused form is not posted again by a reload or by Back and Forward, and what was typed stays', async ({ page }) => {
    await page.goto('/nl/s/demo/admin/settings');
    const phone = await page.getByLabel('Telefoonnummer voor ouders').inputValue();
    await page.getByLabel('Telefoonnummer voor ouders').fill('bel me maar');
    const posts: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST') posts.push(request.url());
    });
    await page.getByRole('button', { name: 'Opslaan' }).first().click();
    await expect(page.locator('.error-summary')).toBeVisible();
    expect(posts).toHaveLength(1);
    // The refusal ended in a GET of the page: a reload asks nothing and sends nothing.
    await expect(page).not.toHaveURL(/_action=/);
    await page.reload();
    await expect(page.locator('.error-summary')).toBeVisible();
    await expect(page.getByLabel('Telefoonnummer voor ouders')).toHaveValue('bel me maar');
    await page.goBack();
    await page.goForward();
    expect(posts).toHaveLength(1);
    // Put right (as it was), the form is accepted, and what the refusal kept is gone.
    await page.getByLabel('Telefoonnummer voor ouders').fill(phone);
    await page.getByRole('button', { name: 'Opslaan' }).first().click();
    await expect(page.locator('.error-summary')).toHaveCount(0);
    await page.reload();
    await expect(page.locator('.error-summary')).toHaveCount(0);
    await expect(page.getByLabel('Telefoonnummer voor ouders')).toHaveValue(phone);
  });

  test('an error summary names the field it is about, and the typed text stays', async ({ page }) => {
    await page.goto('/nl/s/demo/admin/settings');
    await page.getByLabel('Naam van de school').fill('');
    await page.getByLabel('Telefoonnummer voor ouders').fill('bel me maar');
    await page.getByRole('button', { name: 'Opslaan' }).first().click();
    const summary = page.locator('.error-summary');
    await expect(summary.getByRole('link')).toHaveText([/^Naam van de school: /, /^Telefoonnummer voor ouders: /]);
    await expect(page.getByLabel('Telefoonnummer voor ouders')).toHaveValue('bel me maar');
    await expectNoAxeViolations(page);
    // The summary's links lead to the fields.
    await summary.getByRole('link').first().click();
    await expect(page).toHaveURL(/#field-name$/);
  });

  test('tampered and incomplete posts get the page again with a sentence, never a 500', async ({ page }) => {
    await page.goto('/nl/s/demo/admin/leaflets');
    await page.locator('.editor-list a').first().click();
    const editor = page.url();
    const revision = await page.locator('input[name=revision]').first().inputValue();
    const post = (action: string, form: Record<string, string>) =>
      page.request.post(`${editor}?_action=${action}`, { form, headers: { origin: new URL(editor).origin }, maxRedirects: 0 });

    for (const [action, form] of [
      ['leaflets.addBlock', { revision, kind: 'script', position: '2', text: 'x' }],
      ['leaflets.addBlock', { revision: 'abc', kind: 'paragraph', position: '-4' }],
      ['leaflets.saveSource', { block: 'not-a-block', revision }],
      ['leaflets.moveBlock', { block: '00000000-0000-4000-8000-000000000000', revision, direction: 'sideways' }],
      ['leaflets.doesNotExist', { revision }],
      ['leaflets.publish', {}],
    ] as const) {
      const response = await post(action, form);
      expect(response.status(), `${action} ${JSON.stringify(form)}`).toBeLessThan(500);
      // A refusal the action gives ends in a redirect to the page (a reload posts nothing); a post
      // the action cannot read at all gets the page at once. Either way: the page, with a sentence.
      expect([200, 303], `${action} answers the page or sends to it`).toContain(response.status());
      const html =
        response.status() === 303
          ? await (await page.request.get(new URL(response.headers().location!, editor).href)).text()
          : await response.text();
      expect(html).toContain('error-summary');
      expect(html).toContain('lang="nl"');
    }
    // Not a form at all.
    const json = await page.request.post(`${editor}?_action=leaflets.publish`, {
      data: { revision },
      headers: { origin: new URL(editor).origin },
      maxRedirects: 0,
    });
    expect(json.status()).toBeLessThan(500);
    // The actions are for forms: their JSON endpoint does not exist.
    const rpc = await page.request.post('/_actions/leaflets.publish', { data: {}, headers: { origin: new URL(editor).origin } });
    expect(rpc.status()).toBe(404);
  });
});
