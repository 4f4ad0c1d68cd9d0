-- Mail and notifications (issue 20): everything someone should hear about, in one place. (The
-- embedded mode's mail outbox itself is a Supabase stand-in: supabase/embedded/0006_outbox.sql.)
--
-- * Events are written by triggers on the tables that change (meetings, the people invited,
--   bookings, agreements, meeting rounds, needs rounds, preparations, feedback, requests for
--   erasure), in the same transaction as the change, one row per recipient in
--   `private.notifications`. Only what a signed-in person did through the API makes an event
--   (the claims' role is `authenticated`): the demo seed, the tests' fixtures and the server's own
--   jobs make none. The functions that change those tables stay as they are.
-- * Scheduled events (a round's deadline nears, the day before a meeting, families without a
--   time, the staff's daily digest) come from `schedule_notifications(now)`, run by the server's
--   retention job; its clock is the caller's, so tests move it.
-- * The server delivers them (src/server/notify/): it claims due rows with `for update skip
--   locked`, so several servers on one database each take different rows, renders each in the
--   reader's language and hands it to the mail outbox (embedded mode: in the same transaction
--   that marks it sent) or sends it by SMTP itself (Supabase mode: this table then holds the
--   retries), and to the reader's phones by Web Push.
-- * Each person chooses (notification_settings): kinds turned off (never the ones a law requires),
--   quiet hours for reminders, staff a daily digest or each message at once, and whether a phone's
--   lock screen may show the child's name. A kind turned off is never stored.
-- * Push subscriptions, per device, in `private.push_subscriptions`: written only through the
--   functions below, removed on sign-out, on erasure and when the push service says they are gone.
-- * Erasure: a carried-out request removes the person's waiting messages of that school (their
--   account's, with everything else, when it goes) and, in embedded mode, the outbox's copies;
--   the answer to the request is written first, with the address it needs, and is the one message
--   that stays.
-- * The to-do list of every home page (`my_todo`) and what a person has read (`meeting_reads`).
--
-- The lists of kinds are the app's (src/domain/notifications.ts), tied by tests/db/schema.test.ts.
--
-- Layout and the rule for later changes: the opening of …_schools_people.sql.

-- ---------------------------------------------------------------------------------------
-- Helpers the tables' checks use
-- ---------------------------------------------------------------------------------------

create function private.notification_kinds()
returns text[]
language sql immutable set search_path = ''
as $$
  select array[
    'meeting_planned', 'meeting_changed', 'meeting_cancelled', 'slot_booked', 'meeting_reminder',
    'round_opened', 'round_reminder', 'agreements_recorded', 'needs_round_closed', 'erasure_answered',
    'meeting_requested', 'preparation_shared', 'interpreter_asked', 'feedback_given', 'round_unbooked',
    'erasure_requested', 'digest'
  ]
$$;
revoke execute on function private.notification_kinds() from public;
grant execute on function private.notification_kinds() to authenticated, service_role;

-- What a law requires the portal to send cannot be turned off: the answer to a request for
-- erasure (GDPR art. 12(3)), and, for the school's admins, that such a request waits (the school
-- must answer within a month). `digest` is the staff's own choice of how, not of whether.
create function private.essential_kinds()
returns text[]
language sql immutable set search_path = ''
as $$
  select array['erasure_answered', 'erasure_requested', 'digest']
$$;
revoke execute on function private.essential_kinds() from public;
grant execute on function private.essential_kinds() to authenticated, service_role;

-- ---------------------------------------------------------------------------------------
-- Tables
-- ---------------------------------------------------------------------------------------

-- A person's choices. No row: everything on, quiet hours 21:00–07:00, staff a daily digest, no
-- child's name on a lock screen.
create table public.notification_settings (
  user_id uuid primary key references auth.users (id) on delete cascade,
  off_kinds text[] not null default '{}',
  quiet_from time,
  quiet_until time,
  staff_digest boolean not null default true,
  push_names boolean not null default false,
  updated_at timestamptz not null default now(),
  check (off_kinds <@ private.notification_kinds() and not (off_kinds && private.essential_kinds())),
  check (cardinality(off_kinds) <= 30),
  check ((quiet_from is null) = (quiet_until is null) and (quiet_from is null or quiet_from <> quiet_until))
);
alter table public.notification_settings enable row level security;

-- One row per recipient per event: the outbox of events. `user_id` is null only for the answer to
-- a request for erasure that was carried out: it keeps the address and language it needs
-- (`to_address`, `to_locale`) while the account goes.
create table private.notifications (
  id bigint generated always as identity primary key,
  school_id uuid references public.schools (id) on delete cascade,
  user_id uuid references auth.users (id) on delete cascade,
  to_address text check (to_address is null or char_length(to_address) <= 320),
  to_locale text check (to_locale is null or to_locale ~ '^[a-z]{2}$'),
  kind text not null check (kind = any (private.notification_kinds())),
  -- What it is about (a meeting, round, request…): for the to-do list, erasure and the log.
  about uuid,
  -- The facts the message is written from, as they were when it happened (a time, a place, the
  -- reader's own children's first names): nothing else.
  payload jsonb not null default '{}' check (jsonb_typeof(payload) = 'object'),
  -- One message per key: a reminder is sent once, a burst of agreements is one mail.
  dedupe text unique check (dedupe is null or char_length(dedupe) <= 200),
  -- held: waits for the digest; pending: to deliver at due_at; sent; skipped (turned off, no way
  -- to reach the person); failed (given up, shown to the admin); digested (sent in a digest).
  status text not null default 'pending' check (status in ('held', 'pending', 'sent', 'skipped', 'failed', 'digested')),
  due_at timestamptz not null default now(),
  attempts int not null default 0,
  last_error text check (last_error is null or last_error ~ '^[a-z_]{1,30}$'),
  expires_at timestamptz,
  pushed_at timestamptz,
  created_at timestamptz not null default now(),
  sent_at timestamptz,
  digest_id bigint references private.notifications (id) on delete cascade,
  check (user_id is not null or to_address is not null)
);
alter table private.notifications enable row level security;

-- A phone or computer that receives notifications (Web Push): the push service's address and
-- keys, and the device it belongs to (a random id the server keeps in that browser's cookie, so
-- signing out there removes it).
create table private.push_subscriptions (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete cascade,
  device text not null check (device ~ '^[A-Za-z0-9_-]{16,64}$'),
  endpoint text not null unique check (
    char_length(endpoint) <= 1000
    and (endpoint ~ '^https://[^\s/]+/\S*$' or endpoint ~ '^http://(127\.0\.0\.1|localhost)(:[0-9]{1,5})?/\S*$')
  ),
  p256dh text not null check (p256dh ~ '^[A-Za-z0-9_-]{80,100}={0,2}$'),
  auth text not null check (auth ~ '^[A-Za-z0-9_-]{16,32}={0,2}$'),
  created_at timestamptz not null default now()
);
alter table private.push_subscriptions enable row level security;

-- When a person last opened a meeting's page: new agreements (parents) and shared preparations
-- (staff) stay on their to-do list until then.
create table public.meeting_reads (
  user_id uuid not null references auth.users (id) on delete cascade,
  meeting_id uuid not null references public.meetings (id) on delete cascade,
  read_at timestamptz not null default now(),
  primary key (user_id, meeting_id)
);
alter table public.meeting_reads enable row level security;

-- ---------------------------------------------------------------------------------------
-- Who may use the tables directly (everything else goes through the functions below)
-- ---------------------------------------------------------------------------------------

revoke all on public.notification_settings from anon;
revoke insert, update, delete, truncate on public.notification_settings from authenticated;
revoke all on private.notifications from public, anon, authenticated;
revoke all on private.push_subscriptions from public, anon, authenticated;
revoke all on public.meeting_reads from anon;
revoke insert, update, delete, truncate on public.meeting_reads from authenticated;

-- ---------------------------------------------------------------------------------------
-- Indexes
-- ---------------------------------------------------------------------------------------

create index notifications_due_idx on private.notifications (due_at) where status = 'pending';
create index notifications_held_idx on private.notifications (user_id) where status = 'held';
create index notifications_user_idx on private.notifications (user_id, school_id);
create index notifications_about_idx on private.notifications (about, kind);
create index notifications_done_idx on private.notifications (coalesce(sent_at, created_at)) where status in ('sent', 'skipped', 'digested', 'failed');
create index push_subscriptions_user_idx on private.push_subscriptions (user_id, device);
create index meeting_reads_meeting_idx on public.meeting_reads (meeting_id);

-- ---------------------------------------------------------------------------------------
-- Row level security policies
-- ---------------------------------------------------------------------------------------

create policy "a person sees their own notification settings" on public.notification_settings
  for select to authenticated using (user_id = (select auth.uid()));

create policy "a person sees what they have read" on public.meeting_reads
  for select to authenticated using (user_id = (select auth.uid()));

-- ---------------------------------------------------------------------------------------
-- Functions
-- ---------------------------------------------------------------------------------------

-- What staff receive in the daily digest unless they choose each message at once.
create function private.digest_kinds()
returns text[]
language sql immutable set search_path = ''
as $$
  select array['meeting_requested', 'preparation_shared', 'interpreter_asked', 'feedback_given']
$$;
revoke execute on function private.digest_kinds() from public;
grant execute on function private.digest_kinds() to authenticated, service_role;

-- Reminders wait for the end of the reader's quiet hours.
create function private.reminder_kinds()
returns text[]
language sql immutable set search_path = ''
as $$
  select array['meeting_reminder', 'round_reminder', 'round_unbooked']
$$;
revoke execute on function private.reminder_kinds() from public;
grant execute on function private.reminder_kinds() to authenticated, service_role;

-- Whether the change was made by a signed-in person through the API.
create function private.acting_person()
returns boolean
language sql stable set search_path = ''
as $$
  select coalesce(nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role', '') = 'authenticated'
$$;
revoke execute on function private.acting_person() from public;

-- The end of a person's quiet hours when `p_at` falls in them (school time), else `p_at`.
create function private.after_quiet_hours(p_user uuid, p_at timestamptz)
returns timestamptz
language plpgsql stable set search_path = ''
as $$
declare
  v_from time := '21:00'::time;
  v_until time := '07:00'::time;
  v_local timestamp := p_at at time zone 'Europe/Amsterdam';
  v_t time := (p_at at time zone 'Europe/Amsterdam')::time;
begin
  select s.quiet_from, s.quiet_until into v_from, v_until
  from public.notification_settings s where s.user_id = p_user;
  if not found then
    v_from := '21:00';
    v_until := '07:00';
  end if;
  if v_from is null then
    return p_at;
  end if;
  if v_from < v_until then
    if v_t >= v_from and v_t < v_until then
      return (v_local::date + v_until) at time zone 'Europe/Amsterdam';
    end if;
  elsif v_t >= v_from then
    return (v_local::date + 1 + v_until) at time zone 'Europe/Amsterdam';
  elsif v_t < v_until then
    return (v_local::date + v_until) at time zone 'Europe/Amsterdam';
  end if;
  return p_at;
end
$$;
revoke execute on function private.after_quiet_hours(uuid, timestamptz) from public;

-- One message for one person, as they chose: a kind they turned off is not stored at all; the
-- staff's digest kinds wait for the digest; reminders wait for the end of quiet hours.
create function private.queue_notification(
  p_school uuid, p_user uuid, p_kind text, p_about uuid, p_payload jsonb,
  p_dedupe text default null, p_due timestamptz default null, p_expires timestamptz default null
)
returns void
language plpgsql volatile set search_path = ''
as $$
declare
  v_settings public.notification_settings;
  v_status text := 'pending';
  v_due timestamptz := coalesce(p_due, now());
begin
  if p_user is null then
    return;
  end if;
  select * into v_settings from public.notification_settings s where s.user_id = p_user;
  if p_kind = any (coalesce(v_settings.off_kinds, '{}')) and not (p_kind = any (private.essential_kinds())) then
    return;
  end if;
  if p_kind = any (private.digest_kinds()) and coalesce(v_settings.staff_digest, true) then
    v_status := 'held';
  end if;
  if p_kind = any (private.reminder_kinds()) then
    v_due := private.after_quiet_hours(p_user, v_due);
  end if;
  insert into private.notifications (school_id, user_id, kind, about, payload, dedupe, status, due_at, expires_at)
  values (p_school, p_user, p_kind, p_about, coalesce(p_payload, '{}'), p_dedupe, v_status, v_due, p_expires)
  on conflict (dedupe) do nothing;
end
$$;
revoke execute on function private.queue_notification(uuid, uuid, text, uuid, jsonb, text, timestamptz, timestamptz) from public;

-- A meeting's facts for a message: when, how long, where, its kind and calendar sequence.
create function private.meeting_facts(p_meeting public.meetings)
returns jsonb
language sql stable set search_path = ''
as $$
  select jsonb_build_object(
    'meeting', p_meeting.id, 'kind', p_meeting.kind, 'starts_at', p_meeting.starts_at, 'minutes', p_meeting.minutes,
    'place', p_meeting.place, 'video_url', p_meeting.video_url, 'sequence', p_meeting.calendar_sequence,
    'school', p_meeting.school_id,
    'staff', coalesce((
      select jsonb_agg(pf.display_name order by pf.display_name)
      from public.meeting_people mp join public.profiles pf on pf.user_id = mp.user_id
      where mp.meeting_id = p_meeting.id and mp.role = 'staff'), '[]'::jsonb)
  )
$$;
revoke execute on function private.meeting_facts(public.meetings) from public;

-- The first names of a parent's own children among those a meeting is about.
create function private.own_children_in_meeting(p_meeting uuid, p_parent uuid)
returns jsonb
language sql stable set search_path = ''
as $$
  select coalesce(jsonb_agg(p.first_name order by lower(p.first_name)), '[]'::jsonb)
  from public.meeting_pupils mp
  join public.pupils p on p.id = mp.pupil_id
  join public.guardian_links g on g.pupil_id = p.id and g.parent_user_id = p_parent
  where mp.meeting_id = p_meeting
$$;
revoke execute on function private.own_children_in_meeting(uuid, uuid) from public;

-- Every child a meeting is about (for its staff).
create function private.children_in_meeting(p_meeting uuid)
returns jsonb
language sql stable set search_path = ''
as $$
  select coalesce(jsonb_agg(p.first_name order by lower(p.first_name)), '[]'::jsonb)
  from public.meeting_pupils mp join public.pupils p on p.id = mp.pupil_id
  where mp.meeting_id = p_meeting
$$;
revoke execute on function private.children_in_meeting(uuid) from public;

-- The invited parents of a meeting who are still parents in its school.
create function private.meeting_parents(p_meeting uuid)
returns setof uuid
language sql stable set search_path = ''
as $$
  select distinct mp.user_id
  from public.meeting_people mp
  join public.meetings m on m.id = mp.meeting_id
  join public.memberships ms on ms.user_id = mp.user_id and ms.school_id = m.school_id and ms.role = 'parent'
  where mp.meeting_id = p_meeting and mp.role = 'parent'
$$;
revoke execute on function private.meeting_parents(uuid) from public;

-- The staff a meeting's messages go to: the staff invited to it, else the teachers of its
-- children's classes, else the school's admins and coach; always people still on the staff.
create function private.meeting_staff(p_meeting uuid)
returns setof uuid
language sql stable set search_path = ''
as $$
  with m as (select * from public.meetings where id = p_meeting),
  invited as (
    select mp.user_id from public.meeting_people mp, m
    join public.memberships ms on ms.school_id = m.school_id and ms.role in ('admin', 'coach', 'teacher')
    where mp.meeting_id = p_meeting and mp.role = 'staff' and ms.user_id = mp.user_id
  ),
  teachers as (
    select ct.user_id from public.class_teachers ct
    join public.meeting_pupils mpp on mpp.class_id = ct.class_id and mpp.meeting_id = p_meeting
    join public.memberships ms on ms.user_id = ct.user_id and ms.school_id = ct.school_id and ms.role = 'teacher'
  ),
  leaders as (
    select ms.user_id from public.memberships ms, m where ms.school_id = m.school_id and ms.role in ('admin', 'coach')
  )
  select distinct user_id from invited
  union select distinct user_id from teachers where not exists (select 1 from invited)
  union select distinct user_id from leaders where not exists (select 1 from invited) and not exists (select 1 from teachers)
$$;
revoke execute on function private.meeting_staff(uuid) from public;

-- A person's display name (for staff: who asked, who shared).
create function private.name_of(p_user uuid)
returns text
language sql stable set search_path = ''
as $$
  select pf.display_name from public.profiles pf where pf.user_id = p_user
$$;
revoke execute on function private.name_of(uuid) from public;

create function private.raise_calendar_sequence()
returns trigger
language plpgsql set search_path = ''
as $$
begin
  if (new.starts_at, new.minutes, new.place, new.video_url, new.status)
     is distinct from (old.starts_at, old.minutes, old.place, old.video_url, old.status) then
    new.calendar_sequence := old.calendar_sequence + 1;
  end if;
  return new;
end
$$;
revoke execute on function private.raise_calendar_sequence() from public;

-- A parent invited to a planned meeting (a meeting staff plan, or the booking of a slot): checked
-- at commit, when the meeting has its children, its people and its slot.
create function private.notify_parent_invited()
returns trigger
language plpgsql security definer set search_path = ''
as $$
declare
  v_meeting public.meetings;
begin
  if not private.acting_person() or new.role <> 'parent'
    or not exists (select 1 from public.meeting_people p where p.meeting_id = new.meeting_id and p.user_id = new.user_id) then
    return null;
  end if;
  select * into v_meeting from public.meetings m where m.id = new.meeting_id;
  if v_meeting.id is null or v_meeting.status <> 'planned' or v_meeting.starts_at <= now()
    or not exists (select 1 from private.meeting_parents(v_meeting.id) u where u = new.user_id) then
    return null;
  end if;
  perform private.queue_notification(
    v_meeting.school_id, new.user_id,
    case when exists (select 1 from public.slots s where s.meeting_id = v_meeting.id) then 'slot_booked' else 'meeting_planned' end,
    v_meeting.id,
    private.meeting_facts(v_meeting) || jsonb_build_object('children', private.own_children_in_meeting(v_meeting.id, new.user_id)),
    null, null, v_meeting.starts_at);
  return null;
end
$$;
revoke execute on function private.notify_parent_invited() from public;

-- A meeting changes: an asked-for meeting gets its time (planned), a planned one is cancelled, or
-- its time or place moves (changed: what it was and what it is now, side by side).
create function private.notify_meeting_changed()
returns trigger
language plpgsql security definer set search_path = ''
as $$
declare
  v_kind text;
  v_parent uuid;
  v_was jsonb;
begin
  if not private.acting_person() then
    return null;
  end if;
  if old.status = 'requested' and new.status = 'planned' and new.starts_at > now() then
    v_kind := 'meeting_planned';
  elsif old.status = 'planned' and new.status = 'cancelled' and old.starts_at > now() then
    v_kind := 'meeting_cancelled';
  elsif old.status = 'planned' and new.status = 'planned' and new.starts_at > now()
    and (new.starts_at, new.minutes, new.place, new.video_url) is distinct from (old.starts_at, old.minutes, old.place, old.video_url) then
    v_kind := 'meeting_changed';
  else
    return null;
  end if;
  v_was := jsonb_build_object('starts_at', old.starts_at, 'minutes', old.minutes, 'place', old.place, 'video_url', old.video_url);
  for v_parent in select * from private.meeting_parents(new.id) loop
    perform private.queue_notification(
      new.school_id, v_parent, v_kind, new.id,
      private.meeting_facts(new) || jsonb_build_object(
        'children', private.own_children_in_meeting(new.id, v_parent),
        'was', v_was,
        'booked', exists (select 1 from public.slots s where s.meeting_id = new.id)),
      null, null, case when v_kind = 'meeting_cancelled' then old.starts_at else new.starts_at end);
  end loop;
  return null;
end
$$;
revoke execute on function private.notify_meeting_changed() from public;

-- A parent asks for a meeting: the staff hear (checked at commit, when its child is known).
create function private.notify_meeting_requested()
returns trigger
language plpgsql security definer set search_path = ''
as $$
declare
  v_meeting public.meetings;
  v_staff uuid;
begin
  if not private.acting_person() or new.status <> 'requested' then
    return null;
  end if;
  select * into v_meeting from public.meetings m where m.id = new.id;
  if v_meeting.id is null or v_meeting.status <> 'requested' then
    return null;
  end if;
  for v_staff in select * from private.meeting_staff(new.id) loop
    perform private.queue_notification(
      new.school_id, v_staff, 'meeting_requested', new.id,
      jsonb_build_object(
        'meeting', new.id, 'school', new.school_id, 'children', private.children_in_meeting(new.id),
        'parent', private.name_of(new.requested_by),
        'interpreter', (select min(mp.interpreter) from public.meeting_people mp where mp.meeting_id = new.id and mp.interpreter is not null)),
      'requested:' || new.id || ':' || v_staff);
  end loop;
  return null;
end
$$;
revoke execute on function private.notify_meeting_requested() from public;

-- A parent asks for an interpreter (or another language) for a meeting: its staff hear.
create function private.notify_interpreter_asked()
returns trigger
language plpgsql security definer set search_path = ''
as $$
declare
  v_meeting public.meetings;
  v_staff uuid;
begin
  if not private.acting_person() or new.role <> 'parent' or new.interpreter is null
    or new.interpreter is not distinct from old.interpreter then
    return null;
  end if;
  select * into v_meeting from public.meetings m where m.id = new.meeting_id;
  if v_meeting.status = 'cancelled' or v_meeting.starts_at <= now() then
    return null;
  end if;
  for v_staff in select * from private.meeting_staff(new.meeting_id) loop
    perform private.queue_notification(
      v_meeting.school_id, v_staff, 'interpreter_asked', v_meeting.id,
      private.meeting_facts(v_meeting) || jsonb_build_object(
        'children', private.children_in_meeting(v_meeting.id), 'parent', private.name_of(new.user_id), 'language', new.interpreter),
      'interpreter:' || v_meeting.id || ':' || new.user_id || ':' || v_staff || ':' || new.interpreter);
  end loop;
  return null;
end
$$;
revoke execute on function private.notify_interpreter_asked() from public;

-- A parent shares their preparation with the school: the meeting's staff hear (once).
create function private.notify_preparation_shared()
returns trigger
language plpgsql security definer set search_path = ''
as $$
declare
  v_meeting public.meetings;
  v_staff uuid;
begin
  if not private.acting_person() or new.shared_at is null or (tg_op = 'UPDATE' and old.shared_at is not null) then
    return null;
  end if;
  select * into v_meeting from public.meetings m where m.id = new.meeting_id;
  for v_staff in select * from private.meeting_staff(new.meeting_id) loop
    perform private.queue_notification(
      v_meeting.school_id, v_staff, 'preparation_shared', v_meeting.id,
      private.meeting_facts(v_meeting) || jsonb_build_object(
        'children', private.children_in_meeting(v_meeting.id), 'parent', private.name_of(new.user_id)),
      'prep:' || v_meeting.id || ':' || new.user_id || ':' || v_staff);
  end loop;
  return null;
end
$$;
revoke execute on function private.notify_preparation_shared() from public;

-- A parent gives feedback under their name: the meeting's staff hear. Anonymous feedback makes no
-- message at all: a message's time and meeting would say who wrote it.
create function private.notify_feedback_given()
returns trigger
language plpgsql security definer set search_path = ''
as $$
declare
  v_meeting public.meetings;
  v_staff uuid;
begin
  if not private.acting_person() or new.anonymous or new.role <> 'parent' then
    return null;
  end if;
  select * into v_meeting from public.meetings m where m.id = new.meeting_id;
  for v_staff in select * from private.meeting_staff(new.meeting_id) loop
    perform private.queue_notification(
      v_meeting.school_id, v_staff, 'feedback_given', v_meeting.id,
      private.meeting_facts(v_meeting) || jsonb_build_object(
        'children', private.children_in_meeting(v_meeting.id), 'parent', private.name_of(new.author_id)),
      'feedback:' || v_meeting.id || ':' || new.author_id || ':' || v_staff);
  end loop;
  return null;
end
$$;
revoke execute on function private.notify_feedback_given() from public;

-- Staff record agreements: the parents hear once per meeting and day (a burst of agreements is
-- one mail, ten minutes after the first).
create function private.notify_agreements()
returns trigger
language plpgsql security definer set search_path = ''
as $$
declare
  v_meeting public.meetings;
  v_parent uuid;
begin
  if not private.acting_person() then
    return null;
  end if;
  select * into v_meeting from public.meetings m where m.id = new.meeting_id;
  for v_parent in select * from private.meeting_parents(new.meeting_id) loop
    perform private.queue_notification(
      v_meeting.school_id, v_parent, 'agreements_recorded', v_meeting.id,
      private.meeting_facts(v_meeting) || jsonb_build_object('children', private.own_children_in_meeting(v_meeting.id, v_parent)),
      'agreements:' || v_meeting.id || ':' || v_parent || ':' || to_char(now() at time zone 'Europe/Amsterdam', 'YYYY-MM-DD'),
      now() + interval '10 minutes');
  end loop;
  return null;
end
$$;
revoke execute on function private.notify_agreements() from public;

-- A meeting round opens for a class: every parent of a pupil in it hears, with the deadline
-- (checked at commit, when the round has its slots).
create function private.notify_round_opened()
returns trigger
language plpgsql security definer set search_path = ''
as $$
declare
  v_round public.slot_rounds;
  v_class text;
  v_first timestamptz;
  v_last timestamptz;
  v_parent record;
begin
  if not private.acting_person() then
    return null;
  end if;
  select * into v_round from public.slot_rounds r where r.id = new.id;
  if v_round.id is null or v_round.deadline <= now() then
    return null;
  end if;
  select c.name into v_class from public.classes c where c.id = v_round.class_id;
  select min(s.starts_at), max(s.starts_at) into v_first, v_last from public.slots s where s.round_id = v_round.id;
  for v_parent in
    select g.parent_user_id as user_id, jsonb_agg(p.first_name order by lower(p.first_name)) as children
    from private.current_pupils p
    join public.guardian_links g on g.pupil_id = p.id
    join public.memberships m on m.user_id = g.parent_user_id and m.school_id = p.school_id and m.role = 'parent'
    where p.class_id = v_round.class_id
    group by g.parent_user_id
  loop
    perform private.queue_notification(
      v_round.school_id, v_parent.user_id, 'round_opened', v_round.id,
      jsonb_build_object(
        'round', v_round.id, 'school', v_round.school_id, 'title', v_round.title, 'deadline', v_round.deadline,
        'class', v_class, 'first', v_first, 'last', v_last, 'children', v_parent.children),
      'round_opened:' || v_round.id || ':' || v_parent.user_id, null, v_round.deadline);
  end loop;
  return null;
end
$$;
revoke execute on function private.notify_round_opened() from public;

-- A needs round of a class closes: the parents of the pupils who answered hear ("see what … chose").
create function private.notify_needs_round_closed()
returns trigger
language plpgsql security definer set search_path = ''
as $$
declare
  v_parent record;
  v_class text;
begin
  if not private.acting_person() or old.closed_at is not null or new.closed_at is null then
    return null;
  end if;
  select c.name into v_class from public.classes c where c.id = new.class_id;
  for v_parent in
    select g.parent_user_id as user_id, jsonb_agg(p.first_name order by lower(p.first_name)) as children
    from public.need_answers a
    join private.current_pupils p on p.id = a.pupil_id
    join public.guardian_links g on g.pupil_id = p.id
    join public.memberships m on m.user_id = g.parent_user_id and m.school_id = p.school_id and m.role = 'parent'
    where a.round_id = new.id
    group by g.parent_user_id
  loop
    perform private.queue_notification(
      new.school_id, v_parent.user_id, 'needs_round_closed', new.id,
      jsonb_build_object('round', new.id, 'school', new.school_id, 'class', v_class, 'goal', new.goal, 'children', v_parent.children),
      'needs_closed:' || new.id || ':' || v_parent.user_id);
  end loop;
  return null;
end
$$;
revoke execute on function private.notify_needs_round_closed() from public;

-- A request for erasure: the school's admins hear that one waits; the person hears the answer.
-- When the request is carried out, the answer keeps the address it needs (the account may go in
-- the same transaction), and the person's other waiting messages of that school go, with the
-- embedded outbox's copies of mails to them.
create function private.notify_erasure()
returns trigger
language plpgsql security definer set search_path = ''
as $$
declare
  v_admin uuid;
  v_profile public.profiles;
begin
  if not private.acting_person() then
    return null;
  end if;
  if tg_op = 'INSERT' then
    for v_admin in select m.user_id from public.memberships m where m.school_id = new.school_id and m.role = 'admin' loop
      perform private.queue_notification(
        new.school_id, v_admin, 'erasure_requested', new.id,
        jsonb_build_object('request', new.id, 'school', new.school_id),
        'erasure_requested:' || new.id || ':' || v_admin);
    end loop;
    return null;
  end if;
  if old.handled_at is not null or new.handled_at is null or old.requested_by is null then
    return null;
  end if;
  if new.outcome = 'declined' then
    perform private.queue_notification(
      new.school_id, old.requested_by, 'erasure_answered', new.id,
      jsonb_build_object('request', new.id, 'school', new.school_id, 'outcome', 'declined', 'reason', new.reason),
      'erasure_answered:' || new.id);
    return null;
  end if;
  select * into v_profile from public.profiles pf where pf.user_id = old.requested_by;
  delete from private.notifications n where n.user_id = old.requested_by and n.school_id = new.school_id;
  if to_regclass('embedded_auth.mailbox') is not null then
    execute 'delete from embedded_auth.mailbox where (user_id = $1 and (school_id = $2 or school_id is null)) or to_address = $3'
      using old.requested_by, new.school_id, coalesce(v_profile.email, '');
  end if;
  if v_profile.email is not null then
    insert into private.notifications (school_id, user_id, to_address, to_locale, kind, about, payload, dedupe)
    values (new.school_id, null, v_profile.email, v_profile.locale, 'erasure_answered', new.id,
            jsonb_build_object('request', new.id, 'school', new.school_id, 'outcome', 'erased', 'reason', new.reason),
            'erasure_answered:' || new.id)
    on conflict (dedupe) do nothing;
  end if;
  return null;
end
$$;
revoke execute on function private.notify_erasure() from public;

-- Reminders and digests due at p_now (the caller's clock): a round's deadline within two days for
-- families without a time (and for its staff, how many), the day before a meeting (with whether
-- the parent prepared it), and each staff member's digest once a day from 07:30. Each is made
-- once (dedupe); returns how many of each kind were made.
create function public.schedule_notifications(p_now timestamptz)
returns table (kind text, queued int)
language plpgsql volatile security definer set search_path = ''
as $$
declare
  v_before bigint := (select coalesce(max(n.id), 0) from private.notifications n);
  v_row record;
  v_digest bigint;
begin
  if coalesce(current_setting('role', true), 'none') in ('anon', 'authenticated') then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;

  -- A round's deadline nears: each family without a time for a child (not for a round that
  -- opened in the last day: its first mail is fresh).
  for v_row in
    select r.id as round_id, r.school_id, r.title, r.deadline, c.name as class_name, g.parent_user_id as user_id,
           jsonb_agg(p.first_name order by lower(p.first_name)) as children
    from public.slot_rounds r
    join public.classes c on c.id = r.class_id
    join private.current_pupils p on p.class_id = r.class_id
    join public.guardian_links g on g.pupil_id = p.id
    join public.memberships m on m.user_id = g.parent_user_id and m.school_id = r.school_id and m.role = 'parent'
    where r.deadline > p_now and r.deadline <= p_now + interval '48 hours' and r.created_at < p_now - interval '24 hours'
      and not exists (select 1 from public.slots s where s.round_id = r.id and s.pupil_id = p.id)
    group by r.id, r.school_id, r.title, r.deadline, c.name, g.parent_user_id
  loop
    perform private.queue_notification(
      v_row.school_id, v_row.user_id, 'round_reminder', v_row.round_id,
      jsonb_build_object('round', v_row.round_id, 'school', v_row.school_id, 'title', v_row.title, 'deadline', v_row.deadline,
                         'class', v_row.class_name, 'children', v_row.children),
      'round_reminder:' || v_row.round_id || ':' || v_row.user_id, p_now, v_row.deadline);
  end loop;

  -- …and its staff (who made it, the class's teachers): how many families have no time yet.
  for v_row in
    select r.id as round_id, r.school_id, r.title, r.deadline, c.name as class_name, u.user_id,
           (select count(*)::int from private.current_pupils p where p.class_id = r.class_id
              and not exists (select 1 from public.slots s where s.round_id = r.id and s.pupil_id = p.id)) as unbooked,
           (select count(*)::int from private.current_pupils p where p.class_id = r.class_id) as pupils
    from public.slot_rounds r
    join public.classes c on c.id = r.class_id
    join lateral (
      select r.created_by as user_id
      union select ct.user_id from public.class_teachers ct where ct.class_id = r.class_id
    ) u on u.user_id is not null
    join public.memberships m on m.user_id = u.user_id and m.school_id = r.school_id and m.role in ('admin', 'coach', 'teacher')
    where r.deadline > p_now and r.deadline <= p_now + interval '48 hours' and r.created_at < p_now - interval '24 hours'
  loop
    if v_row.unbooked > 0 then
      perform private.queue_notification(
        v_row.school_id, v_row.user_id, 'round_unbooked', v_row.round_id,
        jsonb_build_object('round', v_row.round_id, 'school', v_row.school_id, 'title', v_row.title, 'deadline', v_row.deadline,
                           'class', v_row.class_name, 'unbooked', v_row.unbooked, 'pupils', v_row.pupils),
        'round_unbooked:' || v_row.round_id || ':' || v_row.user_id, p_now, v_row.deadline);
    end if;
  end loop;

  -- The day before a meeting (within 24 hours of it, not in its last two), for each invited parent
  -- who was not just told about it.
  for v_row in
    select m.id as meeting_id, m.school_id, u.user_id
    from public.meetings m
    cross join lateral private.meeting_parents(m.id) u(user_id)
    where m.status = 'planned' and m.starts_at > p_now + interval '2 hours' and m.starts_at <= p_now + interval '24 hours'
      and not exists (
        select 1 from private.notifications n
        where n.about = m.id and n.user_id = u.user_id and n.kind in ('meeting_planned', 'meeting_changed', 'slot_booked')
          and n.created_at > p_now - interval '12 hours')
  loop
    perform private.queue_notification(
      v_row.school_id, v_row.user_id, 'meeting_reminder', v_row.meeting_id,
      private.meeting_facts(m) || jsonb_build_object(
        'children', private.own_children_in_meeting(m.id, v_row.user_id),
        'prepared', exists (select 1 from public.preparations pr where pr.meeting_id = m.id and pr.user_id = v_row.user_id and pr.shared_at is not null)),
      'meeting_reminder:' || v_row.meeting_id || ':' || v_row.user_id || ':' || m.calendar_sequence, p_now, m.starts_at)
    from public.meetings m where m.id = v_row.meeting_id;
  end loop;

  -- Each staff member's digest, once a day from 07:30 school time.
  if (p_now at time zone 'Europe/Amsterdam')::time >= '07:30' then
    for v_row in
      select n.user_id, min(n.school_id::text)::uuid as school_id from private.notifications n
      where n.status = 'held' and n.created_at <= p_now
      group by n.user_id
    loop
      insert into private.notifications (school_id, user_id, kind, payload, dedupe, due_at)
      values (v_row.school_id, v_row.user_id, 'digest',
              jsonb_build_object('items', (
                select jsonb_agg(jsonb_build_object('kind', h.kind, 'slug', (select sc.slug from public.schools sc where sc.id = h.school_id),
                                                  'about', h.about, 'payload', h.payload) order by h.id)
                from private.notifications h where h.user_id = v_row.user_id and h.status = 'held' and h.created_at <= p_now)),
              'digest:' || v_row.user_id || ':' || to_char(p_now at time zone 'Europe/Amsterdam', 'YYYY-MM-DD'), p_now)
      on conflict (dedupe) do nothing
      returning id into v_digest;
      if v_digest is not null then
        update private.notifications h set status = 'digested', digest_id = v_digest
        where h.user_id = v_row.user_id and h.status = 'held' and h.created_at <= p_now;
      end if;
    end loop;
  end if;

  return query
    select n.kind, count(*)::int from private.notifications n where n.id > v_before group by n.kind order by n.kind;
end
$$;
revoke execute on function public.schedule_notifications(timestamptz) from public, anon, authenticated;
grant execute on function public.schedule_notifications(timestamptz) to service_role;

-- The server takes the messages due at p_now, each for p_lease_seconds (a server stopped while
-- sending frees them after that); another server running the same takes other rows (skip
-- locked). Expired ones fail instead. Each comes with what rendering needs: the reader's address,
-- language and name, the school, and whether the kind is turned off by now.
create function public.claim_notifications(p_now timestamptz, p_limit int, p_lease_seconds int)
returns table (
  id bigint, kind text, user_id uuid, school_id uuid, email text, locale text, name text, school_name text, school_slug text,
  payload jsonb, attempts int, created_at timestamptz, turned_off boolean, push_names boolean, pushed boolean, devices int
)
language plpgsql volatile security definer set search_path = ''
as $$
begin
  if coalesce(current_setting('role', true), 'none') in ('anon', 'authenticated') then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  update private.notifications n set status = 'failed', last_error = coalesce(n.last_error, 'expired')
  where n.status = 'pending' and n.expires_at <= p_now;
  return query
    with taken as (
      update private.notifications n set due_at = p_now + make_interval(secs => greatest(p_lease_seconds, 10))
      where n.id in (
        select d.id from private.notifications d
        where d.status = 'pending' and d.due_at <= p_now and (d.expires_at is null or d.expires_at > p_now)
        order by d.due_at, d.id
        limit greatest(least(p_limit, 100), 1)
        for update skip locked
      )
      returning n.*
    )
    select t.id, t.kind, t.user_id, t.school_id, coalesce(pf.email, t.to_address), coalesce(pf.locale, t.to_locale, s.default_locale, 'nl'),
           pf.display_name, s.name, s.slug, t.payload, t.attempts, t.created_at,
           t.kind = any (coalesce(ns.off_kinds, '{}')) and not (t.kind = any (private.essential_kinds())),
           coalesce(ns.push_names, false), t.pushed_at is not null,
           (select count(*)::int from private.push_subscriptions ps where ps.user_id = t.user_id)
    from taken t
    left join public.profiles pf on pf.user_id = t.user_id
    left join public.schools s on s.id = t.school_id
    left join public.notification_settings ns on ns.user_id = t.user_id
    order by t.id;
end
$$;
revoke execute on function public.claim_notifications(timestamptz, int, int) from public, anon, authenticated;
grant execute on function public.claim_notifications(timestamptz, int, int) to service_role;

-- Delivered (by mail, by push or both): returns false when the message was no longer this
-- server's to mark (another took it after the lease), so the caller undoes its hand-off. The
-- answer to a request for erasure keeps no address once delivered.
create function public.notification_sent(p_id bigint, p_now timestamptz)
returns boolean
language plpgsql volatile security definer set search_path = ''
as $$
begin
  if coalesce(current_setting('role', true), 'none') in ('anon', 'authenticated') then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  delete from private.notifications n where n.id = p_id and n.status = 'pending' and n.user_id is null;
  if found then
    return true;
  end if;
  update private.notifications n set status = 'sent', sent_at = p_now, attempts = n.attempts + 1, last_error = null
  where n.id = p_id and n.status = 'pending';
  return found;
end
$$;
revoke execute on function public.notification_sent(bigint, timestamptz) from public, anon, authenticated;
grant execute on function public.notification_sent(bigint, timestamptz) to service_role;

-- Not delivered on purpose (p_reason: 'turned_off', 'unreachable'): kept as skipped, not retried.
create function public.notification_skipped(p_id bigint, p_reason text)
returns boolean
language plpgsql volatile security definer set search_path = ''
as $$
begin
  if coalesce(current_setting('role', true), 'none') in ('anon', 'authenticated') then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  update private.notifications n set status = 'skipped', last_error = p_reason, sent_at = now()
  where n.id = p_id and n.status = 'pending';
  return found;
end
$$;
revoke execute on function public.notification_skipped(bigint, text) from public, anon, authenticated;
grant execute on function public.notification_skipped(bigint, text) to service_role;

-- A try failed (p_error is one word): tried again at p_retry_at, or failed when there is none.
create function public.notification_not_sent(p_id bigint, p_error text, p_retry_at timestamptz)
returns text
language plpgsql volatile security definer set search_path = ''
as $$
declare
  v_status text;
begin
  if coalesce(current_setting('role', true), 'none') in ('anon', 'authenticated') then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  update private.notifications n
  set attempts = n.attempts + 1, last_error = p_error,
      status = case when p_retry_at is null or p_retry_at >= coalesce(n.expires_at, 'infinity'::timestamptz) then 'failed' else 'pending' end,
      due_at = coalesce(p_retry_at, n.due_at)
  where n.id = p_id and n.status = 'pending'
  returning n.status into v_status;
  return v_status;
end
$$;
revoke execute on function public.notification_not_sent(bigint, text, timestamptz) from public, anon, authenticated;
grant execute on function public.notification_not_sent(bigint, text, timestamptz) to service_role;

-- The push part is done (whatever each device said): a retry of the mail does not push again.
create function public.notification_pushed(p_id bigint)
returns void
language plpgsql volatile security definer set search_path = ''
as $$
begin
  if coalesce(current_setting('role', true), 'none') in ('anon', 'authenticated') then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  update private.notifications n set pushed_at = now() where n.id = p_id;
end
$$;
revoke execute on function public.notification_pushed(bigint) from public, anon, authenticated;
grant execute on function public.notification_pushed(bigint) to service_role;

-- A person's devices, for pushing.
create function public.push_subscriptions_of(p_user uuid)
returns table (endpoint text, p256dh text, auth text)
language plpgsql stable security definer set search_path = ''
as $$
begin
  if coalesce(current_setting('role', true), 'none') in ('anon', 'authenticated') then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  return query select ps.endpoint, ps.p256dh, ps.auth from private.push_subscriptions ps where ps.user_id = p_user order by ps.created_at;
end
$$;
revoke execute on function public.push_subscriptions_of(uuid) from public, anon, authenticated;
grant execute on function public.push_subscriptions_of(uuid) to service_role;

-- The push service said a subscription is gone (404, 410): it goes here too.
create function public.remove_push_endpoint(p_endpoint text)
returns int
language plpgsql volatile security definer set search_path = ''
as $$
declare
  v_count int;
begin
  if coalesce(current_setting('role', true), 'none') in ('anon', 'authenticated') then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  delete from private.push_subscriptions ps where ps.endpoint = p_endpoint;
  get diagnostics v_count = row_count;
  return v_count;
end
$$;
revoke execute on function public.remove_push_endpoint(text) from public, anon, authenticated;
grant execute on function public.remove_push_endpoint(text) to service_role;

-- When the next message is due (the server's timer); null: none waits.
create function public.next_notification_due()
returns timestamptz
language plpgsql stable security definer set search_path = ''
as $$
begin
  if coalesce(current_setting('role', true), 'none') in ('anon', 'authenticated') then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  return (select min(n.due_at) from private.notifications n where n.status = 'pending');
end
$$;
revoke execute on function public.next_notification_due() from public, anon, authenticated;
grant execute on function public.next_notification_due() to service_role;

-- For the admins: how many messages failed and how many wait (and since when), all schools (the
-- server shows them with the mail's own figures).
create function public.notification_trouble()
returns table (failed int, waiting int, oldest_waiting timestamptz)
language plpgsql stable security definer set search_path = ''
as $$
begin
  if coalesce(current_setting('role', true), 'none') in ('anon', 'authenticated') then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  return query
    select (count(*) filter (where n.status = 'failed'))::int,
           (count(*) filter (where n.status = 'pending' and n.attempts > 0))::int,
           min(n.created_at) filter (where n.status = 'pending' and n.attempts > 0)
    from private.notifications n;
end
$$;
revoke execute on function public.notification_trouble() from public, anon, authenticated;
grant execute on function public.notification_trouble() to service_role;

-- After the mail settings were fixed: failed messages still of use get a new round of tries.
create function public.retry_failed_notifications(p_now timestamptz)
returns int
language plpgsql volatile security definer set search_path = ''
as $$
declare
  v_count int;
begin
  if coalesce(current_setting('role', true), 'none') in ('anon', 'authenticated') then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  update private.notifications n set status = 'pending', attempts = 0, due_at = p_now, last_error = null
  where n.status = 'failed' and (n.expires_at is null or n.expires_at > p_now);
  get diagnostics v_count = row_count;
  return v_count;
end
$$;
revoke execute on function public.retry_failed_notifications(timestamptz) from public, anon, authenticated;
grant execute on function public.retry_failed_notifications(timestamptz) to service_role;

-- Retention: delivered, skipped and digested messages go after 7 days, failed ones after 30.
create function public.purge_notifications(p_now timestamptz)
returns int
language plpgsql volatile security definer set search_path = ''
as $$
declare
  v_count int;
begin
  if coalesce(current_setting('role', true), 'none') in ('anon', 'authenticated') then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  delete from private.notifications n
  where (n.status in ('sent', 'skipped') and coalesce(n.sent_at, n.created_at) < p_now - interval '7 days')
     or (n.status = 'digested' and n.created_at < p_now - interval '7 days'
         and not exists (select 1 from private.notifications d where d.id = n.digest_id and d.status in ('pending', 'held')))
     or (n.status = 'failed' and n.created_at < p_now - interval '30 days');
  get diagnostics v_count = row_count;
  return v_count;
end
$$;
revoke execute on function public.purge_notifications(timestamptz) from public, anon, authenticated;
grant execute on function public.purge_notifications(timestamptz) to service_role;

-- One-click unsubscribe (RFC 8058): the server has checked the link's signature; the kind is
-- turned off for that person (a kind a law requires stays on). Returns whether it is off now.
create function public.unsubscribe_notifications(p_user uuid, p_kind text)
returns boolean
language plpgsql volatile security definer set search_path = ''
as $$
begin
  if coalesce(current_setting('role', true), 'none') in ('anon', 'authenticated') then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  if not (p_kind = any (private.notification_kinds())) or p_kind = any (private.essential_kinds())
    or not exists (select 1 from auth.users u where u.id = p_user) then
    return false;
  end if;
  insert into public.notification_settings (user_id, off_kinds) values (p_user, array[p_kind])
  on conflict (user_id) do update
    set off_kinds = (select array(select distinct k from unnest(public.notification_settings.off_kinds || array[p_kind]) k order by k)),
        updated_at = now();
  update private.notifications n set status = 'skipped', last_error = 'turned_off', sent_at = now()
  where n.user_id = p_user and n.kind = p_kind and n.status in ('pending', 'held');
  return true;
end
$$;
revoke execute on function public.unsubscribe_notifications(uuid, text) from public, anon, authenticated;
grant execute on function public.unsubscribe_notifications(uuid, text) to service_role;

-- The caller's choices (defaults when they never chose), how many devices receive notifications
-- (and whether this browser, p_device, is one), and which kinds concern them (a parent's, a staff
-- member's, an admin's).
create function public.my_notification_settings(p_device text)
returns table (
  off_kinds text[], quiet_from text, quiet_until text, staff_digest boolean, push_names boolean, devices int,
  this_device boolean, is_parent boolean, is_staff boolean, is_admin boolean
)
language sql stable security definer set search_path = ''
as $$
  select coalesce(s.off_kinds, '{}'),
         case when s.user_id is null then '21:00' else to_char(s.quiet_from, 'HH24:MI') end,
         case when s.user_id is null then '07:00' else to_char(s.quiet_until, 'HH24:MI') end,
         coalesce(s.staff_digest, true), coalesce(s.push_names, false),
         (select count(*)::int from private.push_subscriptions ps where ps.user_id = u.id),
         exists (select 1 from private.push_subscriptions ps where ps.user_id = u.id and ps.device = p_device),
         exists (select 1 from public.memberships m where m.user_id = u.id and m.role = 'parent'),
         exists (select 1 from public.memberships m where m.user_id = u.id and m.role in ('admin', 'coach', 'teacher')),
         exists (select 1 from public.memberships m where m.user_id = u.id and m.role = 'admin')
  from (select (select auth.uid()) as id) u
  left join public.notification_settings s on s.user_id = u.id
  where u.id is not null
$$;
revoke execute on function public.my_notification_settings(text) from public, anon, authenticated;
grant execute on function public.my_notification_settings(text) to authenticated;

-- Saves the caller's choices. Times are 'HH:MM' in school time, both or neither.
create function public.save_my_notification_settings(
  p_off_kinds text[], p_quiet_from text, p_quiet_until text, p_staff_digest boolean, p_push_names boolean
)
returns timestamptz
language plpgsql volatile security definer set search_path = ''
as $$
declare
  v_me uuid := (select auth.uid());
  v_off text[];
  v_at timestamptz;
begin
  if v_me is null or not exists (select 1 from public.memberships m where m.user_id = v_me and m.role <> 'pupil') then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  if coalesce(p_quiet_from, '') !~ '^([01][0-9]|2[0-3]):[0-5][0-9]$' and p_quiet_from is not null
    or coalesce(p_quiet_until, '') !~ '^([01][0-9]|2[0-3]):[0-5][0-9]$' and p_quiet_until is not null
    or (p_quiet_from is null) <> (p_quiet_until is null) or p_quiet_from = p_quiet_until
    or not (coalesce(p_off_kinds, '{}') <@ private.notification_kinds()) or cardinality(coalesce(p_off_kinds, '{}')) > 30 then
    raise exception using errcode = 'P0001', message = 'invalid';
  end if;
  -- What a law requires cannot be turned off: asked for anyway, it simply stays on.
  v_off := array(select distinct k from unnest(coalesce(p_off_kinds, '{}')) k where not (k = any (private.essential_kinds())) order by k);
  insert into public.notification_settings (user_id, off_kinds, quiet_from, quiet_until, staff_digest, push_names, updated_at)
  values (v_me, v_off, p_quiet_from::time, p_quiet_until::time, coalesce(p_staff_digest, true), coalesce(p_push_names, false), now())
  on conflict (user_id) do update
    set off_kinds = excluded.off_kinds, quiet_from = excluded.quiet_from, quiet_until = excluded.quiet_until,
        staff_digest = excluded.staff_digest, push_names = excluded.push_names, updated_at = now()
  returning updated_at into v_at;
  -- Waiting messages of kinds now turned off are not sent; held ones go at once when the digest is off.
  update private.notifications n set status = 'skipped', last_error = 'turned_off', sent_at = now()
  where n.user_id = v_me and n.kind = any (v_off) and n.status in ('pending', 'held');
  if not coalesce(p_staff_digest, true) then
    update private.notifications n set status = 'pending', due_at = now() where n.user_id = v_me and n.status = 'held';
  end if;
  return v_at;
end
$$;
revoke execute on function public.save_my_notification_settings(text[], text, text, boolean, boolean) from public, anon, authenticated;
grant execute on function public.save_my_notification_settings(text[], text, text, boolean, boolean) to authenticated;

-- This device receives the caller's notifications (Web Push). An address already known (the same
-- browser, someone else signed in before) now belongs to the caller alone.
create function public.save_my_push_subscription(p_device text, p_endpoint text, p_p256dh text, p_auth text)
returns uuid
language plpgsql volatile security definer set search_path = ''
as $$
declare
  v_me uuid := (select auth.uid());
  v_id uuid;
begin
  if v_me is null or not exists (select 1 from public.memberships m where m.user_id = v_me and m.role <> 'pupil') then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  if (select count(*) from private.push_subscriptions ps where ps.user_id = v_me and ps.endpoint <> p_endpoint) >= 10 then
    raise exception using errcode = 'P0001', message = 'too_many_devices';
  end if;
  insert into private.push_subscriptions (user_id, device, endpoint, p256dh, auth)
  values (v_me, p_device, p_endpoint, p_p256dh, p_auth)
  on conflict (endpoint) do update
    set user_id = excluded.user_id, device = excluded.device, p256dh = excluded.p256dh, auth = excluded.auth, created_at = now()
  returning id into v_id;
  return v_id;
end
$$;
revoke execute on function public.save_my_push_subscription(text, text, text, text) from public, anon, authenticated;
grant execute on function public.save_my_push_subscription(text, text, text, text) to authenticated;

-- This device stops receiving the caller's notifications (switched off, or signing out there).
create function public.remove_my_push_device(p_device text)
returns int
language plpgsql volatile security definer set search_path = ''
as $$
declare
  v_count int;
begin
  delete from private.push_subscriptions ps where ps.user_id = (select auth.uid()) and ps.device = p_device;
  get diagnostics v_count = row_count;
  return v_count;
end
$$;
revoke execute on function public.remove_my_push_device(text) from public, anon, authenticated;
grant execute on function public.remove_my_push_device(text) to authenticated;

-- Every device of the caller stops receiving notifications.
create function public.remove_my_push_devices()
returns int
language plpgsql volatile security definer set search_path = ''
as $$
declare
  v_count int;
begin
  delete from private.push_subscriptions ps where ps.user_id = (select auth.uid());
  get diagnostics v_count = row_count;
  return v_count;
end
$$;
revoke execute on function public.remove_my_push_devices() from public, anon, authenticated;
grant execute on function public.remove_my_push_devices() to authenticated;

-- The caller opened a meeting's page: its agreements and shared preparations count as read.
create function public.mark_meeting_read(p_meeting uuid)
returns timestamptz
language plpgsql volatile security definer set search_path = ''
as $$
declare
  v_at timestamptz;
begin
  if not private.sees_meeting(p_meeting) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  insert into public.meeting_reads (user_id, meeting_id, read_at) values ((select auth.uid()), p_meeting, now())
  on conflict (user_id, meeting_id) do update set read_at = now()
  returning read_at into v_at;
  return v_at;
end
$$;
revoke execute on function public.mark_meeting_read(uuid) from public, anon, authenticated;
grant execute on function public.mark_meeting_read(uuid) to authenticated;

-- The calendar sequence of a meeting the caller sees (for its calendar file).
create function public.meeting_calendar_sequence(p_meeting uuid)
returns int
language sql stable security invoker set search_path = ''
as $$
  select m.calendar_sequence from public.meetings m where m.id = p_meeting
$$;
revoke execute on function public.meeting_calendar_sequence(uuid) from public, anon, authenticated;
grant execute on function public.meeting_calendar_sequence(uuid) to authenticated;

-- What waits for the caller, one row per item, each leading to the thing (the app builds the
-- link from `item`, `school_slug` and `ref`) and gone once it is done:
--
-- * a parent: choose_time (an open round, a child without a time), prepare (a meeting in the next
--   three weeks not shared yet), feedback (a meeting of the last two weeks without theirs),
--   agreements (recorded since they last opened the meeting);
-- * staff: requests (meetings parents asked for), preparations (shared with them since they last
--   opened the meeting), unbooked (an open round of their class: families without a time),
--   interpreters (an upcoming meeting of theirs where a parent asked for one), erasure (admins:
--   requests waiting).
--
-- Security definer, like the school views: each part filters on the caller (auth.uid(), their
-- guardian links, the classes they teach or see) and returns only counts, times and the first
-- names of the caller's own children or pupils.
create function public.my_todo()
returns table (item text, school_slug text, ref uuid, at timestamptz, names text[], count int, class_name text)
language sql stable security definer set search_path = ''
as $$
  with me as (select (select auth.uid()) as id),
  my_children as (
    select p.id, p.first_name, p.class_id, p.school_id
    from private.current_pupils p
    join public.guardian_links g on g.pupil_id = p.id and g.parent_user_id = (select id from me)
    join public.memberships m on m.user_id = g.parent_user_id and m.school_id = p.school_id and m.role = 'parent'
  ),
  my_meetings as (
    select m.* from public.meetings m
    join public.meeting_people mp on mp.meeting_id = m.id and mp.user_id = (select id from me) and mp.role = 'parent'
    where exists (select 1 from public.meeting_pupils x join my_children c on c.id = x.pupil_id where x.meeting_id = m.id)
  ),
  staff_schools as (
    select distinct m.school_id, m.role from public.memberships m where m.user_id = (select id from me) and m.role in ('admin', 'coach', 'teacher')
  ),
  my_staff_meetings as (
    select m.* from public.meetings m
    where m.school_id in (select school_id from staff_schools)
      and (exists (select 1 from public.meeting_people mp where mp.meeting_id = m.id and mp.user_id = (select id from me) and mp.role = 'staff')
           or exists (select 1 from public.meeting_pupils x join public.class_teachers ct on ct.class_id = x.class_id
                      where x.meeting_id = m.id and ct.user_id = (select id from me)))
  )
  -- Parents
  select 'choose_time', s.slug, r.id, r.deadline, array_agg(c.first_name order by lower(c.first_name)), count(*)::int, cl.name
  from public.slot_rounds r
  join my_children c on c.class_id = r.class_id
  join public.schools s on s.id = r.school_id
  join public.classes cl on cl.id = r.class_id
  where r.deadline > now() and not exists (select 1 from public.slots x where x.round_id = r.id and x.pupil_id = c.id)
  group by s.slug, r.id, r.deadline, cl.name
  union all
  select 'prepare', s.slug, m.id, m.starts_at, array(select jsonb_array_elements_text(private.own_children_in_meeting(m.id, (select id from me)))), 1, null
  from my_meetings m join public.schools s on s.id = m.school_id
  where m.status = 'planned' and m.starts_at > now() and m.starts_at < now() + interval '21 days'
    and not exists (select 1 from public.preparations pr where pr.meeting_id = m.id and pr.user_id = (select id from me) and pr.shared_at is not null)
  union all
  select 'feedback', s.slug, m.id, m.starts_at, array(select jsonb_array_elements_text(private.own_children_in_meeting(m.id, (select id from me)))), 1, null
  from my_meetings m join public.schools s on s.id = m.school_id
  where m.status = 'planned' and m.starts_at <= now() and m.starts_at > now() - interval '14 days'
    and not exists (select 1 from public.meeting_feedback f where f.meeting_id = m.id and f.author_id = (select id from me))
  union all
  select 'agreements', s.slug, m.id, m.starts_at, array(select jsonb_array_elements_text(private.own_children_in_meeting(m.id, (select id from me)))),
         (select count(*)::int from public.agreements a where a.meeting_id = m.id
            and a.created_at > coalesce((select rd.read_at from public.meeting_reads rd where rd.meeting_id = m.id and rd.user_id = (select id from me)), '-infinity')),
         null
  from my_meetings m join public.schools s on s.id = m.school_id
  where m.status = 'planned' and exists (
    select 1 from public.agreements a where a.meeting_id = m.id and a.created_at > now() - interval '60 days'
      and a.created_at > coalesce((select rd.read_at from public.meeting_reads rd where rd.meeting_id = m.id and rd.user_id = (select id from me)), '-infinity'))
  -- Staff
  union all
  select 'requests', s.slug, null, min(m.created_at), null, count(*)::int, null
  from public.meetings m join public.schools s on s.id = m.school_id
  where m.status = 'requested' and m.school_id in (select school_id from staff_schools)
    and (private.sees_all_classes(m.school_id)
         or exists (select 1 from public.meeting_pupils x where x.meeting_id = m.id and private.teaches_class(x.class_id)))
  group by s.slug
  union all
  select 'preparations', s.slug, m.id, m.starts_at, array(select jsonb_array_elements_text(private.children_in_meeting(m.id))),
         (select count(*)::int from public.preparations pr where pr.meeting_id = m.id and pr.shared_at is not null), null
  from my_staff_meetings m join public.schools s on s.id = m.school_id
  where m.status = 'planned' and m.starts_at > now() - interval '1 day'
    and exists (select 1 from public.preparations pr where pr.meeting_id = m.id and pr.shared_at is not null
                  and greatest(pr.shared_at, pr.updated_at) > coalesce((select rd.read_at from public.meeting_reads rd
                      where rd.meeting_id = m.id and rd.user_id = (select id from me)), '-infinity'))
  union all
  select 'unbooked', s.slug, r.id, r.deadline, null,
         (select count(*)::int from private.current_pupils p where p.class_id = r.class_id
            and not exists (select 1 from public.slots x where x.round_id = r.id and x.pupil_id = p.id)), cl.name
  from public.slot_rounds r join public.schools s on s.id = r.school_id join public.classes cl on cl.id = r.class_id
  where r.deadline > now() and r.school_id in (select school_id from staff_schools)
    and (r.created_by = (select id from me) or exists (select 1 from public.class_teachers ct where ct.class_id = r.class_id and ct.user_id = (select id from me)))
    and exists (select 1 from private.current_pupils p where p.class_id = r.class_id
                  and not exists (select 1 from public.slots x where x.round_id = r.id and x.pupil_id = p.id))
  union all
  select 'interpreters', s.slug, m.id, m.starts_at, array(select jsonb_array_elements_text(private.children_in_meeting(m.id))),
         (select count(*)::int from public.meeting_people mp where mp.meeting_id = m.id and mp.role = 'parent' and mp.interpreter is not null), null
  from my_staff_meetings m join public.schools s on s.id = m.school_id
  where m.status in ('planned', 'requested') and (m.starts_at is null or m.starts_at > now())
    and exists (select 1 from public.meeting_people mp where mp.meeting_id = m.id and mp.role = 'parent' and mp.interpreter is not null)
  union all
  select 'erasure', s.slug, null, min(e.requested_at), null, count(*)::int, null
  from public.erasure_requests e join public.schools s on s.id = e.school_id
  where e.handled_at is null and e.requested_by is not null
    and e.school_id in (select school_id from staff_schools where role = 'admin')
  group by s.slug
  order by 4 nulls last
$$;
revoke execute on function public.my_todo() from public, anon, authenticated;
grant execute on function public.my_todo() to authenticated;

-- ---------------------------------------------------------------------------------------
-- Triggers
-- ---------------------------------------------------------------------------------------

create trigger meetings_calendar_sequence before update on public.meetings
  for each row execute function private.raise_calendar_sequence();

create constraint trigger notify_parent_invited after insert on public.meeting_people
  deferrable initially deferred for each row execute function private.notify_parent_invited();

-- At commit: a booking's move has its new slot by then (book_slot frees the old one first).
create constraint trigger notify_meeting_changed after update on public.meetings
  deferrable initially deferred for each row execute function private.notify_meeting_changed();

create constraint trigger notify_meeting_requested after insert on public.meetings
  deferrable initially deferred for each row execute function private.notify_meeting_requested();

create trigger notify_interpreter_asked after update on public.meeting_people
  for each row execute function private.notify_interpreter_asked();

create trigger notify_preparation_shared after insert or update of shared_at on public.preparations
  for each row execute function private.notify_preparation_shared();

create trigger notify_feedback_given after insert on public.meeting_feedback
  for each row execute function private.notify_feedback_given();

create trigger notify_agreements after insert on public.agreements
  for each row execute function private.notify_agreements();

create constraint trigger notify_round_opened after insert on public.slot_rounds
  deferrable initially deferred for each row execute function private.notify_round_opened();

create trigger notify_needs_round_closed after update of closed_at on public.need_rounds
  for each row execute function private.notify_needs_round_closed();

create trigger notify_erasure after insert or update on public.erasure_requests
  for each row execute function private.notify_erasure();
