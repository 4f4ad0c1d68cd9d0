-- The embedded auth module's own tables: sessions, one-time sign-in codes and the dev
-- mailbox. Supabase Auth keeps the equivalent inside its own service. Only the server
-- (as the table owner) reads or writes these; the API roles have no privileges here.
create schema if not exists embedded_auth;
revoke all on schema embedded_auth from public;

create table if not exists embedded_auth.sessions (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete cascade,
  -- sha256 of the cookie's random token: a stolen database gives no usable cookie.
  token_hash text not null unique,
  kind text not null check (kind in ('person', 'pupil')),
  created_at timestamptz not null default now(),
  expires_at timestamptz not null
);
create index if not exists sessions_user_idx on embedded_auth.sessions (user_id);

create table if not exists embedded_auth.sign_in_codes (
  id uuid primary key default gen_random_uuid(),
  email text not null,
  code_hash text not null,
  link_token_hash text not null unique,
  create_user boolean not null default false,
  -- Where the magic link leads after sign-in (a path on this site).
  next text check (char_length(next) <= 300),
  attempts int not null default 0,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  used_at timestamptz
);
create index if not exists sign_in_codes_email_idx on embedded_auth.sign_in_codes (email, created_at desc);

-- Messages the embedded mode "sends". Shown at /dev/mailbox, which exists only in this mode.
create table if not exists embedded_auth.mailbox (
  id bigint generated always as identity primary key,
  to_address text not null,
  subject text not null,
  body text not null,
  link text,
  created_at timestamptz not null default now()
);

