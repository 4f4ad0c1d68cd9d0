-- Platform: the shared predicates and the row level security policies of the platform tables.
-- Each helper answers a question about the caller only, so it reveals nothing about others;
-- they are `security definer` because policies on one table need to read another table
-- (memberships, guardian links) without recursing into that table's own policies.

create function private.has_school_role(p_school uuid, p_roles public.school_role[])
returns boolean
language sql stable security definer set search_path = ''
as $$
  select exists (
    select 1 from public.memberships m
    where m.school_id = p_school
      and m.user_id = (select auth.uid())
      and m.role = any (p_roles)
  )
$$;

create function private.is_school_staff(p_school uuid)
returns boolean
language sql stable security definer set search_path = ''
as $$
  select private.has_school_role(p_school, array['admin', 'staff']::public.school_role[])
$$;

create function private.is_school_admin(p_school uuid)
returns boolean
language sql stable security definer set search_path = ''
as $$
  select private.has_school_role(p_school, array['admin']::public.school_role[])
$$;

create function private.is_guardian_of(p_pupil uuid)
returns boolean
language sql stable security definer set search_path = ''
as $$
  select exists (
    select 1 from public.guardian_links g
    where g.pupil_id = p_pupil and g.parent_user_id = (select auth.uid())
  )
$$;

-- The caller is this pupil (signed in through class mode).
create function private.is_pupil_self(p_pupil uuid)
returns boolean
language sql stable security definer set search_path = ''
as $$
  select exists (
    select 1 from public.pupils p
    where p.id = p_pupil and p.user_id is not null and p.user_id = (select auth.uid())
  )
$$;

-- The caller may see this class: staff of its school, a parent of a pupil in it, or a pupil in it.
create function private.can_see_class(p_class uuid)
returns boolean
language sql stable security definer set search_path = ''
as $$
  select exists (
    select 1 from public.classes c
    where c.id = p_class and private.is_school_staff(c.school_id)
  ) or exists (
    select 1 from public.pupils p
    join public.guardian_links g on g.pupil_id = p.id
    where p.class_id = p_class and g.parent_user_id = (select auth.uid())
  ) or exists (
    select 1 from public.pupils p
    where p.class_id = p_class and p.user_id = (select auth.uid())
  )
$$;

-- The caller may see this person's profile: it is their own, or they are staff of a school
-- the person belongs to.
create function private.can_see_profile(p_user uuid)
returns boolean
language sql stable security definer set search_path = ''
as $$
  select p_user = (select auth.uid()) or exists (
    select 1 from public.memberships m
    where m.user_id = p_user and private.is_school_staff(m.school_id)
  )
$$;

-- A folder name as a uuid, or null when it is not one (storage paths start with a school id).
create function private.uuid_or_null(p_text text)
returns uuid
language plpgsql immutable set search_path = ''
as $$
begin
  return p_text::uuid;
exception when invalid_text_representation then
  return null;
end
$$;

revoke execute on all functions in schema private from public;
grant execute on function
  private.has_school_role(uuid, public.school_role[]),
  private.is_school_staff(uuid),
  private.is_school_admin(uuid),
  private.is_guardian_of(uuid),
  private.is_pupil_self(uuid),
  private.can_see_class(uuid),
  private.can_see_profile(uuid),
  private.uuid_or_null(text)
  to authenticated, service_role;
-- Anonymous callers evaluate storage policies on the public bucket only.
grant execute on function private.uuid_or_null(text) to anon;

-- schools
create policy "anyone can read a school's public facts" on public.schools
  for select to anon, authenticated using (true);
create policy "admins update their own school" on public.schools
  for update to authenticated
  using ((select private.is_school_admin(id)))
  with check ((select private.is_school_admin(id)));

-- profiles
create policy "people see their own profile and staff see their school's people" on public.profiles
  for select to authenticated using ((select private.can_see_profile(user_id)));
-- Pupils have no profile: their first name in the class is all the portal keeps.
create policy "people create their own profile" on public.profiles
  for insert to authenticated
  with check (
    user_id = (select auth.uid())
    and not exists (select 1 from public.pupils p where p.user_id = (select auth.uid()))
  );
create policy "people update their own profile" on public.profiles
  for update to authenticated
  using (user_id = (select auth.uid()))
  with check (user_id = (select auth.uid()));

-- memberships: created only by redeeming an invitation (a function), never inserted directly.
create policy "people see their own memberships and staff see their school's" on public.memberships
  for select to authenticated
  using (user_id = (select auth.uid()) or (select private.is_school_staff(school_id)));
create policy "admins remove others from their school" on public.memberships
  for delete to authenticated
  using ((select private.is_school_admin(school_id)) and user_id <> (select auth.uid()));

-- classes
-- Staff are checked on the row itself, so a class an admin just inserted is visible to them
-- in the same statement (INSERT … RETURNING also passes through this policy).
create policy "staff, parents and pupils of a class see it" on public.classes
  for select to authenticated
  using ((select private.is_school_staff(school_id)) or (select private.can_see_class(id)));
create policy "admins create classes in their school" on public.classes
  for insert to authenticated with check ((select private.is_school_admin(school_id)));
create policy "admins rename classes in their school" on public.classes
  for update to authenticated
  using ((select private.is_school_admin(school_id)))
  with check ((select private.is_school_admin(school_id)));
create policy "admins delete classes in their school" on public.classes
  for delete to authenticated using ((select private.is_school_admin(school_id)));

-- pupils
create policy "staff see their school's pupils, parents their children, pupils themselves" on public.pupils
  for select to authenticated
  using (
    (select private.is_school_staff(school_id))
    or (select private.is_guardian_of(id))
    or user_id = (select auth.uid())
  );
create policy "admins add pupils to their school" on public.pupils
  for insert to authenticated with check ((select private.is_school_admin(school_id)));
create policy "admins change pupils in their school" on public.pupils
  for update to authenticated
  using ((select private.is_school_admin(school_id)))
  with check ((select private.is_school_admin(school_id)));
create policy "admins remove pupils from their school" on public.pupils
  for delete to authenticated using ((select private.is_school_admin(school_id)));

-- guardian links
create policy "staff see their school's links and parents their own" on public.guardian_links
  for select to authenticated
  using ((select private.is_school_staff(school_id)) or parent_user_id = (select auth.uid()));
create policy "admins link a parent of their school to a pupil of their school" on public.guardian_links
  for insert to authenticated
  with check (
    (select private.is_school_admin(school_id))
    and exists (
      select 1 from public.pupils p where p.id = pupil_id and p.school_id = guardian_links.school_id
    )
    and exists (
      select 1 from public.memberships m
      where m.user_id = parent_user_id and m.school_id = guardian_links.school_id and m.role = 'parent'
    )
  );
create policy "admins remove links in their school" on public.guardian_links
  for delete to authenticated using ((select private.is_school_admin(school_id)));

-- invitations
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

-- class devices
create policy "staff see their school's class mode devices" on public.class_devices
  for select to authenticated using ((select private.is_school_staff(school_id)));
create policy "staff open class mode for a class of their school" on public.class_devices
  for insert to authenticated
  with check ((select private.is_school_staff(school_id)) and opened_by = (select auth.uid()));
create policy "staff close class mode in their school" on public.class_devices
  for delete to authenticated using ((select private.is_school_staff(school_id)));
