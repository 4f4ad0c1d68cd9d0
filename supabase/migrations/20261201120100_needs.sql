-- Pupils' needs: "I learn best…" in rounds a teacher opens for a class, the pupil's own step on
-- a goal, tops and tips for the teacher, the class plan in differentiation circles, and voices
-- recorded for the pictograms' labels. DOMAIN §2.
--
-- Who sees what: a pupil their own answers; a class's teachers (and the school's coach and
-- admins) the class's answers with names; a parent their own child's; the school view counts
-- only, with any count below 5 shown as "fewer than 5". Pupils write only through the functions
-- below, which take no pupil argument: a pupil answers for themselves or not at all.
--
-- The id lists are the app's (src/domain/pictograms.ts), tied by tests/db/schema.test.ts.

-- ---------------------------------------------------------------------------------------
-- Lists
-- ---------------------------------------------------------------------------------------

create function private.need_ids()
returns text[]
language sql immutable set search_path = ''
as $$
  select array['look', 'listen', 'talk-picture', 'more-explanation', 'less-explanation',
               'headphones', 'group', 'quiet-place', 'more-time']
$$;
revoke execute on function private.need_ids() from public;
grant execute on function private.need_ids() to anon, authenticated, service_role;

create function private.goal_steps()
returns text[]
language sql immutable set search_path = ''
as $$
  select array['not-yet', 'almost', 'can', 'can-more']
$$;
revoke execute on function private.goal_steps() from public;
grant execute on function private.goal_steps() to anon, authenticated, service_role;

-- The circles of a class plan: the basis for all, two "ears" and two "earrings".
create function private.plan_circles()
returns text[]
language sql immutable set search_path = ''
as $$
  select array['basis', 'intensive', 'deepened', 'very-intensive', 'very-deepened']
$$;
revoke execute on function private.plan_circles() from public;
grant execute on function private.plan_circles() to anon, authenticated, service_role;

-- What a voice can be recorded for: each card's label and each screen's instruction.
create function private.voice_keys()
returns text[]
language sql immutable set search_path = ''
as $$
  select array(select 'need.' || u.n from unnest(private.need_ids()) with ordinality as u(n, i) order by u.i)
      || array(select 'name.' || u.n from unnest(private.need_ids()) with ordinality as u(n, i) order by u.i)
      || array(select 'step.' || u.n from unnest(private.goal_steps()) with ordinality as u(n, i) order by u.i)
      || array['say.names', 'say.start', 'say.avatar', 'say.goal', 'say.needs', 'say.more',
               'say.confirm', 'say.top', 'say.tip', 'say.thanks', 'say.nothing']
$$;
revoke execute on function private.voice_keys() from public;
grant execute on function private.voice_keys() to anon, authenticated, service_role;

-- A list of pictogram ids: known ones, each once.
create function private.valid_need_list(p_ids text[])
returns boolean
language sql immutable set search_path = ''
as $$
  select p_ids is not null
    and p_ids <@ private.need_ids()
    and cardinality(p_ids) = (select count(distinct x) from unnest(p_ids) x)
$$;
revoke execute on function private.valid_need_list(text[]) from public;
grant execute on function private.valid_need_list(text[]) to anon, authenticated, service_role;

-- ---------------------------------------------------------------------------------------
-- Tables
-- ---------------------------------------------------------------------------------------

-- A round: a class is asked "how do you learn best?", optionally for a goal. One open round per
-- class at a time; closed rounds stay as the class's history.
create table public.need_rounds (
  id uuid primary key default gen_random_uuid(),
  school_id uuid not null,
  class_id uuid not null,
  goal text check (goal is null or (char_length(btrim(goal)) between 1 and 120 and private.is_clean_text(goal))),
  opened_by uuid references auth.users (id) on delete set null,
  opened_at timestamptz not null default now(),
  closed_at timestamptz,
  foreign key (class_id, school_id) references public.classes (id, school_id) on delete cascade,
  check (closed_at is null or closed_at >= opened_at)
);
create unique index need_rounds_one_open_per_class on public.need_rounds (class_id) where closed_at is null;
create index need_rounds_class_idx on public.need_rounds (class_id, opened_at desc);
create index need_rounds_school_idx on public.need_rounds (school_id, class_id, opened_at desc);
alter table public.need_rounds enable row level security;

-- A pupil's answer in a round: what helps (needs), their step on the goal, own words and a
-- drawing; and for the teacher, tops (what helps me) and tips (what could be different).
create table public.need_answers (
  round_id uuid not null references public.need_rounds (id) on delete cascade,
  pupil_id uuid not null references public.pupils (id) on delete cascade,
  school_id uuid not null references public.schools (id) on delete cascade,
  class_id uuid not null references public.classes (id) on delete cascade,
  needs text[] not null default '{}' check (private.valid_need_list(needs)),
  goal_step text check (goal_step is null or goal_step = any (private.goal_steps())),
  own_words text check (own_words is null or (char_length(own_words) between 1 and 300 and private.is_clean_text(own_words))),
  drawing_path text check (drawing_path is null or char_length(drawing_path) <= 200),
  tops text[] not null default '{}' check (private.valid_need_list(tops)),
  tips text[] not null default '{}' check (private.valid_need_list(tips)),
  top_words text check (top_words is null or (char_length(top_words) between 1 and 300 and private.is_clean_text(top_words))),
  tip_words text check (tip_words is null or (char_length(tip_words) between 1 and 300 and private.is_clean_text(tip_words))),
  feedback_drawing_path text check (feedback_drawing_path is null or char_length(feedback_drawing_path) <= 200),
  updated_at timestamptz not null default now(),
  primary key (round_id, pupil_id)
);
create index need_answers_pupil_idx on public.need_answers (pupil_id);
create index need_answers_class_idx on public.need_answers (class_id);
alter table public.need_answers enable row level security;

-- The class plan for a round's goal: which pupil is in which circle.
create table public.plan_places (
  round_id uuid not null references public.need_rounds (id) on delete cascade,
  pupil_id uuid not null references public.pupils (id) on delete cascade,
  class_id uuid not null references public.classes (id) on delete cascade,
  circle text not null check (circle = any (private.plan_circles())),
  primary key (round_id, pupil_id)
);
create index plan_places_class_idx on public.plan_places (class_id);
alter table public.plan_places enable row level security;

-- A voice for a label or instruction, in one language: the school's (recorded by staff, for
-- every pupil) or one pupil's (recorded by their parent, in the child's home language).
create table public.voice_recordings (
  id uuid primary key default gen_random_uuid(),
  school_id uuid not null references public.schools (id) on delete cascade,
  pupil_id uuid references public.pupils (id) on delete cascade,
  locale public.locale_code not null,
  key text not null check (key = any (private.voice_keys())),
  path text not null check (char_length(path) <= 200),
  recorded_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now()
);
create unique index voice_recordings_one_per_key
  on public.voice_recordings (school_id, coalesce(pupil_id, '00000000-0000-0000-0000-000000000000'::uuid), locale, key);
alter table public.voice_recordings enable row level security;

-- Nobody writes these tables directly (PostgREST would let a signed-in person try): every change
-- goes through a function below, which checks who the caller is. Anonymous visitors get nothing.
revoke all on public.need_rounds, public.need_answers, public.plan_places, public.voice_recordings from anon;
revoke insert, update, delete, truncate on public.need_rounds, public.need_answers, public.plan_places, public.voice_recordings
  from authenticated;

-- ---------------------------------------------------------------------------------------
-- Helpers
-- ---------------------------------------------------------------------------------------

-- The signed-in pupil's row (or nothing).
create function private.my_pupil_row()
returns public.pupils
language sql stable security definer set search_path = ''
as $$
  select p.* from public.pupils p where p.user_id is not null and p.user_id = (select auth.uid())
$$;
revoke execute on function private.my_pupil_row() from public;
grant execute on function private.my_pupil_row() to service_role;

-- The round a pupil may answer in: open, of their own class. Raises otherwise.
create function private.my_open_round(p_round uuid)
returns public.pupils
language plpgsql stable security definer set search_path = ''
as $$
declare
  v_pupil public.pupils;
  v_round public.need_rounds;
begin
  v_pupil := private.my_pupil_row();
  if v_pupil.id is null then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  select * into v_round from public.need_rounds r where r.id = p_round;
  if v_round.id is null or v_round.class_id <> v_pupil.class_id then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  if v_round.closed_at is not null then
    raise exception using errcode = 'P0001', message = 'round_closed';
  end if;
  return v_pupil;
end
$$;
revoke execute on function private.my_open_round(uuid) from public;
grant execute on function private.my_open_round(uuid) to service_role;

-- Whether the caller may hear a recording: the school's are for its people; a pupil's own are
-- for that pupil, their parents and the staff who see their class.
create function private.can_hear_voice(p_school uuid, p_pupil uuid)
returns boolean
language sql stable security definer set search_path = ''
as $$
  select case
    when p_pupil is null then
      private.has_school_role(p_school, array['admin', 'coach', 'teacher', 'parent', 'pupil']::public.school_role[])
      or exists (select 1 from public.pupils p where p.school_id = p_school and p.user_id = (select auth.uid()))
    else
      private.is_pupil_self(p_pupil) or private.is_guardian_of(p_pupil)
      or exists (select 1 from public.pupils p where p.id = p_pupil and private.can_see_class_pupils(p.class_id))
  end
$$;
revoke execute on function private.can_hear_voice(uuid, uuid) from public;
grant execute on function private.can_hear_voice(uuid, uuid) to authenticated, service_role;

-- ---------------------------------------------------------------------------------------
-- Policies: reading only. Every change goes through a function below.
-- ---------------------------------------------------------------------------------------

create policy "the class's people see its rounds" on public.need_rounds
  for select to authenticated
  using ((select private.can_see_class(class_id)));

create policy "pupils see their own answers, parents their child's, teachers their class's" on public.need_answers
  for select to authenticated
  using (
    (select private.is_pupil_self(pupil_id))
    or (select private.is_guardian_of(pupil_id))
    or (select private.can_see_class_pupils(class_id))
  );

create policy "teachers, coach and admins see a class's plan" on public.plan_places
  for select to authenticated
  using ((select private.can_see_class_pupils(class_id)));

create policy "people hear the voices meant for them" on public.voice_recordings
  for select to authenticated
  using ((select private.can_hear_voice(school_id, pupil_id)));

-- ---------------------------------------------------------------------------------------
-- Storage: drawings and voices, private. Paths are `<school>/<pupil or "school">/<name>`.
-- ---------------------------------------------------------------------------------------

insert into storage.buckets (id, name, public, file_size_limit, allowed_mime_types)
values
  ('pupil-drawings', 'pupil-drawings', false, 2097152, array['image/png']),
  ('voices', 'voices', false, 1048576, array['audio/webm', 'audio/ogg', 'audio/mp4', 'audio/mpeg', 'audio/wav'])
on conflict (id) do nothing;

create policy "pupils store their own drawings" on storage.objects
  for insert to authenticated
  with check (
    bucket_id = 'pupil-drawings'
    and (select private.is_pupil_self(private.uuid_or_null((storage.foldername(name))[2])))
    and exists (
      select 1 from public.pupils p
      where p.id = private.uuid_or_null((storage.foldername(name))[2])
        and p.school_id = private.uuid_or_null((storage.foldername(name))[1])
    )
  );

create policy "a drawing is seen by its pupil, their parents and their teachers" on storage.objects
  for select to authenticated
  using (
    bucket_id = 'pupil-drawings'
    and exists (
      select 1 from public.pupils p
      where p.id = private.uuid_or_null((storage.foldername(name))[2])
        and p.school_id = private.uuid_or_null((storage.foldername(name))[1])
        and (private.is_pupil_self(p.id) or private.is_guardian_of(p.id) or private.can_see_class_pupils(p.class_id))
    )
  );

create policy "pupils remove their own drawings" on storage.objects
  for delete to authenticated
  using (
    bucket_id = 'pupil-drawings'
    and (select private.is_pupil_self(private.uuid_or_null((storage.foldername(name))[2])))
  );

create policy "staff record the school's voices, parents their child's" on storage.objects
  for insert to authenticated
  with check (
    bucket_id = 'voices'
    and (
      ((storage.foldername(name))[2] = 'school'
        and (select private.is_school_staff(private.uuid_or_null((storage.foldername(name))[1]))))
      or exists (
        select 1 from public.pupils p
        where p.id = private.uuid_or_null((storage.foldername(name))[2])
          and p.school_id = private.uuid_or_null((storage.foldername(name))[1])
          and private.is_guardian_of(p.id)
      )
    )
  );

create policy "voices are heard by the people they are for" on storage.objects
  for select to authenticated
  using (
    bucket_id = 'voices'
    and (select private.can_hear_voice(
      private.uuid_or_null((storage.foldername(name))[1]),
      case when (storage.foldername(name))[2] = 'school' then null
           else private.uuid_or_null((storage.foldername(name))[2]) end))
    and ((storage.foldername(name))[2] = 'school' or private.uuid_or_null((storage.foldername(name))[2]) is not null)
  );

create policy "who records a voice may remove it" on storage.objects
  for delete to authenticated
  using (
    bucket_id = 'voices'
    and (
      ((storage.foldername(name))[2] = 'school'
        and (select private.is_school_staff(private.uuid_or_null((storage.foldername(name))[1]))))
      or (select private.is_guardian_of(private.uuid_or_null((storage.foldername(name))[2])))
    )
  );

-- ---------------------------------------------------------------------------------------
-- Functions: rounds (teachers)
-- ---------------------------------------------------------------------------------------

-- Opens a round for a class, with an optional goal. One open round per class.
create function public.open_need_round(p_class uuid, p_goal text)
returns setof public.need_rounds
language plpgsql volatile security definer set search_path = ''
as $$
declare
  v_class public.classes;
  v_goal text := nullif(btrim(p_goal), '');
begin
  select * into v_class from public.classes c where c.id = p_class;
  if v_class.id is null or not private.can_see_class_pupils(p_class) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  if exists (select 1 from public.need_rounds r where r.class_id = p_class and r.closed_at is null) then
    raise exception using errcode = 'P0001', message = 'round_open';
  end if;
  return query
    insert into public.need_rounds (school_id, class_id, goal, opened_by)
    values (v_class.school_id, p_class, v_goal, (select auth.uid()))
    returning *;
end
$$;
revoke execute on function public.open_need_round(uuid, text) from public, anon, authenticated;
grant execute on function public.open_need_round(uuid, text) to authenticated;

-- Closes a round: answers can no longer be changed.
create function public.close_need_round(p_round uuid)
returns setof public.need_rounds
language plpgsql volatile security definer set search_path = ''
as $$
declare
  v_round public.need_rounds;
begin
  select * into v_round from public.need_rounds r where r.id = p_round for update;
  if v_round.id is null or not private.can_see_class_pupils(v_round.class_id) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  if v_round.closed_at is not null then
    raise exception using errcode = 'P0001', message = 'round_closed';
  end if;
  return query update public.need_rounds set closed_at = now() where id = p_round returning *;
end
$$;
revoke execute on function public.close_need_round(uuid) from public, anon, authenticated;
grant execute on function public.close_need_round(uuid) to authenticated;

-- A class's rounds, newest first, with how many pupils answered. Security definer, like the two
-- reads below: each checks the caller once (the class's teachers, the coach, admins) instead of
-- row level security re-asking per row, which made the school view of 1,000 pupils slow.
create function public.class_need_rounds(p_class uuid)
returns table (
  round_id uuid, goal text, opened_at timestamptz, closed_at timestamptz, answered int, pupils int
)
language plpgsql stable security definer set search_path = ''
as $$
begin
  if not private.can_see_class_pupils(p_class) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  return query
    select r.id, r.goal, r.opened_at, r.closed_at,
           (select count(*)::int from public.need_answers a
             join public.pupils p on p.id = a.pupil_id and p.class_id = r.class_id
             where a.round_id = r.id),
           (select count(*)::int from public.pupils p where p.class_id = r.class_id)
    from public.need_rounds r
    where r.class_id = p_class
    order by r.opened_at desc
    limit 100;
end
$$;
revoke execute on function public.class_need_rounds(uuid) from public, anon, authenticated;
grant execute on function public.class_need_rounds(uuid) to authenticated;

-- Every pupil of the round's class, with their answer if they gave one: non-answers are listed,
-- not counted as "no". For the class's teachers, the coach and admins.
create function public.need_round_answers(p_round uuid)
returns table (
  pupil_id uuid, first_name text, answered boolean, needs text[], goal_step text, own_words text,
  has_drawing boolean, tops text[], tips text[], top_words text, tip_words text,
  has_feedback_drawing boolean, updated_at timestamptz
)
language plpgsql stable security definer set search_path = ''
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
end
$$;
revoke execute on function public.need_round_answers(uuid) from public, anon, authenticated;
grant execute on function public.need_round_answers(uuid) to authenticated;

-- ---------------------------------------------------------------------------------------
-- Functions: the pupil's own answers
-- ---------------------------------------------------------------------------------------

-- The signed-in pupil's open round (if any) and their answer so far.
create function public.my_need_round()
returns table (
  round_id uuid, goal text, opened_at timestamptz, answered boolean, needs text[], goal_step text,
  own_words text, has_drawing boolean, tops text[], tips text[], top_words text, tip_words text,
  has_feedback_drawing boolean
)
language sql stable security invoker set search_path = ''
as $$
  select r.id, r.goal, r.opened_at, a.pupil_id is not null, coalesce(a.needs, '{}'), a.goal_step,
         a.own_words, a.drawing_path is not null, coalesce(a.tops, '{}'), coalesce(a.tips, '{}'),
         a.top_words, a.tip_words, a.feedback_drawing_path is not null
  from public.pupils p
  join public.need_rounds r on r.class_id = p.class_id and r.closed_at is null
  left join public.need_answers a on a.round_id = r.id and a.pupil_id = p.id
  where p.user_id is not null and p.user_id = (select auth.uid())
$$;
revoke execute on function public.my_need_round() from public, anon, authenticated;
grant execute on function public.my_need_round() to authenticated;

-- The answer row of the signed-in pupil in an open round of their class, created on first use.
create function private.my_answer_row(p_round uuid)
returns public.need_answers
language plpgsql volatile security definer set search_path = ''
as $$
declare
  v_pupil public.pupils := private.my_open_round(p_round);
  v_answer public.need_answers;
begin
  insert into public.need_answers (round_id, pupil_id, school_id, class_id)
  values (p_round, v_pupil.id, v_pupil.school_id, v_pupil.class_id)
  on conflict (round_id, pupil_id) do nothing;
  select * into v_answer from public.need_answers a
  where a.round_id = p_round and a.pupil_id = v_pupil.id
  for update;
  return v_answer;
end
$$;
revoke execute on function private.my_answer_row(uuid) from public;
grant execute on function private.my_answer_row(uuid) to service_role;

-- What helps me (needs), what helps me from this teacher (tops), what could be different (tips).
create function public.save_my_choices(p_round uuid, p_kind text, p_ids text[])
returns text[]
language plpgsql volatile security definer set search_path = ''
as $$
declare
  v_answer public.need_answers;
begin
  if p_kind is null or p_kind not in ('needs', 'tops', 'tips') then
    raise exception using errcode = 'P0001', message = 'invalid';
  end if;
  if not private.valid_need_list(p_ids) then
    raise exception using errcode = 'P0001', message = 'unknown_pictogram';
  end if;
  v_answer := private.my_answer_row(p_round);
  update public.need_answers a
  set needs = case when p_kind = 'needs' then p_ids else a.needs end,
      tops = case when p_kind = 'tops' then p_ids else a.tops end,
      tips = case when p_kind = 'tips' then p_ids else a.tips end,
      updated_at = now()
  where a.round_id = v_answer.round_id and a.pupil_id = v_answer.pupil_id;
  return p_ids;
end
$$;
revoke execute on function public.save_my_choices(uuid, text, text[]) from public, anon, authenticated;
grant execute on function public.save_my_choices(uuid, text, text[]) to authenticated;

-- Where I am on the goal.
create function public.save_my_goal_step(p_round uuid, p_step text)
returns text
language plpgsql volatile security definer set search_path = ''
as $$
declare
  v_answer public.need_answers;
begin
  if p_step is not null and not (p_step = any (private.goal_steps())) then
    raise exception using errcode = 'P0001', message = 'unknown_pictogram';
  end if;
  v_answer := private.my_answer_row(p_round);
  if not exists (select 1 from public.need_rounds r where r.id = p_round and r.goal is not null) then
    raise exception using errcode = 'P0001', message = 'no_goal';
  end if;
  update public.need_answers a set goal_step = p_step, updated_at = now()
  where a.round_id = v_answer.round_id and a.pupil_id = v_answer.pupil_id;
  return p_step;
end
$$;
revoke execute on function public.save_my_goal_step(uuid, text) from public, anon, authenticated;
grant execute on function public.save_my_goal_step(uuid, text) to authenticated;

-- My own words, for the needs, the tops or the tips. Empty removes them.
create function public.save_my_words(p_round uuid, p_kind text, p_words text)
returns text
language plpgsql volatile security definer set search_path = ''
as $$
declare
  v_answer public.need_answers;
  v_words text := nullif(btrim(p_words), '');
begin
  if p_kind is null or p_kind not in ('needs', 'tops', 'tips') then
    raise exception using errcode = 'P0001', message = 'invalid';
  end if;
  if v_words is not null and (char_length(v_words) > 300 or not private.is_clean_text(v_words)) then
    raise exception using errcode = 'P0001', message = 'invalid';
  end if;
  v_answer := private.my_answer_row(p_round);
  update public.need_answers a
  set own_words = case when p_kind = 'needs' then v_words else a.own_words end,
      top_words = case when p_kind = 'tops' then v_words else a.top_words end,
      tip_words = case when p_kind = 'tips' then v_words else a.tip_words end,
      updated_at = now()
  where a.round_id = v_answer.round_id and a.pupil_id = v_answer.pupil_id;
  return v_words;
end
$$;
revoke execute on function public.save_my_words(uuid, text, text) from public, anon, authenticated;
grant execute on function public.save_my_words(uuid, text, text) to authenticated;

-- My drawing, for the needs or for the teacher: its path in storage (under my own folder), or
-- null to remove it. Returns the path it replaces, for the server to delete.
create function public.set_my_drawing(p_round uuid, p_kind text, p_path text)
returns text
language plpgsql volatile security definer set search_path = ''
as $$
declare
  v_answer public.need_answers;
  v_old text;
begin
  if p_kind is null or p_kind not in ('needs', 'feedback') then
    raise exception using errcode = 'P0001', message = 'invalid';
  end if;
  v_answer := private.my_answer_row(p_round);
  if p_path is not null and (
    p_path !~ '^[0-9a-f-]{36}/[0-9a-f-]{36}/[0-9a-f-]{36}\.png$'
    or split_part(p_path, '/', 1) <> v_answer.school_id::text
    or split_part(p_path, '/', 2) <> v_answer.pupil_id::text
  ) then
    raise exception using errcode = 'P0001', message = 'invalid';
  end if;
  v_old := case when p_kind = 'needs' then v_answer.drawing_path else v_answer.feedback_drawing_path end;
  update public.need_answers a
  set drawing_path = case when p_kind = 'needs' then p_path else a.drawing_path end,
      feedback_drawing_path = case when p_kind = 'feedback' then p_path else a.feedback_drawing_path end,
      updated_at = now()
  where a.round_id = v_answer.round_id and a.pupil_id = v_answer.pupil_id;
  return nullif(v_old, p_path);
end
$$;
revoke execute on function public.set_my_drawing(uuid, text, text) from public, anon, authenticated;
grant execute on function public.set_my_drawing(uuid, text, text) to authenticated;

-- Where a drawing is stored, for whoever may see the answer (the file route asks this first).
create function public.need_drawing_path(p_round uuid, p_pupil uuid, p_kind text)
returns text
language sql stable security invoker set search_path = ''
as $$
  select case when p_kind = 'feedback' then a.feedback_drawing_path else a.drawing_path end
  from public.need_answers a
  where a.round_id = p_round and a.pupil_id = p_pupil
$$;
revoke execute on function public.need_drawing_path(uuid, uuid, text) from public, anon, authenticated;
grant execute on function public.need_drawing_path(uuid, uuid, text) to authenticated;

-- ---------------------------------------------------------------------------------------
-- Functions: the class plan
-- ---------------------------------------------------------------------------------------

create function public.class_plan(p_round uuid)
returns table (pupil_id uuid, circle text)
language plpgsql stable security invoker set search_path = ''
as $$
declare
  v_round public.need_rounds;
begin
  select * into v_round from public.need_rounds r where r.id = p_round;
  if v_round.id is null or not private.can_see_class_pupils(v_round.class_id) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  return query
    select pp.pupil_id, pp.circle from public.plan_places pp
    join public.pupils p on p.id = pp.pupil_id and p.class_id = v_round.class_id
    where pp.round_id = p_round;
end
$$;
revoke execute on function public.class_plan(uuid) from public, anon, authenticated;
grant execute on function public.class_plan(uuid) to authenticated;

-- Saves the whole plan at once: `[{"pupil": id, "circle": "basis"}, …]`, pupils of the class only.
create function public.save_class_plan(p_round uuid, p_places jsonb)
returns int
language plpgsql volatile security definer set search_path = ''
as $$
declare
  v_round public.need_rounds;
  v_count int;
begin
  select * into v_round from public.need_rounds r where r.id = p_round;
  if v_round.id is null or not private.can_see_class_pupils(v_round.class_id) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  if jsonb_typeof(p_places) <> 'array' or jsonb_array_length(p_places) > 40 then
    raise exception using errcode = 'P0001', message = 'invalid';
  end if;
  if exists (
    select 1 from jsonb_array_elements(p_places) e
    where jsonb_typeof(e) <> 'object'
      or not (e ->> 'circle' = any (private.plan_circles()))
      or not exists (
        select 1 from public.pupils p
        where p.id = private.uuid_or_null(e ->> 'pupil') and p.class_id = v_round.class_id
      )
  ) or (select count(distinct e ->> 'pupil') from jsonb_array_elements(p_places) e) <> jsonb_array_length(p_places) then
    raise exception using errcode = 'P0001', message = 'invalid';
  end if;
  delete from public.plan_places where round_id = p_round;
  insert into public.plan_places (round_id, pupil_id, class_id, circle)
  select p_round, (e ->> 'pupil')::uuid, v_round.class_id, e ->> 'circle'
  from jsonb_array_elements(p_places) e;
  get diagnostics v_count = row_count;
  return v_count;
end
$$;
revoke execute on function public.save_class_plan(uuid, jsonb) from public, anon, authenticated;
grant execute on function public.save_class_plan(uuid, jsonb) to authenticated;

-- ---------------------------------------------------------------------------------------
-- Functions: the school view and the parent's view
-- ---------------------------------------------------------------------------------------

-- Per class and need, for each class's latest round: counts only, never names, and any count
-- below 5 as null ("fewer than 5"). For the school's admins and coach.
create function public.school_needs_overview(p_school uuid)
returns table (
  class_id uuid, class_name text, round_id uuid, opened_at timestamptz, closed_at timestamptz,
  answered int, need text, pupils int
)
language plpgsql stable security definer set search_path = ''
as $$
begin
  if not private.sees_all_classes(p_school) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  -- One pass over the latest rounds' answers: how many answered, and per need how many chose it.
  return query
    with latest as (
      select distinct on (r.class_id) r.id, r.class_id, r.opened_at, r.closed_at
      from public.need_rounds r
      where r.school_id = p_school
      order by r.class_id, r.opened_at desc
    ),
    answered as (
      select a.round_id, count(*)::int as n
      from public.need_answers a join latest l on l.id = a.round_id
      group by a.round_id
    ),
    chosen as (
      select a.round_id, x.need, count(*)::int as n
      from public.need_answers a
      join latest l on l.id = a.round_id
      cross join unnest(a.needs) as x(need)
      group by a.round_id, x.need
    )
    select c.id, c.name, l.id, l.opened_at, l.closed_at,
           case when coalesce(an.n, 0) < 5 then null else an.n end,
           n.need,
           case when coalesce(ch.n, 0) < 5 then null else ch.n end
    from latest l
    join public.classes c on c.id = l.class_id
    cross join unnest(private.need_ids()) with ordinality as n(need, ord)
    left join answered an on an.round_id = l.id
    left join chosen ch on ch.round_id = l.id and ch.need = n.need
    order by lower(c.name), n.ord;
end
$$;
revoke execute on function public.school_needs_overview(uuid) from public, anon, authenticated;
grant execute on function public.school_needs_overview(uuid) to authenticated;

-- A parent's children, each with their class's latest round (the open one, else the last
-- closed one) and the child's answer in it.
create function public.my_children_needs()
returns table (
  pupil_id uuid, first_name text, round_id uuid, goal text, opened_at timestamptz,
  closed_at timestamptz, answered boolean, needs text[], goal_step text, own_words text,
  has_drawing boolean
)
language sql stable security invoker set search_path = ''
as $$
  select p.id, p.first_name, r.id, r.goal, r.opened_at, r.closed_at, a.pupil_id is not null,
         coalesce(a.needs, '{}'), a.goal_step, a.own_words, a.drawing_path is not null
  from public.pupils p
  join lateral (
    select * from public.need_rounds r
    where r.class_id = p.class_id
    order by (r.closed_at is null) desc, r.opened_at desc
    limit 1
  ) r on true
  left join public.need_answers a on a.round_id = r.id and a.pupil_id = p.id
  where private.is_guardian_of(p.id)
  order by lower(p.first_name)
$$;
revoke execute on function public.my_children_needs() from public, anon, authenticated;
grant execute on function public.my_children_needs() to authenticated;

-- ---------------------------------------------------------------------------------------
-- Functions: voices
-- ---------------------------------------------------------------------------------------

-- The recordings a pupil's board may play, in a language: the pupil's own first, then the
-- school's. One row per key.
create function public.my_voices(p_locale public.locale_code)
returns table (key text, recording_id uuid)
language sql stable security invoker set search_path = ''
as $$
  select distinct on (v.key) v.key, v.id
  from public.voice_recordings v
  join public.pupils p on p.school_id = v.school_id and (v.pupil_id is null or v.pupil_id = p.id)
  where p.user_id is not null and p.user_id = (select auth.uid()) and v.locale = p_locale
  order by v.key, (v.pupil_id is null)
$$;
revoke execute on function public.my_voices(public.locale_code) from public, anon, authenticated;
grant execute on function public.my_voices(public.locale_code) to authenticated;

-- The recordings of a school (p_pupil null: for every pupil) or of one child, in a language.
-- Staff see the school's; a parent sees their child's.
create function public.voice_recordings(p_school uuid, p_pupil uuid, p_locale public.locale_code)
returns table (key text, recording_id uuid, created_at timestamptz)
language plpgsql stable security invoker set search_path = ''
as $$
begin
  if not (
    (p_pupil is null and private.is_school_staff(p_school))
    or (p_pupil is not null and private.is_guardian_of(p_pupil)
        and exists (select 1 from public.pupils p where p.id = p_pupil and p.school_id = p_school))
  ) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  return query
    select v.key, v.id, v.created_at from public.voice_recordings v
    where v.school_id = p_school and v.locale = p_locale
      and v.pupil_id is not distinct from p_pupil
    order by array_position(private.voice_keys(), v.key);
end
$$;
revoke execute on function public.voice_recordings(uuid, uuid, public.locale_code) from public, anon, authenticated;
grant execute on function public.voice_recordings(uuid, uuid, public.locale_code) to authenticated;

-- How many keys still lack a school voice, per language.
create function public.school_voice_gaps(p_school uuid)
returns table (locale text, recorded int, missing int)
language plpgsql stable security invoker set search_path = ''
as $$
begin
  if not private.is_school_staff(p_school) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  return query
    select l.code, count(v.id)::int, (cardinality(private.voice_keys()) - count(v.id))::int
    from unnest(array['nl', 'ar', 'en', 'uk', 'pl', 'tr']) as l(code)
    left join public.voice_recordings v
      on v.school_id = p_school and v.pupil_id is null and v.locale::text = l.code
    group by l.code
    order by array_position(array['nl', 'ar', 'en', 'uk', 'pl', 'tr'], l.code);
end
$$;
revoke execute on function public.school_voice_gaps(uuid) from public, anon, authenticated;
grant execute on function public.school_voice_gaps(uuid) to authenticated;

-- Saves a recording already stored at p_path (under `<school>/school/` or `<school>/<pupil>/`),
-- replacing the one for that key. Returns the path it replaces, for the server to delete.
create function public.save_voice_recording(
  p_school uuid, p_pupil uuid, p_locale public.locale_code, p_key text, p_path text
)
returns text
language plpgsql volatile security definer set search_path = ''
as $$
declare
  v_old text;
begin
  if not (
    (p_pupil is null and private.is_school_staff(p_school))
    or (p_pupil is not null and private.is_guardian_of(p_pupil)
        and exists (select 1 from public.pupils p where p.id = p_pupil and p.school_id = p_school))
  ) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  if p_key is null or not (p_key = any (private.voice_keys())) or p_locale is null then
    raise exception using errcode = 'P0001', message = 'invalid';
  end if;
  if p_path is null
    or p_path !~ '^[0-9a-f-]{36}/([0-9a-f-]{36}|school)/[0-9a-f-]{36}\.(webm|ogg|m4a|mp3|wav)$'
    or split_part(p_path, '/', 1) <> p_school::text
    or split_part(p_path, '/', 2) <> coalesce(p_pupil::text, 'school') then
    raise exception using errcode = 'P0001', message = 'invalid';
  end if;
  select v.path into v_old from public.voice_recordings v
  where v.school_id = p_school and v.pupil_id is not distinct from p_pupil
    and v.locale = p_locale and v.key = p_key
  for update;
  delete from public.voice_recordings v
  where v.school_id = p_school and v.pupil_id is not distinct from p_pupil
    and v.locale = p_locale and v.key = p_key;
  insert into public.voice_recordings (school_id, pupil_id, locale, key, path, recorded_by)
  values (p_school, p_pupil, p_locale, p_key, p_path, (select auth.uid()));
  return v_old;
end
$$;
revoke execute on function public.save_voice_recording(uuid, uuid, public.locale_code, text, text) from public, anon, authenticated;
grant execute on function public.save_voice_recording(uuid, uuid, public.locale_code, text, text) to authenticated;

-- Removes a recording; returns its path for the server to delete.
create function public.delete_voice_recording(p_recording uuid)
returns text
language plpgsql volatile security definer set search_path = ''
as $$
declare
  v_rec public.voice_recordings;
begin
  select * into v_rec from public.voice_recordings v where v.id = p_recording for update;
  if v_rec.id is null or not (
    (v_rec.pupil_id is null and private.is_school_staff(v_rec.school_id))
    or (v_rec.pupil_id is not null and private.is_guardian_of(v_rec.pupil_id))
  ) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  delete from public.voice_recordings where id = p_recording;
  return v_rec.path;
end
$$;
revoke execute on function public.delete_voice_recording(uuid) from public, anon, authenticated;
grant execute on function public.delete_voice_recording(uuid) to authenticated;

-- Where a recording is stored, for whoever may hear it (the file route asks this first).
create function public.voice_recording_path(p_recording uuid)
returns text
language sql stable security invoker set search_path = ''
as $$
  select v.path from public.voice_recordings v where v.id = p_recording
$$;
revoke execute on function public.voice_recording_path(uuid) from public, anon, authenticated;
grant execute on function public.voice_recording_path(uuid) to authenticated;
