import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BLOCK_KINDS, TRANSLATION_ORIGINS } from '~/domain/leaflets.ts';
import { LIMITS } from '~/domain/limits.ts';
import { MEETING_KINDS, PREP_CHOICES, PREP_TOPICS, PUPIL_PREP_CHOICES, PUPIL_PREP_PARTS, WHO_IDS } from '~/domain/meetings.ts';
import { AVATAR_IDS, GOAL_STEPS, NEED_IDS, NEEDS_LIMITS, PLAN_CIRCLES, VOICE_KEYS } from '~/domain/pictograms.ts';
import { DIGEST_KINDS, ESSENTIAL_KINDS, NOTIFICATION_KINDS, REMINDER_KINDS } from '~/domain/notifications.ts';
import { PICTURE_IDS } from '~/domain/pictures.ts';
import { WRITTEN_SOURCES } from '~/domain/written.ts';
import { RPC, type RpcEntry, SCHOOL_ROLES } from '~/domain/rpc/index.ts';
import { LEAFLET_STATUSES } from '~/domain/rpc/leaflets.ts';
import { LOCALE_CODES, TRANSLATION_LOCALES } from '~/i18n/locales.ts';
import { buildClass, buildSchool } from '../factories/index.ts';
import { DATABASES, type TestDb } from './harness.ts';

/**
 * Whole-schema guards: they fail when a new table, view or function forgets what every
 * earlier one was made to do.
 */

// Security definer functions that anon or authenticated may execute, each with its reason:
// the policy helpers (they answer questions about the caller only) and the API functions
// whose comment in the migration says why they need the owner's rights.
const DEFINER_ALLOWLIST = new Set([
  'private.has_school_role',
  'private.is_school_staff',
  'private.is_school_admin',
  'private.is_guardian_of',
  'private.is_pupil_self',
  'private.can_see_class',
  'private.can_see_profile',
  'private.can_edit_leaflets',
  'private.sees_all_classes',
  'private.teaches_class',
  'private.can_see_class_pupils',
  'private.leaflet_of_school',
  'private.block_of_leaflet',
  'private.is_template',
  'private.picture_in_use',
  'public.add_pupils',
  'public.class_lockouts',
  'public.unlock_pupil',
  'public.reset_pupil_codes',
  'public.invitation_preview',
  'public.redeem_invitation',
  // Pupils' needs (…_needs.sql): the tables have no write policies at all; each writer checks
  // the caller itself (a pupil answers only for themselves, in an open round of their class).
  'private.can_hear_voice',
  'public.open_need_round',
  'public.close_need_round',
  'public.reopen_need_round',
  'public.save_my_choices',
  'public.save_my_goal_step',
  'public.save_my_words',
  'public.set_my_drawing',
  'public.save_class_plan',
  'public.save_voice_recording',
  'public.delete_voice_recording',
  // …and the teacher's and school's reads of a round: one explicit check of the caller, then
  // aggregates (the school view returns counts only, never names).
  'public.class_need_rounds',
  // A school's classes with their pupil counts: the same rules as the policies, checked once per class.
  'public.school_classes',
  'public.need_round_answers',
  'public.school_needs_overview',
  // …_needs.sql: each checks the caller once (the class's staff, or the coach and admins),
  // writes tables closed to direct writes, and logs what it shows of pupils' answers.
  'public.class_group_plans',
  'public.create_group_plan',
  'public.evaluate_group_plan',
  'public.group_discussion',
  'public.group_discussion_pupils',
  'public.group_plan',
  'public.group_plan_circles',
  'public.group_plan_discussions',
  'public.group_plan_pupils',
  'public.next_group_plan',
  'public.pupil_overview',
  'public.save_group_discussion',
  'public.save_group_plan',
  'public.save_group_plan_circle',
  'public.save_pupil_note',
  'public.school_needs_in_period',
  // Meetings (…_meetings.sql): no write policies; each writer checks its caller. The staff's
  // feedback list hides anonymous authors, the school view counts, and a round's slots show a
  // parent only their own children's bookings.
  // Who looked (…_privacy_access_log.sql): the log has no write policy; this one writer records
  // only the caller's own reads, and only when the caller is staff of the pupils' school.
  'private.log_pupil_reads',
  // Erasing a pupil reaches rows the admin's policies do not show (a parent's preparation, the
  // pupil's own sign-in identity), after checking that the caller is an admin of the pupil's school.
  'public.erase_pupil',
  // Pupils who left and erasure requests (…_classes_pupils.sql, …_privacy_access_log.sql): each checks that the
  // caller is an admin of the pupil's or the request's school (or, to ask, a non-pupil member);
  // they reach the picture codes, a parent's preparations and sign-in identity, which no policy
  // shows the admin. erase_pupil_rows is granted to no API role.
  'public.set_pupil_left',
  'public.left_pupils',
  'public.request_erasure',
  'public.school_erasure_requests',
  'public.handle_erasure_request',
  // The right of access: one document of everything about the caller, each part filtered on the
  // caller (auth.uid()) or the caller's guardian links (…_privacy_access_log.sql).
  'public.my_data',
  'private.staff_sees_meeting',
  'private.invited_to',
  'private.pupil_of_meeting',
  'private.sees_meeting',
  'public.create_meeting',
  'public.request_meeting',
  'public.plan_meeting',
  'public.cancel_meeting',
  'public.set_my_meeting_wishes',
  'public.save_my_preparation',
  // One screen merged into the stored preparation in one statement (…_meetings.sql).
  'public.save_my_preparation_topic',
  'public.share_my_preparation',
  'public.save_my_pupil_preparation',
  'public.add_agreement',
  'public.delete_agreement',
  'public.give_meeting_feedback',
  'public.meeting_feedback',
  'public.school_feedback_overview',
  'public.school_anonymous_feedback',
  // Who looked, truthfully (…_privacy_access_log.sql): the meeting's own children's needs, and the
  // grouped, filtered log for the admin and the coach; each checks its caller.
  'public.meeting_latest_needs',
  'public.pupil_access_log_grouped',
  'public.pupil_access_log_people',
  // Pupil rows through the loggers only (…_privacy_access_log.sql): these two now run as
  // definer, with the checks the table policies made, since staff no longer read the tables.
  'public.need_drawing_path',
  'public.meeting_preparations',
  'public.meeting_pupil_preparations',
  'public.publish_slot_round',
  'public.round_slots',
  'public.book_slot',
  // Changing a meeting round (…_meetings.sql): each checks that the
  // caller sees the class's pupils; removing a round cancels its bookings' meetings.
  'public.update_slot_round',
  'public.add_round_day',
  'public.remove_slot_round',
  // Translations of what people write (…_written_translations.sql): the table has no write
  // policy; a person corrects one after an explicit check of who may (the meeting's staff, the
  // class's staff, the school's admins). The feedback helper answers the same question as
  // meeting_feedback() about the caller only.
  'private.sees_feedback',
  // Who sees a preparation or a child's part, for the translations policy (…_meetings.sql).
  'private.sees_preparation',
  'private.sees_pupil_part',
  'public.correct_translation',
  // Class mode (…_class_mode_sign_in.sql): a pupil sets their own picture once and their board's
  // language, without an update policy on pupils.
  'public.set_pupil_avatar',
  'public.set_my_board_locale',
  // Notifications (…_mail_notifications.sql): settings, devices and reads have no write policy and
  // devices no read policy (a push address is a key to a person's phone); each of these works on
  // the caller's own rows only (auth.uid()). mark_meeting_read checks that the caller sees the
  // meeting. my_todo filters every part on the caller (their children, the classes they teach
  // or see, the schools they administer) and returns counts, times and first names only.
  'public.my_notification_settings',
  'public.save_my_notification_settings',
  'public.save_my_push_subscription',
  'public.remove_my_push_device',
  'public.remove_my_push_devices',
  'public.mark_meeting_read',
  'public.my_todo',
]);

describe.each(DATABASES)('schema on %s', (_label, open) => {
  let db: TestDb;
  beforeAll(async () => {
    db = await open();
  });
  afterAll(() => db?.close());

  const q = <T extends Record<string, unknown>>(text: string) => db.owner.transaction((sql) => sql.query<T>(text));

  const GUARDS = {
    tablesWithoutRls: `
      select n.nspname || '.' || c.relname as name
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname in ('public', 'private') and c.relkind in ('r', 'p') and not c.relrowsecurity
      order by 1`,
    tablesWithoutPolicy: `
      select c.relname as name
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind in ('r', 'p')
        and not exists (select 1 from pg_policy p where p.polrelid = c.oid)
      order by 1`,
    viewsNotInvoker: `
      select c.relname as name
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind in ('v', 'm')
        and not coalesce(c.reloptions::text[] && array['security_invoker=true', 'security_invoker=on', 'security_invoker=1'], false)
      order by 1`,
    definersCallable: `
      select n.nspname || '.' || p.proname as name
      from pg_proc p join pg_namespace n on n.oid = p.pronamespace
      where p.prosecdef
        and n.nspname not in ('pg_catalog', 'information_schema')
        and (has_function_privilege('anon', p.oid, 'execute') or has_function_privilege('authenticated', p.oid, 'execute'))
      order by 1`,
    definersWithoutSearchPath: `
      select n.nspname || '.' || p.proname as name
      from pg_proc p join pg_namespace n on n.oid = p.pronamespace
      where p.prosecdef and n.nspname in ('public', 'private')
        and not coalesce(p.proconfig && array['search_path=""', 'search_path='], false)
      order by 1`,
  };

  const offenders = async (guard: keyof typeof GUARDS) => {
    const names = (await q<{ name: string }>(GUARDS[guard])).map((r) => r.name);
    return guard === 'definersCallable' ? names.filter((n) => !DEFINER_ALLOWLIST.has(n)) : names;
  };

  it('every table in public and private has row level security enabled', async () => {
    expect(await offenders('tablesWithoutRls')).toEqual([]);
  });

  it('every table in public has at least one policy (RLS without a policy is a table nobody can use)', async () => {
    expect(await offenders('tablesWithoutPolicy')).toEqual([]);
  });

  it('every view in public runs as its caller (security_invoker)', async () => {
    expect(await offenders('viewsNotInvoker')).toEqual([]);
  });

  it('no security definer function outside the allowlist can be executed by anon or authenticated', async () => {
    expect(await offenders('definersCallable')).toEqual([]);
  });

  it('every security definer function pins an empty search_path', async () => {
    expect(await offenders('definersWithoutSearchPath')).toEqual([]);
  });

  it('the guards catch what they guard against (planted in a transaction that is rolled back)', async () => {
    const found = await db.owner
      .transaction(async (sql) => {
        await sql.exec(`
          create table public.planted_table (id int);
          create view public.planted_view as select 1 as one;
          create function public.planted_definer() returns int language sql security definer as 'select 1';
          grant execute on function public.planted_definer() to anon;
        `);
        const result: Record<string, string[]> = {};
        for (const [guard, text] of Object.entries(GUARDS)) {
          result[guard] = (await sql.query<{ name: string }>(text)).map((r) => r.name);
        }
        throw Object.assign(new Error('rollback'), { result });
      })
      .catch((err: { result?: Record<string, string[]> }) => err.result!);
    expect(found.tablesWithoutRls).toContain('public.planted_table');
    expect(found.tablesWithoutPolicy).toContain('planted_table');
    expect(found.viewsNotInvoker).toContain('planted_view');
    expect(found.definersCallable).toContain('public.planted_definer');
    expect(found.definersWithoutSearchPath).toContain('public.planted_definer');
  });

  it('anon can execute only the public-facts functions', async () => {
    const rows = await q<{ name: string }>(`
      select p.proname as name
      from pg_proc p join pg_namespace n on n.oid = p.pronamespace
      where n.nspname = 'public' and has_function_privilege('anon', p.oid, 'execute')
      order by 1`);
    expect(rows.map((r) => r.name)).toEqual([
      'invitation_preview',
      'leaflet_templates',
      'published_leaflet',
      'published_leaflets',
      'school_by_slug',
      'schools_with_leaflets',
    ]);
  });

  it('every function of the API registry exists in the database, and every public function is in the registry', async () => {
    const rows = await q<{ name: string }>(`
      select p.proname as name from pg_proc p join pg_namespace n on n.oid = p.pronamespace
      where n.nspname = 'public' order by 1`);
    expect(rows.map((r) => r.name).sort()).toEqual(Object.keys(RPC).sort());
  });

  // Who may execute each registry function, read from the database: the registry's `access`
  // must say the same (a grant written far from its function is how one slips).
  const GRANTS = `
    select p.proname as name,
           has_function_privilege('anon', p.oid, 'execute') as anon,
           has_function_privilege('authenticated', p.oid, 'execute') as authenticated,
           has_function_privilege('service_role', p.oid, 'execute') as service
    from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname = 'public'`;
  type GrantRow = { name: string; anon: boolean; authenticated: boolean; service: boolean };
  const grantMismatches = (rows: GrantRow[]) =>
    rows.flatMap((r) => {
      const entry = (RPC as Record<string, RpcEntry>)[r.name];
      if (!entry) return [];
      const expected = { anon: entry.access === 'anon', authenticated: entry.access !== 'service', service: true };
      const actual = { anon: r.anon, authenticated: r.authenticated, service: r.service };
      return JSON.stringify(expected) === JSON.stringify(actual)
        ? []
        : [`${r.name}: registry says ${entry.access}, grants say ${JSON.stringify(actual)}`];
    });

  it("every function's grants say what the registry's `access` says", async () => {
    expect(grantMismatches(await q<GrantRow>(GRANTS))).toEqual([]);
  });

  it('the grant check catches a function granted to more callers than the registry says (planted, rolled back)', async () => {
    const found = await db.owner
      .transaction(async (sql) => {
        await sql.exec('grant execute on function public.my_children() to anon');
        throw Object.assign(new Error('rollback'), { rows: await sql.query<GrantRow>(GRANTS) });
      })
      .catch((err: { rows?: GrantRow[] }) => err.rows!);
    expect(grantMismatches(found)).toEqual([expect.stringContaining('my_children')]);
  });

  it('the SQL enumerations and checks hold exactly the lists the app uses', async () => {
    const enumValues = async (type: string) =>
      (await q<{ v: string }>(`select unnest(enum_range(null::${type}))::text as v`)).map((r) => r.v);
    expect(await enumValues('public.school_role')).toEqual([...SCHOOL_ROLES]);
    expect(await enumValues('public.leaflet_block_kind')).toEqual([...BLOCK_KINDS]);
    expect(await enumValues('public.translation_origin')).toEqual([...TRANSLATION_ORIGINS]);
    expect(await enumValues('public.leaflet_status')).toEqual([...LEAFLET_STATUSES]);
    const list = async (fn: string) => (await q<{ ids: string[] }>(`select private.${fn}() as ids`))[0]!.ids;
    expect(await list('picture_ids')).toEqual([...PICTURE_IDS]);
    expect(await list('need_ids')).toEqual([...NEED_IDS]);
    expect(await list('goal_steps')).toEqual([...GOAL_STEPS]);
    expect(await list('avatar_ids')).toEqual([...AVATAR_IDS]);
    expect(await list('plan_circles')).toEqual([...PLAN_CIRCLES]);
    expect(await list('voice_keys')).toEqual([...VOICE_KEYS]);
    expect(await list('meeting_kinds')).toEqual([...MEETING_KINDS]);
    expect(await list('prep_topics')).toEqual([...PREP_TOPICS]);
    expect(await list('notification_kinds')).toEqual([...NOTIFICATION_KINDS]);
    expect(await list('essential_kinds')).toEqual([...ESSENTIAL_KINDS]);
    expect(await list('digest_kinds')).toEqual([...DIGEST_KINDS]);
    expect(await list('reminder_kinds')).toEqual([...REMINDER_KINDS]);
    for (const topic of PREP_TOPICS) {
      const [row] = await q<{ ids: string[] }>(`select private.prep_choices('${topic}') as ids`);
      expect(row!.ids, topic).toEqual([...PREP_CHOICES[topic]]);
    }
    for (const part of PUPIL_PREP_PARTS) {
      const [row] = await q<{ ids: string[] }>(`select private.pupil_prep_choices('${part}') as ids`);
      expect(row!.ids, part).toEqual([...PUPIL_PREP_CHOICES[part]]);
    }
    const [who] = await q<{ ids: string[] }>(`select private.pupil_prep_choices('who') as ids`);
    expect(who!.ids).toEqual([...WHO_IDS]);
    // The kinds of text whose translations are stored (translations.source).
    const [sources] = await q<{ def: string }>(
      `select pg_get_constraintdef(c.oid) as def from pg_constraint c
       where c.conrelid = 'public.translations'::regclass and c.contype = 'c' and pg_get_constraintdef(c.oid) like 'CHECK ((source = ANY%'`,
    );
    const sourceList = /source = ANY \(ARRAY\[([^\]]*)\]/.exec(sources!.def)![1]!;
    expect([...sourceList.matchAll(/'([a-z_]+)'::text/g)].map((m) => m[1])).toEqual([...WRITTEN_SOURCES]);

    // A language code is accepted by the database exactly when the app knows it.
    const accepts = async (value: string, type: string) =>
      db.owner
        .transaction((sql) => sql.query(`select $1::${type}`, [value]))
        .then(
          () => true,
          () => false,
        );
    for (const code of [...LOCALE_CODES, 'xx', 'NL', 'de', '']) {
      expect(await accepts(code, 'public.locale_code'), code).toBe((LOCALE_CODES as readonly string[]).includes(code));
    }
    // Translations are in every language but the source.
    const school = await buildSchool(db.owner);
    const translatable = async (locale: string) =>
      db.owner
        .transaction(async (sql) => {
          const [l] = await sql.query<{ id: string }>(`insert into public.leaflets (school_id, slug) values ($1, 'x') returning id`, [
            school.id,
          ]);
          const [b] = await sql.query<{ id: string }>(
            `insert into public.leaflet_blocks (leaflet_id, school_id, block_key, position, kind, origin, source)
             values ($1, $2, 'title', 0, 'title', 'school', '{"text":"T"}') returning id`,
            [l!.id, school.id],
          );
          await sql.query(
            `insert into public.leaflet_translations (block_id, leaflet_id, school_id, locale, content, source_version, origin)
             values ($1, $2, $3, $4, '{"text":"T"}', 1, 'school')`,
            [b!.id, l!.id, school.id, locale],
          );
          throw new Error('rollback: accepted');
        })
        .catch((err: Error) => err.message === 'rollback: accepted');
    for (const code of LOCALE_CODES) expect(await translatable(code), code).toBe((TRANSLATION_LOCALES as readonly string[]).includes(code));
  });

  it('the database refuses invisible and direction-changing characters in every name (hole 10)', async () => {
    const school = await buildSchool(db.owner);
    const klass = await buildClass(db.owner, school.id);
    const refused = (text: string, params: unknown[]) =>
      expect(db.owner.transaction((sql) => sql.query(text, params))).rejects.toMatchObject({ code: '23514' });
    for (const bad of ['Sara\u202E', 'Da\u2066an', 'Mi\u200Bla', 'No\u0007or', 'Em\uFEFFma']) {
      await refused('insert into public.pupils (school_id, class_id, first_name) values ($1, $2, $3)', [school.id, klass.id, bad]);
      await refused('insert into public.classes (school_id, name, school_year) values ($1, $2, $3)', [school.id, bad, '2026-2027']);
      await refused('update public.schools set name = $2 where id = $1', [school.id, `${bad} school`]);
    }
    // Arabic spelling keeps its joiners.
    await db.owner.transaction((sql) =>
      sql.query('insert into public.pupils (school_id, class_id, first_name) values ($1, $2, $3)', [school.id, klass.id, 'نور\u200Cالهدى']),
    );
  });

  it('the database refuses one character more than the app allows', async () => {
    const school = await buildSchool(db.owner);
    const klass = await buildClass(db.owner, school.id);
    const tooLong = (n: number) => 'x'.repeat(n + 1);
    const refused = (text: string, params: unknown[]) =>
      expect(db.owner.transaction((sql) => sql.query(text, params))).rejects.toMatchObject({ code: '23514' });
    await refused('insert into public.pupils (school_id, class_id, first_name) values ($1, $2, $3)', [
      school.id,
      klass.id,
      tooLong(LIMITS.pupilName.max),
    ]);
    await refused('insert into public.classes (school_id, name, school_year) values ($1, $2, $3)', [
      school.id,
      tooLong(LIMITS.className.max),
      '2026-2027',
    ]);
    await refused('update public.schools set name = $2 where id = $1', [school.id, tooLong(LIMITS.schoolName.max)]);
    await refused('insert into public.need_rounds (school_id, class_id, goal) values ($1, $2, $3)', [
      school.id,
      klass.id,
      tooLong(NEEDS_LIMITS.goal),
    ]);
    // and accepts exactly the limit
    await db.owner.transaction((sql) =>
      sql.query('insert into public.pupils (school_id, class_id, first_name) values ($1, $2, $3)', [
        school.id,
        klass.id,
        'y'.repeat(LIMITS.pupilName.max),
      ]),
    );
  });
});
