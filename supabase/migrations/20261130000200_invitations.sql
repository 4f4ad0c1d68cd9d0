-- Invitations: how staff and parents join a school. A single-use, expiring code on a printed
-- letter (in the invitee's language); a parent invitation names the children it links to.
-- Only a hash of each code is stored: the code itself is shown once, on the letter.
--
-- Layout and the rule for later changes: the opening of …_schools_people.sql.

-- ---------------------------------------------------------------------------------------
-- Tables
-- ---------------------------------------------------------------------------------------

-- An invitation to join a school as admin, staff or parent.
create table public.invitations (
  id uuid primary key default gen_random_uuid(),
  school_id uuid not null references public.schools (id) on delete cascade,
  role public.school_role not null check (role <> 'pupil'),
  code_hash text not null unique,
  -- The language the invitation letter is printed in.
  locale public.locale_code not null default 'nl',
  -- A word for the school's own overview ("mother of Sara"), never shown to others.
  label text check (char_length(label) <= 80),
  created_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null default now() + interval '30 days',
  used_at timestamptz,
  used_by uuid references auth.users (id) on delete set null,
  constraint invitations_label_clean check (private.is_clean_text(label))
);
alter table public.invitations enable row level security;

-- The children a parent invitation links to when it is redeemed.
create table public.invitation_pupils (
  invitation_id uuid not null references public.invitations (id) on delete cascade,
  pupil_id uuid not null references public.pupils (id) on delete cascade,
  school_id uuid not null references public.schools (id) on delete cascade,
  primary key (invitation_id, pupil_id)
);
alter table public.invitation_pupils enable row level security;

-- ---------------------------------------------------------------------------------------
-- Who may use the tables directly (everything else goes through the functions below)
-- ---------------------------------------------------------------------------------------

revoke all on public.invitations, public.invitation_pupils from anon;

-- ---------------------------------------------------------------------------------------
-- Indexes
-- ---------------------------------------------------------------------------------------

create index invitations_school_idx on public.invitations (school_id);
create index invitation_pupils_school_idx on public.invitation_pupils (school_id);

-- ---------------------------------------------------------------------------------------
-- Row level security policies
-- ---------------------------------------------------------------------------------------

create policy "admins see their school's invitations" on public.invitations
  for select to authenticated using ((select private.is_school_admin(school_id)));

create policy "admins invite people to their school" on public.invitations
  for insert to authenticated
  with check ((select private.is_school_admin(school_id)) and created_by = (select auth.uid()));

create policy "admins withdraw their school's invitations" on public.invitations
  for delete to authenticated using ((select private.is_school_admin(school_id)));

create policy "admins see the children named in their invitations" on public.invitation_pupils
  for select to authenticated using ((select private.is_school_admin(school_id)));

create policy "admins name children of their school in an invitation" on public.invitation_pupils
  for insert to authenticated
  with check (
    (select private.is_school_admin(school_id))
    and exists (select 1 from public.pupils p where p.id = pupil_id and p.school_id = invitation_pupils.school_id)
    and exists (select 1 from public.invitations i where i.id = invitation_id and i.school_id = invitation_pupils.school_id)
  );

create policy "admins remove children from their invitations" on public.invitation_pupils
  for delete to authenticated using ((select private.is_school_admin(school_id)));

-- ---------------------------------------------------------------------------------------
-- Functions
-- ---------------------------------------------------------------------------------------

-- An invitation code: ten characters of Crockford base32 (no I, L, O, U), 50 random bits.
create function private.random_invitation_code()
returns text
language sql volatile set search_path = ''
as $$
  select string_agg(substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', 1 + (r[i] & 31), 1), '' order by i)
  from (select private.random_bytes() as r) x, generate_series(1, 10) as i
$$;
revoke execute on function private.random_invitation_code() from public;
grant execute on function private.random_invitation_code() to authenticated, service_role;

-- What a person may type for a code: lower case, spaces, dashes, O for 0, I or L for 1.
create function private.normalize_invitation_code(p_code text)
returns text
language sql immutable set search_path = ''
as $$
  select translate(upper(regexp_replace(coalesce(p_code, ''), '[^0-9A-Za-z]', '', 'g')), 'OIL', '011')
$$;
revoke execute on function private.normalize_invitation_code(text) from public;
grant execute on function private.normalize_invitation_code(text) to authenticated, service_role;

create function private.invitation_code_hash(p_code text)
returns text
language sql immutable set search_path = ''
as $$
  select encode(sha256(convert_to(private.normalize_invitation_code(p_code), 'UTF8')), 'hex')
$$;
revoke execute on function private.invitation_code_hash(text) from public;
grant execute on function private.invitation_code_hash(text) to authenticated, service_role;

-- Creates a single-use invitation and returns its code once (for the letter). A parent
-- invitation names 1 to 20 children of the school.
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
  if coalesce(array_length(p_pupils, 1), 0) > 20 then
    raise exception using errcode = 'P0001', message = 'list_too_long';
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
revoke execute on function public.create_invitation(uuid, public.school_role, uuid[], text, text) from public, anon, authenticated;
grant execute on function public.create_invitation(uuid, public.school_role, uuid[], text, text) to authenticated;

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
revoke execute on function public.school_invitations(uuid) from public, anon, authenticated;
grant execute on function public.school_invitations(uuid) to authenticated;

create function public.revoke_invitation(p_invitation uuid)
returns setof public.invitations
language sql volatile security invoker set search_path = ''
as $$
  delete from public.invitations where id = p_invitation and used_at is null returning *
$$;
revoke execute on function public.revoke_invitation(uuid) from public, anon, authenticated;
grant execute on function public.revoke_invitation(uuid) to authenticated;

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
revoke execute on function public.invitation_preview(text) from public, anon, authenticated;
grant execute on function public.invitation_preview(text) to anon, authenticated;

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
revoke execute on function public.redeem_invitation(text, text, text, text) from public, anon, authenticated;
grant execute on function public.redeem_invitation(text, text, text, text) to authenticated;
