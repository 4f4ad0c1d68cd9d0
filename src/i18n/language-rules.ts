/**
 * The language rules a program can check: the few mistakes in a text that follow from a
 * mechanical rule and can be found with (almost) no false alarms. Everything else is for a
 * native reader (docs/translation.md). Pure: a text and its language in, findings out; the CLI
 * in scripts/check-language.ts feeds it every UI string and leaflet text.
 *
 * Before matching, Dutch words kept in another language (`[[nl:…]]`), placeholders (`{{…}}`)
 * and link targets (`](https://…)`) are masked with a character of the same length, so they
 * never match and the offsets still point into the original text.
 */

export type RuleId =
  | 'nl-unquoted-speech'
  | 'nl-collega'
  | 'en-question-then'
  | 'en-make-agreements'
  | 'en-think-with'
  | 'ar-dual-imperative'
  | 'ar-think-with'
  | 'ar-latin-punctuation'
  | 'ar-eastern-digits'
  | 'ar-teacher-doublet'
  | 'uk-u-v'
  | 'uk-i-y'
  | 'uk-doubled-preposition'
  | 'uk-vchytel'
  | 'uk-teacher-doublet'
  | 'pl-teacher-doublet'
  | 'pl-predicative-case'
  | 'tr-felemenkce'
  | 'tr-anlasma-yapmak';

export interface Rule {
  id: RuleId;
  lang: string;
  /** What the rule asks for, in one line (docs/translation.md explains why). */
  summary: string;
}

export interface Finding {
  rule: RuleId;
  /** A short sentence for the person fixing it. */
  message: string;
  /** The offending words with a little context, from the original text. */
  excerpt: string;
  /** Where the offending words start in the text. */
  index: number;
}

export interface CheckOptions {
  /**
   * The text is addressed to parents (every leaflet). Dutch parent-facing text uses _u_; without
   * this, a Dutch text counts as a _u_ text only when it says _u_ or _uw_ itself.
   */
  parentFacing?: boolean;
}

export const RULES: readonly Rule[] = [
  { id: 'nl-unquoted-speech', lang: 'nl', summary: 'direct speech after a colon stands between quotation marks' },
  { id: 'nl-collega', lang: 'nl', summary: 'to parents a staff member is a medewerker, not a collega' },
  { id: 'en-question-then', lang: 'en', summary: 'no Dutch question-then-answer ("Do you hear…? Then…"): write "If …, …"' },
  { id: 'en-make-agreements', lang: 'en', summary: '"agree on" (children: "rules"), not "make agreements"' },
  { id: 'en-think-with', lang: 'en', summary: 'no calque of meedenken: "share your ideas", "talk it through", not "think with us"' },
  { id: 'ar-dual-imperative', lang: 'ar', summary: 'no dual imperative (انظرا، تحدّثا…): address the parent in the singular' },
  { id: 'ar-think-with', lang: 'ar', summary: 'no calque of meedenken (يفكّر معك): يناقش معك، يتعاون لإيجاد الحلّ' },
  { id: 'ar-latin-punctuation', lang: 'ar', summary: 'Arabic punctuation in Arabic text: ، ؛ ؟ and «…»' },
  { id: 'ar-eastern-digits', lang: 'ar', summary: 'Western digits (0–9), not ٠–٩' },
  { id: 'ar-teacher-doublet', lang: 'ar', summary: 'one word for the teacher (المعلّم), not "المعلّم أو المعلّمة"' },
  { id: 'uk-u-v', lang: 'uk', summary: 'у/в alternation: в after a vowel, у between consonants and before в, ф, льв, св, тв, хв' },
  { id: 'uk-i-y', lang: 'uk', summary: 'і/й alternation: і after a consonant and before й, я, ю, є, ї' },
  { id: 'uk-doubled-preposition', lang: 'uk', summary: 'no doubled preposition (в в, у у)' },
  { id: 'uk-vchytel', lang: 'uk', summary: 'вчитель, not учитель, right after a vowel' },
  { id: 'uk-teacher-doublet', lang: 'uk', summary: 'one word for the teacher, not "учитель чи учителька"' },
  { id: 'pl-teacher-doublet', lang: 'pl', summary: 'one word for the teacher, not "nauczyciel lub nauczycielka"' },
  { id: 'pl-predicative-case', lang: 'pl', summary: 'iść do szkoły wypoczęte (nominative), not wypoczętym' },
  { id: 'tr-felemenkce', lang: 'tr', summary: '"Hollandaca" for the Dutch language, not "Felemenkçe"' },
  { id: 'tr-anlasma-yapmak', lang: 'tr', summary: '"… konusunda anlaşmak", not "anlaşma yapmak" (that is signing a contract)' },
];

export const RULE_IDS: ReadonlySet<string> = new Set(RULES.map((r) => r.id));

/** Runs every rule of the text's language. A language without rules returns nothing. */
export function checkText(text: string, lang: string, options: CheckOptions = {}): Finding[] {
  const masked = mask(text);
  switch (lang) {
    case 'nl':
      return dutch(text, masked, options);
    case 'en':
      return english(text, masked);
    case 'ar':
      return arabic(text, masked);
    case 'uk':
      return ukrainian(text, masked);
    case 'pl':
      return polish(text, masked);
    case 'tr':
      return turkish(text, masked);
    default:
      return [];
  }
}

// ---------------------------------------------------------------------------------------------
// Shared helpers

const MASK = '\uE000';
const MASKED = /\[\[nl:[^\]]*\]\]|\{\{[^}]*\}\}|\]\([^)\s]*\)/g;

/** Replaces `[[nl:…]]`, `{{…}}` and link targets by a non-letter of the same length. */
export function mask(text: string): string {
  return text.replace(MASKED, (m) => MASK.repeat(m.length));
}

/** The words at [start, end) with some context, cut at spaces, marked … where cut. */
function excerpt(text: string, start: number, end: number, context = 24): string {
  let from = Math.max(0, start - context);
  let to = Math.min(text.length, end + context);
  if (from > 0) {
    const space = text.indexOf(' ', from);
    from = space === -1 || space >= start ? start : space + 1;
  }
  if (to < text.length) {
    const space = text.lastIndexOf(' ', to);
    to = Math.max(space, end);
  }
  return `${from > 0 ? '…' : ''}${text.slice(from, to).trim()}${to < text.length ? '…' : ''}`;
}

interface Token {
  word: string;
  start: number;
  end: number;
  /** The text between the previous word and this one ('' for the first word). */
  gap: string;
}

const WORD = /[\p{L}\p{M}]+(?:['’ʼ-][\p{L}\p{M}]+)*/gu;

function tokenize(masked: string): Token[] {
  const tokens: Token[] = [];
  let last = 0;
  for (const m of masked.matchAll(WORD)) {
    tokens.push({ word: m[0], start: m.index, end: m.index + m[0].length, gap: masked.slice(last, m.index) });
    last = m.index + m[0].length;
  }
  return tokens;
}

/** One finding per match of a global pattern in the masked text; message may depend on the match. */
function patternFindings(text: string, masked: string, pattern: RegExp, rule: RuleId, message: (match: string) => string): Finding[] {
  return [...masked.matchAll(pattern)].map((m) => ({
    rule,
    message: message(text.slice(m.index, m.index + m[0].length)),
    excerpt: excerpt(text, m.index, m.index + m[0].length),
    index: m.index,
  }));
}

/** Only spaces between two words: no punctuation, so no pause when the text is read aloud. */
function joined(gap: string): boolean {
  return /^\s+$/u.test(gap);
}

// ---------------------------------------------------------------------------------------------
// Dutch: direct speech after a colon without quotation marks

const NL_QUOTE_NEXT = /^[\s*]*[‘’“”"'„‚«‹]/u;
/** Forms of zeggen/vragen/antwoorden/roepen that introduce what someone says. */
const NL_SPEECH_VERBS = new Set([
  'zeg',
  'zegt',
  'zei',
  'zeiden',
  'vraag',
  'vraagt',
  'vroeg',
  'vroegen',
  'antwoord',
  'antwoordt',
  'roep',
  'roept',
]);
/** Plural forms that are also nouns (uw vragen): speech only after a pronoun (we vragen). */
const NL_SPEECH_PLURAL = new Set(['zeggen', 'vragen', 'antwoorden']);
const NL_PLURAL_SUBJECTS = new Set(['we', 'wij', 'ze', 'zij', 'jullie']);
/** Words before a noun: een vraag, het antwoord, uw vraag. */
const NL_DETERMINERS = new Set([
  'een',
  'de',
  'het',
  'uw',
  'je',
  'jouw',
  'mijn',
  'zijn',
  'haar',
  'ons',
  'onze',
  'hun',
  'die',
  'deze',
  'dit',
  'dat',
  'elke',
  'iedere',
  'welke',
  'geen',
  'goede',
  'andere',
]);
const NL_U = /(?<!\p{L})(?:u|uw)(?!\p{L})/iu;
const NL_JE = /(?<!\p{L})(?:je|jij|jou|jouw)(?!\p{L})/iu;
const NL_SENTENCE_END = /[.!?](?=\s|$)|:(?=\s)/u;

function dutch(text: string, masked: string, options: CheckOptions): Finding[] {
  const findings: Finding[] = [];
  const uText = options.parentFacing === true || NL_U.test(masked);
  for (const colon of masked.matchAll(/:(?=\s)/g)) {
    const at = colon.index;
    const rest = masked.slice(at + 1);
    if (NL_QUOTE_NEXT.test(rest) || /^\s*(?:\uE000|$)/u.test(rest)) continue;
    const sentenceEnd = NL_SENTENCE_END.exec(rest);
    const segment = rest.slice(0, sentenceEnd ? sentenceEnd.index + 1 : rest.length);

    // The clause before the colon: from the previous sentence end or colon.
    const clauseStart =
      Math.max(masked.lastIndexOf(':', at - 1), masked.lastIndexOf('. ', at), masked.lastIndexOf('! ', at), masked.lastIndexOf('? ', at)) +
      1;
    const words = (masked.slice(clauseStart, at).match(WORD) ?? []).map((w) => w.toLowerCase());
    let speech = false;
    for (let k = Math.max(0, words.length - 5); k < words.length; k++) {
      const word = words[k]!;
      const before = words[k - 1];
      if (NL_SPEECH_VERBS.has(word) && (before === undefined || !NL_DETERMINERS.has(before))) speech = true;
      if (NL_SPEECH_PLURAL.has(word) && before !== undefined && NL_PLURAL_SUBJECTS.has(before)) speech = true;
    }
    const switchesToJe = uText && NL_JE.test(segment);
    if (!speech && !switchesToJe) continue;

    const start = clauseStart + (masked.slice(clauseStart, at).length - masked.slice(clauseStart, at).trimStart().length);
    findings.push({
      rule: 'nl-unquoted-speech',
      message: speech
        ? 'direct speech after a colon stands between quotation marks: Zeg dan: ‘…’'
        : 'the text says u, but after the colon it says je/jij: quote it as direct speech (‘…’) or keep to u',
      excerpt: excerpt(text, start, at + 1 + segment.length, 0),
      index: start,
    });
  }
  if (options.parentFacing === true) {
    // Staff strings may say collega's; to a parent, the person at school is a medewerker.
    findings.push(
      ...patternFindings(
        text,
        masked,
        NL_COLLEGA,
        'nl-collega',
        (m) => `a parent is not a colleague: "${m}" → "medewerker" (or name the role: leerkracht, intern begeleider)`,
      ),
    );
  }
  return findings.sort((a, b) => a.index - b.index);
}

const NL_COLLEGA = /(?<!\p{L})collega(?:['’]s|e)?(?!\p{L})/giu;

// ---------------------------------------------------------------------------------------------
// English: Dutch patterns that show through

/** A question answered by the next sentence: "Do you hear…? Then give…" (Dutch: Hoort u…? Geef dan…). */
const EN_QUESTION_THEN = /\?[\s*“”"]*Then(?!\p{L})/gu;
/** make (clear) agreements: Dutch afspraken maken. */
const EN_MAKE_AGREEMENTS =
  /(?<!\p{L})(?:make|makes|made|making)\s+(?:(?:an|some|clear|good|new|firm|the|these|those|our|your|their)\s+){0,2}agreements?(?!\p{L})/giu;
/** think with us, think along, think it through with you: Dutch meedenken. */
const EN_THINK_WITH =
  /(?<!\p{L})think(?:s|ing)?\s+(?:along(?:\s+with)?|with\s+(?:us|you|them|him|her|me|the|your|our)|(?:it|them|this|that|things)\s+through\s+with)(?!\p{L})/giu;

function english(text: string, masked: string): Finding[] {
  return [
    ...patternFindings(
      text,
      masked,
      EN_QUESTION_THEN,
      'en-question-then',
      () => 'a Dutch question-then-answer pattern: write "If …, …" ("If you hear your child did something well, praise them.")',
    ),
    ...patternFindings(
      text,
      masked,
      EN_MAKE_AGREEMENTS,
      'en-make-agreements',
      (m) => `"${m}" is a Dutch calque (afspraken maken): "agree on …", or for children "rules"`,
    ),
    ...patternFindings(
      text,
      masked,
      EN_THINK_WITH,
      'en-think-with',
      (m) => `"${m}" is a calque of meedenken: "share your ideas", "talk it through", "help find a way"`,
    ),
  ].sort((a, b) => a.index - b.index);
}

// ---------------------------------------------------------------------------------------------
// Arabic: dual imperatives, punctuation, digits

const AR_DIACRITICS = /[\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED\u0640]/g;
const AR_TANWEEN_FATH = '\u064B';

/** Removes harakat, shadda, sukun, tanween, dagger alif and tatweel. */
export function stripArabicDiacritics(text: string): string {
  return text.replace(AR_DIACRITICS, '');
}

/** Without diacritics, and an initial hamza-carrying alif written as a bare alif (إذهبا = اذهبا). */
function arabicKey(word: string): string {
  return stripArabicDiacritics(word).replace(/^[أإآٱ]/u, 'ا');
}

/**
 * Masculine dual imperatives (the form that addresses two people: "you two, look"), written
 * with their vowels for the reader and compared without them. A curated list rather than a
 * pattern: many words end in ـا (ما، هذا، أيضًا، منسّقا الدعم، ما زالا). Left out on purpose:
 * forms that are also common words without their vowels (كلا، عدّا، دعا، علّما، لوّنا، تقدّما،
 * بيّنا، سجّلا).
 */
const AR_DUAL_IMPERATIVES_VOCALISED: readonly string[] = [
  'اُنظُرا اِذهَبا اُكتُبا اِقرَآ اِقرَءا اِلعَبا اِجلِسا اِسمَعا اِسأَلا اِعمَلا', // form I
  'اِفعَلا اُرسُما اُطبُخا اِمشِيا اِجمَعا اِبحَثا اُترُكا اِحكِيا اِفتَحا اِغسِلا', // form I
  'اُدرُسا اِحسِبا اِشرَبا اُخرُجا اُدخُلا اِرجِعا اُشكُرا اِمدَحا اِصنَعا اُحضُرا', // form I
  'اِحمِلا اِحفَظا اِقضِيا اِبقَيا اِبدَآ اِبدَءا اِضحَكا اُطلُبا اِشرَحا اِعرِضا', // form I
  'ضَعا خُذا قُولا كُونا تَعالَيا', // form I
  'حَضِّرا فَكِّرا جَرِّبا رَتِّبا نَظِّفا شَجِّعا ذَكِّرا خَطِّطا حَدِّدا عَلِّقا', // form II
  'كَرِّرا قَرِّرا نَظِّما وَزِّعا رَحِّبا', // form II
  'شاهِدا ساعِدا ناقِشا شارِكا راجِعا تابِعا حاوِلا كافِئا لاحِظا حافِظا', // form III
  'أَعِدّا أَخبِرا أَرسِلا أَعطِيا أَكمِلا أَطفِئا أَغلِقا أَجيبا أَضيفا أَنهِيا', // form IV
  'أَحضِرا', // form IV
  'تَحَدَّثا تَكَلَّما تَعَلَّما تَذَكَّرا تَدَرَّبا تَمَرَّنا تَعَرَّفا تَخَيَّلا تَأَكَّدا تَحَقَّقا', // form V
  'تَجَوَّلا تَفَقَّدا', // form V
  'تَعاوَنا تَناقَشا تَبادَلا تَناوَبا تَشارَكا تَناوَلا تَحاوَرا', // form VI
  'اِتَّفِقا اِستَمِعا اِنتَظِرا اِختارا اِجتَمِعا اِحتَفِلا اِهتَمّا اِنتَبِها اِتَّصِلا اِبتَسِما', // form VIII
  'اِشتَرِيا اِختَبِرا', // form VIII
  'اِستَعِدّا اِستَخدِما اِستَمتِعا اِستَعمِلا اِستَريحا', // form X
].flatMap((forms) => forms.split(' '));
/** Object pronouns a dual imperative can carry: ساعِداه، اسألاها. */
const AR_OBJECT_SUFFIXES = ['', 'ه', 'ها', 'هما', 'هم', 'ني'];
const AR_DUAL_IMPERATIVES: ReadonlySet<string> = new Set(
  AR_DUAL_IMPERATIVES_VOCALISED.flatMap((v) => AR_OBJECT_SUFFIXES.map((s) => arabicKey(v) + s)),
);
/** Whole words that look like و/ف + a dual imperative but are not (وَضْعًا situation, فَخِذًا thigh). */
const AR_NOT_PREFIXED = new Set(['وضعا', 'فخذا']);
/** Words after which an imperative starts a clause: ثمّ تحدّثا، أو اكتبا، هيّا العبا. */
const AR_CLAUSE_OPENERS = new Set(['و', 'ف', 'ثم', 'او', 'لذا', 'لذلك', 'اذن', 'هيا', 'الان', 'والان', 'بعدها', 'وبعدها']);
/** لا + a dual jussive (لا تتركا، لا تنسيا), except adverbs that also start with ت. */
const AR_PROHIBITIVE = new Set(['لا', 'ولا', 'فلا']);
const AR_DUAL_JUSSIVE = /^ت\p{L}{2,}(?<!و)ا$/u; // not ـوا: that is the plural (لا تنسوا)
const AR_NOT_JUSSIVE = new Set(['تماما', 'تقريبا', 'تلقائيا', 'تدريجيا', 'تحديدا']);

function arabic(text: string, masked: string): Finding[] {
  const findings: Finding[] = [];
  const tokens = tokenize(masked);
  tokens.forEach((token, i) => {
    if (token.word.includes(AR_TANWEEN_FATH)) return; // an accusative noun (شاهدًا), not a verb
    const key = arabicKey(token.word);
    const prevKey = i > 0 && joined(token.gap) ? arabicKey(tokens[i - 1]!.word) : undefined;
    let dual = false;
    if (AR_DUAL_IMPERATIVES.has(key)) {
      // The same letters are also the past tense "they two did" (تحدّثا); an imperative opens its clause.
      dual = prevKey === undefined || AR_CLAUSE_OPENERS.has(prevKey);
    } else if (/^[وف]/u.test(key) && AR_DUAL_IMPERATIVES.has(key.slice(1)) && !AR_NOT_PREFIXED.has(key)) {
      dual = true; // وشاهدا، فاذهبا
    } else if (prevKey !== undefined && AR_PROHIBITIVE.has(prevKey) && AR_DUAL_JUSSIVE.test(key) && !AR_NOT_JUSSIVE.has(key)) {
      dual = true;
    }
    if (!dual) return;
    findings.push({
      rule: 'ar-dual-imperative',
      message: 'a dual imperative addresses two people: address the parent in the singular (masculine as the neutral form)',
      excerpt: excerpt(text, token.start, token.end),
      index: token.start,
    });
  });

  findings.push(...arabicTeacherDoublets(text, tokens));
  findings.push(...arabicThinkWith(text, tokens));

  const latin: Record<string, string> = { ',': '،', ';': '؛', '?': '؟' };
  for (const m of masked.matchAll(/(?<=\p{Script=Arabic}[\p{M}]*)[,;?](?=\s|$)/gu)) {
    findings.push({
      rule: 'ar-latin-punctuation',
      message: `write the Arabic ${latin[m[0]]}, not ${m[0]}`,
      excerpt: excerpt(text, m.index, m.index + 1),
      index: m.index,
    });
  }
  for (const m of masked.matchAll(/["“”]/gu)) {
    findings.push({
      rule: 'ar-latin-punctuation',
      message: 'quote with «…» in Arabic text',
      excerpt: excerpt(text, m.index, m.index + 1),
      index: m.index,
    });
  }
  for (const m of masked.matchAll(/[\u0660-\u0669\u06F0-\u06F9]+/gu)) {
    findings.push({
      rule: 'ar-eastern-digits',
      message: 'write numbers with Western digits (0–9), as Arabic-speaking parents in the Netherlands read them everywhere else',
      excerpt: excerpt(text, m.index, m.index + m[0].length),
      index: m.index,
    });
  }
  return findings.sort((a, b) => a.index - b.index);
}

/**
 * يفكّر مع / نفكّر معك / التفكير مع: a calque of meedenken. Up to two words (a subject: يفكّر المعلّم معك),
 * a Dutch word and an aside in brackets (يفكّر [[nl:intern begeleider]] (منسّق الدعم) مع…) may stand
 * between the verb and مع.
 */
const AR_THINK = /^[وف]?[لس]?(?:[يتنا]فكر(?:ون|ان|ين|وا|ي)?|فكروا|(?:ال|بال|لل)تفكير)$/u;
const AR_WITH = /^مع(?:ك|كم|كما|نا|ه|ها|هم)?$/u;

function arabicThinkWith(text: string, tokens: Token[]): Finding[] {
  const findings: Finding[] = [];
  tokens.forEach((token, i) => {
    if (!AR_THINK.test(arabicKey(token.word))) return;
    let depth = 0;
    let words = 0;
    for (let j = i + 1; j < tokens.length && j <= i + 12; j++) {
      const gap = tokens[j]!.gap;
      if (!/^[\s\uE000()]*$/u.test(gap)) return; // punctuation: another clause
      depth = Math.max(0, depth + (gap.match(/\(/g)?.length ?? 0) - (gap.match(/\)/g)?.length ?? 0));
      if (depth > 0) continue; // an aside in brackets
      if (AR_WITH.test(arabicKey(tokens[j]!.word))) {
        findings.push({
          rule: 'ar-think-with',
          message: '«يفكّر مع» is a calque of meedenken: write «يناقش معك»، «يشاركنا رأيه» or «يتعاون معه لإيجاد الحلّ»',
          excerpt: excerpt(text, token.start, tokens[j]!.end),
          index: token.start,
        });
        return;
      }
      if (++words > 2) return;
    }
  });
  return findings;
}

/** معلّم in the singular: 'm' (المعلّم، معلّمك، للمعلّم) or 'f' (المعلّمة، معلّمتك); plurals and duals are neither. */
function arabicTeacher(key: string): 'm' | 'f' | undefined {
  if (!key.includes('معلم') || /معلم(?:ين|ون|ات|ا$|ان)/u.test(key)) return undefined;
  return /معلم[ةت]/u.test(key) ? 'f' : 'm';
}

/** المعلّم أو المعلّمة، معلّمك أو معلّمتك، المعلّم والمعلّمة (either order). */
function arabicTeacherDoublets(text: string, tokens: Token[]): Finding[] {
  const findings: Finding[] = [];
  const key = (i: number) => (i < tokens.length && joined(tokens[i]!.gap) ? arabicKey(tokens[i]!.word) : '');
  tokens.forEach((token, i) => {
    const first = arabicTeacher(arabicKey(token.word));
    if (first === undefined) return;
    let last = -1;
    let second: 'm' | 'f' | undefined;
    if (key(i + 1) === 'او' || key(i + 1) === 'و') {
      second = arabicTeacher(key(i + 2));
      last = i + 2;
    } else if (key(i + 1).startsWith('و')) {
      second = arabicTeacher(key(i + 1).slice(1));
      last = i + 1;
    }
    if (second === undefined || second === first) return;
    findings.push({
      rule: 'ar-teacher-doublet',
      message: 'name the teacher with one word (المعلّم), not the masculine and feminine side by side',
      excerpt: excerpt(text, token.start, tokens[last]!.end),
      index: token.start,
    });
  });
  return findings;
}

// ---------------------------------------------------------------------------------------------
// Ukrainian: у/в and і/й alternation (Правопис 2019, § 23–24), вчитель after a vowel

const UK_VOWELS = 'аеєиіїоуюя';
const UK_CONSONANTS = 'бвгґджзйклмнпрстфхцчшщ';
/** Before these, у stays whatever comes before it: у вихідні, у Франції, у своєму, у Львові. */
const UK_KEEPS_U = /^(?:в|ф|льв|св|тв|хв)/u;

function ukLast(word: string): string {
  const w = word.toLowerCase().replace(/['’ʼ]+$/u, '');
  return w.endsWith('ь') ? 'ь' : w.slice(-1);
}
function ukVowelFinal(word: string): boolean {
  const last = ukLast(word);
  return last.length === 1 && UK_VOWELS.includes(last);
}
function ukConsonantFinal(word: string): boolean {
  const last = ukLast(word);
  return last.length === 1 && (last === 'ь' || UK_CONSONANTS.includes(last));
}
function ukConsonantInitial(word: string): boolean {
  const first = word.charAt(0).toLowerCase();
  return first.length === 1 && UK_CONSONANTS.includes(first);
}

function ukrainian(text: string, masked: string): Finding[] {
  const findings: Finding[] = [];
  const tokens = tokenize(masked);
  const push = (rule: RuleId, message: string, from: Token, to: Token) =>
    findings.push({ rule, message, excerpt: excerpt(text, from.start, to.end), index: from.start });

  tokens.forEach((token, i) => {
    const w = token.word.toLowerCase();
    const prev = i > 0 && joined(token.gap) ? tokens[i - 1] : undefined;
    const next = i + 1 < tokens.length && joined(tokens[i + 1]!.gap) ? tokens[i + 1] : undefined;
    const p = prev?.word.toLowerCase();
    const n = next?.word.toLowerCase();

    if (w === 'у' || w === 'в') {
      if (next === undefined || n === undefined) return;
      if (p === 'у' || p === 'в') return; // reported with the first of the two
      if (n === 'у' || n === 'в') {
        push('uk-doubled-preposition', `a doubled preposition: "${token.word} ${next.word}"`, token, next);
        return;
      }
      if (!/^\p{Script=Cyrillic}/u.test(n)) return;
      const keepsU = UK_KEEPS_U.test(n);
      if (w === 'у' && prev !== undefined && ukVowelFinal(prev.word) && !keepsU) {
        push(
          'uk-u-v',
          p === 'і' ? '"і у" → "і в" (or "й у" after a vowel)' : `after a vowel write "в", not "у": ${prev.word} в ${next.word}`,
          prev,
          next,
        );
      } else if (w === 'в' && keepsU) {
        push('uk-u-v', `before в, ф, льв, св, тв, хв write "у", not "в": у ${next.word}`, token, next);
      } else if (w === 'в' && prev !== undefined && ukConsonantFinal(prev.word) && ukConsonantInitial(n)) {
        push('uk-u-v', `between consonants write "у", not "в": ${prev.word} у ${next.word}`, prev, next);
      }
      return;
    }

    if (w === 'й' && prev !== undefined && next !== undefined && n !== undefined && /^\p{Script=Cyrillic}/u.test(n)) {
      if (ukConsonantFinal(prev.word)) {
        push('uk-i-y', `after a consonant write "і", not "й": ${prev.word} і ${next.word}`, prev, next);
      } else if ('йяюєї'.includes(n.charAt(0))) {
        push('uk-i-y', `before й, я, ю, є, ї write "і", not "й": і ${next.word}`, token, next);
      }
      return;
    }

    if (w.startsWith('учител') && prev !== undefined && ukVowelFinal(prev.word)) {
      push('uk-vchytel', `after a vowel write "в${token.word.slice(1)}", not "${token.word}"`, prev, token);
    }
  });
  for (const m of masked.matchAll(UK_TEACHER_DOUBLET)) {
    const words = m[0].split(/[\s/]+/u);
    const feminine = (w: string) => /чительк/iu.test(w);
    if (feminine(words[0]!) === feminine(words.at(-1)!)) continue;
    findings.push({
      rule: 'uk-teacher-doublet',
      message: '"учитель чи учителька" is heavy: name the teacher with one word (учитель / вчитель)',
      excerpt: excerpt(text, m.index, m.index + m[0].length),
      index: m.index,
    });
  }
  return findings.sort((a, b) => a.index - b.index);
}

const UK_TEACHER_DOUBLET = /(?<!\p{L})[ув]чител\p{L}*(?:\s+(?:чи|або)\s+|\s*\/\s*)[ув]чител\p{L}*/giu;

// ---------------------------------------------------------------------------------------------
// Polish and Turkish: one word each

const PL_TEACHER_DOUBLET = /(?<!\p{L})nauczyciel\p{L}*(?:\s+(?:lub|albo|czy|bądź|ani)\s+|\s*\/\s*)nauczyciel\p{L}*/giu;

function polish(text: string, masked: string): Finding[] {
  const findings: Finding[] = [];
  for (const m of masked.matchAll(PL_TEACHER_DOUBLET)) {
    // One of the two is the feminine form (nauczycielka, -ki, -kę, -ką, -ce), the other is not.
    const words = m[0].split(/[\s/]+/u);
    const feminine = (w: string) => /^nauczyciel(?:k|ce)/iu.test(w);
    if (feminine(words[0]!) === feminine(words.at(-1)!)) continue;
    findings.push({
      rule: 'pl-teacher-doublet',
      message: '"nauczyciel lub nauczycielka" is heavy: write "nauczyciel" (or "nauczyciele", "szkoła") once',
      excerpt: excerpt(text, m.index, m.index + m[0].length),
      index: m.index,
    });
  }
  findings.push(
    ...patternFindings(text, masked, PL_PREDICATIVE_INSTRUMENTAL, 'pl-predicative-case', (m) => {
      const adjective = m.split(/\s+/u).find((w) => PL_STATE_ADJECTIVE.test(w)) ?? m;
      return `after "iść do szkoły" the adjective agrees in the nominative (dziecko idzie do szkoły wypoczęte), not "${adjective}"`;
    }),
  );
  return findings.sort((a, b) => a.index - b.index);
}

/** Going to school (iść, chodzić, przychodzić…) in a form that says who goes. */
const PL_GO =
  '(?:iść|idzie|idą|idę|idziesz|szło|szedł|szła|szli|pójść|pójdzie|poszło|poszedł|poszła|chodzić|chodzi|chodzą|przychodzić|przychodzi|przyjść|przyjdzie|przyszło)';
/** State adjectives in the instrumental (wypoczętym, wyspaną): the case of "być", not of "iść". */
const PL_STATE = '(?:wypoczęt|wyspan|zmęczon|głodn|najedzon|przygotowan|zadowolon|spokojn|chętn|szczęśliw)(?:ym|ymi|ą)';
const PL_STATE_ADJECTIVE = new RegExp(`^${PL_STATE}$`, 'iu');
const PL_PREDICATIVE_INSTRUMENTAL = new RegExp(
  String.raw`(?<!\p{L})${PL_GO}\s+(?:do\s+szkoły\s+${PL_STATE}|${PL_STATE}\s+do\s+szkoły)(?!\p{L})`,
  'giu',
);

function turkish(text: string, masked: string): Finding[] {
  const findings: Finding[] = [];
  for (const m of masked.matchAll(/(?<!\p{L})felemenkçe[\p{L}'’]*/giu)) {
    findings.push({
      rule: 'tr-felemenkce',
      message: `write "Hollandaca" for the Dutch language, not "${m[0]}"`,
      excerpt: excerpt(text, m.index, m.index + m[0].length),
      index: m.index,
    });
  }
  findings.push(
    ...patternFindings(
      text,
      masked,
      TR_ANLASMA_YAPMAK,
      'tr-anlasma-yapmak',
      (m) => `"${m}" sounds like signing a contract: "… konusunda (birlikte) anlaşın", "kararlaştırın"`,
    ),
  );
  return findings.sort((a, b) => a.index - b.index);
}

/** anlaşma yapmak / anlaşmalar yaparsınız / açık anlaşmalar yapın. */
const TR_ANLASMA_YAPMAK = /(?<!\p{L})anlaşma(?:lar)?(?:ı|ları)?\s+yap\p{L}*/giu;

// ---------------------------------------------------------------------------------------------
// The allowlist: intentional exceptions

/**
 * `src/i18n/language-allow.json`: a place → the rule ids that may fire there on purpose.
 * A place is a file (`src/content/leaflets/<slug>/<lang>.json`, `src/i18n/locales/<lang>/<ns>.json`),
 * one leaflet block (`src/content/leaflets/<slug>/<lang>.json#<block key>`) or one UI string
 * (`<ns>:<key>`, plural forms included: `school:pupils.count` covers `_one`, `_other`, …).
 */
export type LanguageAllowlist = Record<string, readonly string[]>;

/** Problems with the allowlist itself: unknown rule ids, values that are not lists. */
export function validateAllowlist(allow: unknown): string[] {
  if (typeof allow !== 'object' || allow === null || Array.isArray(allow)) return ['the allowlist is not an object'];
  const problems: string[] = [];
  for (const [place, rules] of Object.entries(allow)) {
    if (!Array.isArray(rules)) {
      problems.push(`${place}: not a list of rule ids`);
      continue;
    }
    for (const rule of rules) {
      if (typeof rule !== 'string' || !RULE_IDS.has(rule)) problems.push(`${place}: unknown rule "${String(rule)}"`);
    }
  }
  return problems;
}

/**
 * The allowlist entry (place) that allows a finding of `rule` at any of `places`, or undefined.
 * Pass the most specific place first.
 */
export function allowedBy(allow: LanguageAllowlist, places: readonly string[], rule: RuleId): string | undefined {
  return places.find((place) => allow[place]?.includes(rule));
}
