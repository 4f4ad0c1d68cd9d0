-- The HGW cycle per class (issue 21): a groepsplan built from a round's circles (per circle the
-- pupils, goal, approach, shared needs, organisation, points of attention), its evaluation on or
-- after its date (per circle reached / worked / next; per pupil the next circle), the next
-- period's plan started from it; one pupil in one place (answers across rounds, circles with
-- evaluations, meetings with agreements, a note on what helps and what hinders); and the coach's
-- groepsbespreking (per class the current plan and the pupils who need individual attention,
-- with what was agreed). DOMAIN "The cycle in a class".
--
-- Who: the class's teachers, the school's coach and admins (private.can_see_class_pupils) read
-- and write a class's plans and its pupils' notes; the groepsbespreking view and its notes are the
-- coach's and admins' (private.sees_all_classes); a teacher reads what was agreed about their
-- class. Parents and pupils see none of it. Every change goes through a function below; the
-- tables are read-only to signed-in people and closed to anonymous visitors. A pupil's note is
-- read only through public.pupil_overview, which logs the read.

-- ---------------------------------------------------------------------------------------
-- Tables
-- ---------------------------------------------------------------------------------------

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
create index group_plans_class_idx on public.group_plans (class_id, created_at desc);
create index group_plans_school_idx on public.group_plans (school_id, class_id, created_at desc);
create unique index group_plans_one_next on public.group_plans (previous_id) where previous_id is not null;
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
create index group_plan_pupils_pupil_idx on public.group_plan_pupils (pupil_id);
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
create index group_discussions_plan_idx on public.group_discussions (plan_id, created_at desc);
alter table public.group_discussions enable row level security;

revoke all on public.group_plans, public.group_plan_circles, public.group_plan_pupils, public.pupil_notes,
  public.group_discussions from anon;
revoke insert, update, delete, truncate on public.group_plans, public.group_plan_circles, public.group_plan_pupils,
  public.pupil_notes, public.group_discussions from authenticated;
-- A pupil's note is read through public.pupil_overview only, which logs the read.
revoke select on public.pupil_notes from authenticated;

-- ---------------------------------------------------------------------------------------
-- Policies: reading only.
-- ---------------------------------------------------------------------------------------

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
-- Helpers
-- ---------------------------------------------------------------------------------------

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
  join public.pupils p on p.id = (e ->> 'pupil')::uuid and p.left_at is null;
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

-- ---------------------------------------------------------------------------------------
-- Functions: plans
--
-- The public functions below are security definer, like class_need_rounds: each checks the
-- caller once (the class's teachers, the coach, admins; the groepsbespreking the coach and
-- admins) instead of row level security re-asking per row, writes tables that are closed to
-- direct writes, and the readers of pupils' answers log the read in the same transaction.
-- ---------------------------------------------------------------------------------------

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
declare
  v_plan public.group_plans;
begin
  v_plan := private.my_group_plan(p_plan);
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
    from public.pupils p
    left join public.group_plan_pupils gp on gp.plan_id = p_plan and gp.pupil_id = p.id
    where p.class_id = v_plan.class_id and p.left_at is null
  ), '[]'), p_plan);
  return v_next.id;
end
$$;
revoke execute on function public.next_group_plan(uuid, text, date) from public, anon, authenticated;
grant execute on function public.next_group_plan(uuid, text, date) to authenticated;

-- ---------------------------------------------------------------------------------------
-- Functions: one pupil in one place
-- ---------------------------------------------------------------------------------------

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

-- ---------------------------------------------------------------------------------------
-- Functions: the groepsbespreking
-- ---------------------------------------------------------------------------------------

-- The pupils of a school who need individual attention, per class, with why: in an earring of
-- their class's current plan (the newest), without a circle in it, or "not yet" in their last
-- two answers with a step on a goal. One pass over the school (the groepsbespreking of a school of
-- 1,000 pupils asks this on every view).
create function private.school_attention(p_school uuid)
returns table (class_id uuid, pupil_id uuid, reason text)
language sql stable security definer set search_path = ''
as $$
  with current_plan as (
    select distinct on (g.class_id) g.id, g.class_id from public.group_plans g
    where g.school_id = p_school order by g.class_id, g.created_at desc
  ),
  live as (
    select p.id, p.class_id from public.pupils p where p.school_id = p_school and p.left_at is null
  ),
  steps as (
    select a.pupil_id, a.class_id, a.goal_step,
           row_number() over (partition by a.pupil_id order by r.opened_at desc) as n
    from public.need_answers a join public.need_rounds r on r.id = a.round_id
    where r.school_id = p_school and a.goal_step is not null
  )
  select l.class_id, l.id, 'earring'
  from current_plan cp
  join public.group_plan_pupils gp on gp.plan_id = cp.id and gp.circle in ('very-intensive', 'very-deepened')
  join live l on l.id = gp.pupil_id and l.class_id = cp.class_id
  union all
  select l.class_id, l.id, 'no_circle'
  from live l join current_plan cp on cp.class_id = l.class_id
  where not exists (select 1 from public.group_plan_pupils gp where gp.plan_id = cp.id and gp.pupil_id = l.id)
  union all
  select l.class_id, l.id, 'not_yet_twice'
  from steps s join live l on l.id = s.pupil_id and l.class_id = s.class_id
  where s.n <= 2
  group by l.class_id, l.id
  having count(*) filter (where s.goal_step = 'not-yet') = 2
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
      select p.class_id, count(*)::int as n from public.pupils p
      where p.school_id = p_school and p.left_at is null group by p.class_id
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
  v_ids uuid[];
begin
  if not private.sees_all_classes(p_school) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  return query
    select x.class_id, x.pupil_id, p.first_name, array_agg(x.reason order by x.reason)
    from private.school_attention(p_school) x
    join public.pupils p on p.id = x.pupil_id
    join public.classes c on c.id = x.class_id
    group by x.class_id, c.name, x.pupil_id, p.first_name
    order by lower(c.name), lower(p.first_name);
  v_ids := array(select distinct x.pupil_id from private.school_attention(p_school) x);
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

-- ---------------------------------------------------------------------------------------
-- Functions: the school view of needs, for a chosen period
-- ---------------------------------------------------------------------------------------

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
