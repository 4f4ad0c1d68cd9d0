import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWorld, type World } from '../factories/index.ts';
import { DATABASES, type TestDb } from './harness.ts';

/**
 * A child's consent means what the screen says (issue 18, M1 and M2;
 * …_privacy_access_log.sql). "Not yet" takes a "yes" back; a change after a "yes" is
 * seen by parents and teacher only after the child says yes again; the right of access gives a
 * parent only the part the child agreed to share, and not the tops and tips the child wrote for
 * the teacher.
 */

const NEXT_WEEK = () => new Date(Date.now() + 7 * 86_400_000).toISOString();

describe.each(DATABASES)('a child’s consent on %s', (_label, open) => {
  let db: TestDb;
  let w: World;
  let meeting: string;

  beforeAll(async () => {
    db = await open();
    w = await buildWorld(db.owner);
    meeting = await db.as(w.personas.teacher).rpc('create_meeting', {
      p_pupils: [w.pupil.id],
      p_starts_at: NEXT_WEEK(),
      p_kind: 'progress',
      p_minutes: 20,
      p_place: 'Lokaal 5',
      p_video_url: null,
      p_attendees: null,
      p_goal: null,
      p_interpreter_lang: null,
      p_interpreter_mode: null,
      p_interpreter_booked: false,
    });
  }, 60_000);
  afterAll(() => db?.close());

  const save = (words: string, consent: boolean | null, answers: Record<string, string[]> = { 'goes-well': ['reading'] }) =>
    db
      .as(w.personas.pupil)
      .rpc('save_my_pupil_preparation', { p_meeting: meeting, p_answers: answers, p_words: words, p_consent: consent });
  /** The child's words as the parent and the teacher find them (null: nothing shown). */
  const seen = async () => {
    const parent = (await db.as(w.personas.parent).rpc('meeting_pupil_preparations', { p_meeting: meeting }))[0]?.words ?? null;
    const teacher = (await db.as(w.personas.teacher).rpc('meeting_pupil_preparations', { p_meeting: meeting }))[0]?.words ?? null;
    const table =
      (await db.as(w.personas.parent).query<{ words: string }>('select words from public.pupil_preparations'))[0]?.words ?? null;
    return { parent, teacher, table };
  };
  const stateOnScreen = async () =>
    (await db.as(w.personas.pupil).rpc('my_pupil_meetings', {})).find((m) => m.meeting_id === meeting)!.consented;

  it('"Not yet" takes a "yes" back; words changed after a "yes" wait for the next "yes"', async () => {
    await save('Ik lees graag', null);
    expect(await seen()).toEqual({ parent: null, teacher: null, table: null });
    expect(await stateOnScreen()).toBe(false);

    await save('Ik lees graag', true);
    expect(await seen()).toEqual({ parent: 'Ik lees graag', teacher: 'Ik lees graag', table: 'Ik lees graag' });
    expect(await stateOnScreen()).toBe(true);

    // Walking through the screens again without changing anything keeps the "yes".
    await save('Ik lees graag', null);
    expect((await seen()).parent).toBe('Ik lees graag');

    // New words after the "yes": nobody else sees them (or the old ones) until the child says yes again.
    await save('NIEUWE WOORDEN na ja', null);
    expect(await seen()).toEqual({ parent: null, teacher: null, table: null });
    expect(await stateOnScreen()).toBe(false);
    await save('NIEUWE WOORDEN na ja', true);
    expect((await seen()).teacher).toBe('NIEUWE WOORDEN na ja');

    // A changed picture is a change too.
    await save('NIEUWE WOORDEN na ja', null, { 'goes-well': ['reading'], hard: ['numbers'] });
    expect((await seen()).parent).toBeNull();
    await save('NIEUWE WOORDEN na ja', true, { 'goes-well': ['reading'], hard: ['numbers'] });
    expect((await seen()).parent).toBe('NIEUWE WOORDEN na ja');

    // "Not yet" on the consent screen: taken back.
    await save('NIEUWE WOORDEN na ja', false, { 'goes-well': ['reading'], hard: ['numbers'] });
    expect(await seen()).toEqual({ parent: null, teacher: null, table: null });
    expect(await stateOnScreen()).toBe(false);
  });

  it('"my data" gives the parent only the part the child agreed to share, and no tips for the teacher', async () => {
    await save('GEHEIM nog niet gedeeld', false);
    await db.owner.transaction(async (sql) => {
      const [r] = await sql.query<{ id: string }>(
        `insert into public.need_rounds (school_id, class_id, opened_by, opened_at) values ($1, $2, $3, now()) returning id`,
        [w.school.id, w.klass.id, w.teacher.id],
      );
      await sql.query(
        `insert into public.need_answers (round_id, pupil_id, school_id, class_id, needs, own_words, tops, tips, top_words, tip_words)
         values ($1, $2, $3, $4, '{look}', 'Met muziek', '{look}', '{more-time}', 'TOP voor de juf', 'TIP voor de juf')`,
        [r!.id, w.pupil.id, w.school.id, w.klass.id],
      );
    });
    const file = () => db.as(w.personas.parent).rpc('my_data', {});
    let child = (await file()).children[0]!;
    expect(child.meeting_parts).toEqual([]);
    const text = JSON.stringify(await file());
    expect(text).not.toContain('GEHEIM');
    expect(text).not.toContain('voor de juf');
    expect(text).not.toContain('more-time');
    // What the parent's own overview shows stays: the child's choices and own words.
    expect(child.needs_answers[0]).toMatchObject({ needs: ['look'], own_words: 'Met muziek' });

    await save('Nu mag het', true);
    child = (await file()).children[0]!;
    expect(child.meeting_parts).toEqual([
      expect.objectContaining({ answers: { 'goes-well': ['reading'] }, words: 'Nu mag het', agreed_at: expect.any(String) }),
    ]);
  });
});
