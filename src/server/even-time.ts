/**
 * Answers that must not tell by their timing what they found (issue 18, L8: "send me a code" was
 * about 7 ms slower for an address with an account). The work runs as before; the answer waits
 * until at least `ms` have passed, which is longer than the work takes for either kind of address.
 */
export async function atLeast<T>(ms: number, work: Promise<T>): Promise<T> {
  const [result] = await Promise.all([work, new Promise((resolve) => setTimeout(resolve, ms))]);
  return result;
}

/** How long "send me a code" takes, whatever the address: well above the ~20 ms it needs. */
export const SEND_CODE_MS = 250;
