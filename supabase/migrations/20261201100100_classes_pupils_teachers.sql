-- Classes and pupils: who teaches which class. A teacher sees and acts on the classes the admin
-- gave them (a teacher may have several classes, a class several teachers); the coach (intern
-- begeleider) and the admins see every class of the school. Also:
--   * removing a person from a school ends all their roles and links there at once;
--   * a parent sees a child only while they are a parent of that child's school;
--   * picture-code lock-outs escalate (5 minutes, 15 minutes, then until a teacher unlocks);
--   * names are checked for invisible and direction-changing characters here too.

-- ---------------------------------------------------------------------------------------
-- Who is staff, and who sees all classes
-- ---------------------------------------------------------------------------------------

-- Any staff role: admin, coach or teacher (leaflets, storage, colleagues' names).
create or replace function private.is_school_staff(p_school uuid)
returns boolean
language sql stable security definer set search_path = ''
as $$
  select private.has_school_role(p_school, array['admin', 'coach', 'teacher']::public.school_role[])
$$;

-- Admins and the coach see every class and every pupil of their school.
create function private.sees_all_classes(p_school uuid)
returns boolean
language sql stable security definer set search_path = ''
as $$
  select private.has_school_role(p_school, array['admin', 'coach']::public.school_role[])
$$;
revoke execute on function private.sees_all_classes(uuid) from public;
grant execute on function private.sees_all_classes(uuid) to authenticated, service_role;

-- ---------------------------------------------------------------------------------------
-- Tables
-- ---------------------------------------------------------------------------------------

-- Who teaches which class, set by the school's admin.
create table public.class_teachers (
  class_id uuid not null,
  school_id uuid not null,
  user_id uuid not null references auth.users (id) on delete cascade,
  created_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  primary key (class_id, user_id),
  foreign key (class_id, school_id) references public.classes (id, school_id) on delete cascade
);
create index class_teachers_user_idx on public.class_teachers (user_id, school_id);
create index class_teachers_school_idx on public.class_teachers (school_id);
alter table public.class_teachers enable row level security;
revoke all on public.class_teachers from anon;

-- Lock-outs escalate: how many in a row since the last good sign-in, and whether the pupil now
-- waits for a teacher (after the third, so no classmate can keep them out unseen).
alter table private.pupil_codes
  add column lockouts int not null default 0,
  add column needs_teacher boolean not null default false;

-- ---------------------------------------------------------------------------------------
-- Helpers the policies share (about the caller only)
-- ---------------------------------------------------------------------------------------

-- The caller teaches this class (and is still a teacher of its school).
create function private.teaches_class(p_class uuid)
returns boolean
language sql stable security definer set search_path = ''
as $$
  select exists (
    select 1 from public.class_teachers ct
    join public.memberships m on m.user_id = ct.user_id and m.school_id = ct.school_id and m.role = 'teacher'
    where ct.class_id = p_class and ct.user_id = (select auth.uid())
  )
$$;
revoke execute on function private.teaches_class(uuid) from public;
grant execute on function private.teaches_class(uuid) to authenticated, service_role;

-- The caller may see the pupils of this class as staff: the admins and coach of its school, or
-- a teacher of the class.
create function private.can_see_class_pupils(p_class uuid)
returns boolean
language sql stable security definer set search_path = ''
as $$
  select exists (
    select 1 from public.classes c
    where c.id = p_class and (private.sees_all_classes(c.school_id) or private.teaches_class(c.id))
  )
$$;
revoke execute on function private.can_see_class_pupils(uuid) from public;
grant execute on function private.can_see_class_pupils(uuid) to authenticated, service_role;

-- A parent's link counts only while they are a parent of the child's school.
create or replace function private.is_guardian_of(p_pupil uuid)
returns boolean
language sql stable security definer set search_path = ''
as $$
  select exists (
    select 1 from public.guardian_links g
    join public.memberships m on m.user_id = g.parent_user_id and m.school_id = g.school_id and m.role = 'parent'
    where g.pupil_id = p_pupil and g.parent_user_id = (select auth.uid())
  )
$$;

-- The caller may see this class: its school's admins and coach, its teachers, a parent of a
-- pupil in it, or a pupil in it.
create or replace function private.can_see_class(p_class uuid)
returns boolean
language sql stable security definer set search_path = ''
as $$
  select private.can_see_class_pupils(p_class) or exists (
    select 1 from public.pupils p
    where p.class_id = p_class and private.is_guardian_of(p.id)
  ) or exists (
    select 1 from public.pupils p
    where p.class_id = p_class and p.user_id = (select auth.uid())
  )
$$;

-- The caller may see this person's name: it is their own; they see all classes of a school the
-- person belongs to; they are colleagues (both staff of one school); or the person is a parent
-- of a pupil in a class the caller teaches.
create or replace function private.can_see_profile(p_user uuid)
returns boolean
language sql stable security definer set search_path = ''
as $$
  select p_user = (select auth.uid())
    or exists (
      select 1 from public.memberships m
      where m.user_id = p_user
        and (private.sees_all_classes(m.school_id)
             or (m.role in ('admin', 'coach', 'teacher') and private.is_school_staff(m.school_id)))
    )
    or exists (
      select 1 from public.guardian_links g
      join public.pupils p on p.id = g.pupil_id
      where g.parent_user_id = p_user and private.teaches_class(p.class_id)
    )
$$;

-- A name or short label as it may be stored: no control characters, no invisible or
-- direction-changing characters (the app's normaliser, src/domain/text.ts, removes them first).
create function private.is_clean_text(p_text text)
returns boolean
language sql immutable set search_path = ''
as $$
  select p_text is null
    or p_text !~ '[\u0001-\u001f\u007f-\u009f\u00ad\u180e\u200b\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]'
$$;
revoke execute on function private.is_clean_text(text) from public;
grant execute on function private.is_clean_text(text) to anon, authenticated, service_role;

alter table public.schools
  add constraint schools_name_clean check (private.is_clean_text(name) and private.is_clean_text(contact_name));
alter table public.profiles add constraint profiles_display_name_clean check (private.is_clean_text(display_name));
alter table public.classes add constraint classes_name_clean check (private.is_clean_text(name));
alter table public.pupils add constraint pupils_first_name_clean check (private.is_clean_text(first_name));
alter table public.invitations add constraint invitations_label_clean check (private.is_clean_text(label));

-- ---------------------------------------------------------------------------------------
-- Policies
-- ---------------------------------------------------------------------------------------

-- A person's sign-in address is copied into their profile by the portal; they change their name
-- and language, never the address others recognise them by (PostgREST allows column grants).
revoke update on public.profiles from authenticated;
grant update (display_name, locale, updated_at) on public.profiles to authenticated;
drop policy "people create their own profile" on public.profiles;
create policy "people create their own profile, with their own sign-in address" on public.profiles
  for insert to authenticated
  with check (user_id = (select auth.uid()) and email is not distinct from (select auth.email()));

drop policy "people see their own memberships and staff see their school's" on public.memberships;
create policy "people see their own roles; admins and coaches every role in their school; staff their colleagues" on public.memberships
  for select to authenticated
  using (
    user_id = (select auth.uid())
    or (select private.sees_all_classes(school_id))
    or (role in ('admin', 'coach', 'teacher') and (select private.is_school_staff(school_id)))
  );

drop policy "staff, parents and pupils of a class see it" on public.classes;
-- Admins and coaches are checked on the row itself, so a class an admin just inserted is visible
-- to them in the same statement (INSERT … RETURNING also passes through this policy).
create policy "admins, coaches, its teachers, parents and pupils of a class see it" on public.classes
  for select to authenticated
  using ((select private.sees_all_classes(school_id)) or (select private.can_see_class(id)));

drop policy "staff see their school's pupils, parents their children, pupils themselves" on public.pupils;
create policy "admins and coaches see their school's pupils, teachers their classes', parents their children, pupils themselves" on public.pupils
  for select to authenticated
  using (
    (select private.sees_all_classes(school_id))
    or (select private.teaches_class(class_id))
    or (select private.is_guardian_of(id))
    or user_id = (select auth.uid())
  );

drop policy "staff see their school's links and parents their own" on public.guardian_links;
create policy "admins and coaches see their school's links, teachers their pupils', parents their own" on public.guardian_links
  for select to authenticated
  using (
    (select private.sees_all_classes(school_id))
    or exists (select 1 from public.pupils p where p.id = pupil_id and (select private.teaches_class(p.class_id)))
    or parent_user_id = (select auth.uid())
  );

drop policy "staff see their school's class mode devices" on public.class_devices;
drop policy "staff open class mode for a class of their school" on public.class_devices;
drop policy "staff close class mode in their school" on public.class_devices;
create policy "admins, coaches and a class's teachers see its class mode devices" on public.class_devices
  for select to authenticated
  using ((select private.sees_all_classes(school_id)) or (select private.teaches_class(class_id)));
create policy "admins, coaches and a class's teachers open class mode for it" on public.class_devices
  for insert to authenticated
  with check (
    ((select private.sees_all_classes(school_id)) or (select private.teaches_class(class_id)))
    and opened_by = (select auth.uid())
  );
create policy "admins, coaches and a class's teachers close class mode for it" on public.class_devices
  for delete to authenticated
  using ((select private.sees_all_classes(school_id)) or (select private.teaches_class(class_id)));

create policy "admins and coaches see who teaches which class; teachers their own classes" on public.class_teachers
  for select to authenticated
  using ((select private.sees_all_classes(school_id)) or user_id = (select auth.uid()));
create policy "admins give a class a teacher of their school" on public.class_teachers
  for insert to authenticated
  with check (
    (select private.is_school_admin(school_id))
    and exists (
      select 1 from public.memberships m
      where m.user_id = class_teachers.user_id and m.school_id = class_teachers.school_id and m.role = 'teacher'
    )
  );
create policy "admins take a class from a teacher" on public.class_teachers
  for delete to authenticated using ((select private.is_school_admin(school_id)));

-- ---------------------------------------------------------------------------------------
-- API: teachers and classes
-- ---------------------------------------------------------------------------------------

-- Who teaches which class of a school, with their names (admins and coaches see all; a
-- teacher their own).
create function public.school_class_teachers(p_school uuid)
returns table (class_id uuid, user_id uuid, display_name text)
language sql stable security invoker set search_path = ''
as $$
  select ct.class_id, ct.user_id, pr.display_name
  from public.class_teachers ct
  left join public.profiles pr on pr.user_id = ct.user_id
  where ct.school_id = p_school
  order by lower(coalesce(pr.display_name, ''))
$$;
revoke execute on function public.school_class_teachers(uuid) from public, anon, authenticated;
grant execute on function public.school_class_teachers(uuid) to authenticated;

-- The class's teachers become exactly these (at most 10), in one change.
create function public.set_class_teachers(p_class uuid, p_teachers uuid[])
returns table (user_id uuid)
language plpgsql volatile security invoker set search_path = ''
as $$
declare
  v_school uuid;
begin
  select c.school_id into v_school from public.classes c where c.id = p_class;
  if v_school is null or not private.is_school_admin(v_school) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  if coalesce(array_length(p_teachers, 1), 0) > 10 then
    raise exception using errcode = 'P0001', message = 'list_too_long';
  end if;
  delete from public.class_teachers ct where ct.class_id = p_class and not (ct.user_id = any (coalesce(p_teachers, '{}')));
  insert into public.class_teachers (class_id, school_id, user_id, created_by)
  select p_class, v_school, t, (select auth.uid()) from unnest(coalesce(p_teachers, '{}')) as t
  on conflict do nothing;
  return query select ct.user_id from public.class_teachers ct where ct.class_id = p_class;
end
$$;
revoke execute on function public.set_class_teachers(uuid, uuid[]) from public, anon, authenticated;
grant execute on function public.set_class_teachers(uuid, uuid[]) to authenticated;

-- ---------------------------------------------------------------------------------------
-- API: people
-- ---------------------------------------------------------------------------------------

-- Removes a person from a school: every role they hold there, the classes they teach there and
-- their links to its pupils, at once. An admin cannot remove themselves.
create function public.remove_person(p_school uuid, p_user uuid)
returns int
language plpgsql volatile security invoker set search_path = ''
as $$
declare
  v_count int := 0;
  v_n int;
begin
  if not private.is_school_admin(p_school) or p_user = (select auth.uid()) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  delete from public.guardian_links g where g.school_id = p_school and g.parent_user_id = p_user;
  get diagnostics v_n = row_count;
  v_count := v_count + v_n;
  delete from public.class_teachers ct where ct.school_id = p_school and ct.user_id = p_user;
  get diagnostics v_n = row_count;
  v_count := v_count + v_n;
  delete from public.memberships m where m.school_id = p_school and m.user_id = p_user;
  get diagnostics v_n = row_count;
  return v_count + v_n;
end
$$;
revoke execute on function public.remove_person(uuid, uuid) from public, anon, authenticated;
grant execute on function public.remove_person(uuid, uuid) to authenticated;

drop function public.remove_membership(uuid);

-- The people of a school: everyone with a role there, and everyone who still has a link to one
-- of its pupils (a parent whose role was taken away some other way is shown, not hidden), each
-- with their roles and, for parents, their linked children.
drop function public.school_people(uuid);
create function public.school_people(p_school uuid)
returns table (user_id uuid, display_name text, email text, roles text[], children jsonb)
language sql stable security invoker set search_path = ''
as $$
  with people as (
    select m.user_id from public.memberships m where m.school_id = p_school and m.role <> 'pupil'
    union
    select g.parent_user_id from public.guardian_links g where g.school_id = p_school
  )
  select p.user_id, pr.display_name, pr.email,
         coalesce((
           select array_agg(m.role::text order by m.role) from public.memberships m
           where m.school_id = p_school and m.user_id = p.user_id and m.role <> 'pupil'
         ), '{}'),
         coalesce((
           select jsonb_agg(jsonb_build_object('link_id', g.id, 'pupil_id', pu.id, 'first_name', pu.first_name, 'class_name', c.name) order by pu.first_name)
           from public.guardian_links g
           join public.pupils pu on pu.id = g.pupil_id
           join public.classes c on c.id = pu.class_id
           where g.parent_user_id = p.user_id and g.school_id = p_school
         ), '[]'::jsonb)
  from people p
  left join public.profiles pr on pr.user_id = p.user_id
  where private.is_school_admin(p_school)
  order by lower(coalesce(pr.display_name, ''))
$$;
revoke execute on function public.school_people(uuid) from public, anon, authenticated;
grant execute on function public.school_people(uuid) to authenticated;

-- A parent's children, across every class and school, while they are a parent there.
create or replace function public.my_children()
returns table (
  pupil_id uuid, first_name text, class_id uuid, class_name text, school_year text,
  school_id uuid, school_slug text, school_name text
)
language sql stable security invoker set search_path = ''
as $$
  select p.id, p.first_name, c.id, c.name, c.school_year, s.id, s.slug, s.name
  from public.guardian_links g
  join public.memberships m on m.user_id = g.parent_user_id and m.school_id = g.school_id and m.role = 'parent'
  join public.pupils p on p.id = g.pupil_id
  join public.classes c on c.id = p.class_id
  join public.schools s on s.id = p.school_id
  where g.parent_user_id = (select auth.uid())
  order by s.name, p.first_name
$$;

-- ---------------------------------------------------------------------------------------
-- API: pupils and their picture codes
-- ---------------------------------------------------------------------------------------

-- Adds pupils to a class and gives each a picture code, returned once for the login cards.
-- A class holds at most 40 pupils. Security definer: the codes live in a table no API role may
-- touch; it checks that the caller is an admin of the class's school before it does anything.
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
  if (select count(*) from public.pupils p where p.class_id = p_class) + array_length(p_names, 1) > 40 then
    raise exception using errcode = 'P0001', message = 'class_full';
  end if;
  foreach v_name in array p_names loop
    v_name := btrim(v_name);
    if exists (
      select 1 from public.pupils p where p.class_id = p_class and lower(btrim(p.first_name)) = lower(v_name)
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

-- New picture codes (lifting any lock-out) for some pupils of one class, in one call: the
-- login cards a teacher prints. Returned once. Security definer for the same reason as
-- add_pupils; checks the caller may see the class's pupils. At most 40 pupils (a class).
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
    where p.class_id = p_class and p.id = any (p_pupils)
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

-- Who in a class cannot sign in right now: locked for a while, or waiting for a teacher. For the
-- class's staff. Security definer: the lock-out state lives with the codes.
create function public.class_lockouts(p_class uuid)
returns table (pupil_id uuid, locked_until timestamptz, needs_teacher boolean, lockouts int)
language sql stable security definer set search_path = ''
as $$
  select c.pupil_id, case when c.locked_until > now() then c.locked_until end, c.needs_teacher, c.lockouts
  from private.pupil_codes c
  join public.pupils p on p.id = c.pupil_id
  where p.class_id = p_class and private.can_see_class_pupils(p_class)
    and (c.needs_teacher or c.locked_until > now() or c.lockouts > 0)
$$;
revoke execute on function public.class_lockouts(uuid) from public, anon, authenticated;
grant execute on function public.class_lockouts(uuid) to authenticated;

-- A teacher lets a locked-out pupil try again, with the same pictures.
create function public.unlock_pupil(p_pupil uuid)
returns int
language plpgsql volatile security definer set search_path = ''
as $$
declare
  v_class uuid;
begin
  select p.class_id into v_class from public.pupils p where p.id = p_pupil;
  if v_class is null or not private.can_see_class_pupils(v_class) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  update private.pupil_codes
  set failed_attempts = 0, locked_until = null, lockouts = 0, needs_teacher = false, updated_at = now()
  where pupil_id = p_pupil;
  return 1;
end
$$;
revoke execute on function public.unlock_pupil(uuid) from public, anon, authenticated;
grant execute on function public.unlock_pupil(uuid) to authenticated;

-- Checks a pupil's picture code on a class mode device. Five wrong tries lock the pupil: the
-- first time for 5 minutes, the second for 15, the third until a teacher unlocks them (the
-- teacher sees it on the class page and on the class's name screen). Returns the outcome rather
-- than raising, so the attempt is recorded. Server only.
create or replace function public.pupil_sign_in(p_device_token text, p_pupil uuid, p_code text)
returns table (
  status text, pupil_user_id uuid, first_name text, attempts_left int, locked_until timestamptz,
  session_ends_at timestamptz
)
language plpgsql volatile security definer set search_path = ''
as $$
declare
  v_class uuid;
  v_pupil public.pupils;
  v_code private.pupil_codes;
  v_lock interval;
begin
  select d.class_id into v_class from public.class_devices d
  where d.token_hash = private.token_hash(p_device_token) and d.expires_at > now();
  if v_class is null then
    status := 'class_mode_closed';
    return next;
    return;
  end if;
  select * into v_pupil from public.pupils p where p.id = p_pupil and p.class_id = v_class;
  if v_pupil.id is null then
    status := 'unknown_pupil';
    return next;
    return;
  end if;
  first_name := v_pupil.first_name;
  select * into v_code from private.pupil_codes c where c.pupil_id = v_pupil.id for update;
  if v_code.pupil_id is null then
    status := 'no_code';
    return next;
    return;
  end if;
  if v_code.needs_teacher then
    status := 'needs_teacher';
    return next;
    return;
  end if;
  if v_code.locked_until is not null and v_code.locked_until > now() then
    status := 'locked';
    locked_until := v_code.locked_until;
    return next;
    return;
  end if;
  if v_code.code_hash = private.picture_code_hash(v_pupil.id, p_code) then
    update private.pupil_codes
    set failed_attempts = 0, locked_until = null, lockouts = 0, updated_at = now()
    where pupil_id = v_pupil.id;
    status := 'ok';
    pupil_user_id := v_pupil.user_id;
    session_ends_at := private.school_day_end();
    return next;
    return;
  end if;
  if v_code.failed_attempts + 1 >= 5 then
    if v_code.lockouts + 1 >= 3 then
      update private.pupil_codes
      set failed_attempts = 0, locked_until = null, lockouts = v_code.lockouts + 1, needs_teacher = true, updated_at = now()
      where pupil_id = v_pupil.id;
      status := 'needs_teacher';
    else
      v_lock := case when v_code.lockouts = 0 then interval '5 minutes' else interval '15 minutes' end;
      update private.pupil_codes
      set failed_attempts = 0, locked_until = now() + v_lock, lockouts = v_code.lockouts + 1, updated_at = now()
      where pupil_id = v_pupil.id;
      status := 'locked';
      locked_until := now() + v_lock;
    end if;
  else
    update private.pupil_codes
    set failed_attempts = v_code.failed_attempts + 1, updated_at = now()
    where pupil_id = v_pupil.id;
    status := 'wrong_code';
    attempts_left := 5 - (v_code.failed_attempts + 1);
  end if;
  return next;
end
$$;

-- The class on a device: its pupils' first names to tap, and who waits for a teacher. Server only.
drop function public.class_device_roster(text);
create function public.class_device_roster(p_device_token text)
returns table (
  class_id uuid, class_name text, school_slug text, school_name text, pupils jsonb,
  expires_at timestamptz
)
language sql stable security definer set search_path = ''
as $$
  select c.id, c.name, s.slug, s.name,
         coalesce((
           select jsonb_agg(jsonb_build_object(
             'pupil_id', p.id, 'first_name', p.first_name,
             'needs_teacher', coalesce(pc.needs_teacher or pc.locked_until > now(), false)
           ) order by lower(p.first_name))
           from public.pupils p
           left join private.pupil_codes pc on pc.pupil_id = p.id
           where p.class_id = c.id
         ), '[]'::jsonb),
         d.expires_at
  from public.class_devices d
  join public.classes c on c.id = d.class_id
  join public.schools s on s.id = d.school_id
  where d.token_hash = private.token_hash(p_device_token) and d.expires_at > now()
$$;
revoke execute on function public.class_device_roster(text) from public, anon, authenticated;
grant execute on function public.class_device_roster(text) to service_role;

-- Creates a single-use invitation and returns its code once (for the letter). A parent
-- invitation names 1 to 20 children of the school.
create or replace function public.create_invitation(
  p_school uuid, p_role public.school_role, p_pupils uuid[], p_locale text, p_label text
)
returns table (invitation_id uuid, code text, expires_at timestamptz)
language plpgsql volatile security invoker set search_path = ''
as $$
declare
  v_code text := private.random_invitation_code();
  v_invitation public.invitations;
begin
  if p_role = 'pupil' then
    raise exception using errcode = 'P0001', message = 'invalid_role';
  end if;
  if coalesce(array_length(p_pupils, 1), 0) > 20 then
    raise exception using errcode = 'P0001', message = 'list_too_long';
  end if;
  insert into public.invitations (school_id, role, code_hash, locale, label, created_by)
  values (p_school, p_role, private.invitation_code_hash(v_code), p_locale, nullif(btrim(p_label), ''), (select auth.uid()))
  returning * into v_invitation;
  if p_role = 'parent' and p_pupils is not null then
    insert into public.invitation_pupils (invitation_id, pupil_id, school_id)
    select v_invitation.id, u.pupil, p_school from unnest(p_pupils) as u(pupil);
  end if;
  invitation_id := v_invitation.id;
  code := v_code;
  expires_at := v_invitation.expires_at;
  return next;
end
$$;
