-- A child's part of a meeting reaches staff only through meeting_pupil_preparations(), which logs
-- (issue 18, item 6; the same as …_pupil_rows_through_loggers.sql for answers and preparations,
-- done after the consent work of …_pupil_consent_and_my_data.sql, which kept this policy and
-- function). Selected straight from the table with a token and the anon key, a part is seen by
-- the child and, once they agreed, their parents; never by staff. The function runs as definer
-- with the checks the policy made, and logs as before.

create policy "only the child and their parents read a part directly; staff through meeting_pupil_preparations()"
  on public.pupil_preparations as restrictive for select to authenticated
  using ((select private.is_pupil_self(pupil_id)) or (select private.is_guardian_of(pupil_id)));

create or replace function public.meeting_pupil_preparations(p_meeting uuid)
returns table (pupil_id uuid, first_name text, answers jsonb, words text, updated_at timestamptz)
language plpgsql volatile security definer set search_path = ''
as $$
begin
  return query
    select pp.pupil_id, p.first_name, pp.answers, pp.words, pp.updated_at
    from public.pupil_preparations pp join public.pupils p on p.id = pp.pupil_id
    where pp.meeting_id = p_meeting and pp.consented_at is not null
      and (private.is_pupil_self(pp.pupil_id) or private.is_guardian_of(pp.pupil_id) or private.staff_sees_meeting(p_meeting))
    order by lower(p.first_name);
  if found then
    perform private.log_pupil_reads(
      array(select pp.pupil_id from public.pupil_preparations pp
            where pp.meeting_id = p_meeting and pp.consented_at is not null), 'pupil_preparation');
  end if;
end
$$;
revoke execute on function public.meeting_pupil_preparations(uuid) from public, anon, authenticated;
grant execute on function public.meeting_pupil_preparations(uuid) to authenticated;

-- Translations of a preparation or a child's part are seen by whoever sees the text. The policy
-- read those tables as the caller, which staff no longer may (…_pupil_rows_through_loggers.sql and
-- above): the same rules, now asked of definer functions, as for feedback (private.sees_feedback).
create function private.sees_preparation(p_meeting uuid, p_user uuid)
returns boolean
language sql stable security definer set search_path = ''
as $$
  select exists (
    select 1 from public.preparations p
    where p.meeting_id = p_meeting and p.user_id = p_user
      and (p.user_id = (select auth.uid()) or (p.shared_at is not null and private.staff_sees_meeting(p_meeting)))
  )
$$;
revoke execute on function private.sees_preparation(uuid, uuid) from public;
grant execute on function private.sees_preparation(uuid, uuid) to authenticated, service_role;

create function private.sees_pupil_part(p_meeting uuid, p_pupil uuid)
returns boolean
language sql stable security definer set search_path = ''
as $$
  select exists (
    select 1 from public.pupil_preparations p
    where p.meeting_id = p_meeting and p.pupil_id = p_pupil
      and (private.is_pupil_self(p.pupil_id)
           or (p.consented_at is not null and (private.is_guardian_of(p.pupil_id) or private.staff_sees_meeting(p_meeting))))
  )
$$;
revoke execute on function private.sees_pupil_part(uuid, uuid) from public;
grant execute on function private.sees_pupil_part(uuid, uuid) to authenticated, service_role;

drop policy "a translation is seen by whoever sees the text it translates" on public.translations;
create policy "a translation is seen by whoever sees the text it translates" on public.translations
  for select to authenticated
  using (
    case source
      when 'meeting' then exists (select 1 from public.meetings m where m.id = translations.meeting_id)
      when 'agreement' then exists (select 1 from public.agreements a where a.id = translations.agreement_id)
      when 'wish' then exists (
        select 1 from public.meeting_people p where p.meeting_id = translations.meeting_id and p.user_id = translations.wish_user
      )
      when 'preparation' then (select private.sees_preparation(translations.meeting_id, translations.prep_user))
      when 'feedback' then (select private.sees_feedback(translations.meeting_id, translations.feedback_author))
      when 'pupil_part' then (select private.sees_pupil_part(translations.meeting_id, translations.part_pupil))
      when 'slot_round' then exists (select 1 from public.slot_rounds r where r.id = translations.slot_round_id)
      when 'need_round' then exists (select 1 from public.need_rounds r where r.id = translations.need_round_id)
      when 'erasure_request' then exists (select 1 from public.erasure_requests r where r.id = translations.erasure_request_id)
      else false
    end
  );
