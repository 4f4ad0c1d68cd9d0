-- Classes and pupils: a class (groep) in a school year, its pupils (a first name in a class,
-- nothing more), each pupil's picture code, and the links between parents and their children
-- that a school issues. The API for staff (classes, pupils, login cards, linking parents) and
-- for parents and pupils themselves (my children, who am I).

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
  unique (id, school_id)
);
create index classes_school_idx on public.classes (school_id);

-- A pupil: a first name or nickname in a class. No surname, no birth date, no e-mail.
create table public.pupils (
  id uuid primary key default gen_random_uuid(),
  school_id uuid not null references public.schools (id) on delete cascade,
  class_id uuid not null,
  first_name text not null check (char_length(btrim(first_name)) between 1 and 40),
  -- The pupil's own sign-in identity, created at their first class mode sign-in.
  user_id uuid unique references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  foreign key (class_id, school_id) references public.classes (id, school_id) on delete cascade
);
create unique index pupils_name_per_class on public.pupils (class_id, lower(btrim(first_name)));
create index pupils_school_idx on public.pupils (school_id);

-- A pupil's picture code (three pictures), hashed, with its lock-out state. Kept apart from
-- `pupils` so no API role can ever select it; only the sign-in functions read it.
create table private.pupil_codes (
  pupil_id uuid primary key references public.pupils (id) on delete cascade,
  code_hash text not null,
  failed_attempts int not null default 0,
  locked_until timestamptz,
  updated_at timestamptz not null default now()
);

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
create index guardian_links_parent_idx on public.guardian_links (parent_user_id);
create index guardian_links_school_idx on public.guardian_links (school_id);

alter table public.classes enable row level security;
alter table public.pupils enable row level security;
alter table private.pupil_codes enable row level security;
alter table public.guardian_links enable row level security;

revoke all on public.classes, public.pupils, public.guardian_links from anon;
revoke all on private.pupil_codes from anon, authenticated;

-- ---------------------------------------------------------------------------------------
-- Helpers the policies share (about the caller only; definer for the same reason as in
-- schools_people).
-- ---------------------------------------------------------------------------------------

create function private.is_guardian_of(p_pupil uuid)
returns boolean
language sql stable security definer set search_path = ''
as $$
  select exists (
    select 1 from public.guardian_links g
    where g.pupil_id = p_pupil and g.parent_user_id = (select auth.uid())
  )
$$;
revoke execute on function private.is_guardian_of(uuid) from public;
grant execute on function private.is_guardian_of(uuid) to authenticated, service_role;

-- The caller is this pupil (signed in through class mode).
create function private.is_pupil_self(p_pupil uuid)
returns boolean
language sql stable security definer set search_path = ''
as $$
  select exists (
    select 1 from public.pupils p
    where p.id = p_pupil and p.user_id is not null and p.user_id = (select auth.uid())
  )
$$;
revoke execute on function private.is_pupil_self(uuid) from public;
grant execute on function private.is_pupil_self(uuid) to authenticated, service_role;

-- The caller may see this class: staff of its school, a parent of a pupil in it, or a pupil in it.
create function private.can_see_class(p_class uuid)
returns boolean
language sql stable security definer set search_path = ''
as $$
  select exists (
    select 1 from public.classes c
    where c.id = p_class and private.is_school_staff(c.school_id)
  ) or exists (
    select 1 from public.pupils p
    join public.guardian_links g on g.pupil_id = p.id
    where p.class_id = p_class and g.parent_user_id = (select auth.uid())
  ) or exists (
    select 1 from public.pupils p
    where p.class_id = p_class and p.user_id = (select auth.uid())
  )
$$;
revoke execute on function private.can_see_class(uuid) from public;
grant execute on function private.can_see_class(uuid) to authenticated, service_role;

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

-- ---------------------------------------------------------------------------------------
-- Policies
-- ---------------------------------------------------------------------------------------

-- Staff are checked on the row itself, so a class an admin just inserted is visible to them
-- in the same statement (INSERT … RETURNING also passes through this policy).
create policy "staff, parents and pupils of a class see it" on public.classes
  for select to authenticated
  using ((select private.is_school_staff(school_id)) or (select private.can_see_class(id)));
create policy "admins create classes in their school" on public.classes
  for insert to authenticated with check ((select private.is_school_admin(school_id)));
create policy "admins rename classes in their school" on public.classes
  for update to authenticated
  using ((select private.is_school_admin(school_id)))
  with check ((select private.is_school_admin(school_id)));
create policy "admins delete classes in their school" on public.classes
  for delete to authenticated using ((select private.is_school_admin(school_id)));

create policy "staff see their school's pupils, parents their children, pupils themselves" on public.pupils
  for select to authenticated
  using (
    (select private.is_school_staff(school_id))
    or (select private.is_guardian_of(id))
    or user_id = (select auth.uid())
  );
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

create policy "staff see their school's links and parents their own" on public.guardian_links
  for select to authenticated
  using ((select private.is_school_staff(school_id)) or parent_user_id = (select auth.uid()));
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

-- ---------------------------------------------------------------------------------------
-- API: classes and pupils (staff)
-- ---------------------------------------------------------------------------------------

-- Classes of a school, with how many pupils each has.
create function public.school_classes(p_school uuid)
returns table (class_id uuid, name text, school_year text, pupil_count int)
language sql stable security invoker set search_path = ''
as $$
  select c.id, c.name, c.school_year,
         (select count(*)::int from public.pupils p where p.class_id = c.id)
  from public.classes c
  where c.school_id = p_school
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

-- One class and its pupils, for the people who may see it.
create function public.class_pupils(p_class uuid)
returns table (pupil_id uuid, first_name text, has_signed_in boolean)
language sql stable security invoker set search_path = ''
as $$
  select p.id, p.first_name, p.user_id is not null
  from public.pupils p
  where p.class_id = p_class
  order by lower(p.first_name)
$$;
revoke execute on function public.class_pupils(uuid) from public, anon, authenticated;
grant execute on function public.class_pupils(uuid) to authenticated;

-- All pupils of a school the caller may see, with their class (for linking parents).
create function public.school_pupils(p_school uuid)
returns table (pupil_id uuid, first_name text, class_id uuid, class_name text)
language sql stable security invoker set search_path = ''
as $$
  select p.id, p.first_name, c.id, c.name
  from public.pupils p
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
  if coalesce(array_length(p_names, 1), 0) = 0 or array_length(p_names, 1) > 60 then
    raise exception using errcode = 'P0001', message = 'pupil_list_size';
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
  v_school uuid;
  v_pupil record;
  v_code text;
begin
  select c.school_id into v_school from public.classes c where c.id = p_class;
  if v_school is null or not private.is_school_staff(v_school) then
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
      set code_hash = excluded.code_hash, failed_attempts = 0, locked_until = null, updated_at = now();
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

-- ---------------------------------------------------------------------------------------
-- API: parents and their children
-- ---------------------------------------------------------------------------------------

-- The people of a school with their roles, and for parents their linked children.
create function public.school_people(p_school uuid)
returns table (
  membership_id uuid, user_id uuid, role public.school_role, display_name text, email text,
  children jsonb
)
language sql stable security invoker set search_path = ''
as $$
  select m.id, m.user_id, m.role, pr.display_name, pr.email,
         coalesce((
           select jsonb_agg(jsonb_build_object('link_id', g.id, 'pupil_id', p.id, 'first_name', p.first_name, 'class_name', c.name) order by p.first_name)
           from public.guardian_links g
           join public.pupils p on p.id = g.pupil_id
           join public.classes c on c.id = p.class_id
           where g.parent_user_id = m.user_id and g.school_id = m.school_id and m.role = 'parent'
         ), '[]'::jsonb)
  from public.memberships m
  left join public.profiles pr on pr.user_id = m.user_id
  where m.school_id = p_school and m.role <> 'pupil'
  order by m.role, lower(coalesce(pr.display_name, ''))
$$;
revoke execute on function public.school_people(uuid) from public, anon, authenticated;
grant execute on function public.school_people(uuid) to authenticated;

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
create function public.my_children()
returns table (
  pupil_id uuid, first_name text, class_id uuid, class_name text, school_year text,
  school_id uuid, school_slug text, school_name text
)
language sql stable security invoker set search_path = ''
as $$
  select p.id, p.first_name, c.id, c.name, c.school_year, s.id, s.slug, s.name
  from public.guardian_links g
  join public.pupils p on p.id = g.pupil_id
  join public.classes c on c.id = p.class_id
  join public.schools s on s.id = p.school_id
  where g.parent_user_id = (select auth.uid())
  order by s.name, p.first_name
$$;
revoke execute on function public.my_children() from public, anon, authenticated;
grant execute on function public.my_children() to authenticated;

-- The signed-in pupil: their first name, class and school.
create function public.my_pupil()
returns table (
  pupil_id uuid, first_name text, class_id uuid, class_name text, school_id uuid,
  school_slug text, school_name text
)
language sql stable security invoker set search_path = ''
as $$
  select p.id, p.first_name, c.id, c.name, s.id, s.slug, s.name
  from public.pupils p
  join public.classes c on c.id = p.class_id
  join public.schools s on s.id = p.school_id
  where p.user_id = (select auth.uid())
$$;
revoke execute on function public.my_pupil() from public, anon, authenticated;
grant execute on function public.my_pupil() to authenticated;
