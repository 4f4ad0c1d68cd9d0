-- "Who looked" tells the truth (issue 18, item 6).
--
-- - A meeting's page showed one child's latest needs by reading (and logging) the whole class's
--   answers: opening Yusuf's meeting logged 8 classmates. meeting_latest_needs() returns and logs
--   only the meeting's own children, and only those whose answer it returns.
-- - One row per person, pupil and kind per page view: a reading function called again for the
--   same pupil within 10 seconds (a page and its pictures, a page reading a round twice) adds no
--   row. The signature of private.log_pupil_reads(uuid[], text) stays, for every reader.
-- - A parent linked to a pupil by staff (an invitation redeemed, or people.link) is a way to read
--   everything about that child: it is logged as 'parent_link', with the staff member who made
--   the invitation or the link as "who", so the school's other admins and the coach see it in the
--   log, and the child's parents in "who looked" in their own data (L1).
-- - The log page filters by pupil, staff member and period and groups repeated views:
--   pupil_access_log_grouped().

alter table public.pupil_access_log drop constraint if exists pupil_access_log_kind_check;
alter table public.pupil_access_log add constraint pupil_access_log_kind_check
  check (kind in ('needs_answers', 'drawing', 'preparation', 'pupil_preparation', 'feedback', 'parent_link'));
create index if not exists pupil_access_log_recent_idx on public.pupil_access_log (reader_id, pupil_id, kind, at desc);

create or replace function private.log_pupil_reads(p_pupils uuid[], p_kind text)
returns void
language sql volatile security definer set search_path = ''
as $$
  insert into public.pupil_access_log (school_id, reader_id, pupil_id, kind)
  select p.school_id, (select auth.uid()), p.id, p_kind
  from public.pupils p
  where p.id = any (p_pupils)
    and (select auth.uid()) is not null
    and private.is_school_staff(p.school_id)
    -- Once per page view: not again within 10 seconds for the same reader, pupil and kind.
    and not exists (
      select 1 from public.pupil_access_log l
      where l.reader_id = (select auth.uid()) and l.pupil_id = p.id and l.kind = p_kind
        and l.at > clock_timestamp() - interval '10 seconds'
    )
$$;
revoke execute on function private.log_pupil_reads(uuid[], text) from public;
grant execute on function private.log_pupil_reads(uuid[], text) to authenticated, service_role;

-- The log's rows carry clock time, so that "within 10 seconds" holds inside one long transaction.
alter table public.pupil_access_log alter column at set default clock_timestamp();

-- Each child of a meeting: their latest "I learn best…" choices (their class's newest round, their
-- answer in it), for staff who see the meeting and the child's class. Logs only the children whose
-- choices it returns.
create function public.meeting_latest_needs(p_meeting uuid)
returns table (pupil_id uuid, first_name text, needs text[])
language plpgsql volatile security definer set search_path = ''
as $$
begin
  if not private.staff_sees_meeting(p_meeting) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  return query
    with kids as (
      select mp.pupil_id, p.first_name, mp.class_id
      from public.meeting_pupils mp join public.pupils p on p.id = mp.pupil_id
      where mp.meeting_id = p_meeting
    ),
    latest as (
      select k.pupil_id,
             (select a.needs from public.need_rounds r
                join public.need_answers a on a.round_id = r.id and a.pupil_id = k.pupil_id
              where r.class_id = k.class_id
                and r.id = (select r2.id from public.need_rounds r2 where r2.class_id = k.class_id order by r2.opened_at desc limit 1)
             ) as needs
      from kids k
      where private.can_see_class_pupils(k.class_id)
    )
    select k.pupil_id, k.first_name, coalesce(l.needs, '{}')
    from kids k left join latest l on l.pupil_id = k.pupil_id
    order by lower(k.first_name);
  perform private.log_pupil_reads(
    array(select k.pupil_id
          from public.meeting_pupils k
          join public.need_rounds r on r.class_id = k.class_id
          join public.need_answers a on a.round_id = r.id and a.pupil_id = k.pupil_id
          where k.meeting_id = p_meeting and private.can_see_class_pupils(k.class_id)
            and r.id = (select r2.id from public.need_rounds r2 where r2.class_id = k.class_id order by r2.opened_at desc limit 1)
            and cardinality(a.needs) > 0),
    'needs_answers');
end
$$;
revoke execute on function public.meeting_latest_needs(uuid) from public, anon, authenticated;
grant execute on function public.meeting_latest_needs(uuid) to authenticated;

-- A parent linked to a pupil by staff: logged with the staff member who made it possible.
create function private.log_parent_link()
returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  -- A person's request (an invitation redeemed, people.link), not the seed or a restore.
  if new.created_by is not null and private.acting_person() then
    insert into public.pupil_access_log (school_id, reader_id, pupil_id, kind)
    values (new.school_id, new.created_by, new.pupil_id, 'parent_link');
  end if;
  return null;
end
$$;
revoke execute on function private.log_parent_link() from public;
create trigger guardian_links_logged after insert on public.guardian_links
  for each row execute function private.log_parent_link();

-- The log for the admin and the coach, grouped: per staff member, pupil and day, what kinds, how
-- many page views (rows of one view fall within 10 seconds), first and last time. Filtered by
-- pupil, by staff member and by period (days in the school's time zone, both ends included).
create function public.pupil_access_log_grouped(
  p_school uuid, p_pupil uuid default null, p_reader uuid default null,
  p_from date default null, p_to date default null, p_limit int default 300
)
returns table (
  day text, reader_id uuid, reader text, pupil_id uuid, pupil text, class_name text,
  kinds text[], views int, first_at timestamptz, last_at timestamptz
)
language plpgsql stable security definer set search_path = ''
as $$
begin
  if not private.has_school_role(p_school, array['admin', 'coach']::public.school_role[]) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  return query
    select ((l.at at time zone 'Europe/Amsterdam')::date)::text, l.reader_id, pf.display_name, l.pupil_id, p.first_name, c.name,
           array_agg(distinct l.kind order by l.kind),
           count(distinct floor(extract(epoch from l.at) / 10))::int,
           min(l.at), max(l.at)
    from public.pupil_access_log l
    join public.pupils p on p.id = l.pupil_id
    left join public.classes c on c.id = p.class_id
    left join public.profiles pf on pf.user_id = l.reader_id
    where l.school_id = p_school
      and (p_pupil is null or l.pupil_id = p_pupil)
      and (p_reader is null or l.reader_id = p_reader)
      and (p_from is null or l.at >= (p_from::timestamp at time zone 'Europe/Amsterdam'))
      and (p_to is null or l.at < ((p_to + 1)::timestamp at time zone 'Europe/Amsterdam'))
    group by 1, l.reader_id, pf.display_name, l.pupil_id, p.first_name, c.name
    order by max(l.at) desc
    limit least(greatest(p_limit, 1), 1000);
end
$$;
revoke execute on function public.pupil_access_log_grouped(uuid, uuid, uuid, date, date, int) from public, anon, authenticated;
grant execute on function public.pupil_access_log_grouped(uuid, uuid, uuid, date, date, int) to authenticated;

-- Who can be chosen in the log's filters: the pupils and the staff members that appear in it.
create function public.pupil_access_log_people(p_school uuid)
returns table (role text, id uuid, name text, class_name text)
language plpgsql stable security definer set search_path = ''
as $$
begin
  if not private.has_school_role(p_school, array['admin', 'coach']::public.school_role[]) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  return query
    select 'pupil', p.id, p.first_name, c.name
    from public.pupils p left join public.classes c on c.id = p.class_id
    where p.id in (select l.pupil_id from public.pupil_access_log l where l.school_id = p_school)
    union all
    select 'staff', pf.user_id, pf.display_name, null
    from public.profiles pf
    where pf.user_id in (select l.reader_id from public.pupil_access_log l where l.school_id = p_school)
    order by 1, 3;
end
$$;
revoke execute on function public.pupil_access_log_people(uuid) from public, anon, authenticated;
grant execute on function public.pupil_access_log_people(uuid) to authenticated;
