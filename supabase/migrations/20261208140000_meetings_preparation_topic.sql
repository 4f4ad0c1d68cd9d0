-- Meetings: one screen of a parent's preparation saved in one statement.
--
-- The form (actions.meetings.prepare) and the autosave while typing (src/pages/api/preparation)
-- each read the whole preparation, merged one screen into it in JavaScript and wrote it back:
-- two transactions, so an autosave and a form post racing each other could put back a screen
-- the other had just changed. Both now call this function, which merges the screen into what is
-- stored inside the insert … on conflict, under the row's lock. The screen is checked here (its
-- topic, the choices that topic offers, the text as valid_preparation says); an empty screen is
-- taken out, as the form did. save_my_preparation (all screens at once) stays for what else uses it.
create function public.save_my_preparation_topic(
  p_meeting uuid, p_topic text, p_choices text[], p_text text, p_lang text, p_step int
)
returns timestamptz
language plpgsql volatile security definer set search_path = ''
as $$
declare
  v_choices text[] := array(
    select c from unnest(coalesce(p_choices, '{}'::text[])) with ordinality u(c, i) group by c order by min(i)
  );
  v_text text := btrim(replace(coalesce(p_text, ''), E'\r\n', E'\n'));
  v_answer jsonb;
  v_at timestamptz;
begin
  perform private.preparable(p_meeting);
  if p_topic is null or not (p_topic = any (private.prep_topics())) then
    raise exception using errcode = 'P0001', message = 'invalid';
  end if;
  if cardinality(v_choices) > 0 or v_text <> '' then
    v_answer := jsonb_build_object(
      'choices', to_jsonb(v_choices),
      'text', v_text,
      'lang', case when coalesce(p_lang, '') ~ '^[a-z]{2}$' then p_lang else '' end
    );
    if not private.valid_preparation(jsonb_build_object(p_topic, v_answer)) then
      raise exception using errcode = 'P0001', message = 'invalid';
    end if;
  end if;
  insert into public.preparations (meeting_id, user_id, answers, step, updated_at)
  values (
    p_meeting, (select auth.uid()),
    case when v_answer is null then '{}'::jsonb else jsonb_build_object(p_topic, v_answer) end,
    greatest(0, least(coalesce(p_step, 0), 20)), now()
  )
  on conflict (meeting_id, user_id) do update
    set answers = case
          when v_answer is null then public.preparations.answers - p_topic
          else public.preparations.answers || jsonb_build_object(p_topic, v_answer)
        end,
        step = excluded.step,
        updated_at = now()
  returning updated_at into v_at;
  return v_at;
end
$$;
revoke execute on function public.save_my_preparation_topic(uuid, text, text[], text, text, int) from public, anon, authenticated;
grant execute on function public.save_my_preparation_topic(uuid, text, text[], text, text, int) to authenticated;
