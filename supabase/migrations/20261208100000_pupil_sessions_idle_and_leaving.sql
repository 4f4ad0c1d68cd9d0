-- Pupil sessions end when the child walks away (issue 18, M5 and L2).
--
-- A pupil's session on a class device used to last until the end of the school day: a child who
-- walked away without "Klaar" left their board to the next child. Now a session also ends after a
-- few minutes without a request: the school's `pupil_idle_minutes` (2–15, default 5). The server
-- asks `pupil_session_alive` on every request of a signed-in pupil (both auth adapters); it says
-- no, and the session is ended, when the pupil was idle too long, has left the school, or never
-- started a session through class mode. `pupil_session_started` is called when the picture code
-- was right.
--
-- A pupil marked as left loses every session at once (their presence goes, and with it every
-- request's answer; the sessions' rows go too where this database keeps them), no longer counts
-- as themselves in any policy, and what was planned for them is undone: their future booking in
-- a meeting round is released (the time is free for another child), a planned meeting about them
-- alone is cancelled, and from a group meeting they are taken out (with their parents, unless
-- another of their children is in it). The parents of a pupil who left no longer see the class
-- (its rounds with "choose a time", its pages): `can_see_class` counts only pupils in it.

-- Tables ---------------------------------------------------------------------------------

alter table public.schools
  add column pupil_idle_minutes int not null default 5 check (pupil_idle_minutes between 2 and 15);

-- When a signed-in pupil last made a request. Only the server's functions read or write it.
create table private.pupil_presence (
  pupil_id uuid primary key references public.pupils (id) on delete cascade,
  last_seen_at timestamptz not null default now()
);
alter table private.pupil_presence enable row level security;
revoke all on private.pupil_presence from public, anon, authenticated;

-- Functions ------------------------------------------------------------------------------

-- A pupil signed in with the right pictures: their idle clock starts. Server only.
create function public.pupil_session_started(p_pupil uuid)
returns void
language sql volatile security definer set search_path = ''
as $$
  insert into private.pupil_presence (pupil_id, last_seen_at)
  select p.id, now() from public.pupils p where p.id = p_pupil and p.left_at is null
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
    and v_pupil.left_at is null
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

-- Policy helpers: a pupil who left is nobody's pupil in the class, and not themselves either.
create or replace function private.is_pupil_self(p_pupil uuid)
returns boolean
language sql stable security definer set search_path = ''
as $$
  select exists (
    select 1 from public.pupils p
    where p.id = p_pupil and p.user_id is not null and p.user_id = (select auth.uid()) and p.left_at is null
  )
$$;

create or replace function private.my_pupil_row()
returns public.pupils
language sql stable security definer set search_path = ''
as $$
  select p.* from public.pupils p
  where p.user_id is not null and p.user_id = (select auth.uid()) and p.left_at is null
$$;

create or replace function private.can_see_class(p_class uuid)
returns boolean
language sql stable security definer set search_path = ''
as $$
  select private.can_see_class_pupils(p_class) or exists (
    select 1 from public.pupils p
    where p.class_id = p_class and p.left_at is null and private.is_guardian_of(p.id)
  ) or exists (
    select 1 from public.pupils p
    where p.class_id = p_class and p.left_at is null and p.user_id = (select auth.uid())
  )
$$;

-- Marking a pupil as left (from …_leaving_and_erasure_requests.sql, with every behaviour it had):
-- now also ends their sessions and undoes what was planned for them (see the top of this file).
create or replace function public.set_pupil_left(p_pupil uuid, p_left boolean)
returns timestamptz
language plpgsql volatile security definer set search_path = ''
as $$
declare
  v_pupil public.pupils;
  v_months int;
begin
  select * into v_pupil from public.pupils p where p.id = p_pupil;
  if v_pupil.id is null or not private.is_school_admin(v_pupil.school_id) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  if not p_left then
    if exists (
      select 1 from public.pupils p
      where p.class_id = v_pupil.class_id and p.id <> p_pupil and p.left_at is null
        and lower(btrim(p.first_name)) = lower(btrim(v_pupil.first_name))
    ) then
      raise exception using errcode = 'P0001', message = 'duplicate_pupil_name', detail = v_pupil.first_name;
    end if;
    update public.pupils p set left_at = null where p.id = p_pupil;
    return null;
  end if;
  update public.pupils p set left_at = coalesce(p.left_at, now()) where p.id = p_pupil
  returning p.left_at into v_pupil.left_at;
  delete from private.pupil_codes c where c.pupil_id = p_pupil;

  -- Every session ends at once: the server's next question finds no presence.
  delete from private.pupil_presence pp where pp.pupil_id = p_pupil;
  if v_pupil.user_id is not null then
    -- (Where the auth service keeps them out of reach, the presence alone ends them.)
    begin
      -- The schema is named at run time: one of the two does not exist in each mode (and a
      -- static name would be checked, and refused, by plpgsql_check where it is missing).
      if to_regclass('embedded_auth.sessions') is not null then
        execute format('delete from %I.sessions where user_id = $1', 'embedded_auth') using v_pupil.user_id;
      end if;
      if to_regclass('auth.sessions') is not null then
        execute format('delete from %I.sessions where user_id = $1', 'auth') using v_pupil.user_id;
      end if;
    exception when insufficient_privilege then
      null;
    end;
  end if;

  -- Their future times in meeting rounds are free again; the meeting each booking made goes.
  update public.meetings m set status = 'cancelled'
  where m.id in (
    select s.meeting_id from public.slots s
    where s.pupil_id = p_pupil and s.starts_at > now() and s.meeting_id is not null
  );
  update public.slots s set pupil_id = null, booked_by = null, meeting_id = null
  where s.pupil_id = p_pupil and s.starts_at > now();

  -- Meetings still to come: about them alone, cancelled; a group meeting goes on without them
  -- (and without their parents, unless another of their children is in it).
  update public.meetings m set status = 'cancelled'
  where m.status in ('planned', 'requested') and (m.starts_at is null or m.starts_at > now())
    and exists (select 1 from public.meeting_pupils mp where mp.meeting_id = m.id and mp.pupil_id = p_pupil)
    and not exists (select 1 from public.meeting_pupils mp where mp.meeting_id = m.id and mp.pupil_id <> p_pupil);
  delete from public.meeting_people mpe
  using public.meetings m
  where m.id = mpe.meeting_id and mpe.role = 'parent'
    and m.status in ('planned', 'requested') and (m.starts_at is null or m.starts_at > now())
    and exists (select 1 from public.meeting_pupils mp where mp.meeting_id = m.id and mp.pupil_id = p_pupil)
    and exists (select 1 from public.meeting_pupils mp where mp.meeting_id = m.id and mp.pupil_id <> p_pupil)
    and exists (select 1 from public.guardian_links g where g.pupil_id = p_pupil and g.parent_user_id = mpe.user_id)
    and not exists (
      select 1 from public.meeting_pupils mp join public.guardian_links g on g.pupil_id = mp.pupil_id
      where mp.meeting_id = m.id and mp.pupil_id <> p_pupil and g.parent_user_id = mpe.user_id
    );
  delete from public.meeting_pupils mp
  using public.meetings m
  where m.id = mp.meeting_id and mp.pupil_id = p_pupil
    and m.status in ('planned', 'requested') and (m.starts_at is null or m.starts_at > now())
    and exists (select 1 from public.meeting_pupils o where o.meeting_id = m.id and o.pupil_id <> p_pupil);

  select s.retention_months into v_months from public.schools s where s.id = v_pupil.school_id;
  return v_pupil.left_at + make_interval(months => v_months);
end
$$;
