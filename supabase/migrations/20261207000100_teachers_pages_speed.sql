-- The teachers' pages at 1,000 pupils (issue 24): the same rows and the same access checks,
-- without calling an access helper once per row.
--
-- Why: the helpers (private.has_school_role and those built on it) are SQL functions that run as
-- their owner with their own search_path, so PostgreSQL cannot inline them, and a nested call is
-- planned again on every call: about 0.25 ms each. Backend CPU per call on PostgreSQL 15 with
-- bench/needs.ts's school (1,020 pupils, 40 classes; bench/needs-sql.ts): school_classes
-- 25 → 1.3 ms (four nested helpers per class), group_discussion_pupils 45 → 14 ms and
-- need_round_answers 7.5 → 6 ms (log_pupil_reads asked "is the caller staff of this school?"
-- once per pupil), group_discussion 14.5 → 11.5 ms (school_attention in one pass).

-- Who looked: unchanged rows (one per pupil shown, not again within 10 seconds for the same
-- reader, pupil and kind, only for staff of the pupil's school); the staff check once per school
-- of the pupils given rather than once per pupil.
create or replace function private.log_pupil_reads(p_pupils uuid[], p_kind text)
returns void
language sql
security definer
set search_path = ''
as $$
  -- The schools of the pupils given, asked about once each: a materialized CTE, so that the
  -- check is not pushed down to run per pupil (as it is through a DISTINCT subquery).
  with schools as materialized (
    select distinct q.school_id from public.pupils q where q.id = any (p_pupils)
  )
  insert into public.pupil_access_log (school_id, reader_id, pupil_id, kind)
  select p.school_id, (select auth.uid()), p.id, p_kind
  from public.pupils p
  where p.id = any (p_pupils)
    and (select auth.uid()) is not null
    and p.school_id in (select s.school_id from schools s where private.is_school_staff(s.school_id))
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

-- The pupils who need individual attention (the groepsbespreking asks this twice per view):
-- "in an earring" and "without a circle" of the class's current plan from one pass over the
-- current pupils and their place in that plan (a plan has at most one row per pupil), instead
-- of two. Same rows.
create or replace function private.school_attention(p_school uuid)
returns table (class_id uuid, pupil_id uuid, reason text)
language plpgsql stable security definer set search_path = ''
as $$
begin
  return query
  with current_plan as (
    select distinct on (g.class_id) g.id, g.class_id from public.group_plans g
    where g.school_id = p_school order by g.class_id, g.created_at desc
  ),
  live as (
    select p.id, p.class_id from private.current_pupils p where p.school_id = p_school
  ),
  placed as (
    select l.class_id, l.id, gp.plan_id, gp.circle
    from live l join current_plan cp on cp.class_id = l.class_id
    left join public.group_plan_pupils gp on gp.plan_id = cp.id and gp.pupil_id = l.id
  ),
  steps as (
    select a.pupil_id, a.class_id, a.goal_step,
           row_number() over (partition by a.pupil_id order by r.opened_at desc) as n
    from public.need_answers a join public.need_rounds r on r.id = a.round_id
    where r.school_id = p_school and a.goal_step is not null
  )
  select x.class_id, x.id, case when x.plan_id is null then 'no_circle'::text else 'earring'::text end
  from placed x
  where x.plan_id is null or x.circle in ('very-intensive', 'very-deepened')
  union all
  select l.class_id, l.id, 'not_yet_twice'::text
  from steps s join live l on l.id = s.pupil_id and l.class_id = s.class_id
  where s.n <= 2
  group by l.class_id, l.id
  having count(*) filter (where s.goal_step = 'not-yet') = 2;
end
$$;
revoke execute on function private.school_attention(uuid) from public;
grant execute on function private.school_attention(uuid) to service_role;
