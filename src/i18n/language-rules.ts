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
  | 'tr-anlasma-yapmak'
  | 'nl-gender-name'
  | 'en-gender-name'
  | 'ar-gender-name'
  | 'uk-gender-name'
  | 'pl-gender-name'
  | 'tr-gender-name'
  | 'uk-plural-one';

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
  /**
   * The text is shown right beside a person's name although it has no placeholder for it (a
   * column of names under "Can do it", "Samira (parent) — felt heard"): the gender rules treat
   * it as a text with a name.
   */
  nextToName?: boolean;
  /** The CLDR plural form the text is written for (`school:x_one` → 'one'), if it is one. */
  pluralForm?: 'zero' | 'one' | 'two' | 'few' | 'many' | 'other';
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
  { id: 'nl-gender-name', lang: 'nl', summary: 'no hij/hem/haar/zijn for a person named by a placeholder: repeat the name or rephrase' },
  { id: 'en-gender-name', lang: 'en', summary: 'no he/she/his/her for a named person or the teacher: the name again, or "they"' },
  { id: 'ar-gender-name', lang: 'ar', summary: 'no verb, pronoun or address that agrees with a name or the teacher: nominal wording' },
  { id: 'uk-gender-name', lang: 'uk', summary: 'no past tense, participle, pronoun or vocative that agrees with a name or the teacher' },
  { id: 'pl-gender-name', lang: 'pl', summary: 'no past tense, participle, pronoun or vocative that agrees with a name or the teacher' },
  { id: 'tr-gender-name', lang: 'tr', summary: 'no oğlu/kızı, hanım/bey next to a name or the teacher' },
  { id: 'uk-plural-one', lang: 'uk', summary: 'the "one" form also says 21, 31, 101: no singular pronoun (він, його, її…) in it' },
];

export const RULE_IDS: ReadonlySet<string> = new Set(RULES.map((r) => r.id));

/** Runs every rule of the text's language. A language without rules returns nothing. */
export function checkText(text: string, lang: string, options: CheckOptions = {}): Finding[] {
  const masked = mask(text);
  const own = languageFindings(text, masked, lang, options);
  const gender = genderFindings(text, masked, lang, options);
  return gender.length === 0 ? own : [...own, ...gender].sort((a, b) => a.index - b.index);
}

function languageFindings(text: string, masked: string, lang: string, options: CheckOptions): Finding[] {
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
// Gender: a sentence with a person's name, or one a child writes to the teacher, must not make
// anything agree with that person. The portal stores no gender, and most of the parents who read
// the portal are mothers and most teachers women: "لم يختر Sara", "Zofia пішов", "Elif
// spróbowało", "Drogi nauczycielu" are wrong for half the people they name. Write nominal
// sentences instead (docs/translation.md, "Names, genders and roles").

/**
 * UI strings shown right beside a person's name without a placeholder for it (`ns:key`, or a
 * prefix ending in `.` for a group of keys): the gender rules read them as texts with a name.
 * A new string of that kind belongs here.
 */
export const NEXT_TO_NAME: readonly string[] = [
  'common:roles.',
  'needs:stepName.',
  'needs:label.',
  'meetings:fourG.short.',
  'meetings:pupilPart.title',
  'meetings:pupilPart.goes-well',
  'meetings:pupilPart.hard',
  'meetings:pupilPart.want-to-say',
  'meetings:staff.wantsInterpreter',
  'meetings:staff.comesWith',
  'school:pupils.hasLeft',
  'school:pupils.leftOn',
  'school:pupils.signedIn',
  'school:pupils.needsTeacher',
  'school:pupils.lockedUntil',
  'school:pupils.eraseOn',
  'school:needs.notAnswered',
  'school:people.noRole',
  'school:people.linkOnlyTitle',
  'school:erasure.onlyThem',
  'school:accessLog.removed',
];

/** Whether the UI string `ns:key` (plural suffix included or not) is shown beside a name. */
export function isNextToName(place: string): boolean {
  const base = place.replace(/_(?:zero|one|two|few|many|other)$/u, '');
  return NEXT_TO_NAME.some((p) => (p.endsWith('.') ? base.startsWith(p) : base === p));
}

/** Placeholders that stand for a person (a pupil, a parent, a staff member) or several. */
const PERSON_PLACEHOLDER = /\{\{\s*(?:name|names|child|children|who)\s*\}\}/u;

/** The text names a person: a person placeholder, or it is shown right beside a name. */
function namesAPerson(text: string, options: CheckOptions): boolean {
  return options.nextToName === true || PERSON_PLACEHOLDER.test(text);
}

/** Where the person placeholders are, as [start, end) in the text (the mask keeps offsets). */
function personSpans(text: string): Array<[number, number]> {
  return [...text.matchAll(new RegExp(PERSON_PLACEHOLDER.source, 'gu'))].map((m) => [m.index, m.index + m[0].length]);
}

/**
 * A masculine and a feminine form side by side in a child's own voice ("грався чи гралася",
 * "dumny / dumna") are allowed: both readers find their form. Brackets ("logował(a)") are not.
 */
const DOUBLET_WORDS = new Set(['чи', 'або', 'lub', 'czy', 'albo', 'or', 'of']);

function genderHits(text: string, tokens: Token[], rule: RuleId, matches: (word: string, i: number) => string | undefined): Finding[] {
  const flagged = new Map<number, string>();
  tokens.forEach((token, i) => {
    const message = matches(token.word, i);
    if (message !== undefined) flagged.set(i, message);
  });
  const exempt = new Set<number>();
  for (const i of flagged.keys()) {
    const slashed = flagged.has(i + 1) && /^\s+\/\s+$/u.test(tokens[i + 1]!.gap);
    const joinedByWord =
      flagged.has(i + 2) &&
      DOUBLET_WORDS.has(tokens[i + 1]!.word.toLowerCase()) &&
      joined(tokens[i + 1]!.gap) &&
      joined(tokens[i + 2]!.gap);
    if (slashed) exempt.add(i).add(i + 1);
    if (joinedByWord) exempt.add(i).add(i + 2);
  }
  return [...flagged]
    .filter(([i]) => !exempt.has(i))
    .map(([i, message]) => ({ rule, message, excerpt: excerpt(text, tokens[i]!.start, tokens[i]!.end), index: tokens[i]!.start }));
}

function genderFindings(text: string, masked: string, lang: string, options: CheckOptions): Finding[] {
  switch (lang) {
    case 'nl':
      return namesAPerson(text, options) ? dutchGender(text, masked) : [];
    case 'en':
      return englishGender(text, masked, options);
    case 'ar':
      return arabicGender(text, masked, options);
    case 'uk':
      return [...slavicGender(text, masked, options, UKRAINIAN), ...ukrainianPluralOne(text, masked, options)];
    case 'pl':
      return slavicGender(text, masked, options, POLISH);
    case 'tr':
      return turkishGender(text, masked, options);
    default:
      return [];
  }
}

/** Dutch: hij, hem, haar, and zijn where it means "his" (after a preposition, before a noun). */
const NL_GENDERED = new Set(['hij', 'hem', 'haar', 'hijzelf', 'haarzelf', 'zoon', 'dochter', 'jongen', 'meisje', 'leerlinge', 'lerares']);
const NL_PREPOSITIONS = new Set(['van', 'met', 'aan', 'voor', 'over', 'bij', 'in', 'op', 'naar', 'door', 'uit', 'om', 'tot', 'zonder']);
const NL_POSSESSED = new Set([
  'eigen',
  'kind',
  'kinderen',
  'ouders',
  'ouder',
  'klas',
  'groep',
  'juf',
  'meester',
  'naam',
  'tekening',
  'antwoorden',
  'plaatjes',
  'moeder',
  'vader',
]);

function dutchGender(text: string, masked: string): Finding[] {
  const tokens = tokenize(masked);
  return genderHits(text, tokens, 'nl-gender-name', (word, i) => {
    const w = word.toLowerCase();
    const possessive =
      w === 'zijn' &&
      ((i > 0 && NL_PREPOSITIONS.has(tokens[i - 1]!.word.toLowerCase())) || NL_POSSESSED.has(tokens[i + 1]?.word.toLowerCase() ?? ''));
    if (!NL_GENDERED.has(w) && !possessive) return undefined;
    return `"${word}" gives the person a gender the portal does not know: repeat the name, or write "deze leerling", "die", "het kind"`;
  });
}

/** English: he/she and their forms for a named person, and for the teacher. */
const EN_GENDERED = /^(?:he|him|his|himself|she|her|hers|herself|boy|girl|son|daughter)$/iu;
const EN_TEACHER = /(?<!\p{L})teachers?(?!\p{L})/iu;

const EN_SUBJECT = /^(?:he|she)$/iu;

function englishGender(text: string, masked: string, options: CheckOptions): Finding[] {
  const person = namesAPerson(text, options);
  const teacher = options.parentFacing !== true && EN_TEACHER.test(masked);
  if (!person && !teacher) return [];
  return genderHits(text, tokenize(masked), 'en-gender-name', (word) =>
    (person && EN_GENDERED.test(word)) || (teacher && EN_SUBJECT.test(word))
      ? `"${word}" gives ${person ? 'the person' : 'the teacher'} a gender: use the name again, "they", or the role ("your teacher will help you")`
      : undefined,
  );
}

/**
 * Arabic: a third-person verb next to the name (يختار Sara، Sara ينتظر), a past verb before it
 * (غادر Sara), a pronoun that points back (عنه، له، نفسه، معلّموه), and an address to the teacher
 * with an adjective (معلّمي العزيز). A verb after ما/الذي/من has that word as its subject, so the
 * name is its object (ما يساعد Sara) and nothing agrees with the name.
 */
const AR_IMPERFECT_3M = /^[وف]?[سل]?ي\p{L}{2,}$/u;
const AR_NOT_VERBS = new Set(['يوم', 'يوما', 'يومي', 'يومية', 'يد', 'يدوية', 'يمين', 'يسار']);
const AR_RELATIVES = new Set(['ما', 'مما', 'عما', 'الذي', 'التي', 'الذين', 'من', 'ممن', 'كل']);
const AR_PARTICLES = new Set([
  'لم',
  'لن',
  'لا',
  'قد',
  'لقد',
  'ولم',
  'ولن',
  'ولا',
  'فلم',
  'فلن',
  'فلا',
  'ان',
  'الا',
  'بعد',
  'حتى',
  'كي',
  'لكي',
]);
/** Past verbs that a sentence puts before its subject (غادر Sara المدرسة); curated, like the duals. */
const AR_PAST_3M = new Set(
  'عاد اصبح صار غادر اختار ترك ذهب جاء بدا كتب اجاب طلب رسم سجل قال بقي ظل كان انضم رجع وصل خرج دخل انتقل شارك حضر غاب فعل اراد استطاع'
    .split(' ')
    .flatMap((v) => [v, `و${v}`, `ف${v}`]),
);
/**
 * Prepositions and a few nouns with the masculine pronoun suffix that points back to a person
 * (عنه، له، نفسه، معلّموه): the form a writer slips into. The feminine ـها is left alone: it is
 * also the pronoun of every plural thing («صور للاختيار منها»).
 */
const AR_BACK_PRONOUN = /^[وف]?(?:عن|ل|لدي|مع|علي|الي|من|عند|نفس|معلمو|معلم|اهل|طفل|صف|اسم|بطاقت|رسمت|اجابات|صور)ه$/u;
const AR_TEACHER_WORDS = new Set(['معلمي', 'معلمتي', 'استاذي', 'استاذتي', 'المعلم', 'المعلمة', 'الاستاذ', 'الاستاذة']);
const AR_DEAR_AFTER = new Set(['العزيز', 'العزيزة']);
const AR_DEAR_BEFORE = new Set(['عزيزي', 'عزيزتي']);

function arabicGender(text: string, masked: string, options: CheckOptions): Finding[] {
  const findings: Finding[] = [];
  const all = tokenize(masked);
  all.forEach((token, i) => {
    const next = all[i + 1];
    if (next === undefined || !joined(next.gap)) return;
    const [a, b] = [arabicKey(token.word), arabicKey(next.word)];
    const address = (AR_TEACHER_WORDS.has(a) && AR_DEAR_AFTER.has(b)) || (AR_DEAR_BEFORE.has(a) && AR_TEACHER_WORDS.has(b));
    if (!address) return;
    findings.push({
      rule: 'ar-gender-name',
      message: 'an address to the teacher with an adjective takes a gender («معلّمي العزيز»): write «إلى معلّمي:»',
      excerpt: excerpt(text, token.start, next.end),
      index: token.start,
    });
  });
  if (!namesAPerson(text, options)) return findings;
  const tokens = tokenize(masked);
  const spans = personSpans(text);
  const keys = tokens.map((t) => arabicKey(t.word));
  // A token right before / right after a person placeholder, with only spaces between.
  const beforeName = (i: number) =>
    spans.some(([start]) => start >= tokens[i]!.end && /^[\s\u2068\u2069]*$/u.test(masked.slice(tokens[i]!.end, start)));
  const afterName = (i: number) =>
    spans.some(([, end]) => end <= tokens[i]!.start && /^[\s\u2068\u2069]*$/u.test(masked.slice(end, tokens[i]!.start)));
  const isVerb3m = (k: string) => AR_IMPERFECT_3M.test(k) && !AR_NOT_VERBS.has(k.replace(/^[وف]/u, ''));
  const message = (word: string) =>
    `«${word}» agrees with the person's gender (Sara, Samira): write it so nothing has to agree, e.g. «ما يساعد {{name}}»، «{{name}} بانتظار…»، «لـ{{name}}»`;
  findings.push(
    ...genderHits(text, tokens, 'ar-gender-name', (word, i) => {
      const k = keys[i]!;
      if (AR_BACK_PRONOUN.test(k)) return message(word);
      const verb = isVerb3m(k);
      if (options.nextToName === true && !PERSON_PLACEHOLDER.test(text)) {
        // No name in the text: the name stands beside it, so a verb's subject is that person,
        // unless the verb has its own subject right after it (ما يساعد الطفل).
        const ownSubject = /^(?:ال|طفل(?:ي|ك|نا|كم)$|هذا$)/u.test(keys[i + 1] ?? '');
        if ((verb || (i === 0 && AR_PAST_3M.has(k))) && !ownSubject) return message(word);
        return undefined;
      }
      if (verb && afterName(i)) return message(word);
      if (verb && beforeName(i)) {
        let j = i - 1;
        while (j >= 0 && AR_PARTICLES.has(keys[j]!)) j--;
        return j >= 0 && AR_RELATIVES.has(keys[j]!) ? undefined : message(word);
      }
      if (AR_PAST_3M.has(k) && beforeName(i)) return message(word);
      return undefined;
    }),
  );
  return findings;
}

/** Ukrainian and Polish: what is gendered, per language. */
interface SlavicForms {
  rule: RuleId;
  /** Past tense singular, reflexive or not: вибрав/вибрала/вибрало, wybrał/wybrała/wybrało. */
  past: RegExp;
  /** Past plural that is gendered (Polish only: poszli/poszły). */
  pastPlural?: RegExp;
  /** Participles and state adjectives: заблокований, zablokowany, gotowa. */
  participle: RegExp;
  notGendered: ReadonlySet<string>;
  pronouns: ReadonlySet<string>;
  /** Adverbs a label can start with before its participle (już, chwilowo; уже, тимчасово). */
  leadWords: ReadonlySet<string>;
  /** "He/she" as a subject: in a UI string that names the teacher, it genders the teacher. */
  subjectPronouns: ReadonlySet<string>;
  /** An address to the teacher with an adjective: Дорогий учителю, Drogi nauczycielu. */
  teacherAddress: RegExp;
  teacher: RegExp;
  hint: string;
}

const UKRAINIAN: SlavicForms = {
  rule: 'uk-gender-name',
  past: /^(?:\p{L}*(?:[аиуяї]в|шов|[аиуяіїе]ла|[аиуяіїе]ло|[аиуяї]вся|[аиуяіїе]лася|[аиуяіїе]лося)|\p{L}*(?:міг|могла|могло|ліг|лягла|лягло|сів|сіла|сіло))$/iu,
  participle:
    /^(?:\p{L}*(?:ований|ована|оване|ваний|вана|ване|[дтн]ений|[дтн]ена|[дтн]ене)|готовий|готова|радий|рада|згоден|згодна|присутній|присутня|відсутній|відсутня|сам|сама)$/iu,
  notGendered: new Set([
    'прав',
    'держав',
    'заяв',
    'розмов',
    'мов',
    'умов',
    'основ',
    'правила',
    'правило',
    'сила',
    'тіло',
    'крило',
    'село',
    'джерело',
    'мило',
    'мила',
    'вила',
    'жила',
    'вчителька',
    'мене',
    'зелене',
    'зелена',
    'дорослого',
    'чимало',
    'мало',
    'стало',
    'вчасно',
    'вдала',
    'ціла',
    'біла',
    'смілива',
    'ранене',
    'важливе',
    'ваше',
    'наше',
  ]),
  pronouns: new Set(['він', 'вона', 'його', 'її', 'йому', 'їй', 'ним', 'нею', 'неї', 'нього', 'ньому', 'ньої', 'ній']),
  subjectPronouns: new Set(['він', 'вона']),
  leadWords: new Set(['уже', 'вже', 'ще', 'не', 'тимчасово', 'тільки', 'також', 'зараз', 'досі', 'більше']),
  teacherAddress: /(?<!\p{L})(?:дорог|шановн|любий|люба|мил)\p{L}*\s+(?:[ув]чител|пан)\p{L}*/giu,
  teacher: /(?<!\p{L})[ув]чител\p{L}*/iu,
  hint: 'write it without: "{{name}}: поки нічого не вибрано", "Дата вибуття", "Для вчителя: …", "попроси вчителя допомогти"',
};

const POLISH: SlavicForms = {
  rule: 'pl-gender-name',
  past: /^\p{L}*(?:[aeiyąęó]ł|[aeiyąę]ła|[aeiyąę]ło|szedł|szła|szło|[mg]ógł|[mg]ogła|[mg]ogło|[aeiyąęó]łby|[aeiyąę]łaby|[aeiyąę]łoby)$/iu,
  pastPlural: /^\p{L}*[aeiyąę](?:li|ły)(?:by)?$/iu,
  participle:
    /^(?:\p{L}*(?:owany|owana|owane|iony|iona|ione|ęty|ęta|ęte|[^aeiouyąęó\s]any|iany|[^aeiouyąęó\s]ana|iana|[^aeiouyąęó\s]ony|[^aeiouyąęó\s]ona)|gotowy|gotowa|dumny|dumna|pewny|pewna|szczęśliwy|szczęśliwa|smutny|smutna|zły|zła|sam|sama|mile|widziany|widziana)$/iu,
  notGendered: new Set([
    'dział',
    'udział',
    'materiał',
    'kanał',
    'zapał',
    'ideał',
    'upał',
    'rozdział',
    'przedział',
    'ciało',
    'działo',
    'dzieło',
    'siła',
    'mało',
    'czyli',
    'chwili',
    'sali',
    'fali',
    'plany',
    'zmiany',
    'ekrany',
    'strony',
    'telefony',
    'ochrony',
    'ściana',
    'ściany',
    'plana',
    'zmiana',
    'strona',
    'korona',
    'przyjaciół',
    'działa',
    'imiona',
    'zachęty',
    'opcjonalny',
    'pani',
    'panie',
    'dziecko',
    'wiele',
    'ona',
    'mama',
    'tata',
    'własna',
    'własny',
  ]),
  pronouns: new Set(['on', 'ona', 'jego', 'jej', 'go', 'mu', 'niego', 'niej', 'nim', 'nią', 'jemu', 'niemu']),
  subjectPronouns: new Set(['on', 'ona']),
  leadWords: new Set(['już', 'nadal', 'jeszcze', 'chwilowo', 'się', 'nie', 'tylko', 'też', 'teraz', 'wciąż']),
  teacherAddress: /(?<!\p{L})(?:drog|kochan|szanown|mił)\p{L}*\s+(?:nauczyciel|pan)\p{L}*/giu,
  teacher: /(?<!\p{L})nauczyciel\p{L}*/iu,
  hint: 'write it without: "Odblokuj: {{name}}", "logowanie zablokowane", "Data odejścia", "Dla nauczyciela: …", "poproś nauczyciela o pomoc"',
};

function slavicGender(text: string, masked: string, options: CheckOptions, forms: SlavicForms): Finding[] {
  const findings: Finding[] = [];
  for (const m of masked.matchAll(forms.teacherAddress)) {
    findings.push({
      rule: forms.rule,
      message: `"${text.slice(m.index, m.index + m[0].length)}" addresses the teacher in one gender: ${forms.hint}`,
      excerpt: excerpt(text, m.index, m.index + m[0].length),
      index: m.index,
    });
  }
  const person = namesAPerson(text, options);
  // A leaflet's "вона"/"jego" is most often the child (дитина, dziecko): only UI strings are read for the teacher.
  const teacher = options.parentFacing !== true && forms.teacher.test(masked);
  if (!person && !teacher) return findings;
  const tokens = tokenize(masked);
  // Which words can agree with the person: in a text with a name, the words after the name up
  // to the end of its clause ("{{name}} nie będzie … mogło", "by {{name}} spróbowało"), not
  // those agreeing with another subject ("co szkoła zapisała o {{name}}, zostanie usunięte");
  // in a label shown beside a name, every word.
  const agreeing = new Set<number>();
  if (PERSON_PLACEHOLDER.test(text)) {
    for (const [, end] of personSpans(text)) {
      for (let i = tokens.findIndex((t) => t.start >= end); i >= 0 && i < tokens.length; i++) {
        const gap = i > 0 && tokens[i - 1]!.end >= end ? tokens[i]!.gap : masked.slice(end, tokens[i]!.start);
        if (/[.,;:!?—–()]/u.test(gap)) break;
        agreeing.add(i);
      }
    }
  } else if (options.nextToName === true) {
    // A label beside a name: its first words, after adverbs ("chwilowo zablokowany", "Уже
    // заблокований"); a later word agrees with the label's own noun ("logowanie zablokowane").
    for (let i = 0; i < tokens.length; i++) {
      agreeing.add(i);
      const w = tokens[i]!.word.toLowerCase();
      if (!forms.leadWords.has(w) && !forms.past.test(w) && !forms.participle.test(w)) break;
    }
  }
  findings.push(
    ...genderHits(text, tokens, forms.rule, (word, i) => {
      const w = word.toLowerCase();
      if (person && forms.pronouns.has(w)) return `"${word}" gives the person a gender: ${forms.hint}`;
      if (teacher && forms.subjectPronouns.has(w)) return `"${word}" gives the teacher a gender: ${forms.hint}`;
      if (!agreeing.has(i) || forms.notGendered.has(w)) return undefined;
      if (forms.past.test(w) || forms.pastPlural?.test(w) || forms.participle.test(w)) {
        return `"${word}" agrees with the person's gender (a girl's name gets the wrong form): ${forms.hint}`;
      }
      return undefined;
    }),
  );
  return findings;
}

/** Ukrainian "one" is 1, 21, 31, 101…: "для 21 учня. Його старі картинки" reads "his". */
function ukrainianPluralOne(text: string, masked: string, options: CheckOptions): Finding[] {
  if (options.pluralForm !== 'one') return [];
  return genderHits(text, tokenize(masked), 'uk-plural-one', (word) =>
    UKRAINIAN.pronouns.has(word.toLowerCase())
      ? `the "one" form is also used for 21, 31, 101: "${word}" then reads as one person; write it without a singular pronoun`
      : undefined,
  );
}

/** Turkish has no grammatical gender, but words can give one: oğlunuz, kızı, Hanım, Bey. */
const TR_GENDERED = /^(?:oğl(?:u|um|un|unuz|umuz)|kız(?:ı|ım|ın|ınız|ımız)?|erkek|bay|bayan|hanım\p{L}*|bey\p{L}*)$/iu;
const TR_TEACHER_GENDER = /(?<!\p{L})(?:öğretmen\s+(?:hanım|bey)|(?:bayan|erkek|kadın)\s+öğretmen)\p{L}*/giu;

function turkishGender(text: string, masked: string, options: CheckOptions): Finding[] {
  // A leaflet may explain juf and meester ("kadın öğretmene [[nl:juf]]…"); UI strings may not gender the teacher.
  const teacherForms = options.parentFacing === true ? [] : [...masked.matchAll(TR_TEACHER_GENDER)];
  const findings: Finding[] = teacherForms.map((m) => ({
    rule: 'tr-gender-name' as const,
    message: `"${text.slice(m.index, m.index + m[0].length)}" gives the teacher a gender: write "öğretmen"`,
    excerpt: excerpt(text, m.index, m.index + m[0].length),
    index: m.index,
  }));
  if (!namesAPerson(text, options)) return findings;
  return [
    ...findings,
    ...genderHits(text, tokenize(masked), 'tr-gender-name', (word) =>
      TR_GENDERED.test(word) ? `"${word}" gives the person a gender: write "çocuğunuz", "öğrenci", or the name alone` : undefined,
    ),
  ];
}

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
