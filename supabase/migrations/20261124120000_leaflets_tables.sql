-- Leaflets: the canonical templates and each school's adapted copies, as ordered blocks with
-- a Dutch source text and translations that record the source version they were made from.
-- Three separate things are kept apart: publication state (draft/published, with every
-- published version kept), translation state (derived from versions: current/outdated/missing)
-- and origin (template, written by the school, machine translated and not reviewed).

create type public.leaflet_status as enum ('draft', 'published');
create type public.leaflet_block_kind as enum ('title', 'heading', 'paragraph', 'tips', 'tomorrow', 'questions', 'image', 'contact');
create type public.translation_origin as enum ('template', 'school', 'machine');

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
create unique index leaflets_school_slug on public.leaflets (school_id, slug) where school_id is not null;
create unique index leaflets_template_slug on public.leaflets (slug) where school_id is null;
create index leaflets_template_idx on public.leaflets (template_id);

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
create index leaflet_blocks_school_idx on public.leaflet_blocks (school_id);

-- A block's text in another language, made from a given version of the Dutch source.
create table public.leaflet_translations (
  block_id uuid not null references public.leaflet_blocks (id) on delete cascade,
  leaflet_id uuid not null references public.leaflets (id) on delete cascade,
  school_id uuid references public.schools (id) on delete cascade,
  locale text not null check (locale in ('en', 'ar', 'uk', 'pl', 'tr')),
  content jsonb not null,
  source_version int not null check (source_version >= 1),
  origin public.translation_origin not null,
  reviewed_by uuid references auth.users (id) on delete set null,
  reviewed_at timestamptz,
  updated_at timestamptz not null default now(),
  updated_by uuid references auth.users (id) on delete set null,
  primary key (block_id, locale)
);
create index leaflet_translations_school_idx on public.leaflet_translations (school_id);
create index leaflet_translations_leaflet_idx on public.leaflet_translations (leaflet_id);

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
create index leaflet_versions_school_idx on public.leaflet_versions (school_id);

alter table public.leaflets
  add constraint leaflets_published_version_fk foreign key (published_version_id)
  references public.leaflet_versions (id) on delete set null;

alter table public.leaflets enable row level security;
alter table public.leaflet_blocks enable row level security;
alter table public.leaflet_translations enable row level security;
alter table public.leaflet_versions enable row level security;

revoke all on public.leaflets, public.leaflet_blocks, public.leaflet_translations, public.leaflet_versions from anon;
grant select on public.leaflets, public.leaflet_blocks, public.leaflet_translations, public.leaflet_versions to anon;

revoke execute on function private.valid_block_content(public.leaflet_block_kind, jsonb), private.valid_items(jsonb) from public;
grant execute on function private.valid_block_content(public.leaflet_block_kind, jsonb), private.valid_items(jsonb)
  to authenticated, service_role;

-- leaflets: templates and published leaflets are public; drafts are the school staff's.
create policy "anyone reads templates and published leaflets; staff also their drafts" on public.leaflets
  for select to anon, authenticated
  using (school_id is null or status = 'published' or (select private.is_school_staff(school_id)));
create policy "staff start leaflets for their school" on public.leaflets
  for insert to authenticated with check (school_id is not null and (select private.is_school_staff(school_id)));
create policy "staff edit their school's leaflets" on public.leaflets
  for update to authenticated
  using (school_id is not null and (select private.is_school_staff(school_id)))
  with check (school_id is not null and (select private.is_school_staff(school_id)));
create policy "admins delete their school's leaflets" on public.leaflets
  for delete to authenticated using (school_id is not null and (select private.is_school_admin(school_id)));

-- blocks and translations: readers get the published snapshot, so only templates are public here.
create policy "anyone reads template blocks; staff their school's blocks" on public.leaflet_blocks
  for select to anon, authenticated using (school_id is null or (select private.is_school_staff(school_id)));
create policy "staff add blocks to their school's leaflets" on public.leaflet_blocks
  for insert to authenticated with check (school_id is not null and (select private.is_school_staff(school_id)));
create policy "staff edit blocks of their school's leaflets" on public.leaflet_blocks
  for update to authenticated
  using (school_id is not null and (select private.is_school_staff(school_id)))
  with check (school_id is not null and (select private.is_school_staff(school_id)));
create policy "staff remove blocks from their school's leaflets" on public.leaflet_blocks
  for delete to authenticated using (school_id is not null and (select private.is_school_staff(school_id)));

create policy "anyone reads template translations; staff their school's" on public.leaflet_translations
  for select to anon, authenticated using (school_id is null or (select private.is_school_staff(school_id)));
create policy "staff add translations to their school's leaflets" on public.leaflet_translations
  for insert to authenticated with check (school_id is not null and (select private.is_school_staff(school_id)));
create policy "staff edit translations of their school's leaflets" on public.leaflet_translations
  for update to authenticated
  using (school_id is not null and (select private.is_school_staff(school_id)))
  with check (school_id is not null and (select private.is_school_staff(school_id)));
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
create policy "staff publish their school's leaflets" on public.leaflet_versions
  for insert to authenticated with check ((select private.is_school_staff(school_id)));
