-- Storage: nobody lists a bucket they do not manage. The school-assets bucket is public for
-- reading a file by its address (logos and pictures on public leaflets; Supabase serves public
-- buckets without asking the policies), but the list of what is stored, and of which school, is
-- only for that school's staff.

drop policy "anyone can read school assets" on storage.objects;
create policy "staff see their own school's assets" on storage.objects
  for select to authenticated
  using (
    bucket_id = 'school-assets'
    and (select private.is_school_staff(private.uuid_or_null((storage.foldername(name))[1])))
  );
