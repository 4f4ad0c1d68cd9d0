-- What a new Supabase project's database holds before the first `supabase db push`, for the
-- deploy check (scripts/supabase-check.ts) on a throwaway PostgreSQL cluster whose bootstrap
-- superuser is `supabase_admin`, as on Supabase. Run once, as `supabase_admin`, in the database
-- the check pushes to. Never applied anywhere else.
--
-- Written from Supabase's own sources, only the parts the portal's migrations, seed and policies
-- meet (read, not copied whole):
--   supabase/postgres  migrations/db/init-scripts/00000000000000-initial-schema.sql (API roles,
--     default privileges), …/00000000000001-auth-schema.sql, …/00000000000003-post-setup.sql,
--     migrations/db/migrations/10000000000000_demote-postgres.sql (`postgres` is no superuser),
--     20220609081115_grant-supabase-auth-admin-and-supabase-storage-admin-to-postgres.sql,
--     20230201083204_grant_auth_roles_to_postgres.sql, 20230529180330_alter_api_roles_for_inherit.sql,
--     20221103090837_revoke_admin.sql, 20240606060239_grant_predefined_roles_to_postgres.sql,
--     20250421084701_revoke_admin_roles_from_postgres.sql (no DDL in auth and storage for postgres),
--     20250709135250_grant_storage_schema_to_postgres_with_grant_option.sql, and
--     ansible/files/postgresql_config/supautils.conf.j2 (supautils.policy_grants: postgres may
--     create policies on storage.objects and auth.users without owning them;
--     supautils.privileged_extensions: postgres may create plpgsql_check)
--   supabase/auth      migrations/20220224000811_update_auth_functions.up.sql (auth.uid, role,
--     email), 20220531120530_add_auth_jwt_function.up.sql (auth.jwt), and the migrations that
--     shape auth.users and auth.identities (…_create_identities_table, 20221215195500_modify_users_
--     email_unique_index, 20221215195800_add_identities_email_column, 20231117164230_add_id_pkey_
--     identities, …_add_is_anonymous_column)
--   supabase/storage   migrations/tenant/0002-storage-schema.sql, 0007-add-rls-to-buckets.sql,
--     0018-add_owner_id_column_deprecate_owner.sql, 0046/0049-buckets-objects-grants*.sql,
--     0055-prevent-direct-deletes.sql, 0060/0061 (foldername, filename, extension immutable)
--
-- Deliberately NOT supabase/embedded/: that is the portal's own stand-in for these, and using it
-- here would hide any difference between it and Supabase.

-- Roles. `postgres` is what the CLI and the dashboard connect as: no superuser, but it owns the
-- database, may act as the API roles, and bypasses row level security.
create role postgres login createdb createrole replication bypassrls;
create role supabase_auth_admin login noinherit createrole noreplication;
create role supabase_storage_admin login noinherit createrole noreplication;
create role anon nologin noinherit;
create role authenticated nologin noinherit;
create role service_role nologin noinherit bypassrls;
create role authenticator login noinherit;
alter role anon inherit;
alter role authenticated inherit;
alter role service_role inherit;
grant anon, authenticated, service_role to authenticator;
grant anon, authenticated, service_role to postgres;
grant pg_read_all_data, pg_signal_backend to postgres;
alter role anon set statement_timeout = '3s';
alter role authenticated set statement_timeout = '8s';

do $$ begin execute format('alter database %I owner to postgres', current_database()); end $$;
alter schema public owner to pg_database_owner;

create schema extensions;
create extension if not exists pgcrypto with schema extensions;
create extension if not exists "uuid-ossp" with schema extensions;
grant usage on schema public, extensions to postgres, anon, authenticated, service_role;
alter role postgres set search_path = "$user", public, extensions;

-- Supabase's default privileges: whatever postgres (or supabase_admin) creates in public, the
-- API roles may use; row level security and the migrations' own `revoke`s decide.
alter default privileges for role postgres in schema public grant all on tables to postgres, anon, authenticated, service_role;
alter default privileges for role postgres in schema public grant all on functions to postgres, anon, authenticated, service_role;
alter default privileges for role postgres in schema public grant all on sequences to postgres, anon, authenticated, service_role;
alter default privileges for role supabase_admin in schema public grant all on tables to postgres, anon, authenticated, service_role;
alter default privileges for role supabase_admin in schema public grant all on functions to postgres, anon, authenticated, service_role;
alter default privileges for role supabase_admin in schema public grant all on sequences to postgres, anon, authenticated, service_role;

-- auth: owned by supabase_auth_admin (GoTrue runs its migrations as that role). postgres may
-- read and write the tables but create nothing in the schema (as on projects made since 2025).
create schema auth authorization supabase_admin;
grant all on schema auth to supabase_auth_admin;
grant usage on schema auth to postgres, anon, authenticated, service_role;
set role supabase_auth_admin;

create table auth.users (
  instance_id uuid,
  id uuid not null primary key,
  aud varchar(255),
  role varchar(255),
  email varchar(255),
  encrypted_password varchar(255),
  email_confirmed_at timestamptz,
  invited_at timestamptz,
  confirmation_token varchar(255),
  confirmation_sent_at timestamptz,
  recovery_token varchar(255),
  recovery_sent_at timestamptz,
  email_change_token_new varchar(255),
  email_change varchar(255),
  email_change_sent_at timestamptz,
  last_sign_in_at timestamptz,
  raw_app_meta_data jsonb,
  raw_user_meta_data jsonb,
  is_super_admin boolean,
  created_at timestamptz,
  updated_at timestamptz,
  phone text unique default null,
  phone_confirmed_at timestamptz,
  phone_change text default '',
  phone_change_token varchar(255) default '',
  phone_change_sent_at timestamptz,
  confirmed_at timestamptz generated always as (least(email_confirmed_at, phone_confirmed_at)) stored,
  email_change_token_current varchar(255) default '',
  email_change_confirm_status smallint default 0 check (email_change_confirm_status between 0 and 2),
  banned_until timestamptz,
  reauthentication_token varchar(255) default '',
  reauthentication_sent_at timestamptz,
  is_sso_user boolean not null default false,
  deleted_at timestamptz,
  is_anonymous boolean not null default false
);
create unique index users_email_partial_key on auth.users (email) where (is_sso_user = false);
create unique index confirmation_token_idx on auth.users (confirmation_token) where confirmation_token !~ '^[0-9 ]*$';

create table auth.identities (
  provider_id text not null,
  user_id uuid not null references auth.users (id) on delete cascade,
  identity_data jsonb not null,
  provider text not null,
  last_sign_in_at timestamptz,
  created_at timestamptz,
  updated_at timestamptz,
  email text generated always as (lower(identity_data ->> 'email')) stored,
  id uuid default gen_random_uuid() primary key,
  constraint identities_provider_id_provider_unique unique (provider_id, provider)
);

-- The request's claims as PostgREST sets them (`request.jwt.claims`, or the older per-claim
-- settings). Note: no claims gives null here, where the embedded stand-in gives '{}'.
create function auth.jwt() returns jsonb language sql stable as $$
  select coalesce(nullif(current_setting('request.jwt.claim', true), ''),
                  nullif(current_setting('request.jwt.claims', true), ''))::jsonb
$$;
create function auth.uid() returns uuid language sql stable as $$
  select coalesce(nullif(current_setting('request.jwt.claim.sub', true), ''),
                  (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub'))::uuid
$$;
create function auth.role() returns text language sql stable as $$
  select coalesce(nullif(current_setting('request.jwt.claim.role', true), ''),
                  (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role'))::text
$$;
create function auth.email() returns text language sql stable as $$
  select coalesce(nullif(current_setting('request.jwt.claim.email', true), ''),
                  (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'email'))::text
$$;
reset role;
grant all on all tables in schema auth to postgres;
grant all on all routines in schema auth to postgres;
grant execute on all functions in schema auth to anon, authenticated, service_role;

-- storage: owned by supabase_storage_admin; the API roles have table privileges and row level
-- security decides (buckets have it on and no policy: the Storage API reads them itself).
create schema storage authorization supabase_admin;
grant all on schema storage to supabase_storage_admin;
grant usage on schema storage to postgres with grant option;
grant usage on schema storage to anon, authenticated, service_role;
set role supabase_storage_admin;

create table storage.buckets (
  id text not null primary key,
  name text not null,
  owner uuid,
  created_at timestamptz default now(),
  updated_at timestamptz default now(),
  public boolean default false,
  avif_autodetection boolean default false,
  file_size_limit bigint,
  allowed_mime_types text[],
  owner_id text
);
create unique index bname on storage.buckets (name);

create table storage.objects (
  id uuid not null default gen_random_uuid() primary key,
  bucket_id text references storage.buckets (id),
  name text,
  owner uuid,
  created_at timestamptz default now(),
  updated_at timestamptz default now(),
  last_accessed_at timestamptz default now(),
  metadata jsonb,
  path_tokens text[] generated always as (string_to_array(name, '/')) stored,
  version text,
  owner_id text,
  user_metadata jsonb
);
create unique index bucketid_objname on storage.objects (bucket_id, name);
alter table storage.buckets enable row level security;
alter table storage.objects enable row level security;

create function storage.foldername(name text) returns text[] language plpgsql immutable as $$
declare
  _parts text[];
begin
  select string_to_array(name, '/') into _parts;
  return _parts[1 : array_length(_parts, 1) - 1];
end
$$;
create function storage.filename(name text) returns text language plpgsql immutable as $$
declare
  _parts text[];
begin
  select string_to_array(name, '/') into _parts;
  return _parts[array_length(_parts, 1)];
end
$$;
create function storage.extension(name text) returns text language plpgsql immutable as $$
declare
  _parts text[];
  _filename text;
begin
  select string_to_array(name, '/') into _parts;
  select _parts[array_length(_parts, 1)] into _filename;
  return reverse(split_part(reverse(_filename), '.', 1));
end
$$;

-- Files are removed through the Storage API, never by deleting rows.
create function storage.protect_delete() returns trigger language plpgsql as $$
begin
  if coalesce(current_setting('storage.allow_delete_query', true), 'false') <> 'true' then
    raise exception 'Direct deletion from storage tables is not allowed. Use the Storage API instead.'
      using errcode = '42501';
  end if;
  return null;
end
$$;
create trigger protect_buckets_delete before delete on storage.buckets
  for each statement execute function storage.protect_delete();
create trigger protect_objects_delete before delete on storage.objects
  for each statement execute function storage.protect_delete();
reset role;
grant all on storage.buckets, storage.objects to postgres with grant option;
grant all on storage.buckets, storage.objects to anon, authenticated, service_role;
grant execute on all functions in schema storage to postgres, anon, authenticated, service_role;

-- supautils.policy_grants, as far as a stock server can: Supabase lets postgres create and drop
-- policies on the storage tables without owning them. Here postgres acts as their owner instead,
-- and the owner may create nothing more in the schema (so a migration that adds a table, type or
-- function to storage fails here as on Supabase; altering the storage tables themselves would
-- pass here and fail there).
revoke create on schema storage from supabase_storage_admin;
grant supabase_storage_admin to postgres;
