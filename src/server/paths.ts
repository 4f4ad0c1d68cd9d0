/** A path to return to after sign-in, only ever on this site. */
export function safeNext(next: unknown, fallback: string): string {
  if (typeof next !== 'string' || next.length > 300) return fallback;
  if (!next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\') || /[\r\n]/.test(next)) return fallback;
  return next;
}
