-- Platform: the functions the app calls (`db.rpc(name, args)`). They run as the caller
-- (`security invoker`), so the policies decide, unless a comment says why not. Errors the
-- app shows a person are raised with a stable message key (`invitation_expired`), mapped to a
-- sentence in the person's language by the app.

-- ---------------------------------------------------------------------------------------
-- Codes and hashes
-- ---------------------------------------------------------------------------------------

-- The nine pictures a picture code is made of (ids; the app draws and names them).
create function private.picture_ids()
returns text[]
language sql immutable set search_path = ''
as $$
  select array['apple', 'bike', 'cat', 'sun', 'tree', 'fish', 'star', 'house', 'ball']
$$;

-- Random bytes from the server's strong random source (gen_random_uuid is v4: bytes 0–5 and
-- 9–15 are random; 6 and 8 carry version bits and are skipped).
create function private.random_bytes()
returns int[]
language sql volatile set search_path = ''
as $$
  select array_agg(get_byte(b, i) order by i)
  from (select uuid_send(gen_random_uuid()) as b) u,
       unnest(array[0, 1, 2, 3, 4, 5, 9, 10, 11, 12, 13, 14, 15]) as i
$$;

create function private.random_picture_code()
returns text
language sql volatile set search_path = ''
as $$
  select string_agg((private.picture_ids())[1 + ((r[k * 2 + 1] * 256 + r[k * 2 + 2]) % 9)], '-' order by k)
  from (select private.random_bytes() as r) x, generate_series(0, 2) as k
$$;

create function private.picture_code_hash(p_pupil uuid, p_code text)
returns text
language sql immutable set search_path = ''
as $$
  select encode(sha256(convert_to(p_pupil::text || ':' || lower(p_code), 'UTF8')), 'hex')
$$;

-- An invitation code: ten characters of Crockford base32 (no I, L, O, U), 50 random bits.
create function private.random_invitation_code()
returns text
language sql volatile set search_path = ''
as $$
  select string_agg(substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', 1 + (r[i] & 31), 1), '' order by i)
  from (select private.random_bytes() as r) x, generate_series(1, 10) as i
$$;

-- What a person may type for a code: lower case, spaces, dashes, O for 0, I or L for 1.
create function private.normalize_invitation_code(p_code text)
returns text
language sql immutable set search_path = ''
as $$
  select translate(upper(regexp_replace(coalesce(p_code, ''), '[^0-9A-Za-z]', '', 'g')), 'OIL', '011')
$$;

create function private.invitation_code_hash(p_code text)
returns text
language sql immutable set search_path = ''
as $$
  select encode(sha256(convert_to(private.normalize_invitation_code(p_code), 'UTF8')), 'hex')
$$;

create function private.random_token()
returns text
language sql volatile set search_path = ''
as $$
  select replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '')
$$;

create function private.token_hash(p_token text)
returns text
language sql immutable set search_path = ''
as $$
  select encode(sha256(convert_to(coalesce(p_token, ''), 'UTF8')), 'hex')
$$;

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

revoke execute on all functions in schema private from public;
grant execute on function private.school_day_end(timestamptz), private.token_hash(text),
  private.random_token(), private.random_invitation_code(), private.invitation_code_hash(text),
  private.normalize_invitation_code(text), private.random_bytes()
  to authenticated, service_role;

-- ---------------------------------------------------------------------------------------
-- Public facts
-- ---------------------------------------------------------------------------------------

create function public.school_by_slug(p_slug text)
returns setof public.schools
language sql stable security invoker set search_path = ''
as $$
  select * from public.schools where slug = lower(p_slug)
$$;

-- ---------------------------------------------------------------------------------------
-- The signed-in person
-- ---------------------------------------------------------------------------------------

-- Every school the caller belongs to, with their roles there.
create function public.my_memberships()
returns table (school_id uuid, school_slug text, school_name text, role public.school_role)
language sql stable security invoker set search_path = ''
as $$
  select s.id, s.slug, s.name, m.role
  from public.memberships m
  join public.schools s on s.id = m.school_id
  where m.user_id = (select auth.uid())
  order by s.name, m.role
$$;

create function public.my_profile()
returns setof public.profiles
language sql stable security invoker set search_path = ''
as $$
  select * from public.profiles where user_id = (select auth.uid())
$$;

create function public.update_my_profile(p_display_name text, p_locale text)
returns setof public.profiles
language sql volatile security invoker set search_path = ''
as $$
  insert into public.profiles (user_id, display_name, email, locale)
  values ((select auth.uid()), btrim(p_display_name), (select auth.email()), p_locale)
  on conflict (user_id) do update
    set display_name = excluded.display_name, locale = excluded.locale, updated_at = now()
  returning *
$$;

-- A parent's children, across every class and school.
create function public.my_children()
returns table (
  pupil_id uuid, first_name text, class_id uuid, class_name text, school_year text,
  school_id uuid, school_slug text, school_name text
)
language sql stable security invoker set search_path = ''
as $$
  select p.id, p.first_name, c.id, c.name, c.school_year, s.id, s.slug, s.name
  from public.guardian_links g
  join public.pupils p on p.id = g.pupil_id
  join public.classes c on c.id = p.class_id
  join public.schools s on s.id = p.school_id
  where g.parent_user_id = (select auth.uid())
  order by s.name, p.first_name
$$;

-- The signed-in pupil: their first name, class and school.
create function public.my_pupil()
returns table (
  pupil_id uuid, first_name text, class_id uuid, class_name text, school_id uuid,
  school_slug text, school_name text
)
language sql stable security invoker set search_path = ''
as $$
  select p.id, p.first_name, c.id, c.name, s.id, s.slug, s.name
  from public.pupils p
  join public.classes c on c.id = p.class_id
  join public.schools s on s.id = p.school_id
  where p.user_id = (select auth.uid())
$$;

-- ---------------------------------------------------------------------------------------
-- School administration
-- ---------------------------------------------------------------------------------------

create function public.update_school(
  p_school uuid, p_name text, p_contact_name text, p_contact_email text,
  p_contact_phone text, p_default_locale text
)
returns setof public.schools
language sql volatile security invoker set search_path = ''
as $$
  update public.schools
  set name = btrim(p_name),
      contact_name = nullif(btrim(p_contact_name), ''),
      contact_email = nullif(btrim(p_contact_email), ''),
      contact_phone = nullif(btrim(p_contact_phone), ''),
      default_locale = p_default_locale
  where id = p_school
  returning *
$$;

create function public.set_school_logo(p_school uuid, p_logo_path text)
returns setof public.schools
language sql volatile security invoker set search_path = ''
as $$
  update public.schools set logo_path = p_logo_path where id = p_school returning *
$$;

-- Classes of a school, with how many pupils each has.
create function public.school_classes(p_school uuid)
returns table (class_id uuid, name text, school_year text, pupil_count int)
language sql stable security invoker set search_path = ''
as $$
  select c.id, c.name, c.school_year,
         (select count(*)::int from public.pupils p where p.class_id = c.id)
  from public.classes c
  where c.school_id = p_school
  order by c.school_year desc, c.name
$$;

create function public.create_class(p_school uuid, p_name text, p_school_year text)
returns setof public.classes
language sql volatile security invoker set search_path = ''
as $$
  insert into public.classes (school_id, name, school_year)
  values (p_school, btrim(p_name), p_school_year)
  returning *
$$;

create function public.delete_class(p_class uuid)
returns setof public.classes
language sql volatile security invoker set search_path = ''
as $$
  delete from public.classes where id = p_class returning *
$$;

-- One class and its pupils, for the people who may see it.
create function public.class_pupils(p_class uuid)
returns table (pupil_id uuid, first_name text, has_signed_in boolean)
language sql stable security invoker set search_path = ''
as $$
  select p.id, p.first_name, p.user_id is not null
  from public.pupils p
  where p.class_id = p_class
  order by lower(p.first_name)
$$;

-- All pupils of a school the caller may see, with their class (for linking parents).
create function public.school_pupils(p_school uuid)
returns table (pupil_id uuid, first_name text, class_id uuid, class_name text)
language sql stable security invoker set search_path = ''
as $$
  select p.id, p.first_name, c.id, c.name
  from public.pupils p
  join public.classes c on c.id = p.class_id
  where p.school_id = p_school
  order by c.school_year desc, c.name, lower(p.first_name)
$$;

-- Adds pupils to a class and gives each a picture code, returned once for the login cards.
-- Security definer because the codes live in a table no API role may touch; it checks that
-- the caller is an admin of the class's school before it does anything.
create function public.add_pupils(p_class uuid, p_names text[])
returns table (pupil_id uuid, first_name text, picture_code text)
language plpgsql volatile security definer set search_path = ''
as $$
declare
  v_school uuid;
  v_name text;
  v_id uuid;
  v_code text;
begin
  select c.school_id into v_school from public.classes c where c.id = p_class;
  if v_school is null or not private.is_school_admin(v_school) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  if coalesce(array_length(p_names, 1), 0) = 0 or array_length(p_names, 1) > 60 then
    raise exception using errcode = 'P0001', message = 'pupil_list_size';
  end if;
  foreach v_name in array p_names loop
    v_name := btrim(v_name);
    if exists (
      select 1 from public.pupils p where p.class_id = p_class and lower(btrim(p.first_name)) = lower(v_name)
    ) then
      raise exception using errcode = 'P0001', message = 'duplicate_pupil_name', detail = v_name;
    end if;
    insert into public.pupils (school_id, class_id, first_name)
    values (v_school, p_class, v_name)
    returning id into v_id;
    v_code := private.random_picture_code();
    insert into private.pupil_codes (pupil_id, code_hash) values (v_id, private.picture_code_hash(v_id, v_code));
    pupil_id := v_id;
    first_name := v_name;
    picture_code := v_code;
    return next;
  end loop;
end
$$;

-- Gives a pupil a new picture code (and lifts a lock-out). Returned once, for a new card.
-- Security definer for the same reason as add_pupils; checks the caller is staff of the school.
create function public.reset_pupil_code(p_pupil uuid)
returns table (pupil_id uuid, first_name text, picture_code text)
language plpgsql volatile security definer set search_path = ''
as $$
declare
  v_pupil public.pupils;
  v_code text;
begin
  select * into v_pupil from public.pupils p where p.id = p_pupil;
  if v_pupil.id is null or not private.is_school_staff(v_pupil.school_id) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  v_code := private.random_picture_code();
  insert into private.pupil_codes (pupil_id, code_hash)
  values (v_pupil.id, private.picture_code_hash(v_pupil.id, v_code))
  on conflict on constraint pupil_codes_pkey do update
    set code_hash = excluded.code_hash, failed_attempts = 0, locked_until = null, updated_at = now();
  pupil_id := v_pupil.id;
  first_name := v_pupil.first_name;
  picture_code := v_code;
  return next;
end
$$;

create function public.remove_pupil(p_pupil uuid)
returns setof public.pupils
language sql volatile security invoker set search_path = ''
as $$
  delete from public.pupils where id = p_pupil returning *
$$;

-- The people of a school with their roles, and for parents their linked children.
create function public.school_people(p_school uuid)
returns table (
  membership_id uuid, user_id uuid, role public.school_role, display_name text, email text,
  children jsonb
)
language sql stable security invoker set search_path = ''
as $$
  select m.id, m.user_id, m.role, pr.display_name, pr.email,
         coalesce((
           select jsonb_agg(jsonb_build_object('link_id', g.id, 'pupil_id', p.id, 'first_name', p.first_name, 'class_name', c.name) order by p.first_name)
           from public.guardian_links g
           join public.pupils p on p.id = g.pupil_id
           join public.classes c on c.id = p.class_id
           where g.parent_user_id = m.user_id and g.school_id = m.school_id and m.role = 'parent'
         ), '[]'::jsonb)
  from public.memberships m
  left join public.profiles pr on pr.user_id = m.user_id
  where m.school_id = p_school and m.role <> 'pupil'
  order by m.role, lower(coalesce(pr.display_name, ''))
$$;

create function public.remove_membership(p_membership uuid)
returns setof public.memberships
language sql volatile security invoker set search_path = ''
as $$
  delete from public.memberships where id = p_membership returning *
$$;

create function public.link_guardian(p_pupil uuid, p_parent uuid)
returns setof public.guardian_links
language sql volatile security invoker set search_path = ''
as $$
  insert into public.guardian_links (school_id, pupil_id, parent_user_id, created_by)
  select p.school_id, p.id, p_parent, (select auth.uid())
  from public.pupils p where p.id = p_pupil
  on conflict (pupil_id, parent_user_id) do nothing
  returning *
$$;

create function public.unlink_guardian(p_link uuid)
returns setof public.guardian_links
language sql volatile security invoker set search_path = ''
as $$
  delete from public.guardian_links where id = p_link returning *
$$;

-- ---------------------------------------------------------------------------------------
-- Invitations
-- ---------------------------------------------------------------------------------------

-- Creates a single-use invitation and returns its code once (for the letter).
create function public.create_invitation(
  p_school uuid, p_role public.school_role, p_pupils uuid[], p_locale text, p_label text
)
returns table (invitation_id uuid, code text, expires_at timestamptz)
language plpgsql volatile security invoker set search_path = ''
as $$
declare
  v_code text := private.random_invitation_code();
  v_invitation public.invitations;
begin
  if p_role = 'pupil' then
    raise exception using errcode = 'P0001', message = 'invalid_role';
  end if;
  insert into public.invitations (school_id, role, code_hash, locale, label, created_by)
  values (p_school, p_role, private.invitation_code_hash(v_code), p_locale, nullif(btrim(p_label), ''), (select auth.uid()))
  returning * into v_invitation;
  if p_role = 'parent' and p_pupils is not null then
    insert into public.invitation_pupils (invitation_id, pupil_id, school_id)
    select v_invitation.id, u.pupil, p_school from unnest(p_pupils) as u(pupil);
  end if;
  invitation_id := v_invitation.id;
  code := v_code;
  expires_at := v_invitation.expires_at;
  return next;
end
$$;

create function public.school_invitations(p_school uuid)
returns table (
  invitation_id uuid, role public.school_role, label text, locale text, created_at timestamptz,
  expires_at timestamptz, used_at timestamptz, pupils text[]
)
language sql stable security invoker set search_path = ''
as $$
  select i.id, i.role, i.label, i.locale, i.created_at, i.expires_at, i.used_at,
         coalesce((
           select array_agg(p.first_name order by p.first_name)
           from public.invitation_pupils ip join public.pupils p on p.id = ip.pupil_id
           where ip.invitation_id = i.id
         ), '{}')
  from public.invitations i
  where i.school_id = p_school
  order by i.created_at desc
$$;

create function public.revoke_invitation(p_invitation uuid)
returns setof public.invitations
language sql volatile security invoker set search_path = ''
as $$
  delete from public.invitations where id = p_invitation and used_at is null returning *
$$;

-- What an invitation is for, so the join page can say "you are invited to …". Security
-- definer because the person is not a member yet; it reveals the school and role of a code
-- only to whoever holds the code, and nothing else.
create function public.invitation_preview(p_code text)
returns table (school_slug text, school_name text, role public.school_role, status text)
language sql stable security definer set search_path = ''
as $$
  select s.slug, s.name, i.role,
         case when i.used_at is not null then 'used'
              when i.expires_at < now() then 'expired'
              else 'valid' end
  from public.invitations i
  join public.schools s on s.id = i.school_id
  where i.code_hash = private.invitation_code_hash(p_code)
$$;

-- Redeems an invitation for the signed-in caller: membership, profile and (for a parent)
-- the links to their children. Security definer because the caller is not a member yet and
-- may not write memberships; it checks the code, its school, its state, and the caller.
create function public.redeem_invitation(
  p_code text, p_school_slug text, p_display_name text, p_locale text
)
returns table (school_slug text, role public.school_role)
language plpgsql volatile security definer set search_path = ''
as $$
declare
  v_uid uuid := (select auth.uid());
  v_inv public.invitations;
  v_slug text;
begin
  if v_uid is null then
    raise exception using errcode = 'P0001', message = 'not_signed_in';
  end if;
  select * into v_inv from public.invitations i
  where i.code_hash = private.invitation_code_hash(p_code)
  for update;
  if v_inv.id is null then
    raise exception using errcode = 'P0001', message = 'invitation_not_found';
  end if;
  select s.slug into v_slug from public.schools s where s.id = v_inv.school_id;
  if p_school_slug is not null and v_slug <> lower(p_school_slug) then
    raise exception using errcode = 'P0001', message = 'invitation_other_school';
  end if;
  if v_inv.used_at is not null then
    raise exception using errcode = 'P0001', message = 'invitation_used';
  end if;
  if v_inv.expires_at < now() then
    raise exception using errcode = 'P0001', message = 'invitation_expired';
  end if;

  insert into public.profiles (user_id, display_name, email, locale)
  values (v_uid, btrim(p_display_name), (select auth.email()), p_locale)
  on conflict (user_id) do update
    set display_name = excluded.display_name, locale = excluded.locale, updated_at = now();

  insert into public.memberships (school_id, user_id, role)
  values (v_inv.school_id, v_uid, v_inv.role)
  on conflict do nothing;

  if v_inv.role = 'parent' then
    insert into public.guardian_links (school_id, pupil_id, parent_user_id, created_by)
    select ip.school_id, ip.pupil_id, v_uid, v_inv.created_by
    from public.invitation_pupils ip
    where ip.invitation_id = v_inv.id
    on conflict do nothing;
  end if;

  update public.invitations set used_at = now(), used_by = v_uid where id = v_inv.id;
  school_slug := v_slug;
  role := v_inv.role;
  return next;
end
$$;

-- ---------------------------------------------------------------------------------------
-- Class mode
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

-- The rest of this section is for the server only (service_role): a classroom device holds
-- no person's session, so the server checks the device token and the picture code here.

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

create function public.close_class_device(p_device_token text)
returns void
language sql volatile security definer set search_path = ''
as $$
  delete from public.class_devices where token_hash = private.token_hash(p_device_token)
$$;

-- Checks a pupil's picture code on a class mode device. Five wrong tries lock the pupil
-- for five minutes. Returns the outcome rather than raising, so the attempt is recorded.
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

-- Records the sign-in identity the server created for a pupil, and their pupil membership.
create function public.link_pupil_user(p_pupil uuid, p_user uuid)
returns void
language sql volatile security definer set search_path = ''
as $$
  update public.pupils set user_id = p_user where id = p_pupil and user_id is null;
  insert into public.memberships (school_id, user_id, role)
  select p.school_id, p_user, 'pupil' from public.pupils p where p.id = p_pupil
  on conflict do nothing;
$$;

create function public.record_sign_in_event(p_kind text, p_outcome text)
returns void
language sql volatile security definer set search_path = ''
as $$
  insert into private.sign_in_events (kind, outcome) values (p_kind, p_outcome)
$$;

-- Failed e-mail code checks per address hash (Supabase mode): five failures lock until a new
-- code is requested.
create function public.auth_throttle_check(p_key text)
returns boolean
language sql stable security definer set search_path = ''
as $$
  select coalesce((select t.failures < 5 from private.auth_throttle t where t.key_hash = p_key), true)
$$;

create function public.auth_throttle_fail(p_key text)
returns int
language sql volatile security definer set search_path = ''
as $$
  insert into private.auth_throttle (key_hash, failures) values (p_key, 1)
  on conflict (key_hash) do update set failures = private.auth_throttle.failures + 1, updated_at = now()
  returning failures
$$;

create function public.auth_throttle_reset(p_key text)
returns void
language sql volatile security definer set search_path = ''
as $$
  delete from private.auth_throttle where key_hash = p_key
$$;

-- ---------------------------------------------------------------------------------------
-- Who may call what
-- ---------------------------------------------------------------------------------------

-- Postgres lets everyone execute a new function; this API says who may, function by function.
revoke execute on all functions in schema public from public, anon, authenticated;

grant execute on function public.school_by_slug(text) to anon, authenticated;
grant execute on function public.invitation_preview(text) to anon, authenticated;

grant execute on function
  public.my_memberships(),
  public.my_profile(),
  public.update_my_profile(text, text),
  public.my_children(),
  public.my_pupil(),
  public.update_school(uuid, text, text, text, text, text),
  public.set_school_logo(uuid, text),
  public.school_classes(uuid),
  public.create_class(uuid, text, text),
  public.delete_class(uuid),
  public.class_pupils(uuid),
  public.school_pupils(uuid),
  public.add_pupils(uuid, text[]),
  public.reset_pupil_code(uuid),
  public.remove_pupil(uuid),
  public.school_people(uuid),
  public.remove_membership(uuid),
  public.link_guardian(uuid, uuid),
  public.unlink_guardian(uuid),
  public.create_invitation(uuid, public.school_role, uuid[], text, text),
  public.school_invitations(uuid),
  public.revoke_invitation(uuid),
  public.redeem_invitation(text, text, text, text),
  public.open_class_mode(uuid)
  to authenticated;

grant execute on all functions in schema public to service_role;
