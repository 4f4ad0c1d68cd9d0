-- The teachers' pages at 1,000 pupils (issue 24): the same answers and the same access checks,
-- without calling an access helper once per row.
--
-- Why: the helpers (private.has_school_role and the ones built on it) are SQL functions that run
-- as their owner with their own search_path, so PostgreSQL cannot inline them; a nested call is
-- planned again on every call. Measured on PostgreSQL 15 with the bench's school (bench/needs.ts:
-- 1,020 pupils, 40 classes), per page view: log_pupil_reads spent 8 ms (class overview) to 87 ms
-- (groepsbespreking) asking "is the caller staff of this school?" once per pupil, and
-- school_classes 40–60 ms asking "may the caller see this class?" through four nested helpers
-- per class. Now each question is asked once per school, and per class only where the answer
-- for the whole school is no.

-- Who looked: unchanged rows (one per pupil shown, not again within 10 seconds for the same
-- reader, pupil and kind, only for staff of the pupil's school); the staff check once per school
-- of the pupils given rather than once per pupil.
create or replace function private.log_pupil_reads(p_pupils uuid[], p_kind text)
returns void
language sql
security definer
set search_path = ''
as $$
  insert into public.pupil_access_log (school_id, reader_id, pupil_id, kind)
  select p.school_id, (select auth.uid()), p.id, p_kind
  from public.pupils p
  where p.id = any (p_pupils)
    and (select auth.uid()) is not null
    -- A DISTINCT subquery is not pulled up into the outer query, so the check runs per school.
    and p.school_id in (
      select s.school_id
      from (select distinct q.school_id from public.pupils q where q.id = any (p_pupils)) s
      where private.is_school_staff(s.school_id)
    )
    -- Once per page view: not again within 10 seconds for the same reader, pupil and kind.
    and not exists (
      select 1 from public.pupil_access_log l
      where l.reader_id = (select auth.uid()) and l.pupil_id = p.id and l.kind = p_kind
        and l.at > clock_timestamp() - interval '10 seconds'
    )
$$;
revoke execute on function private.log_pupil_reads(uuid[], text) from public;
grant execute on function private.log_pupil_reads(uuid[], text) to authenticated, service_role;

-- The classes the caller may see, with the number of current pupils they may see. Whoever sees
-- all of the school's classes (its admin or coach) is known with one question; only for others
-- is each class asked about (a teacher: their own classes; a parent or a pupil: the count of
-- their own children or themselves). Security definer as before: the count covers pupils the
-- caller may not read row by row.
create or replace function public.school_classes(p_school uuid)
returns table (class_id uuid, name text, school_year text, pupil_count integer)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_all boolean := private.sees_all_classes(p_school);
begin
  return query
    select c.id, c.name, c.school_year,
           case when v_all or private.can_see_class_pupils(c.id)
             then coalesce(n.pupils, 0)
             else (select count(*)::int from private.current_pupils p
                   where p.class_id = c.id
                     and (private.is_pupil_self(p.id) or private.is_guardian_of(p.id)))
           end
    from public.classes c
    left join (
      -- A pupil's class is of the pupil's school (pupils_class_id_school_id_fkey).
      select p.class_id, count(*)::int as pupils from private.current_pupils p
      where p.school_id = p_school group by p.class_id
    ) n on n.class_id = c.id
    where c.school_id = p_school and (v_all or private.can_see_class(c.id))
    order by c.school_year desc, c.name;
end
$$;
revoke execute on function public.school_classes(uuid) from public, anon, authenticated;
grant execute on function public.school_classes(uuid) to authenticated;

-- A round's answers, one row per pupil of the class (current pupils, and pupils who left after
-- answering), and who looked. Unchanged but for "current pupil": one join with
-- private.current_pupils instead of a subquery per pupil.
create or replace function public.need_round_answers(p_round uuid)
returns table (
  pupil_id uuid, first_name text, answered boolean, needs text[], goal_step text, own_words text, has_drawing boolean,
  tops text[], tips text[], top_words text, tip_words text, has_feedback_drawing boolean, updated_at timestamptz
)
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_round public.need_rounds;
begin
  select * into v_round from public.need_rounds r where r.id = p_round;
  if v_round.id is null or not private.can_see_class_pupils(v_round.class_id) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  return query
    select p.id, p.first_name, a.pupil_id is not null,
           coalesce(a.needs, '{}'), a.goal_step, a.own_words, a.drawing_path is not null,
           coalesce(a.tops, '{}'), coalesce(a.tips, '{}'), a.top_words, a.tip_words,
           a.feedback_drawing_path is not null, a.updated_at
    from public.pupils p
    left join public.need_answers a on a.round_id = p_round and a.pupil_id = p.id
    left join private.current_pupils c on c.id = p.id
    where p.class_id = v_round.class_id and (c.id is not null or a.pupil_id is not null)
    order by lower(p.first_name);
  perform private.log_pupil_reads(
    array(select a.pupil_id from public.need_answers a where a.round_id = p_round), 'needs_answers');
end
$$;
revoke execute on function public.need_round_answers(uuid) from public, anon, authenticated;
grant execute on function public.need_round_answers(uuid) to authenticated;
