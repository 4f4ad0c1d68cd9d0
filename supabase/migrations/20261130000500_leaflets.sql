-- Leaflets: the canonical templates and each school's adapted copies, as ordered blocks with
-- a Dutch source text and translations that record the source version they were made from.
-- Three separate things are kept apart: publication state (draft/published, with every
-- published version kept), translation state (derived from versions: current/outdated/missing)
-- and origin (template, written by the school, machine translated and not reviewed).
-- The API: reading published leaflets (anyone), leaflet cards, adapting templates, editing blocks
-- and translations with a revision check, translation work for staff who translate, publishing
-- and restoring versions (school staff), the public pages' version (for caching) and syncing the
-- canonical templates from src/content (the server only).
--
-- Layout and the rule for later changes: the opening of …_schools_people.sql.

-- ---------------------------------------------------------------------------------------
-- Types
-- ---------------------------------------------------------------------------------------

create type public.leaflet_status as enum ('draft', 'published');

create type public.leaflet_block_kind as enum ('title', 'heading', 'paragraph', 'tips', 'tomorrow', 'questions', 'image', 'contact');

create type public.translation_origin as enum ('template', 'school', 'machine');

-- ---------------------------------------------------------------------------------------
-- Helpers the tables' checks use
-- ---------------------------------------------------------------------------------------

-- A list of 1 to 12 items, each a non-empty string of at most 400 characters.
create function private.valid_items(p_items jsonb)
returns boolean
language sql immutable set search_path = ''
as $$
  select jsonb_typeof(p_items) = 'array'
    and jsonb_array_length(p_items) between 1 and 12
    and not exists (
      select 1 from jsonb_array_elements(p_items) e
      where jsonb_typeof(e) <> 'string' or char_length(e #>> '{}') not between 1 and 400
    )
$$;
revoke execute on function private.valid_items(jsonb) from public;
grant execute on function private.valid_items(jsonb) to authenticated, service_role;

-- Checks a block's content (Dutch or translated): only the fields its kind has, short enough.
-- Limits match LEAFLET_LIMITS in src/domain/leaflets.ts.
create function private.valid_block_content(p_kind public.leaflet_block_kind, p_content jsonb)
returns boolean
language sql immutable set search_path = ''
as $$
  select jsonb_typeof(p_content) = 'object'
    and case p_kind
      when 'title' then (p_content - 'text') = '{}'::jsonb
        and jsonb_typeof(p_content -> 'text') = 'string' and char_length(p_content ->> 'text') between 1 and 200
      when 'heading' then (p_content - 'text') = '{}'::jsonb
        and jsonb_typeof(p_content -> 'text') = 'string' and char_length(p_content ->> 'text') between 1 and 200
      when 'paragraph' then (p_content - 'text') = '{}'::jsonb
        and jsonb_typeof(p_content -> 'text') = 'string' and char_length(p_content ->> 'text') between 1 and 2000
      when 'contact' then (p_content - 'text') = '{}'::jsonb
        and jsonb_typeof(p_content -> 'text') = 'string' and char_length(p_content ->> 'text') between 0 and 600
      when 'image' then (p_content - 'alt' - 'caption') = '{}'::jsonb
        and jsonb_typeof(p_content -> 'alt') = 'string' and char_length(p_content ->> 'alt') between 1 and 300
        and coalesce(jsonb_typeof(p_content -> 'caption') = 'string' and char_length(p_content ->> 'caption') <= 300, true)
      when 'tips' then (p_content - 'title' - 'items') = '{}'::jsonb
        and jsonb_typeof(p_content -> 'title') = 'string' and char_length(p_content ->> 'title') between 1 and 200
        and private.valid_items(p_content -> 'items')
      else (p_content - 'items') = '{}'::jsonb and private.valid_items(p_content -> 'items')
    end
$$;
revoke execute on function private.valid_block_content(public.leaflet_block_kind, jsonb) from public;
grant execute on function private.valid_block_content(public.leaflet_block_kind, jsonb) to authenticated, service_role;

-- ---------------------------------------------------------------------------------------
-- Tables
-- ---------------------------------------------------------------------------------------

-- A leaflet: a template (no school) or a school's own, adapted copy.
create table public.leaflets (
  id uuid primary key default gen_random_uuid(),
  school_id uuid references public.schools (id) on delete cascade,
  slug text not null check (slug ~ '^[a-z0-9](?:[a-z0-9-]{0,58}[a-z0-9])?$'),
  -- For a school's copy: the template it started from and that template's version then.
  template_id uuid references public.leaflets (id) on delete set null,
  template_version int,
  -- For a template: its content version (raised when the canonical text changes).
  version int not null default 1,
  status public.leaflet_status not null default 'draft',
  position int not null default 0,
  -- Every edit raises it; an edit made on an older revision is refused (no silent overwrite).
  revision int not null default 0,
  published_version_id uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  updated_by uuid references auth.users (id) on delete set null,
  check (school_id is not null or template_id is null)
);
alter table public.leaflets enable row level security;

-- A block of a leaflet, with its Dutch source text and that text's version.
create table public.leaflet_blocks (
  id uuid primary key default gen_random_uuid(),
  leaflet_id uuid not null references public.leaflets (id) on delete cascade,
  school_id uuid references public.schools (id) on delete cascade,
  block_key text not null check (block_key ~ '^[a-z0-9-]{1,60}$'),
  position int not null,
  kind public.leaflet_block_kind not null,
  origin text not null check (origin in ('template', 'school')),
  source jsonb not null,
  source_version int not null default 1 check (source_version >= 1),
  image_path text check (char_length(image_path) <= 300),
  image_width int check (image_width between 1 and 4000),
  image_height int check (image_height between 1 and 4000),
  updated_at timestamptz not null default now(),
  updated_by uuid references auth.users (id) on delete set null,
  unique (leaflet_id, block_key),
  check (private.valid_block_content(kind, source))
);
alter table public.leaflet_blocks enable row level security;

-- A block's text in another language, made from a given version of the Dutch source.
create table public.leaflet_translations (
  block_id uuid not null references public.leaflet_blocks (id) on delete cascade,
  leaflet_id uuid not null references public.leaflets (id) on delete cascade,
  school_id uuid references public.schools (id) on delete cascade,
  -- Any language but Dutch, the source (TRANSLATION_LOCALES in src/i18n/locales.ts).
  locale public.locale_code not null check (locale <> 'nl'),
  content jsonb not null,
  source_version int not null check (source_version >= 1),
  origin public.translation_origin not null,
  reviewed_by uuid references auth.users (id) on delete set null,
  reviewed_at timestamptz,
  updated_at timestamptz not null default now(),
  updated_by uuid references auth.users (id) on delete set null,
  primary key (block_id, locale)
);
alter table public.leaflet_translations enable row level security;

-- Every published version of a school's leaflet, as the reader saw it. Never deleted:
-- restoring an old version publishes it again as a new version.
create table public.leaflet_versions (
  id uuid primary key default gen_random_uuid(),
  leaflet_id uuid not null references public.leaflets (id) on delete cascade,
  school_id uuid not null references public.schools (id) on delete cascade,
  version_no int not null,
  snapshot jsonb not null,
  published_at timestamptz not null default now(),
  published_by uuid references auth.users (id) on delete set null,
  restored_from int,
  unique (leaflet_id, version_no)
);
alter table public.leaflet_versions enable row level security;

-- The public pages' version: one number, raised whenever a public page changes (a leaflet
-- published, unpublished, restored, moved or removed; a school's name, logo or contact). Each
-- server instance keeps recently read public pages in memory; with several instances sharing one
-- database, each asks for this number every two seconds and drops its copies when it moved.
create table private.public_pages_version (
  id boolean primary key default true check (id),
  version bigint not null default 0,
  changed_at timestamptz not null default now()
);
alter table private.public_pages_version enable row level security;
insert into private.public_pages_version (id) values (true);

alter table public.leaflets
  add constraint leaflets_published_version_fk foreign key (published_version_id)
  references public.leaflet_versions (id) on delete set null;

-- ---------------------------------------------------------------------------------------
-- Who may use the tables directly (everything else goes through the functions below)
-- ---------------------------------------------------------------------------------------

revoke all on public.leaflets, public.leaflet_blocks, public.leaflet_translations, public.leaflet_versions from anon;
grant select on public.leaflets, public.leaflet_blocks, public.leaflet_translations, public.leaflet_versions to anon;

-- ---------------------------------------------------------------------------------------
-- Indexes
-- ---------------------------------------------------------------------------------------

create unique index leaflets_school_slug on public.leaflets (school_id, slug) where school_id is not null;
create unique index leaflets_template_slug on public.leaflets (slug) where school_id is null;
create index leaflets_template_idx on public.leaflets (template_id);
create index leaflet_blocks_school_idx on public.leaflet_blocks (school_id);
create index leaflet_translations_school_idx on public.leaflet_translations (school_id);
create index leaflet_translations_leaflet_idx on public.leaflet_translations (leaflet_id);
create index leaflet_versions_school_idx on public.leaflet_versions (school_id);

-- ---------------------------------------------------------------------------------------
-- Helpers the policies share (about the caller only)
-- ---------------------------------------------------------------------------------------

create function private.leaflet_of_school(p_leaflet uuid, p_school uuid)
returns boolean
language sql stable security definer set search_path = ''
as $$
  select exists (select 1 from public.leaflets l where l.id = p_leaflet and l.school_id = p_school)
$$;
revoke execute on function private.leaflet_of_school(uuid, uuid) from public;
grant execute on function private.leaflet_of_school(uuid, uuid) to authenticated, service_role;

create function private.block_of_leaflet(p_block uuid, p_leaflet uuid, p_school uuid)
returns boolean
language sql stable security definer set search_path = ''
as $$
  select exists (
    select 1 from public.leaflet_blocks b
    where b.id = p_block and b.leaflet_id = p_leaflet and b.school_id = p_school
  )
$$;
revoke execute on function private.block_of_leaflet(uuid, uuid, uuid) from public;
grant execute on function private.block_of_leaflet(uuid, uuid, uuid) to authenticated, service_role;

-- A leaflet may only name a template (a leaflet of no school) as the one it started from.
create function private.is_template(p_leaflet uuid)
returns boolean
language sql stable security definer set search_path = ''
as $$
  select exists (select 1 from public.leaflets l where l.id = p_leaflet and l.school_id is null)
$$;
revoke execute on function private.is_template(uuid) from public;
grant execute on function private.is_template(uuid) to authenticated, service_role;

-- ---------------------------------------------------------------------------------------
-- Row level security policies
-- ---------------------------------------------------------------------------------------

-- leaflets: templates and published leaflets are public; drafts are the school staff's.
create policy "anyone reads templates and published leaflets; staff also their drafts" on public.leaflets
  for select to anon, authenticated
  using (school_id is null or status = 'published' or (select private.is_school_staff(school_id)));

create policy "admins delete their school's leaflets" on public.leaflets
  for delete to authenticated using (school_id is not null and (select private.is_school_admin(school_id)));

-- blocks and translations: readers get the published snapshot, so only templates are public here.
create policy "anyone reads template blocks; staff their school's blocks" on public.leaflet_blocks
  for select to anon, authenticated using (school_id is null or (select private.is_school_staff(school_id)));

create policy "staff remove blocks from their school's leaflets" on public.leaflet_blocks
  for delete to authenticated using (school_id is not null and (select private.is_school_staff(school_id)));

create policy "anyone reads template translations; staff their school's" on public.leaflet_translations
  for select to anon, authenticated using (school_id is null or (select private.is_school_staff(school_id)));

create policy "staff remove translations from their school's leaflets" on public.leaflet_translations
  for delete to authenticated using (school_id is not null and (select private.is_school_staff(school_id)));

-- versions: the current published version is public; staff see the whole history.
create policy "anyone reads the published version; staff the history" on public.leaflet_versions
  for select to anon, authenticated
  using (
    (select private.is_school_staff(school_id))
    or exists (
      select 1 from public.leaflets l
      where l.id = leaflet_versions.leaflet_id and l.status = 'published' and l.published_version_id = leaflet_versions.id
    )
  );

create policy "staff add blocks to their school's leaflets" on public.leaflet_blocks
  for insert to authenticated
  with check (
    school_id is not null and (select private.is_school_staff(school_id))
    and (select private.leaflet_of_school(leaflet_id, school_id))
  );

create policy "staff edit blocks of their school's leaflets" on public.leaflet_blocks
  for update to authenticated
  using (school_id is not null and (select private.is_school_staff(school_id)))
  with check (
    school_id is not null and (select private.is_school_staff(school_id))
    and (select private.leaflet_of_school(leaflet_id, school_id))
  );

create policy "staff add translations to their school's leaflets" on public.leaflet_translations
  for insert to authenticated
  with check (
    school_id is not null and (select private.is_school_staff(school_id))
    and (select private.block_of_leaflet(block_id, leaflet_id, school_id))
  );

create policy "staff edit translations of their school's leaflets" on public.leaflet_translations
  for update to authenticated
  using (school_id is not null and (select private.is_school_staff(school_id)))
  with check (
    school_id is not null and (select private.is_school_staff(school_id))
    and (select private.block_of_leaflet(block_id, leaflet_id, school_id))
  );

create policy "staff publish their school's leaflets" on public.leaflet_versions
  for insert to authenticated
  with check ((select private.is_school_staff(school_id)) and (select private.leaflet_of_school(leaflet_id, school_id)));

create policy "staff edit their school's leaflets" on public.leaflets
  for update to authenticated
  using (school_id is not null and (select private.is_school_staff(school_id)))
  with check (
    school_id is not null and (select private.is_school_staff(school_id))
    and (template_id is null or (select private.is_template(template_id)))
  );

create policy "staff start leaflets for their school" on public.leaflets
  for insert to authenticated
  with check (
    school_id is not null and (select private.is_school_staff(school_id))
    and (template_id is null or (select private.is_template(template_id)))
  );

-- ---------------------------------------------------------------------------------------
-- Functions
-- ---------------------------------------------------------------------------------------

-- The caller may edit this school's leaflets: its staff, or the server's own service role.
-- Security definer so the check can read memberships; it answers about the caller only.
create function private.can_edit_leaflets(p_school uuid)
returns boolean
language sql stable security definer set search_path = ''
as $$
  select p_school is not null
    and (private.is_school_staff(p_school) or current_setting('role', true) = 'service_role')
$$;
revoke execute on function private.can_edit_leaflets(uuid) from public;
grant execute on function private.can_edit_leaflets(uuid) to authenticated, service_role;

-- Refuses an edit made on an older revision of the leaflet than the current one, and raises
-- the revision for this edit. Returns the new revision.
create function private.next_revision(p_leaflet uuid, p_revision int)
returns int
language plpgsql volatile security invoker set search_path = ''
as $$
declare
  v_leaflet public.leaflets;
begin
  select * into v_leaflet from public.leaflets l where l.id = p_leaflet for update;
  if v_leaflet.id is null or not private.can_edit_leaflets(v_leaflet.school_id) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  if v_leaflet.revision <> p_revision then
    raise exception using errcode = 'P0001', message = 'stale_revision';
  end if;
  update public.leaflets
  set revision = revision + 1, updated_at = now(), updated_by = (select auth.uid())
  where id = p_leaflet;
  return p_revision + 1;
end
$$;
revoke execute on function private.next_revision(uuid, int) from public;
grant execute on function private.next_revision(uuid, int) to authenticated, service_role;

-- A block the caller may edit, or the refusal 'forbidden'.
create function private.editable_block(p_block uuid)
returns public.leaflet_blocks
language plpgsql stable security invoker set search_path = ''
as $$
declare
  v_block public.leaflet_blocks;
begin
  select * into v_block from public.leaflet_blocks b where b.id = p_block;
  if v_block.id is null or not private.can_edit_leaflets(v_block.school_id) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  return v_block;
end
$$;
revoke execute on function private.editable_block(uuid) from public;
grant execute on function private.editable_block(uuid) to authenticated, service_role;

-- The leaflet's title in every language it is currently translated to (Dutch always).
create function private.leaflet_titles(p_leaflet uuid)
returns jsonb
language sql stable security invoker set search_path = ''
as $$
  select coalesce(
    (select jsonb_build_object('nl', b.source ->> 'text') || coalesce((
        select jsonb_object_agg(t.locale, t.content ->> 'text')
        from public.leaflet_translations t
        where t.block_id = b.id and t.source_version = b.source_version
      ), '{}'::jsonb)
     from public.leaflet_blocks b
     where b.leaflet_id = p_leaflet and b.kind = 'title'
     order by b.position limit 1),
    '{}'::jsonb)
$$;
revoke execute on function private.leaflet_titles(uuid) from public;
grant execute on function private.leaflet_titles(uuid) to anon, authenticated, service_role;

-- Everything a reader needs, frozen at publication: blocks in order with the Dutch source,
-- its version, and each translation with the version it was made from and its origin.
create function private.leaflet_snapshot(p_leaflet uuid)
returns jsonb
language sql stable security invoker set search_path = ''
as $$
  select jsonb_build_object('blocks', coalesce(jsonb_agg(
    jsonb_build_object(
      'key', b.block_key,
      'kind', b.kind,
      'origin', b.origin,
      'image', case when b.image_path is null then null
               else jsonb_build_object('path', b.image_path, 'width', b.image_width, 'height', b.image_height) end,
      'nl', b.source,
      'v', b.source_version,
      'tr', coalesce((
        select jsonb_object_agg(t.locale, jsonb_build_object(
          'c', t.content, 'v', t.source_version, 'o', t.origin, 'r', t.reviewed_at))
        from public.leaflet_translations t where t.block_id = b.id
      ), '{}'::jsonb)
    ) order by b.position), '[]'::jsonb))
  from public.leaflet_blocks b
  where b.leaflet_id = p_leaflet
$$;
revoke execute on function private.leaflet_snapshot(uuid) from public;
grant execute on function private.leaflet_snapshot(uuid) to authenticated, service_role;

-- One published leaflet with its school, in a single call (the reader page's only query).
create function public.published_leaflet(p_school_slug text, p_slug text)
returns table (
  school_id uuid, school_slug text, school_name text, logo_path text, contact_name text,
  contact_email text, contact_phone text, slug text, version_no int, published_at timestamptz,
  snapshot jsonb
)
language sql stable security invoker set search_path = ''
as $$
  select s.id, s.slug, s.name, s.logo_path, s.contact_name, s.contact_email, s.contact_phone,
         l.slug, v.version_no, v.published_at, v.snapshot
  from public.leaflets l
  join public.schools s on s.id = l.school_id
  join public.leaflet_versions v on v.id = l.published_version_id
  where s.slug = lower(p_school_slug) and l.slug = lower(p_slug) and l.status = 'published'
$$;
revoke execute on function public.published_leaflet(text, text) from public, anon, authenticated;
grant execute on function public.published_leaflet(text, text) to anon, authenticated;

-- Schools that have published leaflets (the way in for a parent who has no link yet).
create function public.schools_with_leaflets()
returns table (slug text, name text, leaflet_count int)
language sql stable security invoker set search_path = ''
as $$
  select s.slug, s.name, count(*)::int
  from public.schools s
  join public.leaflets l on l.school_id = s.id and l.status = 'published'
  group by s.slug, s.name
  order by s.name
$$;
revoke execute on function public.schools_with_leaflets() from public, anon, authenticated;
grant execute on function public.schools_with_leaflets() to anon, authenticated;

create function public.leaflet_templates()
returns table (template_id uuid, slug text, version int, title jsonb)
language sql stable security invoker set search_path = ''
as $$
  select l.id, l.slug, l.version, private.leaflet_titles(l.id)
  from public.leaflets l
  where l.school_id is null
  order by l.position, l.slug
$$;
revoke execute on function public.leaflet_templates() from public, anon, authenticated;
grant execute on function public.leaflet_templates() to anon, authenticated;

-- A school's leaflets for its staff, with what the translation overview needs: per block the
-- source version and the version each translation was made from.
create function public.school_leaflets(p_school uuid)
returns table (
  leaflet_id uuid, slug text, status public.leaflet_status, title jsonb, revision int,
  template_slug text, template_version int, template_latest int, published_version_no int,
  published_at timestamptz, updated_at timestamptz, blocks jsonb
)
language sql stable security invoker set search_path = ''
as $$
  select l.id, l.slug, l.status, private.leaflet_titles(l.id), l.revision,
         t.slug, l.template_version, t.version, v.version_no, v.published_at, l.updated_at,
         coalesce((
           select jsonb_agg(jsonb_build_object(
             'v', b.source_version,
             'tr', coalesce((
               select jsonb_object_agg(tr.locale, jsonb_build_object('v', tr.source_version, 'o', tr.origin, 'r', tr.reviewed_at))
               from public.leaflet_translations tr where tr.block_id = b.id
             ), '{}'::jsonb)
           ) order by b.position)
           from public.leaflet_blocks b where b.leaflet_id = l.id
         ), '[]'::jsonb)
  from public.leaflets l
  left join public.leaflets t on t.id = l.template_id
  left join public.leaflet_versions v on v.id = l.published_version_id
  where l.school_id = p_school and private.can_edit_leaflets(l.school_id)
  order by l.position, l.slug
$$;
revoke execute on function public.school_leaflets(uuid) from public, anon, authenticated;
grant execute on function public.school_leaflets(uuid) to authenticated;

-- A school's own copy of a template, blocks and translations included; starts as a draft.
create function public.adopt_template(p_school uuid, p_template uuid)
returns uuid
language plpgsql volatile security invoker set search_path = ''
as $$
declare
  v_template public.leaflets;
  v_id uuid;
begin
  if not private.can_edit_leaflets(p_school) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  select * into v_template from public.leaflets l where l.id = p_template and l.school_id is null;
  if v_template.id is null then
    raise exception using errcode = 'P0001', message = 'not_found';
  end if;
  insert into public.leaflets (school_id, slug, template_id, template_version, position, updated_by)
  values (p_school, v_template.slug, v_template.id, v_template.version, v_template.position, (select auth.uid()))
  returning id into v_id;
  insert into public.leaflet_blocks (leaflet_id, school_id, block_key, position, kind, origin, source, source_version)
  select v_id, p_school, b.block_key, b.position, b.kind, 'template', b.source, b.source_version
  from public.leaflet_blocks b where b.leaflet_id = p_template;
  insert into public.leaflet_translations (block_id, leaflet_id, school_id, locale, content, source_version, origin)
  select nb.id, v_id, p_school, t.locale, t.content, t.source_version, 'template'
  from public.leaflet_translations t
  join public.leaflet_blocks tb on tb.id = t.block_id
  join public.leaflet_blocks nb on nb.leaflet_id = v_id and nb.block_key = tb.block_key
  where tb.leaflet_id = p_template;
  return v_id;
end
$$;
revoke execute on function public.adopt_template(uuid, uuid) from public, anon, authenticated;
grant execute on function public.adopt_template(uuid, uuid) to authenticated;

-- A new, empty leaflet written by the school itself: only a title to start with.
create function public.create_leaflet(p_school uuid, p_slug text, p_title text)
returns uuid
language plpgsql volatile security invoker set search_path = ''
as $$
declare
  v_id uuid;
begin
  if not private.can_edit_leaflets(p_school) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  insert into public.leaflets (school_id, slug, position, updated_by)
  values (p_school, p_slug, 1000, (select auth.uid()))
  returning id into v_id;
  insert into public.leaflet_blocks (leaflet_id, school_id, block_key, position, kind, origin, source)
  values (v_id, p_school, 'title', 0, 'title', 'school', jsonb_build_object('text', p_title));
  return v_id;
end
$$;
revoke execute on function public.create_leaflet(uuid, text, text) from public, anon, authenticated;
grant execute on function public.create_leaflet(uuid, text, text) to authenticated;

-- Everything the editor shows: the leaflet, its template's latest version, its blocks with
-- all translations.
create function public.leaflet_for_editing(p_leaflet uuid)
returns table (
  leaflet_id uuid, school_id uuid, slug text, status public.leaflet_status, revision int,
  template_version int, template_latest int, published_version_no int, blocks jsonb
)
language sql stable security invoker set search_path = ''
as $$
  select l.id, l.school_id, l.slug, l.status, l.revision, l.template_version, t.version, v.version_no,
         coalesce((
           select jsonb_agg(jsonb_build_object(
             'id', b.id, 'key', b.block_key, 'kind', b.kind, 'origin', b.origin, 'nl', b.source,
             'v', b.source_version,
             'image', case when b.image_path is null then null
                      else jsonb_build_object('path', b.image_path, 'width', b.image_width, 'height', b.image_height) end,
             'tr', coalesce((
               select jsonb_object_agg(tr.locale, jsonb_build_object(
                 'c', tr.content, 'v', tr.source_version, 'o', tr.origin, 'r', tr.reviewed_at))
               from public.leaflet_translations tr where tr.block_id = b.id
             ), '{}'::jsonb)
           ) order by b.position)
           from public.leaflet_blocks b where b.leaflet_id = l.id
         ), '[]'::jsonb)
  from public.leaflets l
  left join public.leaflets t on t.id = l.template_id
  left join public.leaflet_versions v on v.id = l.published_version_id
  where l.id = p_leaflet and private.can_edit_leaflets(l.school_id)
$$;
revoke execute on function public.leaflet_for_editing(uuid) from public, anon, authenticated;
grant execute on function public.leaflet_for_editing(uuid) to authenticated;

-- Saves a block's Dutch text. Unchanged text is not a new version; a change marked minor
-- ("does not need new translations") keeps the version, so translations stay current.
create function public.save_block_source(p_block uuid, p_revision int, p_content jsonb, p_minor boolean)
returns table (revision int, changed boolean, source_version int)
language plpgsql volatile security invoker set search_path = ''
as $$
declare
  v_block public.leaflet_blocks;
  v_rev int;
begin
  v_block := private.editable_block(p_block);
  if v_block.source = p_content then
    select l.revision into v_rev from public.leaflets l where l.id = v_block.leaflet_id;
    if v_rev <> p_revision then
      raise exception using errcode = 'P0001', message = 'stale_revision';
    end if;
    revision := v_rev;
    changed := false;
    source_version := v_block.source_version;
    return next;
    return;
  end if;
  v_rev := private.next_revision(v_block.leaflet_id, p_revision);
  update public.leaflet_blocks b
  set source = p_content,
      source_version = b.source_version + case when p_minor then 0 else 1 end,
      updated_at = now(), updated_by = (select auth.uid())
  where b.id = p_block
  returning b.source_version into source_version;
  revision := v_rev;
  changed := true;
  return next;
end
$$;
revoke execute on function public.save_block_source(uuid, int, jsonb, boolean) from public, anon, authenticated;
grant execute on function public.save_block_source(uuid, int, jsonb, boolean) to authenticated;

-- Saves a translation of a block, made from the block's current Dutch version. Written by the
-- school it counts as reviewed; pasted from a translation machine it waits for a review.
create function public.save_block_translation(
  p_block uuid, p_locale text, p_revision int, p_content jsonb, p_machine boolean
)
returns table (revision int)
language plpgsql volatile security invoker set search_path = ''
as $$
declare
  v_block public.leaflet_blocks;
  v_rev int;
begin
  v_block := private.editable_block(p_block);
  if not private.valid_block_content(v_block.kind, p_content) then
    raise exception using errcode = 'P0001', message = 'invalid';
  end if;
  v_rev := private.next_revision(v_block.leaflet_id, p_revision);
  insert into public.leaflet_translations as t
    (block_id, leaflet_id, school_id, locale, content, source_version, origin, reviewed_by, reviewed_at, updated_by)
  values (
    v_block.id, v_block.leaflet_id, v_block.school_id, p_locale, p_content, v_block.source_version,
    case when p_machine then 'machine' else 'school' end::public.translation_origin,
    case when p_machine then null else (select auth.uid()) end,
    case when p_machine then null else now() end,
    (select auth.uid())
  )
  on conflict (block_id, locale) do update
    set content = excluded.content, source_version = excluded.source_version, origin = excluded.origin,
        reviewed_by = excluded.reviewed_by, reviewed_at = excluded.reviewed_at,
        updated_at = now(), updated_by = excluded.updated_by;
  revision := v_rev;
  return next;
end
$$;
revoke execute on function public.save_block_translation(uuid, text, int, jsonb, boolean) from public, anon, authenticated;
grant execute on function public.save_block_translation(uuid, text, int, jsonb, boolean) to authenticated;

-- A person checked a machine translation: it keeps its origin, now with who and when.
create function public.review_translation(p_block uuid, p_locale text, p_revision int)
returns table (revision int)
language plpgsql volatile security invoker set search_path = ''
as $$
declare
  v_block public.leaflet_blocks;
  v_rev int;
begin
  v_block := private.editable_block(p_block);
  v_rev := private.next_revision(v_block.leaflet_id, p_revision);
  update public.leaflet_translations t
  set reviewed_by = (select auth.uid()), reviewed_at = now(), updated_at = now()
  where t.block_id = p_block and t.locale = p_locale;
  revision := v_rev;
  return next;
end
$$;
revoke execute on function public.review_translation(uuid, text, int) from public, anon, authenticated;
grant execute on function public.review_translation(uuid, text, int) to authenticated;

-- Adds the school's own block at a position (contact person, when meetings happen, a tip).
create function public.add_block(p_leaflet uuid, p_revision int, p_kind public.leaflet_block_kind, p_position int, p_content jsonb)
returns table (revision int, block_id uuid)
language plpgsql volatile security invoker set search_path = ''
as $$
declare
  v_school uuid;
  v_rev int;
begin
  if p_kind = 'title' then
    raise exception using errcode = 'P0001', message = 'invalid';
  end if;
  select l.school_id into v_school from public.leaflets l where l.id = p_leaflet;
  v_rev := private.next_revision(p_leaflet, p_revision);
  update public.leaflet_blocks b set position = b.position + 1 where b.leaflet_id = p_leaflet and b.position >= p_position;
  insert into public.leaflet_blocks (leaflet_id, school_id, block_key, position, kind, origin, source, updated_by)
  values (p_leaflet, v_school, 'school-' || substr(replace(gen_random_uuid()::text, '-', ''), 1, 10),
          greatest(p_position, 1), p_kind, 'school', p_content, (select auth.uid()))
  returning id into block_id;
  revision := v_rev;
  return next;
end
$$;
revoke execute on function public.add_block(uuid, int, public.leaflet_block_kind, int, jsonb) from public, anon, authenticated;
grant execute on function public.add_block(uuid, int, public.leaflet_block_kind, int, jsonb) to authenticated;

-- Moves a block one place up (-1) or down (+1); the title stays first.
create function public.move_block(p_block uuid, p_revision int, p_delta int)
returns table (revision int)
language plpgsql volatile security invoker set search_path = ''
as $$
declare
  v_block public.leaflet_blocks;
  v_other public.leaflet_blocks;
begin
  v_block := private.editable_block(p_block);
  revision := private.next_revision(v_block.leaflet_id, p_revision);
  select * into v_other from public.leaflet_blocks b
  where b.leaflet_id = v_block.leaflet_id and b.kind <> 'title'
    and case when p_delta < 0 then b.position < v_block.position else b.position > v_block.position end
  order by case when p_delta < 0 then -b.position else b.position end
  limit 1;
  if v_other.id is not null and v_block.kind <> 'title' then
    update public.leaflet_blocks b set position = v_other.position where b.id = v_block.id;
    update public.leaflet_blocks b set position = v_block.position where b.id = v_other.id;
  end if;
  return next;
end
$$;
revoke execute on function public.move_block(uuid, int, int) from public, anon, authenticated;
grant execute on function public.move_block(uuid, int, int) to authenticated;

-- Publishes what the editor saw (its revision) as a new version; earlier versions stay.
create function public.publish_leaflet(p_leaflet uuid, p_revision int)
returns table (version_no int)
language plpgsql volatile security invoker set search_path = ''
as $$
declare
  v_leaflet public.leaflets;
  v_version uuid;
  v_no int;
begin
  select * into v_leaflet from public.leaflets l where l.id = p_leaflet for update;
  if v_leaflet.id is null or not private.can_edit_leaflets(v_leaflet.school_id) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  if v_leaflet.revision <> p_revision then
    raise exception using errcode = 'P0001', message = 'stale_revision';
  end if;
  select coalesce(max(v.version_no), 0) + 1 into v_no from public.leaflet_versions v where v.leaflet_id = p_leaflet;
  insert into public.leaflet_versions (leaflet_id, school_id, version_no, snapshot, published_by)
  values (p_leaflet, v_leaflet.school_id, v_no, private.leaflet_snapshot(p_leaflet), (select auth.uid()))
  returning id into v_version;
  update public.leaflets set status = 'published', published_version_id = v_version where id = p_leaflet;
  version_no := v_no;
  return next;
end
$$;
revoke execute on function public.publish_leaflet(uuid, int) from public, anon, authenticated;
grant execute on function public.publish_leaflet(uuid, int) to authenticated;

create function public.unpublish_leaflet(p_leaflet uuid)
returns setof public.leaflets
language sql volatile security invoker set search_path = ''
as $$
  update public.leaflets set status = 'draft', updated_at = now()
  where id = p_leaflet and private.can_edit_leaflets(school_id)
  returning *
$$;
revoke execute on function public.unpublish_leaflet(uuid) from public, anon, authenticated;
grant execute on function public.unpublish_leaflet(uuid) to authenticated;

-- The published versions of a leaflet, newest first, with who published each.
create function public.leaflet_history(p_leaflet uuid)
returns table (version_no int, published_at timestamptz, published_by_name text, restored_from int, is_live boolean)
language sql stable security invoker set search_path = ''
as $$
  select v.version_no, v.published_at, p.display_name, v.restored_from,
         l.status = 'published' and l.published_version_id = v.id
  from public.leaflet_versions v
  join public.leaflets l on l.id = v.leaflet_id
  left join public.profiles p on p.user_id = v.published_by
  where v.leaflet_id = p_leaflet and private.can_edit_leaflets(v.school_id)
  order by v.version_no desc
$$;
revoke execute on function public.leaflet_history(uuid) from public, anon, authenticated;
grant execute on function public.leaflet_history(uuid) to authenticated;

-- Restores an earlier version: its blocks and translations become the leaflet again, and
-- are published as a new version (history is never rewritten).
create function public.restore_leaflet_version(p_leaflet uuid, p_version_no int, p_revision int)
returns table (version_no int)
language plpgsql volatile security invoker set search_path = ''
as $$
declare
  v_snapshot jsonb;
  v_school uuid;
  v_block jsonb;
  v_id uuid;
  v_pos int := 0;
  v_no int;
  v_version uuid;
begin
  select v.snapshot, v.school_id into v_snapshot, v_school
  from public.leaflet_versions v where v.leaflet_id = p_leaflet and v.version_no = p_version_no;
  if v_snapshot is null then
    raise exception using errcode = 'P0001', message = 'not_found';
  end if;
  perform private.next_revision(p_leaflet, p_revision);
  delete from public.leaflet_blocks b where b.leaflet_id = p_leaflet;
  for v_block in select * from jsonb_array_elements(v_snapshot -> 'blocks') loop
    insert into public.leaflet_blocks
      (leaflet_id, school_id, block_key, position, kind, origin, source, source_version, image_path, image_width, image_height, updated_by)
    values (
      p_leaflet, v_school, v_block ->> 'key', v_pos, (v_block ->> 'kind')::public.leaflet_block_kind,
      v_block ->> 'origin', v_block -> 'nl', (v_block ->> 'v')::int,
      v_block -> 'image' ->> 'path', (v_block -> 'image' ->> 'width')::int, (v_block -> 'image' ->> 'height')::int,
      (select auth.uid())
    )
    returning id into v_id;
    insert into public.leaflet_translations (block_id, leaflet_id, school_id, locale, content, source_version, origin, reviewed_at, updated_by)
    select v_id, p_leaflet, v_school, t.key, t.value -> 'c', (t.value ->> 'v')::int,
           (t.value ->> 'o')::public.translation_origin, (t.value ->> 'r')::timestamptz, (select auth.uid())
    from jsonb_each(v_block -> 'tr') t;
    v_pos := v_pos + 1;
  end loop;
  select coalesce(max(v.version_no), 0) + 1 into v_no from public.leaflet_versions v where v.leaflet_id = p_leaflet;
  insert into public.leaflet_versions (leaflet_id, school_id, version_no, snapshot, published_by, restored_from)
  values (p_leaflet, v_school, v_no, private.leaflet_snapshot(p_leaflet), (select auth.uid()), p_version_no)
  returning id into v_version;
  update public.leaflets set status = 'published', published_version_id = v_version where id = p_leaflet;
  version_no := v_no;
  return next;
end
$$;
revoke execute on function public.restore_leaflet_version(uuid, int, int) from public, anon, authenticated;
grant execute on function public.restore_leaflet_version(uuid, int, int) to authenticated;

create function public.delete_leaflet(p_leaflet uuid)
returns setof public.leaflets
language sql volatile security invoker set search_path = ''
as $$
  delete from public.leaflets where id = p_leaflet and school_id is not null returning *
$$;
revoke execute on function public.delete_leaflet(uuid) from public, anon, authenticated;
grant execute on function public.delete_leaflet(uuid) to authenticated;

-- Brings a template in line with the canonical content in src/content. A block whose Dutch
-- text changed gets a new source version (its translations in the same content are current
-- for it). Does nothing when the database already has this version or a newer one.
create function public.sync_template(p_slug text, p_version int, p_position int, p_blocks jsonb)
returns text
language plpgsql volatile security invoker set search_path = ''
as $$
declare
  v_template public.leaflets;
  v_block jsonb;
  v_pos int := 0;
  v_existing public.leaflet_blocks;
  v_id uuid;
  v_version int;
begin
  select * into v_template from public.leaflets l where l.school_id is null and l.slug = p_slug;
  if v_template.id is not null and v_template.version >= p_version then
    return 'unchanged';
  end if;
  if v_template.id is null then
    insert into public.leaflets (slug, version, status, position) values (p_slug, p_version, 'published', p_position)
    returning * into v_template;
  end if;
  for v_block in select * from jsonb_array_elements(p_blocks) loop
    select * into v_existing from public.leaflet_blocks b
    where b.leaflet_id = v_template.id and b.block_key = v_block ->> 'key';
    if v_existing.id is null then
      insert into public.leaflet_blocks (leaflet_id, block_key, position, kind, origin, source, source_version)
      values (v_template.id, v_block ->> 'key', v_pos, (v_block ->> 'kind')::public.leaflet_block_kind, 'template', v_block -> 'nl', 1)
      returning id, source_version into v_id, v_version;
    else
      v_version := v_existing.source_version + case when v_existing.source = v_block -> 'nl' then 0 else 1 end;
      update public.leaflet_blocks b
      set position = v_pos, kind = (v_block ->> 'kind')::public.leaflet_block_kind, source = v_block -> 'nl',
          source_version = v_version, updated_at = now()
      where b.id = v_existing.id;
      v_id := v_existing.id;
    end if;
    delete from public.leaflet_translations t
    where t.block_id = v_id and not (v_block -> 'tr' ? t.locale);
    insert into public.leaflet_translations (block_id, leaflet_id, locale, content, source_version, origin)
    select v_id, v_template.id, t.key, t.value, v_version, 'template'
    from jsonb_each(v_block -> 'tr') t
    on conflict (block_id, locale) do update
      set content = excluded.content, source_version = excluded.source_version, updated_at = now();
    v_pos := v_pos + 1;
  end loop;
  delete from public.leaflet_blocks b
  where b.leaflet_id = v_template.id
    and not exists (select 1 from jsonb_array_elements(p_blocks) e where e ->> 'key' = b.block_key);
  update public.leaflets set version = p_version, position = p_position, updated_at = now() where id = v_template.id;
  return 'updated';
end
$$;
revoke execute on function public.sync_template(text, int, int, jsonb) from public, anon, authenticated;
grant execute on function public.sync_template(text, int, int, jsonb) to service_role;

-- The demo school (seed) gets every template, adopted and published, the first time.
create function public.seed_demo_leaflets()
returns int
language plpgsql volatile security invoker set search_path = ''
as $$
declare
  v_school uuid;
  v_template uuid;
  v_id uuid;
  v_count int := 0;
begin
  select s.id into v_school from public.schools s where s.slug = 'demo';
  if v_school is null or exists (select 1 from public.leaflets l where l.school_id = v_school) then
    return 0;
  end if;
  for v_template in select l.id from public.leaflets l where l.school_id is null order by l.position loop
    v_id := public.adopt_template(v_school, v_template);
    perform public.publish_leaflet(v_id, 0);
    v_count := v_count + 1;
  end loop;
  return v_count;
end
$$;
revoke execute on function public.seed_demo_leaflets() from public, anon, authenticated;
grant execute on function public.seed_demo_leaflets() to service_role;

-- A stored picture is in use while a block of its school shows it or a published version keeps
-- it (history is never deleted: restoring a version brings its pictures back).
create function private.picture_in_use(p_school uuid, p_path text)
returns boolean
language sql stable security definer set search_path = ''
as $$
  select exists (select 1 from public.leaflet_blocks b where b.school_id = p_school and b.image_path = p_path)
    or exists (
      select 1 from public.leaflet_versions v, jsonb_array_elements(v.snapshot -> 'blocks') e
      where v.school_id = p_school and e -> 'image' ->> 'path' = p_path
    )
    or exists (select 1 from public.schools s where s.id = p_school and s.logo_path = p_path)
$$;
revoke execute on function private.picture_in_use(uuid, text) from public;
grant execute on function private.picture_in_use(uuid, text) to authenticated, service_role;

create function public.set_block_image(p_block uuid, p_revision int, p_path text, p_width int, p_height int)
returns table (revision int, unused_path text)
language plpgsql volatile security invoker set search_path = ''
as $$
declare
  v_block public.leaflet_blocks;
begin
  v_block := private.editable_block(p_block);
  if v_block.kind <> 'image' then
    raise exception using errcode = 'P0001', message = 'invalid';
  end if;
  revision := private.next_revision(v_block.leaflet_id, p_revision);
  update public.leaflet_blocks b
  set image_path = p_path, image_width = p_width, image_height = p_height, updated_at = now(), updated_by = (select auth.uid())
  where b.id = p_block;
  if v_block.image_path is not null and v_block.image_path <> p_path
     and not private.picture_in_use(v_block.school_id, v_block.image_path) then
    unused_path := v_block.image_path;
  end if;
  return next;
end
$$;
revoke execute on function public.set_block_image(uuid, int, text, int, int) from public, anon, authenticated;
grant execute on function public.set_block_image(uuid, int, text, int, int) to authenticated;

create function public.delete_block(p_block uuid, p_revision int)
returns table (revision int, unused_path text)
language plpgsql volatile security invoker set search_path = ''
as $$
declare
  v_block public.leaflet_blocks;
begin
  v_block := private.editable_block(p_block);
  if v_block.kind = 'title' then
    raise exception using errcode = 'P0001', message = 'invalid';
  end if;
  revision := private.next_revision(v_block.leaflet_id, p_revision);
  delete from public.leaflet_blocks b where b.id = p_block;
  if v_block.image_path is not null and not private.picture_in_use(v_block.school_id, v_block.image_path) then
    unused_path := v_block.image_path;
  end if;
  return next;
end
$$;
revoke execute on function public.delete_block(uuid, int) from public, anon, authenticated;
grant execute on function public.delete_block(uuid, int) to authenticated;

-- The languages the caller translates leaflets into (an empty list: none).
create function public.set_my_translation_locales(p_locales text[])
returns setof public.profiles
language sql volatile security invoker set search_path = ''
as $$
  update public.profiles
  set translates = (
        select coalesce(array_agg(distinct l order by l), '{}')
        from unnest(p_locales) l
      ),
      updated_at = now()
  where user_id = (select auth.uid())
  returning *
$$;
revoke execute on function public.set_my_translation_locales(text[]) from public, anon, authenticated;
grant execute on function public.set_my_translation_locales(text[]) to authenticated;

-- Saves machine translations of several blocks of one leaflet into one language, as one edit.
-- Each item names the block, the Dutch version it was translated from and the content; a block
-- whose Dutch changed while the machine worked is skipped (it is still outdated, not wrong).
-- Saved as 'machine', not checked: a person approves them one by one.
create function public.save_machine_translations(p_leaflet uuid, p_revision int, p_locale text, p_items jsonb)
returns table (revision int, saved int)
language plpgsql volatile security invoker set search_path = ''
as $$
declare
  v_rev int;
  v_item jsonb;
  v_block public.leaflet_blocks;
  v_saved int := 0;
begin
  if p_locale = 'nl' or jsonb_typeof(p_items) <> 'array' or jsonb_array_length(p_items) > 200 then
    raise exception using errcode = 'P0001', message = 'invalid';
  end if;
  v_rev := private.next_revision(p_leaflet, p_revision);
  for v_item in select value from jsonb_array_elements(p_items) loop
    select * into v_block from public.leaflet_blocks b
    where b.id = private.uuid_or_null(v_item ->> 'block') and b.leaflet_id = p_leaflet;
    if v_block.id is null then
      raise exception using errcode = 'P0001', message = 'invalid';
    end if;
    if not private.valid_block_content(v_block.kind, v_item -> 'content') then
      raise exception using errcode = 'P0001', message = 'invalid';
    end if;
    continue when v_block.source_version <> (v_item ->> 'v')::int;
    insert into public.leaflet_translations as t
      (block_id, leaflet_id, school_id, locale, content, source_version, origin, updated_by)
    values (v_block.id, v_block.leaflet_id, v_block.school_id, p_locale::public.locale_code, v_item -> 'content',
            v_block.source_version, 'machine', (select auth.uid()))
    on conflict (block_id, locale) do update
      set content = excluded.content, source_version = excluded.source_version, origin = 'machine',
          reviewed_by = null, reviewed_at = null, updated_at = now(), updated_by = excluded.updated_by;
    v_saved := v_saved + 1;
  end loop;
  revision := v_rev;
  saved := v_saved;
  return next;
end
$$;
revoke execute on function public.save_machine_translations(uuid, int, text, jsonb) from public, anon, authenticated;
grant execute on function public.save_machine_translations(uuid, int, text, jsonb) to authenticated;

-- Per leaflet of a school and per language the caller translates: how many blocks wait for a
-- translation (missing), for an update (made from an older Dutch text) or for a check (machine
-- translated, not yet approved). Only rows with something to do.
create function public.leaflets_to_translate(p_school uuid)
returns table (leaflet_id uuid, title text, locale text, missing int, outdated int, unchecked int)
language sql stable security invoker set search_path = ''
as $$
  with mine as (
    select unnest(p.translates) as locale
    from public.profiles p
    where p.user_id = (select auth.uid()) and private.is_school_staff(p_school)
  ),
  counts as (
    select l.id as leaflet_id, l.position, mine.locale,
           count(*) filter (where t.block_id is null)::int as missing,
           count(*) filter (where t.source_version < b.source_version)::int as outdated,
           count(*) filter (where t.source_version >= b.source_version and t.origin = 'machine' and t.reviewed_at is null)::int as unchecked
    from public.leaflets l
    join public.leaflet_blocks b on b.leaflet_id = l.id
    cross join mine
    left join public.leaflet_translations t on t.block_id = b.id and t.locale::text = mine.locale
    where l.school_id = p_school
    group by l.id, l.position, mine.locale
  )
  select c.leaflet_id, private.leaflet_titles(c.leaflet_id) ->> 'nl', c.locale, c.missing, c.outdated, c.unchecked
  from counts c
  where c.missing + c.outdated + c.unchecked > 0
  order by c.position, c.locale
  limit 500
$$;
revoke execute on function public.leaflets_to_translate(uuid) from public, anon, authenticated;
grant execute on function public.leaflets_to_translate(uuid) to authenticated;

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

-- The number, for the server (service role).
create function public.public_pages_version()
returns bigint
language sql stable security definer set search_path = ''
as $$
  select v.version from private.public_pages_version v where v.id
$$;
revoke execute on function public.public_pages_version() from public, anon, authenticated;
grant execute on function public.public_pages_version() to service_role;

create function public.published_leaflets(p_school_slug text)
returns table (slug text, title jsonb, version_no int, published_at timestamptz, lead jsonb, template text)
language sql stable security invoker set search_path = ''
as $$
  select l.slug, v.snapshot -> 'blocks' -> 0, v.version_no, v.published_at,
         (select b from jsonb_array_elements(v.snapshot -> 'blocks') with ordinality as e(b, n)
          where b ->> 'kind' = 'paragraph' order by n limit 1),
         t.slug
  from public.leaflets l
  join public.schools s on s.id = l.school_id
  join public.leaflet_versions v on v.id = l.published_version_id
  left join public.leaflets t on t.id = l.template_id
  where s.slug = lower(p_school_slug) and l.status = 'published'
  order by l.position, l.slug
$$;
revoke execute on function public.published_leaflets(text) from public, anon, authenticated;
grant execute on function public.published_leaflets(text) to anon, authenticated;

-- ---------------------------------------------------------------------------------------
-- Triggers
-- ---------------------------------------------------------------------------------------

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
