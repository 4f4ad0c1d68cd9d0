import type { Page } from '@playwright/test';
import { expect, expectNoAxeViolations, keepScreenshot, PHONE, test } from './fixtures.ts';
import { authFile } from './helpers.ts';
import { schoolToday } from '~/server/clock.ts';

/**
 * The HGW cycle in Groep 3 (issue 21), on a laptop with the keyboard only: juf Anna makes a
 * groepsplan from her round's circles, fills in a goal and the aanpak, prints it on one A4,
 * evaluates it after its date (the dev clock moves "today"), and starts the next period from it;
 * the coach sees it in the groepsbespreking and opens a pupil's page from there. Serial: each
 * step continues the plan of the one before.
 */
// Typing a whole plan key by key takes longer than the default 30 s on a busy machine.
test.describe.configure({ mode: 'serial', timeout: 120_000 });

const BASE = '/nl/s/demo/admin';
const GROEP_3 = '20000000-0000-4000-8000-000000000003';
const VETERS = '40000000-0000-4000-8000-000000000031';
/** A day from today in the school's time zone (as the portal counts days), as a date field sends it. */
const day = (offset: number) => schoolToday(new Date(Date.now() + offset * 86_400_000));

/**
 * Focuses a control and types into it with the keyboard: the first keys one by one, the rest as
 * one input (as a keyboard's autocomplete or a pasted phrase arrives; key by key, a plan's long
 * texts took ten seconds of the test and proved nothing more).
 */
async function typeInto(page: Page, selector: string, text: string) {
  await page.locator(selector).focus();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.type(text.slice(0, 3));
  await page.keyboard.insertText(text.slice(3));
}

/** Presses Enter on a button or link, by its name. */
async function press(page: Page, role: 'button' | 'link', name: string | RegExp) {
  await page.getByRole(role, { name }).first().focus();
  await page.keyboard.press('Enter');
}

async function moveClock(page: Page, at: Date) {
  const origin = new URL(page.url()).origin;
  const answer = await page.request.post('/dev/clock', { form: { at: at.toISOString() }, headers: { Origin: origin } });
  expect(answer.status()).toBe(200);
}

let planPath = '';

test.describe('juf Anna: a groepsplan from the circles, printed, evaluated, continued', () => {
  test.use({ storageState: authFile('teacher'), viewport: { width: 1280, height: 800 } });

  test('makes the plan from the circles, fills in a goal and the aanpak', async ({ page }) => {
    // Every pupil name on the round page leads to that pupil's page.
    await page.goto(`${BASE}/classes/${GROEP_3}/rounds/${VETERS}`);
    await expect(page.locator('.needs-table a', { hasText: 'Zofia' }).first()).toHaveAttribute(
      'href',
      /\/admin\/pupils\/30000000-0000-4000-8000-000000000302$/,
    );
    await page.goto(`${BASE}/classes/${GROEP_3}/rounds/${VETERS}/plan`);
    await typeInto(page, '#make-period', 'Periode 2, december en januari');
    // A date field is filled with its value: its segments differ per browser language.
    await page.locator('#make-evaluate-on').fill(day(1));
    await press(page, 'button', 'Groepsplan maken');
    await expect(page).toHaveURL(new RegExp(`/classes/${GROEP_3}/plans/[0-9a-f-]{36}$`));
    planPath = new URL(page.url()).pathname;
    await expect(page.getByRole('heading', { level: 1 })).toContainText('Groepsplan');
    await expect(page.getByRole('status').or(page.locator('.flash'))).toContainText('Het groepsplan is gemaakt');
    // The circles as the round drew them from the pupils' own steps.
    const intensive = page.locator('#circle-intensive');
    await expect(intensive.locator('.plan-circle__pupils')).toContainText('Zofia');
    // The needs this group shares are ticked from their answers ("Kijken naar een plaatje").
    await expect(page.locator('#circle-basis input[name=needs][value=look]')).toBeChecked();

    await typeInto(page, '#basis-goal', 'Iedereen strikt zelf een strik');
    await typeInto(page, '#basis-instruction', 'Voordoen met het veterbord, in kleine stappen');
    await typeInto(page, '#basis-materials', 'Veterbord, schoenen');
    await typeInto(page, '#basis-organisation', 'Dinsdag en donderdag na de kring');
    await press(page, 'button', 'Bewaren: Basis');
    await expect(page.locator('#circle-basis')).toBeVisible();
    // The ears filled in as fully as a teacher would: the printed plan must still fit one A4.
    for (const circle of ['intensive', 'deepened']) {
      await typeInto(page, `#${circle}-goal`, 'Strikt een strik met één lus, zonder hulp, binnen een minuut');
      await typeInto(
        page,
        `#${circle}-instruction`,
        'Verlengde instructie aan de instructietafel: voordoen, samen doen, zelf doen, met plaatjes van elke stap',
      );
      await typeInto(page, `#${circle}-practice`, 'Elke dag vijf minuten oefenen met het veterbord, in tweetallen, met een stappenkaart');
      await typeInto(page, `#${circle}-enrichment`, 'Een ander kind helpen; een dubbele knoop en een strik met twee lussen proberen');
      await typeInto(page, `#${circle}-materials`, 'Veterbord, stappenkaart, eigen schoenen');
      await typeInto(page, `#${circle}-organisation`, 'Maandag, woensdag en vrijdag na de kring, met de onderwijsassistent');
      await typeInto(
        page,
        `#${circle}-attention`,
        'Complimenteer elke stap; let op vermoeidheid na de gym; laat het kind zelf vertellen wat lukte',
      );
      await press(page, 'button', circle === 'intensive' ? 'Bewaren: Intensief' : 'Bewaren: Verdiept');
      await expect(page.locator(`#${circle}-goal`)).toHaveValue('Strikt een strik met één lus, zonder hulp, binnen een minuut');
    }
    await expect(page.locator('#basis-goal')).toHaveValue('Iedereen strikt zelf een strik');
    await expect(page.locator('#evaluation')).toContainText('De evaluatie is op');
    await expectNoAxeViolations(page);
  });

  test('prints on one A4 page, as text without the forms', async ({ page }, testInfo) => {
    await page.goto(planPath);
    await page.emulateMedia({ media: 'print' });
    await expect(page.locator('.plan-circle__form').first()).toBeHidden();
    await expect(page.locator('#circle-basis .plan-circle__text')).toContainText('Iedereen strikt zelf een strik');
    await expect(page.locator('#circle-basis .plan-circle__text')).toContainText('Veterbord, schoenen');
    const pdf = await page.pdf({ format: 'A4' });
    const pages = pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? [];
    expect(pages.length).toBe(1);
    await keepScreenshot(page, testInfo, 'group-plan-print-nl');
    await page.emulateMedia({ media: 'screen' });
    await keepScreenshot(page, testInfo, 'group-plan-desktop-nl');
    await page.setViewportSize(PHONE);
    await keepScreenshot(page, testInfo, 'group-plan-phone-nl');
  });

  test('evaluates it after the date, then starts the next period from it', async ({ page }) => {
    await page.goto(planPath);
    await moveClock(page, new Date(`${day(2)}T08:00:00Z`));
    await page.reload();
    await expect(page.locator('#evaluation form')).toBeVisible();
    await expect(page.locator('#evaluation')).toContainText('Eigen stap (antwoorden:');
    await typeInto(page, '#reached-basis', 'Acht van de tien strikken zelf');
    await typeInto(page, '#worked-basis', 'Het veterbord en elkaar helpen');
    await typeInto(page, '#next-basis', 'Een dubbele knoop');
    // Mila needs more: she goes to the earring "zeer intensief".
    const mila = page.getByLabel(/Mila/);
    await mila.focus();
    await page.keyboard.press('Home');
    await expect(mila).toHaveValue(/:basis$|:very-intensive$|:intensive$/);
    await mila.selectOption({ label: 'Zeer intensief' });
    await press(page, 'button', 'Evaluatie bewaren');
    await expect(page.locator('#evaluation')).toContainText('Acht van de tien strikken zelf');
    await expect(page.getByRole('row', { name: /Mila/ })).toContainText('Zeer intensief');

    await typeInto(page, '#next-period', 'Periode 3, februari en maart');
    await page.locator('#next-evaluate-on').fill(day(60));
    await press(page, 'button', 'Volgende periode beginnen');
    await expect(page.getByRole('heading', { level: 1 })).toContainText('Periode 3');
    await expect(page.locator('#basis-goal')).toHaveValue('Een dubbele knoop');
    await expect(page.locator('#basis-instruction')).toHaveValue('Voordoen met het veterbord, in kleine stappen');
    await expect(page.locator('#circle-very-intensive .plan-circle__pupils')).toContainText('Mila');
    await press(page, 'link', 'Plan van de vorige periode');
    await expect(page.getByRole('heading', { level: 1 })).toContainText('Periode 2');
    await moveClock(page, new Date());
  });
});

test.describe('the coach: the groepsbespreking, and a pupil from there', () => {
  test.use({ storageState: authFile('coach'), viewport: { width: 1280, height: 800 } });

  test('sees the plan, notes what was agreed and opens Mila’s page', async ({ page }, testInfo) => {
    await page.goto(`${BASE}/group-discussion`);
    const groep3 = page.locator(`#class-${GROEP_3}`);
    await expect(groep3).toContainText('Periode 3, februari en maart');
    await expect(groep3).toContainText('Loopt');
    await expect(groep3).toContainText('zeer intensief');
    await expectNoAxeViolations(page);
    await typeInto(page, `#agreed-${GROEP_3}`, 'Mila krijgt twee keer per week verlengde instructie');
    await groep3.getByRole('button', { name: 'Afspraak bewaren' }).focus();
    await page.keyboard.press('Enter');
    await expect(groep3).toContainText('Mila krijgt twee keer per week verlengde instructie');

    await groep3.getByRole('link', { name: 'Mila' }).focus();
    await page.keyboard.press('Enter');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Mila');
    await expect(page.getByRole('heading', { name: 'Antwoorden per ronde' })).toBeVisible();
    await expect(page.locator('main, body').first()).toContainText('Veters strikken');
    await expect(page.locator('body')).toContainText('Periode 2, december en januari');
    await typeInto(page, '#field-helps', 'Voordoen met plaatjes, een maatje naast zich');
    await typeInto(page, '#field-hinders', 'Veel geluid in de klas');
    await press(page, 'button', 'Bewaren');
    await expect(page.locator('#field-helps')).toHaveValue('Voordoen met plaatjes, een maatje naast zich');
    await expectNoAxeViolations(page);
    await keepScreenshot(page, testInfo, 'pupil-page-desktop-nl');
  });

  test('the school view of needs is for a chosen period, per class its latest round with answers', async ({ page }) => {
    await page.goto(`${BASE}/needs`);
    // Each class's round with answers, with its goal, whatever was opened since.
    await expect(page.locator('thead')).toContainText('Veters strikken');
    await expect(page.locator('thead')).toContainText('De tafels van 3 en 4');
    // How many answered, as a number or "fewer than 5" (never a raw placeholder).
    await expect(page.locator('thead .school-view__round').last()).toContainText(/· (\d+|minder dan 5) geantwoord$/);
    await page.locator('#from').fill('2020-01-01');
    await page.locator('#to').fill('2020-06-30');
    await press(page, 'button', 'Tonen');
    await expect(page).toHaveURL(/from=2020-01-01&to=2020-06-30/);
    await expect(page.getByText('Geen enkele groep had een ronde met antwoorden in deze periode.')).toBeVisible();
    await expectNoAxeViolations(page);
  });

  test('the same pages pass axe in Arabic, right to left', async ({ page }, testInfo) => {
    await page.goto('/ar/s/demo/admin/group-discussion');
    await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
    await expectNoAxeViolations(page);
    await page.getByRole('link', { name: 'Mila' }).first().click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Mila');
    await expectNoAxeViolations(page);
    await keepScreenshot(page, testInfo, 'pupil-page-desktop-ar');
    await page.goto(planPath.replace('/nl/', '/ar/'));
    await expectNoAxeViolations(page);
    await keepScreenshot(page, testInfo, 'group-plan-desktop-ar');
    await page.setViewportSize(PHONE);
    await keepScreenshot(page, testInfo, 'group-plan-phone-ar');
  });
});
