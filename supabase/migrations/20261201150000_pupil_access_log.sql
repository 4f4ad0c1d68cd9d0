-- Who looked: every time staff read pupil-level data (a pupil's needs answers or drawing, a
-- meeting's preparations, a child's part of a meeting, a meeting's feedback), one row per pupil:
-- who, when, which pupil, what kind — never the content. Written by the reading functions
-- themselves, in the same transaction as the read, so no page can forget it. The admin and the
-- coach read it. Parents reading their own child's data, and pupils their own, are not logged.

-- Tables ---------------------------------------------------------------------------------

create table public.pupil_access_log (
  id bigint generated always as identity primary key,
  school_id uuid not null references public.schools (id) on delete cascade,
  reader_id uuid references auth.users (id) on delete set null,
  -- Erasing a pupil erases what the log says about them.
  pupil_id uuid not null references public.pupils (id) on delete cascade,
  kind text not null check (kind in ('needs_answers', 'drawing', 'preparation', 'pupil_preparation', 'feedback')),
  at timestamptz not null default now()
);
create index pupil_access_log_school_idx on public.pupil_access_log (school_id, at desc);
create index pupil_access_log_pupil_idx on public.pupil_access_log (pupil_id);
create index pupil_access_log_reader_idx on public.pupil_access_log (reader_id);

-- Policies -------------------------------------------------------------------------------

alter table public.pupil_access_log enable row level security;
-- Read by the school's admins and coach; written only through private.log_pupil_reads.
create policy "the admin and the coach read who looked at their school's pupils" on public.pupil_access_log
  for select to authenticated
  using ((select private.has_school_role(school_id, array['admin', 'coach']::public.school_role[])));

-- Functions ------------------------------------------------------------------------------

-- Records that the caller, a staff member of the pupils' school, read this kind of their data.
create function private.log_pupil_reads(p_pupils uuid[], p_kind text)
returns void
language sql volatile security definer set search_path = ''
as $$
  insert into public.pupil_access_log (school_id, reader_id, pupil_id, kind)
  select p.school_id, (select auth.uid()), p.id, p_kind
  from public.pupils p
  where p.id = any (p_pupils)
    and (select auth.uid()) is not null
    and private.is_school_staff(p.school_id)
$$;
revoke execute on function private.log_pupil_reads(uuid[], text) from public;
grant execute on function private.log_pupil_reads(uuid[], text) to authenticated, service_role;

-- The log for the admin and the coach: newest first, with the reader's and the pupil's names.
create function public.pupil_access_log(p_school uuid, p_limit int default 200)
returns table (at timestamptz, reader text, pupil_id uuid, pupil text, class_name text, kind text)
language sql stable security invoker set search_path = ''
as $$
  select l.at, pf.display_name, l.pupil_id, p.first_name, c.name, l.kind
  from public.pupil_access_log l
  join public.pupils p on p.id = l.pupil_id
  left join public.classes c on c.id = p.class_id
  left join public.profiles pf on pf.user_id = l.reader_id
  where l.school_id = p_school
  order by l.at desc, l.id desc
  limit least(greatest(p_limit, 1), 1000)
$$;
revoke execute on function public.pupil_access_log(uuid, int) from public, anon, authenticated;
grant execute on function public.pupil_access_log(uuid, int) to authenticated;

-- The reading functions, now logging what they return to staff (same results as before).

create or replace function public.need_round_answers(p_round uuid)
returns table (
  pupil_id uuid, first_name text, answered boolean, needs text[], goal_step text, own_words text,
  has_drawing boolean, tops text[], tips text[], top_words text, tip_words text,
  has_feedback_drawing boolean, updated_at timestamptz
)
language plpgsql volatile security definer set search_path = ''
as $$
declare
  v_round public.need_rounds;
begin
  select * into v_round from public.need_rounds r where r.id = p_round;
  if v_round.id is null or not private.can_see_class_pupils(v_round.class_id) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  return query
    select p.id, p.first_name, a.pupil_id is not null,
           coalesce(a.needs, '{}'), a.goal_step, a.own_words, a.drawing_path is not null,
           coalesce(a.tops, '{}'), coalesce(a.tips, '{}'), a.top_words, a.tip_words,
           a.feedback_drawing_path is not null, a.updated_at
    from public.pupils p
    left join public.need_answers a on a.round_id = p_round and a.pupil_id = p.id
    where p.class_id = v_round.class_id
    order by lower(p.first_name);
  perform private.log_pupil_reads(
    array(select a.pupil_id from public.need_answers a where a.round_id = p_round), 'needs_answers');
end
$$;

create or replace function public.need_drawing_path(p_round uuid, p_pupil uuid, p_kind text)
returns text
language plpgsql volatile security invoker set search_path = ''
as $$
declare
  v_path text;
begin
  select case when p_kind = 'feedback' then a.feedback_drawing_path else a.drawing_path end into v_path
  from public.need_answers a
  where a.round_id = p_round and a.pupil_id = p_pupil;
  if v_path is not null then
    perform private.log_pupil_reads(array[p_pupil], 'drawing');
  end if;
  return v_path;
end
$$;

create or replace function public.meeting_preparations(p_meeting uuid)
returns table (user_id uuid, author text, answers jsonb, shared_at timestamptz, updated_at timestamptz)
language plpgsql volatile security invoker set search_path = ''
as $$
begin
  return query
    select p.user_id, pf.display_name, p.answers, p.shared_at, p.updated_at
    from public.preparations p left join public.profiles pf on pf.user_id = p.user_id
    where p.meeting_id = p_meeting and p.shared_at is not null
    order by pf.display_name;
  if found then
    perform private.log_pupil_reads(
      array(select mp.pupil_id from public.meeting_pupils mp where mp.meeting_id = p_meeting), 'preparation');
  end if;
end
$$;

create or replace function public.meeting_pupil_preparations(p_meeting uuid)
returns table (pupil_id uuid, first_name text, answers jsonb, words text, updated_at timestamptz)
language plpgsql volatile security invoker set search_path = ''
as $$
begin
  return query
    select pp.pupil_id, p.first_name, pp.answers, pp.words, pp.updated_at
    from public.pupil_preparations pp join public.pupils p on p.id = pp.pupil_id
    where pp.meeting_id = p_meeting and pp.consented_at is not null
    order by lower(p.first_name);
  if found then
    perform private.log_pupil_reads(
      array(select pp.pupil_id from public.pupil_preparations pp
            where pp.meeting_id = p_meeting and pp.consented_at is not null), 'pupil_preparation');
  end if;
end
$$;

create or replace function public.meeting_feedback(p_meeting uuid)
returns table (author text, role text, top text, tip text, seen text, heard text, valued text, created_at timestamptz)
language plpgsql volatile security definer set search_path = ''
as $$
begin
  if not private.staff_sees_meeting(p_meeting) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  return query
    select case when f.anonymous then null
                when f.role = 'pupil' then (select p.first_name from public.pupils p where p.user_id = f.author_id)
                else (select pf.display_name from public.profiles pf where pf.user_id = f.author_id) end,
           f.role, f.top, f.tip, f.seen, f.heard, f.valued, f.created_at
    from public.meeting_feedback f where f.meeting_id = p_meeting
    order by f.created_at;
  if found then
    perform private.log_pupil_reads(
      array(select mp.pupil_id from public.meeting_pupils mp where mp.meeting_id = p_meeting), 'feedback');
  end if;
end
$$;
