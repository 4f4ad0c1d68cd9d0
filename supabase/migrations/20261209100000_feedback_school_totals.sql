-- The school view of meeting feedback shows totals that can be shown (walk 2026-12: in a school
-- with a few meetings per staff member and month, every cell of school_feedback_overview() reads
-- "fewer than 5" and the page says nothing). school_feedback_totals(): the whole school per month,
-- and all months together (month null), from named feedback only, like the overview.
--
-- Nothing in it identifies a family, even next to the overview's rows:
-- - a total is shown only from 5 answers;
-- - subtraction: the answers that no shown overview row already counts are what "total minus the
--   shown rows" could reveal. A month's total is shown only when that rest is 0 or at least 5,
--   and the all-months total only when the rest of the hidden months (not counted by a shown month
--   or a shown staff row) is 0 or at least 5. A rest of 5 or more is a pool of at least two staff
--   members' hidden rows (one member with 5 would be shown), the same rule of five.
-- A hidden row says why: 'fewer_than_5' or 'would_reveal' (a small group by subtraction).
create function public.school_feedback_totals(p_school uuid)
returns table (
  month text, hidden text, answers int,
  seen_yes int, seen_partly int, seen_no int, heard_yes int, heard_partly int, heard_no int,
  valued_yes int, valued_partly int, valued_no int
)
language plpgsql stable security definer set search_path = ''
as $$
begin
  if not private.sees_all_classes(p_school) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  return query
    with a as (
      select f.author_id, f.meeting_id, f.seen, f.heard, f.valued,
             date_trunc('month', m.starts_at at time zone 'Europe/Amsterdam')::date as month
      from public.meeting_feedback f
      join public.meetings m on m.id = f.meeting_id
      where m.school_id = p_school and not f.anonymous
    ),
    staff_rows as (
      select mp.user_id, a.month, count(*) >= 5 as shown
      from a join public.meeting_people mp on mp.meeting_id = a.meeting_id and mp.role = 'staff'
      group by mp.user_id, a.month
    ),
    covered as (
      select distinct a.meeting_id, a.author_id
      from a
      join public.meeting_people mp on mp.meeting_id = a.meeting_id and mp.role = 'staff'
      join staff_rows s on s.user_id = mp.user_id and s.month = a.month and s.shown
    ),
    months as (
      select a.month, count(*) as n, count(*) filter (where c.author_id is null) as rest
      from a left join covered c on c.meeting_id = a.meeting_id and c.author_id = a.author_id
      group by a.month
    ),
    shown_months as (
      select ms.month from months ms where ms.n >= 5 and (ms.rest = 0 or ms.rest >= 5)
    ),
    rest_all as (
      select count(*) as n
      from a left join covered c on c.meeting_id = a.meeting_id and c.author_id = a.author_id
      where c.author_id is null and not exists (select 1 from shown_months sm where sm.month = a.month)
    ),
    counted as (
      select a.month::text as month, count(*)::int as answers,
             (count(*) filter (where a.seen = 'yes'))::int as seen_yes,
             (count(*) filter (where a.seen = 'partly'))::int as seen_partly,
             (count(*) filter (where a.seen = 'no'))::int as seen_no,
             (count(*) filter (where a.heard = 'yes'))::int as heard_yes,
             (count(*) filter (where a.heard = 'partly'))::int as heard_partly,
             (count(*) filter (where a.heard = 'no'))::int as heard_no,
             (count(*) filter (where a.valued = 'yes'))::int as valued_yes,
             (count(*) filter (where a.valued = 'partly'))::int as valued_partly,
             (count(*) filter (where a.valued = 'no'))::int as valued_no
      from a
      group by grouping sets ((a.month), ())
      having count(*) > 0
    ),
    judged as (
      select c.*,
             case
               when c.answers < 5 then 'fewer_than_5'
               when c.month is null and (select r.n from rest_all r) between 1 and 4 then 'would_reveal'
               when c.month is not null and not exists (select 1 from shown_months sm where sm.month::text = c.month) then 'would_reveal'
             end as why
      from counted c
    )
    -- A hidden row carries no number at all.
    select j.month, j.why,
           case when j.why is null then j.answers end,
           case when j.why is null then j.seen_yes end, case when j.why is null then j.seen_partly end,
           case when j.why is null then j.seen_no end, case when j.why is null then j.heard_yes end,
           case when j.why is null then j.heard_partly end, case when j.why is null then j.heard_no end,
           case when j.why is null then j.valued_yes end, case when j.why is null then j.valued_partly end,
           case when j.why is null then j.valued_no end
    from judged j
    order by j.month desc nulls first;
end
$$;
revoke execute on function public.school_feedback_totals(uuid) from public, anon, authenticated;
grant execute on function public.school_feedback_totals(uuid) to authenticated;
