-- A child's consent means what the screen says (issue 18, M1 and M2).
--
-- The consent screen tells the child "your parents and your teacher will see this. Is that all
-- right?" with "Not yet" and "Yes". Until now "Not yet" changed nothing, and after one "yes" every
-- later change showed at once. Now (save_my_pupil_preparation, p_consent):
--   true  "Yes": the part as it is now is shared;
--   false "Not yet": it is not shared (any earlier "yes" is taken back);
--   null  any other screen of the part: a change takes the earlier "yes" back, so changed words
--         or pictures are shown only after the child confirms again; saving it unchanged keeps it.
-- Parents and staff read the part only while it is shared (the policy on pupil_preparations and
-- meeting_pupil_preparations already ask for consented_at).
--
-- The right of access (my_data) gives a parent what the portal shows them about their child, and
-- nothing the child did not agree to share: a meeting part only while the child agreed to share
-- it (no longer every part, with a flag), and of the "how do you learn best?" answers what the
-- parent's own overview shows, without the tops and tips the child wrote for the teacher. The
-- rest of my_data is as it was (…_my_data_translations.sql). Why: docs/privacy.md.

create or replace function public.save_my_pupil_preparation(p_meeting uuid, p_answers jsonb, p_words text, p_consent boolean)
returns timestamptz
language plpgsql volatile security definer set search_path = ''
as $$
declare
  v_pupil uuid := private.pupil_of_meeting(p_meeting);
  v_meeting public.meetings;
  v_at timestamptz;
begin
  select * into v_meeting from public.meetings m where m.id = p_meeting;
  if v_pupil is null then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  if v_meeting.status = 'cancelled' or (v_meeting.starts_at is not null and v_meeting.starts_at <= now()) then
    raise exception using errcode = 'P0001', message = 'meeting_started';
  end if;
  if not private.valid_pupil_preparation(p_answers) then
    raise exception using errcode = 'P0001', message = 'invalid';
  end if;
  insert into public.pupil_preparations (meeting_id, pupil_id, answers, words, consented_at, updated_at)
  values (p_meeting, v_pupil, p_answers, nullif(btrim(p_words), ''), case when p_consent then now() end, now())
  on conflict (meeting_id, pupil_id) do update
    set answers = excluded.answers, words = excluded.words,
        consented_at = case
          when p_consent then now()
          when p_consent is null
               and public.pupil_preparations.answers = excluded.answers
               and public.pupil_preparations.words is not distinct from excluded.words
            then public.pupil_preparations.consented_at
          else null
        end,
        updated_at = now()
  returning updated_at into v_at;
  return v_at;
end
$$;

-- Definer: it gathers across tables whose policies each show a part; every part is filtered on
-- the caller (auth.uid()) or the caller's guardian links, and nothing else.
create or replace function public.my_data()
returns jsonb
language plpgsql stable security definer set search_path = ''
as $$
declare
  v_me uuid := (select auth.uid());
begin
  if v_me is null then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  return jsonb_build_object(
    'exported_at', now(),
    'profile', (
      select jsonb_build_object('name', p.display_name, 'email', p.email, 'language', p.locale,
                                'translates', p.translates, 'since', p.created_at)
      from public.profiles p where p.user_id = v_me),
    'schools', (
      select coalesce(jsonb_agg(jsonb_build_object('school', s.name, 'role', m.role, 'since', m.created_at)
                                order by s.name, m.role), '[]')
      from public.memberships m join public.schools s on s.id = m.school_id
      where m.user_id = v_me and m.role <> 'pupil'),
    'children', (
      select coalesce(jsonb_agg(jsonb_build_object(
        'first_name', p.first_name, 'class', c.name, 'school', s.name, 'avatar', p.avatar,
        'needs_answers', (
          select coalesce(jsonb_agg(jsonb_build_object(
            'round_opened', r.opened_at, 'goal', r.goal, 'needs', a.needs, 'goal_step', a.goal_step,
            'own_words', a.own_words, 'drawing', a.drawing_path is not null, 'updated_at', a.updated_at)
            order by r.opened_at), '[]')
          from public.need_answers a join public.need_rounds r on r.id = a.round_id
          where a.pupil_id = p.id),
        'meeting_parts', (
          select coalesce(jsonb_agg(jsonb_build_object(
            'meeting_at', m.starts_at, 'answers', pp.answers, 'words', pp.words, 'agreed_at', pp.consented_at)
            order by m.starts_at), '[]')
          from public.pupil_preparations pp join public.meetings m on m.id = pp.meeting_id
          where pp.pupil_id = p.id and pp.consented_at is not null),
        'who_looked', (
          select coalesce(jsonb_agg(jsonb_build_object('at', l.at, 'who', pf.display_name, 'what', l.kind)
                                    order by l.at desc), '[]')
          from public.pupil_access_log l left join public.profiles pf on pf.user_id = l.reader_id
          where l.pupil_id = p.id)
      ) order by p.first_name), '[]')
      from public.guardian_links g
      join public.pupils p on p.id = g.pupil_id
      join public.classes c on c.id = p.class_id
      join public.schools s on s.id = p.school_id
      where g.parent_user_id = v_me),
    'meetings', (
      select coalesce(jsonb_agg(jsonb_build_object(
        'kind', m.kind, 'status', m.status, 'starts_at', m.starts_at, 'minutes', m.minutes, 'place', m.place,
        'goal', m.goal, 'my_request', case when m.requested_by = v_me then m.request_reason end,
        'interpreter', mp.interpreter, 'comes_along', mp.companion,
        'my_preparation', (
          select jsonb_build_object('answers', pr.answers, 'shared_at', pr.shared_at, 'updated_at', pr.updated_at)
          from public.preparations pr where pr.meeting_id = m.id and pr.user_id = v_me),
        'agreements', (
          select coalesce(jsonb_agg(jsonb_build_object('text', a.text, 'who', a.who, 'due_on', a.due_on,
                                                       'evaluate_on', a.evaluate_on) order by a.created_at), '[]')
          from public.agreements a where a.meeting_id = m.id),
        'my_feedback', (
          select jsonb_build_object('top', f.top, 'tip', f.tip, 'seen', f.seen, 'heard', f.heard,
                                    'valued', f.valued, 'anonymous', f.anonymous)
          from public.meeting_feedback f where f.meeting_id = m.id and f.author_id = v_me)
      ) order by m.starts_at nulls last), '[]')
      from public.meeting_people mp join public.meetings m on m.id = mp.meeting_id
      where mp.user_id = v_me and mp.role = 'parent'),
    'slot_bookings', (
      select coalesce(jsonb_agg(jsonb_build_object('starts_at', sl.starts_at, 'minutes', sl.minutes, 'child', p.first_name)
                                order by sl.starts_at), '[]')
      from public.slots sl left join public.pupils p on p.id = sl.pupil_id
      where sl.booked_by = v_me),
    'voice_recordings', (select count(*) from public.voice_recordings v where v.recorded_by = v_me),
    -- What the translation machine (or a person at school) made of the caller's own words.
    'translations_of_my_words', (
      select coalesce(jsonb_agg(jsonb_build_object('of', t.source || '.' || t.field, 'language', t.target_lang, 'text', t.text,
                                                   'checked', t.origin = 'person', 'made_at', t.created_at)
                                order by t.created_at), '[]')
      from public.translations t
      where t.prep_user = v_me or t.wish_user = v_me or t.feedback_author = v_me
         or t.erasure_request_id in (select r.id from public.erasure_requests r where r.requested_by = v_me)
         or (t.source = 'meeting' and t.field = 'request_reason'
             and t.meeting_id in (select m.id from public.meetings m where m.requested_by = v_me)))
  );
end
$$;
revoke execute on function public.my_data() from public, anon, authenticated;
grant execute on function public.my_data() to authenticated;
