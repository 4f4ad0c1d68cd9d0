-- Platform: schools and the people in them. Who belongs to which school in which role,
-- classes and pupils (a first name in a class, nothing more), the links between parents
-- and their children, invitations, and class mode devices. Row level security on every
-- table; the predicates the policies share live in schema `private` (not exposed by the API).

create schema if not exists private;
-- Policies run as the caller, so the caller needs to reach the helper functions; the
-- schema holds no table the API roles can read.
grant usage on schema private to anon, authenticated, service_role;

create type public.school_role as enum ('admin', 'staff', 'parent', 'pupil');

-- A school: public facts a parent may read on a leaflet (name, logo, contact).
create table public.schools (
  id uuid primary key default gen_random_uuid(),
  slug text not null unique check (slug ~ '^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$'),
  name text not null check (char_length(btrim(name)) between 2 and 120),
  logo_path text check (char_length(logo_path) <= 300),
  contact_name text check (char_length(contact_name) <= 80),
  contact_email text check (char_length(contact_email) <= 254),
  contact_phone text check (char_length(contact_phone) <= 40),
  default_locale text not null default 'nl'
    check (default_locale in ('nl', 'en', 'ar', 'uk', 'pl', 'tr')),
  created_at timestamptz not null default now()
);

-- A person's name and language, as the schools they belong to see them.
create table public.profiles (
  user_id uuid primary key references auth.users (id) on delete cascade,
  display_name text not null check (char_length(btrim(display_name)) between 1 and 80),
  -- A copy of the sign-in address, so school staff can recognise a parent they link.
  email text check (char_length(email) <= 254),
  locale text not null default 'nl' check (locale in ('nl', 'en', 'ar', 'uk', 'pl', 'tr')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

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
create index memberships_user_idx on public.memberships (user_id, school_id);
create index memberships_school_idx on public.memberships (school_id, role);

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

-- An invitation to join a school as admin, staff or parent. Single use, expiring. Only a
-- hash of the code is stored: the code itself is shown once, on the letter.
create table public.invitations (
  id uuid primary key default gen_random_uuid(),
  school_id uuid not null references public.schools (id) on delete cascade,
  role public.school_role not null check (role <> 'pupil'),
  code_hash text not null unique,
  -- The language the invitation letter is printed in.
  locale text not null default 'nl' check (locale in ('nl', 'en', 'ar', 'uk', 'pl', 'tr')),
  -- A word for the school's own overview ("mother of Sara"), never shown to others.
  label text check (char_length(label) <= 80),
  created_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null default now() + interval '30 days',
  used_at timestamptz,
  used_by uuid references auth.users (id) on delete set null
);
create index invitations_school_idx on public.invitations (school_id);

-- The children a parent invitation links to when it is redeemed.
create table public.invitation_pupils (
  invitation_id uuid not null references public.invitations (id) on delete cascade,
  pupil_id uuid not null references public.pupils (id) on delete cascade,
  school_id uuid not null references public.schools (id) on delete cascade,
  primary key (invitation_id, pupil_id)
);
create index invitation_pupils_school_idx on public.invitation_pupils (school_id);

-- A classroom device in class mode: pupils of one class sign in on it until the school day
-- ends. Only a hash of the device's token is stored.
create table public.class_devices (
  id uuid primary key default gen_random_uuid(),
  school_id uuid not null references public.schools (id) on delete cascade,
  class_id uuid not null,
  token_hash text not null unique,
  opened_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  foreign key (class_id, school_id) references public.classes (id, school_id) on delete cascade
);
create index class_devices_school_idx on public.class_devices (school_id);

-- Sign-in events, without personal data: what kind, how it ended, when.
create table private.sign_in_events (
  id bigint generated always as identity primary key,
  kind text not null check (kind in ('email_code', 'magic_link', 'password', 'pupil', 'sign_out')),
  outcome text not null check (char_length(outcome) <= 40),
  at timestamptz not null default now()
);

-- Failed e-mail code verifications per address (hashed), for the Supabase adapter, whose
-- Auth service has no per-code attempt limit of its own.
create table private.auth_throttle (
  key_hash text primary key,
  failures int not null default 0,
  locked_until timestamptz,
  updated_at timestamptz not null default now()
);

alter table public.schools enable row level security;
alter table public.profiles enable row level security;
alter table public.memberships enable row level security;
alter table public.classes enable row level security;
alter table public.pupils enable row level security;
alter table public.guardian_links enable row level security;
alter table public.invitations enable row level security;
alter table public.invitation_pupils enable row level security;
alter table public.class_devices enable row level security;
alter table private.pupil_codes enable row level security;
alter table private.sign_in_events enable row level security;
alter table private.auth_throttle enable row level security;

-- Anonymous visitors read public school facts and nothing else from these tables.
revoke all on public.profiles, public.memberships, public.classes, public.pupils,
  public.guardian_links, public.invitations, public.invitation_pupils, public.class_devices
  from anon;
revoke all on public.schools from anon;
grant select on public.schools to anon;
revoke all on all tables in schema private from anon, authenticated;
