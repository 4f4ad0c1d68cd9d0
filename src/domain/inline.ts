/**
 * The small inline whitelist leaflet text may use. The app renders these tokens itself, so
 * text never executes as HTML: `**strong**`, `[[nl:woord]]` (a Dutch word kept in another
 * language, marked lang="nl"), and `[label](url)` links to https, mailto and tel only.
 * Anything else — including `<script>`, `javascript:` links or stray brackets — stays text.
 */
export type InlineToken =
  | { type: 'text'; value: string }
  | { type: 'strong'; value: string }
  | { type: 'dutch'; value: string }
  | { type: 'link'; label: string; href: string };

const PATTERN = /\*\*(.+?)\*\*|\[\[nl:([^\]]{1,80})\]\]|\[([^\]\n]{1,200})\]\(([^)\s]{1,500})\)/g;

export function safeHref(href: string): string | null {
  try {
    const url = new URL(href);
    if (url.protocol === 'https:' || url.protocol === 'mailto:' || url.protocol === 'tel:') return url.toString();
  } catch {
    // not a URL
  }
  return null;
}

export function parseInline(text: string): InlineToken[] {
  const tokens: InlineToken[] = [];
  let last = 0;
  const push = (value: string) => {
    if (!value) return;
    const prev = tokens[tokens.length - 1];
    if (prev?.type === 'text') prev.value += value;
    else tokens.push({ type: 'text', value });
  };
  for (const m of text.matchAll(PATTERN)) {
    push(text.slice(last, m.index));
    if (m[1] !== undefined) tokens.push({ type: 'strong', value: m[1] });
    else if (m[2] !== undefined) tokens.push({ type: 'dutch', value: m[2] });
    else {
      const href = safeHref(m[4]!);
      if (href) tokens.push({ type: 'link', label: m[3]!, href });
      else push(m[0]);
    }
    last = m.index! + m[0].length;
  }
  push(text.slice(last));
  return tokens;
}

/**
 * The same text without its marks, for places that cannot hold them: a page title, an option in
 * a select, a mail, a calendar entry ("لقاء حول الـ[[nl:rapport]]" → "لقاء حول الـrapport").
 */
export function plainText(text: string): string {
  return parseInline(text)
    .map((t) => (t.type === 'link' ? t.label : t.value))
    .join('');
}
