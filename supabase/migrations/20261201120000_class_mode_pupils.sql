-- Class mode for young children: each pupil has a picture beside their name on the class
-- device, so a child who cannot read finds their own name. Chosen once (by the pupil, with the
-- teacher); the teacher can change it. The ids are src/domain/pictograms.ts's AVATAR_IDS (tied
-- by a schema test). And the language a pupil's board speaks, which may differ from the
-- school's (a Ukrainian pupil may want Ukrainian): null follows the school.

create function private.avatar_ids()
returns text[]
language sql immutable set search_path = ''
as $$
  select array['dog', 'cat', 'rabbit', 'fox', 'bear', 'panda', 'frog', 'lion', 'tiger', 'koala',
               'monkey', 'owl', 'turtle', 'ladybird', 'butterfly', 'dolphin', 'giraffe', 'elephant',
               'hedgehog', 'bee']
$$;
revoke execute on function private.avatar_ids() from public;
grant execute on function private.avatar_ids() to anon, authenticated, service_role;

alter table public.pupils
  add column avatar text check (avatar is null or avatar = any (private.avatar_ids())),
  add column board_locale public.locale_code;

-- A pupil's picture: the pupil chooses it the first time; afterwards only staff who see the
-- class change it. Security definer: a pupil may not update their own pupil row otherwise.
create function public.set_pupil_avatar(p_pupil uuid, p_avatar text)
returns text
language plpgsql volatile security definer set search_path = ''
as $$
declare
  v_pupil public.pupils;
begin
  select * into v_pupil from public.pupils p where p.id = p_pupil for update;
  if v_pupil.id is null then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  if not (private.can_see_class_pupils(v_pupil.class_id)
          or (private.is_pupil_self(p_pupil) and v_pupil.avatar is null)) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  if p_avatar is not null and not (p_avatar = any (private.avatar_ids())) then
    raise exception using errcode = 'P0001', message = 'invalid';
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

-- The class on a device, now with each pupil's picture. Server only.
create or replace function public.class_device_roster(p_device_token text)
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
           from public.pupils p
           left join private.pupil_codes pc on pc.pupil_id = p.id
           where p.class_id = c.id
         ), '[]'::jsonb),
         d.expires_at
  from public.class_devices d
  join public.classes c on c.id = d.class_id
  join public.schools s on s.id = d.school_id
  where d.token_hash = private.token_hash(p_device_token) and d.expires_at > now()
$$;

-- One class and its pupils, with their pictures.
drop function public.class_pupils(uuid);
create function public.class_pupils(p_class uuid)
returns table (pupil_id uuid, first_name text, has_signed_in boolean, avatar text)
language sql stable security invoker set search_path = ''
as $$
  select p.id, p.first_name, p.user_id is not null, p.avatar
  from public.pupils p
  where p.class_id = p_class
  order by lower(p.first_name)
$$;
revoke execute on function public.class_pupils(uuid) from public, anon, authenticated;
grant execute on function public.class_pupils(uuid) to authenticated;

-- The signed-in pupil: their first name, picture, class and school.
drop function public.my_pupil();
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
