-- Storage: the school-assets bucket and who may read and write what in it. Paths start with the
-- school's id (`<school_id>/<generated name>`), and every policy checks that folder against
-- the caller's role in that school, never the bucket alone. (The pupil-drawings bucket is the
-- needs domain's.)
--
-- Layout and the rule for later changes: the opening of …_schools_people.sql.

-- ---------------------------------------------------------------------------------------
-- Tables
-- ---------------------------------------------------------------------------------------

insert into storage.buckets (id, name, public, file_size_limit, allowed_mime_types)
values
  ('school-assets', 'school-assets', true, 2097152, array['image/png', 'image/jpeg', 'image/webp']),
  ('exports', 'exports', false, 10485760, array['application/pdf', 'text/csv'])
on conflict (id) do nothing;

-- ---------------------------------------------------------------------------------------
-- Row level security policies
-- ---------------------------------------------------------------------------------------

create policy "staff add assets of their own school" on storage.objects
  for insert to authenticated
  with check (
    bucket_id = 'school-assets'
    and (select private.is_school_staff(private.uuid_or_null((storage.foldername(name))[1])))
  );

create policy "staff replace assets of their own school" on storage.objects
  for update to authenticated
  using (
    bucket_id = 'school-assets'
    and (select private.is_school_staff(private.uuid_or_null((storage.foldername(name))[1])))
  )
  with check (
    bucket_id = 'school-assets'
    and (select private.is_school_staff(private.uuid_or_null((storage.foldername(name))[1])))
  );

create policy "staff remove assets of their own school" on storage.objects
  for delete to authenticated
  using (
    bucket_id = 'school-assets'
    and (select private.is_school_staff(private.uuid_or_null((storage.foldername(name))[1])))
  );

-- exports: private files a staff member makes for their school (e.g. a list for print).
create policy "staff read their school's exports" on storage.objects
  for select to authenticated
  using (
    bucket_id = 'exports'
    and (select private.is_school_staff(private.uuid_or_null((storage.foldername(name))[1])))
  );

create policy "staff write their school's exports" on storage.objects
  for insert to authenticated
  with check (
    bucket_id = 'exports'
    and owner = (select auth.uid())
    and (select private.is_school_staff(private.uuid_or_null((storage.foldername(name))[1])))
  );

create policy "staff remove their own exports" on storage.objects
  for delete to authenticated
  using (
    bucket_id = 'exports'
    and owner = (select auth.uid())
    and (select private.is_school_staff(private.uuid_or_null((storage.foldername(name))[1])))
  );

create policy "staff see their own school's assets" on storage.objects
  for select to authenticated
  using (
    bucket_id = 'school-assets'
    and (select private.is_school_staff(private.uuid_or_null((storage.foldername(name))[1])))
  );
