/** The Chromium to use for the browser tests (CHROMIUM_PATH, the system's, or Playwright's own), or null. */
export function findChromium(env?: Record<string, string | undefined>): Promise<string | null>;
