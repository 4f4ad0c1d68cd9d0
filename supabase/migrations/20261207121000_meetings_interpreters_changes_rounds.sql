-- Meetings across languages and over time (issue 19):
--
-- * Interpreters as a real thing: staff plan a meeting with an interpreter (which language, in
--   person or by phone, booked or still to arrange); a parent asks for one in the request form
--   itself and on the meeting's page, as a language (a code, named in each reader's language)
--   rather than free text. The school sees which upcoming meetings still need one (my_meetings).
-- * A change of a planned meeting's time or place is recorded as a change (meeting_changes: what
--   it was and what it is now, when and by whom: the family's page says "before: …"), never as a
--   new invitation.
-- * Meeting rounds can be renamed, given another deadline, extended by a day, and removed
--   (the bookings' meetings that have not taken place are cancelled with it).

-- ---------------------------------------------------------------------------------------
-- Tables
-- ---------------------------------------------------------------------------------------

alter table public.meetings
  add column interpreter_lang text check (interpreter_lang is null or interpreter_lang ~ '^[a-z]{2,3}$'),
  add column interpreter_mode text check (interpreter_mode is null or interpreter_mode in ('in-person', 'phone')),
  add column interpreter_booked boolean not null default false,
  add constraint meetings_interpreter_whole check (
    interpreter_lang is not null or (interpreter_mode is null and not interpreter_booked)
  );

-- A parent's wish for an interpreter is a language code from now on (was free text; known names
-- become their code, anything else stays as it was written and is shown as written).
update public.meeting_people set interpreter = case lower(btrim(interpreter))
    when 'arabisch' then 'ar' when 'arabic' then 'ar' when 'العربية' then 'ar' when 'عربي' then 'ar'
    when 'turks' then 'tr' when 'turkish' then 'tr' when 'türkçe' then 'tr'
    when 'pools' then 'pl' when 'polish' then 'pl' when 'polski' then 'pl'
    when 'oekraïens' then 'uk' when 'oekraiens' then 'uk' when 'ukrainian' then 'uk' when 'українська' then 'uk'
    when 'engels' then 'en' when 'english' then 'en'
    when 'tigrinya' then 'ti' when 'tigrinya (eritrea)' then 'ti' when 'somalisch' then 'so' when 'perzisch' then 'fa'
    when 'farsi' then 'fa' when 'dari' then 'prs' when 'koerdisch' then 'ku' when 'berbers' then 'ber' when 'tamazight' then 'ber'
    else interpreter end
where interpreter is not null;
alter table public.meeting_people
  add constraint meeting_people_interpreter_code check (interpreter is null or interpreter ~ '^[a-z]{2,3}$') not valid;

-- A planned meeting's time or place changed: what it was, what it is, and who changed it when.
create table public.meeting_changes (
  id uuid primary key default gen_random_uuid(),
  meeting_id uuid not null references public.meetings (id) on delete cascade,
  changed_at timestamptz not null default now(),
  changed_by uuid references auth.users (id) on delete set null,
  was_starts_at timestamptz,
  was_minutes int,
  was_place text,
  was_video_url text,
  starts_at timestamptz,
  minutes int,
  place text,
  video_url text
);
create index meeting_changes_meeting_idx on public.meeting_changes (meeting_id, changed_at desc);
alter table public.meeting_changes enable row level security;
revoke all on public.meeting_changes from anon;
revoke insert, update, delete, truncate on public.meeting_changes from authenticated;

create policy "who sees a meeting sees how it changed" on public.meeting_changes
  for select to authenticated using ((select private.sees_meeting(meeting_id)));

-- ---------------------------------------------------------------------------------------
-- Functions: planning, with an interpreter; a change kept as a change
-- ---------------------------------------------------------------------------------------

drop function public.create_meeting(uuid[], text, timestamptz, int, text, text, text, text);
drop function public.plan_meeting(uuid, text, timestamptz, int, text, text, text, text);
drop function public.request_meeting(uuid, text);
drop function public.meeting_detail(uuid);
drop function public.my_meetings(uuid);

-- Plans a meeting about one or more children of the caller's classes; their parents are invited.
create function public.create_meeting(
  p_pupils uuid[], p_kind text, p_starts_at timestamptz, p_minutes int, p_place text, p_video_url text,
  p_attendees text, p_goal text, p_interpreter_lang text, p_interpreter_mode text, p_interpreter_booked boolean
)
returns uuid
language plpgsql volatile security definer set search_path = ''
as $$
declare
  v_school uuid;
  v_id uuid;
begin
  if p_pupils is null or cardinality(p_pupils) = 0 or cardinality(p_pupils) > 6 then
    raise exception using errcode = 'P0001', message = 'invalid';
  end if;
  select min(p.school_id::text)::uuid into v_school from public.pupils p where p.id = any (p_pupils);
  if v_school is null
    or (select count(distinct p.school_id) from public.pupils p where p.id = any (p_pupils)) <> 1
    or (select count(*) from public.pupils p where p.id = any (p_pupils)) <> cardinality(p_pupils)
    or exists (select 1 from public.pupils p where p.id = any (p_pupils) and not private.can_see_class_pupils(p.class_id)) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  if p_starts_at is null or p_starts_at < now() then
    raise exception using errcode = 'P0001', message = 'in_the_past';
  end if;
  insert into public.meetings (
    school_id, kind, status, starts_at, minutes, place, video_url, attendees, goal, created_by,
    interpreter_lang, interpreter_mode, interpreter_booked
  )
  values (
    v_school, p_kind, 'planned', p_starts_at, p_minutes, nullif(btrim(p_place), ''), nullif(btrim(p_video_url), ''),
    nullif(btrim(p_attendees), ''), nullif(btrim(p_goal), ''), (select auth.uid()),
    nullif(p_interpreter_lang, ''), case when nullif(p_interpreter_lang, '') is not null then p_interpreter_mode end,
    nullif(p_interpreter_lang, '') is not null and coalesce(p_interpreter_booked, false)
  )
  returning id into v_id;
  insert into public.meeting_pupils (meeting_id, pupil_id, class_id)
  select v_id, p.id, p.class_id from public.pupils p where p.id = any (p_pupils);
  insert into public.meeting_people (meeting_id, user_id, role)
  select distinct v_id, g.parent_user_id, 'parent'
  from public.guardian_links g
  join public.memberships m on m.user_id = g.parent_user_id and m.school_id = g.school_id and m.role = 'parent'
  where g.pupil_id = any (p_pupils);
  insert into public.meeting_people (meeting_id, user_id, role) values (v_id, (select auth.uid()), 'staff')
  on conflict do nothing;
  return v_id;
end
$$;
revoke execute on function public.create_meeting(uuid[], text, timestamptz, int, text, text, text, text, text, text, boolean)
  from public, anon, authenticated;
grant execute on function public.create_meeting(uuid[], text, timestamptz, int, text, text, text, text, text, text, boolean)
  to authenticated;

-- A parent asks for a meeting about their child, with a reason, and may ask for an interpreter in
-- the same step; staff plan it (plan_meeting).
create function public.request_meeting(p_pupil uuid, p_reason text, p_interpreter_lang text)
returns uuid
language plpgsql volatile security definer set search_path = ''
as $$
declare
  v_pupil public.pupils;
  v_id uuid;
begin
  select * into v_pupil from public.pupils p where p.id = p_pupil;
  if v_pupil.id is null or not private.is_guardian_of(p_pupil) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  if nullif(btrim(p_reason), '') is null or coalesce(p_interpreter_lang, '') !~ '^([a-z]{2,3})?$' then
    raise exception using errcode = 'P0001', message = 'invalid';
  end if;
  insert into public.meetings (school_id, kind, status, request_reason, requested_by, created_by)
  values (v_pupil.school_id, 'other', 'requested', btrim(p_reason), (select auth.uid()), (select auth.uid()))
  returning id into v_id;
  insert into public.meeting_pupils (meeting_id, pupil_id, class_id) values (v_id, v_pupil.id, v_pupil.class_id);
  insert into public.meeting_people (meeting_id, user_id, role, interpreter)
  select distinct v_id, g.parent_user_id, 'parent',
         case when g.parent_user_id = (select auth.uid()) then nullif(p_interpreter_lang, '') end
  from public.guardian_links g
  join public.memberships m on m.user_id = g.parent_user_id and m.school_id = g.school_id and m.role = 'parent'
  where g.pupil_id = p_pupil;
  return v_id;
end
$$;
revoke execute on function public.request_meeting(uuid, text, text) from public, anon, authenticated;
grant execute on function public.request_meeting(uuid, text, text) to authenticated;

-- Staff set (or change) a meeting's kind, time, place, goal and interpreter. Returns what it was
-- for the family: 'planned' (an asked-for meeting got its time: the invitation goes out),
-- 'changed' (a planned meeting's time or place moved: kept in meeting_changes with what it was),
-- or 'saved' (nothing the family must be told about). A booking whose time moves frees its slot.
create function public.plan_meeting(
  p_meeting uuid, p_kind text, p_starts_at timestamptz, p_minutes int, p_place text, p_video_url text,
  p_attendees text, p_goal text, p_interpreter_lang text, p_interpreter_mode text, p_interpreter_booked boolean
)
returns text
language plpgsql volatile security definer set search_path = ''
as $$
declare
  v_old public.meetings;
  v_new public.meetings;
begin
  if not private.staff_sees_meeting(p_meeting) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  select * into v_old from public.meetings m where m.id = p_meeting for update;
  if v_old.status = 'cancelled' then
    raise exception using errcode = 'P0001', message = 'meeting_cancelled';
  end if;
  if p_starts_at is null or p_starts_at < now() then
    raise exception using errcode = 'P0001', message = 'in_the_past';
  end if;
  update public.meetings
  set kind = p_kind, status = 'planned', starts_at = p_starts_at, minutes = p_minutes,
      place = nullif(btrim(p_place), ''), video_url = nullif(btrim(p_video_url), ''),
      attendees = nullif(btrim(p_attendees), ''), goal = nullif(btrim(p_goal), ''),
      interpreter_lang = nullif(p_interpreter_lang, ''),
      interpreter_mode = case when nullif(p_interpreter_lang, '') is not null then p_interpreter_mode end,
      interpreter_booked = nullif(p_interpreter_lang, '') is not null and coalesce(p_interpreter_booked, false)
  where id = p_meeting
  returning * into v_new;
  insert into public.meeting_people (meeting_id, user_id, role) values (p_meeting, (select auth.uid()), 'staff')
  on conflict do nothing;
  if v_old.status = 'requested' then
    return 'planned';
  end if;
  if (v_old.starts_at, v_old.minutes, v_old.place, v_old.video_url)
     is distinct from (v_new.starts_at, v_new.minutes, v_new.place, v_new.video_url) then
    insert into public.meeting_changes (
      meeting_id, changed_by, was_starts_at, was_minutes, was_place, was_video_url, starts_at, minutes, place, video_url
    )
    values (
      p_meeting, (select auth.uid()), v_old.starts_at, v_old.minutes, v_old.place, v_old.video_url,
      v_new.starts_at, v_new.minutes, v_new.place, v_new.video_url
    );
    if v_old.starts_at is distinct from v_new.starts_at then
      update public.slots set pupil_id = null, booked_by = null, meeting_id = null where meeting_id = p_meeting;
    end if;
    return 'changed';
  end if;
  return 'saved';
end
$$;
revoke execute on function public.plan_meeting(uuid, text, timestamptz, int, text, text, text, text, text, text, boolean)
  from public, anon, authenticated;
grant execute on function public.plan_meeting(uuid, text, timestamptz, int, text, text, text, text, text, text, boolean)
  to authenticated;

-- A parent says whether they want an interpreter (a language code, or nothing) and who comes along.
create or replace function public.set_my_meeting_wishes(p_meeting uuid, p_interpreter text, p_companion text)
returns uuid
language plpgsql volatile security definer set search_path = ''
as $$
begin
  if not exists (select 1 from public.meeting_people p where p.meeting_id = p_meeting and p.user_id = (select auth.uid()) and p.role = 'parent')
    or not private.invited_to(p_meeting) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  if coalesce(p_interpreter, '') !~ '^([a-z]{2,3})?$' then
    raise exception using errcode = 'P0001', message = 'invalid';
  end if;
  update public.meeting_people
  set interpreter = nullif(p_interpreter, ''), companion = nullif(btrim(p_companion), '')
  where meeting_id = p_meeting and user_id = (select auth.uid());
  return p_meeting;
end
$$;

-- One meeting, for whoever sees it: its details, its interpreter, its children, who is invited
-- (with each parent's language and wishes: an interpreter, who comes along) and its latest change.
create function public.meeting_detail(p_meeting uuid)
returns table (
  meeting_id uuid, school_id uuid, kind text, status text, starts_at timestamptz, minutes int, place text,
  video_url text, attendees text, goal text, request_reason text, interpreter_lang text, interpreter_mode text,
  interpreter_booked boolean, pupils jsonb, people jsonb, last_change jsonb
)
language sql stable security invoker set search_path = ''
as $$
  select m.id, m.school_id, m.kind, m.status, m.starts_at, m.minutes, m.place, m.video_url, m.attendees, m.goal, m.request_reason,
         m.interpreter_lang, m.interpreter_mode, m.interpreter_booked,
         (select jsonb_agg(jsonb_build_object('pupil_id', p.id, 'first_name', p.first_name, 'class_id', c.id, 'class_name', c.name) order by lower(p.first_name))
          from public.meeting_pupils mp join public.pupils p on p.id = mp.pupil_id join public.classes c on c.id = mp.class_id
          where mp.meeting_id = m.id),
         coalesce((select jsonb_agg(jsonb_build_object('user_id', mpp.user_id, 'role', mpp.role, 'name', pf.display_name,
                                                       'locale', pf.locale, 'interpreter', mpp.interpreter, 'companion', mpp.companion)
                                    order by mpp.role, pf.display_name)
                   from public.meeting_people mpp left join public.profiles pf on pf.user_id = mpp.user_id
                   where mpp.meeting_id = m.id), '[]'::jsonb),
         (select jsonb_build_object('changed_at', c.changed_at, 'was_starts_at', c.was_starts_at, 'was_minutes', c.was_minutes,
                                    'was_place', c.was_place, 'was_video_url', c.was_video_url)
          from public.meeting_changes c where c.meeting_id = m.id order by c.changed_at desc limit 1)
  from public.meetings m
  where m.id = p_meeting
$$;
revoke execute on function public.meeting_detail(uuid) from public, anon, authenticated;
grant execute on function public.meeting_detail(uuid) to authenticated;

-- The meetings the caller sees (a parent: of their children; staff: of their classes): upcoming
-- (and asked-for) ones first, soonest first, then past ones, latest first; p_class narrows to one
-- class. With how many agreements each has, and whether an interpreter is still to be arranged
-- (asked for by a parent or planned by staff, not yet booked, and the meeting still to come).
create function public.my_meetings(p_class uuid)
returns table (
  meeting_id uuid, kind text, status text, starts_at timestamptz, minutes int, place text, goal text,
  pupils jsonb, prepared boolean, shared_at timestamptz, has_feedback boolean, agreements int,
  interpreter_lang text, interpreter_booked boolean, interpreter_needed boolean
)
language sql stable security invoker set search_path = ''
as $$
  select m.id, m.kind, m.status, m.starts_at, m.minutes, m.place, m.goal,
         (select jsonb_agg(jsonb_build_object('pupil_id', p.id, 'first_name', p.first_name, 'class_name', c.name) order by lower(p.first_name))
          from public.meeting_pupils mp join public.pupils p on p.id = mp.pupil_id join public.classes c on c.id = mp.class_id
          where mp.meeting_id = m.id),
         exists (select 1 from public.preparations pr where pr.meeting_id = m.id and pr.user_id = (select auth.uid())),
         (select pr.shared_at from public.preparations pr where pr.meeting_id = m.id and pr.user_id = (select auth.uid())),
         exists (select 1 from public.meeting_feedback f where f.meeting_id = m.id and f.author_id = (select auth.uid())),
         (select count(*)::int from public.agreements a where a.meeting_id = m.id),
         coalesce(m.interpreter_lang,
                  (select min(mpp.interpreter) from public.meeting_people mpp where mpp.meeting_id = m.id and mpp.role = 'parent')),
         m.interpreter_booked,
         not m.interpreter_booked and (m.starts_at is null or m.starts_at >= now())
           and (m.interpreter_lang is not null
                or exists (select 1 from public.meeting_people mpp where mpp.meeting_id = m.id and mpp.role = 'parent' and mpp.interpreter is not null))
  from public.meetings m
  where m.status <> 'cancelled'
    and (p_class is null or exists (select 1 from public.meeting_pupils mp where mp.meeting_id = m.id and mp.class_id = p_class))
  order by (m.starts_at is null or m.starts_at >= now()) desc,
           case when m.starts_at is null or m.starts_at >= now() then m.starts_at end asc nulls first,
           m.starts_at desc
  limit 200
$$;
revoke execute on function public.my_meetings(uuid) from public, anon, authenticated;
grant execute on function public.my_meetings(uuid) to authenticated;

-- ---------------------------------------------------------------------------------------
-- Functions: changing a meeting round
-- ---------------------------------------------------------------------------------------

-- A round's new name and deadline (staff of its class). The deadline stays before its first time.
create function public.update_slot_round(p_round uuid, p_title text, p_deadline timestamptz)
returns uuid
language plpgsql volatile security definer set search_path = ''
as $$
declare
  v_round public.slot_rounds;
begin
  select * into v_round from public.slot_rounds r where r.id = p_round for update;
  if v_round.id is null or not private.can_see_class_pupils(v_round.class_id) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  if nullif(btrim(p_title), '') is null or p_deadline is null
    or exists (select 1 from public.slots s where s.round_id = p_round and s.starts_at < p_deadline) then
    raise exception using errcode = 'P0001', message = 'invalid';
  end if;
  update public.slot_rounds set title = btrim(p_title), deadline = p_deadline where id = p_round;
  return p_round;
end
$$;
revoke execute on function public.update_slot_round(uuid, text, timestamptz) from public, anon, authenticated;
grant execute on function public.update_slot_round(uuid, text, timestamptz) to authenticated;

-- One more day for a round: the same times, lengths and teachers as its first day, on p_day
-- (the school's time zone). The day must come after the deadline and have no times yet. Returns
-- how many times were added.
create function public.add_round_day(p_round uuid, p_day date)
returns int
language plpgsql volatile security definer set search_path = ''
as $$
declare
  v_round public.slot_rounds;
  v_first date;
  v_count int;
begin
  select * into v_round from public.slot_rounds r where r.id = p_round for update;
  if v_round.id is null or not private.can_see_class_pupils(v_round.class_id) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  select min((s.starts_at at time zone 'Europe/Amsterdam')::date) into v_first from public.slots s where s.round_id = p_round;
  if v_first is null or p_day is null or p_day <= (greatest(v_round.deadline, now()) at time zone 'Europe/Amsterdam')::date then
    raise exception using errcode = 'P0001', message = 'invalid';
  end if;
  if exists (select 1 from public.slots s where s.round_id = p_round and (s.starts_at at time zone 'Europe/Amsterdam')::date = p_day) then
    raise exception using errcode = 'P0001', message = 'day_taken';
  end if;
  if (select count(*) from public.slots s where s.round_id = p_round)
     + (select count(*) from public.slots s where s.round_id = p_round and (s.starts_at at time zone 'Europe/Amsterdam')::date = v_first) > 300 then
    raise exception using errcode = 'P0001', message = 'invalid';
  end if;
  insert into public.slots (round_id, starts_at, minutes, teacher_id)
  select p_round, (p_day + (s.starts_at at time zone 'Europe/Amsterdam')::time) at time zone 'Europe/Amsterdam', s.minutes, s.teacher_id
  from public.slots s
  where s.round_id = p_round and (s.starts_at at time zone 'Europe/Amsterdam')::date = v_first
  on conflict (round_id, teacher_id, starts_at) do nothing;
  get diagnostics v_count = row_count;
  return v_count;
end
$$;
revoke execute on function public.add_round_day(uuid, date) from public, anon, authenticated;
grant execute on function public.add_round_day(uuid, date) to authenticated;

-- Removes a round (staff of its class). The meetings its bookings made that have not taken place
-- are cancelled (the families see "this meeting is not going ahead"); held ones stay. Returns how
-- many were cancelled.
create function public.remove_slot_round(p_round uuid)
returns int
language plpgsql volatile security definer set search_path = ''
as $$
declare
  v_round public.slot_rounds;
  v_count int;
begin
  select * into v_round from public.slot_rounds r where r.id = p_round for update;
  if v_round.id is null or not private.can_see_class_pupils(v_round.class_id) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  update public.meetings m set status = 'cancelled'
  where m.id in (select s.meeting_id from public.slots s where s.round_id = p_round and s.meeting_id is not null)
    and m.status = 'planned' and m.starts_at > now();
  get diagnostics v_count = row_count;
  delete from public.slot_rounds where id = p_round;
  return v_count;
end
$$;
revoke execute on function public.remove_slot_round(uuid) from public, anon, authenticated;
grant execute on function public.remove_slot_round(uuid) to authenticated;
