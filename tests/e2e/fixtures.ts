import { expect, test as base, type Page, type TestInfo } from '@playwright/test';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/** WCAG 2.2 AA, the bar every page meets. */
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/**
 * The languages axe scans: Dutch and Arabic carry every layout in both directions. A page in
 * another language has the same layout with other words; it is checked by what those words can
 * break (its language and direction, no key or marker left raw), which costs a few milliseconds
 * instead of an axe scan's second or two.
 */
const AXE_LANGUAGES = new Set(['nl', 'ar']);

export async function expectLanguageRight(page: Page): Promise<void> {
  const { lang, dir, text } = await page.evaluate(() => {
    // What a person reads: visible text, not code samples (the editor's help shows [[nl:…]]).
    const parts: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (!parent || parent.closest('code, kbd, samp, pre, script, style, template, textarea')) continue;
      if (!parent.checkVisibility()) continue;
      parts.push(node.textContent ?? '');
    }
    return { lang: document.documentElement.lang, dir: document.documentElement.dir, text: parts.join(' ') };
  });
  expect(['nl', 'en', 'ar', 'uk', 'pl', 'tr'], `the page's language on ${page.url()}`).toContain(lang);
  expect(dir, `the page's direction on ${page.url()}`).toBe(lang === 'ar' ? 'rtl' : 'ltr');
  // A key i18next could not find (namespace:key.path), an interpolation or a mark left raw.
  expect(text, `raw keys or marks on ${page.url()}`).not.toMatch(
    /\b(?:common|auth|leaflets|needs|meetings|school|privacy|notify):[a-zA-Z]+\.[a-zA-Z.]+|\{\{|\[\[/,
  );
}

/** axe-core itself, put into the page under test (our pages have no frames to reach into). */
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact?: string | null;
  help: string;
  nodes: { target: unknown[] }[];
}

/**
 * Runs axe-core in the page itself, asking only for violations. (@axe-core/playwright's default
 * runs each frame apart and then merges the results in a second, blank page: the same rules and
 * the same violations, at two to three times the cost per scan, and these scans were the largest
 * part of the browser tests' time.)
 */
export async function axeViolations(page: Page, include?: string): Promise<AxeViolation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  return page.evaluate(
    ({ tags, include }) => {
      const axe = (window as unknown as { axe: { run: (...args: unknown[]) => Promise<{ violations: AxeViolation[] }> } }).axe;
      return axe
        .run(include ? { include: [include] } : document, {
          runOnly: { type: 'tag', values: tags },
          resultTypes: ['violations'],
        })
        .then((result) =>
          result.violations.map((v) => ({
            id: v.id,
            impact: v.impact,
            help: v.help,
            nodes: v.nodes.map((n) => ({ target: n.target })),
          })),
        );
    },
    { tags: WCAG_TAGS, include },
  );
}

export async function expectNoAxeViolations(page: Page, include?: string): Promise<void> {
  const lang = await page.locator('html').getAttribute('lang');
  if (!AXE_LANGUAGES.has(lang ?? '')) {
    await expectLanguageRight(page);
    return;
  }
  const violations = await axeViolations(page, include);
  const summary = violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
  }));
  expect(summary, `axe violations on ${page.url()}`).toEqual([]);
}

/** Saves a full-page screenshot under test-results/screenshots and attaches it to the report. */
export async function keepScreenshot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  mkdirSync('test-results/screenshots', { recursive: true });
  const path = `test-results/screenshots/${name}.png`;
  await page.screenshot({ path, fullPage: true });
  await testInfo.attach(name, { path, contentType: 'image/png' });
}

export const PHONE = { width: 390, height: 844 };

export const test = base;
export { expect };
