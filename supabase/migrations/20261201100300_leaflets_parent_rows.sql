-- Leaflets: a row's school must be the school of the rows it hangs from. Through PostgREST a
-- staff member can write these tables directly; the earlier policies checked only the new row's
-- own school_id, so a block could be hung under another school's leaflet, or a translation under
-- another school's block. Now the parent rows are checked too, on insert and on update.
-- Also: a replaced or removed leaflet picture is deleted once nothing refers to it any more.

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

drop policy "staff add blocks to their school's leaflets" on public.leaflet_blocks;
drop policy "staff edit blocks of their school's leaflets" on public.leaflet_blocks;
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

drop policy "staff add translations to their school's leaflets" on public.leaflet_translations;
drop policy "staff edit translations of their school's leaflets" on public.leaflet_translations;
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

drop policy "staff publish their school's leaflets" on public.leaflet_versions;
create policy "staff publish their school's leaflets" on public.leaflet_versions
  for insert to authenticated
  with check ((select private.is_school_staff(school_id)) and (select private.leaflet_of_school(leaflet_id, school_id)));

-- A leaflet may only name a template (a leaflet of no school) as the one it started from.
create function private.is_template(p_leaflet uuid)
returns boolean
language sql stable security definer set search_path = ''
as $$
  select exists (select 1 from public.leaflets l where l.id = p_leaflet and l.school_id is null)
$$;
revoke execute on function private.is_template(uuid) from public;
grant execute on function private.is_template(uuid) to authenticated, service_role;

drop policy "staff edit their school's leaflets" on public.leaflets;
create policy "staff edit their school's leaflets" on public.leaflets
  for update to authenticated
  using (school_id is not null and (select private.is_school_staff(school_id)))
  with check (
    school_id is not null and (select private.is_school_staff(school_id))
    and (template_id is null or (select private.is_template(template_id)))
  );

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

-- Sets a block's picture; returns the picture it replaced when nothing refers to that any more,
-- so the caller deletes the file.
drop function public.set_block_image(uuid, int, text, int, int);
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

-- Removes a block; returns its picture when nothing refers to that any more.
drop function public.delete_block(uuid, int);
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

drop policy "staff start leaflets for their school" on public.leaflets;
create policy "staff start leaflets for their school" on public.leaflets
  for insert to authenticated
  with check (
    school_id is not null and (select private.is_school_staff(school_id))
    and (template_id is null or (select private.is_template(template_id)))
  );
