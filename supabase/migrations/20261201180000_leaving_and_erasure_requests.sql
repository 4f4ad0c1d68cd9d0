-- Pupils who leave, and a parent's request for erasure.
--
-- A pupil who leaves the school is marked so by an admin (`left_at`): they drop out of their
-- class's lists, class mode and sign-in (their picture code goes at once), and their name is free
-- again in the class. What was stored about them stays for the school's retention time
-- (schools.retention_months, default 24 months: two school years) and is then erased by the
-- retention job, as `erase_pupil` does, with their drawings.
--
-- A parent asks for erasure from their own data page; the school's admins see the request and
-- carry it out, or explain why not, in one step. Carrying it out erases the parent in that school:
-- their preparations, feedback, bookings, requests, recorded voices, guardian links and roles; and
-- their whole sign-in identity when no school holds them any more. When the parent asked for it,
-- their children's answers, drawings, meeting parts and feedback go too; the child's first name in
-- the class stays while the child attends (the school needs it), and goes when they leave.

-- Tables ---------------------------------------------------------------------------------

alter table public.pupils add column left_at timestamptz;
drop index public.pupils_name_per_class;
create unique index pupils_name_per_class on public.pupils (class_id, lower(btrim(first_name))) where left_at is null;
create index pupils_left_idx on public.pupils (left_at) where left_at is not null;

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
create index erasure_requests_school_idx on public.erasure_requests (school_id, handled_at);
create index erasure_requests_person_idx on public.erasure_requests (requested_by);
-- At most one open request per person and school.
create unique index erasure_requests_one_open on public.erasure_requests (school_id, requested_by) where handled_at is null;
alter table public.erasure_requests enable row level security;
revoke all on public.erasure_requests from anon;
revoke insert, update, delete, truncate on public.erasure_requests from authenticated;

-- Policies -------------------------------------------------------------------------------

-- The person sees their own requests; the school's admins see the school's. Nobody writes the
-- table directly: requests and their handling go through the functions below.
create policy "people see their own erasure requests" on public.erasure_requests
  for select to authenticated
  using (requested_by = (select auth.uid()) or (select private.is_school_admin(school_id)));

-- Carrying out a parent's request removes the voices they recorded for their child; the admin
-- removes those files (the parent's rows are gone by then).
create policy "admins remove their school's voices" on storage.objects
  for delete to authenticated
  using (
    bucket_id = 'voices'
    and (select private.is_school_admin(private.uuid_or_null((storage.foldername(name))[1])))
  );

-- Functions ------------------------------------------------------------------------------

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

create or replace function public.erase_pupil(p_pupil uuid)
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

-- Marks a pupil as having left the school (p_left) or, for a mistake, as back. Leaving ends
-- their picture code, so they cannot sign in; it returns the day their data will be erased.
create function public.set_pupil_left(p_pupil uuid, p_left boolean)
returns timestamptz
language plpgsql volatile security definer set search_path = ''
as $$
declare
  v_pupil public.pupils;
  v_months int;
begin
  select * into v_pupil from public.pupils p where p.id = p_pupil;
  if v_pupil.id is null or not private.is_school_admin(v_pupil.school_id) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  if not p_left then
    if exists (
      select 1 from public.pupils p
      where p.class_id = v_pupil.class_id and p.id <> p_pupil and p.left_at is null
        and lower(btrim(p.first_name)) = lower(btrim(v_pupil.first_name))
    ) then
      raise exception using errcode = 'P0001', message = 'duplicate_pupil_name', detail = v_pupil.first_name;
    end if;
    update public.pupils p set left_at = null where p.id = p_pupil;
    return null;
  end if;
  update public.pupils p set left_at = coalesce(p.left_at, now()) where p.id = p_pupil
  returning p.left_at into v_pupil.left_at;
  delete from private.pupil_codes c where c.pupil_id = p_pupil;
  select s.retention_months into v_months from public.schools s where s.id = v_pupil.school_id;
  return v_pupil.left_at + make_interval(months => v_months);
end
$$;
revoke execute on function public.set_pupil_left(uuid, boolean) from public, anon, authenticated;
grant execute on function public.set_pupil_left(uuid, boolean) to authenticated;

-- The pupils who left a class, with when their data will be erased. For the school's admins.
create function public.left_pupils(p_class uuid)
returns table (pupil_id uuid, first_name text, left_at timestamptz, erase_on timestamptz)
language sql stable security definer set search_path = ''
as $$
  select p.id, p.first_name, p.left_at, p.left_at + make_interval(months => s.retention_months)
  from public.pupils p join public.schools s on s.id = p.school_id
  where p.class_id = p_class and p.left_at is not null and private.is_school_admin(p.school_id)
  order by p.left_at desc, lower(p.first_name)
$$;
revoke execute on function public.left_pupils(uuid) from public, anon, authenticated;
grant execute on function public.left_pupils(uuid) to authenticated;

-- The lists a class works with leave out pupils who left.
create or replace function public.class_pupils(p_class uuid)
returns table (pupil_id uuid, first_name text, has_signed_in boolean, avatar text)
language sql stable security invoker set search_path = ''
as $$
  select p.id, p.first_name, p.user_id is not null, p.avatar
  from public.pupils p
  where p.class_id = p_class and p.left_at is null
  order by lower(p.first_name)
$$;

create or replace function public.school_pupils(p_school uuid)
returns table (pupil_id uuid, first_name text, class_id uuid, class_name text)
language sql stable security invoker set search_path = ''
as $$
  select p.id, p.first_name, c.id, c.name
  from public.pupils p
  join public.classes c on c.id = p.class_id
  where p.school_id = p_school and p.left_at is null
  order by c.school_year desc, c.name, lower(p.first_name)
$$;

create or replace function public.class_device_roster(p_device_token text)
returns table (
  class_id uuid, class_name text, school_slug text, school_name text, pupils jsonb,
  expires_at timestamptz
)
language sql stable security definer set search_path = ''
as $$
  select c.id, c.name, s.slug, s.name,
         coalesce((
           select jsonb_agg(jsonb_build_object(
             'pupil_id', p.id, 'first_name', p.first_name, 'avatar', p.avatar,
             'needs_teacher', coalesce(pc.needs_teacher or pc.locked_until > now(), false)
           ) order by lower(p.first_name))
           from public.pupils p
           left join private.pupil_codes pc on pc.pupil_id = p.id
           where p.class_id = c.id and p.left_at is null
         ), '[]'::jsonb),
         d.expires_at
  from public.class_devices d
  join public.classes c on c.id = d.class_id
  join public.schools s on s.id = d.school_id
  where d.token_hash = private.token_hash(p_device_token) and d.expires_at > now()
$$;

create or replace function public.school_classes(p_school uuid)
returns table (class_id uuid, name text, school_year text, pupil_count int)
language sql stable security definer set search_path = ''
as $$
  select c.id, c.name, c.school_year,
         case when private.can_see_class_pupils(c.id)
           then (select count(*)::int from public.pupils p where p.class_id = c.id and p.left_at is null)
           else (select count(*)::int from public.pupils p
                 where p.class_id = c.id and p.left_at is null
                   and (private.is_pupil_self(p.id) or private.is_guardian_of(p.id)))
         end
  from public.classes c
  where c.school_id = p_school and private.can_see_class(c.id)
  order by c.school_year desc, c.name
$$;

create or replace function public.add_pupils(p_class uuid, p_names text[])
returns table (pupil_id uuid, first_name text, picture_code text)
language plpgsql volatile security definer set search_path = ''
as $$
declare
  v_school uuid;
  v_name text;
  v_id uuid;
  v_code text;
begin
  select c.school_id into v_school from public.classes c where c.id = p_class;
  if v_school is null or not private.is_school_admin(v_school) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  if coalesce(array_length(p_names, 1), 0) = 0 or array_length(p_names, 1) > 40 then
    raise exception using errcode = 'P0001', message = 'pupil_list_size';
  end if;
  if (select count(*) from public.pupils p where p.class_id = p_class and p.left_at is null) + array_length(p_names, 1) > 40 then
    raise exception using errcode = 'P0001', message = 'class_full';
  end if;
  foreach v_name in array p_names loop
    v_name := btrim(v_name);
    if exists (
      select 1 from public.pupils p
      where p.class_id = p_class and p.left_at is null and lower(btrim(p.first_name)) = lower(v_name)
    ) then
      raise exception using errcode = 'P0001', message = 'duplicate_pupil_name', detail = v_name;
    end if;
    insert into public.pupils (school_id, class_id, first_name)
    values (v_school, p_class, v_name)
    returning id into v_id;
    v_code := private.random_picture_code();
    insert into private.pupil_codes (pupil_id, code_hash) values (v_id, private.picture_code_hash(v_id, v_code));
    pupil_id := v_id;
    first_name := v_name;
    picture_code := v_code;
    return next;
  end loop;
end
$$;

create or replace function public.reset_pupil_codes(p_class uuid, p_pupils uuid[])
returns table (pupil_id uuid, first_name text, picture_code text)
language plpgsql volatile security definer set search_path = ''
as $$
declare
  v_pupil record;
  v_code text;
begin
  if not private.can_see_class_pupils(p_class) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  if coalesce(array_length(p_pupils, 1), 0) = 0 or array_length(p_pupils, 1) > 40 then
    raise exception using errcode = 'P0001', message = 'pupil_list_size';
  end if;
  for v_pupil in
    select p.id, p.first_name from public.pupils p
    where p.class_id = p_class and p.id = any (p_pupils) and p.left_at is null
    order by lower(p.first_name)
  loop
    v_code := private.random_picture_code();
    insert into private.pupil_codes (pupil_id, code_hash)
    values (v_pupil.id, private.picture_code_hash(v_pupil.id, v_code))
    on conflict on constraint pupil_codes_pkey do update
      set code_hash = excluded.code_hash, failed_attempts = 0, locked_until = null, lockouts = 0,
          needs_teacher = false, updated_at = now();
    pupil_id := v_pupil.id;
    first_name := v_pupil.first_name;
    picture_code := v_code;
    return next;
  end loop;
end
$$;

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
  v_files jsonb := '[]';
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
