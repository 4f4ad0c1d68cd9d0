-- Class mode and sign-in: a classroom device on which the pupils of one class sign in with
-- their picture codes until the school day ends, the pupils' sessions (idle time, leaving), their
-- avatars, and the records sign-in leaves behind (events without personal data, rate limits).
-- Everything here except opening class mode is for the server only (service_role): a classroom
-- device holds no person's session, so the server checks the device token and the picture code
-- in these functions.
--
-- Layout and the rule for later changes: the opening of …_schools_people.sql.

-- ---------------------------------------------------------------------------------------
-- Tables
-- ---------------------------------------------------------------------------------------

-- A classroom device in class mode. Only a hash of the device's token is stored.
create table public.class_devices (
  id uuid primary key default gen_random_uuid(),
  school_id uuid not null references public.schools (id) on delete cascade,
  class_id uuid not null,
  token_hash text not null unique,
  opened_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  foreign key (class_id, school_id) references public.classes (id, school_id) on delete cascade
);
alter table public.class_devices enable row level security;

-- Sign-in events, without personal data: what kind, how it ended, when.
create table private.sign_in_events (
  id bigint generated always as identity primary key,
  kind text not null check (kind in ('email_code', 'magic_link', 'password', 'pupil', 'sign_out')),
  outcome text not null check (char_length(outcome) <= 40),
  at timestamptz not null default now()
);
alter table private.sign_in_events enable row level security;

-- Sign-in attempts per key: how many in the current window, and the lock that follows.
create table private.auth_limits (
  key_hash text primary key check (key_hash ~ '^[0-9a-f]{64}$'),
  events int not null default 0,
  window_started timestamptz not null default now(),
  lockouts int not null default 0,
  locked_until timestamptz,
  updated_at timestamptz not null default now()
);
alter table private.auth_limits enable row level security;

-- When a signed-in pupil last made a request. Only the server's functions read or write it.
create table private.pupil_presence (
  pupil_id uuid primary key references public.pupils (id) on delete cascade,
  last_seen_at timestamptz not null default now()
);
alter table private.pupil_presence enable row level security;

-- ---------------------------------------------------------------------------------------
-- Who may use the tables directly (everything else goes through the functions below)
-- ---------------------------------------------------------------------------------------

revoke all on public.class_devices from anon;
revoke all on private.auth_limits from anon, authenticated;
revoke all on private.pupil_presence from public, anon, authenticated;

-- ---------------------------------------------------------------------------------------
-- Indexes
-- ---------------------------------------------------------------------------------------

create index class_devices_school_idx on public.class_devices (school_id);
create index auth_limits_updated_idx on private.auth_limits (updated_at);

-- ---------------------------------------------------------------------------------------
-- Row level security policies
-- ---------------------------------------------------------------------------------------

create policy "admins, coaches and a class's teachers see its class mode devices" on public.class_devices
  for select to authenticated
  using ((select private.sees_all_classes(school_id)) or (select private.teaches_class(class_id)));

create policy "admins, coaches and a class's teachers open class mode for it" on public.class_devices
  for insert to authenticated
  with check (
    ((select private.sees_all_classes(school_id)) or (select private.teaches_class(class_id)))
    and opened_by = (select auth.uid())
  );

create policy "admins, coaches and a class's teachers close class mode for it" on public.class_devices
  for delete to authenticated
  using ((select private.sees_all_classes(school_id)) or (select private.teaches_class(class_id)));

-- ---------------------------------------------------------------------------------------
-- Functions
-- ---------------------------------------------------------------------------------------

-- When a school day ends: 18:00 in the Netherlands; after that, one hour from now.
-- Class mode devices and pupil sessions end then.
create function private.school_day_end(p_now timestamptz default now())
returns timestamptz
language sql stable set search_path = ''
as $$
  select case
    when (p_now at time zone 'Europe/Amsterdam')::time < time '17:00'
      then ((p_now at time zone 'Europe/Amsterdam')::date + time '18:00') at time zone 'Europe/Amsterdam'
    else p_now + interval '1 hour'
  end
$$;
revoke execute on function private.school_day_end(timestamptz) from public;
grant execute on function private.school_day_end(timestamptz) to authenticated, service_role;

-- Opens class mode for a class on this device; returns the device token once.
create function public.open_class_mode(p_class uuid)
returns table (device_token text, expires_at timestamptz)
language plpgsql volatile security invoker set search_path = ''
as $$
declare
  v_token text := private.random_token();
  v_school uuid;
  v_expires timestamptz := private.school_day_end();
begin
  select c.school_id into v_school from public.classes c where c.id = p_class;
  if v_school is null then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  insert into public.class_devices (school_id, class_id, token_hash, opened_by, expires_at)
  values (v_school, p_class, private.token_hash(v_token), (select auth.uid()), v_expires);
  device_token := v_token;
  expires_at := v_expires;
  return next;
end
$$;
revoke execute on function public.open_class_mode(uuid) from public, anon, authenticated;
grant execute on function public.open_class_mode(uuid) to authenticated;

create function public.close_class_device(p_device_token text)
returns void
language sql volatile security definer set search_path = ''
as $$
  delete from public.class_devices where token_hash = private.token_hash(p_device_token)
$$;
revoke execute on function public.close_class_device(text) from public, anon, authenticated;
grant execute on function public.close_class_device(text) to service_role;

-- Checks a pupil's picture code on a class mode device. Five wrong tries lock the pupil: the
-- first time for 5 minutes, the second for 15, the third until a teacher unlocks them (the
-- teacher sees it on the class page and on the class's name screen). Returns the outcome rather
-- than raising, so the attempt is recorded. Server only.
create function public.pupil_sign_in(p_device_token text, p_pupil uuid, p_code text)
returns table (
  status text, pupil_user_id uuid, first_name text, attempts_left int, locked_until timestamptz,
  session_ends_at timestamptz
)
language plpgsql volatile security definer set search_path = ''
as $$
declare
  v_class uuid;
  v_pupil public.pupils;
  v_code private.pupil_codes;
  v_lock interval;
begin
  select d.class_id into v_class from public.class_devices d
  where d.token_hash = private.token_hash(p_device_token) and d.expires_at > now();
  if v_class is null then
    status := 'class_mode_closed';
    return next;
    return;
  end if;
  select * into v_pupil from public.pupils p where p.id = p_pupil and p.class_id = v_class;
  if v_pupil.id is null then
    status := 'unknown_pupil';
    return next;
    return;
  end if;
  first_name := v_pupil.first_name;
  select * into v_code from private.pupil_codes c where c.pupil_id = v_pupil.id for update;
  if v_code.pupil_id is null then
    status := 'no_code';
    return next;
    return;
  end if;
  if v_code.needs_teacher then
    status := 'needs_teacher';
    return next;
    return;
  end if;
  if v_code.locked_until is not null and v_code.locked_until > now() then
    status := 'locked';
    locked_until := v_code.locked_until;
    return next;
    return;
  end if;
  if v_code.code_hash = private.picture_code_hash(v_pupil.id, p_code) then
    update private.pupil_codes
    set failed_attempts = 0, locked_until = null, lockouts = 0, updated_at = now()
    where pupil_id = v_pupil.id;
    status := 'ok';
    pupil_user_id := v_pupil.user_id;
    session_ends_at := private.school_day_end();
    return next;
    return;
  end if;
  if v_code.failed_attempts + 1 >= 5 then
    if v_code.lockouts + 1 >= 3 then
      update private.pupil_codes
      set failed_attempts = 0, locked_until = null, lockouts = v_code.lockouts + 1, needs_teacher = true, updated_at = now()
      where pupil_id = v_pupil.id;
      status := 'needs_teacher';
    else
      v_lock := case when v_code.lockouts = 0 then interval '5 minutes' else interval '15 minutes' end;
      update private.pupil_codes
      set failed_attempts = 0, locked_until = now() + v_lock, lockouts = v_code.lockouts + 1, updated_at = now()
      where pupil_id = v_pupil.id;
      status := 'locked';
      locked_until := now() + v_lock;
    end if;
  else
    update private.pupil_codes
    set failed_attempts = v_code.failed_attempts + 1, updated_at = now()
    where pupil_id = v_pupil.id;
    status := 'wrong_code';
    attempts_left := 5 - (v_code.failed_attempts + 1);
  end if;
  return next;
end
$$;
revoke execute on function public.pupil_sign_in(text, uuid, text) from public, anon, authenticated;
grant execute on function public.pupil_sign_in(text, uuid, text) to service_role;

-- Records the sign-in identity the server created for a pupil, and their pupil membership.
-- Server only.
create function public.link_pupil_user(p_pupil uuid, p_user uuid)
returns void
language sql volatile security definer set search_path = ''
as $$
  update public.pupils set user_id = p_user where id = p_pupil and user_id is null;
  insert into public.memberships (school_id, user_id, role)
  select p.school_id, p_user, 'pupil' from public.pupils p where p.id = p_pupil
  on conflict do nothing;
$$;
revoke execute on function public.link_pupil_user(uuid, uuid) from public, anon, authenticated;
grant execute on function public.link_pupil_user(uuid, uuid) to service_role;

-- Server only.
create function public.record_sign_in_event(p_kind text, p_outcome text)
returns void
language sql volatile security definer set search_path = ''
as $$
  insert into private.sign_in_events (kind, outcome) values (p_kind, p_outcome)
$$;
revoke execute on function public.record_sign_in_event(text, text) from public, anon, authenticated;
grant execute on function public.record_sign_in_event(text, text) to service_role;

-- The class on a device, now with each pupil's picture. Server only.
create function public.class_device_roster(p_device_token text)
returns table (
  class_id uuid, class_name text, school_slug text, school_name text, pupils jsonb,
  expires_at timestamptz
)
language sql stable security definer set search_path = ''
as $$
  select c.id, c.name, s.slug, s.name,
         coalesce((
           select jsonb_agg(jsonb_build_object(
             'pupil_id', p.id, 'first_name', p.first_name, 'avatar', p.avatar,
             'needs_teacher', coalesce(pc.needs_teacher or pc.locked_until > now(), false)
           ) order by lower(p.first_name))
           from private.current_pupils p
           left join private.pupil_codes pc on pc.pupil_id = p.id
           where p.class_id = c.id
         ), '[]'::jsonb),
         d.expires_at
  from public.class_devices d
  join public.classes c on c.id = d.class_id
  join public.schools s on s.id = d.school_id
  where d.token_hash = private.token_hash(p_device_token) and d.expires_at > now()
$$;
revoke execute on function public.class_device_roster(text) from public, anon, authenticated;
grant execute on function public.class_device_roster(text) to service_role;

-- Until when the first of these keys is locked (null: none is).
create function public.auth_limit_state(p_keys text[])
returns timestamptz
language sql stable security definer set search_path = ''
as $$
  select max(l.locked_until) from private.auth_limits l
  where l.key_hash = any (p_keys) and l.locked_until > now()
$$;
revoke execute on function public.auth_limit_state(text[]) from public, anon, authenticated;
grant execute on function public.auth_limit_state(text[]) to service_role;

-- Counts one event for a key; when that makes p_limit events within p_window_seconds, the key is
-- locked for p_lock_seconds, doubled for every lock since the last success, at most
-- p_max_lock_seconds. Returns the lock's end, or null.
create function public.auth_limit_hit(
  p_key text, p_limit int, p_window_seconds int, p_lock_seconds int, p_max_lock_seconds int
)
returns timestamptz
language plpgsql volatile security definer set search_path = ''
as $$
declare
  v_row private.auth_limits;
  v_lock interval;
begin
  insert into private.auth_limits as l (key_hash, events, window_started)
  values (p_key, 0, now())
  on conflict (key_hash) do update set updated_at = now()
  returning * into v_row;
  if v_row.window_started < now() - make_interval(secs => p_window_seconds) then
    v_row.events := 0;
    v_row.window_started := now();
  end if;
  v_row.events := v_row.events + 1;
  if v_row.events >= p_limit then
    v_lock := least(
      make_interval(secs => p_lock_seconds) * power(2, least(v_row.lockouts, 16)),
      make_interval(secs => p_max_lock_seconds)
    );
    update private.auth_limits
    set events = 0, window_started = now(), lockouts = v_row.lockouts + 1, locked_until = now() + v_lock, updated_at = now()
    where key_hash = p_key;
    return now() + v_lock;
  end if;
  update private.auth_limits
  set events = v_row.events, window_started = v_row.window_started, updated_at = now()
  where key_hash = p_key;
  return null;
end
$$;
revoke execute on function public.auth_limit_hit(text, int, int, int, int) from public, anon, authenticated;
grant execute on function public.auth_limit_hit(text, int, int, int, int) to service_role;

-- A success: the key starts afresh.
create function public.auth_limit_clear(p_keys text[])
returns void
language sql volatile security definer set search_path = ''
as $$
  delete from private.auth_limits where key_hash = any (p_keys)
$$;
revoke execute on function public.auth_limit_clear(text[]) from public, anon, authenticated;
grant execute on function public.auth_limit_clear(text[]) to service_role;

-- A pupil's picture: the pupil chooses it the first time; afterwards only staff who see the
-- class change it. Security definer: a pupil may not update their own pupil row otherwise.
create function public.set_pupil_avatar(p_pupil uuid, p_avatar text)
returns text
language plpgsql volatile security definer set search_path = ''
as $$
declare
  v_pupil public.pupils;
  v_teacher boolean;
begin
  select * into v_pupil from public.pupils p where p.id = p_pupil for update;
  if v_pupil.id is null then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  v_teacher := private.can_see_class_pupils(v_pupil.class_id);
  if not (v_teacher or (private.is_pupil_self(p_pupil) and v_pupil.avatar is null)) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  if p_avatar is not null and not (p_avatar = any (private.avatar_ids())) then
    raise exception using errcode = 'P0001', message = 'invalid';
  end if;
  if not v_teacher and exists (
    select 1 from private.current_pupils o
    where o.class_id = v_pupil.class_id and o.id <> v_pupil.id and o.avatar = p_avatar
  ) then
    raise exception using errcode = 'P0001', message = 'avatar_taken';
  end if;
  update public.pupils set avatar = p_avatar where id = p_pupil;
  return p_avatar;
end
$$;
revoke execute on function public.set_pupil_avatar(uuid, text) from public, anon, authenticated;
grant execute on function public.set_pupil_avatar(uuid, text) to authenticated;

-- The language of my board (labels and speech); null follows the school's.
create function public.set_my_board_locale(p_locale public.locale_code)
returns text
language plpgsql volatile security definer set search_path = ''
as $$
declare
  v_pupil uuid;
begin
  update public.pupils p set board_locale = p_locale
  where p.user_id is not null and p.user_id = (select auth.uid())
  returning p.id into v_pupil;
  if v_pupil is null then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  return p_locale;
end
$$;
revoke execute on function public.set_my_board_locale(public.locale_code) from public, anon, authenticated;
grant execute on function public.set_my_board_locale(public.locale_code) to authenticated;

-- The lists a class works with leave out pupils who left.
create function public.class_pupils(p_class uuid)
returns table (pupil_id uuid, first_name text, has_signed_in boolean, avatar text)
language sql stable security invoker set search_path = ''
as $$
  select p.id, p.first_name, p.user_id is not null, p.avatar
  from private.current_pupils p
  where p.class_id = p_class
  order by lower(p.first_name)
$$;
revoke execute on function public.class_pupils(uuid) from public, anon, authenticated;
grant execute on function public.class_pupils(uuid) to authenticated;

create function public.my_pupil()
returns table (
  pupil_id uuid, first_name text, avatar text, board_locale text, class_id uuid, class_name text,
  school_id uuid, school_slug text, school_name text, school_locale text
)
language sql stable security invoker set search_path = ''
as $$
  select p.id, p.first_name, p.avatar, p.board_locale, c.id, c.name, s.id, s.slug, s.name, s.default_locale
  from public.pupils p
  join public.classes c on c.id = p.class_id
  join public.schools s on s.id = p.school_id
  where p.user_id = (select auth.uid())
$$;
revoke execute on function public.my_pupil() from public, anon, authenticated;
grant execute on function public.my_pupil() to authenticated;

-- A pupil signed in with the right pictures: their idle clock starts. Server only.
create function public.pupil_session_started(p_pupil uuid)
returns void
language sql volatile security definer set search_path = ''
as $$
  insert into private.pupil_presence (pupil_id, last_seen_at)
  select p.id, now() from private.current_pupils p where p.id = p_pupil
  on conflict (pupil_id) do update set last_seen_at = excluded.last_seen_at
$$;
revoke execute on function public.pupil_session_started(uuid) from public, anon, authenticated;
grant execute on function public.pupil_session_started(uuid) to service_role;

-- Whether the signed-in pupil (their auth user) may go on: in the school, and their last request
-- no longer ago than the school's idle limit. Yes moves the clock on; no ends the presence, and
-- the server ends the session. Server only.
create function public.pupil_session_alive(p_user uuid)
returns boolean
language plpgsql volatile security definer set search_path = ''
as $$
declare
  v_pupil public.pupils;
  v_minutes int;
begin
  select * into v_pupil from public.pupils p where p.user_id = p_user;
  if v_pupil.id is null then
    return false;
  end if;
  select s.pupil_idle_minutes into v_minutes from public.schools s where s.id = v_pupil.school_id;
  update private.pupil_presence pp set last_seen_at = now()
  where pp.pupil_id = v_pupil.id
    and exists (select 1 from private.current_pupils c where c.id = v_pupil.id)
    and pp.last_seen_at > now() - make_interval(mins => v_minutes);
  if found then
    return true;
  end if;
  delete from private.pupil_presence pp where pp.pupil_id = v_pupil.id;
  return false;
end
$$;
revoke execute on function public.pupil_session_alive(uuid) from public, anon, authenticated;
grant execute on function public.pupil_session_alive(uuid) to service_role;

-- The school's idle limit for pupil sessions, set by its admins (the update policy: another
-- school's admin, other staff, parents and pupils update nothing, and no row comes back).
create function public.update_pupil_idle_minutes(p_school uuid, p_minutes int)
returns setof public.schools
language sql volatile security invoker set search_path = ''
as $$
  update public.schools set pupil_idle_minutes = p_minutes where id = p_school returning *
$$;
revoke execute on function public.update_pupil_idle_minutes(uuid, int) from public, anon, authenticated;
grant execute on function public.update_pupil_idle_minutes(uuid, int) to authenticated;
