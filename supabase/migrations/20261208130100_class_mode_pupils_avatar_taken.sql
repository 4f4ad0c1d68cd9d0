-- A pupil's own picture is theirs in the class (issue 21, item 6): a pupil choosing their animal
-- cannot take one another pupil of the class already has, so no two bears on the roster. The
-- teacher may still give any animal (to swap two pupils' pictures, say).

-- Functions ------------------------------------------------------------------------------

create or replace function public.set_pupil_avatar(p_pupil uuid, p_avatar text)
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
    select 1 from public.pupils o
    where o.class_id = v_pupil.class_id and o.id <> v_pupil.id and o.left_at is null and o.avatar = p_avatar
  ) then
    raise exception using errcode = 'P0001', message = 'avatar_taken';
  end if;
  update public.pupils set avatar = p_avatar where id = p_pupil;
  return p_avatar;
end
$$;
