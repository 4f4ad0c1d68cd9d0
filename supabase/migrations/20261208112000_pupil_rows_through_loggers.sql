-- Pupil-level rows reach staff only through the functions that log the read (issue 18, item 6).
--
-- In Supabase mode a staff member holds a token (JWT) and the anon key is public: PostgREST would
-- let them select a class's need_answers, or a meeting's shared preparations, straight from the
-- tables, past "who looked". Now a restrictive policy lets only the row's own people (the pupil,
-- their parents; a preparation's author) read those tables directly; staff read them through
-- need_round_answers(), meeting_latest_needs(), need_drawing_path() and meeting_preparations(),
-- which check the caller and write the log. The two of those that ran as the caller now run as
-- definer with the same checks the permissive policies made.
-- The persona matrix tests this on both databases with the authenticated role and each persona's
-- claims doing plain SELECTs (tests/db/needs.test.ts "need_answers select", tests/db/meetings.test.ts
-- "preparations table"), which is what PostgREST runs for a token and the anon key.
-- Not here: pupil_preparations (a child's part of a meeting), whose reader and consent rules are
-- being changed in issue 18's consent work; it gets the same treatment there.

create policy "only the pupil and their parents read answers directly; staff through need_round_answers()"
  on public.need_answers as restrictive for select to authenticated
  using ((select private.is_pupil_self(pupil_id)) or (select private.is_guardian_of(pupil_id)));

create policy "only its author reads a preparation directly; staff through meeting_preparations()"
  on public.preparations as restrictive for select to authenticated
  using (user_id = (select auth.uid()));

-- The same as before (…_pupil_access_log.sql), as definer: who may see the answer is checked here.
create or replace function public.need_drawing_path(p_round uuid, p_pupil uuid, p_kind text)
returns text
language plpgsql volatile security definer set search_path = ''
as $$
declare
  v_path text;
begin
  select case when p_kind = 'feedback' then a.feedback_drawing_path else a.drawing_path end into v_path
  from public.need_answers a
  where a.round_id = p_round and a.pupil_id = p_pupil
    and (private.is_pupil_self(a.pupil_id) or private.is_guardian_of(a.pupil_id) or private.can_see_class_pupils(a.class_id));
  if v_path is not null then
    perform private.log_pupil_reads(array[p_pupil], 'drawing');
  end if;
  return v_path;
end
$$;
revoke execute on function public.need_drawing_path(uuid, uuid, text) from public, anon, authenticated;
grant execute on function public.need_drawing_path(uuid, uuid, text) to authenticated;

create or replace function public.meeting_preparations(p_meeting uuid)
returns table (user_id uuid, author text, answers jsonb, shared_at timestamptz, updated_at timestamptz)
language plpgsql volatile security definer set search_path = ''
as $$
begin
  return query
    select p.user_id, pf.display_name, p.answers, p.shared_at, p.updated_at
    from public.preparations p left join public.profiles pf on pf.user_id = p.user_id
    where p.meeting_id = p_meeting and p.shared_at is not null
      and (p.user_id = (select auth.uid()) or private.staff_sees_meeting(p_meeting))
    order by pf.display_name;
  if found then
    perform private.log_pupil_reads(
      array(select mp.pupil_id from public.meeting_pupils mp where mp.meeting_id = p_meeting), 'preparation');
  end if;
end
$$;
revoke execute on function public.meeting_preparations(uuid) from public, anon, authenticated;
grant execute on function public.meeting_preparations(uuid) to authenticated;
