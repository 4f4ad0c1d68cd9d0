-- Class mode and sign-in: limits on signing in that slow an attacker down without shutting a
-- person out. One counter per key (a hash of what is limited: an address, a client's network
-- address, per kind of attempt; never the address itself): so many events in a window, then a
-- lock for a while, each lock twice as long as the last up to a ceiling. Locks pass; a success
-- clears the counter. The app names the limits; this only counts. Server only.

drop function public.auth_throttle_check(text);
drop function public.auth_throttle_fail(text);
drop function public.auth_throttle_reset(text);
drop table private.auth_throttle;

-- Sign-in attempts per key: how many in the current window, and the lock that follows.
create table private.auth_limits (
  key_hash text primary key check (key_hash ~ '^[0-9a-f]{64}$'),
  events int not null default 0,
  window_started timestamptz not null default now(),
  lockouts int not null default 0,
  locked_until timestamptz,
  updated_at timestamptz not null default now()
);
create index auth_limits_updated_idx on private.auth_limits (updated_at);
alter table private.auth_limits enable row level security;
revoke all on private.auth_limits from anon, authenticated;

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
