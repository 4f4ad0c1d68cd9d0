-- The public pages' version: a counter raised whenever something a public page shows changes (a
-- leaflet published, unpublished, restored, moved or removed; a school's name, logo or contact).
-- Each server instance keeps recently read public pages in memory; with several instances
-- sharing one database (PostgreSQL or Supabase), each asks for this number every two seconds and
-- drops its copies when it moved, so a publish on one instance reaches the others within seconds.

-- Tables ---------------------------------------------------------------------------------

create table private.public_pages_version (
  id boolean primary key default true check (id),
  version bigint not null default 0,
  changed_at timestamptz not null default now()
);
alter table private.public_pages_version enable row level security;
insert into private.public_pages_version (id) values (true);

-- Functions ------------------------------------------------------------------------------

create function private.bump_public_pages_version()
returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  update private.public_pages_version set version = version + 1, changed_at = now() where id;
  return null;
end
$$;
revoke execute on function private.bump_public_pages_version() from public, anon, authenticated;

create trigger leaflets_public_pages after insert or delete on public.leaflets
  for each statement execute function private.bump_public_pages_version();
create trigger leaflets_public_pages_update after update on public.leaflets
  for each row
  when (old.status is distinct from new.status
        or old.published_version_id is distinct from new.published_version_id
        or old.position is distinct from new.position
        or old.slug is distinct from new.slug)
  execute function private.bump_public_pages_version();
create trigger schools_public_pages after update on public.schools
  for each statement execute function private.bump_public_pages_version();

-- The number, for the server (service role).
create function public.public_pages_version()
returns bigint
language sql stable security definer set search_path = ''
as $$
  select v.version from private.public_pages_version v where v.id
$$;
revoke execute on function public.public_pages_version() from public, anon, authenticated;
grant execute on function public.public_pages_version() to service_role;
