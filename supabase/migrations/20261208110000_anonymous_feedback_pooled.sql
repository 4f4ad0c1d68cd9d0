-- "Anonymous" meeting feedback that cannot be traced (issue 18, M3).
--
-- Before, a meeting's page showed anonymous feedback as "Anonymous (parent)" next to the list of
-- the meeting's parents: with one invited parent, the author was obvious. Now:
-- - meeting_feedback() (the meeting's own page) returns named feedback only;
-- - school_feedback_overview() (per staff member and month) counts named feedback only, so the
--   difference between its totals and the named rows on the meeting pages says nothing about the
--   anonymous ones;
-- - anonymous feedback reaches staff only through school_anonymous_feedback(): per school and
--   calendar month (Europe/Amsterdam, by when it was written), only for months that are over (the
--   pool no longer changes once it is shown, so comparing two visits points at nobody), and only
--   when that month's anonymous feedback comes from at least 5 different meetings (the rule of
--   five of the school views). No meeting, date, staff member, author role or child; the words
--   in an order that is neither the writing order nor the meetings'. Admins and the coach only,
--   like the other school view. It is not logged per pupil: nothing in it is about a known pupil.

create or replace function public.meeting_feedback(p_meeting uuid)
returns table (author text, role text, top text, tip text, seen text, heard text, valued text, created_at timestamptz)
language plpgsql volatile security definer set search_path = ''
as $$
begin
  if not private.staff_sees_meeting(p_meeting) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  return query
    select case when f.role = 'pupil' then (select p.first_name from public.pupils p where p.user_id = f.author_id)
                else (select pf.display_name from public.profiles pf where pf.user_id = f.author_id) end,
           f.role, f.top, f.tip, f.seen, f.heard, f.valued, f.created_at
    from public.meeting_feedback f where f.meeting_id = p_meeting and not f.anonymous
    order by f.created_at;
  if found then
    perform private.log_pupil_reads(
      array(select mp.pupil_id from public.meeting_pupils mp where mp.meeting_id = p_meeting), 'feedback');
  end if;
end
$$;
revoke execute on function public.meeting_feedback(uuid) from public, anon, authenticated;
grant execute on function public.meeting_feedback(uuid) to authenticated;

create or replace function public.school_feedback_overview(p_school uuid)
returns table (
  staff_id uuid, staff_name text, month text, answers int,
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
    with g as (
      select mp.user_id as staff_id, date_trunc('month', m.starts_at at time zone 'Europe/Amsterdam')::date as month, f.*
      from public.meeting_feedback f
      join public.meetings m on m.id = f.meeting_id
      join public.meeting_people mp on mp.meeting_id = m.id and mp.role = 'staff'
      where m.school_id = p_school and not f.anonymous
    )
    select g.staff_id, pf.display_name, g.month::text,
           case when count(*) < 5 then null else count(*)::int end,
           case when count(*) < 5 then null else (count(*) filter (where g.seen = 'yes'))::int end,
           case when count(*) < 5 then null else (count(*) filter (where g.seen = 'partly'))::int end,
           case when count(*) < 5 then null else (count(*) filter (where g.seen = 'no'))::int end,
           case when count(*) < 5 then null else (count(*) filter (where g.heard = 'yes'))::int end,
           case when count(*) < 5 then null else (count(*) filter (where g.heard = 'partly'))::int end,
           case when count(*) < 5 then null else (count(*) filter (where g.heard = 'no'))::int end,
           case when count(*) < 5 then null else (count(*) filter (where g.valued = 'yes'))::int end,
           case when count(*) < 5 then null else (count(*) filter (where g.valued = 'partly'))::int end,
           case when count(*) < 5 then null else (count(*) filter (where g.valued = 'no'))::int end
    from g left join public.profiles pf on pf.user_id = g.staff_id
    group by g.staff_id, pf.display_name, g.month
    order by g.month desc, pf.display_name;
end
$$;
revoke execute on function public.school_feedback_overview(uuid) from public, anon, authenticated;
grant execute on function public.school_feedback_overview(uuid) to authenticated;

-- One row per month that is over and had anonymous feedback. `meetings` is null below 5 (and then
-- every other column is null too: the page says "fewer than 5 meetings"); `words` is the tops and
-- tips as [{"top": …, "tip": …}], ordered by a hash of the author and meeting, not by time.
create function public.school_anonymous_feedback(p_school uuid)
returns table (
  month text, meetings int, answers int,
  seen_yes int, seen_partly int, seen_no int, heard_yes int, heard_partly int, heard_no int,
  valued_yes int, valued_partly int, valued_no int, words jsonb
)
language plpgsql stable security definer set search_path = ''
as $$
begin
  if not private.sees_all_classes(p_school) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  return query
    with g as (
      select date_trunc('month', f.created_at at time zone 'Europe/Amsterdam')::date as month, f.*
      from public.meeting_feedback f
      join public.meetings m on m.id = f.meeting_id
      where m.school_id = p_school and f.anonymous
        and f.created_at < (date_trunc('month', now() at time zone 'Europe/Amsterdam') at time zone 'Europe/Amsterdam')
    ),
    k as (select g.month, count(distinct g.meeting_id) >= 5 as enough from g group by g.month)
    select g.month::text,
           case when k.enough then count(distinct g.meeting_id)::int end,
           case when k.enough then count(*)::int end,
           case when k.enough then (count(*) filter (where g.seen = 'yes'))::int end,
           case when k.enough then (count(*) filter (where g.seen = 'partly'))::int end,
           case when k.enough then (count(*) filter (where g.seen = 'no'))::int end,
           case when k.enough then (count(*) filter (where g.heard = 'yes'))::int end,
           case when k.enough then (count(*) filter (where g.heard = 'partly'))::int end,
           case when k.enough then (count(*) filter (where g.heard = 'no'))::int end,
           case when k.enough then (count(*) filter (where g.valued = 'yes'))::int end,
           case when k.enough then (count(*) filter (where g.valued = 'partly'))::int end,
           case when k.enough then (count(*) filter (where g.valued = 'no'))::int end,
           case when k.enough then coalesce(
             jsonb_agg(jsonb_build_object('top', g.top, 'tip', g.tip) order by md5(g.meeting_id::text || g.author_id::text))
               filter (where g.top is not null or g.tip is not null),
             '[]'::jsonb) end
    from g join k on k.month = g.month
    group by g.month, k.enough
    order by g.month desc;
end
$$;
revoke execute on function public.school_anonymous_feedback(uuid) from public, anon, authenticated;
grant execute on function public.school_anonymous_feedback(uuid) to authenticated;
