/**
 * Wraps a value put into a translated sentence (a name, a school year, a code) in a Unicode
 * first-strong isolate, so "2026-2027" or "Groep 3" keeps its own direction inside an Arabic
 * sentence and does not reorder the words around it.
 */
export function isolate(value: string | number): string {
  return `\u2068${value}\u2069`;
}
