-- Classes and pupils: a class (groep) in a school year, its teachers, its pupils (a first name in
-- a class, nothing more), each pupil's picture code, and the links between parents and their
-- children that a school issues. A pupil who left (`left_at` set) is kept until retention
-- removes them, but is nobody's current pupil: every function asks `private.current_pupils`
-- (defined here, once) rather than repeating the rule. The API for staff (classes, pupils, login
-- cards, linking parents, leaving) and for parents and pupils themselves (my children, who am I).
--
-- Layout and the rule for later changes: the opening of …_schools_people.sql.

-- ---------------------------------------------------------------------------------------
-- Helpers the tables' checks use
-- ---------------------------------------------------------------------------------------

create function private.avatar_ids()
returns text[]
language sql immutable set search_path = ''
as $$
  select array['dog', 'cat', 'rabbit', 'fox', 'bear', 'panda', 'frog', 'lion', 'tiger', 'koala',
               'monkey', 'owl', 'turtle', 'ladybird', 'butterfly', 'dolphin', 'giraffe', 'elephant',
               'hedgehog', 'bee']
$$;
revoke execute on function private.avatar_ids() from public;
grant execute on function private.avatar_ids() to anon, authenticated, service_role;

-- ---------------------------------------------------------------------------------------
-- Tables
-- ---------------------------------------------------------------------------------------

-- A class (groep) in a school year.
create table public.classes (
  id uuid primary key default gen_random_uuid(),
  school_id uuid not null references public.schools (id) on delete cascade,
  name text not null check (char_length(btrim(name)) between 1 and 40),
  school_year text not null check (school_year ~ '^[0-9]{4}-[0-9]{4}$'),
  created_at timestamptz not null default now(),
  unique (school_id, school_year, name),
  unique (id, school_id),
  constraint classes_name_clean check (private.is_clean_text(name))
);
alter table public.classes enable row level security;

-- A pupil: a first name or nickname in a class. No surname, no birth date, no e-mail.
create table public.pupils (
  id uuid primary key default gen_random_uuid(),
  school_id uuid not null references public.schools (id) on delete cascade,
  class_id uuid not null,
  first_name text not null check (char_length(btrim(first_name)) between 1 and 40),
  -- The pupil's own sign-in identity, created at their first class mode sign-in.
  user_id uuid unique references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  -- The picture the pupil chose for themselves (class mode), and their needs board's language.
  avatar text check (avatar is null or avatar = any (private.avatar_ids())),
  board_locale public.locale_code,
  -- When the pupil left the school: from then on nobody's current pupil (private.current_pupils
  -- below), erased after the school's retention time.
  left_at timestamptz,
  foreign key (class_id, school_id) references public.classes (id, school_id) on delete cascade,
  constraint pupils_first_name_clean check (private.is_clean_text(first_name))
);
alter table public.pupils enable row level security;

-- A pupil's picture code (three pictures), hashed, with its lock-out state. Kept apart from
-- `pupils` so no API role can ever select it; only the sign-in functions read it.
create table private.pupil_codes (
  pupil_id uuid primary key references public.pupils (id) on delete cascade,
  code_hash text not null,
  failed_attempts int not null default 0,
  locked_until timestamptz,
  updated_at timestamptz not null default now(),
  -- Lock-outs escalate: how many in a row since the last good sign-in, and whether the pupil now
  -- waits for a teacher (after the third, so no classmate can keep them out unseen).
  lockouts int not null default 0,
  needs_teacher boolean not null default false
);
alter table private.pupil_codes enable row level security;

-- A parent's link to their child, issued by the school (never typed in by the parent).
create table public.guardian_links (
  id uuid primary key default gen_random_uuid(),
  school_id uuid not null references public.schools (id) on delete cascade,
  pupil_id uuid not null references public.pupils (id) on delete cascade,
  parent_user_id uuid not null references auth.users (id) on delete cascade,
  created_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  unique (pupil_id, parent_user_id)
);
alter table public.guardian_links enable row level security;

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
alter table public.class_teachers enable row level security;

-- ---------------------------------------------------------------------------------------
-- Who may use the tables directly (everything else goes through the functions below)
-- ---------------------------------------------------------------------------------------

revoke all on public.classes, public.pupils, public.guardian_links from anon;
revoke all on private.pupil_codes from anon, authenticated;
revoke all on public.class_teachers from anon;

-- ---------------------------------------------------------------------------------------
-- The shared rule: who is a current pupil
-- ---------------------------------------------------------------------------------------

-- A pupil who left (`left_at` set) stays in `pupils` until retention erases them, with what they
-- answered and prepared, but is nobody's current pupil: not in the class's lists and counts, not
-- signed in, not asked, not booked. Every function asks this view instead of repeating
-- `left_at is null` (tests/unit/migrations.test.ts fails when a function body says it itself).
-- `security_invoker`: the view reads `pupils` as whoever asks, through its row level security,
-- exactly as the query it replaces (a definer function, as its owner, sees every row as before).
-- In `private`, so the API does not offer it as another way to list pupils. Its columns are
-- those of `pupils` when it was made: a later migration that adds a column to `pupils` and needs
-- it here recreates the view.
create view private.current_pupils with (security_invoker = true) as
  select p.* from public.pupils p where p.left_at is null;
revoke all on private.current_pupils from public, anon;
grant select on private.current_pupils to authenticated, service_role;

-- ---------------------------------------------------------------------------------------
-- Indexes
-- ---------------------------------------------------------------------------------------

create index classes_school_idx on public.classes (school_id);
create index pupils_school_idx on public.pupils (school_id);
create index guardian_links_parent_idx on public.guardian_links (parent_user_id);
create index guardian_links_school_idx on public.guardian_links (school_id);
create index class_teachers_user_idx on public.class_teachers (user_id, school_id);
create index class_teachers_school_idx on public.class_teachers (school_id);
create unique index pupils_name_per_class on public.pupils (class_id, lower(btrim(first_name))) where left_at is null;
create index pupils_left_idx on public.pupils (left_at) where left_at is not null;

-- ---------------------------------------------------------------------------------------
-- Helpers the policies share (about the caller only)
-- ---------------------------------------------------------------------------------------

-- Admins and the coach see every class and every pupil of their school.
create function private.sees_all_classes(p_school uuid)
returns boolean
language sql stable security definer set search_path = ''
as $$
  select private.has_school_role(p_school, array['admin', 'coach']::public.school_role[])
$$;
revoke execute on function private.sees_all_classes(uuid) from public;
grant execute on function private.sees_all_classes(uuid) to authenticated, service_role;

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

-- The caller may see this person's profile: it is their own, or they are staff of a school
-- the person belongs to.
-- The caller may see this person's name: it is their own; they see all classes of a school the
-- person belongs to; they are colleagues (both staff of one school); or the person is a parent
-- of a pupil in a class the caller teaches.
create function private.can_see_profile(p_user uuid)
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
revoke execute on function private.can_see_profile(uuid) from public;
grant execute on function private.can_see_profile(uuid) to authenticated, service_role;

-- A parent's link counts only while they are a parent of the child's school.
create function private.is_guardian_of(p_pupil uuid)
returns boolean
language sql stable security definer set search_path = ''
as $$
  select exists (
    select 1 from public.guardian_links g
    join public.memberships m on m.user_id = g.parent_user_id and m.school_id = g.school_id and m.role = 'parent'
    where g.pupil_id = p_pupil and g.parent_user_id = (select auth.uid())
  )
$$;
revoke execute on function private.is_guardian_of(uuid) from public;
grant execute on function private.is_guardian_of(uuid) to authenticated, service_role;

-- The caller is this pupil (signed in through class mode).
-- Policy helpers: a pupil who left is nobody's pupil in the class, and not themselves either.
create function private.is_pupil_self(p_pupil uuid)
returns boolean
language sql stable security definer set search_path = ''
as $$
  select exists (
    select 1 from private.current_pupils p
    where p.id = p_pupil and p.user_id is not null and p.user_id = (select auth.uid())
  )
$$;
revoke execute on function private.is_pupil_self(uuid) from public;
grant execute on function private.is_pupil_self(uuid) to authenticated, service_role;

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

-- The caller may see this class: staff of its school, a parent of a pupil in it, or a pupil in it.
create function private.can_see_class(p_class uuid)
returns boolean
language sql stable security definer set search_path = ''
as $$
  select private.can_see_class_pupils(p_class) or exists (
    select 1 from private.current_pupils p
    where p.class_id = p_class and private.is_guardian_of(p.id)
  ) or exists (
    select 1 from private.current_pupils p
    where p.class_id = p_class and p.user_id = (select auth.uid())
  )
$$;
revoke execute on function private.can_see_class(uuid) from public;
grant execute on function private.can_see_class(uuid) to authenticated, service_role;

-- ---------------------------------------------------------------------------------------
-- Row level security policies
-- ---------------------------------------------------------------------------------------

create policy "people see their own profile and staff see their school's people" on public.profiles
  for select to authenticated using ((select private.can_see_profile(user_id)));

create policy "admins create classes in their school" on public.classes
  for insert to authenticated with check ((select private.is_school_admin(school_id)));

create policy "admins rename classes in their school" on public.classes
  for update to authenticated
  using ((select private.is_school_admin(school_id)))
  with check ((select private.is_school_admin(school_id)));

create policy "admins delete classes in their school" on public.classes
  for delete to authenticated using ((select private.is_school_admin(school_id)));

create policy "admins add pupils to their school" on public.pupils
  for insert to authenticated with check ((select private.is_school_admin(school_id)));

create policy "admins change pupils in their school" on public.pupils
  for update to authenticated
  using ((select private.is_school_admin(school_id)))
  with check ((select private.is_school_admin(school_id)));

create policy "admins remove pupils from their school" on public.pupils
  for delete to authenticated using ((select private.is_school_admin(school_id)));

-- Pupils have no profile: their first name in the class is all the portal keeps.
create policy "pupils create no profile" on public.profiles
  as restrictive for insert to authenticated
  with check (not exists (select 1 from public.pupils p where p.user_id = (select auth.uid())));

create policy "admins link a parent of their school to a pupil of their school" on public.guardian_links
  for insert to authenticated
  with check (
    (select private.is_school_admin(school_id))
    and exists (
      select 1 from public.pupils p where p.id = pupil_id and p.school_id = guardian_links.school_id
    )
    and exists (
      select 1 from public.memberships m
      where m.user_id = parent_user_id and m.school_id = guardian_links.school_id and m.role = 'parent'
    )
  );

create policy "admins remove links in their school" on public.guardian_links
  for delete to authenticated using ((select private.is_school_admin(school_id)));

create policy "people create their own profile, with their own sign-in address" on public.profiles
  for insert to authenticated
  with check (user_id = (select auth.uid()) and email is not distinct from (select auth.email()));

create policy "people see their own roles; admins and coaches every role in their school; staff their colleagues" on public.memberships
  for select to authenticated
  using (
    user_id = (select auth.uid())
    or (select private.sees_all_classes(school_id))
    or (role in ('admin', 'coach', 'teacher') and (select private.is_school_staff(school_id)))
  );

-- Admins and coaches are checked on the row itself, so a class an admin just inserted is visible
-- to them in the same statement (INSERT … RETURNING also passes through this policy).
create policy "admins, coaches, its teachers, parents and pupils of a class see it" on public.classes
  for select to authenticated
  using ((select private.sees_all_classes(school_id)) or (select private.can_see_class(id)));

create policy "admins and coaches see their school's pupils, teachers their classes', parents their children, pupils themselves" on public.pupils
  for select to authenticated
  using (
    (select private.sees_all_classes(school_id))
    or (select private.teaches_class(class_id))
    or (select private.is_guardian_of(id))
    or user_id = (select auth.uid())
  );

create policy "admins and coaches see their school's links, teachers their pupils', parents their own" on public.guardian_links
  for select to authenticated
  using (
    (select private.sees_all_classes(school_id))
    or exists (select 1 from public.pupils p where p.id = pupil_id and (select private.teaches_class(p.class_id)))
    or parent_user_id = (select auth.uid())
  );

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
-- Functions
-- ---------------------------------------------------------------------------------------

-- The nine pictures a picture code is made of (ids; the app draws and names them:
-- src/domain/pictures.ts, tied by a schema test).
create function private.picture_ids()
returns text[]
language sql immutable set search_path = ''
as $$
  select array['apple', 'bike', 'cat', 'sun', 'tree', 'fish', 'star', 'house', 'ball']
$$;
revoke execute on function private.picture_ids() from public;

create function private.random_picture_code()
returns text
language sql volatile set search_path = ''
as $$
  select string_agg((private.picture_ids())[1 + ((r[k * 2 + 1] * 256 + r[k * 2 + 2]) % 9)], '-' order by k)
  from (select private.random_bytes() as r) x, generate_series(0, 2) as k
$$;
revoke execute on function private.random_picture_code() from public;

create function private.picture_code_hash(p_pupil uuid, p_code text)
returns text
language sql immutable set search_path = ''
as $$
  select encode(sha256(convert_to(p_pupil::text || ':' || lower(p_code), 'UTF8')), 'hex')
$$;
revoke execute on function private.picture_code_hash(uuid, text) from public;

-- Classes of a school, with how many pupils each has.
create function public.school_classes(p_school uuid)
returns table (class_id uuid, name text, school_year text, pupil_count int)
language sql stable security definer set search_path = ''
as $$
  select c.id, c.name, c.school_year,
         case when private.can_see_class_pupils(c.id)
           then (select count(*)::int from private.current_pupils p where p.class_id = c.id)
           else (select count(*)::int from private.current_pupils p
                 where p.class_id = c.id
                   and (private.is_pupil_self(p.id) or private.is_guardian_of(p.id)))
         end
  from public.classes c
  where c.school_id = p_school and private.can_see_class(c.id)
  order by c.school_year desc, c.name
$$;
revoke execute on function public.school_classes(uuid) from public, anon, authenticated;
grant execute on function public.school_classes(uuid) to authenticated;

create function public.create_class(p_school uuid, p_name text, p_school_year text)
returns setof public.classes
language sql volatile security invoker set search_path = ''
as $$
  insert into public.classes (school_id, name, school_year)
  values (p_school, btrim(p_name), p_school_year)
  returning *
$$;
revoke execute on function public.create_class(uuid, text, text) from public, anon, authenticated;
grant execute on function public.create_class(uuid, text, text) to authenticated;

create function public.delete_class(p_class uuid)
returns setof public.classes
language sql volatile security invoker set search_path = ''
as $$
  delete from public.classes where id = p_class returning *
$$;
revoke execute on function public.delete_class(uuid) from public, anon, authenticated;
grant execute on function public.delete_class(uuid) to authenticated;

-- All pupils of a school the caller may see, with their class (for linking parents).
create function public.school_pupils(p_school uuid)
returns table (pupil_id uuid, first_name text, class_id uuid, class_name text)
language sql stable security invoker set search_path = ''
as $$
  select p.id, p.first_name, c.id, c.name
  from private.current_pupils p
  join public.classes c on c.id = p.class_id
  where p.school_id = p_school
  order by c.school_year desc, c.name, lower(p.first_name)
$$;
revoke execute on function public.school_pupils(uuid) from public, anon, authenticated;
grant execute on function public.school_pupils(uuid) to authenticated;

-- Adds pupils to a class and gives each a picture code, returned once for the login cards.
-- Security definer because the codes live in a table no API role may touch; it checks that
-- the caller is an admin of the class's school before it does anything.
create function public.add_pupils(p_class uuid, p_names text[])
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
  if (select count(*) from private.current_pupils p where p.class_id = p_class) + array_length(p_names, 1) > 40 then
    raise exception using errcode = 'P0001', message = 'class_full';
  end if;
  foreach v_name in array p_names loop
    v_name := btrim(v_name);
    if exists (
      select 1 from private.current_pupils p
      where p.class_id = p_class and lower(btrim(p.first_name)) = lower(v_name)
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
revoke execute on function public.add_pupils(uuid, text[]) from public, anon, authenticated;
grant execute on function public.add_pupils(uuid, text[]) to authenticated;

-- New picture codes (lifting any lock-out) for some pupils of one class, in one call: the
-- login cards a teacher prints. Returned once. Security definer for the same reason as
-- add_pupils; checks the caller is staff of the class's school. At most 40 pupils (a class).
create function public.reset_pupil_codes(p_class uuid, p_pupils uuid[])
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
    select p.id, p.first_name from private.current_pupils p
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
revoke execute on function public.reset_pupil_codes(uuid, uuid[]) from public, anon, authenticated;
grant execute on function public.reset_pupil_codes(uuid, uuid[]) to authenticated;

create function public.remove_pupil(p_pupil uuid)
returns setof public.pupils
language sql volatile security invoker set search_path = ''
as $$
  delete from public.pupils where id = p_pupil returning *
$$;
revoke execute on function public.remove_pupil(uuid) from public, anon, authenticated;
grant execute on function public.remove_pupil(uuid) to authenticated;

create function public.link_guardian(p_pupil uuid, p_parent uuid)
returns setof public.guardian_links
language sql volatile security invoker set search_path = ''
as $$
  insert into public.guardian_links (school_id, pupil_id, parent_user_id, created_by)
  select p.school_id, p.id, p_parent, (select auth.uid())
  from public.pupils p where p.id = p_pupil
  on conflict (pupil_id, parent_user_id) do nothing
  returning *
$$;
revoke execute on function public.link_guardian(uuid, uuid) from public, anon, authenticated;
grant execute on function public.link_guardian(uuid, uuid) to authenticated;

create function public.unlink_guardian(p_link uuid)
returns setof public.guardian_links
language sql volatile security invoker set search_path = ''
as $$
  delete from public.guardian_links where id = p_link returning *
$$;
revoke execute on function public.unlink_guardian(uuid) from public, anon, authenticated;
grant execute on function public.unlink_guardian(uuid) to authenticated;

-- A parent's children, across every class and school.
-- A parent's children, across every class and school, while they are a parent there.
create function public.my_children()
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
revoke execute on function public.my_children() from public, anon, authenticated;
grant execute on function public.my_children() to authenticated;

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

-- Marks a pupil as having left the school (p_left) or, for a mistake, as back. Leaving ends
-- their picture code, so they cannot sign in; it returns the day their data will be erased.
-- A pupil marked as left loses every session at once (their presence goes, and with it every
-- request's answer), no longer counts as themselves in any policy, and what was planned for them
-- is undone: their future booking in a meeting round is released (the time is free for another
-- child), a planned meeting about them alone is cancelled, and from a group meeting they are taken
-- out (with their parents, unless another of their children is in it).
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
      select 1 from private.current_pupils p
      where p.class_id = v_pupil.class_id and p.id <> p_pupil
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

  -- Every session ends at once: the server's next question finds no presence.
  delete from private.pupil_presence pp where pp.pupil_id = p_pupil;
  if v_pupil.user_id is not null then
    -- (Where the auth service keeps them out of reach, the presence alone ends them.)
    begin
      -- The schema is named at run time: one of the two does not exist in each mode (and a
      -- static name would be checked, and refused, by plpgsql_check where it is missing).
      if to_regclass('embedded_auth.sessions') is not null then
        execute format('delete from %I.sessions where user_id = $1', 'embedded_auth') using v_pupil.user_id;
      end if;
      if to_regclass('auth.sessions') is not null then
        execute format('delete from %I.sessions where user_id = $1', 'auth') using v_pupil.user_id;
      end if;
    exception when insufficient_privilege then
      null;
    end;
  end if;

  -- Their future times in meeting rounds are free again; the meeting each booking made goes.
  update public.meetings m set status = 'cancelled'
  where m.id in (
    select s.meeting_id from public.slots s
    where s.pupil_id = p_pupil and s.starts_at > now() and s.meeting_id is not null
  );
  update public.slots s set pupil_id = null, booked_by = null, meeting_id = null
  where s.pupil_id = p_pupil and s.starts_at > now();

  -- Meetings still to come: about them alone, cancelled; a group meeting goes on without them
  -- (and without their parents, unless another of their children is in it).
  update public.meetings m set status = 'cancelled'
  where m.status in ('planned', 'requested') and (m.starts_at is null or m.starts_at > now())
    and exists (select 1 from public.meeting_pupils mp where mp.meeting_id = m.id and mp.pupil_id = p_pupil)
    and not exists (select 1 from public.meeting_pupils mp where mp.meeting_id = m.id and mp.pupil_id <> p_pupil);
  delete from public.meeting_people mpe
  using public.meetings m
  where m.id = mpe.meeting_id and mpe.role = 'parent'
    and m.status in ('planned', 'requested') and (m.starts_at is null or m.starts_at > now())
    and exists (select 1 from public.meeting_pupils mp where mp.meeting_id = m.id and mp.pupil_id = p_pupil)
    and exists (select 1 from public.meeting_pupils mp where mp.meeting_id = m.id and mp.pupil_id <> p_pupil)
    and exists (select 1 from public.guardian_links g where g.pupil_id = p_pupil and g.parent_user_id = mpe.user_id)
    and not exists (
      select 1 from public.meeting_pupils mp join public.guardian_links g on g.pupil_id = mp.pupil_id
      where mp.meeting_id = m.id and mp.pupil_id <> p_pupil and g.parent_user_id = mpe.user_id
    );
  delete from public.meeting_pupils mp
  using public.meetings m
  where m.id = mp.meeting_id and mp.pupil_id = p_pupil
    and m.status in ('planned', 'requested') and (m.starts_at is null or m.starts_at > now())
    and exists (select 1 from public.meeting_pupils o where o.meeting_id = m.id and o.pupil_id <> p_pupil);

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
