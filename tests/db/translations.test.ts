import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RpcArgs } from '~/domain/rpc/index.ts';
import { SERVICE } from '~/server/embedded/rpc.ts';
import { buildWorld, PERSONAS, type PersonaName, type World } from '../factories/index.ts';
import { DATABASES, outcome, type Outcome, rowsHolding, type TestDb } from './harness.ts';

/**
 * Translations of what people write (…_written_translations.sql), persona by persona: a reader
 * sees a translation exactly when they see the text it translates (a parent's unshared
 * preparation stays hers in every language; anonymous feedback stays its author's); nobody writes
 * the table directly; the server (service role) stores what the machine made, never for words that
 * changed meanwhile and never over a person's correction; a person who may corrects one and it is
 * then checked; a changed text loses its translations at once; erasing a parent or a pupil removes
 * the translations of their texts.
 *
 * The world: Sara's upcoming meeting (teacher's class, parent) with a goal, the parent's shared
 * preparation in Arabic and a companion, Sara's own words; Daan's upcoming meeting (otherTeacher's
 * class) with otherParent's unshared preparation; a past meeting about Sara with an agreement and
 * the parent's named feedback; a past one about Daan with otherParent's anonymous feedback; a
 * meeting round and a needs round in Sara's class; the parent's request for erasure.
 */
const table = (t: Partial<Record<PersonaName, Outcome>>) => PERSONAS.map((p) => [p, t[p] ?? 'TBD'] as const);
const each = (o: Outcome, except: Partial<Record<PersonaName, Outcome>> = {}) =>
  table({ ...Object.fromEntries(PERSONAS.map((p) => [p, o])), ...except });
type Item = RpcArgs<'store_machine_translations'>['p_items'][number];

describe.each(DATABASES)('translations of what people write on %s', (_label, open) => {
  let db: TestDb;
  let w: World;
  const id: Record<string, string> = {};
  const tr: Record<string, string> = {};

  const item = (over: Partial<Item> & Pick<Item, 'source' | 'field' | 'source_text' | 'source_lang' | 'target_lang'>): Item => ({
    meeting: null,
    agreement: null,
    user: null,
    pupil: null,
    round: null,
    request: null,
    text: `[${over.target_lang}] ${over.source_text}`,
    provider: 'libretranslate',
    ...over,
  });
  const translationOf = async (ref: string) =>
    (
      await db.owner.transaction((sql) =>
        sql.query<{ id: string }>('select id from public.translations where ref like $1 order by created_at', [`${ref}%`]),
      )
    ).map((r) => r.id);

  beforeAll(async () => {
    db = await open();
    w = await buildWorld(db.owner);
    await db.owner.transaction(async (sql) => {
      const one = async (text: string, params: unknown[]) => (await sql.query<{ id: string }>(text, params))[0]!.id;
      const meeting = (pupil: string, klass: string, when: string, creator: string) =>
        one(
          `with m as (insert into public.meetings (school_id, kind, starts_at, minutes, place, goal, request_reason, created_by)
                      values ($1, 'progress', now() + $2::interval, 20, 'Lokaal 5', 'Hoe gaat het met lezen?', 'Zorgen over lezen', $3) returning id)
           , p as (insert into public.meeting_pupils (meeting_id, pupil_id, class_id) select m.id, $4, $5 from m)
           select id from m`,
          [w.school.id, when, creator, pupil, klass],
        );
      id.sara = await meeting(w.pupil.id, w.klass.id, '7 days', w.teacher.id);
      id.daan = await meeting(w.otherPupil.id, w.otherClass.id, '7 days', w.otherTeacher.id);
      id.saraPast = await meeting(w.pupil.id, w.klass.id, '-2 days', w.teacher.id);
      id.daanPast = await meeting(w.otherPupil.id, w.otherClass.id, '-2 days', w.otherTeacher.id);
      await sql.query(
        `insert into public.meeting_people (meeting_id, user_id, role, companion) values
           ($1, $3, 'parent', 'مع زوجي'), ($1, $4, 'staff', null), ($2, $5, 'parent', null), ($6, $3, 'parent', null), ($7, $5, 'parent', null)`,
        [id.sara, id.daan, w.parent.id, w.teacher.id, w.otherParent.id, id.saraPast, id.daanPast],
      );
      await sql.query(
        `insert into public.preparations (meeting_id, user_id, answers, shared_at) values
           ($1, $2, '{"strengths": {"choices": [], "text": "تحب القراءة", "lang": "ar"}}', now()),
           ($3, $4, '{"ask": {"choices": [], "text": "سؤال عن الواجبات", "lang": "ar"}}', null)`,
        [id.sara, w.parent.id, id.daan, w.otherParent.id],
      );
      await sql.query(
        `insert into public.pupil_preparations (meeting_id, pupil_id, answers, words, consented_at) values ($1, $2, '{}', 'Ik lees graag', now())`,
        [id.sara, w.pupil.id],
      );
      id.agreement = await one(
        `insert into public.agreements (meeting_id, text, who, created_by) values ($1, 'Elke dag tien minuten lezen', 'Ouders', $2) returning id`,
        [id.saraPast, w.teacher.id],
      );
      await sql.query(
        `insert into public.meeting_feedback (meeting_id, author_id, role, anonymous, top) values
           ($1, $2, 'parent', false, 'شكرًا على الوقت'), ($3, $4, 'parent', true, 'Dziękuję bardzo')`,
        [id.saraPast, w.parent.id, id.daanPast, w.otherParent.id],
      );
      id.slotRound = await one(
        `insert into public.slot_rounds (school_id, class_id, title, deadline, created_by) values ($1, $2, 'Rapportgesprekken', now() + interval '3 days', $3) returning id`,
        [w.school.id, w.klass.id, w.teacher.id],
      );
      id.needRound = await one(
        `insert into public.need_rounds (school_id, class_id, goal, opened_by) values ($1, $2, 'Veters strikken', $3) returning id`,
        [w.school.id, w.klass.id, w.teacher.id],
      );
      id.request = await one(
        `insert into public.erasure_requests (school_id, requested_by, message) values ($1, $2, 'أرجو حذف بياناتي') returning id`,
        [w.school.id, w.parent.id],
      );
    });
    const stored = await db.as(SERVICE).rpc('store_machine_translations', {
      p_items: [
        item({
          source: 'meeting',
          field: 'goal',
          meeting: id.sara!,
          source_text: 'Hoe gaat het met lezen?',
          source_lang: 'nl',
          target_lang: 'ar',
        }),
        item({ source: 'meeting', field: 'place', meeting: id.sara!, source_text: 'Lokaal 5', source_lang: 'nl', target_lang: 'ar' }),
        item({
          source: 'meeting',
          field: 'request_reason',
          meeting: id.sara!,
          source_text: 'Zorgen over lezen',
          source_lang: 'nl',
          target_lang: 'ar',
        }),
        item({
          source: 'preparation',
          field: 'strengths',
          meeting: id.sara!,
          user: w.parent.id,
          source_text: 'تحب القراءة',
          source_lang: 'ar',
          target_lang: 'nl',
        }),
        item({
          source: 'preparation',
          field: 'ask',
          meeting: id.daan!,
          user: w.otherParent.id,
          source_text: 'سؤال عن الواجبات',
          source_lang: 'ar',
          target_lang: 'nl',
        }),
        item({
          source: 'wish',
          field: 'companion',
          meeting: id.sara!,
          user: w.parent.id,
          source_text: 'مع زوجي',
          source_lang: 'ar',
          target_lang: 'nl',
        }),
        item({
          source: 'pupil_part',
          field: 'words',
          meeting: id.sara!,
          pupil: w.pupil.id,
          source_text: 'Ik lees graag',
          source_lang: 'nl',
          target_lang: 'ar',
        }),
        item({
          source: 'agreement',
          field: 'text',
          agreement: id.agreement!,
          source_text: 'Elke dag tien minuten lezen',
          source_lang: 'nl',
          target_lang: 'ar',
        }),
        item({
          source: 'feedback',
          field: 'top',
          meeting: id.saraPast!,
          user: w.parent.id,
          source_text: 'شكرًا على الوقت',
          source_lang: 'ar',
          target_lang: 'nl',
        }),
        item({
          source: 'feedback',
          field: 'top',
          meeting: id.daanPast!,
          user: w.otherParent.id,
          source_text: 'Dziękuję bardzo',
          source_lang: 'pl',
          target_lang: 'nl',
        }),
        item({
          source: 'slot_round',
          field: 'title',
          round: id.slotRound!,
          source_text: 'Rapportgesprekken',
          source_lang: 'nl',
          target_lang: 'ar',
        }),
        item({
          source: 'need_round',
          field: 'goal',
          round: id.needRound!,
          source_text: 'Veters strikken',
          source_lang: 'nl',
          target_lang: 'ar',
        }),
        item({
          source: 'erasure_request',
          field: 'message',
          request: id.request!,
          source_text: 'أرجو حذف بياناتي',
          source_lang: 'ar',
          target_lang: 'nl',
        }),
      ],
    });
    expect(stored).toBe(13);
    for (const [name, ref] of Object.entries({
      goal: `meeting:goal:${id.sara}`,
      prep: `preparation:strengths:${id.sara}`,
      unshared: `preparation:ask:${id.daan}`,
      named: `feedback:top:${id.saraPast}`,
      anonymous: `feedback:top:${id.daanPast}`,
      agreement: 'agreement:text:',
      request: 'erasure_request:message:',
      needRound: 'need_round:goal:',
      slotRound: 'slot_round:title:',
      words: `pupil_part:words:${id.sara}`,
      wish: `wish:companion:${id.sara}`,
    })) {
      [tr[name]] = (await translationOf(ref)) as [string];
    }
  }, 60_000);
  afterAll(() => db?.close());

  const call = (p: PersonaName) => db.as(w.personas[p]);
  const sees = (p: PersonaName, name: string) =>
    outcome(() => call(p).query('select text from public.translations where id = $1', [tr[name]]));

  describe('reading the table: whoever sees the text sees its translation, nobody else', () => {
    it.each(each(0, { admin: 1, coach: 1, teacher: 1, parent: 1, pupil: 1, anon: 'error' }))(
      "a meeting's goal (Sara's): %s → %s",
      async (p, n) => expect(await sees(p, 'goal')).toBe(n),
    );
    it.each(each(0, { admin: 1, coach: 1, teacher: 1, parent: 1, anon: 'error' }))("a parent's shared preparation: %s → %s", async (p, n) =>
      expect(await sees(p, 'prep')).toBe(n),
    );
    it.each(each(0, { otherParent: 1, anon: 'error' }))(
      "a parent's unshared preparation is hers alone, also translated (not even Daan's teacher): %s → %s",
      async (p, n) => expect(await sees(p, 'unshared')).toBe(n),
    );
    it.each(each(0, { admin: 1, coach: 1, teacher: 1, parent: 1, anon: 'error' }))('named feedback: %s → %s', async (p, n) =>
      expect(await sees(p, 'named')).toBe(n),
    );
    it.each(each(0, { otherParent: 1, anon: 'error' }))('anonymous feedback stays its author’s: %s → %s', async (p, n) =>
      expect(await sees(p, 'anonymous')).toBe(n),
    );
    it.each(each(0, { admin: 1, coach: 1, teacher: 1, parent: 1, anon: 'error' }))('an agreement: %s → %s', async (p, n) =>
      expect(await sees(p, 'agreement')).toBe(n),
    );
    it.each(each(0, { admin: 1, coach: 1, teacher: 1, parent: 1, anon: 'error' }))("a parent's companion: %s → %s", async (p, n) =>
      expect(await sees(p, 'wish')).toBe(n),
    );
    it.each(each(0, { admin: 1, coach: 1, teacher: 1, parent: 1, pupil: 1, anon: 'error' }))("a child's own words: %s → %s", async (p, n) =>
      expect(await sees(p, 'words')).toBe(n),
    );
    it.each(each(0, { admin: 1, coach: 1, teacher: 1, parent: 1, pupil: 1, anon: 'error' }))(
      "a needs round's goal (Sara's class): %s → %s",
      async (p, n) => expect(await sees(p, 'needRound')).toBe(n),
    );
    it.each(each(0, { admin: 1, coach: 1, teacher: 1, parent: 1, pupil: 1, anon: 'error' }))(
      "a meeting round's title (Sara's class): %s → %s",
      async (p, n) => expect(await sees(p, 'slotRound')).toBe(n),
    );
    it.each(each(0, { admin: 1, parent: 1, anon: 'error' }))('a request for erasure: %s → %s', async (p, n) =>
      expect(await sees(p, 'request')).toBe(n),
    );
  });

  describe('functions', () => {
    const refs = () => [id.sara!, id.daan!, id.saraPast!, id.daanPast!, id.agreement!, id.slotRound!, id.needRound!, id.request!];
    it.each(each(0, { admin: 4, coach: 3, teacher: 3, parent: 4, otherParent: 2, anon: 'forbidden' }))(
      'stored_translations into Dutch (everything written in another language): %s → %s',
      async (p, n) => expect(await outcome(() => call(p).rpc('stored_translations', { p_lang: 'nl', p_refs: refs() }))).toBe(n),
    );
    it('stored_translations: each reader gets exactly what they may read', async () => {
      const fields = async (p: PersonaName, lang: 'nl' | 'ar') =>
        (await call(p).rpc('stored_translations', { p_lang: lang, p_refs: refs() })).map((r) => `${r.source}.${r.field}`).sort();
      expect(await fields('otherParent', 'nl')).toEqual(['feedback.top', 'preparation.ask']);
      expect(await fields('otherTeacher', 'nl')).toEqual([]);
      expect(await fields('teacher', 'nl')).toEqual(['feedback.top', 'preparation.strengths', 'wish.companion']);
      expect(await fields('admin', 'nl')).toEqual(['erasure_request.message', 'feedback.top', 'preparation.strengths', 'wish.companion']);
      expect(await fields('pupil', 'ar')).toEqual([
        'meeting.goal',
        'meeting.place',
        'meeting.request_reason',
        'need_round.goal',
        'pupil_part.words',
        'slot_round.title',
      ]);
      // Feedback comes without its author: staff match it by its words.
      const [feedback] = (await call('teacher').rpc('stored_translations', { p_lang: 'nl', p_refs: refs() })).filter(
        (r) => r.source === 'feedback',
      );
      expect(feedback!.key).toBeNull();
    });

    it.each(each('forbidden'))('store_machine_translations is the server’s alone: %s → %s', async (p, n) =>
      expect(
        await outcome(() =>
          call(p).tryRpc('store_machine_translations', {
            p_items: [
              item({
                source: 'meeting',
                field: 'goal',
                meeting: id.sara!,
                source_text: 'Hoe gaat het met lezen?',
                source_lang: 'nl',
                target_lang: 'pl',
                text: 'Fałszywe',
              }),
            ],
          }),
        ),
      ).toBe(n),
    );

    it('feedback stored without its author (as staff read it) reaches the named piece with those words, never an anonymous one', async () => {
      const stored = await db.as(SERVICE).tryAll(async (q) => {
        const [{ n }] = (await q<{ n: number }>('select public.store_machine_translations($1) as n', [
          JSON.stringify([
            item({
              source: 'feedback',
              field: 'top',
              meeting: id.saraPast!,
              source_text: 'شكرًا على الوقت',
              source_lang: 'ar',
              target_lang: 'en',
            }),
            item({
              source: 'feedback',
              field: 'top',
              meeting: id.daanPast!,
              source_text: 'Dziękuję bardzo',
              source_lang: 'pl',
              target_lang: 'en',
            }),
          ]),
        ])) as [{ n: number }];
        const rows = await q<{ author: string }>(
          `select feedback_author as author from public.translations where source = 'feedback' and target_lang = 'en'`,
        );
        return { n, authors: rows.map((r) => r.author) };
      });
      expect(stored).toEqual({ n: 1, authors: [w.parent.id] });
    });

    it('the server never stores a translation of words that changed since it read them', async () => {
      const stored = await db.as(SERVICE).tryRpc('store_machine_translations', {
        p_items: [
          item({ source: 'meeting', field: 'goal', meeting: id.sara!, source_text: 'Een oud doel', source_lang: 'nl', target_lang: 'pl' }),
        ],
      });
      expect(stored).toBe(0);
    });

    it.each(each('forbidden', { admin: 1, coach: 1, teacher: 1 }))(
      "correct_translation of a parent's shared preparation: %s → %s",
      async (p, n) =>
        expect(await outcome(() => call(p).tryRpc('correct_translation', { p_translation: tr.prep!, p_text: 'Ze leest graag' }))).toBe(n),
    );
    it.each(each('forbidden'))('correct_translation of an unshared preparation: nobody (%s → %s)', async (p, n) =>
      expect(await outcome(() => call(p).tryRpc('correct_translation', { p_translation: tr.unshared!, p_text: 'Een vraag' }))).toBe(n),
    );
    it.each(each('forbidden', { admin: 1 }))('correct_translation of a request for erasure: %s → %s', async (p, n) =>
      expect(await outcome(() => call(p).tryRpc('correct_translation', { p_translation: tr.request!, p_text: 'Wis mijn gegevens' }))).toBe(
        n,
      ),
    );
    it.each(each('forbidden', { admin: 1, coach: 1, teacher: 1 }))("correct_translation of a needs round's goal: %s → %s", async (p, n) =>
      expect(await outcome(() => call(p).tryRpc('correct_translation', { p_translation: tr.needRound!, p_text: 'ربط الحذاء' }))).toBe(n),
    );

    it('a correction is checked, by its person, and a machine translation of the same words never replaces it', async () => {
      const result = await call('teacher').tryAll(async (q) => {
        await q(`select public.correct_translation($1, 'Ze leest heel graag')`, [tr.prep]);
        const [row] = await q<{ text: string; origin: string; checked_by: string }>(
          'select text, origin, checked_by from public.translations where id = $1',
          [tr.prep],
        );
        return row;
      });
      expect(result).toEqual({ text: 'Ze leest heel graag', origin: 'person', checked_by: w.teacher.id });
      await call('teacher').rpc('correct_translation', { p_translation: tr.agreement!, p_text: 'اقرأ كل يوم عشر دقائق' });
      const again = await db.as(SERVICE).rpc('store_machine_translations', {
        p_items: [
          item({
            source: 'agreement',
            field: 'text',
            agreement: id.agreement!,
            source_text: 'Elke dag tien minuten lezen',
            source_lang: 'nl',
            target_lang: 'ar',
          }),
        ],
      });
      expect(again).toBe(0);
      const [row] = await call('parent').rpc('stored_translations', { p_lang: 'ar', p_refs: [id.agreement!] });
      expect(row).toMatchObject({ text: 'اقرأ كل يوم عشر دقائق', origin: 'person' });
    });
  });

  it('the right of access lists what was made of one’s own words, and nothing of anyone else’s', async () => {
    const mine = (await call('parent').rpc('my_data', {})).translations_of_my_words.map((x) => x.of).sort();
    expect(mine).toEqual(['erasure_request.message', 'feedback.top', 'preparation.strengths', 'wish.companion']);
    const theirs = (await call('otherParent').rpc('my_data', {})).translations_of_my_words.map((x) => x.of).sort();
    expect(theirs).toEqual(['feedback.top', 'preparation.ask']);
    expect((await call('teacher').rpc('my_data', {})).translations_of_my_words).toEqual([]);
  });

  describe('the table, written directly (as PostgREST would allow): nobody', () => {
    it.each(each('error'))('insert: %s → %s', async (p, n) =>
      expect(
        await outcome(() =>
          call(p).tryQuery(
            `insert into public.translations (source, field, meeting_id, source_hash, source_lang, target_lang, text, origin)
             values ('meeting', 'goal', $1, repeat('a', 64), 'nl', 'tr', 'Sahte', 'machine')`,
            [id.sara],
          ),
        ),
      ).toBe(n),
    );
    it.each(each('error'))('update: %s → %s', async (p, n) =>
      expect(await outcome(() => call(p).tryQuery(`update public.translations set text = 'x' where id = $1`, [tr.goal]))).toBe(n),
    );
    it.each(each('error'))('delete: %s → %s', async (p, n) =>
      expect(await outcome(() => call(p).tryQuery('delete from public.translations where id = $1', [tr.goal]))).toBe(n),
    );
  });

  describe('a changed text loses its translations at once', () => {
    it('a parent changes an answer: its Dutch goes; another screen’s stays', async () => {
      await db.owner.transaction((sql) =>
        sql.query(
          `insert into public.translations (source, field, meeting_id, prep_user, source_hash, source_lang, target_lang, text, origin)
           values ('preparation', 'tell', $1, $2, repeat('b', 64), 'ar', 'nl', 'We spreken Arabisch', 'machine')`,
          [id.sara, w.parent.id],
        ),
      );
      await call('parent').rpc('save_my_preparation', {
        p_meeting: id.sara!,
        p_answers: { strengths: { choices: [], text: 'تحب القراءة والرسم', lang: 'ar' } },
        p_step: 2,
      });
      expect(await translationOf(`preparation:strengths:${id.sara}`)).toEqual([]);
      expect(await translationOf(`preparation:tell:${id.sara}`)).toHaveLength(1);
    });
    it('staff change the goal: its translation goes, the place’s stays', async () => {
      await call('teacher').rpc('plan_meeting', {
        p_meeting: id.sara!,
        p_kind: 'progress',
        p_starts_at: new Date(Date.now() + 7 * 86_400_000).toISOString(),
        p_minutes: 20,
        p_place: 'Lokaal 5',
        p_video_url: null,
        p_attendees: null,
        p_goal: 'Hoe gaat het met rekenen?',
        p_interpreter_lang: 'ar',
        p_interpreter_mode: 'in-person',
        p_interpreter_booked: true,
      });
      expect(await translationOf(`meeting:goal:${id.sara}`)).toEqual([]);
      expect(await translationOf(`meeting:place:${id.sara}`)).toHaveLength(1);
    });
  });

  describe('erasure removes the translations of the erased person’s texts', () => {
    it('erasing a parent (their request carried out): their answers, companion, feedback and message, in every language', async () => {
      const ofParent = () =>
        db.owner.transaction((sql) =>
          sql.query<{ n: number }>(
            `select count(*)::int as n from public.translations
             where prep_user = $1 or wish_user = $1 or feedback_author = $1 or erasure_request_id = $2`,
            [w.parent.id, id.request],
          ),
        );
      expect((await ofParent())[0]!.n).toBeGreaterThanOrEqual(4);
      await call('admin').rpc('handle_erasure_request', { p_request: id.request!, p_erase: true, p_reason: null });
      expect((await ofParent())[0]!.n).toBe(0);
      expect(await rowsHolding(db.owner, [w.parent.id])).toEqual([]);
      // The school's own texts for the meeting stay, translated.
      expect(await translationOf(`meeting:place:${id.sara}`)).toHaveLength(1);
    });

    it('erasing a pupil: the meetings about them alone go, with every translation of what was written in and about them', async () => {
      const about = () =>
        db.owner.transaction((sql) =>
          sql.query<{ n: number }>(
            'select count(*)::int as n from public.translations where meeting_id = any ($1) or agreement_id = $2 or part_pupil = $3',
            [[id.sara, id.saraPast], id.agreement, w.pupil.id],
          ),
        );
      expect((await about())[0]!.n).toBeGreaterThanOrEqual(3);
      await call('admin').rpc('erase_pupil', { p_pupil: w.pupil.id });
      expect((await about())[0]!.n).toBe(0);
      expect(await rowsHolding(db.owner, [w.pupil.id, w.pupil.user!.id])).toEqual([]);
    });
  });
});
