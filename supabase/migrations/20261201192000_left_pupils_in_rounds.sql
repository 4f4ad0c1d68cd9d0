-- Pupils who left, in a class's rounds: a round counts and lists the pupils in the class now, and
-- a pupil who left only where they answered that round (their answer stays part of it until their
-- data is erased). So a round opened after a pupil left does not wait for them.

-- Functions ------------------------------------------------------------------------------

create or replace function public.class_need_rounds(p_class uuid)
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
               and (p.left_at is null
                    or exists (select 1 from public.need_answers a where a.round_id = r.id and a.pupil_id = p.id)))
    from public.need_rounds r
    where r.class_id = p_class
    order by r.opened_at desc
    limit 100;
end
$$;

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
    where p.class_id = v_round.class_id and (p.left_at is null or a.pupil_id is not null)
    order by lower(p.first_name);
  perform private.log_pupil_reads(
    array(select a.pupil_id from public.need_answers a where a.round_id = p_round), 'needs_answers');
end
$$;

create or replace function public.slot_rounds_for(p_class uuid)
returns table (round_id uuid, class_id uuid, class_name text, title text, deadline timestamptz, slots int, booked int, pupils int)
language sql stable security invoker set search_path = ''
as $$
  select r.id, r.class_id, c.name, r.title, r.deadline,
         (select count(*)::int from public.slots s where s.round_id = r.id),
         (select count(*)::int from public.slots s where s.round_id = r.id and s.pupil_id is not null),
         (select count(*)::int from public.pupils p where p.class_id = r.class_id and p.left_at is null)
  from public.slot_rounds r join public.classes c on c.id = r.class_id
  where p_class is null or r.class_id = p_class
  order by r.deadline desc
  limit 100
$$;
