-- Erasure and retention. An admin removes a pupil with everything about them: their answers,
-- drawings, their part of meetings, meetings about them alone (with the parents' preparations,
-- agreements and feedback), their bookings, what the access log says of them, their picture
-- code and their own sign-in identity. The stored drawings' names come back so the server removes
-- the files too. A retention job (service role only) purges what has done its work: expired
-- invitations, class-mode devices, sign-in events after 90 days, idle sign-in limits, and the
-- access log after 24 months.

-- Policies -------------------------------------------------------------------------------

-- The admin sees and removes the drawings of their school's pupils, also once the pupil's row is
-- gone (erasure removes the rows first, then the files). Admins see every class's pupils anyway.
create policy "admins see their school's pupils' drawings" on storage.objects
  for select to authenticated
  using (
    bucket_id = 'pupil-drawings'
    and (select private.is_school_admin(private.uuid_or_null((storage.foldername(name))[1])))
  );

create policy "admins remove their school's pupils' drawings" on storage.objects
  for delete to authenticated
  using (
    bucket_id = 'pupil-drawings'
    and (select private.is_school_admin(private.uuid_or_null((storage.foldername(name))[1])))
  );

-- Functions ------------------------------------------------------------------------------

-- Erases a pupil and everything about them; returns their first name (for the sentence that says
-- so) and the stored files to remove: {"first_name": …, "files": [{"bucket": …, "name": …}]}.
-- Definer: it reaches rows the admin's policies do not show (a parent's preparation, the pupil's
-- own sign-in identity) — after checking that the caller is an admin of the pupil's school.
create function public.erase_pupil(p_pupil uuid)
returns jsonb
language plpgsql volatile security definer set search_path = ''
as $$
declare
  v_pupil public.pupils;
  v_meetings uuid[];
  v_files jsonb;
begin
  select * into v_pupil from public.pupils p where p.id = p_pupil;
  if v_pupil.id is null or not private.is_school_admin(v_pupil.school_id) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  -- The files (their names hold the pupil's id), for the server to remove once the rows are gone.
  select coalesce(jsonb_agg(jsonb_build_object('bucket', o.bucket_id, 'name', o.name) order by o.name), '[]') into v_files
  from storage.objects o
  where o.bucket_id = 'pupil-drawings'
    and private.uuid_or_null((storage.foldername(o.name))[2]) = p_pupil;
  select coalesce(array_agg(mp.meeting_id), '{}') into v_meetings
  from public.meeting_pupils mp where mp.pupil_id = p_pupil;
  -- A booking for the pupil says who booked it: that goes with the pupil.
  update public.slots s set booked_by = null, meeting_id = null where s.pupil_id = p_pupil;
  delete from public.pupils p where p.id = p_pupil;
  -- Meetings that were about this pupil alone go too, with what was said in and about them.
  delete from public.meetings m
  where m.id = any (v_meetings)
    and not exists (select 1 from public.meeting_pupils mp where mp.meeting_id = m.id);
  -- The pupil's own sign-in identity (their sessions and feedback go with it).
  if v_pupil.user_id is not null then
    delete from auth.users u where u.id = v_pupil.user_id;
  end if;
  return jsonb_build_object('first_name', v_pupil.first_name, 'files', v_files);
end
$$;
revoke execute on function public.erase_pupil(uuid) from public, anon, authenticated;
grant execute on function public.erase_pupil(uuid) to authenticated;

-- What the retention job removed, per kind (for the server's log: counts only).
create function public.run_retention(p_now timestamptz default now())
returns table (kind text, removed int)
language plpgsql volatile security definer set search_path = ''
as $$
declare
  v_count int;
begin
  -- The server (service role) or a scheduler as the owner (pg_cron on Supabase); never a person.
  if coalesce(current_setting('role', true), 'none') in ('anon', 'authenticated') then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  -- Invitations 30 days after they expired or were used: the letter has done its work.
  delete from public.invitations i
  where i.expires_at < p_now - interval '30 days' or i.used_at < p_now - interval '30 days';
  get diagnostics v_count = row_count;
  kind := 'invitations'; removed := v_count; return next;

  delete from public.class_devices d where d.expires_at < p_now;
  get diagnostics v_count = row_count;
  kind := 'class_devices'; removed := v_count; return next;

  delete from private.sign_in_events e where e.at < p_now - interval '90 days';
  get diagnostics v_count = row_count;
  kind := 'sign_in_events'; removed := v_count; return next;

  delete from private.auth_limits l
  where l.updated_at < p_now - interval '1 day' and (l.locked_until is null or l.locked_until < p_now);
  get diagnostics v_count = row_count;
  kind := 'sign_in_limits'; removed := v_count; return next;

  delete from public.pupil_access_log l where l.at < p_now - interval '24 months';
  get diagnostics v_count = row_count;
  kind := 'access_log'; removed := v_count; return next;
end
$$;
revoke execute on function public.run_retention(timestamptz) from public, anon, authenticated;
grant execute on function public.run_retention(timestamptz) to service_role;
