-- Rounds as teachers use them (issue 21, item 5): a class may have more than one open round at a
-- time (a goal in reading and one in maths; at most three, so a pupil's start screen stays short),
-- a closed round can be reopened for a day, and a round may offer a subset of the nine cards.
--
-- "Open" is now: not closed, or closed at a time still to come. Reopening sets the closing time a
-- day ahead, so the round closes by itself without a job; closing a reopened round early moves the
-- time to now. Parents are told once, when a round first closes (the trigger in notifications
-- looks at a first close only), not again after a reopened day.

-- Tables ---------------------------------------------------------------------------------

drop index if exists public.need_rounds_one_open_per_class;

alter table public.need_rounds
  add column cards text[] check (cards is null or (private.valid_need_list(cards) and cardinality(cards) >= 2));
comment on column public.need_rounds.cards is
  'The cards the needs board offers in this round (at least two of the nine); null: all nine.';

-- Helpers ---------------------------------------------------------------------------------

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
create or replace function private.my_open_round(p_round uuid)
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

-- Functions: rounds (teachers) ---------------------------------------------------------------

-- Opens a round for a class, with an optional goal and the cards it offers (null: all nine). At
-- most three open rounds per class.
drop function public.open_need_round(uuid, text);
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

-- Closes a round: answers can no longer be changed. A reopened round closes now.
create or replace function public.close_need_round(p_round uuid)
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

-- Functions: the pupil's own answers ----------------------------------------------------------

-- The signed-in pupil's open rounds (oldest first) and their answer so far in each, with the cards
-- each round offers (null: all nine).
drop function public.my_need_round();
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

-- What helps me (needs), what helps me from this teacher (tops), what could be different (tips).
-- The needs are the round's cards only.
create or replace function public.save_my_choices(p_round uuid, p_kind text, p_ids text[])
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
