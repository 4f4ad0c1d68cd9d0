/** The Chromium most browser tests run in (CHROMIUM_PATH, the system's headless shell, a full one), or null. */
export function findChromium(env?: Record<string, string | undefined>): Promise<string | null>;
/** A full Chromium or Chrome (CHROMIUM_PATH, the system's, or Playwright's own), or null. */
export function findFullChromium(env?: Record<string, string | undefined>): Promise<string | null>;
/** The arguments the tests start Chromium with. */
export const CHROMIUM_ARGS: string[];
