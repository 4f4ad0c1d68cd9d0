import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVICE } from '~/server/embedded/rpc.ts';
import { runRetention } from '~/server/retention.ts';
import { buildGuardianLink, buildInvitation, buildPupil, buildWorld, PERSONAS, type PersonaName, type World } from '../factories/index.ts';
import { DATABASES, outcome, type Outcome, rowsHolding, type TestDb } from './harness.ts';

/**
 * Erasure and retention (…_privacy_access_log.sql). An admin removes a pupil with everything about
 * them: afterwards no row of any table holds the pupil's id or their sign-in identity, and the
 * stored drawings come back to be removed. The retention job, with a fake clock, removes what has
 * done its work and leaves the rest.
 */

const table = (t: Partial<Record<PersonaName, Outcome>>) => PERSONAS.map((p) => [p, t[p] ?? 'TBD'] as const);

describe.each(DATABASES)('erasure and retention on %s', (_label, open) => {
  let db: TestDb;
  let w: World;
  let mirte: { id: string; user?: { id: string } | undefined };
  let alone: string;
  let shared: string;
  let drawing: string;

  beforeAll(async () => {
    db = await open();
    w = await buildWorld(db.owner);
    mirte = await buildPupil(db.owner, w.school.id, w.klass.id, { firstName: 'Mirte', withUser: true });
    await buildGuardianLink(db.owner, w.school.id, mirte.id, w.parent.id);
    await buildInvitation(db.owner, w.school.id, { role: 'parent', pupils: [mirte.id] });
    drawing = `${w.school.id}/${mirte.id}/drawing.png`;
    await db.owner.transaction(async (sql) => {
      const [r] = await sql.query<{ id: string }>(
        `insert into public.need_rounds (school_id, class_id, opened_by, opened_at) values ($1, $2, $3, now()) returning id`,
        [w.school.id, w.klass.id, w.teacher.id],
      );
      await sql.query(
        `insert into public.need_answers (round_id, pupil_id, school_id, class_id, needs, own_words, drawing_path)
         values ($1, $2, $3, $4, '{look}', 'Met muziek', $5)`,
        [r!.id, mirte.id, w.school.id, w.klass.id, drawing],
      );
      await sql.query(`insert into storage.objects (bucket_id, name, owner) values ('pupil-drawings', $1, $2)`, [drawing, mirte.user!.id]);
      // A meeting about Mirte alone, and one about Mirte and Sara.
      const meetings = await sql.query<{ id: string }>(
        `insert into public.meetings (school_id, kind, starts_at, minutes, created_by) values
           ($1, 'progress', now() - interval '2 days', 20, $2), ($1, 'progress', now() + interval '2 days', 20, $2) returning id`,
        [w.school.id, w.teacher.id],
      );
      [alone, shared] = meetings.map((m) => m.id) as [string, string];
      await sql.query(
        `insert into public.meeting_pupils (meeting_id, pupil_id, class_id) values ($1, $3, $5), ($2, $3, $5), ($2, $4, $5)`,
        [alone, shared, mirte.id, w.pupil.id, w.klass.id],
      );
      await sql.query(`insert into public.meeting_people (meeting_id, user_id, role) values ($1, $2, 'parent')`, [alone, w.parent.id]);
      await sql.query(`insert into public.preparations (meeting_id, user_id, answers, shared_at) values ($1, $2, '{}', now())`, [
        alone,
        w.parent.id,
      ]);
      await sql.query(`insert into public.agreements (meeting_id, text, created_by) values ($1, 'Elke dag lezen', $2)`, [
        alone,
        w.teacher.id,
      ]);
      await sql.query(
        `insert into public.meeting_feedback (meeting_id, author_id, role, top, anonymous) values ($1, $2, 'pupil', 'Fijn', false)`,
        [alone, mirte.user!.id],
      );
      await sql.query(`insert into public.pupil_preparations (meeting_id, pupil_id, answers, consented_at) values ($1, $2, '{}', now())`, [
        shared,
        mirte.id,
      ]);
      await sql.query(`insert into public.pupil_access_log (school_id, reader_id, pupil_id, kind) values ($1, $2, $3, 'drawing')`, [
        w.school.id,
        w.teacher.id,
        mirte.id,
      ]);
    });
  }, 60_000);
  afterAll(() => db?.close());

  const call = (p: PersonaName) => db.as(w.personas[p]);

  it.each(
    table({
      admin: 1,
      coach: 'forbidden',
      teacher: 'forbidden',
      otherTeacher: 'forbidden',
      otherStaff: 'forbidden',
      parent: 'forbidden',
      otherParent: 'forbidden',
      pupil: 'forbidden',
      otherPupil: 'forbidden',
      anon: 'forbidden',
    }),
  )('erase_pupil: %s → %s', async (p, n) => {
    expect(await outcome(() => call(p).tryRpc('erase_pupil', { p_pupil: mirte.id }))).toBe(n);
  });

  it('after erasure nothing in any table holds the pupil or their sign-in identity; the drawing comes back to be removed', async () => {
    const before = await rowsHolding(db.owner, [mirte.id, mirte.user!.id]);
    expect(before.length).toBeGreaterThan(8);
    const erased = await call('admin').rpc('erase_pupil', { p_pupil: mirte.id });
    expect(erased).toEqual({ first_name: 'Mirte', files: [{ bucket: 'pupil-drawings', name: drawing }] });
    // The storage row goes when the server removes the file through the storage API, as the admin may.
    expect(
      await call('admin').query(`delete from storage.objects where bucket_id = 'pupil-drawings' and name = $1 returning name`, [drawing]),
    ).toHaveLength(1);
    expect(await rowsHolding(db.owner, [mirte.id, mirte.user!.id])).toEqual([]);
    // The meeting about Mirte alone is gone with what was said in it; the shared one stays for Sara.
    const meetings = await db.owner.transaction((sql) =>
      sql.query<{ id: string }>('select id from public.meetings where id = any($1::uuid[])', [[alone, shared]]),
    );
    expect(meetings.map((m) => m.id)).toEqual([shared]);
    const [sara] = await db.owner.transaction((sql) =>
      sql.query<{ n: number }>('select count(*)::int as n from public.meeting_pupils where meeting_id = $1', [shared]),
    );
    expect(sara!.n).toBe(1);
  });

  it('the retention job, only for the service role, removes what has done its work and leaves the rest (fake clock)', async () => {
    await db.owner.transaction(async (sql) => {
      await sql.query(
        `insert into public.invitations (school_id, role, code_hash, expires_at) values
           ($1, 'parent', 'old-expired', now() - interval '40 days'), ($1, 'parent', 'fresh', now() + interval '10 days')`,
        [w.school.id],
      );
      await sql.query(
        `insert into private.sign_in_events (kind, outcome, at) values ('password', 'ok', now() - interval '100 days'), ('password', 'ok', now())`,
      );
      await sql.query(
        `insert into public.class_devices (school_id, class_id, token_hash, expires_at) values ($1, $2, 'old', now() - interval '1 hour'), ($1, $2, 'live', now() + interval '1 hour')`,
        [w.school.id, w.klass.id],
      );
      await sql.query(
        `insert into public.pupil_access_log (school_id, reader_id, pupil_id, kind, at) values ($1, $2, $3, 'drawing', now() - interval '25 months'), ($1, $2, $3, 'drawing', now())`,
        [w.school.id, w.teacher.id, w.pupil.id],
      );
    });
    const count = (q: string) => db.owner.transaction(async (sql) => (await sql.query<{ n: number }>(q))[0]!.n);
    for (const p of PERSONAS) expect(await outcome(() => call(p).tryRpc('run_retention', {})), p).toBe('forbidden');
    // Also straight to the database, past the app's registry.
    await expect(call('admin').tryQuery('select * from public.run_retention()')).rejects.toThrow(/permission denied/);

    const removed = Object.fromEntries((await db.as(SERVICE).rpc('run_retention', {})).map((r) => [r.kind, r.removed]));
    // Counts include what the world itself left behind; the rows below say which ones went.
    for (const kind of ['invitations', 'class_devices', 'access_log', 'sign_in_events'])
      expect(removed[kind], kind).toBeGreaterThanOrEqual(1);
    expect(await count(`select count(*)::int as n from public.invitations where code_hash in ('old-expired', 'fresh')`)).toBe(1);
    expect(await count(`select count(*)::int as n from public.class_devices where token_hash in ('old', 'live')`)).toBe(1);
    expect(
      await count(`select count(*)::int as n from private.sign_in_events where at > now() - interval '1 minute'`),
    ).toBeGreaterThanOrEqual(1);
    expect(await count('select count(*)::int as n from public.pupil_access_log where pupil_id is not null')).toBeGreaterThanOrEqual(1);

    // A year later, the fresh invitation and the recent log row are due too.
    const later = Object.fromEntries(
      (await db.as(SERVICE).rpc('run_retention', { p_now: new Date(Date.now() + 800 * 86_400_000).toISOString() })).map((r) => [
        r.kind,
        r.removed,
      ]),
    );
    expect(later.invitations).toBeGreaterThanOrEqual(1);
    expect(await count(`select count(*)::int as n from public.invitations where code_hash = 'fresh'`)).toBe(0);
    expect(await count('select count(*)::int as n from public.pupil_access_log')).toBe(0);
  });

  it("the server's job also ends the embedded auth's expired sessions and old codes, and says only how many", async () => {
    await db.owner.transaction(async (sql) => {
      await sql.query(
        `insert into embedded_auth.sessions (user_id, token_hash, kind, expires_at) values
           ($1, 'ended', 'person', now() - interval '1 hour'), ($1, 'live', 'person', now() + interval '1 hour')`,
        [w.parent.id],
      );
      await sql.query(
        `insert into embedded_auth.sign_in_codes (email, code_hash, link_token_hash, expires_at) values
           ('old@example.test', 'x', 'old-link', now() - interval '2 days'), ('new@example.test', 'y', 'new-link', now() + interval '5 minutes')`,
      );
    });
    const lines: string[] = [];
    const removed = await runRetention({
      admin: db.as(SERVICE),
      purgeEmbedded: async (now) =>
        db.owner.transaction((sql) =>
          sql.query<{ kind: string; removed: number }>('select * from embedded_auth.purge_expired($1)', [now.toISOString()]),
        ),
      log: (line) => lines.push(line),
    });
    expect(removed).toMatchObject({ sessions: 1, sign_in_codes: 1 });
    const left = await db.owner.transaction((sql) =>
      sql.query<{ token_hash: string }>(`select token_hash from embedded_auth.sessions where token_hash in ('ended', 'live')`),
    );
    expect(left.map((r) => r.token_hash)).toEqual(['live']);
    const codes = await db.owner.transaction((sql) =>
      sql.query<{ link_token_hash: string }>(
        `select link_token_hash from embedded_auth.sign_in_codes where link_token_hash in ('old-link', 'new-link')`,
      ),
    );
    expect(codes.map((r) => r.link_token_hash)).toEqual(['new-link']);
  });
});
