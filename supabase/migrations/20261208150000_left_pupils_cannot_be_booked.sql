-- A pupil who has left cannot be booked into a meeting round (issue 18, walk: after Zofia left,
-- her round was hidden from her mother, but a hand-made request could still book a time).
-- book_slot as in 20261201130000_meetings.sql, with the pupil's leaving checked.
create or replace function public.book_slot(p_slot uuid, p_pupil uuid)
returns uuid
language plpgsql volatile security definer set search_path = ''
as $$
declare
  v_slot public.slots;
  v_round public.slot_rounds;
  v_pupil public.pupils;
  v_old public.slots;
  v_meeting uuid;
begin
  select * into v_slot from public.slots s where s.id = p_slot;
  select * into v_round from public.slot_rounds r where r.id = v_slot.round_id;
  select * into v_pupil from public.pupils p where p.id = p_pupil;
  if v_slot.id is null or v_pupil.id is null or v_pupil.left_at is not null
     or not private.is_guardian_of(p_pupil) or v_pupil.class_id <> v_round.class_id then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  if v_round.deadline < now() then
    raise exception using errcode = 'P0001', message = 'deadline_passed';
  end if;
  select * into v_old from public.slots s where s.round_id = v_round.id and s.pupil_id = p_pupil for update;
  if v_old.id = p_slot then
    return v_old.meeting_id;
  end if;
  -- Moving: the child's old slot is freed first (one slot per child per round); if the new one
  -- turns out taken, the whole call is undone and the old booking stands.
  if v_old.id is not null then
    update public.slots set pupil_id = null, booked_by = null, meeting_id = null where id = v_old.id;
  end if;
  begin
    update public.slots set pupil_id = p_pupil, booked_by = (select auth.uid())
    where id = p_slot and pupil_id is null;
  exception when unique_violation then
    -- The child's other parent booked another slot at the same moment.
    raise exception using errcode = 'P0001', message = 'slot_taken';
  end;
  if not found then
    raise exception using errcode = 'P0001', message = 'slot_taken';
  end if;
  if v_old.id is not null then
    -- The child's meeting moves with them.
    v_meeting := v_old.meeting_id;
    update public.meetings set starts_at = v_slot.starts_at, minutes = v_slot.minutes where id = v_meeting;
  else
    insert into public.meetings (school_id, kind, status, starts_at, minutes, goal, created_by)
    values (v_round.school_id, 'report', 'planned', v_slot.starts_at, v_slot.minutes, v_round.title, v_round.created_by)
    returning id into v_meeting;
    insert into public.meeting_pupils (meeting_id, pupil_id, class_id) values (v_meeting, p_pupil, v_pupil.class_id);
    insert into public.meeting_people (meeting_id, user_id, role)
    select distinct v_meeting, g.parent_user_id, 'parent'
    from public.guardian_links g
    join public.memberships m on m.user_id = g.parent_user_id and m.school_id = g.school_id and m.role = 'parent'
    where g.pupil_id = p_pupil;
    if v_slot.teacher_id is not null then
      insert into public.meeting_people (meeting_id, user_id, role) values (v_meeting, v_slot.teacher_id, 'staff')
      on conflict do nothing;
    end if;
  end if;
  update public.slots set meeting_id = v_meeting where id = p_slot;
  return v_meeting;
end
$$;
revoke execute on function public.book_slot(uuid, uuid) from public, anon, authenticated;
grant execute on function public.book_slot(uuid, uuid) to authenticated;
