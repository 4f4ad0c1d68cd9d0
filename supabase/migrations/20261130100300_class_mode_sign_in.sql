-- Class mode and sign-in: a classroom device on which the pupils of one class sign in with
-- their picture codes until the school day ends, and the records sign-in leaves behind
-- (events without personal data, failed-attempt counters). Everything here except opening
-- class mode is for the server only (service_role): a classroom device holds no person's
-- session, so the server checks the device token and the picture code in these functions.

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
create index class_devices_school_idx on public.class_devices (school_id);

-- Sign-in events, without personal data: what kind, how it ended, when.
create table private.sign_in_events (
  id bigint generated always as identity primary key,
  kind text not null check (kind in ('email_code', 'magic_link', 'password', 'pupil', 'sign_out')),
  outcome text not null check (char_length(outcome) <= 40),
  at timestamptz not null default now()
);

-- Failed e-mail code verifications per address (hashed), for the Supabase adapter, whose
-- Auth service has no per-code attempt limit of its own.
create table private.auth_throttle (
  key_hash text primary key,
  failures int not null default 0,
  locked_until timestamptz,
  updated_at timestamptz not null default now()
);

alter table public.class_devices enable row level security;
alter table private.sign_in_events enable row level security;
alter table private.auth_throttle enable row level security;
revoke all on public.class_devices from anon;
revoke all on private.sign_in_events, private.auth_throttle from anon, authenticated;

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

-- ---------------------------------------------------------------------------------------
-- Policies
-- ---------------------------------------------------------------------------------------

create policy "staff see their school's class mode devices" on public.class_devices
  for select to authenticated using ((select private.is_school_staff(school_id)));
create policy "staff open class mode for a class of their school" on public.class_devices
  for insert to authenticated
  with check ((select private.is_school_staff(school_id)) and opened_by = (select auth.uid()));
create policy "staff close class mode in their school" on public.class_devices
  for delete to authenticated using ((select private.is_school_staff(school_id)));

-- ---------------------------------------------------------------------------------------
-- API
-- ---------------------------------------------------------------------------------------

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

-- The class on a device: its pupils' first names, to tap. Server only.
create function public.class_device_roster(p_device_token text)
returns table (
  class_id uuid, class_name text, school_slug text, school_name text, pupils jsonb,
  expires_at timestamptz
)
language sql stable security definer set search_path = ''
as $$
  select c.id, c.name, s.slug, s.name,
         coalesce((
           select jsonb_agg(jsonb_build_object('pupil_id', p.id, 'first_name', p.first_name) order by lower(p.first_name))
           from public.pupils p where p.class_id = c.id
         ), '[]'::jsonb),
         d.expires_at
  from public.class_devices d
  join public.classes c on c.id = d.class_id
  join public.schools s on s.id = d.school_id
  where d.token_hash = private.token_hash(p_device_token) and d.expires_at > now()
$$;
revoke execute on function public.class_device_roster(text) from public, anon, authenticated;
grant execute on function public.class_device_roster(text) to service_role;

create function public.close_class_device(p_device_token text)
returns void
language sql volatile security definer set search_path = ''
as $$
  delete from public.class_devices where token_hash = private.token_hash(p_device_token)
$$;
revoke execute on function public.close_class_device(text) from public, anon, authenticated;
grant execute on function public.close_class_device(text) to service_role;

-- Checks a pupil's picture code on a class mode device. Five wrong tries lock the pupil
-- for five minutes. Returns the outcome rather than raising, so the attempt is recorded.
-- Server only.
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
  if v_code.locked_until is not null and v_code.locked_until > now() then
    status := 'locked';
    locked_until := v_code.locked_until;
    return next;
    return;
  end if;
  if v_code.code_hash = private.picture_code_hash(v_pupil.id, p_code) then
    update private.pupil_codes set failed_attempts = 0, locked_until = null, updated_at = now()
    where pupil_id = v_pupil.id;
    status := 'ok';
    pupil_user_id := v_pupil.user_id;
    session_ends_at := private.school_day_end();
    return next;
    return;
  end if;
  if v_code.failed_attempts + 1 >= 5 then
    update private.pupil_codes
    set failed_attempts = 0, locked_until = now() + interval '5 minutes', updated_at = now()
    where pupil_id = v_pupil.id;
    status := 'locked';
    locked_until := now() + interval '5 minutes';
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

-- Failed e-mail code checks per address hash (Supabase mode): five failures lock until a new
-- code is requested. Server only.
create function public.auth_throttle_check(p_key text)
returns boolean
language sql stable security definer set search_path = ''
as $$
  select coalesce((select t.failures < 5 from private.auth_throttle t where t.key_hash = p_key), true)
$$;
revoke execute on function public.auth_throttle_check(text) from public, anon, authenticated;
grant execute on function public.auth_throttle_check(text) to service_role;

create function public.auth_throttle_fail(p_key text)
returns int
language sql volatile security definer set search_path = ''
as $$
  insert into private.auth_throttle (key_hash, failures) values (p_key, 1)
  on conflict (key_hash) do update set failures = private.auth_throttle.failures + 1, updated_at = now()
  returning failures
$$;
revoke execute on function public.auth_throttle_fail(text) from public, anon, authenticated;
grant execute on function public.auth_throttle_fail(text) to service_role;

create function public.auth_throttle_reset(p_key text)
returns void
language sql volatile security definer set search_path = ''
as $$
  delete from private.auth_throttle where key_hash = p_key
$$;
revoke execute on function public.auth_throttle_reset(text) from public, anon, authenticated;
grant execute on function public.auth_throttle_reset(text) to service_role;
