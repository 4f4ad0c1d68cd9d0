-- Meetings between school and home (DOMAIN §3): staff plan a meeting for one or more children (or
-- a parent asks for one); the invited parents prepare it, privately until they share it; the
-- child prepares their own part in class mode; afterwards the teacher records agreements and
-- parents and pupils give feedback (tops and tips, seen / heard / valued). Meeting rounds give
-- parents time slots to choose from (the "10-minute meetings"); interpreters and changes to a
-- meeting are recorded with it.
--
-- Who sees what: a parent only meetings they are invited to (the parents of its children); staff
-- the meetings of the classes they see (a class's teachers; the coach and admins all). A
-- preparation is its author's alone until shared — in the policies, not only in the pages.
-- Feedback only from invited people; anonymous feedback hides its author from staff. The school
-- view counts only, and any group below 5 is hidden.
--
-- Nobody writes these tables directly: every change is a function below that checks its caller.
-- The id lists are the app's (src/domain/meetings.ts), tied by tests/db/schema.test.ts.
--
-- Layout and the rule for later changes: the opening of …_schools_people.sql.

-- ---------------------------------------------------------------------------------------
-- Helpers the tables' checks use
-- ---------------------------------------------------------------------------------------

create function private.meeting_kinds()
returns text[]
language sql immutable set search_path = ''
as $$
  select array['introduction', 'progress', 'report', 'extra-support', 'other']
$$;
revoke execute on function private.meeting_kinds() from public;
grant execute on function private.meeting_kinds() to anon, authenticated, service_role;

-- Every choice a preparation screen offers, per screen ("other" offers free text only).
create function private.prep_choices(p_topic text)
returns text[]
language sql immutable set search_path = ''
as $$
  select case p_topic
    when 'strengths' then array['kind', 'curious', 'friends', 'reading', 'numbers', 'moving', 'creative', 'helps-others']
    when 'tell' then array['at-home', 'health', 'sleep', 'feelings', 'languages', 'hobbies', 'big-change']
    when 'ask' then array['how-is-it-going', 'friends-at-school', 'learning', 'behaviour', 'homework', 'help-at-home', 'next-steps']
    when 'child-needs' then array['more-challenge', 'more-help', 'calm', 'structure', 'encouragement', 'practice-at-home', 'reading-together']
    when 'parent-needs' then array['interpreter', 'clear-language', 'more-contact', 'in-writing', 'other-time']
    when 'other' then array[]::text[]
  end
$$;
revoke execute on function private.prep_choices(text) from public;
grant execute on function private.prep_choices(text) to anon, authenticated, service_role;

create function private.prep_topics()
returns text[]
language sql immutable set search_path = ''
as $$
  select array['strengths', 'tell', 'ask', 'child-needs', 'parent-needs', 'other']
$$;
revoke execute on function private.prep_topics() from public;
grant execute on function private.prep_topics() to anon, authenticated, service_role;

create function private.pupil_prep_choices(p_part text)
returns text[]
language sql immutable set search_path = ''
as $$
  select case p_part
    when 'goes-well' then array['reading', 'writing', 'numbers', 'playing', 'friends', 'drawing', 'moving', 'listening']
    when 'hard' then array['reading', 'writing', 'numbers', 'playing', 'friends', 'drawing', 'moving', 'listening']
    when 'want-to-say' then array['happy', 'proud', 'worried', 'bored', 'tired', 'want-help']
    when 'who' then array['me', 'parent', 'teacher', 'coach', 'interpreter']
  end
$$;
revoke execute on function private.pupil_prep_choices(text) from public;
grant execute on function private.pupil_prep_choices(text) to anon, authenticated, service_role;

-- A parent's preparation: `{ "<topic>": { "choices": [ids of that screen], "text": "…", "lang": "ar" } }`.
create function private.valid_preparation(p_answers jsonb)
returns boolean
language sql immutable set search_path = ''
as $$
  select jsonb_typeof(p_answers) = 'object'
    and not exists (
      select 1 from jsonb_each(p_answers) e
      where not (e.key = any (private.prep_topics()))
        or jsonb_typeof(e.value) <> 'object'
        or exists (select 1 from jsonb_object_keys(e.value) k where k not in ('choices', 'text', 'lang'))
        or jsonb_typeof(coalesce(e.value -> 'choices', '[]')) <> 'array'
        or jsonb_typeof(coalesce(e.value -> 'text', '""')) <> 'string'
        or char_length(coalesce(e.value ->> 'text', '')) > 1000
        or not private.is_clean_text(replace(replace(coalesce(e.value ->> 'text', ''), E'\n', ' '), E'\r', ' '))
        or coalesce(e.value ->> 'lang', '') !~ '^([a-z]{2})?$'
        or exists (
          select 1 from jsonb_array_elements(coalesce(e.value -> 'choices', '[]')) c
          where jsonb_typeof(c) <> 'string' or not ((c #>> '{}') = any (private.prep_choices(e.key)))
        )
    )
$$;
revoke execute on function private.valid_preparation(jsonb) from public;
grant execute on function private.valid_preparation(jsonb) to anon, authenticated, service_role;

-- A pupil's part: `{ "goes-well": [ids], "hard": [ids], "want-to-say": [ids], "who": [ids] }`.
create function private.valid_pupil_preparation(p_answers jsonb)
returns boolean
language sql immutable set search_path = ''
as $$
  select jsonb_typeof(p_answers) = 'object'
    and not exists (
      select 1 from jsonb_each(p_answers) e
      where not (e.key in ('goes-well', 'hard', 'want-to-say', 'who'))
        or jsonb_typeof(e.value) <> 'array'
        or exists (
          select 1 from jsonb_array_elements(e.value) c
          where jsonb_typeof(c) <> 'string' or not ((c #>> '{}') = any (private.pupil_prep_choices(e.key)))
        )
    )
$$;
revoke execute on function private.valid_pupil_preparation(jsonb) from public;
grant execute on function private.valid_pupil_preparation(jsonb) to anon, authenticated, service_role;

-- ---------------------------------------------------------------------------------------
-- Tables
-- ---------------------------------------------------------------------------------------

-- A meeting: planned by staff (with a time), or asked for by a parent (no time yet).
create table public.meetings (
  id uuid primary key default gen_random_uuid(),
  school_id uuid not null references public.schools (id) on delete cascade,
  kind text not null check (kind = any (private.meeting_kinds())),
  status text not null default 'planned' check (status in ('requested', 'planned', 'cancelled')),
  starts_at timestamptz,
  minutes int check (minutes is null or minutes between 5 and 240),
  place text check (place is null or (char_length(place) <= 120 and private.is_clean_text(place))),
  video_url text check (video_url is null or (char_length(video_url) <= 300 and video_url ~ '^https://[^\s]+$')),
  attendees text check (attendees is null or (char_length(attendees) <= 200 and private.is_clean_text(attendees))),
  goal text check (goal is null or (char_length(goal) <= 200 and private.is_clean_text(goal))),
  request_reason text check (request_reason is null or (char_length(request_reason) <= 300 and private.is_clean_text(request_reason))),
  requested_by uuid references auth.users (id) on delete set null,
  created_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  -- The interpreter the school arranges: the language, in person or by phone, and whether booked.
  interpreter_lang text check (interpreter_lang is null or interpreter_lang ~ '^[a-z]{2,3}$'),
  interpreter_mode text check (interpreter_mode is null or interpreter_mode in ('in-person', 'phone')),
  interpreter_booked boolean not null default false,
  -- A calendar file's SEQUENCE: raised on every change of a meeting's time, place or status, so a
  -- phone's calendar moves (or removes) the meeting it already has instead of adding another.
  calendar_sequence int not null default 0,
  check (status <> 'planned' or starts_at is not null),
  constraint meetings_interpreter_whole check (
    interpreter_lang is not null or (interpreter_mode is null and not interpreter_booked)
  )
);
alter table public.meetings enable row level security;

-- The children a meeting is about.
create table public.meeting_pupils (
  meeting_id uuid not null references public.meetings (id) on delete cascade,
  pupil_id uuid not null references public.pupils (id) on delete cascade,
  class_id uuid not null references public.classes (id) on delete cascade,
  primary key (meeting_id, pupil_id)
);
alter table public.meeting_pupils enable row level security;

-- Who is invited: the children's parents (when the meeting is made) and the staff member who
-- plans it; a parent says here whether they want an interpreter and who comes along.
create table public.meeting_people (
  meeting_id uuid not null references public.meetings (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  role text not null check (role in ('parent', 'staff')),
  interpreter text check (interpreter is null or (char_length(interpreter) <= 60 and private.is_clean_text(interpreter))),
  companion text check (companion is null or (char_length(companion) <= 120 and private.is_clean_text(companion))),
  primary key (meeting_id, user_id)
);
alter table public.meeting_people enable row level security;
-- A parent's wish for an interpreter is a language code. `not valid`: it was added when rows with
-- free text existed (they were turned into codes); the schema keeps it as it was deployed.
alter table public.meeting_people
  add constraint meeting_people_interpreter_code check (interpreter is null or interpreter ~ '^[a-z]{2,3}$') not valid;

-- A parent's preparation: theirs alone until shared; changeable until the meeting starts.
create table public.preparations (
  meeting_id uuid not null references public.meetings (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  answers jsonb not null default '{}' check (private.valid_preparation(answers)),
  step int not null default 0 check (step between 0 and 20),
  shared_at timestamptz,
  updated_at timestamptz not null default now(),
  primary key (meeting_id, user_id)
);
alter table public.preparations enable row level security;

-- A child's own part, with pictures and a few words; seen by parents and teacher once the child
-- has seen the consent screen ("your parents and your teacher will see this").
create table public.pupil_preparations (
  meeting_id uuid not null references public.meetings (id) on delete cascade,
  pupil_id uuid not null references public.pupils (id) on delete cascade,
  answers jsonb not null default '{}' check (private.valid_pupil_preparation(answers)),
  words text check (words is null or (char_length(words) <= 300 and private.is_clean_text(words))),
  consented_at timestamptz,
  updated_at timestamptz not null default now(),
  primary key (meeting_id, pupil_id)
);
alter table public.pupil_preparations enable row level security;

-- What was agreed: who does what, by when, and when to look back at it.
create table public.agreements (
  id uuid primary key default gen_random_uuid(),
  meeting_id uuid not null references public.meetings (id) on delete cascade,
  text text not null check (char_length(btrim(text)) between 1 and 300 and private.is_clean_text(text)),
  who text check (who is null or (char_length(who) <= 80 and private.is_clean_text(who))),
  due_on date,
  evaluate_on date,
  created_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now()
);
alter table public.agreements enable row level security;

-- Feedback after the meeting, one per person: tops, tips, and whether they felt seen, heard and
-- valued. Anonymous feedback keeps its author (one each, invited people only) but staff never see it.
create table public.meeting_feedback (
  meeting_id uuid not null references public.meetings (id) on delete cascade,
  author_id uuid not null references auth.users (id) on delete cascade,
  role text not null check (role in ('parent', 'pupil')),
  anonymous boolean not null default false,
  top text check (top is null or (char_length(top) <= 300 and private.is_clean_text(top))),
  tip text check (tip is null or (char_length(tip) <= 300 and private.is_clean_text(tip))),
  seen text check (seen is null or seen in ('yes', 'partly', 'no')),
  heard text check (heard is null or heard in ('yes', 'partly', 'no')),
  valued text check (valued is null or valued in ('yes', 'partly', 'no')),
  created_at timestamptz not null default now(),
  primary key (meeting_id, author_id)
);
alter table public.meeting_feedback enable row level security;

-- A meeting round: time slots for a class that parents choose from until a deadline.
create table public.slot_rounds (
  id uuid primary key default gen_random_uuid(),
  school_id uuid not null,
  class_id uuid not null,
  title text not null check (char_length(btrim(title)) between 1 and 120 and private.is_clean_text(title)),
  deadline timestamptz not null,
  created_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  foreign key (class_id, school_id) references public.classes (id, school_id) on delete cascade
);
alter table public.slot_rounds enable row level security;

-- A meeting round's time slots; a parent books one for their child (pupil_id).
create table public.slots (
  id uuid primary key default gen_random_uuid(),
  round_id uuid not null references public.slot_rounds (id) on delete cascade,
  starts_at timestamptz not null,
  minutes int not null check (minutes between 5 and 240),
  teacher_id uuid references auth.users (id) on delete set null,
  pupil_id uuid references public.pupils (id) on delete set null,
  booked_by uuid references auth.users (id) on delete set null,
  meeting_id uuid references public.meetings (id) on delete set null,
  unique (round_id, teacher_id, starts_at)
);
alter table public.slots enable row level security;

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
alter table public.meeting_changes enable row level security;

-- ---------------------------------------------------------------------------------------
-- Who may use the tables directly (everything else goes through the functions below)
-- ---------------------------------------------------------------------------------------

revoke all on public.meetings, public.meeting_pupils, public.meeting_people, public.preparations,
  public.pupil_preparations, public.agreements, public.meeting_feedback, public.slot_rounds, public.slots from anon;
revoke insert, update, delete, truncate on public.meetings, public.meeting_pupils, public.meeting_people,
  public.preparations, public.pupil_preparations, public.agreements, public.meeting_feedback,
  public.slot_rounds, public.slots from authenticated;
revoke all on public.meeting_changes from anon;
revoke insert, update, delete, truncate on public.meeting_changes from authenticated;

-- ---------------------------------------------------------------------------------------
-- Indexes
-- ---------------------------------------------------------------------------------------

create index meetings_school_idx on public.meetings (school_id, starts_at);
create index meeting_pupils_pupil_idx on public.meeting_pupils (pupil_id);
create index meeting_pupils_class_idx on public.meeting_pupils (class_id);
create index meeting_people_user_idx on public.meeting_people (user_id);
create index agreements_meeting_idx on public.agreements (meeting_id);
-- One slot per child per round: two bookings for one child, however fast, cannot both land.
create unique index slots_one_per_pupil on public.slots (round_id, pupil_id) where pupil_id is not null;
create index slots_round_idx on public.slots (round_id, starts_at);
create index meeting_changes_meeting_idx on public.meeting_changes (meeting_id, changed_at desc);

-- ---------------------------------------------------------------------------------------
-- Helpers the policies share (about the caller only)
-- ---------------------------------------------------------------------------------------

-- Staff who see a meeting: the teachers of (one of) its children's classes, the coach, admins.
create function private.staff_sees_meeting(p_meeting uuid)
returns boolean
language sql stable security definer set search_path = ''
as $$
  select exists (
    select 1 from public.meetings m
    where m.id = p_meeting and private.sees_all_classes(m.school_id)
  ) or exists (
    select 1 from public.meeting_pupils mp
    where mp.meeting_id = p_meeting and private.teaches_class(mp.class_id)
  )
$$;
revoke execute on function private.staff_sees_meeting(uuid) from public;
grant execute on function private.staff_sees_meeting(uuid) to authenticated, service_role;

-- The caller is invited (a parent of its children, or the staff member who planned it).
create function private.invited_to(p_meeting uuid)
returns boolean
language sql stable security definer set search_path = ''
as $$
  select exists (
    select 1 from public.meeting_people p
    where p.meeting_id = p_meeting and p.user_id = (select auth.uid())
      and (p.role = 'staff' or exists (
        select 1 from public.meeting_pupils mp where mp.meeting_id = p_meeting and private.is_guardian_of(mp.pupil_id)
      ))
  )
$$;
revoke execute on function private.invited_to(uuid) from public;
grant execute on function private.invited_to(uuid) to authenticated, service_role;

-- The caller is a pupil the meeting is about.
create function private.pupil_of_meeting(p_meeting uuid)
returns uuid
language sql stable security definer set search_path = ''
as $$
  select mp.pupil_id from public.meeting_pupils mp
  join public.pupils p on p.id = mp.pupil_id
  where mp.meeting_id = p_meeting and p.user_id is not null and p.user_id = (select auth.uid())
$$;
revoke execute on function private.pupil_of_meeting(uuid) from public;
grant execute on function private.pupil_of_meeting(uuid) to authenticated, service_role;

create function private.sees_meeting(p_meeting uuid)
returns boolean
language sql stable security definer set search_path = ''
as $$
  select private.staff_sees_meeting(p_meeting) or private.invited_to(p_meeting) or private.pupil_of_meeting(p_meeting) is not null
$$;
revoke execute on function private.sees_meeting(uuid) from public;
grant execute on function private.sees_meeting(uuid) to authenticated, service_role;

-- Translations of a preparation or a child's part are seen by whoever sees the text. Staff may
-- not read those tables directly (only through the logging functions), so the translations
-- policy asks these definer functions the same rules, as for feedback (private.sees_feedback).
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

-- ---------------------------------------------------------------------------------------
-- Row level security policies
-- ---------------------------------------------------------------------------------------

create policy "invited parents, its pupils and the staff of its classes see a meeting" on public.meetings
  for select to authenticated using ((select private.sees_meeting(id)));

create policy "who sees a meeting sees whom it is about" on public.meeting_pupils
  for select to authenticated using ((select private.sees_meeting(meeting_id)));

create policy "who sees a meeting sees who is invited" on public.meeting_people
  for select to authenticated
  using ((select private.staff_sees_meeting(meeting_id)) or (select private.invited_to(meeting_id)));

create policy "a preparation is its author's, and the school's once shared" on public.preparations
  for select to authenticated
  using (user_id = (select auth.uid()) or (shared_at is not null and (select private.staff_sees_meeting(meeting_id))));

create policy "a child's part is theirs, and their parents' and teacher's once they agreed" on public.pupil_preparations
  for select to authenticated
  using (
    (select private.is_pupil_self(pupil_id))
    or (consented_at is not null and ((select private.is_guardian_of(pupil_id)) or (select private.staff_sees_meeting(meeting_id))))
  );

create policy "who sees a meeting sees what was agreed" on public.agreements
  for select to authenticated
  using ((select private.staff_sees_meeting(meeting_id)) or (select private.invited_to(meeting_id)));

create policy "feedback is its author's; staff read it through meeting_feedback()" on public.meeting_feedback
  for select to authenticated using (author_id = (select auth.uid()));

create policy "staff of the class see its meeting rounds; parents of its pupils too" on public.slot_rounds
  for select to authenticated using ((select private.can_see_class(class_id)));

create policy "who sees a round sees its slots" on public.slots
  for select to authenticated
  using (exists (select 1 from public.slot_rounds r where r.id = round_id and (select private.can_see_class(r.class_id))));

create policy "who sees a meeting sees how it changed" on public.meeting_changes
  for select to authenticated using ((select private.sees_meeting(meeting_id)));

create policy "only its author reads a preparation directly; staff through meeting_preparations()"
  on public.preparations as restrictive for select to authenticated
  using (user_id = (select auth.uid()));

create policy "only the child and their parents read a part directly; staff through meeting_pupil_preparations()"
  on public.pupil_preparations as restrictive for select to authenticated
  using ((select private.is_pupil_self(pupil_id)) or (select private.is_guardian_of(pupil_id)));

-- ---------------------------------------------------------------------------------------
-- Functions
-- ---------------------------------------------------------------------------------------

create function public.cancel_meeting(p_meeting uuid)
returns uuid
language plpgsql volatile security definer set search_path = ''
as $$
begin
  if not private.staff_sees_meeting(p_meeting) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  update public.meetings set status = 'cancelled' where id = p_meeting;
  update public.slots set pupil_id = null, booked_by = null, meeting_id = null where meeting_id = p_meeting;
  return p_meeting;
end
$$;
revoke execute on function public.cancel_meeting(uuid) from public, anon, authenticated;
grant execute on function public.cancel_meeting(uuid) to authenticated;

-- A parent says whether they want an interpreter (in which language) and who comes along.
-- A parent says whether they want an interpreter (a language code, or nothing) and who comes along.
create function public.set_my_meeting_wishes(p_meeting uuid, p_interpreter text, p_companion text)
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
revoke execute on function public.set_my_meeting_wishes(uuid, text, text) from public, anon, authenticated;
grant execute on function public.set_my_meeting_wishes(uuid, text, text) to authenticated;

-- The invited parent's meeting that can still be prepared: planned and not begun (or asked for).
create function private.preparable(p_meeting uuid)
returns void
language plpgsql stable security definer set search_path = ''
as $$
declare
  v_meeting public.meetings;
begin
  select * into v_meeting from public.meetings m where m.id = p_meeting;
  if v_meeting.id is null or not private.invited_to(p_meeting)
    or not exists (select 1 from public.meeting_people p where p.meeting_id = p_meeting and p.user_id = (select auth.uid()) and p.role = 'parent') then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  if v_meeting.status = 'cancelled' or (v_meeting.starts_at is not null and v_meeting.starts_at <= now()) then
    raise exception using errcode = 'P0001', message = 'meeting_started';
  end if;
end
$$;
revoke execute on function private.preparable(uuid) from public;
grant execute on function private.preparable(uuid) to service_role;

-- Saves the caller's preparation as it is typed (all screens at once) and where they are.
create function public.save_my_preparation(p_meeting uuid, p_answers jsonb, p_step int)
returns timestamptz
language plpgsql volatile security definer set search_path = ''
as $$
declare
  v_at timestamptz;
begin
  perform private.preparable(p_meeting);
  if not private.valid_preparation(p_answers) then
    raise exception using errcode = 'P0001', message = 'invalid';
  end if;
  insert into public.preparations (meeting_id, user_id, answers, step, updated_at)
  values (p_meeting, (select auth.uid()), p_answers, greatest(0, least(coalesce(p_step, 0), 20)), now())
  on conflict (meeting_id, user_id) do update
    set answers = excluded.answers, step = excluded.step, updated_at = now()
  returning updated_at into v_at;
  return v_at;
end
$$;
revoke execute on function public.save_my_preparation(uuid, jsonb, int) from public, anon, authenticated;
grant execute on function public.save_my_preparation(uuid, jsonb, int) to authenticated;

-- Shares the preparation with the school (or takes it back), until the meeting starts.
create function public.share_my_preparation(p_meeting uuid, p_share boolean)
returns timestamptz
language plpgsql volatile security definer set search_path = ''
as $$
declare
  v_at timestamptz;
begin
  perform private.preparable(p_meeting);
  update public.preparations
  set shared_at = case when p_share then coalesce(shared_at, now()) end
  where meeting_id = p_meeting and user_id = (select auth.uid())
  returning shared_at into v_at;
  if not found then
    raise exception using errcode = 'P0001', message = 'not_prepared';
  end if;
  return v_at;
end
$$;
revoke execute on function public.share_my_preparation(uuid, boolean) from public, anon, authenticated;
grant execute on function public.share_my_preparation(uuid, boolean) to authenticated;

create function public.my_preparation(p_meeting uuid)
returns table (answers jsonb, step int, shared_at timestamptz, updated_at timestamptz)
language sql stable security invoker set search_path = ''
as $$
  select p.answers, p.step, p.shared_at, p.updated_at from public.preparations p
  where p.meeting_id = p_meeting and p.user_id = (select auth.uid())
$$;
revoke execute on function public.my_preparation(uuid) from public, anon, authenticated;
grant execute on function public.my_preparation(uuid) to authenticated;

-- The shared preparations of a meeting, for its staff: the latest version and when it changed.
-- Row level security hides every unshared one.
create function public.meeting_preparations(p_meeting uuid)
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

-- A pupil's part of a meeting about them: pictures per part, who will be there, a few words;
-- p_consent says they saw "your parents and your teacher will see this".
create function public.save_my_pupil_preparation(p_meeting uuid, p_answers jsonb, p_words text, p_consent boolean)
returns timestamptz
language plpgsql volatile security definer set search_path = ''
as $$
declare
  v_pupil uuid := private.pupil_of_meeting(p_meeting);
  v_meeting public.meetings;
  v_at timestamptz;
begin
  select * into v_meeting from public.meetings m where m.id = p_meeting;
  if v_pupil is null then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  if v_meeting.status = 'cancelled' or (v_meeting.starts_at is not null and v_meeting.starts_at <= now()) then
    raise exception using errcode = 'P0001', message = 'meeting_started';
  end if;
  if not private.valid_pupil_preparation(p_answers) then
    raise exception using errcode = 'P0001', message = 'invalid';
  end if;
  insert into public.pupil_preparations (meeting_id, pupil_id, answers, words, consented_at, updated_at)
  values (p_meeting, v_pupil, p_answers, nullif(btrim(p_words), ''), case when p_consent then now() end, now())
  on conflict (meeting_id, pupil_id) do update
    set answers = excluded.answers, words = excluded.words,
        consented_at = case
          when p_consent then now()
          when p_consent is null
               and public.pupil_preparations.answers = excluded.answers
               and public.pupil_preparations.words is not distinct from excluded.words
            then public.pupil_preparations.consented_at
          else null
        end,
        updated_at = now()
  returning updated_at into v_at;
  return v_at;
end
$$;
revoke execute on function public.save_my_pupil_preparation(uuid, jsonb, text, boolean) from public, anon, authenticated;
grant execute on function public.save_my_pupil_preparation(uuid, jsonb, text, boolean) to authenticated;

-- A pupil's upcoming meetings (in class mode): what they are, and their part so far.
create function public.my_pupil_meetings()
returns table (meeting_id uuid, kind text, starts_at timestamptz, goal text, answers jsonb, words text, consented boolean, has_feedback boolean)
language sql stable security invoker set search_path = ''
as $$
  select m.id, m.kind, m.starts_at, m.goal, coalesce(pp.answers, '{}'), pp.words, pp.consented_at is not null,
         exists (select 1 from public.meeting_feedback f where f.meeting_id = m.id and f.author_id = (select auth.uid()))
  from public.pupils p
  join public.meeting_pupils mp on mp.pupil_id = p.id
  join public.meetings m on m.id = mp.meeting_id
  left join public.pupil_preparations pp on pp.meeting_id = m.id and pp.pupil_id = p.id
  where p.user_id is not null and p.user_id = (select auth.uid())
    and m.status = 'planned' and m.starts_at > now() - interval '14 days'
  order by m.starts_at
$$;
revoke execute on function public.my_pupil_meetings() from public, anon, authenticated;
grant execute on function public.my_pupil_meetings() to authenticated;

-- The children's parts of a meeting, for its parents and staff, once each child agreed.
create function public.meeting_pupil_preparations(p_meeting uuid)
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

create function public.add_agreement(p_meeting uuid, p_text text, p_who text, p_due_on date, p_evaluate_on date)
returns uuid
language plpgsql volatile security definer set search_path = ''
as $$
declare
  v_id uuid;
begin
  if not private.staff_sees_meeting(p_meeting) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  insert into public.agreements (meeting_id, text, who, due_on, evaluate_on, created_by)
  values (p_meeting, btrim(p_text), nullif(btrim(p_who), ''), p_due_on, p_evaluate_on, (select auth.uid()))
  returning id into v_id;
  return v_id;
end
$$;
revoke execute on function public.add_agreement(uuid, text, text, date, date) from public, anon, authenticated;
grant execute on function public.add_agreement(uuid, text, text, date, date) to authenticated;

create function public.delete_agreement(p_agreement uuid)
returns uuid
language plpgsql volatile security definer set search_path = ''
as $$
declare
  v_meeting uuid;
begin
  select a.meeting_id into v_meeting from public.agreements a where a.id = p_agreement;
  if v_meeting is null or not private.staff_sees_meeting(v_meeting) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  delete from public.agreements where id = p_agreement;
  return p_agreement;
end
$$;
revoke execute on function public.delete_agreement(uuid) from public, anon, authenticated;
grant execute on function public.delete_agreement(uuid) to authenticated;

create function public.meeting_agreements(p_meeting uuid)
returns table (agreement_id uuid, text text, who text, due_on text, evaluate_on text, created_at timestamptz)
language sql stable security invoker set search_path = ''
as $$
  -- Dates as text (YYYY-MM-DD), as PostgREST sends a date: no time zone to shift them a day.
  select a.id, a.text, a.who, a.due_on::text, a.evaluate_on::text, a.created_at from public.agreements a
  where a.meeting_id = p_meeting order by a.created_at
$$;
revoke execute on function public.meeting_agreements(uuid) from public, anon, authenticated;
grant execute on function public.meeting_agreements(uuid) to authenticated;

-- Feedback once the meeting has begun, from an invited parent or a pupil it was about; one each,
-- changeable.
create function public.give_meeting_feedback(
  p_meeting uuid, p_top text, p_tip text, p_seen text, p_heard text, p_valued text, p_anonymous boolean
)
returns timestamptz
language plpgsql volatile security definer set search_path = ''
as $$
declare
  v_meeting public.meetings;
  v_role text;
  v_at timestamptz;
begin
  select * into v_meeting from public.meetings m where m.id = p_meeting;
  if v_meeting.id is null then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  if private.pupil_of_meeting(p_meeting) is not null then
    v_role := 'pupil';
  elsif exists (select 1 from public.meeting_people p where p.meeting_id = p_meeting and p.user_id = (select auth.uid()) and p.role = 'parent')
    and private.invited_to(p_meeting) then
    v_role := 'parent';
  else
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  if v_meeting.status <> 'planned' or v_meeting.starts_at > now() then
    raise exception using errcode = 'P0001', message = 'not_yet';
  end if;
  insert into public.meeting_feedback (meeting_id, author_id, role, anonymous, top, tip, seen, heard, valued)
  values (p_meeting, (select auth.uid()), v_role, coalesce(p_anonymous, false), nullif(btrim(p_top), ''), nullif(btrim(p_tip), ''),
          p_seen, p_heard, p_valued)
  on conflict (meeting_id, author_id) do update
    set anonymous = excluded.anonymous, top = excluded.top, tip = excluded.tip, seen = excluded.seen,
        heard = excluded.heard, valued = excluded.valued, created_at = now()
  returning created_at into v_at;
  return v_at;
end
$$;
revoke execute on function public.give_meeting_feedback(uuid, text, text, text, text, text, boolean) from public, anon, authenticated;
grant execute on function public.give_meeting_feedback(uuid, text, text, text, text, text, boolean) to authenticated;

create function public.my_meeting_feedback(p_meeting uuid)
returns table (top text, tip text, seen text, heard text, valued text, anonymous boolean)
language sql stable security invoker set search_path = ''
as $$
  select f.top, f.tip, f.seen, f.heard, f.valued, f.anonymous from public.meeting_feedback f
  where f.meeting_id = p_meeting and f.author_id = (select auth.uid())
$$;
revoke execute on function public.my_meeting_feedback(uuid) from public, anon, authenticated;
grant execute on function public.my_meeting_feedback(uuid) to authenticated;

-- A meeting's feedback for its staff: names only where the author did not ask to stay anonymous.
create function public.meeting_feedback(p_meeting uuid)
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

-- The school view (admins and the coach): per staff member who held meetings, and per month,
-- how much feedback and how seen / heard / valued people felt. Counts only; every group of
-- fewer than 5 answers is null ("fewer than 5"), its parts included.
create function public.school_feedback_overview(p_school uuid)
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

-- Publishes a round of slots for a class: `[{"starts_at": "…", "minutes": 10, "teacher": uuid}, …]`.
create function public.publish_slot_round(p_class uuid, p_title text, p_deadline timestamptz, p_slots jsonb)
returns uuid
language plpgsql volatile security definer set search_path = ''
as $$
declare
  v_class public.classes;
  v_id uuid;
begin
  select * into v_class from public.classes c where c.id = p_class;
  if v_class.id is null or not private.can_see_class_pupils(p_class) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  if jsonb_typeof(p_slots) <> 'array' or jsonb_array_length(p_slots) = 0 or jsonb_array_length(p_slots) > 300
    or p_deadline is null or p_deadline < now() then
    raise exception using errcode = 'P0001', message = 'invalid';
  end if;
  if exists (
    select 1 from jsonb_array_elements(p_slots) s
    where (s ->> 'starts_at')::timestamptz < p_deadline
      or (s ->> 'minutes')::int not between 5 and 240
      or not exists (
        select 1 from public.memberships m
        where m.user_id = private.uuid_or_null(s ->> 'teacher') and m.school_id = v_class.school_id
          and m.role in ('admin', 'coach', 'teacher')
      )
  ) then
    raise exception using errcode = 'P0001', message = 'invalid';
  end if;
  insert into public.slot_rounds (school_id, class_id, title, deadline, created_by)
  values (v_class.school_id, p_class, btrim(p_title), p_deadline, (select auth.uid()))
  returning id into v_id;
  insert into public.slots (round_id, starts_at, minutes, teacher_id)
  select v_id, (s ->> 'starts_at')::timestamptz, (s ->> 'minutes')::int, (s ->> 'teacher')::uuid
  from jsonb_array_elements(p_slots) s;
  return v_id;
end
$$;
revoke execute on function public.publish_slot_round(uuid, text, timestamptz, jsonb) from public, anon, authenticated;
grant execute on function public.publish_slot_round(uuid, text, timestamptz, jsonb) to authenticated;

-- The rounds of the caller's classes (staff) or of their children's classes (parents), open ones first.
create function public.slot_rounds_for(p_class uuid)
returns table (round_id uuid, class_id uuid, class_name text, title text, deadline timestamptz, slots int, booked int, pupils int)
language sql stable security invoker set search_path = ''
as $$
  select r.id, r.class_id, c.name, r.title, r.deadline,
         (select count(*)::int from public.slots s where s.round_id = r.id),
         (select count(*)::int from public.slots s where s.round_id = r.id and s.pupil_id is not null),
         (select count(*)::int from private.current_pupils p where p.class_id = r.class_id)
  from public.slot_rounds r join public.classes c on c.id = r.class_id
  where p_class is null or r.class_id = p_class
  order by r.deadline desc
  limit 100
$$;
revoke execute on function public.slot_rounds_for(uuid) from public, anon, authenticated;
grant execute on function public.slot_rounds_for(uuid) to authenticated;

-- A round's slots. Staff see which child is in each; a parent sees which are free and which are
-- their own children's (another family's booking shows only as taken).
create function public.round_slots(p_round uuid)
returns table (slot_id uuid, starts_at timestamptz, minutes int, teacher text, taken boolean, pupil_id uuid, first_name text)
language plpgsql stable security definer set search_path = ''
as $$
declare
  v_round public.slot_rounds;
  v_staff boolean;
begin
  select * into v_round from public.slot_rounds r where r.id = p_round;
  if v_round.id is null or not private.can_see_class(v_round.class_id) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  v_staff := private.can_see_class_pupils(v_round.class_id);
  return query
    select s.id, s.starts_at, s.minutes, pf.display_name, s.pupil_id is not null,
           case when v_staff or private.is_guardian_of(s.pupil_id) then s.pupil_id end,
           case when v_staff or private.is_guardian_of(s.pupil_id) then p.first_name end
    from public.slots s
    left join public.profiles pf on pf.user_id = s.teacher_id
    left join public.pupils p on p.id = s.pupil_id
    where s.round_id = p_round
    order by s.starts_at, pf.display_name;
end
$$;
revoke execute on function public.round_slots(uuid) from public, anon, authenticated;
grant execute on function public.round_slots(uuid) to authenticated;

-- A parent books a slot for their child (or moves the child's booking to it) until the deadline.
-- The slot is taken with a conditional update: of two parents pressing at once, one gets it and
-- the other is told it is taken. The booking is a meeting (kind "report") the parent can prepare.
create function public.book_slot(p_slot uuid, p_pupil uuid)
returns uuid
language plpgsql volatile security definer set search_path = ''
as $$
declare
  v_slot public.slots;
  v_round public.slot_rounds;
  v_pupil public.pupils;
  v_old public.slots;
  v_meeting uuid;
begin
  select * into v_slot from public.slots s where s.id = p_slot;
  select * into v_round from public.slot_rounds r where r.id = v_slot.round_id;
  select * into v_pupil from public.pupils p where p.id = p_pupil;
  if v_slot.id is null or v_pupil.id is null or v_pupil.left_at is not null
     or not private.is_guardian_of(p_pupil) or v_pupil.class_id <> v_round.class_id then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  if v_round.deadline < now() then
    raise exception using errcode = 'P0001', message = 'deadline_passed';
  end if;
  select * into v_old from public.slots s where s.round_id = v_round.id and s.pupil_id = p_pupil for update;
  if v_old.id = p_slot then
    return v_old.meeting_id;
  end if;
  -- Moving: the child's old slot is freed first (one slot per child per round); if the new one
  -- turns out taken, the whole call is undone and the old booking stands.
  if v_old.id is not null then
    update public.slots set pupil_id = null, booked_by = null, meeting_id = null where id = v_old.id;
  end if;
  begin
    update public.slots set pupil_id = p_pupil, booked_by = (select auth.uid())
    where id = p_slot and pupil_id is null;
  exception when unique_violation then
    -- The child's other parent booked another slot at the same moment.
    raise exception using errcode = 'P0001', message = 'slot_taken';
  end;
  if not found then
    raise exception using errcode = 'P0001', message = 'slot_taken';
  end if;
  if v_old.id is not null then
    -- The child's meeting moves with them.
    v_meeting := v_old.meeting_id;
    update public.meetings set starts_at = v_slot.starts_at, minutes = v_slot.minutes where id = v_meeting;
  else
    insert into public.meetings (school_id, kind, status, starts_at, minutes, goal, created_by)
    values (v_round.school_id, 'report', 'planned', v_slot.starts_at, v_slot.minutes, v_round.title, v_round.created_by)
    returning id into v_meeting;
    insert into public.meeting_pupils (meeting_id, pupil_id, class_id) values (v_meeting, p_pupil, v_pupil.class_id);
    insert into public.meeting_people (meeting_id, user_id, role)
    select distinct v_meeting, g.parent_user_id, 'parent'
    from public.guardian_links g
    join public.memberships m on m.user_id = g.parent_user_id and m.school_id = g.school_id and m.role = 'parent'
    where g.pupil_id = p_pupil;
    if v_slot.teacher_id is not null then
      insert into public.meeting_people (meeting_id, user_id, role) values (v_meeting, v_slot.teacher_id, 'staff')
      on conflict do nothing;
    end if;
  end if;
  update public.slots set meeting_id = v_meeting where id = p_slot;
  return v_meeting;
end
$$;
revoke execute on function public.book_slot(uuid, uuid) from public, anon, authenticated;
grant execute on function public.book_slot(uuid, uuid) to authenticated;

-- The invited parents' addresses and languages, for the invitation mail the server sends.
create function public.meeting_mail_recipients(p_meeting uuid)
returns table (email text, locale text, name text)
language sql stable security definer set search_path = ''
as $$
  select pf.email, pf.locale, pf.display_name
  from public.meeting_people mp join public.profiles pf on pf.user_id = mp.user_id
  where mp.meeting_id = p_meeting and mp.role = 'parent' and pf.email is not null
$$;
revoke execute on function public.meeting_mail_recipients(uuid) from public, anon, authenticated;
grant execute on function public.meeting_mail_recipients(uuid) to service_role;

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

create function public.save_my_preparation_topic(
  p_meeting uuid, p_topic text, p_choices text[], p_text text, p_lang text, p_step int
)
returns timestamptz
language plpgsql volatile security definer set search_path = ''
as $$
declare
  v_choices text[] := array(
    select c from unnest(coalesce(p_choices, '{}'::text[])) with ordinality u(c, i) group by c order by min(i)
  );
  v_text text := btrim(replace(coalesce(p_text, ''), E'\r\n', E'\n'));
  v_answer jsonb;
  v_at timestamptz;
begin
  perform private.preparable(p_meeting);
  if p_topic is null or not (p_topic = any (private.prep_topics())) then
    raise exception using errcode = 'P0001', message = 'invalid';
  end if;
  if cardinality(v_choices) > 0 or v_text <> '' then
    v_answer := jsonb_build_object(
      'choices', to_jsonb(v_choices),
      'text', v_text,
      'lang', case when coalesce(p_lang, '') ~ '^[a-z]{2}$' then p_lang else '' end
    );
    if not private.valid_preparation(jsonb_build_object(p_topic, v_answer)) then
      raise exception using errcode = 'P0001', message = 'invalid';
    end if;
  end if;
  insert into public.preparations (meeting_id, user_id, answers, step, updated_at)
  values (
    p_meeting, (select auth.uid()),
    case when v_answer is null then '{}'::jsonb else jsonb_build_object(p_topic, v_answer) end,
    greatest(0, least(coalesce(p_step, 0), 20)), now()
  )
  on conflict (meeting_id, user_id) do update
    set answers = case
          when v_answer is null then public.preparations.answers - p_topic
          else public.preparations.answers || jsonb_build_object(p_topic, v_answer)
        end,
        step = excluded.step,
        updated_at = now()
  returning updated_at into v_at;
  return v_at;
end
$$;
revoke execute on function public.save_my_preparation_topic(uuid, text, text[], text, text, int) from public, anon, authenticated;
grant execute on function public.save_my_preparation_topic(uuid, text, text[], text, text, int) to authenticated;
