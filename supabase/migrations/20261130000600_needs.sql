-- Pupils' needs: "I learn best…" in rounds a teacher opens for a class, the pupil's own step on
-- a goal, tops and tips for the teacher, the class plan in differentiation circles, group plans
-- with their evaluation (groepsplan, groepsbespreking), the pupil-drawings bucket, and voices
-- recorded for the pictograms' labels. DOMAIN §2.
--
-- Who sees what: a pupil their own answers; a class's teachers (and the school's coach and
-- admins) the class's answers with names; a parent their own child's; the school view counts
-- only, with any count below 5 shown as "fewer than 5". Pupils write only through the functions
-- below, which take no pupil argument: a pupil answers for themselves or not at all.
--
-- The id lists are the app's (src/domain/pictograms.ts), tied by tests/db/schema.test.ts.
--
-- Layout and the rule for later changes: the opening of …_schools_people.sql.

-- ---------------------------------------------------------------------------------------
-- Helpers the tables' checks use
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
  cards text[] check (cards is null or (private.valid_need_list(cards) and cardinality(cards) >= 2)),
  foreign key (class_id, school_id) references public.classes (id, school_id) on delete cascade,
  check (closed_at is null or closed_at >= opened_at)
);
alter table public.need_rounds enable row level security;
comment on column public.need_rounds.cards is
  'The cards the needs board offers in this round (at least two of the nine); null: all nine.';

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
alter table public.need_answers enable row level security;

-- The class plan for a round's goal: which pupil is in which circle.
create table public.plan_places (
  round_id uuid not null references public.need_rounds (id) on delete cascade,
  pupil_id uuid not null references public.pupils (id) on delete cascade,
  class_id uuid not null references public.classes (id) on delete cascade,
  circle text not null check (circle = any (private.plan_circles())),
  primary key (round_id, pupil_id)
);
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
alter table public.voice_recordings enable row level security;

-- A groepsplan for a class and a period, built from a needs round's circles (round_id), possibly
-- linked to a needs round on its goal (goal_round_id: the pupils' own step is part of the
-- evaluation), started from the previous period's plan (previous_id).
create table public.group_plans (
  id uuid primary key default gen_random_uuid(),
  school_id uuid not null,
  class_id uuid not null,
  round_id uuid references public.need_rounds (id) on delete set null,
  goal_round_id uuid references public.need_rounds (id) on delete set null,
  previous_id uuid references public.group_plans (id) on delete set null,
  period text not null check (char_length(btrim(period)) between 1 and 80 and private.is_clean_text(period)),
  evaluate_on date not null,
  evaluated_at timestamptz,
  created_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  foreign key (class_id, school_id) references public.classes (id, school_id) on delete cascade
);
alter table public.group_plans enable row level security;

-- One circle of a plan (basis, the ears, the earrings): the goal, the approach (aanpak:
-- instruction, practice, enrichment, materials), the needs the group shares, the organisation,
-- points of attention; and its evaluation: what was reached, what worked, what next.
create table public.group_plan_circles (
  plan_id uuid not null references public.group_plans (id) on delete cascade,
  circle text not null check (circle = any (private.plan_circles())),
  goal text check (goal is null or (char_length(goal) <= 300 and private.is_clean_text(goal))),
  instruction text check (instruction is null or (char_length(instruction) <= 600 and private.is_clean_text(instruction))),
  practice text check (practice is null or (char_length(practice) <= 600 and private.is_clean_text(practice))),
  enrichment text check (enrichment is null or (char_length(enrichment) <= 600 and private.is_clean_text(enrichment))),
  materials text check (materials is null or (char_length(materials) <= 300 and private.is_clean_text(materials))),
  shared_needs text[] not null default '{}' check (private.valid_need_list(shared_needs)),
  organisation text check (organisation is null or (char_length(organisation) <= 300 and private.is_clean_text(organisation))),
  attention text check (attention is null or (char_length(attention) <= 600 and private.is_clean_text(attention))),
  reached text check (reached is null or (char_length(reached) <= 600 and private.is_clean_text(reached))),
  worked text check (worked is null or (char_length(worked) <= 600 and private.is_clean_text(worked))),
  next_step text check (next_step is null or (char_length(next_step) <= 600 and private.is_clean_text(next_step))),
  primary key (plan_id, circle)
);
alter table public.group_plan_circles enable row level security;

-- Which pupil is in which circle of a plan, and (after the evaluation) the circle they go to
-- next: the same (stays), one with less support (up), or one with more (moves).
create table public.group_plan_pupils (
  plan_id uuid not null references public.group_plans (id) on delete cascade,
  pupil_id uuid not null references public.pupils (id) on delete cascade,
  circle text not null check (circle = any (private.plan_circles())),
  next_circle text check (next_circle is null or next_circle = any (private.plan_circles())),
  primary key (plan_id, pupil_id)
);
alter table public.group_plan_pupils enable row level security;

-- What helps and what hinders a pupil (bevorderende en belemmerende factoren), in a few words,
-- kept by the class's teachers, the coach and admins.
create table public.pupil_notes (
  pupil_id uuid primary key references public.pupils (id) on delete cascade,
  school_id uuid not null references public.schools (id) on delete cascade,
  helps text check (helps is null or (char_length(helps) <= 600 and private.is_clean_text(helps))),
  hinders text check (hinders is null or (char_length(hinders) <= 600 and private.is_clean_text(hinders))),
  updated_by uuid references auth.users (id) on delete set null,
  updated_at timestamptz not null default now()
);
alter table public.pupil_notes enable row level security;

-- What was agreed in a groepsbespreking (the coach with the class's teacher) about a plan.
create table public.group_discussions (
  id uuid primary key default gen_random_uuid(),
  plan_id uuid not null references public.group_plans (id) on delete cascade,
  school_id uuid not null references public.schools (id) on delete cascade,
  class_id uuid not null references public.classes (id) on delete cascade,
  agreed text not null check (char_length(btrim(agreed)) between 1 and 1000 and private.is_clean_text(agreed)),
  written_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now()
);
alter table public.group_discussions enable row level security;

insert into storage.buckets (id, name, public, file_size_limit, allowed_mime_types)
values
  ('pupil-drawings', 'pupil-drawings', false, 2097152, array['image/png']),
  ('voices', 'voices', false, 1048576, array['audio/webm', 'audio/ogg', 'audio/mp4', 'audio/mpeg', 'audio/wav'])
on conflict (id) do nothing;

-- ---------------------------------------------------------------------------------------
-- Who may use the tables directly (everything else goes through the functions below)
-- ---------------------------------------------------------------------------------------

-- Nobody writes these tables directly (PostgREST would let a signed-in person try): every change
-- goes through a function below, which checks who the caller is. Anonymous visitors get nothing.
revoke all on public.need_rounds, public.need_answers, public.plan_places, public.voice_recordings from anon;
revoke insert, update, delete, truncate on public.need_rounds, public.need_answers, public.plan_places, public.voice_recordings
  from authenticated;
revoke all on public.group_plans, public.group_plan_circles, public.group_plan_pupils, public.pupil_notes,
  public.group_discussions from anon;
revoke insert, update, delete, truncate on public.group_plans, public.group_plan_circles, public.group_plan_pupils,
  public.pupil_notes, public.group_discussions from authenticated;
-- A pupil's note is read through public.pupil_overview only, which logs the read.
revoke select on public.pupil_notes from authenticated;

-- ---------------------------------------------------------------------------------------
-- Indexes
-- ---------------------------------------------------------------------------------------

create index need_rounds_class_idx on public.need_rounds (class_id, opened_at desc);
create index need_rounds_school_idx on public.need_rounds (school_id, class_id, opened_at desc);
create index need_answers_pupil_idx on public.need_answers (pupil_id);
create index need_answers_class_idx on public.need_answers (class_id);
create index plan_places_class_idx on public.plan_places (class_id);
create unique index voice_recordings_one_per_key
  on public.voice_recordings (school_id, coalesce(pupil_id, '00000000-0000-0000-0000-000000000000'::uuid), locale, key);
create index group_plans_class_idx on public.group_plans (class_id, created_at desc);
create index group_plans_school_idx on public.group_plans (school_id, class_id, created_at desc);
create unique index group_plans_one_next on public.group_plans (previous_id) where previous_id is not null;
create index group_plan_pupils_pupil_idx on public.group_plan_pupils (pupil_id);
create index group_discussions_plan_idx on public.group_discussions (plan_id, created_at desc);

-- ---------------------------------------------------------------------------------------
-- Helpers the policies share (about the caller only)
-- ---------------------------------------------------------------------------------------

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
-- Row level security policies
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

-- Carrying out a parent's request removes the voices they recorded for their child; the admin
-- removes those files (the parent's rows are gone by then).
create policy "admins remove their school's voices" on storage.objects
  for delete to authenticated
  using (
    bucket_id = 'voices'
    and (select private.is_school_admin(private.uuid_or_null((storage.foldername(name))[1])))
  );

create policy "only the pupil and their parents read answers directly; staff through need_round_answers()"
  on public.need_answers as restrictive for select to authenticated
  using ((select private.is_pupil_self(pupil_id)) or (select private.is_guardian_of(pupil_id)));

create policy "the class's teachers, the coach and admins see its group plans" on public.group_plans
  for select to authenticated
  using ((select private.can_see_class_pupils(class_id)));

create policy "the class's teachers, the coach and admins see a plan's circles" on public.group_plan_circles
  for select to authenticated
  using (exists (select 1 from public.group_plans g where g.id = plan_id and private.can_see_class_pupils(g.class_id)));

create policy "the class's teachers, the coach and admins see who is in which circle" on public.group_plan_pupils
  for select to authenticated
  using (exists (select 1 from public.group_plans g where g.id = plan_id and private.can_see_class_pupils(g.class_id)));

create policy "the class's teachers, the coach and admins see a pupil's note" on public.pupil_notes
  for select to authenticated
  using (exists (select 1 from public.pupils p where p.id = pupil_id and private.can_see_class_pupils(p.class_id)));

create policy "the class's teachers, the coach and admins see what was agreed" on public.group_discussions
  for select to authenticated
  using ((select private.can_see_class_pupils(class_id)));

-- ---------------------------------------------------------------------------------------
-- Functions
-- ---------------------------------------------------------------------------------------

-- The signed-in pupil's row (or nothing).
create function private.my_pupil_row()
returns public.pupils
language sql stable security definer set search_path = ''
as $$
  select p.* from private.current_pupils p
  where p.user_id is not null and p.user_id = (select auth.uid())
$$;
revoke execute on function private.my_pupil_row() from public;
grant execute on function private.my_pupil_row() to service_role;

-- Whether a round is open now.
create function private.round_is_open(p_closed_at timestamptz)
returns boolean
language sql stable set search_path = ''
as $$
  select p_closed_at is null or p_closed_at > now()
$$;
revoke execute on function private.round_is_open(timestamptz) from public;
grant execute on function private.round_is_open(timestamptz) to service_role;

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
  if not private.round_is_open(v_round.closed_at) then
    raise exception using errcode = 'P0001', message = 'round_closed';
  end if;
  return v_pupil;
end
$$;
revoke execute on function private.my_open_round(uuid) from public;
grant execute on function private.my_open_round(uuid) to service_role;

-- Closes a round: answers can no longer be changed. A reopened round closes now.
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
  if not private.round_is_open(v_round.closed_at) then
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
           (select count(*)::int from public.pupils p
             where p.class_id = r.class_id
               and (exists (select 1 from private.current_pupils c where c.id = p.id)
                    or exists (select 1 from public.need_answers a where a.round_id = r.id and a.pupil_id = p.id)))
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
    where p.class_id = v_round.class_id and (exists (select 1 from private.current_pupils c where c.id = p.id) or a.pupil_id is not null)
    order by lower(p.first_name);
  perform private.log_pupil_reads(
    array(select a.pupil_id from public.need_answers a where a.round_id = p_round), 'needs_answers');
end
$$;
revoke execute on function public.need_round_answers(uuid) from public, anon, authenticated;
grant execute on function public.need_round_answers(uuid) to authenticated;

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
-- The needs are the round's cards only.
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
  if p_kind = 'needs' and exists (
    select 1 from public.need_rounds r where r.id = p_round and r.cards is not null and not (p_ids <@ r.cards)
  ) then
    raise exception using errcode = 'P0001', message = 'unknown_pictogram';
  end if;
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
-- A definer function: who may see the answer is checked here (staff no longer read the answers
-- table directly; see the policies above), and a staff member's read is logged.
create function public.need_drawing_path(p_round uuid, p_pupil uuid, p_kind text)
returns text
language plpgsql volatile security definer set search_path = ''
as $$
declare
  v_path text;
begin
  select case when p_kind = 'feedback' then a.feedback_drawing_path else a.drawing_path end into v_path
  from public.need_answers a
  where a.round_id = p_round and a.pupil_id = p_pupil
    and (private.is_pupil_self(a.pupil_id) or private.is_guardian_of(a.pupil_id) or private.can_see_class_pupils(a.class_id));
  if v_path is not null then
    perform private.log_pupil_reads(array[p_pupil], 'drawing');
  end if;
  return v_path;
end
$$;
revoke execute on function public.need_drawing_path(uuid, uuid, text) from public, anon, authenticated;
grant execute on function public.need_drawing_path(uuid, uuid, text) to authenticated;

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

-- How much support a circle gives, from most (very intensive) to least (very deepened).
create function private.circle_rank(p_circle text)
returns int
language sql immutable set search_path = ''
as $$
  select array_position(array['very-intensive', 'intensive', 'basis', 'deepened', 'very-deepened'], p_circle)
$$;
revoke execute on function private.circle_rank(text) from public;
grant execute on function private.circle_rank(text) to authenticated, service_role;

-- The needs a group of pupils shares: from each pupil's latest answer with needs in the class's
-- rounds, the needs at least half of those who answered chose, in the board's order.
create function private.shared_needs(p_class uuid, p_pupils uuid[])
returns text[]
language sql stable security definer set search_path = ''
as $$
  with latest as (
    select distinct on (a.pupil_id) a.pupil_id, a.needs
    from public.need_answers a join public.need_rounds r on r.id = a.round_id
    where a.class_id = p_class and a.pupil_id = any (p_pupils) and cardinality(a.needs) > 0
    order by a.pupil_id, r.opened_at desc
  ),
  counted as (
    select x.need, count(*) as n from latest l cross join unnest(l.needs) as x(need) group by x.need
  )
  select coalesce(array(
    select c.need from counted c
    where c.n * 2 >= (select count(*) from latest)
    order by array_position(private.need_ids(), c.need)
  ), '{}')
$$;
revoke execute on function private.shared_needs(uuid, uuid[]) from public;
grant execute on function private.shared_needs(uuid, uuid[]) to service_role;

-- The plan, if the caller may work on it (the class's teachers, the coach, admins). Raises otherwise.
create function private.my_group_plan(p_plan uuid)
returns public.group_plans
language plpgsql stable security definer set search_path = ''
as $$
declare
  v_plan public.group_plans;
begin
  select * into v_plan from public.group_plans g where g.id = p_plan;
  if v_plan.id is null or not private.can_see_class_pupils(v_plan.class_id) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  return v_plan;
end
$$;
revoke execute on function private.my_group_plan(uuid) from public;
grant execute on function private.my_group_plan(uuid) to service_role;

-- Checks `[{"pupil": id, "circle": "basis"}, …]`: pupils of the class, each once, known circles
-- (a pupil who left may be in a round's circles; the plan leaves them out).
create function private.check_places(p_class uuid, p_places jsonb)
returns void
language plpgsql stable security definer set search_path = ''
as $$
begin
  if p_places is null or jsonb_typeof(p_places) <> 'array' or jsonb_array_length(p_places) > 40 then
    raise exception using errcode = 'P0001', message = 'invalid';
  end if;
  if exists (
    select 1 from jsonb_array_elements(p_places) e
    where jsonb_typeof(e) <> 'object'
      or not (e ->> 'circle' = any (private.plan_circles()))
      or not exists (
        select 1 from public.pupils p
        where p.id = private.uuid_or_null(e ->> 'pupil') and p.class_id = p_class
      )
  ) or (select count(distinct e ->> 'pupil') from jsonb_array_elements(p_places) e) <> jsonb_array_length(p_places) then
    raise exception using errcode = 'P0001', message = 'invalid';
  end if;
end
$$;
revoke execute on function private.check_places(uuid, jsonb) from public;
grant execute on function private.check_places(uuid, jsonb) to service_role;

-- Fills a new plan: its pupils in their circles, and per circle with pupils (the basis always)
-- a row with the needs those pupils share; the text copied from `p_from` (the previous plan),
-- the next step it named becoming the goal.
create function private.fill_group_plan(p_plan public.group_plans, p_places jsonb, p_from uuid)
returns void
language plpgsql volatile security definer set search_path = ''
as $$
begin
  insert into public.group_plan_pupils (plan_id, pupil_id, circle)
  select p_plan.id, p.id, e ->> 'circle' from jsonb_array_elements(p_places) e
  join private.current_pupils p on p.id = (e ->> 'pupil')::uuid;
  insert into public.group_plan_circles (plan_id, circle, shared_needs, goal, instruction, practice, enrichment,
                                         materials, organisation, attention)
  select p_plan.id, c.circle,
         private.shared_needs(p_plan.class_id, array(
           select gp.pupil_id from public.group_plan_pupils gp where gp.plan_id = p_plan.id and gp.circle = c.circle)),
         coalesce(prev.next_step, prev.goal), prev.instruction, prev.practice, prev.enrichment, prev.materials,
         prev.organisation, prev.attention
  from unnest(private.plan_circles()) as c(circle)
  left join public.group_plan_circles prev on prev.plan_id = p_from and prev.circle = c.circle
  where c.circle = 'basis'
     or exists (select 1 from public.group_plan_pupils gp where gp.plan_id = p_plan.id and gp.circle = c.circle);
end
$$;
revoke execute on function private.fill_group_plan(public.group_plans, jsonb, uuid) from public;
grant execute on function private.fill_group_plan(public.group_plans, jsonb, uuid) to service_role;

-- Makes a groepsplan from a round's circles (`[{"pupil": id, "circle": "basis"}, …]`, as the
-- circles page shows them), for a period, with an evaluation date not in the past.
create function public.create_group_plan(p_round uuid, p_places jsonb, p_period text, p_evaluate_on date)
returns uuid
language plpgsql volatile security definer set search_path = ''
as $$
declare
  v_round public.need_rounds;
  v_plan public.group_plans;
begin
  select * into v_round from public.need_rounds r where r.id = p_round;
  if v_round.id is null or not private.can_see_class_pupils(v_round.class_id) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  if p_evaluate_on is null or p_evaluate_on < current_date or p_evaluate_on > current_date + 400 then
    raise exception using errcode = 'P0001', message = 'invalid_date';
  end if;
  perform private.check_places(v_round.class_id, p_places);
  insert into public.group_plans (school_id, class_id, round_id, goal_round_id, period, evaluate_on, created_by)
  values (v_round.school_id, v_round.class_id, v_round.id, case when v_round.goal is not null then v_round.id end,
          btrim(p_period), p_evaluate_on, (select auth.uid()))
  returning * into v_plan;
  perform private.fill_group_plan(v_plan, p_places, null);
  return v_plan.id;
end
$$;
revoke execute on function public.create_group_plan(uuid, jsonb, text, date) from public, anon, authenticated;
grant execute on function public.create_group_plan(uuid, jsonb, text, date) to authenticated;

-- A class's plans, newest first.
create function public.class_group_plans(p_class uuid)
returns table (plan_id uuid, period text, evaluate_on date, evaluated_at timestamptz, pupils int, created_at timestamptz)
language plpgsql stable security definer set search_path = ''
as $$
begin
  if not private.can_see_class_pupils(p_class) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  return query
    select g.id, g.period, g.evaluate_on, g.evaluated_at,
           (select count(*)::int from public.group_plan_pupils gp where gp.plan_id = g.id), g.created_at
    from public.group_plans g where g.class_id = p_class
    order by g.created_at desc;
end
$$;
revoke execute on function public.class_group_plans(uuid) from public, anon, authenticated;
grant execute on function public.class_group_plans(uuid) to authenticated;

-- One plan's facts: its class, period, dates, the rounds it comes from and links to, the plans
-- before and after it.
create function public.group_plan(p_plan uuid)
returns table (
  plan_id uuid, school_id uuid, class_id uuid, class_name text, period text, evaluate_on date,
  evaluated_at timestamptz, round_id uuid, goal_round_id uuid, goal text, previous_id uuid, next_id uuid,
  created_at timestamptz, updated_at timestamptz
)
language plpgsql stable security definer set search_path = ''
as $$
declare
  v_plan public.group_plans;
begin
  v_plan := private.my_group_plan(p_plan);
  return query
    select v_plan.id, v_plan.school_id, v_plan.class_id, c.name, v_plan.period, v_plan.evaluate_on,
           v_plan.evaluated_at, v_plan.round_id, v_plan.goal_round_id, r.goal, v_plan.previous_id,
           (select n.id from public.group_plans n where n.previous_id = v_plan.id), v_plan.created_at, v_plan.updated_at
    from public.classes c
    left join public.need_rounds r on r.id = v_plan.goal_round_id
    where c.id = v_plan.class_id;
end
$$;
revoke execute on function public.group_plan(uuid) from public, anon, authenticated;
grant execute on function public.group_plan(uuid) to authenticated;

-- A plan's circles, from most support to least, each with how many pupils and, when the plan is
-- linked to a round on its goal, how many of its pupils answered and how many said each step.
create function public.group_plan_circles(p_plan uuid)
returns table (
  circle text, goal text, instruction text, practice text, enrichment text, materials text,
  shared_needs text[], organisation text, attention text, reached text, worked text, next_step text,
  pupils int, answered int, not_yet int, almost int, can int
)
language plpgsql stable security definer set search_path = ''
as $$
declare
  v_plan public.group_plans;
begin
  v_plan := private.my_group_plan(p_plan);
  return query
    select gc.circle, gc.goal, gc.instruction, gc.practice, gc.enrichment, gc.materials, gc.shared_needs,
           gc.organisation, gc.attention, gc.reached, gc.worked, gc.next_step,
           count(gp.pupil_id)::int,
           count(a.goal_step)::int,
           count(*) filter (where a.goal_step = 'not-yet')::int,
           count(*) filter (where a.goal_step = 'almost')::int,
           count(*) filter (where a.goal_step in ('can', 'can-more'))::int
    from public.group_plan_circles gc
    left join public.group_plan_pupils gp on gp.plan_id = gc.plan_id and gp.circle = gc.circle
    left join public.need_answers a on a.round_id = v_plan.goal_round_id and a.pupil_id = gp.pupil_id
    where gc.plan_id = p_plan
    group by gc.plan_id, gc.circle
    order by private.circle_rank(gc.circle);
end
$$;
revoke execute on function public.group_plan_circles(uuid) from public, anon, authenticated;
grant execute on function public.group_plan_circles(uuid) to authenticated;

-- A plan's pupils: their circle, the circle they go to next (after the evaluation), and their
-- own step on the linked round's goal.
create function public.group_plan_pupils(p_plan uuid)
returns table (pupil_id uuid, first_name text, circle text, next_circle text, goal_step text)
language plpgsql volatile security definer set search_path = ''
as $$
declare
  v_plan public.group_plans;
begin
  v_plan := private.my_group_plan(p_plan);
  return query
    select gp.pupil_id, p.first_name, gp.circle, gp.next_circle, a.goal_step
    from public.group_plan_pupils gp
    join public.pupils p on p.id = gp.pupil_id
    left join public.need_answers a on a.round_id = v_plan.goal_round_id and a.pupil_id = gp.pupil_id
    where gp.plan_id = p_plan
    order by private.circle_rank(gp.circle), lower(p.first_name);
  -- The pupils' own steps are their answers: a read of them, as on the round page.
  perform private.log_pupil_reads(
    array(select a.pupil_id from public.need_answers a join public.group_plan_pupils gp
            on gp.plan_id = p_plan and gp.pupil_id = a.pupil_id
          where a.round_id = v_plan.goal_round_id and a.goal_step is not null), 'needs_answers');
end
$$;
revoke execute on function public.group_plan_pupils(uuid) from public, anon, authenticated;
grant execute on function public.group_plan_pupils(uuid) to authenticated;

-- Changes a plan's period, evaluation date and the round linked to its goal (a round of the
-- same class, or none).
create function public.save_group_plan(p_plan uuid, p_period text, p_evaluate_on date, p_goal_round uuid)
returns void
language plpgsql volatile security definer set search_path = ''
as $$
declare
  v_plan public.group_plans;
begin
  v_plan := private.my_group_plan(p_plan);
  if v_plan.evaluated_at is not null then
    raise exception using errcode = 'P0001', message = 'plan_evaluated';
  end if;
  if p_evaluate_on is null or p_evaluate_on < v_plan.created_at::date or p_evaluate_on > v_plan.created_at::date + 400 then
    raise exception using errcode = 'P0001', message = 'invalid_date';
  end if;
  if p_goal_round is not null and not exists (
    select 1 from public.need_rounds r where r.id = p_goal_round and r.class_id = v_plan.class_id
  ) then
    raise exception using errcode = 'P0001', message = 'invalid';
  end if;
  update public.group_plans g
  set period = btrim(p_period), evaluate_on = p_evaluate_on, goal_round_id = p_goal_round, updated_at = now()
  where g.id = p_plan;
end
$$;
revoke execute on function public.save_group_plan(uuid, text, date, uuid) from public, anon, authenticated;
grant execute on function public.save_group_plan(uuid, text, date, uuid) to authenticated;

-- Saves one circle's plan: `{"goal", "instruction", "practice", "enrichment", "materials",
-- "organisation", "attention": text or null, "shared_needs": [need ids]}`.
create function public.save_group_plan_circle(p_plan uuid, p_circle text, p_fields jsonb)
returns void
language plpgsql volatile security definer set search_path = ''
as $$
declare
  v_plan public.group_plans;
  v_needs text[];
begin
  v_plan := private.my_group_plan(p_plan);
  if v_plan.evaluated_at is not null then
    raise exception using errcode = 'P0001', message = 'plan_evaluated';
  end if;
  if p_fields is null or jsonb_typeof(p_fields) <> 'object' or jsonb_typeof(coalesce(p_fields -> 'shared_needs', '[]')) <> 'array' then
    raise exception using errcode = 'P0001', message = 'invalid';
  end if;
  v_needs := array(select jsonb_array_elements_text(coalesce(p_fields -> 'shared_needs', '[]')));
  if not private.valid_need_list(v_needs) then
    raise exception using errcode = 'P0001', message = 'invalid';
  end if;
  update public.group_plan_circles gc
  set goal = nullif(btrim(p_fields ->> 'goal'), ''),
      instruction = nullif(btrim(p_fields ->> 'instruction'), ''),
      practice = nullif(btrim(p_fields ->> 'practice'), ''),
      enrichment = nullif(btrim(p_fields ->> 'enrichment'), ''),
      materials = nullif(btrim(p_fields ->> 'materials'), ''),
      organisation = nullif(btrim(p_fields ->> 'organisation'), ''),
      attention = nullif(btrim(p_fields ->> 'attention'), ''),
      shared_needs = v_needs
  where gc.plan_id = p_plan and gc.circle = p_circle;
  if not found then
    raise exception using errcode = 'P0001', message = 'invalid';
  end if;
  update public.group_plans g set updated_at = now() where g.id = p_plan;
end
$$;
revoke execute on function public.save_group_plan_circle(uuid, text, jsonb) from public, anon, authenticated;
grant execute on function public.save_group_plan_circle(uuid, text, jsonb) to authenticated;

-- The evaluation: per circle `[{"circle", "reached", "worked", "next_step"}]`, per pupil
-- `[{"pupil", "circle"}]` (the circle they go to next; every pupil of the plan once). Only on or
-- after the evaluation date (the page says so before); it can be corrected until the next
-- period's plan is made.
create function public.evaluate_group_plan(p_plan uuid, p_circles jsonb, p_pupils jsonb)
returns void
language plpgsql volatile security definer set search_path = ''
as $$
begin
  perform private.my_group_plan(p_plan);
  if exists (select 1 from public.group_plans n where n.previous_id = p_plan) then
    raise exception using errcode = 'P0001', message = 'plan_continued';
  end if;
  if p_circles is null or jsonb_typeof(p_circles) <> 'array' or jsonb_array_length(p_circles) > 5
    or p_pupils is null or jsonb_typeof(p_pupils) <> 'array' or jsonb_array_length(p_pupils) > 40
    or exists (select 1 from jsonb_array_elements(p_circles) e where jsonb_typeof(e) <> 'object')
    or exists (select 1 from jsonb_array_elements(p_pupils) e
               where jsonb_typeof(e) <> 'object' or not (e ->> 'circle' = any (private.plan_circles())))
    or (select count(*) from public.group_plan_pupils gp where gp.plan_id = p_plan)
       <> (select count(distinct gp.pupil_id) from public.group_plan_pupils gp
           join jsonb_array_elements(p_pupils) e on private.uuid_or_null(e ->> 'pupil') = gp.pupil_id
           where gp.plan_id = p_plan)
    or jsonb_array_length(p_pupils) <> (select count(*) from public.group_plan_pupils gp where gp.plan_id = p_plan)
  then
    raise exception using errcode = 'P0001', message = 'invalid';
  end if;
  update public.group_plan_circles gc
  set reached = nullif(btrim(e ->> 'reached'), ''),
      worked = nullif(btrim(e ->> 'worked'), ''),
      next_step = nullif(btrim(e ->> 'next_step'), '')
  from jsonb_array_elements(p_circles) e
  where gc.plan_id = p_plan and gc.circle = e ->> 'circle';
  update public.group_plan_pupils gp
  set next_circle = e ->> 'circle'
  from jsonb_array_elements(p_pupils) e
  where gp.plan_id = p_plan and gp.pupil_id = private.uuid_or_null(e ->> 'pupil');
  update public.group_plans g set evaluated_at = now(), updated_at = now() where g.id = p_plan;
end
$$;
revoke execute on function public.evaluate_group_plan(uuid, jsonb, jsonb) from public, anon, authenticated;
grant execute on function public.evaluate_group_plan(uuid, jsonb, jsonb) to authenticated;

-- The next period's plan, started from an evaluated one: each pupil (still in the class) in the
-- circle the evaluation chose, each circle's next step as its goal, its approach carried over,
-- the shared needs from the pupils' latest answers. Pupils who joined since go to the basis.
create function public.next_group_plan(p_plan uuid, p_period text, p_evaluate_on date)
returns uuid
language plpgsql volatile security definer set search_path = ''
as $$
declare
  v_plan public.group_plans;
  v_next public.group_plans;
begin
  v_plan := private.my_group_plan(p_plan);
  if v_plan.evaluated_at is null then
    raise exception using errcode = 'P0001', message = 'plan_not_evaluated';
  end if;
  if exists (select 1 from public.group_plans n where n.previous_id = p_plan) then
    raise exception using errcode = 'P0001', message = 'plan_continued';
  end if;
  if p_evaluate_on is null or p_evaluate_on < current_date or p_evaluate_on > current_date + 400 then
    raise exception using errcode = 'P0001', message = 'invalid_date';
  end if;
  insert into public.group_plans (school_id, class_id, round_id, goal_round_id, previous_id, period, evaluate_on, created_by)
  values (v_plan.school_id, v_plan.class_id, v_plan.round_id, null, v_plan.id, btrim(p_period), p_evaluate_on, (select auth.uid()))
  returning * into v_next;
  perform private.fill_group_plan(v_next, coalesce((
    select jsonb_agg(jsonb_build_object('pupil', p.id, 'circle', coalesce(gp.next_circle, gp.circle, 'basis')))
    from private.current_pupils p
    left join public.group_plan_pupils gp on gp.plan_id = p_plan and gp.pupil_id = p.id
    where p.class_id = v_plan.class_id
  ), '[]'), p_plan);
  return v_next.id;
end
$$;
revoke execute on function public.next_group_plan(uuid, text, date) from public, anon, authenticated;
grant execute on function public.next_group_plan(uuid, text, date) to authenticated;

-- Everything the school's staff keep about one pupil's learning, for the class's teachers, the
-- coach and admins, as one value (one read, logged once): the note, the answers in every round
-- of their classes, the plans they were in with the evaluation, and their meetings with the
-- agreements.
create function public.pupil_overview(p_pupil uuid)
returns jsonb
language plpgsql volatile security definer set search_path = ''
as $$
declare
  v_pupil public.pupils;
  v_result jsonb;
begin
  select * into v_pupil from public.pupils p where p.id = p_pupil;
  if v_pupil.id is null or not private.can_see_class_pupils(v_pupil.class_id) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  select jsonb_build_object(
    'pupil_id', v_pupil.id,
    'first_name', v_pupil.first_name,
    'class_id', v_pupil.class_id,
    'class_name', (select c.name from public.classes c where c.id = v_pupil.class_id),
    'left', v_pupil.left_at is not null,
    'helps', n.helps,
    'hinders', n.hinders,
    'note_updated_at', n.updated_at,
    'answers', coalesce((
      select jsonb_agg(jsonb_build_object(
        'round_id', r.id, 'class_id', r.class_id, 'goal', r.goal, 'opened_at', r.opened_at, 'closed_at', r.closed_at,
        'answered', a.pupil_id is not null, 'needs', coalesce(to_jsonb(a.needs), '[]'), 'goal_step', a.goal_step,
        'own_words', a.own_words, 'has_drawing', a.drawing_path is not null,
        'tops', coalesce(to_jsonb(a.tops), '[]'), 'tips', coalesce(to_jsonb(a.tips), '[]'),
        'top_words', a.top_words, 'tip_words', a.tip_words) order by r.opened_at desc)
      from public.need_rounds r
      left join public.need_answers a on a.round_id = r.id and a.pupil_id = v_pupil.id
      where r.class_id = v_pupil.class_id or a.pupil_id is not null
    ), '[]'),
    'plans', coalesce((
      select jsonb_agg(jsonb_build_object(
        'plan_id', g.id, 'class_id', g.class_id, 'period', g.period, 'evaluate_on', g.evaluate_on,
        'evaluated_at', g.evaluated_at, 'circle', gp.circle, 'next_circle', gp.next_circle,
        'goal', gc.goal, 'reached', gc.reached, 'worked', gc.worked, 'next_step', gc.next_step) order by g.created_at desc)
      from public.group_plan_pupils gp
      join public.group_plans g on g.id = gp.plan_id
      left join public.group_plan_circles gc on gc.plan_id = g.id and gc.circle = gp.circle
      where gp.pupil_id = v_pupil.id
    ), '[]'),
    'meetings', coalesce((
      select jsonb_agg(jsonb_build_object(
        'meeting_id', m.id, 'kind', m.kind, 'starts_at', m.starts_at, 'goal', m.goal,
        'agreements', coalesce((
          select jsonb_agg(jsonb_build_object('text', ag.text, 'who', ag.who, 'due_on', ag.due_on, 'evaluate_on', ag.evaluate_on)
                           order by ag.created_at)
          from public.agreements ag where ag.meeting_id = m.id), '[]')) order by m.starts_at desc nulls first)
      from public.meeting_pupils mp join public.meetings m on m.id = mp.meeting_id
      where mp.pupil_id = v_pupil.id and m.status <> 'cancelled'
    ), '[]')
  ) into v_result
  from (select 1) one
  left join public.pupil_notes n on n.pupil_id = v_pupil.id;
  perform private.log_pupil_reads(array[v_pupil.id], 'needs_answers');
  return v_result;
end
$$;
revoke execute on function public.pupil_overview(uuid) from public, anon, authenticated;
grant execute on function public.pupil_overview(uuid) to authenticated;

-- What helps and what hinders a pupil; empty text removes it.
create function public.save_pupil_note(p_pupil uuid, p_helps text, p_hinders text)
returns void
language plpgsql volatile security definer set search_path = ''
as $$
declare
  v_pupil public.pupils;
begin
  select * into v_pupil from public.pupils p where p.id = p_pupil;
  if v_pupil.id is null or not private.can_see_class_pupils(v_pupil.class_id) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  insert into public.pupil_notes (pupil_id, school_id, helps, hinders, updated_by, updated_at)
  values (v_pupil.id, v_pupil.school_id, nullif(btrim(p_helps), ''), nullif(btrim(p_hinders), ''), (select auth.uid()), now())
  on conflict (pupil_id) do update
    set helps = excluded.helps, hinders = excluded.hinders, updated_by = excluded.updated_by, updated_at = now();
end
$$;
revoke execute on function public.save_pupil_note(uuid, text, text) from public, anon, authenticated;
grant execute on function public.save_pupil_note(uuid, text, text) to authenticated;

-- The pupils of a school who need individual attention, per class, with why: in an earring of
-- their class's current plan (the newest), without a circle in it, or "not yet" in their last
-- two answers with a step on a goal. One pass over the school (the groepsbespreking of a school of
-- 1,000 pupils asks this on every view).
create function private.school_attention(p_school uuid)
returns table (class_id uuid, pupil_id uuid, reason text)
language plpgsql stable security definer set search_path = ''
as $$
begin
  return query
  with current_plan as (
    select distinct on (g.class_id) g.id, g.class_id from public.group_plans g
    where g.school_id = p_school order by g.class_id, g.created_at desc
  ),
  live as (
    select p.id, p.class_id from private.current_pupils p where p.school_id = p_school
  ),
  steps as (
    select a.pupil_id, a.class_id, a.goal_step,
           row_number() over (partition by a.pupil_id order by r.opened_at desc) as n
    from public.need_answers a join public.need_rounds r on r.id = a.round_id
    where r.school_id = p_school and a.goal_step is not null
  )
  select l.class_id, l.id, 'earring'::text
  from current_plan cp
  join public.group_plan_pupils gp on gp.plan_id = cp.id and gp.circle in ('very-intensive', 'very-deepened')
  join live l on l.id = gp.pupil_id and l.class_id = cp.class_id
  union all
  select l.class_id, l.id, 'no_circle'::text
  from live l join current_plan cp on cp.class_id = l.class_id
  where not exists (select 1 from public.group_plan_pupils gp where gp.plan_id = cp.id and gp.pupil_id = l.id)
  union all
  select l.class_id, l.id, 'not_yet_twice'::text
  from steps s join live l on l.id = s.pupil_id and l.class_id = s.class_id
  where s.n <= 2
  group by l.class_id, l.id
  having count(*) filter (where s.goal_step = 'not-yet') = 2;
end
$$;
revoke execute on function private.school_attention(uuid) from public;
grant execute on function private.school_attention(uuid) to service_role;

-- Per class of the school: its current plan (the newest), the evaluation date and where it
-- stands (none, running, due, evaluated), the last thing agreed about it, and how many pupils
-- need individual attention. For the coach and admins.
create function public.group_discussion(p_school uuid)
returns table (
  class_id uuid, class_name text, pupils int, plan_id uuid, period text, evaluate_on date,
  evaluated_at timestamptz, status text, attention int, agreed text, agreed_at timestamptz
)
language plpgsql stable security definer set search_path = ''
as $$
begin
  if not private.sees_all_classes(p_school) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  return query
    with current_plan as (
      select distinct on (g.class_id) g.* from public.group_plans g
      where g.school_id = p_school order by g.class_id, g.created_at desc
    ),
    attention as (
      select x.class_id, count(distinct x.pupil_id)::int as n from private.school_attention(p_school) x group by x.class_id
    ),
    sizes as (
      select p.class_id, count(*)::int as n from private.current_pupils p
      where p.school_id = p_school group by p.class_id
    )
    select c.id, c.name, coalesce(sz.n, 0),
           g.id, g.period, g.evaluate_on, g.evaluated_at,
           case when g.id is null then 'none'
                when g.evaluated_at is not null then 'evaluated'
                when g.evaluate_on <= current_date then 'due'
                else 'running' end,
           coalesce(at.n, 0),
           d.agreed, d.created_at
    from public.classes c
    left join current_plan g on g.class_id = c.id
    left join attention at on at.class_id = c.id
    left join sizes sz on sz.class_id = c.id
    left join lateral (
      select gd.agreed, gd.created_at from public.group_discussions gd
      where gd.plan_id = g.id order by gd.created_at desc limit 1
    ) d on true
    where c.school_id = p_school
    order by lower(c.name);
end
$$;
revoke execute on function public.group_discussion(uuid) from public, anon, authenticated;
grant execute on function public.group_discussion(uuid) to authenticated;

-- The pupils who need individual attention, per class of the school, by name, with why. For the
-- coach and admins; a read of those pupils' data, logged.
create function public.group_discussion_pupils(p_school uuid)
returns table (class_id uuid, pupil_id uuid, first_name text, reasons text[])
language plpgsql volatile security definer set search_path = ''
as $$
declare
  v_ids uuid[] := '{}'::uuid[];
  v_row record;
begin
  if not private.sees_all_classes(p_school) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  -- One pass: the rows shown, and the same pupils logged as read.
  for v_row in
    select x.class_id, x.pupil_id, p.first_name, array_agg(x.reason order by x.reason) as reasons
    from private.school_attention(p_school) x
    join public.pupils p on p.id = x.pupil_id
    join public.classes c on c.id = x.class_id
    group by x.class_id, c.name, x.pupil_id, p.first_name
    order by lower(c.name), lower(p.first_name)
  loop
    class_id := v_row.class_id;
    pupil_id := v_row.pupil_id;
    first_name := v_row.first_name;
    reasons := v_row.reasons;
    v_ids := v_ids || v_row.pupil_id;
    return next;
  end loop;
  perform private.log_pupil_reads(v_ids, 'needs_answers');
end
$$;
revoke execute on function public.group_discussion_pupils(uuid) from public, anon, authenticated;
grant execute on function public.group_discussion_pupils(uuid) to authenticated;

-- Notes what was agreed about a plan in the groepsbespreking. The coach and admins.
create function public.save_group_discussion(p_plan uuid, p_agreed text)
returns uuid
language plpgsql volatile security definer set search_path = ''
as $$
declare
  v_plan public.group_plans;
  v_id uuid;
begin
  select * into v_plan from public.group_plans g where g.id = p_plan;
  if v_plan.id is null or not private.sees_all_classes(v_plan.school_id) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  insert into public.group_discussions (plan_id, school_id, class_id, agreed, written_by)
  values (v_plan.id, v_plan.school_id, v_plan.class_id, btrim(p_agreed), (select auth.uid()))
  returning id into v_id;
  return v_id;
end
$$;
revoke execute on function public.save_group_discussion(uuid, text) from public, anon, authenticated;
grant execute on function public.save_group_discussion(uuid, text) to authenticated;

-- What was agreed about a plan, newest first: for the class's teachers, the coach and admins.
create function public.group_plan_discussions(p_plan uuid)
returns table (agreed text, written_by text, created_at timestamptz)
language plpgsql stable security definer set search_path = ''
as $$
begin
  perform private.my_group_plan(p_plan);
  return query
    select gd.agreed, pf.display_name, gd.created_at
    from public.group_discussions gd left join public.profiles pf on pf.user_id = gd.written_by
    where gd.plan_id = p_plan
    order by gd.created_at desc;
end
$$;
revoke execute on function public.group_plan_discussions(uuid) from public, anon, authenticated;
grant execute on function public.group_plan_discussions(uuid) to authenticated;

-- Like school_needs_overview, but per class the latest round opened in [p_from, p_to] instead
-- of the newest: a round opened today does not hide last month's. Counts only, below 5 hidden.
create function public.school_needs_in_period(p_school uuid, p_from date, p_to date)
returns table (
  class_id uuid, class_name text, round_id uuid, goal text, opened_at timestamptz, closed_at timestamptz,
  answered int, need text, pupils int
)
language plpgsql stable security definer set search_path = ''
as $$
begin
  if not private.sees_all_classes(p_school) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  if p_from is null or p_to is null or p_to < p_from or p_to - p_from > 800 then
    raise exception using errcode = 'P0001', message = 'invalid';
  end if;
  return query
    with chosen_round as (
      select distinct on (r.class_id) r.id, r.class_id, r.goal, r.opened_at, r.closed_at
      from public.need_rounds r
      where r.school_id = p_school
        and (r.opened_at at time zone 'Europe/Amsterdam')::date between p_from and p_to
        and exists (select 1 from public.need_answers a where a.round_id = r.id)
      order by r.class_id, r.opened_at desc
    ),
    answered as (
      select a.round_id, count(*)::int as n
      from public.need_answers a join chosen_round l on l.id = a.round_id
      group by a.round_id
    ),
    chosen as (
      select a.round_id, x.need, count(*)::int as n
      from public.need_answers a
      join chosen_round l on l.id = a.round_id
      cross join unnest(a.needs) as x(need)
      group by a.round_id, x.need
    )
    select c.id, c.name, l.id, l.goal, l.opened_at, l.closed_at,
           case when coalesce(an.n, 0) < 5 then null else an.n end,
           n.need,
           case when coalesce(ch.n, 0) < 5 then null else ch.n end
    from chosen_round l
    join public.classes c on c.id = l.class_id
    cross join unnest(private.need_ids()) with ordinality as n(need, ord)
    left join answered an on an.round_id = l.id
    left join chosen ch on ch.round_id = l.id and ch.need = n.need
    order by lower(c.name), n.ord;
end
$$;
revoke execute on function public.school_needs_in_period(uuid, date, date) from public, anon, authenticated;
grant execute on function public.school_needs_in_period(uuid, date, date) to authenticated;

create function public.open_need_round(p_class uuid, p_goal text, p_cards text[] default null)
returns setof public.need_rounds
language plpgsql volatile security definer set search_path = ''
as $$
declare
  v_class public.classes;
  v_goal text := nullif(btrim(p_goal), '');
  v_cards text[] := case when p_cards is null or cardinality(p_cards) = 0
                           or cardinality(p_cards) = cardinality(private.need_ids()) then null else p_cards end;
begin
  select * into v_class from public.classes c where c.id = p_class for update;
  if v_class.id is null or not private.can_see_class_pupils(p_class) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  if v_cards is not null and not private.valid_need_list(v_cards) then
    raise exception using errcode = 'P0001', message = 'unknown_pictogram';
  end if;
  if v_cards is not null and cardinality(v_cards) < 2 then
    raise exception using errcode = 'P0001', message = 'too_few_cards';
  end if;
  if (select count(*) from public.need_rounds r where r.class_id = p_class and private.round_is_open(r.closed_at)) >= 3 then
    raise exception using errcode = 'P0001', message = 'round_open';
  end if;
  return query
    insert into public.need_rounds (school_id, class_id, goal, opened_by, cards)
    values (v_class.school_id, p_class, v_goal, (select auth.uid()), v_cards)
    returning *;
end
$$;
revoke execute on function public.open_need_round(uuid, text, text[]) from public, anon, authenticated;
grant execute on function public.open_need_round(uuid, text, text[]) to authenticated;

-- Reopens a closed round for a day: pupils who forgot can still answer; it closes by itself.
-- The same three-open-rounds limit as opening.
create function public.reopen_need_round(p_round uuid)
returns setof public.need_rounds
language plpgsql volatile security definer set search_path = ''
as $$
declare
  v_round public.need_rounds;
begin
  select * into v_round from public.need_rounds r where r.id = p_round;
  if v_round.id is null or not private.can_see_class_pupils(v_round.class_id) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  perform 1 from public.classes c where c.id = v_round.class_id for update;
  select * into v_round from public.need_rounds r where r.id = p_round for update;
  if private.round_is_open(v_round.closed_at) then
    raise exception using errcode = 'P0001', message = 'round_open';
  end if;
  if (select count(*) from public.need_rounds r
      where r.class_id = v_round.class_id and private.round_is_open(r.closed_at)) >= 3 then
    raise exception using errcode = 'P0001', message = 'round_open';
  end if;
  return query
    update public.need_rounds set closed_at = now() + interval '1 day' where id = p_round returning *;
end
$$;
revoke execute on function public.reopen_need_round(uuid) from public, anon, authenticated;
grant execute on function public.reopen_need_round(uuid) to authenticated;

create function public.my_need_round()
returns table (
  round_id uuid, goal text, opened_at timestamptz, answered boolean, needs text[], goal_step text,
  own_words text, has_drawing boolean, tops text[], tips text[], top_words text, tip_words text,
  has_feedback_drawing boolean, cards text[]
)
language sql stable security invoker set search_path = ''
as $$
  select r.id, r.goal, r.opened_at, a.pupil_id is not null, coalesce(a.needs, '{}'), a.goal_step,
         a.own_words, a.drawing_path is not null, coalesce(a.tops, '{}'), coalesce(a.tips, '{}'),
         a.top_words, a.tip_words, a.feedback_drawing_path is not null, r.cards
  from public.pupils p
  join public.need_rounds r on r.class_id = p.class_id and (r.closed_at is null or r.closed_at > now())
  left join public.need_answers a on a.round_id = r.id and a.pupil_id = p.id
  where p.user_id is not null and p.user_id = (select auth.uid())
  order by r.opened_at, r.id
$$;
revoke execute on function public.my_need_round() from public, anon, authenticated;
grant execute on function public.my_need_round() to authenticated;
