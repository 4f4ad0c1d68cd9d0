/**
 * Keeps leaflet markup whole through a translation machine. Before sending, a line's inline
 * marks (src/domain/inline.ts) become tags the provider understands:
 *
 * - `**strong**` becomes `<b>…</b>`: the words inside are translated;
 * - `[label](url)` becomes `<a i="n">label</a>`: the label is translated, the URL never leaves;
 * - `[[nl:woord]]` (a Dutch word that stays Dutch) becomes a placeholder: `<x i="n"/>` for
 *   DeepL (XML tag handling), `<span translate="no" i="n">woord</span>` for LibreTranslate
 *   (HTML, where an empty element would make Argos give up on the whole line).
 *
 * Text is escaped for XML/HTML before sending and unescaped after. Restoring is strict: when a
 * provider drops, repeats or invents a placeholder, or the marks no longer parse as the same
 * marks, `restore` throws `MarkupLost` and the caller rejects that text (the Dutch stays as it
 * was). A half-right translation that silently loses a Dutch term or a link is worse than none.
 *
 * What people write (a parent's answer, an agreement) is `plain`: no marks at all, every
 * character is text, so a `**` or `[[nl:…]]` someone typed is translated as typed and never taken
 * for markup.
 */

export type WireFormat = 'xml' | 'html';

/** The inline pattern of src/domain/inline.ts (its PATTERN), which this module must tokenize alike. */
const INLINE = /\*\*(.+?)\*\*|\[\[nl:([^\]]{1,80})\]\]|\[([^\]\n]{1,200})\]\(([^)\s]{1,500})\)/g;

/**
 * Any `[[nl:…]]`, also one the inline pattern does not take (inside `**…**`, or longer than 80
 * characters): it is shown as written, so it is kept as written and never sent as text.
 */
const DUTCH_ANYWHERE = /\[\[nl:([^\]]*)\]\]/g;

export type Piece =
  | { kind: 'text'; value: string }
  | { kind: 'strong'; value: string }
  | { kind: 'dutch'; raw: string; term: string }
  | { kind: 'link'; label: string; url: string };

/**
 * A line cut into the same tokens `parseInline` finds. Unlike it, a link keeps its URL exactly
 * as written (parseInline normalises it), and a link whose URL the app would not show as a link
 * is still a link here: either way it comes back exactly as it was.
 */
export function pieces(text: string, plain = false): Piece[] {
  if (plain) return text ? [{ kind: 'text', value: text }] : [];
  const out: Piece[] = [];
  let last = 0;
  for (const m of text.matchAll(INLINE)) {
    if (m.index > last) out.push({ kind: 'text', value: text.slice(last, m.index) });
    if (m[1] !== undefined) out.push({ kind: 'strong', value: m[1] });
    else if (m[2] !== undefined) out.push({ kind: 'dutch', raw: m[0], term: m[2] });
    else out.push({ kind: 'link', label: m[3]!, url: m[4]! });
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push({ kind: 'text', value: text.slice(last) });
  return out;
}

/** What a protected line needs to be put back: the kept Dutch and URLs, by number. */
export type Slot = { kind: 'keep'; raw: string } | { kind: 'link'; url: string };

export interface Protected {
  /** The line as sent to the provider. */
  readonly wire: string;
  readonly slots: readonly Slot[];
  /** The original line, to compare the restored line's marks against. */
  readonly source: string;
  /** Plain text: no marks were looked for, none may come back. */
  readonly plain?: boolean;
}

/** The provider left a line's marks in a state that cannot be put back faithfully. */
export class MarkupLost extends Error {
  override readonly name = 'MarkupLost';
}

export function escapeMarkup(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00A0' };

/** Undoes `escapeMarkup` and the numeric and basic named entities a provider may write; leaves anything else as it is. */
export function unescapeMarkup(text: string): string {
  return text.replace(/&(#[0-9]{1,7}|#x[0-9a-f]{1,6}|amp|lt|gt|quot|apos|nbsp);/gi, (whole, name: string) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? Number.parseInt(name.slice(2), 16) : Number.parseInt(name.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED[name.toLowerCase()] ?? whole;
  });
}

/** Protects a single line (no line breaks outside marks) for sending in the given format. */
export function protect(line: string, format: WireFormat, plain = false): Protected {
  if (plain) return { wire: escapeMarkup(line), slots: [], source: line, plain: true };
  const slots: Slot[] = [];
  const keep = (raw: string, term: string): string => {
    const i = slots.push({ kind: 'keep', raw }) - 1;
    return format === 'xml' ? `<x i="${i}"/>` : `<span translate="no" i="${i}">${escapeMarkup(term)}</span>`;
  };
  // Text, also inside strong and link labels: a stray `[[nl:…]]` is kept as written too.
  const text = (value: string): string => {
    let out = '';
    let last = 0;
    for (const m of value.matchAll(DUTCH_ANYWHERE)) {
      out += escapeMarkup(value.slice(last, m.index)) + keep(m[0], m[1]!);
      last = m.index + m[0].length;
    }
    return out + escapeMarkup(value.slice(last));
  };
  let wire = '';
  for (const p of pieces(line)) {
    if (p.kind === 'text') wire += text(p.value);
    else if (p.kind === 'strong') wire += `<b>${text(p.value)}</b>`;
    else if (p.kind === 'dutch') wire += keep(p.raw, p.term);
    else {
      const i = slots.push({ kind: 'link', url: p.url }) - 1;
      wire += `<a i="${i}">${text(p.label)}</a>`;
    }
  }
  return { wire, slots, source: line };
}

// The tags `protect` writes, as a provider may give them back (attribute quotes and spaces vary).
const ID = String.raw`\s+i\s*=\s*["']?(\d+)["']?`;
const TAGS: Record<WireFormat, { keep: RegExp }> = {
  xml: { keep: new RegExp(String.raw`^<x${ID}\s*(?:/>|>[\s\S]*?</x\s*>)`, 'i') },
  html: { keep: new RegExp(String.raw`^<span\b[^>]*?${ID}[^>]*>[\s\S]*?</span\s*>`, 'i') },
};
const OPEN_B = /^<b\s*>/i;
const CLOSE_B = /^<\/b\s*>/i;
const OPEN_A = new RegExp(String.raw`^<a${ID}\s*>`, 'i');
const CLOSE_A = /^<\/a\s*>/i;

/**
 * Puts a translated line back into leaflet markup. Throws `MarkupLost` when a placeholder is
 * missing, repeated or unknown, tags do not pair up, a strong mark went missing or appeared, or
 * the result would read as different marks than the Dutch line has.
 */
export function restore(translated: string, p: Protected, format: WireFormat): string {
  const used = new Set<number>();
  const take = (id: string): Slot => {
    const n = Number(id);
    const slot = p.slots[n];
    if (!slot || used.has(n)) throw new MarkupLost(`placeholder ${id} unknown or repeated`);
    used.add(n);
    return slot;
  };
  let out = '';
  let textRun = '';
  const flush = () => {
    out += unescapeMarkup(textRun);
    textRun = '';
  };
  const open: ('b' | number)[] = [];
  let i = 0;
  while (i < translated.length) {
    const ch = translated[i]!;
    if (ch !== '<') {
      textRun += ch;
      i++;
      continue;
    }
    const rest = translated.slice(i);
    const keep = TAGS[format].keep.exec(rest);
    const openA = OPEN_A.exec(rest);
    const tag = keep ?? openA ?? OPEN_B.exec(rest) ?? CLOSE_B.exec(rest) ?? CLOSE_A.exec(rest);
    if (p.plain) {
      // Nothing was sent as a tag: DeepL (XML, kept escaped) invented one; from LibreTranslate
      // (which unescapes its answer) it is what the person typed.
      if (tag && format === 'xml') throw new MarkupLost('a tag in plain text');
      textRun += ch;
      i++;
      continue;
    }
    if (!tag) {
      // LibreTranslate unescapes its output, so a `<` the Dutch text had comes back bare there;
      // DeepL keeps XML escaped, so a tag it invented means the line is not what was sent.
      if (format === 'xml') throw new MarkupLost('an unknown tag');
      textRun += ch;
      i++;
      continue;
    }
    flush();
    if (keep) {
      const slot = take(keep[1]!);
      if (slot.kind !== 'keep') throw new MarkupLost('a link number in a placeholder');
      out += slot.raw;
    } else if (openA) {
      if (take(openA[1]!).kind !== 'link') throw new MarkupLost('a placeholder number in a link');
      if (open.length > 0) throw new MarkupLost('a link inside other marks');
      open.push(Number(openA[1]));
      out += '[';
    } else if (OPEN_B.test(tag[0])) {
      if (open.length > 0) throw new MarkupLost('strong inside other marks');
      open.push('b');
      out += '**';
    } else if (CLOSE_B.test(tag[0])) {
      if (open.pop() !== 'b') throw new MarkupLost('strong closed out of order');
      out += '**';
    } else {
      const n = open.pop();
      if (typeof n !== 'number') throw new MarkupLost('link closed out of order');
      out += `](${(p.slots[n] as { url: string }).url})`;
    }
    i += tag[0].length;
  }
  flush();
  if (open.length > 0) throw new MarkupLost('a mark left open');
  if (used.size !== p.slots.length) throw new MarkupLost('a placeholder went missing');
  if (!p.plain && signature(out) !== signature(p.source)) throw new MarkupLost('the marks read differently');
  return out;
}

/** The marks a line reads as, order aside: what must survive translation unchanged. */
function signature(line: string): string {
  const marks = pieces(line).map((p) => {
    if (p.kind === 'strong') return `strong:${[...p.value.matchAll(DUTCH_ANYWHERE)].map((m) => m[0]).join('|')}`;
    if (p.kind === 'dutch') return `dutch:${p.raw}`;
    if (p.kind === 'link') return `link:${p.url}:${[...p.label.matchAll(DUTCH_ANYWHERE)].map((m) => m[0]).join('|')}`;
    return `text:${[...p.value.matchAll(DUTCH_ANYWHERE)].map((m) => m[0]).join('|')}`;
  });
  return marks
    .filter((m) => m !== 'text:')
    .sort()
    .join('\n');
}

/** Whether a line has anything to translate: a letter outside the kept Dutch words and URLs. */
function translatable(line: string, plain: boolean): boolean {
  if (plain) return /\p{L}/u.test(line);
  return pieces(line).some((p) => {
    const value = p.kind === 'text' || p.kind === 'strong' ? p.value : p.kind === 'link' ? p.label : '';
    return /\p{L}/u.test(value.replace(DUTCH_ANYWHERE, ''));
  });
}

/**
 * A text cut at its line breaks (outside marks) into trimmed lines: providers treat line breaks
 * and edge spaces each in their own way (LibreTranslate's HTML mode folds all whitespace), so
 * every line travels alone and the breaks and spaces are put back as they were. Blank lines and
 * lines without a letter to translate (a time, a kept Dutch word alone) stay as they are.
 */
export interface Cut {
  /** The lines to translate. */
  readonly lines: readonly string[];
  /** The text again, with the given translations of `lines` (same order) in their places. */
  join(translated: readonly string[]): string;
}

export function cutLines(text: string, plain = false): Cut {
  const inside: [number, number][] = plain ? [] : [...text.matchAll(INLINE)].map((m) => [m.index, m.index + m[0].length]);
  const breaks: number[] = [];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) {
    if (!inside.some(([from, to]) => i > from && i < to)) breaks.push(i);
  }
  const parts: ({ lead: string; line: string; trail: string } | string)[] = [];
  let start = 0;
  for (const end of [...breaks, text.length]) {
    const chunk = text.slice(start, end);
    const m = /^(\s*)([\s\S]*?)(\s*)$/.exec(chunk)!;
    if (translatable(m[2]!, plain)) parts.push({ lead: m[1]!, line: m[2]!, trail: m[3]! });
    else parts.push(chunk);
    if (end < text.length) parts.push('\n');
    start = end + 1;
  }
  const lines = parts.flatMap((p) => (typeof p === 'string' ? [] : [p.line]));
  return {
    lines,
    join(translated) {
      let n = 0;
      return parts.map((p) => (typeof p === 'string' ? p : p.lead + (translated[n++] ?? '') + p.trail)).join('');
    },
  };
}
