-- The school's day, not the server's (found by the suite at 00:25 in Amsterdam): a groepsplan's
-- evaluation date was checked against current_date, which is the server's date (UTC on Supabase and
-- in PGlite), while the pages count days in Europe/Amsterdam. From midnight until 01:00 (02:00 in
-- summer) a teacher could not choose today for an evaluation, could choose yesterday, and the
-- groepsbespreking called a plan due an hour later than its own page did. Each check now asks
-- private.school_today(); nothing else in these functions changed.

-- Today in the schools' time zone (all schools are in the Netherlands; the pages' schoolToday()).
create function private.school_today()
returns date
language sql
stable
set search_path = ''
as $$
  select (now() at time zone 'Europe/Amsterdam')::date
$$;
revoke execute on function private.school_today() from public, anon;
grant execute on function private.school_today() to authenticated, service_role;

create or replace function public.create_group_plan(p_round uuid, p_places jsonb, p_period text, p_evaluate_on date)
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
  if p_evaluate_on is null or p_evaluate_on < private.school_today() or p_evaluate_on > private.school_today() + 400 then
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

create or replace function public.save_group_plan(p_plan uuid, p_period text, p_evaluate_on date, p_goal_round uuid)
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
  if p_evaluate_on is null or p_evaluate_on < (v_plan.created_at at time zone 'Europe/Amsterdam')::date
     or p_evaluate_on > (v_plan.created_at at time zone 'Europe/Amsterdam')::date + 400 then
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

create or replace function public.next_group_plan(p_plan uuid, p_period text, p_evaluate_on date)
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
  if p_evaluate_on is null or p_evaluate_on < private.school_today() or p_evaluate_on > private.school_today() + 400 then
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

create or replace function public.group_discussion(p_school uuid)
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
                when g.evaluate_on <= private.school_today() then 'due'
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
