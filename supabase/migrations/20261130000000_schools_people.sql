-- Schools and the people in them: the schools, each person's profile (name and language), and
-- who holds which role in which school. Also the schema `private` with the small helpers every
-- later domain shares (role checks about the caller, random tokens, clean text). The API
-- functions of this domain come last, each with its grant right below it.
--
-- House rules for every migration (see docs/architecture.md): a function runs as its caller
-- (`security invoker`) unless its comment says why not; every function names who may execute it
-- right under its definition.
--
-- One migration per domain (docs/architecture.md "SQL per domain"), in the order tables →
-- indexes → row level security (with the helpers its policies call, which must exist first)
-- → functions, each with who may execute it right under it → triggers. Each function is defined
-- once, in this set of files. From here on, a change to a function or table that has been
-- released is a new migration dated after these files; tests/unit/migrations.test.ts says so.

-- ---------------------------------------------------------------------------------------
-- Schemas
-- ---------------------------------------------------------------------------------------

create schema if not exists private;
-- Policies run as the caller, so the caller needs to reach the helper functions; the schema
-- holds no table the API roles can read.
grant usage on schema private to anon, authenticated, service_role;

-- ---------------------------------------------------------------------------------------
-- Types
-- ---------------------------------------------------------------------------------------

-- The six languages of the portal (src/i18n/locales.ts; tests/db/schema.test.ts ties the two).
create domain public.locale_code as text check (value in ('nl', 'en', 'ar', 'uk', 'pl', 'tr'));

-- A person's role in a school (src/domain/rpc/shared.ts `schoolRole`; tied by a schema test).
create type public.school_role as enum ('admin', 'coach', 'teacher', 'parent', 'pupil');

-- ---------------------------------------------------------------------------------------
-- Helpers the tables' checks use
-- ---------------------------------------------------------------------------------------

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

-- ---------------------------------------------------------------------------------------
-- Tables
-- ---------------------------------------------------------------------------------------

-- A school: public facts a parent may read on a leaflet (name, logo, contact).
create table public.schools (
  id uuid primary key default gen_random_uuid(),
  slug text not null unique check (slug ~ '^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$'),
  name text not null check (char_length(btrim(name)) between 2 and 120),
  logo_path text check (char_length(logo_path) <= 300),
  contact_name text check (char_length(contact_name) <= 80),
  contact_email text check (char_length(contact_email) <= 254),
  contact_phone text check (char_length(contact_phone) <= 40),
  default_locale public.locale_code not null default 'nl',
  created_at timestamptz not null default now(),
  -- The school's privacy page: its board (the controller) and who to ask about privacy.
  privacy_board text
    check (privacy_board is null
           or (char_length(btrim(privacy_board)) between 1 and 120 and private.is_clean_text(privacy_board))),
  privacy_contact text
    check (privacy_contact is null
           or (char_length(btrim(privacy_contact)) between 1 and 200 and private.is_clean_text(privacy_contact))),
  -- How long a pupil who left is kept before retention erases them (default: two school years).
  retention_months int not null default 24 check (retention_months between 6 and 120),
  -- How many minutes without a request end a pupil's session in class mode.
  pupil_idle_minutes int not null default 5 check (pupil_idle_minutes between 2 and 15),
  constraint schools_name_clean check (private.is_clean_text(name) and private.is_clean_text(contact_name))
);
alter table public.schools enable row level security;

-- A person's name and language, as the schools they belong to see them.
create table public.profiles (
  user_id uuid primary key references auth.users (id) on delete cascade,
  display_name text not null check (char_length(btrim(display_name)) between 1 and 80),
  -- A copy of the sign-in address, so school staff can recognise a parent they link.
  email text check (char_length(email) <= 254),
  locale public.locale_code not null default 'nl',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  -- The languages a person translates leaflets into (never Dutch, the source): their "to translate" list.
  translates text[] not null default '{}'
    check (translates <@ array['en', 'ar', 'uk', 'pl', 'tr']::text[]),
  constraint profiles_display_name_clean check (private.is_clean_text(display_name))
);
alter table public.profiles enable row level security;

-- Who belongs to which school in which role. One person may hold several (a teacher who is
-- also a parent) in several schools. Roles live here, not in token claims, so removing one
-- takes effect on the next request.
create table public.memberships (
  id uuid primary key default gen_random_uuid(),
  school_id uuid not null references public.schools (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  role public.school_role not null,
  created_at timestamptz not null default now(),
  unique (school_id, user_id, role)
);
alter table public.memberships enable row level security;

-- ---------------------------------------------------------------------------------------
-- Who may use the tables directly (everything else goes through the functions below)
-- ---------------------------------------------------------------------------------------

-- Anonymous visitors read public school facts and nothing else from these tables.
revoke all on public.schools, public.profiles, public.memberships from anon;
grant select on public.schools to anon;
-- A person's sign-in address is copied into their profile by the portal; they change their name
-- and language, never the address others recognise them by (PostgREST allows column grants).
revoke update on public.profiles from authenticated;
grant update (display_name, locale, updated_at) on public.profiles to authenticated;
-- Like their name and language, a person sets this themselves (PostgREST: their own row only).
grant update (translates) on public.profiles to authenticated;

-- ---------------------------------------------------------------------------------------
-- Indexes
-- ---------------------------------------------------------------------------------------

create index memberships_user_idx on public.memberships (user_id, school_id);
create index memberships_school_idx on public.memberships (school_id, role);

-- ---------------------------------------------------------------------------------------
-- Helpers the policies share (about the caller only)
-- ---------------------------------------------------------------------------------------

create function private.has_school_role(p_school uuid, p_roles public.school_role[])
returns boolean
language sql stable security definer set search_path = ''
as $$
  select exists (
    select 1 from public.memberships m
    where m.school_id = p_school
      and m.user_id = (select auth.uid())
      and m.role = any (p_roles)
  )
$$;
revoke execute on function private.has_school_role(uuid, public.school_role[]) from public;
grant execute on function private.has_school_role(uuid, public.school_role[]) to authenticated, service_role;

create function private.is_school_staff(p_school uuid)
returns boolean
language sql stable security definer set search_path = ''
as $$
  select private.has_school_role(p_school, array['admin', 'coach', 'teacher']::public.school_role[])
$$;
revoke execute on function private.is_school_staff(uuid) from public;
grant execute on function private.is_school_staff(uuid) to anon, authenticated, service_role;

create function private.is_school_admin(p_school uuid)
returns boolean
language sql stable security definer set search_path = ''
as $$
  select private.has_school_role(p_school, array['admin']::public.school_role[])
$$;
revoke execute on function private.is_school_admin(uuid) from public;
grant execute on function private.is_school_admin(uuid) to authenticated, service_role;

-- A folder name as a uuid, or null when it is not one (storage paths start with a school id).
create function private.uuid_or_null(p_text text)
returns uuid
language plpgsql immutable set search_path = ''
as $$
begin
  return p_text::uuid;
exception when invalid_text_representation then
  return null;
end
$$;
revoke execute on function private.uuid_or_null(text) from public;
grant execute on function private.uuid_or_null(text) to anon, authenticated, service_role;

-- ---------------------------------------------------------------------------------------
-- Row level security policies
-- ---------------------------------------------------------------------------------------

create policy "anyone can read a school's public facts" on public.schools
  for select to anon, authenticated using (true);

create policy "admins update their own school" on public.schools
  for update to authenticated
  using ((select private.is_school_admin(id)))
  with check ((select private.is_school_admin(id)));

create policy "people update their own profile" on public.profiles
  for update to authenticated
  using (user_id = (select auth.uid()))
  with check (user_id = (select auth.uid()));

create policy "admins remove others from their school" on public.memberships
  for delete to authenticated
  using ((select private.is_school_admin(school_id)) and user_id <> (select auth.uid()));

-- ---------------------------------------------------------------------------------------
-- Functions
-- ---------------------------------------------------------------------------------------

-- Random bytes from the server's strong random source (gen_random_uuid is v4: bytes 0–5 and
-- 9–15 are random; 6 and 8 carry version bits and are skipped).
create function private.random_bytes()
returns int[]
language sql volatile set search_path = ''
as $$
  select array_agg(get_byte(b, i) order by i)
  from (select uuid_send(gen_random_uuid()) as b) u,
       unnest(array[0, 1, 2, 3, 4, 5, 9, 10, 11, 12, 13, 14, 15]) as i
$$;
revoke execute on function private.random_bytes() from public;
grant execute on function private.random_bytes() to authenticated, service_role;

create function private.random_token()
returns text
language sql volatile set search_path = ''
as $$
  select replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '')
$$;
revoke execute on function private.random_token() from public;
grant execute on function private.random_token() to authenticated, service_role;

create function private.token_hash(p_token text)
returns text
language sql immutable set search_path = ''
as $$
  select encode(sha256(convert_to(coalesce(p_token, ''), 'UTF8')), 'hex')
$$;
revoke execute on function private.token_hash(text) from public;
grant execute on function private.token_hash(text) to authenticated, service_role;

create function public.school_by_slug(p_slug text)
returns setof public.schools
language sql stable security invoker set search_path = ''
as $$
  select * from public.schools where slug = lower(p_slug)
$$;
revoke execute on function public.school_by_slug(text) from public, anon, authenticated;
grant execute on function public.school_by_slug(text) to anon, authenticated;

-- Every school the caller belongs to, with their roles there.
create function public.my_memberships()
returns table (school_id uuid, school_slug text, school_name text, role public.school_role)
language sql stable security invoker set search_path = ''
as $$
  select s.id, s.slug, s.name, m.role
  from public.memberships m
  join public.schools s on s.id = m.school_id
  where m.user_id = (select auth.uid())
  order by s.name, m.role
$$;
revoke execute on function public.my_memberships() from public, anon, authenticated;
grant execute on function public.my_memberships() to authenticated;

create function public.my_profile()
returns setof public.profiles
language sql stable security invoker set search_path = ''
as $$
  select * from public.profiles where user_id = (select auth.uid())
$$;
revoke execute on function public.my_profile() from public, anon, authenticated;
grant execute on function public.my_profile() to authenticated;

create function public.update_my_profile(p_display_name text, p_locale text)
returns setof public.profiles
language sql volatile security invoker set search_path = ''
as $$
  insert into public.profiles (user_id, display_name, email, locale)
  values ((select auth.uid()), btrim(p_display_name), (select auth.email()), p_locale)
  on conflict (user_id) do update
    set display_name = excluded.display_name, locale = excluded.locale, updated_at = now()
  returning *
$$;
revoke execute on function public.update_my_profile(text, text) from public, anon, authenticated;
grant execute on function public.update_my_profile(text, text) to authenticated;

create function public.update_school(
  p_school uuid, p_name text, p_contact_name text, p_contact_email text,
  p_contact_phone text, p_default_locale text
)
returns setof public.schools
language sql volatile security invoker set search_path = ''
as $$
  update public.schools
  set name = btrim(p_name),
      contact_name = nullif(btrim(p_contact_name), ''),
      contact_email = nullif(btrim(p_contact_email), ''),
      contact_phone = nullif(btrim(p_contact_phone), ''),
      default_locale = p_default_locale
  where id = p_school
  returning *
$$;
revoke execute on function public.update_school(uuid, text, text, text, text, text) from public, anon, authenticated;
grant execute on function public.update_school(uuid, text, text, text, text, text) to authenticated;

create function public.set_school_logo(p_school uuid, p_logo_path text)
returns setof public.schools
language sql volatile security invoker set search_path = ''
as $$
  update public.schools set logo_path = p_logo_path where id = p_school returning *
$$;
revoke execute on function public.set_school_logo(uuid, text) from public, anon, authenticated;
grant execute on function public.set_school_logo(uuid, text) to authenticated;
