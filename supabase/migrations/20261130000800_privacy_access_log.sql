-- Privacy and the access log: who looked at a pupil's data (one row per pupil per read, written
-- by the reading functions themselves, never the content), the school's privacy details,
-- consent, a person's own data (my data), requests for erasure and their answers, erasure itself
-- and retention (what is removed when, run by the server's retention job).
--
-- Who looked: every time staff read pupil-level data (a pupil's needs answers or drawing, a
-- meeting's preparations, a child's part of a meeting, a meeting's feedback), one row per pupil:
-- who, when, which pupil, what kind. Written in the same transaction as the read, so no page can
-- forget it. The admin and the coach read it. Parents reading their own child's data, and pupils
-- their own, are not logged.
--
-- Layout and the rule for later changes: the opening of …_schools_people.sql.

-- ---------------------------------------------------------------------------------------
-- Tables
-- ---------------------------------------------------------------------------------------

-- Who looked: one row per read of a pupil's data by staff (who, when, which pupil, what kind).
create table public.pupil_access_log (
  id bigint generated always as identity primary key,
  school_id uuid not null references public.schools (id) on delete cascade,
  reader_id uuid references auth.users (id) on delete set null,
  -- Erasing a pupil erases what the log says about them.
  pupil_id uuid not null references public.pupils (id) on delete cascade,
  kind text not null check (kind in ('needs_answers', 'drawing', 'preparation', 'pupil_preparation', 'feedback', 'parent_link')),
  -- Clock time, so that "within 10 seconds" holds inside one long transaction.
  at timestamptz not null default clock_timestamp()
);
alter table public.pupil_access_log enable row level security;

-- A person's request to erase their data (and, if asked, their children's), and the school's answer.
create table public.erasure_requests (
  id uuid primary key default gen_random_uuid(),
  school_id uuid not null references public.schools (id) on delete cascade,
  -- Null once the request was carried out: the record that it was done stays, without the person.
  requested_by uuid references auth.users (id) on delete set null,
  include_children boolean not null default false,
  message text check (message is null or (char_length(message) <= 500 and private.is_clean_text(message))),
  requested_at timestamptz not null default now(),
  handled_at timestamptz,
  handled_by uuid references auth.users (id) on delete set null,
  outcome text check (outcome is null or outcome in ('erased', 'declined')),
  reason text check (reason is null or (char_length(reason) <= 500 and private.is_clean_text(reason))),
  check ((handled_at is null) = (outcome is null)),
  check (outcome is distinct from 'declined' or reason is not null)
);
alter table public.erasure_requests enable row level security;

-- ---------------------------------------------------------------------------------------
-- Who may use the tables directly (everything else goes through the functions below)
-- ---------------------------------------------------------------------------------------

revoke all on public.erasure_requests from anon;
revoke insert, update, delete, truncate on public.erasure_requests from authenticated;

-- ---------------------------------------------------------------------------------------
-- Indexes
-- ---------------------------------------------------------------------------------------

create index pupil_access_log_school_idx on public.pupil_access_log (school_id, at desc);
create index pupil_access_log_pupil_idx on public.pupil_access_log (pupil_id);
create index pupil_access_log_reader_idx on public.pupil_access_log (reader_id);
create index erasure_requests_school_idx on public.erasure_requests (school_id, handled_at);
create index erasure_requests_person_idx on public.erasure_requests (requested_by);
-- At most one open request per person and school.
create unique index erasure_requests_one_open on public.erasure_requests (school_id, requested_by) where handled_at is null;
create index if not exists pupil_access_log_recent_idx on public.pupil_access_log (reader_id, pupil_id, kind, at desc);

-- ---------------------------------------------------------------------------------------
-- Row level security policies
-- ---------------------------------------------------------------------------------------

-- Read by the school's admins and coach; written only through private.log_pupil_reads.
create policy "the admin and the coach read who looked at their school's pupils" on public.pupil_access_log
  for select to authenticated
  using ((select private.has_school_role(school_id, array['admin', 'coach']::public.school_role[])));

create policy "admins see their school's pupils' drawings" on storage.objects
  for select to authenticated
  using (
    bucket_id = 'pupil-drawings'
    and (select private.is_school_admin(private.uuid_or_null((storage.foldername(name))[1])))
  );

create policy "admins remove their school's pupils' drawings" on storage.objects
  for delete to authenticated
  using (
    bucket_id = 'pupil-drawings'
    and (select private.is_school_admin(private.uuid_or_null((storage.foldername(name))[1])))
  );

-- The person sees their own requests; the school's admins see the school's. Nobody writes the
-- table directly: requests and their handling go through the functions below.
create policy "people see their own erasure requests" on public.erasure_requests
  for select to authenticated
  using (requested_by = (select auth.uid()) or (select private.is_school_admin(school_id)));

-- ---------------------------------------------------------------------------------------
-- Functions
-- ---------------------------------------------------------------------------------------

-- Records that the caller, a staff member of the pupils' school, read this kind of their data.
create function private.log_pupil_reads(p_pupils uuid[], p_kind text)
returns void
language sql volatile security definer set search_path = ''
as $$
  insert into public.pupil_access_log (school_id, reader_id, pupil_id, kind)
  select p.school_id, (select auth.uid()), p.id, p_kind
  from public.pupils p
  where p.id = any (p_pupils)
    and (select auth.uid()) is not null
    and private.is_school_staff(p.school_id)
    -- Once per page view: not again within 10 seconds for the same reader, pupil and kind.
    and not exists (
      select 1 from public.pupil_access_log l
      where l.reader_id = (select auth.uid()) and l.pupil_id = p.id and l.kind = p_kind
        and l.at > clock_timestamp() - interval '10 seconds'
    )
$$;
revoke execute on function private.log_pupil_reads(uuid[], text) from public;
grant execute on function private.log_pupil_reads(uuid[], text) to authenticated, service_role;

-- The log for the admin and the coach: newest first, with the reader's and the pupil's names.
create function public.pupil_access_log(p_school uuid, p_limit int default 200)
returns table (at timestamptz, reader text, pupil_id uuid, pupil text, class_name text, kind text)
language sql stable security invoker set search_path = ''
as $$
  select l.at, pf.display_name, l.pupil_id, p.first_name, c.name, l.kind
  from public.pupil_access_log l
  join public.pupils p on p.id = l.pupil_id
  left join public.classes c on c.id = p.class_id
  left join public.profiles pf on pf.user_id = l.reader_id
  where l.school_id = p_school
  order by l.at desc, l.id desc
  limit least(greatest(p_limit, 1), 1000)
$$;
revoke execute on function public.pupil_access_log(uuid, int) from public, anon, authenticated;
grant execute on function public.pupil_access_log(uuid, int) to authenticated;

-- The admin's privacy details of their school; an empty text clears a detail. Another school's
-- admin, other staff, parents and pupils update nothing (the update policy): no row comes back.
create function public.update_school_privacy(p_school uuid, p_board text, p_contact text, p_retention_months int)
returns setof public.schools
language sql volatile security invoker set search_path = ''
as $$
  update public.schools
  set privacy_board = nullif(btrim(p_board), ''),
      privacy_contact = nullif(btrim(p_contact), ''),
      retention_months = p_retention_months
  where id = p_school
  returning *
$$;
revoke execute on function public.update_school_privacy(uuid, text, text, int) from public, anon, authenticated;
grant execute on function public.update_school_privacy(uuid, text, text, int) to authenticated;

-- Erases a pupil's rows and returns their first name and stored drawings (for the caller to
-- remove). No check: only for erase_pupil and the retention job, which check first.
create function private.erase_pupil_rows(p_pupil uuid)
returns jsonb
language plpgsql volatile security definer set search_path = ''
as $$
declare
  v_pupil public.pupils;
  v_meetings uuid[];
  v_files jsonb;
begin
  select * into v_pupil from public.pupils p where p.id = p_pupil;
  if v_pupil.id is null then
    return null;
  end if;
  select coalesce(jsonb_agg(jsonb_build_object('bucket', o.bucket_id, 'name', o.name) order by o.name), '[]') into v_files
  from storage.objects o
  where o.bucket_id = 'pupil-drawings'
    and private.uuid_or_null((storage.foldername(o.name))[2]) = p_pupil;
  select coalesce(array_agg(mp.meeting_id), '{}') into v_meetings
  from public.meeting_pupils mp where mp.pupil_id = p_pupil;
  update public.slots s set booked_by = null, meeting_id = null where s.pupil_id = p_pupil;
  delete from public.pupils p where p.id = p_pupil;
  delete from public.meetings m
  where m.id = any (v_meetings)
    and not exists (select 1 from public.meeting_pupils mp where mp.meeting_id = m.id);
  if v_pupil.user_id is not null then
    delete from auth.users u where u.id = v_pupil.user_id;
  end if;
  return jsonb_build_object('first_name', v_pupil.first_name, 'files', v_files);
end
$$;
revoke execute on function private.erase_pupil_rows(uuid) from public, anon, authenticated;

-- Erases a pupil and everything about them; returns their first name (for the sentence that says
-- so) and the stored files to remove: {"first_name": …, "files": [{"bucket": …, "name": …}]}.
-- Definer: it reaches rows the admin's policies do not show (a parent's preparation, the pupil's
-- own sign-in identity) — after checking that the caller is an admin of the pupil's school.
create function public.erase_pupil(p_pupil uuid)
returns jsonb
language plpgsql volatile security definer set search_path = ''
as $$
declare
  v_school uuid;
begin
  select p.school_id into v_school from public.pupils p where p.id = p_pupil;
  if v_school is null or not private.is_school_admin(v_school) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  return private.erase_pupil_rows(p_pupil);
end
$$;
revoke execute on function public.erase_pupil(uuid) from public, anon, authenticated;
grant execute on function public.erase_pupil(uuid) to authenticated;

-- What the retention job removed, per kind (for the server's log: counts only).
create function public.run_retention(p_now timestamptz default now())
returns table (kind text, removed int)
language plpgsql volatile security definer set search_path = ''
as $$
declare
  v_count int;
begin
  -- The server (service role) or a scheduler as the owner (pg_cron on Supabase); never a person.
  if coalesce(current_setting('role', true), 'none') in ('anon', 'authenticated') then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  -- Invitations 30 days after they expired or were used: the letter has done its work.
  delete from public.invitations i
  where i.expires_at < p_now - interval '30 days' or i.used_at < p_now - interval '30 days';
  get diagnostics v_count = row_count;
  kind := 'invitations'; removed := v_count; return next;

  delete from public.class_devices d where d.expires_at < p_now;
  get diagnostics v_count = row_count;
  kind := 'class_devices'; removed := v_count; return next;

  delete from private.sign_in_events e where e.at < p_now - interval '90 days';
  get diagnostics v_count = row_count;
  kind := 'sign_in_events'; removed := v_count; return next;

  delete from private.auth_limits l
  where l.updated_at < p_now - interval '1 day' and (l.locked_until is null or l.locked_until < p_now);
  get diagnostics v_count = row_count;
  kind := 'sign_in_limits'; removed := v_count; return next;

  delete from public.pupil_access_log l where l.at < p_now - interval '24 months';
  get diagnostics v_count = row_count;
  kind := 'access_log'; removed := v_count; return next;
end
$$;
revoke execute on function public.run_retention(timestamptz) from public, anon, authenticated;
grant execute on function public.run_retention(timestamptz) to service_role;

-- Definer: it gathers across tables whose policies each show a part; every part is filtered on
-- the caller (auth.uid()) or the caller's guardian links, and nothing else.
create function public.my_data()
returns jsonb
language plpgsql stable security definer set search_path = ''
as $$
declare
  v_me uuid := (select auth.uid());
begin
  if v_me is null then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  return jsonb_build_object(
    'exported_at', now(),
    'profile', (
      select jsonb_build_object('name', p.display_name, 'email', p.email, 'language', p.locale,
                                'translates', p.translates, 'since', p.created_at)
      from public.profiles p where p.user_id = v_me),
    'schools', (
      select coalesce(jsonb_agg(jsonb_build_object('school', s.name, 'role', m.role, 'since', m.created_at)
                                order by s.name, m.role), '[]')
      from public.memberships m join public.schools s on s.id = m.school_id
      where m.user_id = v_me and m.role <> 'pupil'),
    'children', (
      select coalesce(jsonb_agg(jsonb_build_object(
        'first_name', p.first_name, 'class', c.name, 'school', s.name, 'avatar', p.avatar,
        'needs_answers', (
          select coalesce(jsonb_agg(jsonb_build_object(
            'round_opened', r.opened_at, 'goal', r.goal, 'needs', a.needs, 'goal_step', a.goal_step,
            'own_words', a.own_words, 'drawing', a.drawing_path is not null, 'updated_at', a.updated_at)
            order by r.opened_at), '[]')
          from public.need_answers a join public.need_rounds r on r.id = a.round_id
          where a.pupil_id = p.id),
        'meeting_parts', (
          select coalesce(jsonb_agg(jsonb_build_object(
            'meeting_at', m.starts_at, 'answers', pp.answers, 'words', pp.words, 'agreed_at', pp.consented_at)
            order by m.starts_at), '[]')
          from public.pupil_preparations pp join public.meetings m on m.id = pp.meeting_id
          where pp.pupil_id = p.id and pp.consented_at is not null),
        'who_looked', (
          select coalesce(jsonb_agg(jsonb_build_object('at', l.at, 'who', pf.display_name, 'what', l.kind)
                                    order by l.at desc), '[]')
          from public.pupil_access_log l left join public.profiles pf on pf.user_id = l.reader_id
          where l.pupil_id = p.id)
      ) order by p.first_name), '[]')
      from public.guardian_links g
      join public.pupils p on p.id = g.pupil_id
      join public.classes c on c.id = p.class_id
      join public.schools s on s.id = p.school_id
      where g.parent_user_id = v_me),
    'meetings', (
      select coalesce(jsonb_agg(jsonb_build_object(
        'kind', m.kind, 'status', m.status, 'starts_at', m.starts_at, 'minutes', m.minutes, 'place', m.place,
        'goal', m.goal, 'my_request', case when m.requested_by = v_me then m.request_reason end,
        'interpreter', mp.interpreter, 'comes_along', mp.companion,
        'my_preparation', (
          select jsonb_build_object('answers', pr.answers, 'shared_at', pr.shared_at, 'updated_at', pr.updated_at)
          from public.preparations pr where pr.meeting_id = m.id and pr.user_id = v_me),
        'agreements', (
          select coalesce(jsonb_agg(jsonb_build_object('text', a.text, 'who', a.who, 'due_on', a.due_on,
                                                       'evaluate_on', a.evaluate_on) order by a.created_at), '[]')
          from public.agreements a where a.meeting_id = m.id),
        'my_feedback', (
          select jsonb_build_object('top', f.top, 'tip', f.tip, 'seen', f.seen, 'heard', f.heard,
                                    'valued', f.valued, 'anonymous', f.anonymous)
          from public.meeting_feedback f where f.meeting_id = m.id and f.author_id = v_me)
      ) order by m.starts_at nulls last), '[]')
      from public.meeting_people mp join public.meetings m on m.id = mp.meeting_id
      where mp.user_id = v_me and mp.role = 'parent'),
    'slot_bookings', (
      select coalesce(jsonb_agg(jsonb_build_object('starts_at', sl.starts_at, 'minutes', sl.minutes, 'child', p.first_name)
                                order by sl.starts_at), '[]')
      from public.slots sl left join public.pupils p on p.id = sl.pupil_id
      where sl.booked_by = v_me),
    'voice_recordings', (select count(*) from public.voice_recordings v where v.recorded_by = v_me),
    -- What the translation machine (or a person at school) made of the caller's own words.
    'translations_of_my_words', (
      select coalesce(jsonb_agg(jsonb_build_object('of', t.source || '.' || t.field, 'language', t.target_lang, 'text', t.text,
                                                   'checked', t.origin = 'person', 'made_at', t.created_at)
                                order by t.created_at), '[]')
      from public.translations t
      where t.prep_user = v_me or t.wish_user = v_me or t.feedback_author = v_me
         or t.erasure_request_id in (select r.id from public.erasure_requests r where r.requested_by = v_me)
         or (t.source = 'meeting' and t.field = 'request_reason'
             and t.meeting_id in (select m.id from public.meetings m where m.requested_by = v_me)))
  );
end
$$;
revoke execute on function public.my_data() from public, anon, authenticated;
grant execute on function public.my_data() to authenticated;

-- Retention of pupils who left: everything about each pupil whose school's retention time since
-- they left has passed. Service role (the server's retention job, or pg_cron as the owner).
-- Returns how many pupils went and the stored drawings to remove.
create function public.erase_left_pupils(p_now timestamptz default now())
returns jsonb
language plpgsql volatile security definer set search_path = ''
as $$
declare
  v_id uuid;
  v_count int := 0;
  v_files jsonb := '[]'::jsonb;
  v_erased jsonb;
begin
  if coalesce(current_setting('role', true), 'none') in ('anon', 'authenticated') then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  for v_id in
    select p.id from public.pupils p join public.schools s on s.id = p.school_id
    where p.left_at is not null and p.left_at + make_interval(months => s.retention_months) < p_now
  loop
    v_erased := private.erase_pupil_rows(v_id);
    v_files := v_files || (v_erased -> 'files');
    v_count := v_count + 1;
  end loop;
  return jsonb_build_object('pupils', v_count, 'files', v_files);
end
$$;
revoke execute on function public.erase_left_pupils(timestamptz) from public, anon, authenticated;
grant execute on function public.erase_left_pupils(timestamptz) to service_role;

-- A parent (or staff member) asks their school to erase what is stored about them, and, if they
-- tick it, about their children. One open request per person and school; asking again while one
-- is open updates it.
create function public.request_erasure(p_school uuid, p_include_children boolean, p_message text)
returns uuid
language plpgsql volatile security definer set search_path = ''
as $$
declare
  v_me uuid := (select auth.uid());
  v_id uuid;
begin
  if v_me is null or not exists (
    select 1 from public.memberships m where m.school_id = p_school and m.user_id = v_me and m.role <> 'pupil'
  ) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  update public.erasure_requests r
  set include_children = p_include_children, message = nullif(btrim(p_message), ''), requested_at = now()
  where r.school_id = p_school and r.requested_by = v_me and r.handled_at is null
  returning r.id into v_id;
  if v_id is null then
    insert into public.erasure_requests (school_id, requested_by, include_children, message)
    values (p_school, v_me, p_include_children, nullif(btrim(p_message), ''))
    returning id into v_id;
  end if;
  return v_id;
end
$$;
revoke execute on function public.request_erasure(uuid, boolean, text) from public, anon, authenticated;
grant execute on function public.request_erasure(uuid, boolean, text) to authenticated;

-- The caller's own requests, in every school, with the school's answer.
create function public.my_erasure_requests()
returns table (
  request_id uuid, school_id uuid, school_name text, include_children boolean, requested_at timestamptz,
  handled_at timestamptz, outcome text, reason text
)
language sql stable security invoker set search_path = ''
as $$
  select r.id, r.school_id, s.name, r.include_children, r.requested_at, r.handled_at, r.outcome, r.reason
  from public.erasure_requests r join public.schools s on s.id = r.school_id
  where r.requested_by = (select auth.uid())
  order by r.requested_at desc
$$;
revoke execute on function public.my_erasure_requests() from public, anon, authenticated;
grant execute on function public.my_erasure_requests() to authenticated;

-- A school's requests for its admins: open ones first, with who asked (their name and e-mail, so
-- the admin knows who it is) and their children in this school.
create function public.school_erasure_requests(p_school uuid)
returns table (
  request_id uuid, requested_at timestamptz, name text, email text, children text[], include_children boolean,
  message text, handled_at timestamptz, outcome text, reason text
)
language sql stable security definer set search_path = ''
as $$
  select r.id, r.requested_at, pf.display_name, pf.email,
         coalesce((select array_agg(p.first_name order by lower(p.first_name))
                   from public.guardian_links g join public.pupils p on p.id = g.pupil_id
                   where g.school_id = r.school_id and g.parent_user_id = r.requested_by), '{}'),
         r.include_children, r.message, r.handled_at, r.outcome, r.reason
  from public.erasure_requests r left join public.profiles pf on pf.user_id = r.requested_by
  where r.school_id = p_school and private.is_school_admin(p_school)
  order by r.handled_at is not null, r.requested_at desc
  limit 200
$$;
revoke execute on function public.school_erasure_requests(uuid) from public, anon, authenticated;
grant execute on function public.school_erasure_requests(uuid) to authenticated;

-- Carries a request out (p_erase) or declines it with a reason the person will read, in one step.
-- Returns the stored files to remove (recorded voices, and the children's drawings).
create function public.handle_erasure_request(p_request uuid, p_erase boolean, p_reason text)
returns jsonb
language plpgsql volatile security definer set search_path = ''
as $$
declare
  v_req public.erasure_requests;
  v_user uuid;
  v_school uuid;
  v_children uuid[];
  v_child_users uuid[];
  v_files jsonb;
begin
  select * into v_req from public.erasure_requests r where r.id = p_request for update;
  if v_req.id is null or not private.is_school_admin(v_req.school_id) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  if v_req.handled_at is not null or v_req.requested_by is null then
    raise exception using errcode = 'P0001', message = 'already_handled';
  end if;
  if not p_erase then
    if nullif(btrim(p_reason), '') is null then
      raise exception using errcode = 'P0001', message = 'reason_required';
    end if;
    update public.erasure_requests r
    set handled_at = now(), handled_by = (select auth.uid()), outcome = 'declined', reason = btrim(p_reason)
    where r.id = p_request;
    return jsonb_build_object('files', '[]'::jsonb);
  end if;
  v_user := v_req.requested_by;
  v_school := v_req.school_id;
  if v_user = (select auth.uid()) then
    -- An admin erasing themselves would lock the school out of its own portal.
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  select coalesce(array_agg(g.pupil_id), '{}') into v_children
  from public.guardian_links g where g.school_id = v_school and g.parent_user_id = v_user;
  select coalesce(array_agg(p.user_id), '{}') into v_child_users
  from public.pupils p where p.id = any (v_children) and p.user_id is not null;

  -- The files first, while the rows still say which they are.
  select coalesce(jsonb_agg(jsonb_build_object('bucket', 'voices', 'name', v.path) order by v.path), '[]') into v_files
  from public.voice_recordings v where v.school_id = v_school and v.recorded_by = v_user;
  delete from public.voice_recordings v where v.school_id = v_school and v.recorded_by = v_user;

  if v_req.include_children then
    v_files := v_files || coalesce((
      select jsonb_agg(jsonb_build_object('bucket', o.bucket_id, 'name', o.name) order by o.name)
      from storage.objects o
      where o.bucket_id = 'pupil-drawings'
        and private.uuid_or_null((storage.foldername(o.name))[2]) = any (v_children)), '[]');
    delete from public.need_answers a where a.pupil_id = any (v_children);
    delete from public.pupil_preparations pp where pp.pupil_id = any (v_children);
    delete from public.meeting_feedback f where f.author_id = any (v_child_users);
    delete from public.pupil_access_log l where l.pupil_id = any (v_children);
  end if;

  -- The parent's own part of this school's meetings.
  delete from public.preparations pr
  using public.meetings m where m.id = pr.meeting_id and m.school_id = v_school and pr.user_id = v_user;
  delete from public.meeting_feedback f
  using public.meetings m where m.id = f.meeting_id and m.school_id = v_school and f.author_id = v_user;
  delete from public.meeting_people mp
  using public.meetings m where m.id = mp.meeting_id and m.school_id = v_school and mp.user_id = v_user;
  -- A meeting they asked for that never took place goes; one that did stays, without their question.
  delete from public.meetings m where m.school_id = v_school and m.requested_by = v_user and m.status = 'requested';
  update public.meetings m set requested_by = null, request_reason = null
  where m.school_id = v_school and m.requested_by = v_user;
  update public.slots s set booked_by = null
  from public.slot_rounds sr where sr.id = s.round_id and sr.school_id = v_school and s.booked_by = v_user;
  update public.invitations i set used_by = null where i.school_id = v_school and i.used_by = v_user;
  delete from public.guardian_links g where g.school_id = v_school and g.parent_user_id = v_user;
  delete from public.class_teachers t where t.school_id = v_school and t.user_id = v_user;
  delete from public.memberships m where m.school_id = v_school and m.user_id = v_user;

  update public.erasure_requests r
  set handled_at = now(), handled_by = (select auth.uid()), outcome = 'erased', requested_by = null,
      message = null, reason = nullif(btrim(p_reason), '')
  where r.id = p_request;

  -- No school holds them any more: their sign-in identity and profile go too.
  if not exists (select 1 from public.memberships m where m.user_id = v_user) then
    update public.erasure_requests r set requested_by = null where r.requested_by = v_user;
    delete from auth.users u where u.id = v_user;
  end if;
  return jsonb_build_object('files', v_files);
end
$$;
revoke execute on function public.handle_erasure_request(uuid, boolean, text) from public, anon, authenticated;
grant execute on function public.handle_erasure_request(uuid, boolean, text) to authenticated;

-- Each child of a meeting: their latest "I learn best…" choices (their class's newest round, their
-- answer in it), for staff who see the meeting and the child's class. Logs only the children whose
-- choices it returns.
create function public.meeting_latest_needs(p_meeting uuid)
returns table (pupil_id uuid, first_name text, needs text[])
language plpgsql volatile security definer set search_path = ''
as $$
begin
  if not private.staff_sees_meeting(p_meeting) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  return query
    with kids as (
      select mp.pupil_id, p.first_name, mp.class_id
      from public.meeting_pupils mp join public.pupils p on p.id = mp.pupil_id
      where mp.meeting_id = p_meeting
    ),
    latest as (
      select k.pupil_id,
             (select a.needs from public.need_rounds r
                join public.need_answers a on a.round_id = r.id and a.pupil_id = k.pupil_id
              where r.class_id = k.class_id
                and r.id = (select r2.id from public.need_rounds r2 where r2.class_id = k.class_id order by r2.opened_at desc limit 1)
             ) as needs
      from kids k
      where private.can_see_class_pupils(k.class_id)
    )
    select k.pupil_id, k.first_name, coalesce(l.needs, '{}')
    from kids k left join latest l on l.pupil_id = k.pupil_id
    order by lower(k.first_name);
  perform private.log_pupil_reads(
    array(select k.pupil_id
          from public.meeting_pupils k
          join public.need_rounds r on r.class_id = k.class_id
          join public.need_answers a on a.round_id = r.id and a.pupil_id = k.pupil_id
          where k.meeting_id = p_meeting and private.can_see_class_pupils(k.class_id)
            and r.id = (select r2.id from public.need_rounds r2 where r2.class_id = k.class_id order by r2.opened_at desc limit 1)
            and cardinality(a.needs) > 0),
    'needs_answers');
end
$$;
revoke execute on function public.meeting_latest_needs(uuid) from public, anon, authenticated;
grant execute on function public.meeting_latest_needs(uuid) to authenticated;

-- A parent linked to a pupil by staff: logged with the staff member who made it possible.
create function private.log_parent_link()
returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  -- A person's request (an invitation redeemed, people.link), not the seed or a restore.
  if new.created_by is not null and private.acting_person() then
    insert into public.pupil_access_log (school_id, reader_id, pupil_id, kind)
    values (new.school_id, new.created_by, new.pupil_id, 'parent_link');
  end if;
  return null;
end
$$;
revoke execute on function private.log_parent_link() from public;

-- The log for the admin and the coach, grouped: per staff member, pupil and day, what kinds, how
-- many page views (rows of one view fall within 10 seconds), first and last time. Filtered by
-- pupil, by staff member and by period (days in the school's time zone, both ends included).
create function public.pupil_access_log_grouped(
  p_school uuid, p_pupil uuid default null, p_reader uuid default null,
  p_from date default null, p_to date default null, p_limit int default 300
)
returns table (
  day text, reader_id uuid, reader text, pupil_id uuid, pupil text, class_name text,
  kinds text[], views int, first_at timestamptz, last_at timestamptz
)
language plpgsql stable security definer set search_path = ''
as $$
begin
  if not private.has_school_role(p_school, array['admin', 'coach']::public.school_role[]) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  return query
    select ((l.at at time zone 'Europe/Amsterdam')::date)::text, l.reader_id, pf.display_name, l.pupil_id, p.first_name, c.name,
           array_agg(distinct l.kind order by l.kind),
           count(distinct floor(extract(epoch from l.at) / 10))::int,
           min(l.at), max(l.at)
    from public.pupil_access_log l
    join public.pupils p on p.id = l.pupil_id
    left join public.classes c on c.id = p.class_id
    left join public.profiles pf on pf.user_id = l.reader_id
    where l.school_id = p_school
      and (p_pupil is null or l.pupil_id = p_pupil)
      and (p_reader is null or l.reader_id = p_reader)
      and (p_from is null or l.at >= (p_from::timestamp at time zone 'Europe/Amsterdam'))
      and (p_to is null or l.at < ((p_to + 1)::timestamp at time zone 'Europe/Amsterdam'))
    group by 1, l.reader_id, pf.display_name, l.pupil_id, p.first_name, c.name
    order by max(l.at) desc
    limit least(greatest(p_limit, 1), 1000);
end
$$;
revoke execute on function public.pupil_access_log_grouped(uuid, uuid, uuid, date, date, int) from public, anon, authenticated;
grant execute on function public.pupil_access_log_grouped(uuid, uuid, uuid, date, date, int) to authenticated;

-- Who can be chosen in the log's filters: the pupils and the staff members that appear in it.
create function public.pupil_access_log_people(p_school uuid)
returns table (role text, id uuid, name text, class_name text)
language plpgsql stable security definer set search_path = ''
as $$
begin
  if not private.has_school_role(p_school, array['admin', 'coach']::public.school_role[]) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  return query
    select 'pupil', p.id, p.first_name, c.name
    from public.pupils p left join public.classes c on c.id = p.class_id
    where p.id in (select l.pupil_id from public.pupil_access_log l where l.school_id = p_school)
    union all
    select 'staff', pf.user_id, pf.display_name, null
    from public.profiles pf
    where pf.user_id in (select l.reader_id from public.pupil_access_log l where l.school_id = p_school)
    order by 1, 3;
end
$$;
revoke execute on function public.pupil_access_log_people(uuid) from public, anon, authenticated;
grant execute on function public.pupil_access_log_people(uuid) to authenticated;

-- ---------------------------------------------------------------------------------------
-- Triggers
-- ---------------------------------------------------------------------------------------

create trigger guardian_links_logged after insert on public.guardian_links
  for each row execute function private.log_parent_link();
