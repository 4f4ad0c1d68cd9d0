/**
 * Text as people type it. Pure functions, shared by forms, the database checks' counterparts
 * and tests.
 */

// Arabic-Indic (٠–٩), Persian (۰–۹) and full-width (０–９) digits, as phones type them.
const DIGIT_BLOCKS = [0x0660, 0x06f0, 0xff10];

/** Every digit a person may type, as the ASCII digit it means. */
export function toAsciiDigits(value: string): string {
  return value.replace(/[\u0660-\u0669\u06F0-\u06F9\uFF10-\uFF19]/g, (d) => {
    const code = d.codePointAt(0)!;
    const block = DIGIT_BLOCKS.find((start) => code >= start && code < start + 10)!;
    return String(code - block);
  });
}

// Bidirectional embedding, override and isolate controls: never needed in a name, and able to
// make text display in another order than it is stored. Marks (LRM/RLM) stay; Arabic uses them.
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;
// Other invisible controls: C0 and C1 control characters, zero-width and format characters
// that have no place in a name (ZWJ/ZWNJ stay: Arabic and Persian spelling need them).
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters it removes.
const CONTROL = /[\u0000-\u001F\u007F-\u009F\u200B\u2060-\u2064\uFEFF\u00AD\u180E]/g;

/** One line of text as it is stored: NFC, no control characters, single spaces, trimmed. */
export function normalizeLine(value: string): string {
  return value
    .normalize('NFC')
    .replace(/[\t\n\r\v\f]/g, ' ')
    .replace(BIDI_CONTROLS, '')
    .replace(CONTROL, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Typed text quoted back in a message: shortened to its start, so a pasted paragraph is not
 * repeated whole in an error (and a list of them stays a line or two).
 */
export function quoteTyped(value: string, max = 30): string {
  const chars = Array.from(value.trim());
  return chars.length <= max ? chars.join('') : `${chars.slice(0, max - 1).join('')}…`;
}
