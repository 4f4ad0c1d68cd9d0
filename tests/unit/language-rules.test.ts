import { describe, expect, it } from 'vitest';
import {
  allowedBy,
  type CheckOptions,
  checkText,
  type Finding,
  isNextToName,
  mask,
  RULE_IDS,
  RULES,
  type RuleId,
  stripArabicDiacritics,
  validateAllowlist,
} from '~/i18n/language-rules.ts';

/** The findings of one rule. */
function hits(rule: RuleId, text: string, options?: CheckOptions): Finding[] {
  const lang = RULES.find((r) => r.id === rule)!.lang;
  return checkText(text, lang, options).filter((f) => f.rule === rule);
}

/** One planted mistake per rule: the table below must cover every rule (a new rule needs a test). */
const PLANTED: Record<RuleId, string> = {
  'nl-unquoted-speech': 'Zeg dan: je kunt het nog niet.',
  'nl-collega': 'Dat is de collega op school die de extra hulp regelt.',
  'en-question-then': 'Do you hear that your child did something well at school? Then give them a compliment.',
  'en-make-agreements': 'At the end, make clear agreements together.',
  'en-think-with': 'We ask you to think with us about the goal.',
  'ar-dual-imperative': 'انظرا معًا إلى الأعمال التي يُحضرها طفلك.',
  'ar-think-with': 'عندها يفكّر [[nl:intern begeleider]] مع المعلّم.',
  'ar-latin-punctuation': 'ماذا تعلّمت اليوم?',
  'ar-eastern-digits': 'الأطفال في [[nl:groep 3]] عمرهم ٦ سنوات.',
  'ar-teacher-doublet': 'يشغّل المعلّم أو المعلّمة وضع الصف.',
  'uk-u-v': 'Це ім’я є у списку двічі.',
  'uk-i-y': 'брат й сестра',
  'uk-doubled-preposition': 'Дитина вчиться в в школі.',
  'uk-vchytel': 'Ця людина допомагає учителю.',
  'uk-teacher-doublet': 'Режим класу вмикає учителька чи учитель.',
  'pl-teacher-doublet': 'Nauczyciel lub nauczycielka włącza tryb klasy.',
  'pl-predicative-case': 'Pomagasz dziecku iść do szkoły wypoczętym i z chęcią.',
  'tr-felemenkce': 'Felemenkçe metni düzenliyorsunuz.',
  'tr-anlasma-yapmak': 'Görüşmede birlikte anlaşmalar yaparsınız.',
  // The reviews' examples (language-ar-tr-nl, language-uk-pl-en), rendered with a girl's name.
  'nl-gender-name': '{{name}} ziet daarna niets meer over zijn kind.',
  'en-gender-name': '{{name}} has not chosen anything yet. Ask him again later.',
  'ar-gender-name': 'لم يختر {{name}} شيئًا بعد.',
  'uk-gender-name': 'Так, {{name}} пішов зі школи',
  'pl-gender-name': 'Pozwól, by {{name}} spróbowało ponownie',
  'tr-gender-name': '{{name}} adlı oğlunuz bugün okula gelmedi.',
  'uk-plural-one': 'Ви робите нову картку для {{count}} учня. Його старі картинки більше не діятимуть.',
};
/** Rules that apply only to some texts: the options that make the planted text one of them. */
const PLANTED_OPTIONS: Partial<Record<RuleId, CheckOptions>> = {
  'nl-collega': { parentFacing: true },
  'uk-plural-one': { pluralForm: 'one' },
};

describe('every rule', () => {
  it('has a planted mistake that it finds, and only in its own language', () => {
    expect(Object.keys(PLANTED).sort()).toEqual([...RULE_IDS].sort());
    for (const rule of RULES) {
      const text = PLANTED[rule.id];
      const options = PLANTED_OPTIONS[rule.id];
      expect(hits(rule.id, text, options), rule.id).toHaveLength(1);
      for (const other of ['nl', 'en', 'ar', 'uk', 'pl', 'tr'].filter((l) => l !== rule.lang)) {
        expect(
          checkText(text, other, options).filter((f) => f.rule === rule.id),
          `${rule.id} in ${other}`,
        ).toEqual([]);
      }
    }
  });

  it('reports a message and an excerpt from the original text', () => {
    const [finding] = hits('uk-vchytel', 'Ця людина допомагає учителю і розмовляє також із батьками.');
    expect(finding).toMatchObject({ rule: 'uk-vchytel', excerpt: expect.stringContaining('допомагає учителю') });
    expect(finding!.message).toMatch(/вчителю/);
    expect(finding!.index).toBe('Ця людина '.length);
  });

  it('English has only its own rules: no quotation or teacher rules', () => {
    expect(checkText('Say: you can not do it yet', 'en')).toEqual([]);
  });
});

describe('masking', () => {
  it('hides Dutch words, placeholders and link targets without moving the text', () => {
    const text = 'у [[nl:groep 3]] і {{name}} [тут](https://x.example/у-в)';
    expect(mask(text)).toHaveLength(text.length);
    expect(mask(text)).not.toMatch(/groep|name|https/);
    expect(checkText('Дитина є у [[nl:groep 3]].', 'uk')).toEqual([]);
    expect(checkText('Bu [[nl:Felemenkçe]] değil', 'tr')).toEqual([]);
  });
});

describe('nl: direct speech in quotation marks', () => {
  it('finds speech after zeg/zegt/vraag without quotation marks', () => {
    const found = hits('nl-unquoted-speech', 'Zegt uw kind: ik kan dit niet? Zeg dan: je kunt het **nog** niet.');
    expect(found.map((f) => f.excerpt)).toEqual(['Zegt uw kind: ik kan dit niet?…', '…Zeg dan: je kunt het **nog** niet.']);
    expect(hits('nl-unquoted-speech', 'Vraag: hoe heb je dat gedaan?')).toHaveLength(1);
    expect(hits('nl-unquoted-speech', 'We zeggen weleens: de leerling is mede-regisseur.')).toHaveLength(1);
  });

  it('finds a switch to je/jij after a colon in a u text', () => {
    expect(
      hits('nl-unquoted-speech', 'Vertel precies wat goed ging: je hebt je klasgenoot geholpen.', { parentFacing: true }),
    ).toHaveLength(1);
    expect(hits('nl-unquoted-speech', 'Hoort u dat? Vertel wat goed ging: jij hebt geholpen.')).toHaveLength(1);
    expect(hits('nl-unquoted-speech', 'Bereid het samen voor: wat wil jij vertellen?', { parentFacing: true })).toHaveLength(1);
  });

  it('accepts quoted speech, u throughout, and pupil text in je-form', () => {
    for (const good of [
      'Zegt uw kind: ‘Ik kan dit niet’? Zeg dan: ‘Je kunt het **nog** niet.’',
      'Zeg dan: “je kunt het nog niet”.',
      'Vraag uw kind: "Met wie heb je gespeeld?"',
      'Schrijf uw vragen op: wat wilt u weten?',
      'Heeft u een vraag: bel de school.',
      'Het antwoord: dat kan altijd.',
      'Uw inlogcode is: {{code}}',
      'Niveau 1: goed onderwijs voor alle kinderen.',
      'Maak samen afspraken: hoe lang, wanneer en waar.',
    ]) {
      expect(hits('nl-unquoted-speech', good, { parentFacing: true }), good).toEqual([]);
    }
    // Pupils are addressed with je; without u in the text it is not a u text.
    expect(hits('nl-unquoted-speech', 'Kies een plaatje: wat vind jij fijn?')).toEqual([]);
  });
});

describe('ar: no dual imperative', () => {
  it('finds dual imperatives, with or without vowels, after و/ف/ثمّ and after لا', () => {
    expect(hits('ar-dual-imperative', 'اذهبا معًا إلى المكتبة العامة.')).toHaveLength(1);
    expect(hits('ar-dual-imperative', 'تحدَّثا معًا عمّا تريانه وتفعلانه.')).toHaveLength(1);
    expect(hits('ar-dual-imperative', 'اتّفقا معًا: كم من الوقت. وشاهدا أحيانًا شيئًا معًا، ثم تحدّثا عنه.')).toHaveLength(3);
    expect(hits('ar-dual-imperative', 'مثلًا: العبا لعبة، واكتبا قائمة.')).toHaveLength(2);
    expect(hits('ar-dual-imperative', 'إذهبا إلى المدرسة.')).toHaveLength(1);
    expect(hits('ar-dual-imperative', 'حضّرا معًا للقاء في المدرسة.')[0]!.excerpt).toContain('حضّرا');
    expect(hits('ar-dual-imperative', 'لا تتركا طفلكما وحده.')).toHaveLength(1);
  });

  it('accepts the singular, the plural, and words that only look like a dual', () => {
    for (const good of [
      'انظر معًا إلى الأعمال التي يُحضرها طفلك.',
      'تحدّث معًا عمّا تريانه.',
      'اتّفقوا معًا على الخطوات.',
      'لا تنسوا موعد اللقاء.',
      'لا تنسَ موعد اللقاء.',
      'المعلّم والمدير تحدّثا مع الأهل.', // past tense "they two talked", not an imperative
      'شاهدًا على ذلك.', // an accusative noun
      'وضعا جديدًا في البيت.',
      'منسّقا الدعم ما زالا مرتبطين.',
      'هذا جيد أيضًا، كلا الوالدين مرحَّب بهما.',
      'لا تماما.',
    ]) {
      expect(hits('ar-dual-imperative', good), good).toEqual([]);
    }
  });

  it('compares without diacritics', () => {
    expect(stripArabicDiacritics('تَحَدَّثا مَعًا')).toBe('تحدثا معا');
  });
});

describe('ar: punctuation and digits', () => {
  it('finds Latin punctuation and quotation marks, and Arabic-Indic digits', () => {
    expect(hits('ar-latin-punctuation', 'اقرأ الرسائل, واسأل.')).toHaveLength(1);
    expect(hits('ar-latin-punctuation', 'ما رأيك; هل هذا واضح?')).toHaveLength(2);
    expect(hits('ar-latin-punctuation', 'كلمة "[[nl:groep]]" هولندية.')).toHaveLength(2);
    expect(hits('ar-eastern-digits', 'عمرهم ١١ أو ۱۲ سنة.')).toHaveLength(2);
  });

  it('accepts ، ؛ ؟ «» and Western digits', () => {
    const good = 'اقرأ الرسائل، واسأل؛ هل هذا واضح؟ كلمة «[[nl:groep 3]]» هولندية، للأطفال في عمر 6 سنوات. {{count}}, 12';
    expect(hits('ar-latin-punctuation', good)).toEqual([]);
    expect(hits('ar-eastern-digits', good)).toEqual([]);
  });
});

describe('uk: у/в and і/й', () => {
  it('finds у after a vowel, в before в/ф/св…, в between consonants, "і у" and "й в"', () => {
    expect(hits('uk-u-v', 'вона і у школі')[0]!.message).toContain('"і у" → "і в"');
    expect(hits('uk-u-v', 'Дитина у школі')).toHaveLength(1);
    expect(hits('uk-u-v', 'лягає спати в вихідні')).toHaveLength(1);
    expect(hits('uk-u-v', 'дитина в своєму темпі')).toHaveLength(1);
    expect(hits('uk-u-v', 'вони працюють в Нідерландах')).toHaveLength(1);
    expect(hits('uk-u-v', 'вдома й в школі')).toHaveLength(1);
  });

  it('accepts what the orthography asks for, and a pause before у', () => {
    for (const good of [
      'вона і в школі',
      'лягає спати, і у вихідні теж', // у before в
      'кожна дитина вчиться по-своєму й у своєму темпі', // у before св
      'удома, у класі й у тому, як працює вчитель', // й is a consonant: у between consonants
      'брат у школі',
      'дитина в школі',
      'У школі діти вчаться',
      'сказала: у школі', // a pause
      'зайшла в Одесу', // в before a vowel after a vowel
    ]) {
      expect(hits('uk-u-v', good), good).toEqual([]);
    }
  });

  it('finds й after a consonant and before я/ю/є/ї', () => {
    expect(hits('uk-i-y', 'брат й сестра')).toHaveLength(1);
    expect(hits('uk-i-y', 'брат й Олена')).toHaveLength(1);
    expect(hits('uk-i-y', 'мама й ялинка')).toHaveLength(1);
    for (const good of ['брат і сестра', 'мама й тато', 'мама й Олена', 'мама і ялинка', 'вдома й у школі']) {
      expect(hits('uk-i-y', good), good).toEqual([]);
    }
  });

  it('finds doubled prepositions', () => {
    expect(hits('uk-doubled-preposition', 'у у школі')).toHaveLength(1);
    expect(hits('uk-doubled-preposition', 'живе в у Києві')).toHaveLength(1);
    expect(hits('uk-doubled-preposition', 'живе у Києві')).toEqual([]);
  });

  it('finds учитель right after a vowel', () => {
    expect(hits('uk-vchytel', 'Запитання до учителя')).toHaveLength(1);
    expect(hits('uk-vchytel', 'Учителька чи учитель побачить')).toHaveLength(1);
    expect(hits('uk-vchytel', 'І ви, і учитель хочете')).toHaveLength(1);
    for (const good of [
      'Запитання до вчителя',
      'Попросіть учителя', // after a consonant
      'поговоріть з учителем',
      'Учитель каже', // the start
      'саме, учитель', // a pause
      'як учителя',
    ]) {
      expect(hits('uk-vchytel', good), good).toEqual([]);
    }
  });
});

describe('ar and uk: one word for the teacher', () => {
  it('finds the masculine and feminine side by side', () => {
    expect(hits('ar-teacher-doublet', 'سيرى معلّمك أو معلّمتك ذلك.')).toHaveLength(1);
    expect(hits('ar-teacher-doublet', 'تحدّث مع المعلّمة والمعلّم.')).toHaveLength(1);
    expect(hits('ar-teacher-doublet', 'أنت والمعلّم أو المعلّمة تريدون ذلك.')[0]!.excerpt).toContain('المعلّم أو المعلّمة');
    expect(hits('uk-teacher-doublet', 'Учителька чи учитель побачить')).toHaveLength(1);
    expect(hits('uk-teacher-doublet', 'запитати вчителя або вчительку')).toHaveLength(1);
  });

  it('accepts one word, plurals, and two different people', () => {
    for (const good of ['يشغّل المعلّم وضع الصف.', 'المعلّمون والمعلّمات في المدرسة.', 'المعلّم أو المدير', 'المعلّم والمعلّم المساعد']) {
      expect(hits('ar-teacher-doublet', good), good).toEqual([]);
    }
    for (const good of ['вмикає вчитель', 'учитель чи директор', 'учитель чи вчитель']) {
      expect(hits('uk-teacher-doublet', good), good).toEqual([]);
    }
  });
});

describe('pl: one word for the teacher', () => {
  it('finds the doublet in any case and order', () => {
    for (const bad of [
      'Nauczyciel lub nauczycielka widzi, co wybierają dzieci.',
      'dziecko mówi nauczycielowi lub nauczycielce, co było dobre',
      'Zapytaj nauczycielkę lub nauczyciela.',
      'Nie musisz być nauczycielką ani nauczycielem.',
      'Zapytaj nauczyciela/nauczycielkę.',
    ]) {
      expect(hits('pl-teacher-doublet', bad), bad).toHaveLength(1);
    }
  });

  it('accepts one word, and plurals joined by i', () => {
    for (const good of [
      'Nauczyciel widzi, co wybierają dzieci.',
      'Zapytaj nauczyciela lub dyrektora.',
      'nauczyciele i nauczycielki',
      'Twoja nauczycielka',
      'nauczyciela lub nauczyciela wspomagającego',
    ]) {
      expect(hits('pl-teacher-doublet', good), good).toEqual([]);
    }
  });
});

describe('tr: Hollandaca', () => {
  it('finds Felemenkçe with its suffixes', () => {
    expect(hits('tr-felemenkce', 'Felemenkçesiyle yan yana oku')).toHaveLength(1);
    expect(hits('tr-felemenkce', 'Çocuk FELEMENKÇEYİ de öğrenir.')).toHaveLength(1);
    expect(hits('tr-felemenkce', 'Bu portaldaki her şeyi Felemenkçe, Arapça okuyabilirsiniz.')[0]!.excerpt).toContain('Felemenkçe');
  });

  it('accepts Hollandaca', () => {
    expect(hits('tr-felemenkce', 'Hollandaca metni düzenliyorsunuz. Hollandacasıyla yan yana oku.')).toEqual([]);
  });
});

describe('nl: medewerker, not collega, to parents', () => {
  it('finds collega in text for parents', () => {
    expect(hits('nl-collega', 'Dat is de collega op school die de extra hulp regelt.', { parentFacing: true })).toHaveLength(1);
    expect(hits('nl-collega', 'Vraag het aan de collega’s van de leerkracht.', { parentFacing: true })).toHaveLength(1);
  });

  it('accepts medewerker, and collega in text for staff', () => {
    expect(hits('nl-collega', 'Dat is de medewerker op school die de extra hulp regelt.', { parentFacing: true })).toEqual([]);
    expect(hits('nl-collega', 'U maakt klassen aan en nodigt ouders en collega’s uit.')).toEqual([]);
  });
});

describe('en: Dutch patterns', () => {
  it('finds a question answered by the next sentence', () => {
    expect(hits('en-question-then', 'This is what you chose. Is it right? Then tap Ready.')).toHaveLength(1);
    expect(hits('en-question-then', 'Did you not ask to sign in?\n\nThen you can ignore this e-mail.')).toHaveLength(1);
    for (const good of [
      'If you hear that your child did something well, praise them.',
      'What went well? Those are the tops.',
      'Questions? Please contact the school.',
      'Ask: “What happened then?”',
    ]) {
      expect(hits('en-question-then', good), good).toEqual([]);
    }
  });

  it('finds make agreements', () => {
    for (const bad of ['Make agreements together: how long, when and where.', 'We made an agreement.', 'making clear agreements']) {
      expect(hits('en-make-agreements', bad), bad).toHaveLength(1);
    }
    for (const good of ['Agree on rules together.', 'The agreement has been added.', 'No agreements yet.', 'Make the agreed time work.']) {
      expect(hits('en-make-agreements', good), good).toEqual([]);
    }
  });

  it('finds think with us, think along, think it through with you', () => {
    for (const bad of [
      'We ask you to think with us about the goal.',
      'The teacher is happy to think them through with you.',
      'Thinking along with the school helps.',
    ]) {
      expect(hits('en-think-with', bad), bad).toHaveLength(1);
    }
    for (const good of [
      'We’d like your ideas on the goal.',
      'The teacher is happy to talk them through with you.',
      'Think about it with your child.',
      'What do you think? With us, you can always ask.',
    ]) {
      expect(hits('en-think-with', good), good).toEqual([]);
    }
  });
});

describe('ar: no calque of meedenken', () => {
  it('finds يفكّر مع, also with a subject or a Dutch word in between', () => {
    expect(hits('ar-think-with', 'يسرّ المعلّم أن يفكّر معك فيها.')).toHaveLength(1);
    expect(hits('ar-think-with', 'نحبّ التفكير معكم في الحلّ.')).toHaveLength(1);
    expect(hits('ar-think-with', 'يفكر المعلم معك في الهدف.')).toHaveLength(1);
    expect(hits('ar-think-with', 'عندها يفكّر [[nl:intern begeleider]] (منسّق الدعم في المدرسة) مع المعلّم.')).toHaveLength(1);
    expect(hits('ar-think-with', "عندها يفكّر [[nl:intern begeleider]] ([[nl:IB'er]]) مع المعلّم.")).toHaveLength(1);
  });

  it('accepts thinking about something, and other verbs with مع', () => {
    for (const good of [
      'فكّر في اللقاء قبل موعده، بلغتك.',
      'هكذا يفكّر طفلك في طريقة تعلّمه.',
      'يتعاون مع المعلّم لإيجاد الحلّ.',
      'يسرّ المعلّم أن يناقشها معك.',
      'يفكّر طفلك، ثم يتحدّث معك.',
      'يفكّر طفلك كثيرًا في المدرسة وفي البيت مع أصدقائه.',
    ]) {
      expect(hits('ar-think-with', good), good).toEqual([]);
    }
  });
});

describe('pl: the case after iść do szkoły', () => {
  it('finds a state adjective in the instrumental', () => {
    expect(hits('pl-predicative-case', 'Pomagasz dziecku iść do szkoły wypoczętym i z chęcią.')[0]!.message).toContain('wypoczętym');
    expect(hits('pl-predicative-case', 'Dziecko idzie do szkoły wyspaną.')).toHaveLength(1);
    expect(hits('pl-predicative-case', 'Niech chodzi wypoczętym do szkoły.')).toHaveLength(1);
  });

  it('accepts the nominative and other phrases', () => {
    for (const good of [
      'Pomagasz dziecku, żeby szło do szkoły wypoczęte i chętnie.',
      'iść do szkoły z chęcią',
      'Jest wypoczętym dzieckiem.',
    ]) {
      expect(hits('pl-predicative-case', good), good).toEqual([]);
    }
  });
});

describe('tr: anlaşmak, not anlaşma yapmak', () => {
  it('finds anlaşma yapmak in any form', () => {
    for (const bad of ['Görüşmede birlikte anlaşmalar yaparsınız.', 'Sonunda açık anlaşmalar yapın.', 'Bir anlaşma yaptık.']) {
      expect(hits('tr-anlasma-yapmak', bad), bad).toHaveLength(1);
    }
  });

  it('accepts anlaşmak and anlaşılan konular', () => {
    for (const good of ['Neler yapılacağı konusunda birlikte net olarak anlaşın.', 'Anlaşılan konu eklendi.', 'Bir anlaşmaya vardık.']) {
      expect(hits('tr-anlasma-yapmak', good), good).toEqual([]);
    }
  });
});

describe('gender: sentences with a name or a role', () => {
  it("ar: finds verbs, pronouns and addresses that agree with a name (the review's examples)", () => {
    for (const bad of [
      'هكذا يتعلّم {{name}} بشكل أفضل الآن',
      'لم يختر {{name}} شيئًا بعد.',
      '{{name}} ينتظر المعلّم',
      'أصبح {{name}} الآن في دائرة «{{circle}}».',
      'نعم، غادر {{name}} المدرسة',
      'بعد ذلك لن يرى {{name}} أي شيء عن {{child}}.',
      'لا يستطيع سماع هذه التسجيلات إلا {{name}} ومعلّموه وأنت.',
      'لم يعد {{name}} في الصف. ما هو محفوظ عنه سيُمسح في {{date}}.',
      'يوجد في هذا الصف تلميذ اسمه {{name}}.',
    ]) {
      expect(hits('ar-gender-name', bad), bad).not.toEqual([]);
    }
    // Labels shown beside a name: «Samira (وليّ أمر) — هناك من يراه», «يستطيع ذلك» above «Emma وFatima».
    for (const bad of ['هناك من يراه', 'يستطيع ذلك', 'يرغب في مترجم: {{language}}', 'عن نفسه فقط.', 'غادر في']) {
      expect(hits('ar-gender-name', bad, { nextToName: true }), bad).not.toEqual([]);
    }
    expect(hits('ar-gender-name', 'معلّمي العزيز: هذا يساعدني')).toHaveLength(1);
    expect(hits('ar-gender-name', 'عزيزي المعلّم، هذا يساعدني')).toHaveLength(1);
  });

  it('ar: accepts nominal sentences, a verb whose subject is ما, and verbs far from the name', () => {
    for (const good of [
      'ما يساعد {{name}} على التعلّم الآن',
      'لا توجد اختيارات لـ{{name}} بعد.',
      '{{name}} بانتظار المعلّم',
      '{{name}} الآن في دائرة «{{circle}}».',
      'تم حذف {{name}} مع كل ما كان محفوظًا عن هذا التلميذ.',
      'بعد ذلك لن تظهر لـ{{name}} أي معلومات عن {{child}}.',
      'يا {{name}}، معلّمك سيساعدك.',
    ]) {
      expect(hits('ar-gender-name', good), good).toEqual([]);
    }
    for (const good of ['الاهتمام', 'أستطيع', 'مطلوب مترجم: {{language}}', 'ما يساعد الطفل على التعلّم', 'كيف يتصرّف طفلي في الصف؟']) {
      expect(hits('ar-gender-name', good, { nextToName: true }), good).toEqual([]);
    }
    // Without a name the verb agrees with its own subject; «إلى معلّمي» has no adjective.
    expect(hits('ar-gender-name', 'يختار التلاميذ صورًا على الجهاز.')).toEqual([]);
    expect(hits('ar-gender-name', 'إلى معلّمي: هذا يساعدني')).toEqual([]);
  });

  it('uk and pl: finds past tenses, participles and pronouns after a name, and the vocative to the teacher', () => {
    for (const bad of ['Так, {{name}} пішов зі школи', '{{name}}, попроси свого вчителя. Він тобі допоможе.', '{{name}} уже вибрала']) {
      expect(hits('uk-gender-name', bad), bad).not.toEqual([]);
    }
    for (const bad of ['Пішов(-ла)', 'Пішов зі школи', 'Уже заблокований']) {
      expect(hits('uk-gender-name', bad, { nextToName: true }), bad).not.toEqual([]);
    }
    expect(hits('uk-gender-name', 'Дорогий учителю, ось що мені допомагає')).toHaveLength(1);
    expect(hits('uk-gender-name', 'Трохи зачекай або попроси вчителя. Він тобі допоможе.')).toHaveLength(1);
    for (const bad of [
      'Pozwól, by {{name}} spróbowało ponownie',
      '{{name}} nie będzie już w klasie i nie będzie mogło się logować.',
      '{{name}}, poproś swojego nauczyciela. On ci pomoże.',
    ]) {
      expect(hits('pl-gender-name', bad), bad).not.toEqual([]);
    }
    for (const bad of ['Widziany', 'Odszedł ze szkoły', 'Już się logował(a)', 'chwilowo zablokowany, do {{time}}', 'Odszedł/odeszła']) {
      expect(hits('pl-gender-name', bad, { nextToName: true }), bad).not.toEqual([]);
    }
    expect(hits('pl-gender-name', 'Drogi nauczycielu, to mi pomaga')).toHaveLength(1);
  });

  it("uk and pl: accepts nominal labels, words agreeing with another subject, and a doublet in the child's voice", () => {
    for (const good of [
      'Так, {{name}} більше не навчається в нашій школі',
      '{{name}}: поки нічого не вибрано',
      '{{name}} буде видалено разом з усім, що зберігалося про цього учня.',
      'Розблокувати вхід: {{name}}',
      'З ким ти грався чи гралася?',
    ]) {
      expect(hits('uk-gender-name', good), good).toEqual([]);
    }
    for (const good of ['Дата вибуття', 'Вибуття зі школи', 'Вхід уже був', 'Підготовка самої дитини']) {
      expect(hits('uk-gender-name', good, { nextToName: true }), good).toEqual([]);
    }
    expect(hits('uk-gender-name', 'Для вчителя: ось що мені допомагає')).toEqual([]);
    for (const good of [
      'Odblokuj: {{name}}',
      'Wszystko, co ta szkoła zapisała o {{name}}, zostanie usunięte.',
      '{{name}} nie będzie już w klasie i nie zaloguje się na portalu.',
      'Jestem z siebie dumny / dumna',
    ]) {
      expect(hits('pl-gender-name', good), good).toEqual([]);
    }
    for (const good of ['Zauważenie', 'Data odejścia', 'logowanie zablokowane do {{time}}', 'Część przygotowana przez dziecko']) {
      expect(hits('pl-gender-name', good, { nextToName: true }), good).toEqual([]);
    }
    // A leaflet's "вона" is the child (дитина); it is not read as the teacher.
    expect(hits('uk-gender-name', 'Учитель це помічає. Тоді вона знає, що її бачать.', { parentFacing: true })).toEqual([]);
  });

  it('uk: the one form must not hold a singular pronoun, because it also says 21', () => {
    expect(
      hits('uk-plural-one', '{{count}} учень чекає на вас: він зможе увійти, лише коли ви дозволите.', { pluralForm: 'one' }),
    ).toHaveLength(1);
    expect(hits('uk-plural-one', 'Ви робите нові картки для вибраних учнів ({{count}}).', { pluralForm: 'one' })).toEqual([]);
    expect(hits('uk-plural-one', 'Він зможе увійти.', { pluralForm: 'few' })).toEqual([]);
  });

  it('nl, en, tr: pronouns and gendered words next to a name, and the teacher as he', () => {
    expect(hits('nl-gender-name', '{{name}} heeft nog niets gekozen; vraag het hem later.')).toHaveLength(1);
    expect(hits('nl-gender-name', 'Wat over {{name}} is opgeslagen, wordt gewist. De antwoorden zijn weg.')).toEqual([]);
    expect(hits('nl-gender-name', 'Een leerling die niet meer zijn eigen plaatjes weet.')).toEqual([]); // no name
    expect(hits('en-gender-name', 'Ask your teacher. She will help you.')).toHaveLength(1);
    expect(hits('en-gender-name', '{{name}}, ask your teacher to help you.')).toEqual([]);
    expect(hits('tr-gender-name', '{{name}} Hanım okula davet edildi.')).toHaveLength(1);
    expect(hits('tr-gender-name', 'Öğretmen hanıma sorun.')).toHaveLength(1);
    expect(hits('tr-gender-name', '{{name}} adlı öğrenci okula davet edildi.')).toEqual([]);
    expect(hits('tr-gender-name', 'Çocuklar kadın öğretmene [[nl:juf]] der.', { parentFacing: true })).toEqual([]);
  });

  it('knows which UI strings stand beside a name', () => {
    expect(isNextToName('needs:stepName.can')).toBe(true);
    expect(isNextToName('school:needs.notAnswered_one')).toBe(true);
    expect(isNextToName('meetings:fourG.short.seen')).toBe(true);
    expect(isNextToName('needs:need.look')).toBe(false);
  });
});

describe('the allowlist', () => {
  const allow = {
    'src/content/leaflets/x/nl.json#intro': ['nl-unquoted-speech'],
    'common:home.pupils.body': ['uk-vchytel'],
  };

  it('allows a finding at a listed place for a listed rule only', () => {
    expect(allowedBy(allow, ['src/content/leaflets/x/nl.json#intro', 'src/content/leaflets/x/nl.json'], 'nl-unquoted-speech')).toBe(
      'src/content/leaflets/x/nl.json#intro',
    );
    expect(
      allowedBy(allow, ['src/content/leaflets/x/nl.json#other', 'src/content/leaflets/x/nl.json'], 'nl-unquoted-speech'),
    ).toBeUndefined();
    expect(allowedBy(allow, ['common:home.pupils.body'], 'uk-u-v')).toBeUndefined();
  });

  it('refuses unknown rule ids and malformed entries', () => {
    expect(validateAllowlist({})).toEqual([]);
    expect(validateAllowlist(allow)).toEqual([]);
    expect(validateAllowlist({ 'common:x': ['uk-vchitel'] })).toEqual(['common:x: unknown rule "uk-vchitel"']);
    expect(validateAllowlist({ 'common:x': 'uk-vchytel' })).toHaveLength(1);
    expect(validateAllowlist([])).toHaveLength(1);
  });
});
