import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWorld, PERSONAS, type PersonaName, type World } from '../factories/index.ts';
import { DATABASES, outcome, type Outcome, type TestDb } from './harness.ts';

/**
 * A school's privacy details (…_privacy_access_log.sql): the school board, the contact for privacy
 * questions and how long a pupil's data is kept after they leave (6–120 months, default 24). The
 * school's admins change them; anyone, also without signing in, reads them on the school's
 * privacy page.
 */

const table = (t: Partial<Record<PersonaName, Outcome>>) => PERSONAS.map((p) => [p, t[p] ?? 'TBD'] as const);

/** The SQLSTATE a statement was refused with, or 'ok'. */
async function sqlState(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
    return 'ok';
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    throw err;
  }
}

describe.each(DATABASES)('school privacy details on %s', (_label, open) => {
  let db: TestDb;
  let w: World;

  beforeAll(async () => {
    db = await open();
    w = await buildWorld(db.owner);
  }, 60_000);
  afterAll(() => db?.close());

  const call = (p: PersonaName) => db.as(w.personas[p]);
  const stored = async () => {
    const [row] = await db.owner.transaction((sql) =>
      sql.query<{ privacy_board: string | null; privacy_contact: string | null; retention_months: number }>(
        'select privacy_board, privacy_contact, retention_months from public.schools where id = $1',
        [w.school.id],
      ),
    );
    return row!;
  };
  const args = (over: Partial<{ p_board: string; p_contact: string; p_retention_months: number }> = {}) => ({
    p_school: w.school.id,
    p_board: 'Stichting Openbaar Onderwijs Rivierenland',
    p_contact: 'Femke Jansen, privacy@rivierenland.example',
    p_retention_months: 36,
    ...over,
  });

  it('a new school keeps pupils’ data 24 months after they leave, and has no board or contact yet', async () => {
    expect(await stored()).toEqual({ privacy_board: null, privacy_contact: null, retention_months: 24 });
  });

  it.each(
    table({
      admin: 1,
      coach: 0,
      teacher: 0,
      otherTeacher: 0,
      otherStaff: 0,
      parent: 0,
      otherParent: 0,
      pupil: 0,
      otherPupil: 0,
      anon: 'forbidden',
    }),
  )('update_school_privacy: %s → %s', async (p, n) => {
    expect(await outcome(() => call(p).tryRpc('update_school_privacy', args()))).toBe(n);
    expect((await stored()).retention_months).toBe(24);
  });

  it.each(PERSONAS.filter((p) => p !== 'admin'))('nobody but the admin changes them in the table directly either (%s)', async (p) => {
    const result = await outcome(() =>
      call(p).tryQuery('update public.schools set retention_months = 60, privacy_board = $2 where id = $1 returning id', [
        w.school.id,
        'Een ander bestuur',
      ]),
    );
    expect(result === 0 || result === 'error', String(result)).toBe(true);
  });

  it('the admin saves them, and an empty text clears a detail', async () => {
    const [row] = await call('admin').rpc('update_school_privacy', args());
    expect(row).toMatchObject({
      privacy_board: 'Stichting Openbaar Onderwijs Rivierenland',
      privacy_contact: 'Femke Jansen, privacy@rivierenland.example',
      retention_months: 36,
    });
    await call('admin').rpc('update_school_privacy', args({ p_board: '  ', p_contact: '' }));
    expect(await stored()).toEqual({ privacy_board: null, privacy_contact: null, retention_months: 36 });
    await call('admin').rpc('update_school_privacy', args({ p_retention_months: 24 }));
  });

  it.each([
    ['5 months', { p_retention_months: 5 }],
    ['121 months', { p_retention_months: 121 }],
    ['a board name of 121 characters', { p_board: 'B'.repeat(121) }],
    ['a contact of 201 characters', { p_contact: 'C'.repeat(201) }],
  ])('the registry refuses %s before any SQL runs', async (_what, over) => {
    expect(await outcome(() => call('admin').tryRpc('update_school_privacy', args(over)))).toBe('invalid');
  });

  it.each([
    ['5 months', [5, 'Bestuur', 'Contact']],
    ['121 months', [121, 'Bestuur', 'Contact']],
    ['a board name of 121 characters', [24, 'B'.repeat(121), 'Contact']],
    ['a contact of 201 characters', [24, 'Bestuur', 'C'.repeat(201)]],
    ['a board name with a direction-changing character', [24, 'Bestuur \u202eruutseb', 'Contact']],
    ['a contact with a control character', [24, 'Bestuur', 'Femke\u0007 Jansen']],
    ['a board name with an invisible character', [24, 'Best\u200buur', 'Contact']],
  ] as const)('the database refuses %s, also when called directly', async (_what, [months, board, contact]) => {
    const state = await sqlState(() =>
      call('admin').tryQuery('select * from public.update_school_privacy($1, $2, $3, $4)', [w.school.id, board, contact, months]),
    );
    expect(state).toBe('23514');
  });

  it('dirty text through the registry comes back as a refusal, not an error', async () => {
    expect(await outcome(() => call('admin').tryRpc('update_school_privacy', args({ p_board: 'Bestuur \u202eruutseb' })))).toBe('invalid');
  });

  it('anyone, also without signing in, reads the privacy details on the school’s page', async () => {
    await call('admin').rpc('update_school_privacy', args({ p_retention_months: 48 }));
    const [school] = await call('anon').rpc('school_by_slug', { p_slug: w.school.slug });
    expect(school).toMatchObject({
      privacy_board: 'Stichting Openbaar Onderwijs Rivierenland',
      privacy_contact: 'Femke Jansen, privacy@rivierenland.example',
      retention_months: 48,
    });
    const rows = await call('anon').query('select privacy_board, privacy_contact, retention_months from public.schools where id = $1', [
      w.school.id,
    ]);
    expect(rows).toEqual([
      {
        privacy_board: 'Stichting Openbaar Onderwijs Rivierenland',
        privacy_contact: 'Femke Jansen, privacy@rivierenland.example',
        retention_months: 48,
      },
    ]);
    for (const p of PERSONAS) {
      const [seen] = await call(p).rpc('school_by_slug', { p_slug: w.school.slug });
      expect(seen?.retention_months, p).toBe(48);
    }
  });
});
