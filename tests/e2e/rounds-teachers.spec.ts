import type { Page } from '@playwright/test';
import { expect, expectNoAxeViolations, keepScreenshot, test } from './fixtures.ts';
import { DEMO, signIn } from './helpers.ts';

/**
 * Issue 21 (items 5–7) as juf Anna of Groep 3 uses it: the circles by keyboard without losing
 * anything. Juf Anna's own round ("Veters strikken"); Groep 6 is needs.spec.ts's.
 */
test.describe.configure({ mode: 'serial' });

const GROEP_3 = '20000000-0000-4000-8000-000000000003';
const VETERS = '40000000-0000-4000-8000-000000000031';

/** The label of the element that has the focus. */
const focused = (page: Page) => page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.tagName);

/** Each circle's label against the picture's frame: the parts that stick out, in user units. */
const labelsOutside = (page: Page) =>
  page.evaluate(() => {
    const svg = document.querySelector<SVGSVGElement>('svg.plan__picture')!;
    const v = svg.viewBox.baseVal;
    return [...svg.querySelectorAll<SVGTextElement>('text.plan__circle-label')]
      .map((t) => ({ label: t.textContent, b: t.getBBox() }))
      .filter(({ b }) => b.x < v.x || b.y < v.y || b.x + b.width > v.x + v.width || b.y + b.height > v.y + v.height)
      .map(({ label }) => label);
  });

/** Labels that lie over another circle than their own. */
const labelsOverOtherCircles = (page: Page) =>
  page.evaluate(() => {
    const svg = document.querySelector<SVGSVGElement>('svg.plan__picture')!;
    const groups = [...svg.querySelectorAll('g')];
    const out: string[] = [];
    for (const g of groups) {
      const label = g.querySelector<SVGTextElement>('text.plan__circle-label');
      if (!label) continue;
      const b = label.getBBox();
      for (const other of groups) {
        if (other === g) continue;
        const c = other.querySelector('circle')!;
        const cx = c.cx.baseVal.value;
        const cy = c.cy.baseVal.value;
        const r = c.r.baseVal.value;
        const nx = Math.max(b.x, Math.min(cx, b.x + b.width));
        const ny = Math.max(b.y, Math.min(cy, b.y + b.height));
        if (Math.hypot(nx - cx, ny - cy) < r) out.push(label.textContent ?? '');
      }
    }
    return out;
  });

test.describe('juf Anna plans in circles by keyboard', () => {
  test('arrow keys and first letters keep the focus on the pupil, every label fits, leaving unsaved asks first', async ({
    page,
  }, testInfo) => {
    test.slow();
    await signIn(page, DEMO.teacher);
    await page.goto(`/nl/s/demo/admin/classes/${GROEP_3}/rounds/${VETERS}/plan`);
    const noah = page.getByLabel('Cirkel voor Noah');
    const start = await noah.inputValue();
    await noah.focus();

    // An arrow key moves Noah to another circle; the focus stays on Noah.
    await page.keyboard.press(start.endsWith(':basis') ? 'ArrowDown' : 'ArrowUp');
    await expect(noah).not.toHaveValue(start);
    expect(await focused(page)).toBe('Cirkel voor Noah');
    await page.keyboard.press('ArrowDown');
    expect(await focused(page)).toBe('Cirkel voor Noah');

    // The first letter chooses the circle; again, the next one with that letter.
    await page.keyboard.press('z');
    await expect(noah).toHaveValue(/:very-intensive$/);
    expect(await focused(page)).toBe('Cirkel voor Noah');
    await expect(page.getByRole('status')).toContainText('Noah staat nu in de cirkel Zeer intensief');
    await page.keyboard.press('z');
    await expect(noah).toHaveValue(/:very-deepened$/);
    expect(await focused(page)).toBe('Cirkel voor Noah');
    await page.keyboard.press('z');
    await expect(noah).toHaveValue(/:very-intensive$/);
    await page.keyboard.press('b');
    await expect(noah).toHaveValue(/:basis$/);
    expect(await focused(page)).toBe('Cirkel voor Noah');

    // Both earrings on: every label inside the picture, none over another circle, on screen and on paper.
    await page.keyboard.press('z');
    const bram = page.getByLabel('Cirkel voor Bram');
    await bram.focus();
    await page.keyboard.press('z');
    await page.keyboard.press('z');
    await expect(bram).toHaveValue(/:very-deepened$/);
    await expect(page.locator('text.plan__circle-label')).toHaveCount(5);
    expect(await labelsOutside(page)).toEqual([]);
    expect(await labelsOverOtherCircles(page)).toEqual([]);
    await expect(page.getByText('Er zijn wijzigingen die nog niet bewaard zijn.')).toBeVisible();
    await expectNoAxeViolations(page);
    await keepScreenshot(page, testInfo, 'circles-earrings-nl');
    await page.emulateMedia({ media: 'print' });
    expect(await labelsOutside(page)).toEqual([]);
    await keepScreenshot(page, testInfo, 'circles-earrings-print-nl');
    await page.emulateMedia({ media: 'screen' });

    // Leaving with unsaved changes asks first; staying keeps them.
    let asked = 0;
    page.once('dialog', async (dialog) => {
      expect(dialog.type()).toBe('beforeunload');
      asked += 1;
      await dialog.dismiss();
    });
    await page.getByRole('link', { name: 'Groep 3' }).click();
    await expect.poll(() => asked).toBe(1);
    await expect(page).toHaveURL(/\/plan$/);
    await expect(noah).toHaveValue(/:very-intensive$/);

    // Saved by keyboard: then leaving asks nothing.
    await page.getByRole('button', { name: 'Plan bewaren' }).focus();
    await page.keyboard.press('Enter');
    await expect(page.getByText('Het plan is bewaard.')).toBeVisible();
    await expect(page.getByLabel('Cirkel voor Noah')).toHaveValue(/:very-intensive$/);
    await expect(page.getByLabel('Cirkel voor Bram')).toHaveValue(/:very-deepened$/);
    page.on('dialog', () => {
      asked += 1;
    });
    await page.getByRole('link', { name: 'Groep 3' }).click();
    await expect(page).toHaveURL(new RegExp(`/classes/${GROEP_3}$`));
    expect(asked).toBe(1);
  });

  test('the plan with both earrings passes axe in Arabic, labels inside the picture', async ({ page }) => {
    await signIn(page, DEMO.teacher, 'ar');
    await page.goto(`/ar/s/demo/admin/classes/${GROEP_3}/rounds/${VETERS}/plan`);
    await expect(page.locator('text.plan__circle-label')).toHaveCount(5);
    expect(await labelsOutside(page)).toEqual([]);
    expect(await labelsOverOtherCircles(page)).toEqual([]);
    await expectNoAxeViolations(page);
  });
});

test.describe('juf Anna runs rounds as teachers do', () => {
  test('a second open round with a subset of the cards, closed and reopened for a day; a third and the class page says why the form is gone', async ({
    page,
  }) => {
    test.slow();
    await signIn(page, DEMO.teacher);
    await page.goto(`/nl/s/demo/admin/classes/${GROEP_3}`);
    // Veters strikken is open; a second round beside it.
    await expect(page.getByText('Er is al een open ronde.')).toBeVisible();
    await page.getByLabel('Doel (mag leeg blijven)').fill('Lezen');
    const cards = page.locator('#field-cards');
    await expect(cards.getByRole('checkbox')).toHaveCount(9);
    for (const label of await cards.locator('label').all()) {
      const text = await label.innerText();
      if (!/plaatje zie|iemand het mij vertelt|meer tijd/.test(text)) await label.getByRole('checkbox').uncheck();
    }
    await expectNoAxeViolations(page);
    await page.getByRole('button', { name: 'Ronde openen' }).click();
    await expect(page.getByText('De ronde is open.')).toBeVisible();
    await expect(page.getByRole('heading', { level: 1, name: 'Lezen' })).toBeVisible();

    // Closed, then reopened for a day.
    await page.locator('summary', { hasText: 'Ronde sluiten' }).click();
    await page.getByRole('button', { name: 'Ja, ronde sluiten' }).click();
    await expect(page.getByText('De ronde is gesloten.')).toBeVisible();
    await page.locator('summary', { hasText: 'Een dag heropenen' }).click();
    await expect(page.getByText('tot morgen deze tijd')).toBeVisible();
    await page.getByRole('button', { name: 'Ja, een dag heropenen' }).click();
    await expect(page.getByText('De ronde is weer open, tot morgen deze tijd.')).toBeVisible();
    await expect(
      page
        .locator('main, body')
        .getByText(/Open tot /)
        .first(),
    ).toBeVisible();
    await expectNoAxeViolations(page);

    // Both open on the class page; a third, and then the form makes way for the reason.
    await page.goto(`/nl/s/demo/admin/classes/${GROEP_3}`);
    await expect(page.locator('.rounds__item', { hasText: 'Lezen' })).toContainText('Open tot');
    await expect(page.locator('.rounds__item', { hasText: 'Veters strikken' })).toContainText('Open');
    await page.getByLabel('Doel (mag leeg blijven)').fill('Rekenen');
    await page.getByRole('button', { name: 'Ronde openen' }).click();
    await expect(page.getByText('De ronde is open.')).toBeVisible();
    await page.goto(`/nl/s/demo/admin/classes/${GROEP_3}`);
    await expect(page.getByRole('button', { name: 'Ronde openen' })).toHaveCount(0);
    await expect(
      page.getByText('Deze groep heeft al drie open rondes. Sluit er eerst een; daarna kunt u een nieuwe openen.'),
    ).toBeVisible();
    await expectNoAxeViolations(page);

    await page.goto(`/ar/s/demo/admin/classes/${GROEP_3}`);
    await expect(page.getByText('في هذا الصف ثلاث جولات مفتوحة بالفعل', { exact: false })).toBeVisible();
    await expectNoAxeViolations(page);
  });
});
