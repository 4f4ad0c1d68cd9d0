-- Machine translations of what people write (issue 19, docs/translation.md "What people write"):
-- a parent's words for the school (preparation answers, the reason for a request, who comes
-- along, feedback, a request for erasure) and the school's words for a family (a meeting's goal,
-- place and who attends, agreements and who does them, a meeting round's title, a needs round's
-- goal, the answer to a request for erasure), each stored once per text version and reader's
-- language. This file comes after the domains whose texts it translates (its rows point at them).
--
-- A translation belongs to the text it translates: its row points at the text's own row (one
-- foreign key per kind of text, `on delete cascade`), so it goes with the text — a meeting, an
-- agreement, a parent's preparation or feedback, a child's part, a round, a request for erasure —
-- whoever removes it (erasure, retention, a parent changing their mind). When the text changes,
-- a trigger removes its translations at once (the old words must not linger in another language).
--
-- Who sees a translation: exactly who sees the text. The select policy asks whether the text's row
-- is visible to the caller, through that table's own row level security (a parent's unshared
-- preparation stays hers, translated or not); feedback, which staff read through
-- meeting_feedback() rather than its table, through the same rule as that function (named
-- feedback, for the meeting's staff).
--
-- Who writes: nobody directly. Machine translations are stored by the server only (service role,
-- store_machine_translations), after it read the text as the person viewing the page; a person
-- who may (the meeting's staff, the class's staff, the school's admin) corrects one with
-- correct_translation, which marks it checked by them. A client can therefore never plant a
-- "machine translation" for someone else to read.
--
-- Layout and the rule for later changes: the opening of …_schools_people.sql.

-- ---------------------------------------------------------------------------------------
-- Tables
-- ---------------------------------------------------------------------------------------

-- One translation of one text into one language. `source` says which kind of text, `field` which
-- part of its row (for a preparation: the screen's topic); the key columns used by each kind are
-- fixed by the check below.
create table public.translations (
  id uuid primary key default gen_random_uuid(),
  source text not null check (source in (
    'meeting', 'agreement', 'wish', 'preparation', 'feedback', 'pupil_part', 'slot_round', 'need_round', 'erasure_request'
  )),
  field text not null,
  meeting_id uuid references public.meetings (id) on delete cascade,
  agreement_id uuid references public.agreements (id) on delete cascade,
  wish_user uuid,
  prep_user uuid,
  feedback_author uuid,
  part_pupil uuid,
  slot_round_id uuid references public.slot_rounds (id) on delete cascade,
  need_round_id uuid references public.need_rounds (id) on delete cascade,
  erasure_request_id uuid references public.erasure_requests (id) on delete cascade,
  -- One text, one language: the key as one value (the upsert's conflict target).
  ref text generated always as (
    source || ':' || field || ':' || coalesce(meeting_id::text, '') || ':' || coalesce(agreement_id::text, '') || ':'
    || coalesce(wish_user::text, '') || ':' || coalesce(prep_user::text, '') || ':' || coalesce(feedback_author::text, '') || ':'
    || coalesce(part_pupil::text, '') || ':' || coalesce(slot_round_id::text, '') || ':' || coalesce(need_round_id::text, '') || ':'
    || coalesce(erasure_request_id::text, '')
  ) stored,
  source_hash text not null check (source_hash ~ '^[0-9a-f]{64}$'),
  source_lang text not null check (source_lang ~ '^[a-z]{2,3}$'),
  target_lang public.locale_code not null,
  text text not null check (
    char_length(btrim(text)) between 1 and 4000
    and private.is_clean_text(replace(replace(text, E'\n', ' '), E'\r', ' '))
  ),
  origin text not null check (origin in ('machine', 'person')),
  provider text check (provider is null or provider in ('deepl', 'libretranslate')),
  checked_by uuid references auth.users (id) on delete set null,
  checked_at timestamptz,
  created_at timestamptz not null default now(),
  foreign key (meeting_id, wish_user) references public.meeting_people (meeting_id, user_id) on delete cascade,
  foreign key (meeting_id, prep_user) references public.preparations (meeting_id, user_id) on delete cascade,
  foreign key (meeting_id, feedback_author) references public.meeting_feedback (meeting_id, author_id) on delete cascade,
  foreign key (meeting_id, part_pupil) references public.pupil_preparations (meeting_id, pupil_id) on delete cascade,
  check ((origin = 'person') = (checked_at is not null)),
  check (source_lang <> target_lang::text),
  check (
    num_nonnulls(meeting_id, agreement_id, wish_user, prep_user, feedback_author, part_pupil, slot_round_id, need_round_id, erasure_request_id)
    = case when source in ('wish', 'preparation', 'feedback', 'pupil_part') then 2 else 1 end
    and case source
      when 'meeting' then meeting_id is not null and field in ('goal', 'place', 'attendees', 'request_reason')
      when 'agreement' then agreement_id is not null and field in ('text', 'who')
      when 'wish' then meeting_id is not null and wish_user is not null and field = 'companion'
      when 'preparation' then meeting_id is not null and prep_user is not null and field = any (private.prep_topics())
      when 'feedback' then meeting_id is not null and feedback_author is not null and field in ('top', 'tip')
      when 'pupil_part' then meeting_id is not null and part_pupil is not null and field = 'words'
      when 'slot_round' then slot_round_id is not null and field = 'title'
      when 'need_round' then need_round_id is not null and field = 'goal'
      when 'erasure_request' then erasure_request_id is not null and field in ('message', 'reason')
    end
  )
);
alter table public.translations enable row level security;

-- ---------------------------------------------------------------------------------------
-- Who may use the tables directly (everything else goes through the functions below)
-- ---------------------------------------------------------------------------------------

revoke all on public.translations from anon;
revoke insert, update, delete, truncate on public.translations from authenticated;

-- ---------------------------------------------------------------------------------------
-- Indexes
-- ---------------------------------------------------------------------------------------

create unique index translations_one_per_text on public.translations (ref, target_lang);
create index translations_meeting_idx on public.translations (meeting_id) where meeting_id is not null;
create index translations_agreement_idx on public.translations (agreement_id) where agreement_id is not null;
create index translations_slot_round_idx on public.translations (slot_round_id) where slot_round_id is not null;
create index translations_need_round_idx on public.translations (need_round_id) where need_round_id is not null;
create index translations_request_idx on public.translations (erasure_request_id) where erasure_request_id is not null;

-- ---------------------------------------------------------------------------------------
-- Helpers the policies share (about the caller only)
-- ---------------------------------------------------------------------------------------

-- Feedback is read by staff through meeting_feedback(), not its table: the same rule here. The
-- author sees their own; the meeting's staff see feedback that carries a name. Anonymous feedback's
-- translation is its author's alone, as its author is.
create function private.sees_feedback(p_meeting uuid, p_author uuid)
returns boolean
language sql stable security definer set search_path = ''
as $$
  select p_author = (select auth.uid())
    or (
      exists (
        select 1 from public.meeting_feedback f
        where f.meeting_id = p_meeting and f.author_id = p_author and not f.anonymous
      )
      and private.staff_sees_meeting(p_meeting)
    )
$$;
revoke execute on function private.sees_feedback(uuid, uuid) from public;
grant execute on function private.sees_feedback(uuid, uuid) to authenticated, service_role;

-- ---------------------------------------------------------------------------------------
-- Row level security policies
-- ---------------------------------------------------------------------------------------

create policy "a translation is seen by whoever sees the text it translates" on public.translations
  for select to authenticated
  using (
    case source
      when 'meeting' then exists (select 1 from public.meetings m where m.id = translations.meeting_id)
      when 'agreement' then exists (select 1 from public.agreements a where a.id = translations.agreement_id)
      when 'wish' then exists (
        select 1 from public.meeting_people p where p.meeting_id = translations.meeting_id and p.user_id = translations.wish_user
      )
      when 'preparation' then (select private.sees_preparation(translations.meeting_id, translations.prep_user))
      when 'feedback' then (select private.sees_feedback(translations.meeting_id, translations.feedback_author))
      when 'pupil_part' then (select private.sees_pupil_part(translations.meeting_id, translations.part_pupil))
      when 'slot_round' then exists (select 1 from public.slot_rounds r where r.id = translations.slot_round_id)
      when 'need_round' then exists (select 1 from public.need_rounds r where r.id = translations.need_round_id)
      when 'erasure_request' then exists (select 1 from public.erasure_requests r where r.id = translations.erasure_request_id)
      else false
    end
  );

-- ---------------------------------------------------------------------------------------
-- Functions
-- ---------------------------------------------------------------------------------------

create function private.text_hash(p_text text)
returns text
language sql immutable set search_path = ''
as $$
  select case when p_text is null then null else encode(sha256(convert_to(p_text, 'UTF8')), 'hex') end
$$;
revoke execute on function private.text_hash(text) from public;
grant execute on function private.text_hash(text) to authenticated, service_role;

-- After an update of a row that holds translated texts: the translations of each text whose words
-- changed go (for a preparation screen also when its chosen language changed). Definer: it runs
-- inside the writers (themselves definers) and removes rows no policy lets anyone write.
create function private.forget_changed_translations()
returns trigger
language plpgsql volatile security definer set search_path = ''
as $$
declare
  v_old jsonb := to_jsonb(old);
  v_new jsonb := to_jsonb(new);
begin
  if tg_table_name = 'preparations' then
    delete from public.translations t
    where t.source = 'preparation' and t.meeting_id = new.meeting_id and t.prep_user = new.user_id
      and ((old.answers -> t.field ->> 'text') is distinct from (new.answers -> t.field ->> 'text')
        or (old.answers -> t.field ->> 'lang') is distinct from (new.answers -> t.field ->> 'lang'));
  elsif tg_table_name = 'meetings' then
    delete from public.translations t
    where t.source = 'meeting' and t.meeting_id = new.id and (v_old ->> t.field) is distinct from (v_new ->> t.field);
  elsif tg_table_name = 'agreements' then
    delete from public.translations t
    where t.source = 'agreement' and t.agreement_id = new.id and (v_old ->> t.field) is distinct from (v_new ->> t.field);
  elsif tg_table_name = 'meeting_people' then
    delete from public.translations t
    where t.source = 'wish' and t.meeting_id = new.meeting_id and t.wish_user = new.user_id
      and (v_old ->> t.field) is distinct from (v_new ->> t.field);
  elsif tg_table_name = 'meeting_feedback' then
    delete from public.translations t
    where t.source = 'feedback' and t.meeting_id = new.meeting_id and t.feedback_author = new.author_id
      and (v_old ->> t.field) is distinct from (v_new ->> t.field);
  elsif tg_table_name = 'pupil_preparations' then
    delete from public.translations t
    where t.source = 'pupil_part' and t.meeting_id = new.meeting_id and t.part_pupil = new.pupil_id
      and (v_old ->> t.field) is distinct from (v_new ->> t.field);
  elsif tg_table_name = 'slot_rounds' then
    delete from public.translations t
    where t.source = 'slot_round' and t.slot_round_id = new.id and (v_old ->> t.field) is distinct from (v_new ->> t.field);
  elsif tg_table_name = 'need_rounds' then
    delete from public.translations t
    where t.source = 'need_round' and t.need_round_id = new.id and (v_old ->> t.field) is distinct from (v_new ->> t.field);
  elsif tg_table_name = 'erasure_requests' then
    delete from public.translations t
    where t.source = 'erasure_request' and t.erasure_request_id = new.id and (v_old ->> t.field) is distinct from (v_new ->> t.field);
  end if;
  return null;
end
$$;
revoke execute on function private.forget_changed_translations() from public, anon, authenticated;

-- The current words of a text (and, for a preparation screen, the row locked until the caller's
-- transaction ends, so a translation is never stored for words that changed meanwhile); null when
-- the text or its row is gone. No check of the caller: for the functions below, which check first.
create function private.written_text(
  p_source text, p_field text, p_meeting uuid, p_agreement uuid, p_user uuid, p_pupil uuid, p_round uuid, p_request uuid
)
returns text
language plpgsql volatile security definer set search_path = ''
as $$
declare
  v_row jsonb;
begin
  case p_source
    when 'meeting' then select to_jsonb(m) into v_row from public.meetings m where m.id = p_meeting for share;
    when 'agreement' then select to_jsonb(a) into v_row from public.agreements a where a.id = p_agreement for share;
    when 'wish' then
      select to_jsonb(p) into v_row from public.meeting_people p where p.meeting_id = p_meeting and p.user_id = p_user for share;
    when 'preparation' then
      select p.answers -> p_field into v_row from public.preparations p where p.meeting_id = p_meeting and p.user_id = p_user for share;
      return v_row ->> 'text';
    when 'feedback' then
      select to_jsonb(f) into v_row from public.meeting_feedback f where f.meeting_id = p_meeting and f.author_id = p_user for share;
    when 'pupil_part' then
      select to_jsonb(p) into v_row from public.pupil_preparations p where p.meeting_id = p_meeting and p.pupil_id = p_pupil for share;
    when 'slot_round' then select to_jsonb(r) into v_row from public.slot_rounds r where r.id = p_round for share;
    when 'need_round' then select to_jsonb(r) into v_row from public.need_rounds r where r.id = p_round for share;
    when 'erasure_request' then select to_jsonb(r) into v_row from public.erasure_requests r where r.id = p_request for share;
    else return null;
  end case;
  return v_row ->> p_field;
end
$$;
revoke execute on function private.written_text(text, text, uuid, uuid, uuid, uuid, uuid, uuid) from public, anon, authenticated;

-- The server stores what the translation machine returned: `[{source, field, meeting, agreement,
-- user, pupil, round, request, source_text, source_lang, target_lang, text, provider}]`. An item
-- whose text changed (or went) since the server read it is skipped, and so is one a person has
-- corrected for these same words. Feedback may come without its author (staff never learn who
-- wrote it): it is stored for each named piece of feedback of that meeting with exactly these
-- words; anonymous feedback never. Returns how many were stored. Service role only: the server
-- read each text as the person viewing it before asking the machine.
create function public.store_machine_translations(p_items jsonb)
returns int
language plpgsql volatile security definer set search_path = ''
as $$
declare
  v_item jsonb;
  v_source text;
  v_field text;
  v_meeting uuid;
  v_current text;
  v_count int := 0;
  v_user uuid;
  v_users uuid[];
begin
  if coalesce(current_setting('role', true), 'none') in ('anon', 'authenticated') then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  if jsonb_typeof(p_items) <> 'array' or jsonb_array_length(p_items) > 300 then
    raise exception using errcode = 'P0001', message = 'invalid';
  end if;
  for v_item in select e from jsonb_array_elements(p_items) e loop
    v_source := v_item ->> 'source';
    v_field := v_item ->> 'field';
    v_meeting := private.uuid_or_null(v_item ->> 'meeting');
    v_users := array[private.uuid_or_null(v_item ->> 'user')];
    if v_source = 'feedback' and v_users[1] is null then
      select coalesce(array_agg(f.author_id), '{}') into v_users from public.meeting_feedback f
      where f.meeting_id = v_meeting and not f.anonymous and (to_jsonb(f) ->> v_field) = (v_item ->> 'source_text');
    end if;
    foreach v_user in array v_users loop
      v_current := private.written_text(
        v_source, v_field, v_meeting, private.uuid_or_null(v_item ->> 'agreement'), v_user, private.uuid_or_null(v_item ->> 'pupil'),
        private.uuid_or_null(v_item ->> 'round'), private.uuid_or_null(v_item ->> 'request')
      );
      continue when v_current is null or v_current is distinct from (v_item ->> 'source_text');
      insert into public.translations (
        source, field, meeting_id, agreement_id, wish_user, prep_user, feedback_author, part_pupil, slot_round_id, need_round_id,
        erasure_request_id, source_hash, source_lang, target_lang, text, origin, provider
      )
      values (
        v_source, v_field,
        case when v_source in ('meeting', 'wish', 'preparation', 'feedback', 'pupil_part') then v_meeting end,
        case when v_source = 'agreement' then private.uuid_or_null(v_item ->> 'agreement') end,
        case when v_source = 'wish' then v_user end,
        case when v_source = 'preparation' then v_user end,
        case when v_source = 'feedback' then v_user end,
        case when v_source = 'pupil_part' then private.uuid_or_null(v_item ->> 'pupil') end,
        case when v_source = 'slot_round' then private.uuid_or_null(v_item ->> 'round') end,
        case when v_source = 'need_round' then private.uuid_or_null(v_item ->> 'round') end,
        case when v_source = 'erasure_request' then private.uuid_or_null(v_item ->> 'request') end,
        private.text_hash(v_current), v_item ->> 'source_lang', (v_item ->> 'target_lang')::public.locale_code,
        v_item ->> 'text', 'machine', v_item ->> 'provider'
      )
      on conflict (ref, target_lang) do update
        set text = excluded.text, source_hash = excluded.source_hash, source_lang = excluded.source_lang, origin = 'machine',
            provider = excluded.provider, checked_by = null, checked_at = null, created_at = now()
        where public.translations.origin = 'machine' or public.translations.source_hash <> excluded.source_hash;
      if found then
        v_count := v_count + 1;
      end if;
    end loop;
  end loop;
  return v_count;
end
$$;
revoke execute on function public.store_machine_translations(jsonb) from public, anon, authenticated;
grant execute on function public.store_machine_translations(jsonb) to service_role;

-- The stored translations into a language of the texts that belong to these meetings, rounds or
-- requests, as far as the caller sees those texts (row level security). `key` names the text's own
-- row (an agreement, a parent, a child, a round, a request) — never the author of a piece of
-- feedback, which staff match by its words.
create function public.stored_translations(p_lang public.locale_code, p_refs uuid[])
returns table (
  translation_id uuid, source text, field text, key uuid, source_hash text, source_lang text, text text, origin text,
  checked_at timestamptz
)
language sql stable security invoker set search_path = ''
as $$
  select t.id, t.source, t.field,
         case t.source
           when 'meeting' then t.meeting_id
           when 'agreement' then t.agreement_id
           when 'wish' then t.wish_user
           when 'preparation' then t.prep_user
           when 'pupil_part' then t.part_pupil
           when 'slot_round' then t.slot_round_id
           when 'need_round' then t.need_round_id
           when 'erasure_request' then t.erasure_request_id
         end,
         t.source_hash, t.source_lang, t.text, t.origin, t.checked_at
  from public.translations t
  where t.target_lang = p_lang
    and (t.meeting_id = any (p_refs) or t.agreement_id = any (p_refs) or t.slot_round_id = any (p_refs)
      or t.need_round_id = any (p_refs) or t.erasure_request_id = any (p_refs))
  limit 1000
$$;
revoke execute on function public.stored_translations(public.locale_code, uuid[]) from public, anon, authenticated;
grant execute on function public.stored_translations(public.locale_code, uuid[]) to authenticated;

-- A person corrects a translation (or confirms it as it is): it is then theirs, marked checked by
-- them. Who may: the meeting's staff for a meeting's texts (a preparation once shared, feedback that
-- carries a name), the class's staff for a round's, the school's admins for a request for erasure.
create function public.correct_translation(p_translation uuid, p_text text)
returns uuid
language plpgsql volatile security definer set search_path = ''
as $$
declare
  v_t public.translations;
  v_class uuid;
  v_may boolean;
begin
  select * into v_t from public.translations t where t.id = p_translation for update;
  if v_t.id is null then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  case v_t.source
    when 'preparation' then
      v_may := private.staff_sees_meeting(v_t.meeting_id) and exists (
        select 1 from public.preparations p where p.meeting_id = v_t.meeting_id and p.user_id = v_t.prep_user and p.shared_at is not null
      );
    when 'feedback' then
      v_may := private.staff_sees_meeting(v_t.meeting_id) and private.sees_feedback(v_t.meeting_id, v_t.feedback_author);
    when 'slot_round' then
      select r.class_id into v_class from public.slot_rounds r where r.id = v_t.slot_round_id;
      v_may := private.can_see_class_pupils(v_class);
    when 'need_round' then
      select r.class_id into v_class from public.need_rounds r where r.id = v_t.need_round_id;
      v_may := private.can_see_class_pupils(v_class);
    when 'erasure_request' then
      v_may := exists (
        select 1 from public.erasure_requests r where r.id = v_t.erasure_request_id and private.is_school_admin(r.school_id)
      );
    when 'agreement' then
      v_may := exists (select 1 from public.agreements a where a.id = v_t.agreement_id and private.staff_sees_meeting(a.meeting_id));
    else
      v_may := private.staff_sees_meeting(v_t.meeting_id);
  end case;
  if not coalesce(v_may, false) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  if nullif(btrim(p_text), '') is null or char_length(p_text) > 4000 then
    raise exception using errcode = 'P0001', message = 'invalid';
  end if;
  update public.translations
  set text = btrim(p_text), origin = 'person', checked_by = (select auth.uid()), checked_at = now()
  where id = p_translation;
  return p_translation;
end
$$;
revoke execute on function public.correct_translation(uuid, text) from public, anon, authenticated;
grant execute on function public.correct_translation(uuid, text) to authenticated;

-- ---------------------------------------------------------------------------------------
-- Triggers
-- ---------------------------------------------------------------------------------------

create trigger translations_meetings after update on public.meetings
  for each row execute function private.forget_changed_translations();

create trigger translations_agreements after update on public.agreements
  for each row execute function private.forget_changed_translations();

create trigger translations_meeting_people after update on public.meeting_people
  for each row execute function private.forget_changed_translations();

create trigger translations_preparations after update on public.preparations
  for each row execute function private.forget_changed_translations();

create trigger translations_meeting_feedback after update on public.meeting_feedback
  for each row execute function private.forget_changed_translations();

create trigger translations_pupil_preparations after update on public.pupil_preparations
  for each row execute function private.forget_changed_translations();

create trigger translations_slot_rounds after update on public.slot_rounds
  for each row execute function private.forget_changed_translations();

create trigger translations_need_rounds after update on public.need_rounds
  for each row execute function private.forget_changed_translations();

create trigger translations_erasure_requests after update on public.erasure_requests
  for each row execute function private.forget_changed_translations();
