import { mkdir, rm, stat } from 'node:fs/promises';
import type { Page } from '@playwright/test';
import { expect } from './fixtures.ts';

export const DEMO = {
  admin: 'directie@regenboog.example',
  teacher: 'juf.anna@regenboog.example',
  teacher6: 'meester.karim@regenboog.example',
  coach: 'ib@regenboog.example',
  parentAr: 'samira@ouders.example',
  parentPl: 'katarzyna@ouders.example',
  pupilCode: ['sun', 'cat', 'apple'],
} as const;

/** The newest sign-in code the dev mailbox holds for an address. */
export async function codeFromMailbox(page: Page, email: string): Promise<string> {
  const mailbox = await page.context().newPage();
  await mailbox.goto('/dev/mailbox');
  // The newest sign-in mail: the same address also gets notifications (meetings, rounds).
  const body = await mailbox.locator(`.mail[data-to="${email}"][data-kind="sign_in"] .mail__body`).first().innerText();
  await mailbox.close();
  const code = /\b(\d{6})\b/.exec(body)?.[1];
  if (!code) throw new Error(`no code in the mailbox for ${email}`);
  return code;
}

/**
 * One sign-in per address at a time across the test workers: asking for a code ends the codes
 * sent before (as it should), so two tests signing in the same parent at once would refuse each
 * other's code ("already used"). A directory is the lock; one older than a minute is left over.
 */
export async function oneSignInAtATime<T>(email: string, run: () => Promise<T>): Promise<T> {
  const lock = `test-results/.locks/${email.replace(/[^a-z0-9.@-]/gi, '_')}`;
  await mkdir('test-results/.locks', { recursive: true });
  for (let waited = 0; ; waited += 100) {
    try {
      await mkdir(lock);
      break;
    } catch {
      const since = await stat(lock).then(
        (s) => Date.now() - s.mtimeMs,
        () => 0,
      );
      if (since > 60_000 || waited > 90_000) await rm(lock, { recursive: true, force: true });
      await new Promise((done) => setTimeout(done, 100));
    }
  }
  try {
    return await run();
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

/** Signs in through the real pages: address, then the code from the dev mailbox. */
export async function signIn(page: Page, email: string, lang = 'nl'): Promise<void> {
  await oneSignInAtATime(email, async () => {
    await page.goto(`/${lang}/sign-in`);
    await page.locator('#field-email').fill(email);
    await page.locator('form.form button[type=submit]').click();
    await expect(page).toHaveURL(new RegExp(`/${lang}/sign-in/code$`));
    const code = await codeFromMailbox(page, email);
    await page.locator('#field-code').fill(code);
    await page.locator('form.form button[type=submit]').click();
    await expect(page).toHaveURL(new RegExp(`/${lang}/app$`));
  });
}

export const authFile = (who: string) => `test-results/.auth/${who}.json`;

/**
 * Headless Chromium has the Speech API but no voices: a stand-in with the voices given, which
 * records what it is asked to say.
 */
export async function stubSpeech(page: Page, langs: string[]): Promise<void> {
  await page.addInitScript((voiceLangs: string[]) => {
    const said: string[] = [];
    (window as unknown as { __spoken: string[] }).__spoken = said;
    const voices = voiceLangs.map((lang) => ({ lang, name: lang, default: false, localService: true, voiceURI: lang }));
    const synth = {
      getVoices: () => voices,
      speak: (u: SpeechSynthesisUtterance) => {
        said.push(u.text);
        setTimeout(() => u.onend?.call(u, new Event('end') as SpeechSynthesisEvent), 10);
      },
      cancel: () => undefined,
      addEventListener: () => undefined,
      removeEventListener: () => undefined,
    };
    Object.defineProperty(window, 'speechSynthesis', { value: synth, configurable: true });
    // The real utterance accepts only the browser's own voice objects.
    class Utterance {
      text: string;
      lang = '';
      voice: unknown = null;
      rate = 1;
      onend: ((e: Event) => void) | null = null;
      onerror: ((e: Event) => void) | null = null;
      constructor(text: string) {
        this.text = text;
      }
    }
    Object.defineProperty(window, 'SpeechSynthesisUtterance', { value: Utterance, configurable: true });
  }, langs);
}

/** What this page has said so far (a page in the middle of loading has said nothing yet). */
export const spoken = (page: Page): Promise<string[]> =>
  page.evaluate(() => (window as unknown as { __spoken?: string[] }).__spoken ?? []).catch(() => [] as string[]);
