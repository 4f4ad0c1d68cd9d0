-- Leaflets: keeping every language while a school edits. Staff say which languages they can
-- translate (in their profile); a "to translate" list counts, per leaflet and language, the
-- blocks whose translation is missing, made from an older Dutch text, or machine-made and not
-- yet checked; machine translations of many blocks are saved in one step.

-- Tables ---------------------------------------------------------------------------------

-- The languages a person can translate leaflets into (TRANSLATION_LOCALES: never Dutch, the source).
alter table public.profiles
  add column translates text[] not null default '{}'
    check (translates <@ array['en', 'ar', 'uk', 'pl', 'tr']::text[]);

-- Like their name and language, a person sets this themselves (PostgREST: their own row only).
grant update (translates) on public.profiles to authenticated;

-- Functions ------------------------------------------------------------------------------

-- (my_profile and update_my_profile return the whole profile row: `translates` comes with it.)

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
