/**
 * Wraps a value put into a translated sentence (a name, a school year, a code) in a Unicode
 * first-strong isolate, so "2026-2027" or "Groep 3" keeps its own direction inside an Arabic
 * sentence and does not reorder the words around it.
 */
export function isolate(value: string | number): string {
  return `\u2068${value}\u2069`;
}

/**
 * In a right-to-left edit box, each `[[nl:…]]` term is isolated left to right (LRI … PDI), so
 * its brackets and Dutch words stay readable in order between Arabic words. Saving removes the
 * isolates again (normalizeLine drops bidirectional controls), so they are never stored.
 */
export function isolateDutchTerms(value: string): string {
  return value.replace(/\u2066?(\[\[nl:[^\]]{1,80}\]\])\u2069?/g, '\u2066$1\u2069');
}
