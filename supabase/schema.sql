-- The portal's database schema, as the migrations in supabase/migrations leave it: the schemas
-- public and private, and the policies on Supabase's storage.objects. Generated — do not edit:
-- change a migration, then run `npm run schema:snapshot` and commit this file with it.
-- Objects are in a stable order (schema, kind, name); owners are left out, grants to the owner
-- are implied. Supabase's own schemas (auth, storage) are not in it.

-- ================================================================================================
-- Schemas

create schema if not exists public;
grant usage on schema public to anon;
grant usage on schema public to authenticated;
grant usage on schema public to public;
grant usage on schema public to service_role;

create schema if not exists private;
grant usage on schema private to anon;
grant usage on schema private to authenticated;
grant usage on schema private to service_role;

-- ================================================================================================
-- Types

create type public.leaflet_block_kind as enum ('title', 'heading', 'paragraph', 'tips', 'tomorrow', 'questions', 'image', 'contact');

create type public.leaflet_status as enum ('draft', 'published');

create domain public.locale_code as text
  constraint locale_code_check CHECK ((VALUE = ANY (ARRAY['nl'::text, 'en'::text, 'ar'::text, 'uk'::text, 'pl'::text, 'tr'::text])));

create type public.school_role as enum ('admin', 'coach', 'teacher', 'parent', 'pupil');

create type public.translation_origin as enum ('template', 'school', 'machine');

-- ================================================================================================
-- Tables

create table private.auth_limits (
  key_hash text not null,
  events integer default 0 not null,
  window_started timestamp with time zone default now() not null,
  lockouts integer default 0 not null,
  locked_until timestamp with time zone,
  updated_at timestamp with time zone default now() not null,
  constraint auth_limits_key_hash_check CHECK (key_hash ~ '^[0-9a-f]{64}$'::text),
  constraint auth_limits_pkey PRIMARY KEY (key_hash)
);
CREATE INDEX auth_limits_updated_idx ON private.auth_limits USING btree (updated_at);
alter table private.auth_limits enable row level security;

create table private.notifications (
  id bigint generated always as identity not null,
  school_id uuid,
  user_id uuid,
  to_address text,
  to_locale text,
  kind text not null,
  about uuid,
  payload jsonb default '{}'::jsonb not null,
  dedupe text,
  status text default 'pending'::text not null,
  due_at timestamp with time zone default now() not null,
  attempts integer default 0 not null,
  last_error text,
  expires_at timestamp with time zone,
  pushed_at timestamp with time zone,
  created_at timestamp with time zone default now() not null,
  sent_at timestamp with time zone,
  digest_id bigint,
  constraint notifications_check CHECK (user_id IS NOT NULL OR to_address IS NOT NULL),
  constraint notifications_dedupe_check CHECK (dedupe IS NULL OR char_length(dedupe) <= 200),
  constraint notifications_dedupe_key UNIQUE (dedupe),
  constraint notifications_digest_id_fkey FOREIGN KEY (digest_id) REFERENCES private.notifications(id) ON DELETE CASCADE,
  constraint notifications_kind_check CHECK (kind = ANY (private.notification_kinds())),
  constraint notifications_last_error_check CHECK (last_error IS NULL OR last_error ~ '^[a-z_]{1,30}$'::text),
  constraint notifications_payload_check CHECK (jsonb_typeof(payload) = 'object'::text),
  constraint notifications_pkey PRIMARY KEY (id),
  constraint notifications_school_id_fkey FOREIGN KEY (school_id) REFERENCES public.schools(id) ON DELETE CASCADE,
  constraint notifications_status_check CHECK (status = ANY (ARRAY['held'::text, 'pending'::text, 'sent'::text, 'skipped'::text, 'failed'::text, 'digested'::text])),
  constraint notifications_to_address_check CHECK (to_address IS NULL OR char_length(to_address) <= 320),
  constraint notifications_to_locale_check CHECK (to_locale IS NULL OR to_locale ~ '^[a-z]{2}$'::text),
  constraint notifications_user_id_fkey FOREIGN KEY (user_id) REFERENCES auth.users(id) ON DELETE CASCADE
);
CREATE INDEX notifications_about_idx ON private.notifications USING btree (about, kind);
CREATE INDEX notifications_done_idx ON private.notifications USING btree (COALESCE(sent_at, created_at)) WHERE (status = ANY (ARRAY['sent'::text, 'skipped'::text, 'digested'::text, 'failed'::text]));
CREATE INDEX notifications_due_idx ON private.notifications USING btree (due_at) WHERE (status = 'pending'::text);
CREATE INDEX notifications_held_idx ON private.notifications USING btree (user_id) WHERE (status = 'held'::text);
CREATE INDEX notifications_user_idx ON private.notifications USING btree (user_id, school_id);
alter table private.notifications enable row level security;

create table private.public_pages_version (
  id boolean default true not null,
  version bigint default 0 not null,
  changed_at timestamp with time zone default now() not null,
  constraint public_pages_version_id_check CHECK (id),
  constraint public_pages_version_pkey PRIMARY KEY (id)
);
alter table private.public_pages_version enable row level security;

create table private.pupil_codes (
  pupil_id uuid not null,
  code_hash text not null,
  failed_attempts integer default 0 not null,
  locked_until timestamp with time zone,
  updated_at timestamp with time zone default now() not null,
  lockouts integer default 0 not null,
  needs_teacher boolean default false not null,
  constraint pupil_codes_pkey PRIMARY KEY (pupil_id),
  constraint pupil_codes_pupil_id_fkey FOREIGN KEY (pupil_id) REFERENCES public.pupils(id) ON DELETE CASCADE
);
alter table private.pupil_codes enable row level security;

create table private.pupil_presence (
  pupil_id uuid not null,
  last_seen_at timestamp with time zone default now() not null,
  constraint pupil_presence_pkey PRIMARY KEY (pupil_id),
  constraint pupil_presence_pupil_id_fkey FOREIGN KEY (pupil_id) REFERENCES public.pupils(id) ON DELETE CASCADE
);
alter table private.pupil_presence enable row level security;

create table private.push_subscriptions (
  id uuid default gen_random_uuid() not null,
  user_id uuid not null,
  device text not null,
  endpoint text not null,
  p256dh text not null,
  auth text not null,
  created_at timestamp with time zone default now() not null,
  constraint push_subscriptions_auth_check CHECK (auth ~ '^[A-Za-z0-9_-]{16,32}={0,2}$'::text),
  constraint push_subscriptions_device_check CHECK (device ~ '^[A-Za-z0-9_-]{16,64}$'::text),
  constraint push_subscriptions_endpoint_check CHECK (char_length(endpoint) <= 1000 AND (endpoint ~ '^https://[^\s/]+/\S*$'::text OR endpoint ~ '^http://(127\.0\.0\.1|localhost)(:[0-9]{1,5})?/\S*$'::text)),
  constraint push_subscriptions_endpoint_key UNIQUE (endpoint),
  constraint push_subscriptions_p256dh_check CHECK (p256dh ~ '^[A-Za-z0-9_-]{80,100}={0,2}$'::text),
  constraint push_subscriptions_pkey PRIMARY KEY (id),
  constraint push_subscriptions_user_id_fkey FOREIGN KEY (user_id) REFERENCES auth.users(id) ON DELETE CASCADE
);
CREATE INDEX push_subscriptions_user_idx ON private.push_subscriptions USING btree (user_id, device);
alter table private.push_subscriptions enable row level security;

create table private.sign_in_events (
  id bigint generated always as identity not null,
  kind text not null,
  outcome text not null,
  at timestamp with time zone default now() not null,
  constraint sign_in_events_kind_check CHECK (kind = ANY (ARRAY['email_code'::text, 'magic_link'::text, 'password'::text, 'pupil'::text, 'sign_out'::text])),
  constraint sign_in_events_outcome_check CHECK (char_length(outcome) <= 40),
  constraint sign_in_events_pkey PRIMARY KEY (id)
);
alter table private.sign_in_events enable row level security;

create table public.agreements (
  id uuid default gen_random_uuid() not null,
  meeting_id uuid not null,
  text text not null,
  who text,
  due_on date,
  evaluate_on date,
  created_by uuid,
  created_at timestamp with time zone default now() not null,
  constraint agreements_created_by_fkey FOREIGN KEY (created_by) REFERENCES auth.users(id) ON DELETE SET NULL,
  constraint agreements_meeting_id_fkey FOREIGN KEY (meeting_id) REFERENCES public.meetings(id) ON DELETE CASCADE,
  constraint agreements_pkey PRIMARY KEY (id),
  constraint agreements_text_check CHECK (char_length(btrim(text)) >= 1 AND char_length(btrim(text)) <= 300 AND private.is_clean_text(text)),
  constraint agreements_who_check CHECK (who IS NULL OR char_length(who) <= 80 AND private.is_clean_text(who))
);
CREATE INDEX agreements_meeting_idx ON public.agreements USING btree (meeting_id);
alter table public.agreements enable row level security;
create policy "who sees a meeting sees what was agreed" on public.agreements
  as permissive for select to authenticated
  using ((( SELECT private.staff_sees_meeting(agreements.meeting_id) AS staff_sees_meeting) OR ( SELECT private.invited_to(agreements.meeting_id) AS invited_to)));
CREATE TRIGGER notify_agreements AFTER INSERT ON public.agreements FOR EACH ROW EXECUTE FUNCTION private.notify_agreements();
CREATE TRIGGER translations_agreements AFTER UPDATE ON public.agreements FOR EACH ROW EXECUTE FUNCTION private.forget_changed_translations();
grant references, select, trigger on public.agreements to authenticated;
grant delete, insert, references, select, trigger, truncate, update on public.agreements to service_role;

create table public.class_devices (
  id uuid default gen_random_uuid() not null,
  school_id uuid not null,
  class_id uuid not null,
  token_hash text not null,
  opened_by uuid,
  created_at timestamp with time zone default now() not null,
  expires_at timestamp with time zone not null,
  constraint class_devices_class_id_school_id_fkey FOREIGN KEY (class_id, school_id) REFERENCES public.classes(id, school_id) ON DELETE CASCADE,
  constraint class_devices_opened_by_fkey FOREIGN KEY (opened_by) REFERENCES auth.users(id) ON DELETE SET NULL,
  constraint class_devices_pkey PRIMARY KEY (id),
  constraint class_devices_school_id_fkey FOREIGN KEY (school_id) REFERENCES public.schools(id) ON DELETE CASCADE,
  constraint class_devices_token_hash_key UNIQUE (token_hash)
);
CREATE INDEX class_devices_school_idx ON public.class_devices USING btree (school_id);
alter table public.class_devices enable row level security;
create policy "admins, coaches and a class's teachers close class mode for it" on public.class_devices
  as permissive for delete to authenticated
  using ((( SELECT private.sees_all_classes(class_devices.school_id) AS sees_all_classes) OR ( SELECT private.teaches_class(class_devices.class_id) AS teaches_class)));
create policy "admins, coaches and a class's teachers open class mode for it" on public.class_devices
  as permissive for insert to authenticated
  with check (((( SELECT private.sees_all_classes(class_devices.school_id) AS sees_all_classes) OR ( SELECT private.teaches_class(class_devices.class_id) AS teaches_class)) AND (opened_by = ( SELECT auth.uid() AS uid))));
create policy "admins, coaches and a class's teachers see its class mode devic" on public.class_devices
  as permissive for select to authenticated
  using ((( SELECT private.sees_all_classes(class_devices.school_id) AS sees_all_classes) OR ( SELECT private.teaches_class(class_devices.class_id) AS teaches_class)));
grant delete, insert, references, select, trigger, truncate, update on public.class_devices to authenticated;
grant delete, insert, references, select, trigger, truncate, update on public.class_devices to service_role;

create table public.class_teachers (
  class_id uuid not null,
  school_id uuid not null,
  user_id uuid not null,
  created_by uuid,
  created_at timestamp with time zone default now() not null,
  constraint class_teachers_class_id_school_id_fkey FOREIGN KEY (class_id, school_id) REFERENCES public.classes(id, school_id) ON DELETE CASCADE,
  constraint class_teachers_created_by_fkey FOREIGN KEY (created_by) REFERENCES auth.users(id) ON DELETE SET NULL,
  constraint class_teachers_pkey PRIMARY KEY (class_id, user_id),
  constraint class_teachers_user_id_fkey FOREIGN KEY (user_id) REFERENCES auth.users(id) ON DELETE CASCADE
);
CREATE INDEX class_teachers_school_idx ON public.class_teachers USING btree (school_id);
CREATE INDEX class_teachers_user_idx ON public.class_teachers USING btree (user_id, school_id);
alter table public.class_teachers enable row level security;
create policy "admins and coaches see who teaches which class; teachers their " on public.class_teachers
  as permissive for select to authenticated
  using ((( SELECT private.sees_all_classes(class_teachers.school_id) AS sees_all_classes) OR (user_id = ( SELECT auth.uid() AS uid))));
create policy "admins give a class a teacher of their school" on public.class_teachers
  as permissive for insert to authenticated
  with check ((( SELECT private.is_school_admin(class_teachers.school_id) AS is_school_admin) AND (EXISTS ( SELECT 1
   FROM public.memberships m
  WHERE ((m.user_id = class_teachers.user_id) AND (m.school_id = class_teachers.school_id) AND (m.role = 'teacher'::public.school_role))))));
create policy "admins take a class from a teacher" on public.class_teachers
  as permissive for delete to authenticated
  using (( SELECT private.is_school_admin(class_teachers.school_id) AS is_school_admin));
grant delete, insert, references, select, trigger, truncate, update on public.class_teachers to authenticated;
grant delete, insert, references, select, trigger, truncate, update on public.class_teachers to service_role;

create table public.classes (
  id uuid default gen_random_uuid() not null,
  school_id uuid not null,
  name text not null,
  school_year text not null,
  created_at timestamp with time zone default now() not null,
  constraint classes_id_school_id_key UNIQUE (id, school_id),
  constraint classes_name_check CHECK (char_length(btrim(name)) >= 1 AND char_length(btrim(name)) <= 40),
  constraint classes_name_clean CHECK (private.is_clean_text(name)),
  constraint classes_pkey PRIMARY KEY (id),
  constraint classes_school_id_fkey FOREIGN KEY (school_id) REFERENCES public.schools(id) ON DELETE CASCADE,
  constraint classes_school_id_school_year_name_key UNIQUE (school_id, school_year, name),
  constraint classes_school_year_check CHECK (school_year ~ '^[0-9]{4}-[0-9]{4}$'::text)
);
CREATE INDEX classes_school_idx ON public.classes USING btree (school_id);
alter table public.classes enable row level security;
create policy "admins create classes in their school" on public.classes
  as permissive for insert to authenticated
  with check (( SELECT private.is_school_admin(classes.school_id) AS is_school_admin));
create policy "admins delete classes in their school" on public.classes
  as permissive for delete to authenticated
  using (( SELECT private.is_school_admin(classes.school_id) AS is_school_admin));
create policy "admins rename classes in their school" on public.classes
  as permissive for update to authenticated
  using (( SELECT private.is_school_admin(classes.school_id) AS is_school_admin))
  with check (( SELECT private.is_school_admin(classes.school_id) AS is_school_admin));
create policy "admins, coaches, its teachers, parents and pupils of a class se" on public.classes
  as permissive for select to authenticated
  using ((( SELECT private.sees_all_classes(classes.school_id) AS sees_all_classes) OR ( SELECT private.can_see_class(classes.id) AS can_see_class)));
grant delete, insert, references, select, trigger, truncate, update on public.classes to authenticated;
grant delete, insert, references, select, trigger, truncate, update on public.classes to service_role;

create table public.erasure_requests (
  id uuid default gen_random_uuid() not null,
  school_id uuid not null,
  requested_by uuid,
  include_children boolean default false not null,
  message text,
  requested_at timestamp with time zone default now() not null,
  handled_at timestamp with time zone,
  handled_by uuid,
  outcome text,
  reason text,
  constraint erasure_requests_check CHECK ((handled_at IS NULL) = (outcome IS NULL)),
  constraint erasure_requests_check1 CHECK (outcome IS DISTINCT FROM 'declined'::text OR reason IS NOT NULL),
  constraint erasure_requests_handled_by_fkey FOREIGN KEY (handled_by) REFERENCES auth.users(id) ON DELETE SET NULL,
  constraint erasure_requests_message_check CHECK (message IS NULL OR char_length(message) <= 500 AND private.is_clean_text(message)),
  constraint erasure_requests_outcome_check CHECK (outcome IS NULL OR (outcome = ANY (ARRAY['erased'::text, 'declined'::text]))),
  constraint erasure_requests_pkey PRIMARY KEY (id),
  constraint erasure_requests_reason_check CHECK (reason IS NULL OR char_length(reason) <= 500 AND private.is_clean_text(reason)),
  constraint erasure_requests_requested_by_fkey FOREIGN KEY (requested_by) REFERENCES auth.users(id) ON DELETE SET NULL,
  constraint erasure_requests_school_id_fkey FOREIGN KEY (school_id) REFERENCES public.schools(id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX erasure_requests_one_open ON public.erasure_requests USING btree (school_id, requested_by) WHERE (handled_at IS NULL);
CREATE INDEX erasure_requests_person_idx ON public.erasure_requests USING btree (requested_by);
CREATE INDEX erasure_requests_school_idx ON public.erasure_requests USING btree (school_id, handled_at);
alter table public.erasure_requests enable row level security;
create policy "people see their own erasure requests" on public.erasure_requests
  as permissive for select to authenticated
  using (((requested_by = ( SELECT auth.uid() AS uid)) OR ( SELECT private.is_school_admin(erasure_requests.school_id) AS is_school_admin)));
CREATE TRIGGER notify_erasure AFTER INSERT OR UPDATE ON public.erasure_requests FOR EACH ROW EXECUTE FUNCTION private.notify_erasure();
CREATE TRIGGER translations_erasure_requests AFTER UPDATE ON public.erasure_requests FOR EACH ROW EXECUTE FUNCTION private.forget_changed_translations();
grant references, select, trigger on public.erasure_requests to authenticated;
grant delete, insert, references, select, trigger, truncate, update on public.erasure_requests to service_role;

create table public.group_discussions (
  id uuid default gen_random_uuid() not null,
  plan_id uuid not null,
  school_id uuid not null,
  class_id uuid not null,
  agreed text not null,
  written_by uuid,
  created_at timestamp with time zone default now() not null,
  constraint group_discussions_agreed_check CHECK (char_length(btrim(agreed)) >= 1 AND char_length(btrim(agreed)) <= 1000 AND private.is_clean_text(agreed)),
  constraint group_discussions_class_id_fkey FOREIGN KEY (class_id) REFERENCES public.classes(id) ON DELETE CASCADE,
  constraint group_discussions_pkey PRIMARY KEY (id),
  constraint group_discussions_plan_id_fkey FOREIGN KEY (plan_id) REFERENCES public.group_plans(id) ON DELETE CASCADE,
  constraint group_discussions_school_id_fkey FOREIGN KEY (school_id) REFERENCES public.schools(id) ON DELETE CASCADE,
  constraint group_discussions_written_by_fkey FOREIGN KEY (written_by) REFERENCES auth.users(id) ON DELETE SET NULL
);
CREATE INDEX group_discussions_plan_idx ON public.group_discussions USING btree (plan_id, created_at DESC);
alter table public.group_discussions enable row level security;
create policy "the class's teachers, the coach and admins see what was agreed" on public.group_discussions
  as permissive for select to authenticated
  using (( SELECT private.can_see_class_pupils(group_discussions.class_id) AS can_see_class_pupils));
grant references, select, trigger on public.group_discussions to authenticated;
grant delete, insert, references, select, trigger, truncate, update on public.group_discussions to service_role;

create table public.group_plan_circles (
  plan_id uuid not null,
  circle text not null,
  goal text,
  instruction text,
  practice text,
  enrichment text,
  materials text,
  shared_needs text[] default '{}'::text[] not null,
  organisation text,
  attention text,
  reached text,
  worked text,
  next_step text,
  constraint group_plan_circles_attention_check CHECK (attention IS NULL OR char_length(attention) <= 600 AND private.is_clean_text(attention)),
  constraint group_plan_circles_circle_check CHECK (circle = ANY (private.plan_circles())),
  constraint group_plan_circles_enrichment_check CHECK (enrichment IS NULL OR char_length(enrichment) <= 600 AND private.is_clean_text(enrichment)),
  constraint group_plan_circles_goal_check CHECK (goal IS NULL OR char_length(goal) <= 300 AND private.is_clean_text(goal)),
  constraint group_plan_circles_instruction_check CHECK (instruction IS NULL OR char_length(instruction) <= 600 AND private.is_clean_text(instruction)),
  constraint group_plan_circles_materials_check CHECK (materials IS NULL OR char_length(materials) <= 300 AND private.is_clean_text(materials)),
  constraint group_plan_circles_next_step_check CHECK (next_step IS NULL OR char_length(next_step) <= 600 AND private.is_clean_text(next_step)),
  constraint group_plan_circles_organisation_check CHECK (organisation IS NULL OR char_length(organisation) <= 300 AND private.is_clean_text(organisation)),
  constraint group_plan_circles_pkey PRIMARY KEY (plan_id, circle),
  constraint group_plan_circles_plan_id_fkey FOREIGN KEY (plan_id) REFERENCES public.group_plans(id) ON DELETE CASCADE,
  constraint group_plan_circles_practice_check CHECK (practice IS NULL OR char_length(practice) <= 600 AND private.is_clean_text(practice)),
  constraint group_plan_circles_reached_check CHECK (reached IS NULL OR char_length(reached) <= 600 AND private.is_clean_text(reached)),
  constraint group_plan_circles_shared_needs_check CHECK (private.valid_need_list(shared_needs)),
  constraint group_plan_circles_worked_check CHECK (worked IS NULL OR char_length(worked) <= 600 AND private.is_clean_text(worked))
);
alter table public.group_plan_circles enable row level security;
create policy "the class's teachers, the coach and admins see a plan's circles" on public.group_plan_circles
  as permissive for select to authenticated
  using ((EXISTS ( SELECT 1
   FROM public.group_plans g
  WHERE ((g.id = group_plan_circles.plan_id) AND private.can_see_class_pupils(g.class_id)))));
grant references, select, trigger on public.group_plan_circles to authenticated;
grant delete, insert, references, select, trigger, truncate, update on public.group_plan_circles to service_role;

create table public.group_plan_pupils (
  plan_id uuid not null,
  pupil_id uuid not null,
  circle text not null,
  next_circle text,
  constraint group_plan_pupils_circle_check CHECK (circle = ANY (private.plan_circles())),
  constraint group_plan_pupils_next_circle_check CHECK (next_circle IS NULL OR (next_circle = ANY (private.plan_circles()))),
  constraint group_plan_pupils_pkey PRIMARY KEY (plan_id, pupil_id),
  constraint group_plan_pupils_plan_id_fkey FOREIGN KEY (plan_id) REFERENCES public.group_plans(id) ON DELETE CASCADE,
  constraint group_plan_pupils_pupil_id_fkey FOREIGN KEY (pupil_id) REFERENCES public.pupils(id) ON DELETE CASCADE
);
CREATE INDEX group_plan_pupils_pupil_idx ON public.group_plan_pupils USING btree (pupil_id);
alter table public.group_plan_pupils enable row level security;
create policy "the class's teachers, the coach and admins see who is in which " on public.group_plan_pupils
  as permissive for select to authenticated
  using ((EXISTS ( SELECT 1
   FROM public.group_plans g
  WHERE ((g.id = group_plan_pupils.plan_id) AND private.can_see_class_pupils(g.class_id)))));
grant references, select, trigger on public.group_plan_pupils to authenticated;
grant delete, insert, references, select, trigger, truncate, update on public.group_plan_pupils to service_role;

create table public.group_plans (
  id uuid default gen_random_uuid() not null,
  school_id uuid not null,
  class_id uuid not null,
  round_id uuid,
  goal_round_id uuid,
  previous_id uuid,
  period text not null,
  evaluate_on date not null,
  evaluated_at timestamp with time zone,
  created_by uuid,
  created_at timestamp with time zone default now() not null,
  updated_at timestamp with time zone default now() not null,
  constraint group_plans_class_id_school_id_fkey FOREIGN KEY (class_id, school_id) REFERENCES public.classes(id, school_id) ON DELETE CASCADE,
  constraint group_plans_created_by_fkey FOREIGN KEY (created_by) REFERENCES auth.users(id) ON DELETE SET NULL,
  constraint group_plans_goal_round_id_fkey FOREIGN KEY (goal_round_id) REFERENCES public.need_rounds(id) ON DELETE SET NULL,
  constraint group_plans_period_check CHECK (char_length(btrim(period)) >= 1 AND char_length(btrim(period)) <= 80 AND private.is_clean_text(period)),
  constraint group_plans_pkey PRIMARY KEY (id),
  constraint group_plans_previous_id_fkey FOREIGN KEY (previous_id) REFERENCES public.group_plans(id) ON DELETE SET NULL,
  constraint group_plans_round_id_fkey FOREIGN KEY (round_id) REFERENCES public.need_rounds(id) ON DELETE SET NULL
);
CREATE INDEX group_plans_class_idx ON public.group_plans USING btree (class_id, created_at DESC);
CREATE UNIQUE INDEX group_plans_one_next ON public.group_plans USING btree (previous_id) WHERE (previous_id IS NOT NULL);
CREATE INDEX group_plans_school_idx ON public.group_plans USING btree (school_id, class_id, created_at DESC);
alter table public.group_plans enable row level security;
create policy "the class's teachers, the coach and admins see its group plans" on public.group_plans
  as permissive for select to authenticated
  using (( SELECT private.can_see_class_pupils(group_plans.class_id) AS can_see_class_pupils));
grant references, select, trigger on public.group_plans to authenticated;
grant delete, insert, references, select, trigger, truncate, update on public.group_plans to service_role;

create table public.guardian_links (
  id uuid default gen_random_uuid() not null,
  school_id uuid not null,
  pupil_id uuid not null,
  parent_user_id uuid not null,
  created_by uuid,
  created_at timestamp with time zone default now() not null,
  constraint guardian_links_created_by_fkey FOREIGN KEY (created_by) REFERENCES auth.users(id) ON DELETE SET NULL,
  constraint guardian_links_parent_user_id_fkey FOREIGN KEY (parent_user_id) REFERENCES auth.users(id) ON DELETE CASCADE,
  constraint guardian_links_pkey PRIMARY KEY (id),
  constraint guardian_links_pupil_id_fkey FOREIGN KEY (pupil_id) REFERENCES public.pupils(id) ON DELETE CASCADE,
  constraint guardian_links_pupil_id_parent_user_id_key UNIQUE (pupil_id, parent_user_id),
  constraint guardian_links_school_id_fkey FOREIGN KEY (school_id) REFERENCES public.schools(id) ON DELETE CASCADE
);
CREATE INDEX guardian_links_parent_idx ON public.guardian_links USING btree (parent_user_id);
CREATE INDEX guardian_links_school_idx ON public.guardian_links USING btree (school_id);
alter table public.guardian_links enable row level security;
create policy "admins and coaches see their school's links, teachers their pup" on public.guardian_links
  as permissive for select to authenticated
  using ((( SELECT private.sees_all_classes(guardian_links.school_id) AS sees_all_classes) OR (EXISTS ( SELECT 1
   FROM public.pupils p
  WHERE ((p.id = guardian_links.pupil_id) AND ( SELECT private.teaches_class(p.class_id) AS teaches_class)))) OR (parent_user_id = ( SELECT auth.uid() AS uid))));
create policy "admins link a parent of their school to a pupil of their school" on public.guardian_links
  as permissive for insert to authenticated
  with check ((( SELECT private.is_school_admin(guardian_links.school_id) AS is_school_admin) AND (EXISTS ( SELECT 1
   FROM public.pupils p
  WHERE ((p.id = guardian_links.pupil_id) AND (p.school_id = guardian_links.school_id)))) AND (EXISTS ( SELECT 1
   FROM public.memberships m
  WHERE ((m.user_id = guardian_links.parent_user_id) AND (m.school_id = guardian_links.school_id) AND (m.role = 'parent'::public.school_role))))));
create policy "admins remove links in their school" on public.guardian_links
  as permissive for delete to authenticated
  using (( SELECT private.is_school_admin(guardian_links.school_id) AS is_school_admin));
CREATE TRIGGER guardian_links_logged AFTER INSERT ON public.guardian_links FOR EACH ROW EXECUTE FUNCTION private.log_parent_link();
grant delete, insert, references, select, trigger, truncate, update on public.guardian_links to authenticated;
grant delete, insert, references, select, trigger, truncate, update on public.guardian_links to service_role;

create table public.invitation_pupils (
  invitation_id uuid not null,
  pupil_id uuid not null,
  school_id uuid not null,
  constraint invitation_pupils_invitation_id_fkey FOREIGN KEY (invitation_id) REFERENCES public.invitations(id) ON DELETE CASCADE,
  constraint invitation_pupils_pkey PRIMARY KEY (invitation_id, pupil_id),
  constraint invitation_pupils_pupil_id_fkey FOREIGN KEY (pupil_id) REFERENCES public.pupils(id) ON DELETE CASCADE,
  constraint invitation_pupils_school_id_fkey FOREIGN KEY (school_id) REFERENCES public.schools(id) ON DELETE CASCADE
);
CREATE INDEX invitation_pupils_school_idx ON public.invitation_pupils USING btree (school_id);
alter table public.invitation_pupils enable row level security;
create policy "admins name children of their school in an invitation" on public.invitation_pupils
  as permissive for insert to authenticated
  with check ((( SELECT private.is_school_admin(invitation_pupils.school_id) AS is_school_admin) AND (EXISTS ( SELECT 1
   FROM public.pupils p
  WHERE ((p.id = invitation_pupils.pupil_id) AND (p.school_id = invitation_pupils.school_id)))) AND (EXISTS ( SELECT 1
   FROM public.invitations i
  WHERE ((i.id = invitation_pupils.invitation_id) AND (i.school_id = invitation_pupils.school_id))))));
create policy "admins remove children from their invitations" on public.invitation_pupils
  as permissive for delete to authenticated
  using (( SELECT private.is_school_admin(invitation_pupils.school_id) AS is_school_admin));
create policy "admins see the children named in their invitations" on public.invitation_pupils
  as permissive for select to authenticated
  using (( SELECT private.is_school_admin(invitation_pupils.school_id) AS is_school_admin));
grant delete, insert, references, select, trigger, truncate, update on public.invitation_pupils to authenticated;
grant delete, insert, references, select, trigger, truncate, update on public.invitation_pupils to service_role;

create table public.invitations (
  id uuid default gen_random_uuid() not null,
  school_id uuid not null,
  role public.school_role not null,
  code_hash text not null,
  locale public.locale_code default 'nl'::text not null,
  label text,
  created_by uuid,
  created_at timestamp with time zone default now() not null,
  expires_at timestamp with time zone default (now() + '30 days'::interval) not null,
  used_at timestamp with time zone,
  used_by uuid,
  constraint invitations_code_hash_key UNIQUE (code_hash),
  constraint invitations_created_by_fkey FOREIGN KEY (created_by) REFERENCES auth.users(id) ON DELETE SET NULL,
  constraint invitations_label_check CHECK (char_length(label) <= 80),
  constraint invitations_label_clean CHECK (private.is_clean_text(label)),
  constraint invitations_pkey PRIMARY KEY (id),
  constraint invitations_role_check CHECK (role <> 'pupil'::public.school_role),
  constraint invitations_school_id_fkey FOREIGN KEY (school_id) REFERENCES public.schools(id) ON DELETE CASCADE,
  constraint invitations_used_by_fkey FOREIGN KEY (used_by) REFERENCES auth.users(id) ON DELETE SET NULL
);
CREATE INDEX invitations_school_idx ON public.invitations USING btree (school_id);
alter table public.invitations enable row level security;
create policy "admins invite people to their school" on public.invitations
  as permissive for insert to authenticated
  with check ((( SELECT private.is_school_admin(invitations.school_id) AS is_school_admin) AND (created_by = ( SELECT auth.uid() AS uid))));
create policy "admins see their school's invitations" on public.invitations
  as permissive for select to authenticated
  using (( SELECT private.is_school_admin(invitations.school_id) AS is_school_admin));
create policy "admins withdraw their school's invitations" on public.invitations
  as permissive for delete to authenticated
  using (( SELECT private.is_school_admin(invitations.school_id) AS is_school_admin));
grant delete, insert, references, select, trigger, truncate, update on public.invitations to authenticated;
grant delete, insert, references, select, trigger, truncate, update on public.invitations to service_role;

create table public.leaflet_blocks (
  id uuid default gen_random_uuid() not null,
  leaflet_id uuid not null,
  school_id uuid,
  block_key text not null,
  position integer not null,
  kind public.leaflet_block_kind not null,
  origin text not null,
  source jsonb not null,
  source_version integer default 1 not null,
  image_path text,
  image_width integer,
  image_height integer,
  updated_at timestamp with time zone default now() not null,
  updated_by uuid,
  constraint leaflet_blocks_block_key_check CHECK (block_key ~ '^[a-z0-9-]{1,60}$'::text),
  constraint leaflet_blocks_check CHECK (private.valid_block_content(kind, source)),
  constraint leaflet_blocks_image_height_check CHECK (image_height >= 1 AND image_height <= 4000),
  constraint leaflet_blocks_image_path_check CHECK (char_length(image_path) <= 300),
  constraint leaflet_blocks_image_width_check CHECK (image_width >= 1 AND image_width <= 4000),
  constraint leaflet_blocks_leaflet_id_block_key_key UNIQUE (leaflet_id, block_key),
  constraint leaflet_blocks_leaflet_id_fkey FOREIGN KEY (leaflet_id) REFERENCES public.leaflets(id) ON DELETE CASCADE,
  constraint leaflet_blocks_origin_check CHECK (origin = ANY (ARRAY['template'::text, 'school'::text])),
  constraint leaflet_blocks_pkey PRIMARY KEY (id),
  constraint leaflet_blocks_school_id_fkey FOREIGN KEY (school_id) REFERENCES public.schools(id) ON DELETE CASCADE,
  constraint leaflet_blocks_source_version_check CHECK (source_version >= 1),
  constraint leaflet_blocks_updated_by_fkey FOREIGN KEY (updated_by) REFERENCES auth.users(id) ON DELETE SET NULL
);
CREATE INDEX leaflet_blocks_school_idx ON public.leaflet_blocks USING btree (school_id);
alter table public.leaflet_blocks enable row level security;
create policy "anyone reads template blocks; staff their school's blocks" on public.leaflet_blocks
  as permissive for select to anon, authenticated
  using (((school_id IS NULL) OR ( SELECT private.is_school_staff(leaflet_blocks.school_id) AS is_school_staff)));
create policy "staff add blocks to their school's leaflets" on public.leaflet_blocks
  as permissive for insert to authenticated
  with check (((school_id IS NOT NULL) AND ( SELECT private.is_school_staff(leaflet_blocks.school_id) AS is_school_staff) AND ( SELECT private.leaflet_of_school(leaflet_blocks.leaflet_id, leaflet_blocks.school_id) AS leaflet_of_school)));
create policy "staff edit blocks of their school's leaflets" on public.leaflet_blocks
  as permissive for update to authenticated
  using (((school_id IS NOT NULL) AND ( SELECT private.is_school_staff(leaflet_blocks.school_id) AS is_school_staff)))
  with check (((school_id IS NOT NULL) AND ( SELECT private.is_school_staff(leaflet_blocks.school_id) AS is_school_staff) AND ( SELECT private.leaflet_of_school(leaflet_blocks.leaflet_id, leaflet_blocks.school_id) AS leaflet_of_school)));
create policy "staff remove blocks from their school's leaflets" on public.leaflet_blocks
  as permissive for delete to authenticated
  using (((school_id IS NOT NULL) AND ( SELECT private.is_school_staff(leaflet_blocks.school_id) AS is_school_staff)));
grant select on public.leaflet_blocks to anon;
grant delete, insert, references, select, trigger, truncate, update on public.leaflet_blocks to authenticated;
grant delete, insert, references, select, trigger, truncate, update on public.leaflet_blocks to service_role;

create table public.leaflet_translations (
  block_id uuid not null,
  leaflet_id uuid not null,
  school_id uuid,
  locale public.locale_code not null,
  content jsonb not null,
  source_version integer not null,
  origin public.translation_origin not null,
  reviewed_by uuid,
  reviewed_at timestamp with time zone,
  updated_at timestamp with time zone default now() not null,
  updated_by uuid,
  constraint leaflet_translations_block_id_fkey FOREIGN KEY (block_id) REFERENCES public.leaflet_blocks(id) ON DELETE CASCADE,
  constraint leaflet_translations_leaflet_id_fkey FOREIGN KEY (leaflet_id) REFERENCES public.leaflets(id) ON DELETE CASCADE,
  constraint leaflet_translations_locale_check CHECK (locale::text <> 'nl'::text),
  constraint leaflet_translations_pkey PRIMARY KEY (block_id, locale),
  constraint leaflet_translations_reviewed_by_fkey FOREIGN KEY (reviewed_by) REFERENCES auth.users(id) ON DELETE SET NULL,
  constraint leaflet_translations_school_id_fkey FOREIGN KEY (school_id) REFERENCES public.schools(id) ON DELETE CASCADE,
  constraint leaflet_translations_source_version_check CHECK (source_version >= 1),
  constraint leaflet_translations_updated_by_fkey FOREIGN KEY (updated_by) REFERENCES auth.users(id) ON DELETE SET NULL
);
CREATE INDEX leaflet_translations_leaflet_idx ON public.leaflet_translations USING btree (leaflet_id);
CREATE INDEX leaflet_translations_school_idx ON public.leaflet_translations USING btree (school_id);
alter table public.leaflet_translations enable row level security;
create policy "anyone reads template translations; staff their school's" on public.leaflet_translations
  as permissive for select to anon, authenticated
  using (((school_id IS NULL) OR ( SELECT private.is_school_staff(leaflet_translations.school_id) AS is_school_staff)));
create policy "staff add translations to their school's leaflets" on public.leaflet_translations
  as permissive for insert to authenticated
  with check (((school_id IS NOT NULL) AND ( SELECT private.is_school_staff(leaflet_translations.school_id) AS is_school_staff) AND ( SELECT private.block_of_leaflet(leaflet_translations.block_id, leaflet_translations.leaflet_id, leaflet_translations.school_id) AS block_of_leaflet)));
create policy "staff edit translations of their school's leaflets" on public.leaflet_translations
  as permissive for update to authenticated
  using (((school_id IS NOT NULL) AND ( SELECT private.is_school_staff(leaflet_translations.school_id) AS is_school_staff)))
  with check (((school_id IS NOT NULL) AND ( SELECT private.is_school_staff(leaflet_translations.school_id) AS is_school_staff) AND ( SELECT private.block_of_leaflet(leaflet_translations.block_id, leaflet_translations.leaflet_id, leaflet_translations.school_id) AS block_of_leaflet)));
create policy "staff remove translations from their school's leaflets" on public.leaflet_translations
  as permissive for delete to authenticated
  using (((school_id IS NOT NULL) AND ( SELECT private.is_school_staff(leaflet_translations.school_id) AS is_school_staff)));
grant select on public.leaflet_translations to anon;
grant delete, insert, references, select, trigger, truncate, update on public.leaflet_translations to authenticated;
grant delete, insert, references, select, trigger, truncate, update on public.leaflet_translations to service_role;

create table public.leaflet_versions (
  id uuid default gen_random_uuid() not null,
  leaflet_id uuid not null,
  school_id uuid not null,
  version_no integer not null,
  snapshot jsonb not null,
  published_at timestamp with time zone default now() not null,
  published_by uuid,
  restored_from integer,
  constraint leaflet_versions_leaflet_id_fkey FOREIGN KEY (leaflet_id) REFERENCES public.leaflets(id) ON DELETE CASCADE,
  constraint leaflet_versions_leaflet_id_version_no_key UNIQUE (leaflet_id, version_no),
  constraint leaflet_versions_pkey PRIMARY KEY (id),
  constraint leaflet_versions_published_by_fkey FOREIGN KEY (published_by) REFERENCES auth.users(id) ON DELETE SET NULL,
  constraint leaflet_versions_school_id_fkey FOREIGN KEY (school_id) REFERENCES public.schools(id) ON DELETE CASCADE
);
CREATE INDEX leaflet_versions_school_idx ON public.leaflet_versions USING btree (school_id);
alter table public.leaflet_versions enable row level security;
create policy "anyone reads the published version; staff the history" on public.leaflet_versions
  as permissive for select to anon, authenticated
  using ((( SELECT private.is_school_staff(leaflet_versions.school_id) AS is_school_staff) OR (EXISTS ( SELECT 1
   FROM public.leaflets l
  WHERE ((l.id = leaflet_versions.leaflet_id) AND (l.status = 'published'::public.leaflet_status) AND (l.published_version_id = leaflet_versions.id))))));
create policy "staff publish their school's leaflets" on public.leaflet_versions
  as permissive for insert to authenticated
  with check ((( SELECT private.is_school_staff(leaflet_versions.school_id) AS is_school_staff) AND ( SELECT private.leaflet_of_school(leaflet_versions.leaflet_id, leaflet_versions.school_id) AS leaflet_of_school)));
grant select on public.leaflet_versions to anon;
grant delete, insert, references, select, trigger, truncate, update on public.leaflet_versions to authenticated;
grant delete, insert, references, select, trigger, truncate, update on public.leaflet_versions to service_role;

create table public.leaflets (
  id uuid default gen_random_uuid() not null,
  school_id uuid,
  slug text not null,
  template_id uuid,
  template_version integer,
  version integer default 1 not null,
  status public.leaflet_status default 'draft'::public.leaflet_status not null,
  position integer default 0 not null,
  revision integer default 0 not null,
  published_version_id uuid,
  created_at timestamp with time zone default now() not null,
  updated_at timestamp with time zone default now() not null,
  updated_by uuid,
  constraint leaflets_check CHECK (school_id IS NOT NULL OR template_id IS NULL),
  constraint leaflets_pkey PRIMARY KEY (id),
  constraint leaflets_published_version_fk FOREIGN KEY (published_version_id) REFERENCES public.leaflet_versions(id) ON DELETE SET NULL,
  constraint leaflets_school_id_fkey FOREIGN KEY (school_id) REFERENCES public.schools(id) ON DELETE CASCADE,
  constraint leaflets_slug_check CHECK (slug ~ '^[a-z0-9](?:[a-z0-9-]{0,58}[a-z0-9])?$'::text),
  constraint leaflets_template_id_fkey FOREIGN KEY (template_id) REFERENCES public.leaflets(id) ON DELETE SET NULL,
  constraint leaflets_updated_by_fkey FOREIGN KEY (updated_by) REFERENCES auth.users(id) ON DELETE SET NULL
);
CREATE UNIQUE INDEX leaflets_school_slug ON public.leaflets USING btree (school_id, slug) WHERE (school_id IS NOT NULL);
CREATE INDEX leaflets_template_idx ON public.leaflets USING btree (template_id);
CREATE UNIQUE INDEX leaflets_template_slug ON public.leaflets USING btree (slug) WHERE (school_id IS NULL);
alter table public.leaflets enable row level security;
create policy "admins delete their school's leaflets" on public.leaflets
  as permissive for delete to authenticated
  using (((school_id IS NOT NULL) AND ( SELECT private.is_school_admin(leaflets.school_id) AS is_school_admin)));
create policy "anyone reads templates and published leaflets; staff also their" on public.leaflets
  as permissive for select to anon, authenticated
  using (((school_id IS NULL) OR (status = 'published'::public.leaflet_status) OR ( SELECT private.is_school_staff(leaflets.school_id) AS is_school_staff)));
create policy "staff edit their school's leaflets" on public.leaflets
  as permissive for update to authenticated
  using (((school_id IS NOT NULL) AND ( SELECT private.is_school_staff(leaflets.school_id) AS is_school_staff)))
  with check (((school_id IS NOT NULL) AND ( SELECT private.is_school_staff(leaflets.school_id) AS is_school_staff) AND ((template_id IS NULL) OR ( SELECT private.is_template(leaflets.template_id) AS is_template))));
create policy "staff start leaflets for their school" on public.leaflets
  as permissive for insert to authenticated
  with check (((school_id IS NOT NULL) AND ( SELECT private.is_school_staff(leaflets.school_id) AS is_school_staff) AND ((template_id IS NULL) OR ( SELECT private.is_template(leaflets.template_id) AS is_template))));
CREATE TRIGGER leaflets_public_pages AFTER INSERT OR DELETE ON public.leaflets FOR EACH STATEMENT EXECUTE FUNCTION private.bump_public_pages_version();
CREATE TRIGGER leaflets_public_pages_update AFTER UPDATE ON public.leaflets FOR EACH ROW WHEN (old.status IS DISTINCT FROM new.status OR old.published_version_id IS DISTINCT FROM new.published_version_id OR old."position" IS DISTINCT FROM new."position" OR old.slug IS DISTINCT FROM new.slug) EXECUTE FUNCTION private.bump_public_pages_version();
grant select on public.leaflets to anon;
grant delete, insert, references, select, trigger, truncate, update on public.leaflets to authenticated;
grant delete, insert, references, select, trigger, truncate, update on public.leaflets to service_role;

create table public.meeting_changes (
  id uuid default gen_random_uuid() not null,
  meeting_id uuid not null,
  changed_at timestamp with time zone default now() not null,
  changed_by uuid,
  was_starts_at timestamp with time zone,
  was_minutes integer,
  was_place text,
  was_video_url text,
  starts_at timestamp with time zone,
  minutes integer,
  place text,
  video_url text,
  constraint meeting_changes_changed_by_fkey FOREIGN KEY (changed_by) REFERENCES auth.users(id) ON DELETE SET NULL,
  constraint meeting_changes_meeting_id_fkey FOREIGN KEY (meeting_id) REFERENCES public.meetings(id) ON DELETE CASCADE,
  constraint meeting_changes_pkey PRIMARY KEY (id)
);
CREATE INDEX meeting_changes_meeting_idx ON public.meeting_changes USING btree (meeting_id, changed_at DESC);
alter table public.meeting_changes enable row level security;
create policy "who sees a meeting sees how it changed" on public.meeting_changes
  as permissive for select to authenticated
  using (( SELECT private.sees_meeting(meeting_changes.meeting_id) AS sees_meeting));
grant references, select, trigger on public.meeting_changes to authenticated;
grant delete, insert, references, select, trigger, truncate, update on public.meeting_changes to service_role;

create table public.meeting_feedback (
  meeting_id uuid not null,
  author_id uuid not null,
  role text not null,
  anonymous boolean default false not null,
  top text,
  tip text,
  seen text,
  heard text,
  valued text,
  created_at timestamp with time zone default now() not null,
  constraint meeting_feedback_author_id_fkey FOREIGN KEY (author_id) REFERENCES auth.users(id) ON DELETE CASCADE,
  constraint meeting_feedback_heard_check CHECK (heard IS NULL OR (heard = ANY (ARRAY['yes'::text, 'partly'::text, 'no'::text]))),
  constraint meeting_feedback_meeting_id_fkey FOREIGN KEY (meeting_id) REFERENCES public.meetings(id) ON DELETE CASCADE,
  constraint meeting_feedback_pkey PRIMARY KEY (meeting_id, author_id),
  constraint meeting_feedback_role_check CHECK (role = ANY (ARRAY['parent'::text, 'pupil'::text])),
  constraint meeting_feedback_seen_check CHECK (seen IS NULL OR (seen = ANY (ARRAY['yes'::text, 'partly'::text, 'no'::text]))),
  constraint meeting_feedback_tip_check CHECK (tip IS NULL OR char_length(tip) <= 300 AND private.is_clean_text(tip)),
  constraint meeting_feedback_top_check CHECK (top IS NULL OR char_length(top) <= 300 AND private.is_clean_text(top)),
  constraint meeting_feedback_valued_check CHECK (valued IS NULL OR (valued = ANY (ARRAY['yes'::text, 'partly'::text, 'no'::text])))
);
alter table public.meeting_feedback enable row level security;
create policy "feedback is its author's; staff read it through meeting_feedbac" on public.meeting_feedback
  as permissive for select to authenticated
  using ((author_id = ( SELECT auth.uid() AS uid)));
CREATE TRIGGER notify_feedback_given AFTER INSERT ON public.meeting_feedback FOR EACH ROW EXECUTE FUNCTION private.notify_feedback_given();
CREATE TRIGGER translations_meeting_feedback AFTER UPDATE ON public.meeting_feedback FOR EACH ROW EXECUTE FUNCTION private.forget_changed_translations();
grant references, select, trigger on public.meeting_feedback to authenticated;
grant delete, insert, references, select, trigger, truncate, update on public.meeting_feedback to service_role;

create table public.meeting_people (
  meeting_id uuid not null,
  user_id uuid not null,
  role text not null,
  interpreter text,
  companion text,
  constraint meeting_people_companion_check CHECK (companion IS NULL OR char_length(companion) <= 120 AND private.is_clean_text(companion)),
  constraint meeting_people_interpreter_check CHECK (interpreter IS NULL OR char_length(interpreter) <= 60 AND private.is_clean_text(interpreter)),
  constraint meeting_people_interpreter_code CHECK (interpreter IS NULL OR interpreter ~ '^[a-z]{2,3}$'::text) NOT VALID,
  constraint meeting_people_meeting_id_fkey FOREIGN KEY (meeting_id) REFERENCES public.meetings(id) ON DELETE CASCADE,
  constraint meeting_people_pkey PRIMARY KEY (meeting_id, user_id),
  constraint meeting_people_role_check CHECK (role = ANY (ARRAY['parent'::text, 'staff'::text])),
  constraint meeting_people_user_id_fkey FOREIGN KEY (user_id) REFERENCES auth.users(id) ON DELETE CASCADE
);
CREATE INDEX meeting_people_user_idx ON public.meeting_people USING btree (user_id);
alter table public.meeting_people enable row level security;
create policy "who sees a meeting sees who is invited" on public.meeting_people
  as permissive for select to authenticated
  using ((( SELECT private.staff_sees_meeting(meeting_people.meeting_id) AS staff_sees_meeting) OR ( SELECT private.invited_to(meeting_people.meeting_id) AS invited_to)));
CREATE TRIGGER notify_interpreter_asked AFTER UPDATE ON public.meeting_people FOR EACH ROW EXECUTE FUNCTION private.notify_interpreter_asked();
CREATE CONSTRAINT TRIGGER notify_parent_invited AFTER INSERT ON public.meeting_people DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION private.notify_parent_invited();
CREATE TRIGGER translations_meeting_people AFTER UPDATE ON public.meeting_people FOR EACH ROW EXECUTE FUNCTION private.forget_changed_translations();
grant references, select, trigger on public.meeting_people to authenticated;
grant delete, insert, references, select, trigger, truncate, update on public.meeting_people to service_role;

create table public.meeting_pupils (
  meeting_id uuid not null,
  pupil_id uuid not null,
  class_id uuid not null,
  constraint meeting_pupils_class_id_fkey FOREIGN KEY (class_id) REFERENCES public.classes(id) ON DELETE CASCADE,
  constraint meeting_pupils_meeting_id_fkey FOREIGN KEY (meeting_id) REFERENCES public.meetings(id) ON DELETE CASCADE,
  constraint meeting_pupils_pkey PRIMARY KEY (meeting_id, pupil_id),
  constraint meeting_pupils_pupil_id_fkey FOREIGN KEY (pupil_id) REFERENCES public.pupils(id) ON DELETE CASCADE
);
CREATE INDEX meeting_pupils_class_idx ON public.meeting_pupils USING btree (class_id);
CREATE INDEX meeting_pupils_pupil_idx ON public.meeting_pupils USING btree (pupil_id);
alter table public.meeting_pupils enable row level security;
create policy "who sees a meeting sees whom it is about" on public.meeting_pupils
  as permissive for select to authenticated
  using (( SELECT private.sees_meeting(meeting_pupils.meeting_id) AS sees_meeting));
grant references, select, trigger on public.meeting_pupils to authenticated;
grant delete, insert, references, select, trigger, truncate, update on public.meeting_pupils to service_role;

create table public.meeting_reads (
  user_id uuid not null,
  meeting_id uuid not null,
  read_at timestamp with time zone default now() not null,
  constraint meeting_reads_meeting_id_fkey FOREIGN KEY (meeting_id) REFERENCES public.meetings(id) ON DELETE CASCADE,
  constraint meeting_reads_pkey PRIMARY KEY (user_id, meeting_id),
  constraint meeting_reads_user_id_fkey FOREIGN KEY (user_id) REFERENCES auth.users(id) ON DELETE CASCADE
);
CREATE INDEX meeting_reads_meeting_idx ON public.meeting_reads USING btree (meeting_id);
alter table public.meeting_reads enable row level security;
create policy "a person sees what they have read" on public.meeting_reads
  as permissive for select to authenticated
  using ((user_id = ( SELECT auth.uid() AS uid)));
grant references, select, trigger on public.meeting_reads to authenticated;
grant delete, insert, references, select, trigger, truncate, update on public.meeting_reads to service_role;

create table public.meetings (
  id uuid default gen_random_uuid() not null,
  school_id uuid not null,
  kind text not null,
  status text default 'planned'::text not null,
  starts_at timestamp with time zone,
  minutes integer,
  place text,
  video_url text,
  attendees text,
  goal text,
  request_reason text,
  requested_by uuid,
  created_by uuid,
  created_at timestamp with time zone default now() not null,
  interpreter_lang text,
  interpreter_mode text,
  interpreter_booked boolean default false not null,
  calendar_sequence integer default 0 not null,
  constraint meetings_attendees_check CHECK (attendees IS NULL OR char_length(attendees) <= 200 AND private.is_clean_text(attendees)),
  constraint meetings_check CHECK (status <> 'planned'::text OR starts_at IS NOT NULL),
  constraint meetings_created_by_fkey FOREIGN KEY (created_by) REFERENCES auth.users(id) ON DELETE SET NULL,
  constraint meetings_goal_check CHECK (goal IS NULL OR char_length(goal) <= 200 AND private.is_clean_text(goal)),
  constraint meetings_interpreter_lang_check CHECK (interpreter_lang IS NULL OR interpreter_lang ~ '^[a-z]{2,3}$'::text),
  constraint meetings_interpreter_mode_check CHECK (interpreter_mode IS NULL OR (interpreter_mode = ANY (ARRAY['in-person'::text, 'phone'::text]))),
  constraint meetings_interpreter_whole CHECK (interpreter_lang IS NOT NULL OR interpreter_mode IS NULL AND NOT interpreter_booked),
  constraint meetings_kind_check CHECK (kind = ANY (private.meeting_kinds())),
  constraint meetings_minutes_check CHECK (minutes IS NULL OR minutes >= 5 AND minutes <= 240),
  constraint meetings_pkey PRIMARY KEY (id),
  constraint meetings_place_check CHECK (place IS NULL OR char_length(place) <= 120 AND private.is_clean_text(place)),
  constraint meetings_request_reason_check CHECK (request_reason IS NULL OR char_length(request_reason) <= 300 AND private.is_clean_text(request_reason)),
  constraint meetings_requested_by_fkey FOREIGN KEY (requested_by) REFERENCES auth.users(id) ON DELETE SET NULL,
  constraint meetings_school_id_fkey FOREIGN KEY (school_id) REFERENCES public.schools(id) ON DELETE CASCADE,
  constraint meetings_status_check CHECK (status = ANY (ARRAY['requested'::text, 'planned'::text, 'cancelled'::text])),
  constraint meetings_video_url_check CHECK (video_url IS NULL OR char_length(video_url) <= 300 AND video_url ~ '^https://[^\s]+$'::text)
);
CREATE INDEX meetings_school_idx ON public.meetings USING btree (school_id, starts_at);
alter table public.meetings enable row level security;
create policy "invited parents, its pupils and the staff of its classes see a " on public.meetings
  as permissive for select to authenticated
  using (( SELECT private.sees_meeting(meetings.id) AS sees_meeting));
CREATE TRIGGER meetings_calendar_sequence BEFORE UPDATE ON public.meetings FOR EACH ROW EXECUTE FUNCTION private.raise_calendar_sequence();
CREATE CONSTRAINT TRIGGER notify_meeting_changed AFTER UPDATE ON public.meetings DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION private.notify_meeting_changed();
CREATE CONSTRAINT TRIGGER notify_meeting_requested AFTER INSERT ON public.meetings DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION private.notify_meeting_requested();
CREATE TRIGGER translations_meetings AFTER UPDATE ON public.meetings FOR EACH ROW EXECUTE FUNCTION private.forget_changed_translations();
grant references, select, trigger on public.meetings to authenticated;
grant delete, insert, references, select, trigger, truncate, update on public.meetings to service_role;

create table public.memberships (
  id uuid default gen_random_uuid() not null,
  school_id uuid not null,
  user_id uuid not null,
  role public.school_role not null,
  created_at timestamp with time zone default now() not null,
  constraint memberships_pkey PRIMARY KEY (id),
  constraint memberships_school_id_fkey FOREIGN KEY (school_id) REFERENCES public.schools(id) ON DELETE CASCADE,
  constraint memberships_school_id_user_id_role_key UNIQUE (school_id, user_id, role),
  constraint memberships_user_id_fkey FOREIGN KEY (user_id) REFERENCES auth.users(id) ON DELETE CASCADE
);
CREATE INDEX memberships_school_idx ON public.memberships USING btree (school_id, role);
CREATE INDEX memberships_user_idx ON public.memberships USING btree (user_id, school_id);
alter table public.memberships enable row level security;
create policy "admins remove others from their school" on public.memberships
  as permissive for delete to authenticated
  using ((( SELECT private.is_school_admin(memberships.school_id) AS is_school_admin) AND (user_id <> ( SELECT auth.uid() AS uid))));
create policy "people see their own roles; admins and coaches every role in th" on public.memberships
  as permissive for select to authenticated
  using (((user_id = ( SELECT auth.uid() AS uid)) OR ( SELECT private.sees_all_classes(memberships.school_id) AS sees_all_classes) OR ((role = ANY (ARRAY['admin'::public.school_role, 'coach'::public.school_role, 'teacher'::public.school_role])) AND ( SELECT private.is_school_staff(memberships.school_id) AS is_school_staff))));
grant delete, insert, references, select, trigger, truncate, update on public.memberships to authenticated;
grant delete, insert, references, select, trigger, truncate, update on public.memberships to service_role;

create table public.need_answers (
  round_id uuid not null,
  pupil_id uuid not null,
  school_id uuid not null,
  class_id uuid not null,
  needs text[] default '{}'::text[] not null,
  goal_step text,
  own_words text,
  drawing_path text,
  tops text[] default '{}'::text[] not null,
  tips text[] default '{}'::text[] not null,
  top_words text,
  tip_words text,
  feedback_drawing_path text,
  updated_at timestamp with time zone default now() not null,
  constraint need_answers_class_id_fkey FOREIGN KEY (class_id) REFERENCES public.classes(id) ON DELETE CASCADE,
  constraint need_answers_drawing_path_check CHECK (drawing_path IS NULL OR char_length(drawing_path) <= 200),
  constraint need_answers_feedback_drawing_path_check CHECK (feedback_drawing_path IS NULL OR char_length(feedback_drawing_path) <= 200),
  constraint need_answers_goal_step_check CHECK (goal_step IS NULL OR (goal_step = ANY (private.goal_steps()))),
  constraint need_answers_needs_check CHECK (private.valid_need_list(needs)),
  constraint need_answers_own_words_check CHECK (own_words IS NULL OR char_length(own_words) >= 1 AND char_length(own_words) <= 300 AND private.is_clean_text(own_words)),
  constraint need_answers_pkey PRIMARY KEY (round_id, pupil_id),
  constraint need_answers_pupil_id_fkey FOREIGN KEY (pupil_id) REFERENCES public.pupils(id) ON DELETE CASCADE,
  constraint need_answers_round_id_fkey FOREIGN KEY (round_id) REFERENCES public.need_rounds(id) ON DELETE CASCADE,
  constraint need_answers_school_id_fkey FOREIGN KEY (school_id) REFERENCES public.schools(id) ON DELETE CASCADE,
  constraint need_answers_tip_words_check CHECK (tip_words IS NULL OR char_length(tip_words) >= 1 AND char_length(tip_words) <= 300 AND private.is_clean_text(tip_words)),
  constraint need_answers_tips_check CHECK (private.valid_need_list(tips)),
  constraint need_answers_top_words_check CHECK (top_words IS NULL OR char_length(top_words) >= 1 AND char_length(top_words) <= 300 AND private.is_clean_text(top_words)),
  constraint need_answers_tops_check CHECK (private.valid_need_list(tops))
);
CREATE INDEX need_answers_class_idx ON public.need_answers USING btree (class_id);
CREATE INDEX need_answers_pupil_idx ON public.need_answers USING btree (pupil_id);
alter table public.need_answers enable row level security;
create policy "only the pupil and their parents read answers directly; staff t" on public.need_answers
  as restrictive for select to authenticated
  using ((( SELECT private.is_pupil_self(need_answers.pupil_id) AS is_pupil_self) OR ( SELECT private.is_guardian_of(need_answers.pupil_id) AS is_guardian_of)));
create policy "pupils see their own answers, parents their child's, teachers t" on public.need_answers
  as permissive for select to authenticated
  using ((( SELECT private.is_pupil_self(need_answers.pupil_id) AS is_pupil_self) OR ( SELECT private.is_guardian_of(need_answers.pupil_id) AS is_guardian_of) OR ( SELECT private.can_see_class_pupils(need_answers.class_id) AS can_see_class_pupils)));
grant references, select, trigger on public.need_answers to authenticated;
grant delete, insert, references, select, trigger, truncate, update on public.need_answers to service_role;

create table public.need_rounds (
  id uuid default gen_random_uuid() not null,
  school_id uuid not null,
  class_id uuid not null,
  goal text,
  opened_by uuid,
  opened_at timestamp with time zone default now() not null,
  closed_at timestamp with time zone,
  cards text[],
  constraint need_rounds_cards_check CHECK (cards IS NULL OR private.valid_need_list(cards) AND cardinality(cards) >= 2),
  constraint need_rounds_check CHECK (closed_at IS NULL OR closed_at >= opened_at),
  constraint need_rounds_class_id_school_id_fkey FOREIGN KEY (class_id, school_id) REFERENCES public.classes(id, school_id) ON DELETE CASCADE,
  constraint need_rounds_goal_check CHECK (goal IS NULL OR char_length(btrim(goal)) >= 1 AND char_length(btrim(goal)) <= 120 AND private.is_clean_text(goal)),
  constraint need_rounds_opened_by_fkey FOREIGN KEY (opened_by) REFERENCES auth.users(id) ON DELETE SET NULL,
  constraint need_rounds_pkey PRIMARY KEY (id)
);
CREATE INDEX need_rounds_class_idx ON public.need_rounds USING btree (class_id, opened_at DESC);
CREATE INDEX need_rounds_school_idx ON public.need_rounds USING btree (school_id, class_id, opened_at DESC);
alter table public.need_rounds enable row level security;
create policy "the class's people see its rounds" on public.need_rounds
  as permissive for select to authenticated
  using (( SELECT private.can_see_class(need_rounds.class_id) AS can_see_class));
CREATE TRIGGER notify_needs_round_closed AFTER UPDATE OF closed_at ON public.need_rounds FOR EACH ROW EXECUTE FUNCTION private.notify_needs_round_closed();
CREATE TRIGGER translations_need_rounds AFTER UPDATE ON public.need_rounds FOR EACH ROW EXECUTE FUNCTION private.forget_changed_translations();
grant references, select, trigger on public.need_rounds to authenticated;
grant delete, insert, references, select, trigger, truncate, update on public.need_rounds to service_role;

create table public.notification_settings (
  user_id uuid not null,
  off_kinds text[] default '{}'::text[] not null,
  quiet_from time without time zone,
  quiet_until time without time zone,
  staff_digest boolean default true not null,
  push_names boolean default false not null,
  updated_at timestamp with time zone default now() not null,
  constraint notification_settings_check CHECK ((quiet_from IS NULL) = (quiet_until IS NULL) AND (quiet_from IS NULL OR quiet_from <> quiet_until)),
  constraint notification_settings_off_kinds_check CHECK (off_kinds <@ private.notification_kinds() AND NOT off_kinds && private.essential_kinds()),
  constraint notification_settings_off_kinds_check1 CHECK (cardinality(off_kinds) <= 30),
  constraint notification_settings_pkey PRIMARY KEY (user_id),
  constraint notification_settings_user_id_fkey FOREIGN KEY (user_id) REFERENCES auth.users(id) ON DELETE CASCADE
);
alter table public.notification_settings enable row level security;
create policy "a person sees their own notification settings" on public.notification_settings
  as permissive for select to authenticated
  using ((user_id = ( SELECT auth.uid() AS uid)));
grant references, select, trigger on public.notification_settings to authenticated;
grant delete, insert, references, select, trigger, truncate, update on public.notification_settings to service_role;

create table public.plan_places (
  round_id uuid not null,
  pupil_id uuid not null,
  class_id uuid not null,
  circle text not null,
  constraint plan_places_circle_check CHECK (circle = ANY (private.plan_circles())),
  constraint plan_places_class_id_fkey FOREIGN KEY (class_id) REFERENCES public.classes(id) ON DELETE CASCADE,
  constraint plan_places_pkey PRIMARY KEY (round_id, pupil_id),
  constraint plan_places_pupil_id_fkey FOREIGN KEY (pupil_id) REFERENCES public.pupils(id) ON DELETE CASCADE,
  constraint plan_places_round_id_fkey FOREIGN KEY (round_id) REFERENCES public.need_rounds(id) ON DELETE CASCADE
);
CREATE INDEX plan_places_class_idx ON public.plan_places USING btree (class_id);
alter table public.plan_places enable row level security;
create policy "teachers, coach and admins see a class's plan" on public.plan_places
  as permissive for select to authenticated
  using (( SELECT private.can_see_class_pupils(plan_places.class_id) AS can_see_class_pupils));
grant references, select, trigger on public.plan_places to authenticated;
grant delete, insert, references, select, trigger, truncate, update on public.plan_places to service_role;

create table public.preparations (
  meeting_id uuid not null,
  user_id uuid not null,
  answers jsonb default '{}'::jsonb not null,
  step integer default 0 not null,
  shared_at timestamp with time zone,
  updated_at timestamp with time zone default now() not null,
  constraint preparations_answers_check CHECK (private.valid_preparation(answers)),
  constraint preparations_meeting_id_fkey FOREIGN KEY (meeting_id) REFERENCES public.meetings(id) ON DELETE CASCADE,
  constraint preparations_pkey PRIMARY KEY (meeting_id, user_id),
  constraint preparations_step_check CHECK (step >= 0 AND step <= 20),
  constraint preparations_user_id_fkey FOREIGN KEY (user_id) REFERENCES auth.users(id) ON DELETE CASCADE
);
alter table public.preparations enable row level security;
create policy "a preparation is its author's, and the school's once shared" on public.preparations
  as permissive for select to authenticated
  using (((user_id = ( SELECT auth.uid() AS uid)) OR ((shared_at IS NOT NULL) AND ( SELECT private.staff_sees_meeting(preparations.meeting_id) AS staff_sees_meeting))));
create policy "only its author reads a preparation directly; staff through mee" on public.preparations
  as restrictive for select to authenticated
  using ((user_id = ( SELECT auth.uid() AS uid)));
CREATE TRIGGER notify_preparation_shared AFTER INSERT OR UPDATE OF shared_at ON public.preparations FOR EACH ROW EXECUTE FUNCTION private.notify_preparation_shared();
CREATE TRIGGER translations_preparations AFTER UPDATE ON public.preparations FOR EACH ROW EXECUTE FUNCTION private.forget_changed_translations();
grant references, select, trigger on public.preparations to authenticated;
grant delete, insert, references, select, trigger, truncate, update on public.preparations to service_role;

create table public.profiles (
  user_id uuid not null,
  display_name text not null,
  email text,
  locale public.locale_code default 'nl'::text not null,
  created_at timestamp with time zone default now() not null,
  updated_at timestamp with time zone default now() not null,
  translates text[] default '{}'::text[] not null,
  constraint profiles_display_name_check CHECK (char_length(btrim(display_name)) >= 1 AND char_length(btrim(display_name)) <= 80),
  constraint profiles_display_name_clean CHECK (private.is_clean_text(display_name)),
  constraint profiles_email_check CHECK (char_length(email) <= 254),
  constraint profiles_pkey PRIMARY KEY (user_id),
  constraint profiles_translates_check CHECK (translates <@ ARRAY['en'::text, 'ar'::text, 'uk'::text, 'pl'::text, 'tr'::text]),
  constraint profiles_user_id_fkey FOREIGN KEY (user_id) REFERENCES auth.users(id) ON DELETE CASCADE
);
alter table public.profiles enable row level security;
create policy "people create their own profile, with their own sign-in address" on public.profiles
  as permissive for insert to authenticated
  with check (((user_id = ( SELECT auth.uid() AS uid)) AND (NOT (email IS DISTINCT FROM ( SELECT auth.email() AS email)))));
create policy "people see their own profile and staff see their school's peopl" on public.profiles
  as permissive for select to authenticated
  using (( SELECT private.can_see_profile(profiles.user_id) AS can_see_profile));
create policy "people update their own profile" on public.profiles
  as permissive for update to authenticated
  using ((user_id = ( SELECT auth.uid() AS uid)))
  with check ((user_id = ( SELECT auth.uid() AS uid)));
create policy "pupils create no profile" on public.profiles
  as restrictive for insert to authenticated
  with check ((NOT (EXISTS ( SELECT 1
   FROM public.pupils p
  WHERE (p.user_id = ( SELECT auth.uid() AS uid))))));
grant delete, insert, references, select, trigger, truncate on public.profiles to authenticated;
grant delete, insert, references, select, trigger, truncate, update on public.profiles to service_role;
grant update (display_name, locale, updated_at, translates) on public.profiles to authenticated;

create table public.pupil_access_log (
  id bigint generated always as identity not null,
  school_id uuid not null,
  reader_id uuid,
  pupil_id uuid not null,
  kind text not null,
  at timestamp with time zone default clock_timestamp() not null,
  constraint pupil_access_log_kind_check CHECK (kind = ANY (ARRAY['needs_answers'::text, 'drawing'::text, 'preparation'::text, 'pupil_preparation'::text, 'feedback'::text, 'parent_link'::text])),
  constraint pupil_access_log_pkey PRIMARY KEY (id),
  constraint pupil_access_log_pupil_id_fkey FOREIGN KEY (pupil_id) REFERENCES public.pupils(id) ON DELETE CASCADE,
  constraint pupil_access_log_reader_id_fkey FOREIGN KEY (reader_id) REFERENCES auth.users(id) ON DELETE SET NULL,
  constraint pupil_access_log_school_id_fkey FOREIGN KEY (school_id) REFERENCES public.schools(id) ON DELETE CASCADE
);
CREATE INDEX pupil_access_log_pupil_idx ON public.pupil_access_log USING btree (pupil_id);
CREATE INDEX pupil_access_log_reader_idx ON public.pupil_access_log USING btree (reader_id);
CREATE INDEX pupil_access_log_recent_idx ON public.pupil_access_log USING btree (reader_id, pupil_id, kind, at DESC);
CREATE INDEX pupil_access_log_school_idx ON public.pupil_access_log USING btree (school_id, at DESC);
alter table public.pupil_access_log enable row level security;
create policy "the admin and the coach read who looked at their school's pupil" on public.pupil_access_log
  as permissive for select to authenticated
  using (( SELECT private.has_school_role(pupil_access_log.school_id, ARRAY['admin'::public.school_role, 'coach'::public.school_role]) AS has_school_role));
grant delete, insert, references, select, trigger, truncate, update on public.pupil_access_log to anon;
grant delete, insert, references, select, trigger, truncate, update on public.pupil_access_log to authenticated;
grant delete, insert, references, select, trigger, truncate, update on public.pupil_access_log to service_role;

create table public.pupil_notes (
  pupil_id uuid not null,
  school_id uuid not null,
  helps text,
  hinders text,
  updated_by uuid,
  updated_at timestamp with time zone default now() not null,
  constraint pupil_notes_helps_check CHECK (helps IS NULL OR char_length(helps) <= 600 AND private.is_clean_text(helps)),
  constraint pupil_notes_hinders_check CHECK (hinders IS NULL OR char_length(hinders) <= 600 AND private.is_clean_text(hinders)),
  constraint pupil_notes_pkey PRIMARY KEY (pupil_id),
  constraint pupil_notes_pupil_id_fkey FOREIGN KEY (pupil_id) REFERENCES public.pupils(id) ON DELETE CASCADE,
  constraint pupil_notes_school_id_fkey FOREIGN KEY (school_id) REFERENCES public.schools(id) ON DELETE CASCADE,
  constraint pupil_notes_updated_by_fkey FOREIGN KEY (updated_by) REFERENCES auth.users(id) ON DELETE SET NULL
);
alter table public.pupil_notes enable row level security;
create policy "the class's teachers, the coach and admins see a pupil's note" on public.pupil_notes
  as permissive for select to authenticated
  using ((EXISTS ( SELECT 1
   FROM public.pupils p
  WHERE ((p.id = pupil_notes.pupil_id) AND private.can_see_class_pupils(p.class_id)))));
grant references, trigger on public.pupil_notes to authenticated;
grant delete, insert, references, select, trigger, truncate, update on public.pupil_notes to service_role;

create table public.pupil_preparations (
  meeting_id uuid not null,
  pupil_id uuid not null,
  answers jsonb default '{}'::jsonb not null,
  words text,
  consented_at timestamp with time zone,
  updated_at timestamp with time zone default now() not null,
  constraint pupil_preparations_answers_check CHECK (private.valid_pupil_preparation(answers)),
  constraint pupil_preparations_meeting_id_fkey FOREIGN KEY (meeting_id) REFERENCES public.meetings(id) ON DELETE CASCADE,
  constraint pupil_preparations_pkey PRIMARY KEY (meeting_id, pupil_id),
  constraint pupil_preparations_pupil_id_fkey FOREIGN KEY (pupil_id) REFERENCES public.pupils(id) ON DELETE CASCADE,
  constraint pupil_preparations_words_check CHECK (words IS NULL OR char_length(words) <= 300 AND private.is_clean_text(words))
);
alter table public.pupil_preparations enable row level security;
create policy "a child's part is theirs, and their parents' and teacher's once" on public.pupil_preparations
  as permissive for select to authenticated
  using ((( SELECT private.is_pupil_self(pupil_preparations.pupil_id) AS is_pupil_self) OR ((consented_at IS NOT NULL) AND (( SELECT private.is_guardian_of(pupil_preparations.pupil_id) AS is_guardian_of) OR ( SELECT private.staff_sees_meeting(pupil_preparations.meeting_id) AS staff_sees_meeting)))));
create policy "only the child and their parents read a part directly; staff th" on public.pupil_preparations
  as restrictive for select to authenticated
  using ((( SELECT private.is_pupil_self(pupil_preparations.pupil_id) AS is_pupil_self) OR ( SELECT private.is_guardian_of(pupil_preparations.pupil_id) AS is_guardian_of)));
CREATE TRIGGER translations_pupil_preparations AFTER UPDATE ON public.pupil_preparations FOR EACH ROW EXECUTE FUNCTION private.forget_changed_translations();
grant references, select, trigger on public.pupil_preparations to authenticated;
grant delete, insert, references, select, trigger, truncate, update on public.pupil_preparations to service_role;

create table public.pupils (
  id uuid default gen_random_uuid() not null,
  school_id uuid not null,
  class_id uuid not null,
  first_name text not null,
  user_id uuid,
  created_at timestamp with time zone default now() not null,
  avatar text,
  board_locale public.locale_code,
  left_at timestamp with time zone,
  constraint pupils_avatar_check CHECK (avatar IS NULL OR (avatar = ANY (private.avatar_ids()))),
  constraint pupils_class_id_school_id_fkey FOREIGN KEY (class_id, school_id) REFERENCES public.classes(id, school_id) ON DELETE CASCADE,
  constraint pupils_first_name_check CHECK (char_length(btrim(first_name)) >= 1 AND char_length(btrim(first_name)) <= 40),
  constraint pupils_first_name_clean CHECK (private.is_clean_text(first_name)),
  constraint pupils_pkey PRIMARY KEY (id),
  constraint pupils_school_id_fkey FOREIGN KEY (school_id) REFERENCES public.schools(id) ON DELETE CASCADE,
  constraint pupils_user_id_fkey FOREIGN KEY (user_id) REFERENCES auth.users(id) ON DELETE SET NULL,
  constraint pupils_user_id_key UNIQUE (user_id)
);
CREATE INDEX pupils_left_idx ON public.pupils USING btree (left_at) WHERE (left_at IS NOT NULL);
CREATE UNIQUE INDEX pupils_name_per_class ON public.pupils USING btree (class_id, lower(btrim(first_name))) WHERE (left_at IS NULL);
CREATE INDEX pupils_school_idx ON public.pupils USING btree (school_id);
alter table public.pupils enable row level security;
create policy "admins add pupils to their school" on public.pupils
  as permissive for insert to authenticated
  with check (( SELECT private.is_school_admin(pupils.school_id) AS is_school_admin));
create policy "admins and coaches see their school's pupils, teachers their cl" on public.pupils
  as permissive for select to authenticated
  using ((( SELECT private.sees_all_classes(pupils.school_id) AS sees_all_classes) OR ( SELECT private.teaches_class(pupils.class_id) AS teaches_class) OR ( SELECT private.is_guardian_of(pupils.id) AS is_guardian_of) OR (user_id = ( SELECT auth.uid() AS uid))));
create policy "admins change pupils in their school" on public.pupils
  as permissive for update to authenticated
  using (( SELECT private.is_school_admin(pupils.school_id) AS is_school_admin))
  with check (( SELECT private.is_school_admin(pupils.school_id) AS is_school_admin));
create policy "admins remove pupils from their school" on public.pupils
  as permissive for delete to authenticated
  using (( SELECT private.is_school_admin(pupils.school_id) AS is_school_admin));
grant delete, insert, references, select, trigger, truncate, update on public.pupils to authenticated;
grant delete, insert, references, select, trigger, truncate, update on public.pupils to service_role;

create table public.schools (
  id uuid default gen_random_uuid() not null,
  slug text not null,
  name text not null,
  logo_path text,
  contact_name text,
  contact_email text,
  contact_phone text,
  default_locale public.locale_code default 'nl'::text not null,
  created_at timestamp with time zone default now() not null,
  privacy_board text,
  privacy_contact text,
  retention_months integer default 24 not null,
  pupil_idle_minutes integer default 5 not null,
  constraint schools_contact_email_check CHECK (char_length(contact_email) <= 254),
  constraint schools_contact_name_check CHECK (char_length(contact_name) <= 80),
  constraint schools_contact_phone_check CHECK (char_length(contact_phone) <= 40),
  constraint schools_logo_path_check CHECK (char_length(logo_path) <= 300),
  constraint schools_name_check CHECK (char_length(btrim(name)) >= 2 AND char_length(btrim(name)) <= 120),
  constraint schools_name_clean CHECK (private.is_clean_text(name) AND private.is_clean_text(contact_name)),
  constraint schools_pkey PRIMARY KEY (id),
  constraint schools_privacy_board_check CHECK (privacy_board IS NULL OR char_length(btrim(privacy_board)) >= 1 AND char_length(btrim(privacy_board)) <= 120 AND private.is_clean_text(privacy_board)),
  constraint schools_privacy_contact_check CHECK (privacy_contact IS NULL OR char_length(btrim(privacy_contact)) >= 1 AND char_length(btrim(privacy_contact)) <= 200 AND private.is_clean_text(privacy_contact)),
  constraint schools_pupil_idle_minutes_check CHECK (pupil_idle_minutes >= 2 AND pupil_idle_minutes <= 15),
  constraint schools_retention_months_check CHECK (retention_months >= 6 AND retention_months <= 120),
  constraint schools_slug_check CHECK (slug ~ '^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$'::text),
  constraint schools_slug_key UNIQUE (slug)
);
alter table public.schools enable row level security;
create policy "admins update their own school" on public.schools
  as permissive for update to authenticated
  using (( SELECT private.is_school_admin(schools.id) AS is_school_admin))
  with check (( SELECT private.is_school_admin(schools.id) AS is_school_admin));
create policy "anyone can read a school's public facts" on public.schools
  as permissive for select to anon, authenticated
  using (true);
CREATE TRIGGER schools_public_pages AFTER UPDATE ON public.schools FOR EACH STATEMENT EXECUTE FUNCTION private.bump_public_pages_version();
grant select on public.schools to anon;
grant delete, insert, references, select, trigger, truncate, update on public.schools to authenticated;
grant delete, insert, references, select, trigger, truncate, update on public.schools to service_role;

create table public.slot_rounds (
  id uuid default gen_random_uuid() not null,
  school_id uuid not null,
  class_id uuid not null,
  title text not null,
  deadline timestamp with time zone not null,
  created_by uuid,
  created_at timestamp with time zone default now() not null,
  constraint slot_rounds_class_id_school_id_fkey FOREIGN KEY (class_id, school_id) REFERENCES public.classes(id, school_id) ON DELETE CASCADE,
  constraint slot_rounds_created_by_fkey FOREIGN KEY (created_by) REFERENCES auth.users(id) ON DELETE SET NULL,
  constraint slot_rounds_pkey PRIMARY KEY (id),
  constraint slot_rounds_title_check CHECK (char_length(btrim(title)) >= 1 AND char_length(btrim(title)) <= 120 AND private.is_clean_text(title))
);
alter table public.slot_rounds enable row level security;
create policy "staff of the class see its meeting rounds; parents of its pupil" on public.slot_rounds
  as permissive for select to authenticated
  using (( SELECT private.can_see_class(slot_rounds.class_id) AS can_see_class));
CREATE CONSTRAINT TRIGGER notify_round_opened AFTER INSERT ON public.slot_rounds DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION private.notify_round_opened();
CREATE TRIGGER translations_slot_rounds AFTER UPDATE ON public.slot_rounds FOR EACH ROW EXECUTE FUNCTION private.forget_changed_translations();
grant references, select, trigger on public.slot_rounds to authenticated;
grant delete, insert, references, select, trigger, truncate, update on public.slot_rounds to service_role;

create table public.slots (
  id uuid default gen_random_uuid() not null,
  round_id uuid not null,
  starts_at timestamp with time zone not null,
  minutes integer not null,
  teacher_id uuid,
  pupil_id uuid,
  booked_by uuid,
  meeting_id uuid,
  constraint slots_booked_by_fkey FOREIGN KEY (booked_by) REFERENCES auth.users(id) ON DELETE SET NULL,
  constraint slots_meeting_id_fkey FOREIGN KEY (meeting_id) REFERENCES public.meetings(id) ON DELETE SET NULL,
  constraint slots_minutes_check CHECK (minutes >= 5 AND minutes <= 240),
  constraint slots_pkey PRIMARY KEY (id),
  constraint slots_pupil_id_fkey FOREIGN KEY (pupil_id) REFERENCES public.pupils(id) ON DELETE SET NULL,
  constraint slots_round_id_fkey FOREIGN KEY (round_id) REFERENCES public.slot_rounds(id) ON DELETE CASCADE,
  constraint slots_round_id_teacher_id_starts_at_key UNIQUE (round_id, teacher_id, starts_at),
  constraint slots_teacher_id_fkey FOREIGN KEY (teacher_id) REFERENCES auth.users(id) ON DELETE SET NULL
);
CREATE UNIQUE INDEX slots_one_per_pupil ON public.slots USING btree (round_id, pupil_id) WHERE (pupil_id IS NOT NULL);
CREATE INDEX slots_round_idx ON public.slots USING btree (round_id, starts_at);
alter table public.slots enable row level security;
create policy "who sees a round sees its slots" on public.slots
  as permissive for select to authenticated
  using ((EXISTS ( SELECT 1
   FROM public.slot_rounds r
  WHERE ((r.id = slots.round_id) AND ( SELECT private.can_see_class(r.class_id) AS can_see_class)))));
grant references, select, trigger on public.slots to authenticated;
grant delete, insert, references, select, trigger, truncate, update on public.slots to service_role;

create table public.translations (
  id uuid default gen_random_uuid() not null,
  source text not null,
  field text not null,
  meeting_id uuid,
  agreement_id uuid,
  wish_user uuid,
  prep_user uuid,
  feedback_author uuid,
  part_pupil uuid,
  slot_round_id uuid,
  need_round_id uuid,
  erasure_request_id uuid,
  ref text generated always as (((((((((((((((((((((source || ':'::text) || field) || ':'::text) || COALESCE((meeting_id)::text, ''::text)) || ':'::text) || COALESCE((agreement_id)::text, ''::text)) || ':'::text) || COALESCE((wish_user)::text, ''::text)) || ':'::text) || COALESCE((prep_user)::text, ''::text)) || ':'::text) || COALESCE((feedback_author)::text, ''::text)) || ':'::text) || COALESCE((part_pupil)::text, ''::text)) || ':'::text) || COALESCE((slot_round_id)::text, ''::text)) || ':'::text) || COALESCE((need_round_id)::text, ''::text)) || ':'::text) || COALESCE((erasure_request_id)::text, ''::text))) stored,
  source_hash text not null,
  source_lang text not null,
  target_lang public.locale_code not null,
  text text not null,
  origin text not null,
  provider text,
  checked_by uuid,
  checked_at timestamp with time zone,
  created_at timestamp with time zone default now() not null,
  constraint translations_agreement_id_fkey FOREIGN KEY (agreement_id) REFERENCES public.agreements(id) ON DELETE CASCADE,
  constraint translations_check CHECK ((origin = 'person'::text) = (checked_at IS NOT NULL)),
  constraint translations_check1 CHECK (source_lang <> target_lang::text),
  constraint translations_check2 CHECK (num_nonnulls(meeting_id, agreement_id, wish_user, prep_user, feedback_author, part_pupil, slot_round_id, need_round_id, erasure_request_id) =
CASE
    WHEN source = ANY (ARRAY['wish'::text, 'preparation'::text, 'feedback'::text, 'pupil_part'::text]) THEN 2
    ELSE 1
END AND
CASE source
    WHEN 'meeting'::text THEN meeting_id IS NOT NULL AND (field = ANY (ARRAY['goal'::text, 'place'::text, 'attendees'::text, 'request_reason'::text]))
    WHEN 'agreement'::text THEN agreement_id IS NOT NULL AND (field = ANY (ARRAY['text'::text, 'who'::text]))
    WHEN 'wish'::text THEN meeting_id IS NOT NULL AND wish_user IS NOT NULL AND field = 'companion'::text
    WHEN 'preparation'::text THEN meeting_id IS NOT NULL AND prep_user IS NOT NULL AND (field = ANY (private.prep_topics()))
    WHEN 'feedback'::text THEN meeting_id IS NOT NULL AND feedback_author IS NOT NULL AND (field = ANY (ARRAY['top'::text, 'tip'::text]))
    WHEN 'pupil_part'::text THEN meeting_id IS NOT NULL AND part_pupil IS NOT NULL AND field = 'words'::text
    WHEN 'slot_round'::text THEN slot_round_id IS NOT NULL AND field = 'title'::text
    WHEN 'need_round'::text THEN need_round_id IS NOT NULL AND field = 'goal'::text
    WHEN 'erasure_request'::text THEN erasure_request_id IS NOT NULL AND (field = ANY (ARRAY['message'::text, 'reason'::text]))
    ELSE NULL::boolean
END),
  constraint translations_checked_by_fkey FOREIGN KEY (checked_by) REFERENCES auth.users(id) ON DELETE SET NULL,
  constraint translations_erasure_request_id_fkey FOREIGN KEY (erasure_request_id) REFERENCES public.erasure_requests(id) ON DELETE CASCADE,
  constraint translations_meeting_id_feedback_author_fkey FOREIGN KEY (meeting_id, feedback_author) REFERENCES public.meeting_feedback(meeting_id, author_id) ON DELETE CASCADE,
  constraint translations_meeting_id_fkey FOREIGN KEY (meeting_id) REFERENCES public.meetings(id) ON DELETE CASCADE,
  constraint translations_meeting_id_part_pupil_fkey FOREIGN KEY (meeting_id, part_pupil) REFERENCES public.pupil_preparations(meeting_id, pupil_id) ON DELETE CASCADE,
  constraint translations_meeting_id_prep_user_fkey FOREIGN KEY (meeting_id, prep_user) REFERENCES public.preparations(meeting_id, user_id) ON DELETE CASCADE,
  constraint translations_meeting_id_wish_user_fkey FOREIGN KEY (meeting_id, wish_user) REFERENCES public.meeting_people(meeting_id, user_id) ON DELETE CASCADE,
  constraint translations_need_round_id_fkey FOREIGN KEY (need_round_id) REFERENCES public.need_rounds(id) ON DELETE CASCADE,
  constraint translations_origin_check CHECK (origin = ANY (ARRAY['machine'::text, 'person'::text])),
  constraint translations_pkey PRIMARY KEY (id),
  constraint translations_provider_check CHECK (provider IS NULL OR (provider = ANY (ARRAY['deepl'::text, 'libretranslate'::text]))),
  constraint translations_slot_round_id_fkey FOREIGN KEY (slot_round_id) REFERENCES public.slot_rounds(id) ON DELETE CASCADE,
  constraint translations_source_check CHECK (source = ANY (ARRAY['meeting'::text, 'agreement'::text, 'wish'::text, 'preparation'::text, 'feedback'::text, 'pupil_part'::text, 'slot_round'::text, 'need_round'::text, 'erasure_request'::text])),
  constraint translations_source_hash_check CHECK (source_hash ~ '^[0-9a-f]{64}$'::text),
  constraint translations_source_lang_check CHECK (source_lang ~ '^[a-z]{2,3}$'::text),
  constraint translations_text_check CHECK (char_length(btrim(text)) >= 1 AND char_length(btrim(text)) <= 4000 AND private.is_clean_text(replace(replace(text, '
'::text, ' '::text), ''::text, ' '::text)))
);
CREATE INDEX translations_agreement_idx ON public.translations USING btree (agreement_id) WHERE (agreement_id IS NOT NULL);
CREATE INDEX translations_meeting_idx ON public.translations USING btree (meeting_id) WHERE (meeting_id IS NOT NULL);
CREATE INDEX translations_need_round_idx ON public.translations USING btree (need_round_id) WHERE (need_round_id IS NOT NULL);
CREATE UNIQUE INDEX translations_one_per_text ON public.translations USING btree (ref, target_lang);
CREATE INDEX translations_request_idx ON public.translations USING btree (erasure_request_id) WHERE (erasure_request_id IS NOT NULL);
CREATE INDEX translations_slot_round_idx ON public.translations USING btree (slot_round_id) WHERE (slot_round_id IS NOT NULL);
alter table public.translations enable row level security;
create policy "a translation is seen by whoever sees the text it translates" on public.translations
  as permissive for select to authenticated
  using (
CASE source
    WHEN 'meeting'::text THEN (EXISTS ( SELECT 1
       FROM public.meetings m
      WHERE (m.id = translations.meeting_id)))
    WHEN 'agreement'::text THEN (EXISTS ( SELECT 1
       FROM public.agreements a
      WHERE (a.id = translations.agreement_id)))
    WHEN 'wish'::text THEN (EXISTS ( SELECT 1
       FROM public.meeting_people p
      WHERE ((p.meeting_id = translations.meeting_id) AND (p.user_id = translations.wish_user))))
    WHEN 'preparation'::text THEN ( SELECT private.sees_preparation(translations.meeting_id, translations.prep_user) AS sees_preparation)
    WHEN 'feedback'::text THEN ( SELECT private.sees_feedback(translations.meeting_id, translations.feedback_author) AS sees_feedback)
    WHEN 'pupil_part'::text THEN ( SELECT private.sees_pupil_part(translations.meeting_id, translations.part_pupil) AS sees_pupil_part)
    WHEN 'slot_round'::text THEN (EXISTS ( SELECT 1
       FROM public.slot_rounds r
      WHERE (r.id = translations.slot_round_id)))
    WHEN 'need_round'::text THEN (EXISTS ( SELECT 1
       FROM public.need_rounds r
      WHERE (r.id = translations.need_round_id)))
    WHEN 'erasure_request'::text THEN (EXISTS ( SELECT 1
       FROM public.erasure_requests r
      WHERE (r.id = translations.erasure_request_id)))
    ELSE false
END);
grant references, select, trigger on public.translations to authenticated;
grant delete, insert, references, select, trigger, truncate, update on public.translations to service_role;

create table public.voice_recordings (
  id uuid default gen_random_uuid() not null,
  school_id uuid not null,
  pupil_id uuid,
  locale public.locale_code not null,
  key text not null,
  path text not null,
  recorded_by uuid,
  created_at timestamp with time zone default now() not null,
  constraint voice_recordings_key_check CHECK (key = ANY (private.voice_keys())),
  constraint voice_recordings_path_check CHECK (char_length(path) <= 200),
  constraint voice_recordings_pkey PRIMARY KEY (id),
  constraint voice_recordings_pupil_id_fkey FOREIGN KEY (pupil_id) REFERENCES public.pupils(id) ON DELETE CASCADE,
  constraint voice_recordings_recorded_by_fkey FOREIGN KEY (recorded_by) REFERENCES auth.users(id) ON DELETE SET NULL,
  constraint voice_recordings_school_id_fkey FOREIGN KEY (school_id) REFERENCES public.schools(id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX voice_recordings_one_per_key ON public.voice_recordings USING btree (school_id, COALESCE(pupil_id, '00000000-0000-0000-0000-000000000000'::uuid), locale, key);
alter table public.voice_recordings enable row level security;
create policy "people hear the voices meant for them" on public.voice_recordings
  as permissive for select to authenticated
  using (( SELECT private.can_hear_voice(voice_recordings.school_id, voice_recordings.pupil_id) AS can_hear_voice));
grant references, select, trigger on public.voice_recordings to authenticated;
grant delete, insert, references, select, trigger, truncate, update on public.voice_recordings to service_role;

-- ================================================================================================
-- Views

create view private.current_pupils with (security_invoker=true) as
 SELECT id,
    school_id,
    class_id,
    first_name,
    user_id,
    created_at,
    avatar,
    board_locale,
    left_at
   FROM public.pupils p
  WHERE left_at IS NULL;
grant select on private.current_pupils to authenticated;
grant select on private.current_pupils to service_role;

-- ================================================================================================
-- Functions

CREATE OR REPLACE FUNCTION private.acting_person()
 RETURNS boolean
 LANGUAGE sql
 STABLE
 SET search_path TO ''
AS $function$
  select coalesce(nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role', '') = 'authenticated'
$function$;

CREATE OR REPLACE FUNCTION private.after_quiet_hours(p_user uuid, p_at timestamp with time zone)
 RETURNS timestamp with time zone
 LANGUAGE plpgsql
 STABLE
 SET search_path TO ''
AS $function$
declare
  v_from time := '21:00'::time;
  v_until time := '07:00'::time;
  v_local timestamp := p_at at time zone 'Europe/Amsterdam';
  v_t time := (p_at at time zone 'Europe/Amsterdam')::time;
begin
  select s.quiet_from, s.quiet_until into v_from, v_until
  from public.notification_settings s where s.user_id = p_user;
  if not found then
    v_from := '21:00';
    v_until := '07:00';
  end if;
  if v_from is null then
    return p_at;
  end if;
  if v_from < v_until then
    if v_t >= v_from and v_t < v_until then
      return (v_local::date + v_until) at time zone 'Europe/Amsterdam';
    end if;
  elsif v_t >= v_from then
    return (v_local::date + 1 + v_until) at time zone 'Europe/Amsterdam';
  elsif v_t < v_until then
    return (v_local::date + v_until) at time zone 'Europe/Amsterdam';
  end if;
  return p_at;
end
$function$;

CREATE OR REPLACE FUNCTION private.avatar_ids()
 RETURNS text[]
 LANGUAGE sql
 IMMUTABLE
 SET search_path TO ''
AS $function$
  select array['dog', 'cat', 'rabbit', 'fox', 'bear', 'panda', 'frog', 'lion', 'tiger', 'koala',
               'monkey', 'owl', 'turtle', 'ladybird', 'butterfly', 'dolphin', 'giraffe', 'elephant',
               'hedgehog', 'bee']
$function$;
grant execute on function private.avatar_ids() to anon;
grant execute on function private.avatar_ids() to authenticated;
grant execute on function private.avatar_ids() to service_role;

CREATE OR REPLACE FUNCTION private.block_of_leaflet(p_block uuid, p_leaflet uuid, p_school uuid)
 RETURNS boolean
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
  select exists (
    select 1 from public.leaflet_blocks b
    where b.id = p_block and b.leaflet_id = p_leaflet and b.school_id = p_school
  )
$function$;
grant execute on function private.block_of_leaflet(p_block uuid, p_leaflet uuid, p_school uuid) to authenticated;
grant execute on function private.block_of_leaflet(p_block uuid, p_leaflet uuid, p_school uuid) to service_role;

CREATE OR REPLACE FUNCTION private.bump_public_pages_version()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  update private.public_pages_version set version = version + 1, changed_at = now() where id;
  return null;
end
$function$;

CREATE OR REPLACE FUNCTION private.can_edit_leaflets(p_school uuid)
 RETURNS boolean
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
  select p_school is not null
    and (private.is_school_staff(p_school) or current_setting('role', true) = 'service_role')
$function$;
grant execute on function private.can_edit_leaflets(p_school uuid) to authenticated;
grant execute on function private.can_edit_leaflets(p_school uuid) to service_role;

CREATE OR REPLACE FUNCTION private.can_hear_voice(p_school uuid, p_pupil uuid)
 RETURNS boolean
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
  select case
    when p_pupil is null then
      private.has_school_role(p_school, array['admin', 'coach', 'teacher', 'parent', 'pupil']::public.school_role[])
      or exists (select 1 from public.pupils p where p.school_id = p_school and p.user_id = (select auth.uid()))
    else
      private.is_pupil_self(p_pupil) or private.is_guardian_of(p_pupil)
      or exists (select 1 from public.pupils p where p.id = p_pupil and private.can_see_class_pupils(p.class_id))
  end
$function$;
grant execute on function private.can_hear_voice(p_school uuid, p_pupil uuid) to authenticated;
grant execute on function private.can_hear_voice(p_school uuid, p_pupil uuid) to service_role;

CREATE OR REPLACE FUNCTION private.can_see_class(p_class uuid)
 RETURNS boolean
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
  select private.can_see_class_pupils(p_class) or exists (
    select 1 from private.current_pupils p
    where p.class_id = p_class and private.is_guardian_of(p.id)
  ) or exists (
    select 1 from private.current_pupils p
    where p.class_id = p_class and p.user_id = (select auth.uid())
  )
$function$;
grant execute on function private.can_see_class(p_class uuid) to authenticated;
grant execute on function private.can_see_class(p_class uuid) to service_role;

CREATE OR REPLACE FUNCTION private.can_see_class_pupils(p_class uuid)
 RETURNS boolean
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
  select exists (
    select 1 from public.classes c
    where c.id = p_class and (private.sees_all_classes(c.school_id) or private.teaches_class(c.id))
  )
$function$;
grant execute on function private.can_see_class_pupils(p_class uuid) to authenticated;
grant execute on function private.can_see_class_pupils(p_class uuid) to service_role;

CREATE OR REPLACE FUNCTION private.can_see_profile(p_user uuid)
 RETURNS boolean
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
  select p_user = (select auth.uid())
    or exists (
      select 1 from public.memberships m
      where m.user_id = p_user
        and (private.sees_all_classes(m.school_id)
             or (m.role in ('admin', 'coach', 'teacher') and private.is_school_staff(m.school_id)))
    )
    or exists (
      select 1 from public.guardian_links g
      join public.pupils p on p.id = g.pupil_id
      where g.parent_user_id = p_user and private.teaches_class(p.class_id)
    )
$function$;
grant execute on function private.can_see_profile(p_user uuid) to authenticated;
grant execute on function private.can_see_profile(p_user uuid) to service_role;

CREATE OR REPLACE FUNCTION private.check_places(p_class uuid, p_places jsonb)
 RETURNS void
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
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
$function$;
grant execute on function private.check_places(p_class uuid, p_places jsonb) to service_role;

CREATE OR REPLACE FUNCTION private.children_in_meeting(p_meeting uuid)
 RETURNS jsonb
 LANGUAGE sql
 STABLE
 SET search_path TO ''
AS $function$
  select coalesce(jsonb_agg(p.first_name order by lower(p.first_name)), '[]'::jsonb)
  from public.meeting_pupils mp join public.pupils p on p.id = mp.pupil_id
  where mp.meeting_id = p_meeting
$function$;

CREATE OR REPLACE FUNCTION private.circle_rank(p_circle text)
 RETURNS integer
 LANGUAGE sql
 IMMUTABLE
 SET search_path TO ''
AS $function$
  select array_position(array['very-intensive', 'intensive', 'basis', 'deepened', 'very-deepened'], p_circle)
$function$;
grant execute on function private.circle_rank(p_circle text) to authenticated;
grant execute on function private.circle_rank(p_circle text) to service_role;

CREATE OR REPLACE FUNCTION private.digest_kinds()
 RETURNS text[]
 LANGUAGE sql
 IMMUTABLE
 SET search_path TO ''
AS $function$
  select array['meeting_requested', 'preparation_shared', 'interpreter_asked', 'feedback_given']
$function$;
grant execute on function private.digest_kinds() to authenticated;
grant execute on function private.digest_kinds() to service_role;

CREATE OR REPLACE FUNCTION private.editable_block(p_block uuid)
 RETURNS public.leaflet_blocks
 LANGUAGE plpgsql
 STABLE
 SET search_path TO ''
AS $function$
declare
  v_block public.leaflet_blocks;
begin
  select * into v_block from public.leaflet_blocks b where b.id = p_block;
  if v_block.id is null or not private.can_edit_leaflets(v_block.school_id) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  return v_block;
end
$function$;
grant execute on function private.editable_block(p_block uuid) to authenticated;
grant execute on function private.editable_block(p_block uuid) to service_role;

CREATE OR REPLACE FUNCTION private.erase_pupil_rows(p_pupil uuid)
 RETURNS jsonb
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  v_pupil public.pupils;
  v_meetings uuid[];
  v_files jsonb;
begin
  select * into v_pupil from public.pupils p where p.id = p_pupil;
  if v_pupil.id is null then
    return null;
  end if;
  select coalesce(jsonb_agg(jsonb_build_object('bucket', o.bucket_id, 'name', o.name) order by o.name), '[]') into v_files
  from storage.objects o
  where o.bucket_id = 'pupil-drawings'
    and private.uuid_or_null((storage.foldername(o.name))[2]) = p_pupil;
  select coalesce(array_agg(mp.meeting_id), '{}') into v_meetings
  from public.meeting_pupils mp where mp.pupil_id = p_pupil;
  update public.slots s set booked_by = null, meeting_id = null where s.pupil_id = p_pupil;
  delete from public.pupils p where p.id = p_pupil;
  delete from public.meetings m
  where m.id = any (v_meetings)
    and not exists (select 1 from public.meeting_pupils mp where mp.meeting_id = m.id);
  if v_pupil.user_id is not null then
    delete from auth.users u where u.id = v_pupil.user_id;
  end if;
  return jsonb_build_object('first_name', v_pupil.first_name, 'files', v_files);
end
$function$;

CREATE OR REPLACE FUNCTION private.essential_kinds()
 RETURNS text[]
 LANGUAGE sql
 IMMUTABLE
 SET search_path TO ''
AS $function$
  select array['erasure_answered', 'erasure_requested', 'digest']
$function$;
grant execute on function private.essential_kinds() to authenticated;
grant execute on function private.essential_kinds() to service_role;

CREATE OR REPLACE FUNCTION private.fill_group_plan(p_plan public.group_plans, p_places jsonb, p_from uuid)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
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
$function$;
grant execute on function private.fill_group_plan(p_plan public.group_plans, p_places jsonb, p_from uuid) to service_role;

CREATE OR REPLACE FUNCTION private.forget_changed_translations()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
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
$function$;

CREATE OR REPLACE FUNCTION private.goal_steps()
 RETURNS text[]
 LANGUAGE sql
 IMMUTABLE
 SET search_path TO ''
AS $function$
  select array['not-yet', 'almost', 'can', 'can-more']
$function$;
grant execute on function private.goal_steps() to anon;
grant execute on function private.goal_steps() to authenticated;
grant execute on function private.goal_steps() to service_role;

CREATE OR REPLACE FUNCTION private.has_school_role(p_school uuid, p_roles public.school_role[])
 RETURNS boolean
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
  select exists (
    select 1 from public.memberships m
    where m.school_id = p_school
      and m.user_id = (select auth.uid())
      and m.role = any (p_roles)
  )
$function$;
grant execute on function private.has_school_role(p_school uuid, p_roles public.school_role[]) to authenticated;
grant execute on function private.has_school_role(p_school uuid, p_roles public.school_role[]) to service_role;

CREATE OR REPLACE FUNCTION private.invitation_code_hash(p_code text)
 RETURNS text
 LANGUAGE sql
 IMMUTABLE
 SET search_path TO ''
AS $function$
  select encode(sha256(convert_to(private.normalize_invitation_code(p_code), 'UTF8')), 'hex')
$function$;
grant execute on function private.invitation_code_hash(p_code text) to authenticated;
grant execute on function private.invitation_code_hash(p_code text) to service_role;

CREATE OR REPLACE FUNCTION private.invited_to(p_meeting uuid)
 RETURNS boolean
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
  select exists (
    select 1 from public.meeting_people p
    where p.meeting_id = p_meeting and p.user_id = (select auth.uid())
      and (p.role = 'staff' or exists (
        select 1 from public.meeting_pupils mp where mp.meeting_id = p_meeting and private.is_guardian_of(mp.pupil_id)
      ))
  )
$function$;
grant execute on function private.invited_to(p_meeting uuid) to authenticated;
grant execute on function private.invited_to(p_meeting uuid) to service_role;

CREATE OR REPLACE FUNCTION private.is_clean_text(p_text text)
 RETURNS boolean
 LANGUAGE sql
 IMMUTABLE
 SET search_path TO ''
AS $function$
  select p_text is null
    or p_text !~ '[\u0001-\u001f\u007f-\u009f\u00ad\u180e\u200b\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]'
$function$;
grant execute on function private.is_clean_text(p_text text) to anon;
grant execute on function private.is_clean_text(p_text text) to authenticated;
grant execute on function private.is_clean_text(p_text text) to service_role;

CREATE OR REPLACE FUNCTION private.is_guardian_of(p_pupil uuid)
 RETURNS boolean
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
  select exists (
    select 1 from public.guardian_links g
    join public.memberships m on m.user_id = g.parent_user_id and m.school_id = g.school_id and m.role = 'parent'
    where g.pupil_id = p_pupil and g.parent_user_id = (select auth.uid())
  )
$function$;
grant execute on function private.is_guardian_of(p_pupil uuid) to authenticated;
grant execute on function private.is_guardian_of(p_pupil uuid) to service_role;

CREATE OR REPLACE FUNCTION private.is_pupil_self(p_pupil uuid)
 RETURNS boolean
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
  select exists (
    select 1 from private.current_pupils p
    where p.id = p_pupil and p.user_id is not null and p.user_id = (select auth.uid())
  )
$function$;
grant execute on function private.is_pupil_self(p_pupil uuid) to authenticated;
grant execute on function private.is_pupil_self(p_pupil uuid) to service_role;

CREATE OR REPLACE FUNCTION private.is_school_admin(p_school uuid)
 RETURNS boolean
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
  select private.has_school_role(p_school, array['admin']::public.school_role[])
$function$;
grant execute on function private.is_school_admin(p_school uuid) to authenticated;
grant execute on function private.is_school_admin(p_school uuid) to service_role;

CREATE OR REPLACE FUNCTION private.is_school_staff(p_school uuid)
 RETURNS boolean
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
  select private.has_school_role(p_school, array['admin', 'coach', 'teacher']::public.school_role[])
$function$;
grant execute on function private.is_school_staff(p_school uuid) to anon;
grant execute on function private.is_school_staff(p_school uuid) to authenticated;
grant execute on function private.is_school_staff(p_school uuid) to service_role;

CREATE OR REPLACE FUNCTION private.is_template(p_leaflet uuid)
 RETURNS boolean
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
  select exists (select 1 from public.leaflets l where l.id = p_leaflet and l.school_id is null)
$function$;
grant execute on function private.is_template(p_leaflet uuid) to authenticated;
grant execute on function private.is_template(p_leaflet uuid) to service_role;

CREATE OR REPLACE FUNCTION private.leaflet_of_school(p_leaflet uuid, p_school uuid)
 RETURNS boolean
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
  select exists (select 1 from public.leaflets l where l.id = p_leaflet and l.school_id = p_school)
$function$;
grant execute on function private.leaflet_of_school(p_leaflet uuid, p_school uuid) to authenticated;
grant execute on function private.leaflet_of_school(p_leaflet uuid, p_school uuid) to service_role;

CREATE OR REPLACE FUNCTION private.leaflet_snapshot(p_leaflet uuid)
 RETURNS jsonb
 LANGUAGE sql
 STABLE
 SET search_path TO ''
AS $function$
  select jsonb_build_object('blocks', coalesce(jsonb_agg(
    jsonb_build_object(
      'key', b.block_key,
      'kind', b.kind,
      'origin', b.origin,
      'image', case when b.image_path is null then null
               else jsonb_build_object('path', b.image_path, 'width', b.image_width, 'height', b.image_height) end,
      'nl', b.source,
      'v', b.source_version,
      'tr', coalesce((
        select jsonb_object_agg(t.locale, jsonb_build_object(
          'c', t.content, 'v', t.source_version, 'o', t.origin, 'r', t.reviewed_at))
        from public.leaflet_translations t where t.block_id = b.id
      ), '{}'::jsonb)
    ) order by b.position), '[]'::jsonb))
  from public.leaflet_blocks b
  where b.leaflet_id = p_leaflet
$function$;
grant execute on function private.leaflet_snapshot(p_leaflet uuid) to authenticated;
grant execute on function private.leaflet_snapshot(p_leaflet uuid) to service_role;

CREATE OR REPLACE FUNCTION private.leaflet_titles(p_leaflet uuid)
 RETURNS jsonb
 LANGUAGE sql
 STABLE
 SET search_path TO ''
AS $function$
  select coalesce(
    (select jsonb_build_object('nl', b.source ->> 'text') || coalesce((
        select jsonb_object_agg(t.locale, t.content ->> 'text')
        from public.leaflet_translations t
        where t.block_id = b.id and t.source_version = b.source_version
      ), '{}'::jsonb)
     from public.leaflet_blocks b
     where b.leaflet_id = p_leaflet and b.kind = 'title'
     order by b.position limit 1),
    '{}'::jsonb)
$function$;
grant execute on function private.leaflet_titles(p_leaflet uuid) to anon;
grant execute on function private.leaflet_titles(p_leaflet uuid) to authenticated;
grant execute on function private.leaflet_titles(p_leaflet uuid) to service_role;

CREATE OR REPLACE FUNCTION private.log_parent_link()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  -- A person's request (an invitation redeemed, people.link), not the seed or a restore.
  if new.created_by is not null and private.acting_person() then
    insert into public.pupil_access_log (school_id, reader_id, pupil_id, kind)
    values (new.school_id, new.created_by, new.pupil_id, 'parent_link');
  end if;
  return null;
end
$function$;

CREATE OR REPLACE FUNCTION private.log_pupil_reads(p_pupils uuid[], p_kind text)
 RETURNS void
 LANGUAGE sql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
  -- The schools of the pupils given, asked about once each: a materialized CTE, so that the
  -- check is not pushed down to run per pupil (as it is through a DISTINCT subquery).
  with schools as materialized (
    select distinct q.school_id from public.pupils q where q.id = any (p_pupils)
  )
  insert into public.pupil_access_log (school_id, reader_id, pupil_id, kind)
  select p.school_id, (select auth.uid()), p.id, p_kind
  from public.pupils p
  where p.id = any (p_pupils)
    and (select auth.uid()) is not null
    and p.school_id in (select s.school_id from schools s where private.is_school_staff(s.school_id))
    -- Once per page view: not again within 10 seconds for the same reader, pupil and kind.
    and not exists (
      select 1 from public.pupil_access_log l
      where l.reader_id = (select auth.uid()) and l.pupil_id = p.id and l.kind = p_kind
        and l.at > clock_timestamp() - interval '10 seconds'
    )
$function$;
grant execute on function private.log_pupil_reads(p_pupils uuid[], p_kind text) to authenticated;
grant execute on function private.log_pupil_reads(p_pupils uuid[], p_kind text) to service_role;

CREATE OR REPLACE FUNCTION private.meeting_facts(p_meeting public.meetings)
 RETURNS jsonb
 LANGUAGE sql
 STABLE
 SET search_path TO ''
AS $function$
  select jsonb_build_object(
    'meeting', p_meeting.id, 'kind', p_meeting.kind, 'starts_at', p_meeting.starts_at, 'minutes', p_meeting.minutes,
    'place', p_meeting.place, 'video_url', p_meeting.video_url, 'sequence', p_meeting.calendar_sequence,
    'school', p_meeting.school_id,
    'staff', coalesce((
      select jsonb_agg(pf.display_name order by pf.display_name)
      from public.meeting_people mp join public.profiles pf on pf.user_id = mp.user_id
      where mp.meeting_id = p_meeting.id and mp.role = 'staff'), '[]'::jsonb)
  )
$function$;

CREATE OR REPLACE FUNCTION private.meeting_kinds()
 RETURNS text[]
 LANGUAGE sql
 IMMUTABLE
 SET search_path TO ''
AS $function$
  select array['introduction', 'progress', 'report', 'extra-support', 'other']
$function$;
grant execute on function private.meeting_kinds() to anon;
grant execute on function private.meeting_kinds() to authenticated;
grant execute on function private.meeting_kinds() to service_role;

CREATE OR REPLACE FUNCTION private.meeting_parents(p_meeting uuid)
 RETURNS SETOF uuid
 LANGUAGE sql
 STABLE
 SET search_path TO ''
AS $function$
  select distinct mp.user_id
  from public.meeting_people mp
  join public.meetings m on m.id = mp.meeting_id
  join public.memberships ms on ms.user_id = mp.user_id and ms.school_id = m.school_id and ms.role = 'parent'
  where mp.meeting_id = p_meeting and mp.role = 'parent'
$function$;

CREATE OR REPLACE FUNCTION private.meeting_staff(p_meeting uuid)
 RETURNS SETOF uuid
 LANGUAGE sql
 STABLE
 SET search_path TO ''
AS $function$
  with m as (select * from public.meetings where id = p_meeting),
  invited as (
    select mp.user_id from public.meeting_people mp, m
    join public.memberships ms on ms.school_id = m.school_id and ms.role in ('admin', 'coach', 'teacher')
    where mp.meeting_id = p_meeting and mp.role = 'staff' and ms.user_id = mp.user_id
  ),
  teachers as (
    select ct.user_id from public.class_teachers ct
    join public.meeting_pupils mpp on mpp.class_id = ct.class_id and mpp.meeting_id = p_meeting
    join public.memberships ms on ms.user_id = ct.user_id and ms.school_id = ct.school_id and ms.role = 'teacher'
  ),
  leaders as (
    select ms.user_id from public.memberships ms, m where ms.school_id = m.school_id and ms.role in ('admin', 'coach')
  )
  select distinct user_id from invited
  union select distinct user_id from teachers where not exists (select 1 from invited)
  union select distinct user_id from leaders where not exists (select 1 from invited) and not exists (select 1 from teachers)
$function$;

CREATE OR REPLACE FUNCTION private.my_answer_row(p_round uuid)
 RETURNS public.need_answers
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
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
$function$;
grant execute on function private.my_answer_row(p_round uuid) to service_role;

CREATE OR REPLACE FUNCTION private.my_group_plan(p_plan uuid)
 RETURNS public.group_plans
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  v_plan public.group_plans;
begin
  select * into v_plan from public.group_plans g where g.id = p_plan;
  if v_plan.id is null or not private.can_see_class_pupils(v_plan.class_id) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  return v_plan;
end
$function$;
grant execute on function private.my_group_plan(p_plan uuid) to service_role;

CREATE OR REPLACE FUNCTION private.my_open_round(p_round uuid)
 RETURNS public.pupils
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
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
$function$;
grant execute on function private.my_open_round(p_round uuid) to service_role;

CREATE OR REPLACE FUNCTION private.my_pupil_row()
 RETURNS public.pupils
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
  select p.* from private.current_pupils p
  where p.user_id is not null and p.user_id = (select auth.uid())
$function$;
grant execute on function private.my_pupil_row() to service_role;

CREATE OR REPLACE FUNCTION private.name_of(p_user uuid)
 RETURNS text
 LANGUAGE sql
 STABLE
 SET search_path TO ''
AS $function$
  select pf.display_name from public.profiles pf where pf.user_id = p_user
$function$;

CREATE OR REPLACE FUNCTION private.need_ids()
 RETURNS text[]
 LANGUAGE sql
 IMMUTABLE
 SET search_path TO ''
AS $function$
  select array['look', 'listen', 'talk-picture', 'more-explanation', 'less-explanation',
               'headphones', 'group', 'quiet-place', 'more-time']
$function$;
grant execute on function private.need_ids() to anon;
grant execute on function private.need_ids() to authenticated;
grant execute on function private.need_ids() to service_role;

CREATE OR REPLACE FUNCTION private.next_revision(p_leaflet uuid, p_revision integer)
 RETURNS integer
 LANGUAGE plpgsql
 SET search_path TO ''
AS $function$
declare
  v_leaflet public.leaflets;
begin
  select * into v_leaflet from public.leaflets l where l.id = p_leaflet for update;
  if v_leaflet.id is null or not private.can_edit_leaflets(v_leaflet.school_id) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  if v_leaflet.revision <> p_revision then
    raise exception using errcode = 'P0001', message = 'stale_revision';
  end if;
  update public.leaflets
  set revision = revision + 1, updated_at = now(), updated_by = (select auth.uid())
  where id = p_leaflet;
  return p_revision + 1;
end
$function$;
grant execute on function private.next_revision(p_leaflet uuid, p_revision integer) to authenticated;
grant execute on function private.next_revision(p_leaflet uuid, p_revision integer) to service_role;

CREATE OR REPLACE FUNCTION private.normalize_invitation_code(p_code text)
 RETURNS text
 LANGUAGE sql
 IMMUTABLE
 SET search_path TO ''
AS $function$
  select translate(upper(regexp_replace(coalesce(p_code, ''), '[^0-9A-Za-z]', '', 'g')), 'OIL', '011')
$function$;
grant execute on function private.normalize_invitation_code(p_code text) to authenticated;
grant execute on function private.normalize_invitation_code(p_code text) to service_role;

CREATE OR REPLACE FUNCTION private.notification_kinds()
 RETURNS text[]
 LANGUAGE sql
 IMMUTABLE
 SET search_path TO ''
AS $function$
  select array[
    'meeting_planned', 'meeting_changed', 'meeting_cancelled', 'slot_booked', 'meeting_reminder',
    'round_opened', 'round_reminder', 'agreements_recorded', 'needs_round_closed', 'erasure_answered',
    'meeting_requested', 'preparation_shared', 'interpreter_asked', 'feedback_given', 'round_unbooked',
    'erasure_requested', 'digest'
  ]
$function$;
grant execute on function private.notification_kinds() to authenticated;
grant execute on function private.notification_kinds() to service_role;

CREATE OR REPLACE FUNCTION private.notify_agreements()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  v_meeting public.meetings;
  v_parent uuid;
begin
  if not private.acting_person() then
    return null;
  end if;
  select * into v_meeting from public.meetings m where m.id = new.meeting_id;
  for v_parent in select * from private.meeting_parents(new.meeting_id) loop
    perform private.queue_notification(
      v_meeting.school_id, v_parent, 'agreements_recorded', v_meeting.id,
      private.meeting_facts(v_meeting) || jsonb_build_object('children', private.own_children_in_meeting(v_meeting.id, v_parent)),
      'agreements:' || v_meeting.id || ':' || v_parent || ':' || to_char(now() at time zone 'Europe/Amsterdam', 'YYYY-MM-DD'),
      now() + interval '10 minutes');
  end loop;
  return null;
end
$function$;

CREATE OR REPLACE FUNCTION private.notify_erasure()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  v_admin uuid;
  v_profile public.profiles;
begin
  if not private.acting_person() then
    return null;
  end if;
  if tg_op = 'INSERT' then
    for v_admin in select m.user_id from public.memberships m where m.school_id = new.school_id and m.role = 'admin' loop
      perform private.queue_notification(
        new.school_id, v_admin, 'erasure_requested', new.id,
        jsonb_build_object('request', new.id, 'school', new.school_id),
        'erasure_requested:' || new.id || ':' || v_admin);
    end loop;
    return null;
  end if;
  if old.handled_at is not null or new.handled_at is null or old.requested_by is null then
    return null;
  end if;
  if new.outcome = 'declined' then
    perform private.queue_notification(
      new.school_id, old.requested_by, 'erasure_answered', new.id,
      jsonb_build_object('request', new.id, 'school', new.school_id, 'outcome', 'declined', 'reason', new.reason),
      'erasure_answered:' || new.id);
    return null;
  end if;
  select * into v_profile from public.profiles pf where pf.user_id = old.requested_by;
  delete from private.notifications n where n.user_id = old.requested_by and n.school_id = new.school_id;
  if to_regclass('embedded_auth.mailbox') is not null then
    execute 'delete from embedded_auth.mailbox where (user_id = $1 and (school_id = $2 or school_id is null)) or to_address = $3'
      using old.requested_by, new.school_id, coalesce(v_profile.email, '');
  end if;
  if v_profile.email is not null then
    insert into private.notifications (school_id, user_id, to_address, to_locale, kind, about, payload, dedupe)
    values (new.school_id, null, v_profile.email, v_profile.locale, 'erasure_answered', new.id,
            jsonb_build_object('request', new.id, 'school', new.school_id, 'outcome', 'erased', 'reason', new.reason),
            'erasure_answered:' || new.id)
    on conflict (dedupe) do nothing;
  end if;
  return null;
end
$function$;

CREATE OR REPLACE FUNCTION private.notify_feedback_given()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  v_meeting public.meetings;
  v_staff uuid;
begin
  if not private.acting_person() or new.anonymous or new.role <> 'parent' then
    return null;
  end if;
  select * into v_meeting from public.meetings m where m.id = new.meeting_id;
  for v_staff in select * from private.meeting_staff(new.meeting_id) loop
    perform private.queue_notification(
      v_meeting.school_id, v_staff, 'feedback_given', v_meeting.id,
      private.meeting_facts(v_meeting) || jsonb_build_object(
        'children', private.children_in_meeting(v_meeting.id), 'parent', private.name_of(new.author_id)),
      'feedback:' || v_meeting.id || ':' || new.author_id || ':' || v_staff);
  end loop;
  return null;
end
$function$;

CREATE OR REPLACE FUNCTION private.notify_interpreter_asked()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  v_meeting public.meetings;
  v_staff uuid;
begin
  if not private.acting_person() or new.role <> 'parent' or new.interpreter is null
    or new.interpreter is not distinct from old.interpreter then
    return null;
  end if;
  select * into v_meeting from public.meetings m where m.id = new.meeting_id;
  if v_meeting.status = 'cancelled' or v_meeting.starts_at <= now() then
    return null;
  end if;
  for v_staff in select * from private.meeting_staff(new.meeting_id) loop
    perform private.queue_notification(
      v_meeting.school_id, v_staff, 'interpreter_asked', v_meeting.id,
      private.meeting_facts(v_meeting) || jsonb_build_object(
        'children', private.children_in_meeting(v_meeting.id), 'parent', private.name_of(new.user_id), 'language', new.interpreter),
      'interpreter:' || v_meeting.id || ':' || new.user_id || ':' || v_staff || ':' || new.interpreter);
  end loop;
  return null;
end
$function$;

CREATE OR REPLACE FUNCTION private.notify_meeting_changed()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  v_kind text;
  v_parent uuid;
  v_was jsonb;
begin
  if not private.acting_person() then
    return null;
  end if;
  if old.status = 'requested' and new.status = 'planned' and new.starts_at > now() then
    v_kind := 'meeting_planned';
  elsif old.status = 'planned' and new.status = 'cancelled' and old.starts_at > now() then
    v_kind := 'meeting_cancelled';
  elsif old.status = 'planned' and new.status = 'planned' and new.starts_at > now()
    and (new.starts_at, new.minutes, new.place, new.video_url) is distinct from (old.starts_at, old.minutes, old.place, old.video_url) then
    v_kind := 'meeting_changed';
  else
    return null;
  end if;
  v_was := jsonb_build_object('starts_at', old.starts_at, 'minutes', old.minutes, 'place', old.place, 'video_url', old.video_url);
  for v_parent in select * from private.meeting_parents(new.id) loop
    perform private.queue_notification(
      new.school_id, v_parent, v_kind, new.id,
      private.meeting_facts(new) || jsonb_build_object(
        'children', private.own_children_in_meeting(new.id, v_parent),
        'was', v_was,
        'booked', exists (select 1 from public.slots s where s.meeting_id = new.id)),
      null, null, case when v_kind = 'meeting_cancelled' then old.starts_at else new.starts_at end);
  end loop;
  return null;
end
$function$;

CREATE OR REPLACE FUNCTION private.notify_meeting_requested()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  v_meeting public.meetings;
  v_staff uuid;
begin
  if not private.acting_person() or new.status <> 'requested' then
    return null;
  end if;
  select * into v_meeting from public.meetings m where m.id = new.id;
  if v_meeting.id is null or v_meeting.status <> 'requested' then
    return null;
  end if;
  for v_staff in select * from private.meeting_staff(new.id) loop
    perform private.queue_notification(
      new.school_id, v_staff, 'meeting_requested', new.id,
      jsonb_build_object(
        'meeting', new.id, 'school', new.school_id, 'children', private.children_in_meeting(new.id),
        'parent', private.name_of(new.requested_by),
        'interpreter', (select min(mp.interpreter) from public.meeting_people mp where mp.meeting_id = new.id and mp.interpreter is not null)),
      'requested:' || new.id || ':' || v_staff);
  end loop;
  return null;
end
$function$;

CREATE OR REPLACE FUNCTION private.notify_needs_round_closed()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  v_parent record;
  v_class text;
begin
  if not private.acting_person() or old.closed_at is not null or new.closed_at is null then
    return null;
  end if;
  select c.name into v_class from public.classes c where c.id = new.class_id;
  for v_parent in
    select g.parent_user_id as user_id, jsonb_agg(p.first_name order by lower(p.first_name)) as children
    from public.need_answers a
    join private.current_pupils p on p.id = a.pupil_id
    join public.guardian_links g on g.pupil_id = p.id
    join public.memberships m on m.user_id = g.parent_user_id and m.school_id = p.school_id and m.role = 'parent'
    where a.round_id = new.id
    group by g.parent_user_id
  loop
    perform private.queue_notification(
      new.school_id, v_parent.user_id, 'needs_round_closed', new.id,
      jsonb_build_object('round', new.id, 'school', new.school_id, 'class', v_class, 'goal', new.goal, 'children', v_parent.children),
      'needs_closed:' || new.id || ':' || v_parent.user_id);
  end loop;
  return null;
end
$function$;

CREATE OR REPLACE FUNCTION private.notify_parent_invited()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  v_meeting public.meetings;
begin
  if not private.acting_person() or new.role <> 'parent'
    or not exists (select 1 from public.meeting_people p where p.meeting_id = new.meeting_id and p.user_id = new.user_id) then
    return null;
  end if;
  select * into v_meeting from public.meetings m where m.id = new.meeting_id;
  if v_meeting.id is null or v_meeting.status <> 'planned' or v_meeting.starts_at <= now()
    or not exists (select 1 from private.meeting_parents(v_meeting.id) u where u = new.user_id) then
    return null;
  end if;
  perform private.queue_notification(
    v_meeting.school_id, new.user_id,
    case when exists (select 1 from public.slots s where s.meeting_id = v_meeting.id) then 'slot_booked' else 'meeting_planned' end,
    v_meeting.id,
    private.meeting_facts(v_meeting) || jsonb_build_object('children', private.own_children_in_meeting(v_meeting.id, new.user_id)),
    null, null, v_meeting.starts_at);
  return null;
end
$function$;

CREATE OR REPLACE FUNCTION private.notify_preparation_shared()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  v_meeting public.meetings;
  v_staff uuid;
begin
  if not private.acting_person() or new.shared_at is null or (tg_op = 'UPDATE' and old.shared_at is not null) then
    return null;
  end if;
  select * into v_meeting from public.meetings m where m.id = new.meeting_id;
  for v_staff in select * from private.meeting_staff(new.meeting_id) loop
    perform private.queue_notification(
      v_meeting.school_id, v_staff, 'preparation_shared', v_meeting.id,
      private.meeting_facts(v_meeting) || jsonb_build_object(
        'children', private.children_in_meeting(v_meeting.id), 'parent', private.name_of(new.user_id)),
      'prep:' || v_meeting.id || ':' || new.user_id || ':' || v_staff);
  end loop;
  return null;
end
$function$;

CREATE OR REPLACE FUNCTION private.notify_round_opened()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  v_round public.slot_rounds;
  v_class text;
  v_first timestamptz;
  v_last timestamptz;
  v_parent record;
begin
  if not private.acting_person() then
    return null;
  end if;
  select * into v_round from public.slot_rounds r where r.id = new.id;
  if v_round.id is null or v_round.deadline <= now() then
    return null;
  end if;
  select c.name into v_class from public.classes c where c.id = v_round.class_id;
  select min(s.starts_at), max(s.starts_at) into v_first, v_last from public.slots s where s.round_id = v_round.id;
  for v_parent in
    select g.parent_user_id as user_id, jsonb_agg(p.first_name order by lower(p.first_name)) as children
    from private.current_pupils p
    join public.guardian_links g on g.pupil_id = p.id
    join public.memberships m on m.user_id = g.parent_user_id and m.school_id = p.school_id and m.role = 'parent'
    where p.class_id = v_round.class_id
    group by g.parent_user_id
  loop
    perform private.queue_notification(
      v_round.school_id, v_parent.user_id, 'round_opened', v_round.id,
      jsonb_build_object(
        'round', v_round.id, 'school', v_round.school_id, 'title', v_round.title, 'deadline', v_round.deadline,
        'class', v_class, 'first', v_first, 'last', v_last, 'children', v_parent.children),
      'round_opened:' || v_round.id || ':' || v_parent.user_id, null, v_round.deadline);
  end loop;
  return null;
end
$function$;

CREATE OR REPLACE FUNCTION private.own_children_in_meeting(p_meeting uuid, p_parent uuid)
 RETURNS jsonb
 LANGUAGE sql
 STABLE
 SET search_path TO ''
AS $function$
  select coalesce(jsonb_agg(p.first_name order by lower(p.first_name)), '[]'::jsonb)
  from public.meeting_pupils mp
  join public.pupils p on p.id = mp.pupil_id
  join public.guardian_links g on g.pupil_id = p.id and g.parent_user_id = p_parent
  where mp.meeting_id = p_meeting
$function$;

CREATE OR REPLACE FUNCTION private.picture_code_hash(p_pupil uuid, p_code text)
 RETURNS text
 LANGUAGE sql
 IMMUTABLE
 SET search_path TO ''
AS $function$
  select encode(sha256(convert_to(p_pupil::text || ':' || lower(p_code), 'UTF8')), 'hex')
$function$;

CREATE OR REPLACE FUNCTION private.picture_ids()
 RETURNS text[]
 LANGUAGE sql
 IMMUTABLE
 SET search_path TO ''
AS $function$
  select array['apple', 'bike', 'cat', 'sun', 'tree', 'fish', 'star', 'house', 'ball']
$function$;

CREATE OR REPLACE FUNCTION private.picture_in_use(p_school uuid, p_path text)
 RETURNS boolean
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
  select exists (select 1 from public.leaflet_blocks b where b.school_id = p_school and b.image_path = p_path)
    or exists (
      select 1 from public.leaflet_versions v, jsonb_array_elements(v.snapshot -> 'blocks') e
      where v.school_id = p_school and e -> 'image' ->> 'path' = p_path
    )
    or exists (select 1 from public.schools s where s.id = p_school and s.logo_path = p_path)
$function$;
grant execute on function private.picture_in_use(p_school uuid, p_path text) to authenticated;
grant execute on function private.picture_in_use(p_school uuid, p_path text) to service_role;

CREATE OR REPLACE FUNCTION private.plan_circles()
 RETURNS text[]
 LANGUAGE sql
 IMMUTABLE
 SET search_path TO ''
AS $function$
  select array['basis', 'intensive', 'deepened', 'very-intensive', 'very-deepened']
$function$;
grant execute on function private.plan_circles() to anon;
grant execute on function private.plan_circles() to authenticated;
grant execute on function private.plan_circles() to service_role;

CREATE OR REPLACE FUNCTION private.prep_choices(p_topic text)
 RETURNS text[]
 LANGUAGE sql
 IMMUTABLE
 SET search_path TO ''
AS $function$
  select case p_topic
    when 'strengths' then array['kind', 'curious', 'friends', 'reading', 'numbers', 'moving', 'creative', 'helps-others']
    when 'tell' then array['at-home', 'health', 'sleep', 'feelings', 'languages', 'hobbies', 'big-change']
    when 'ask' then array['how-is-it-going', 'friends-at-school', 'learning', 'behaviour', 'homework', 'help-at-home', 'next-steps']
    when 'child-needs' then array['more-challenge', 'more-help', 'calm', 'structure', 'encouragement', 'practice-at-home', 'reading-together']
    when 'parent-needs' then array['interpreter', 'clear-language', 'more-contact', 'in-writing', 'other-time']
    when 'other' then array[]::text[]
  end
$function$;
grant execute on function private.prep_choices(p_topic text) to anon;
grant execute on function private.prep_choices(p_topic text) to authenticated;
grant execute on function private.prep_choices(p_topic text) to service_role;

CREATE OR REPLACE FUNCTION private.prep_topics()
 RETURNS text[]
 LANGUAGE sql
 IMMUTABLE
 SET search_path TO ''
AS $function$
  select array['strengths', 'tell', 'ask', 'child-needs', 'parent-needs', 'other']
$function$;
grant execute on function private.prep_topics() to anon;
grant execute on function private.prep_topics() to authenticated;
grant execute on function private.prep_topics() to service_role;

CREATE OR REPLACE FUNCTION private.preparable(p_meeting uuid)
 RETURNS void
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  v_meeting public.meetings;
begin
  select * into v_meeting from public.meetings m where m.id = p_meeting;
  if v_meeting.id is null or not private.invited_to(p_meeting)
    or not exists (select 1 from public.meeting_people p where p.meeting_id = p_meeting and p.user_id = (select auth.uid()) and p.role = 'parent') then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  if v_meeting.status = 'cancelled' or (v_meeting.starts_at is not null and v_meeting.starts_at <= now()) then
    raise exception using errcode = 'P0001', message = 'meeting_started';
  end if;
end
$function$;
grant execute on function private.preparable(p_meeting uuid) to service_role;

CREATE OR REPLACE FUNCTION private.pupil_of_meeting(p_meeting uuid)
 RETURNS uuid
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
  select mp.pupil_id from public.meeting_pupils mp
  join public.pupils p on p.id = mp.pupil_id
  where mp.meeting_id = p_meeting and p.user_id is not null and p.user_id = (select auth.uid())
$function$;
grant execute on function private.pupil_of_meeting(p_meeting uuid) to authenticated;
grant execute on function private.pupil_of_meeting(p_meeting uuid) to service_role;

CREATE OR REPLACE FUNCTION private.pupil_prep_choices(p_part text)
 RETURNS text[]
 LANGUAGE sql
 IMMUTABLE
 SET search_path TO ''
AS $function$
  select case p_part
    when 'goes-well' then array['reading', 'writing', 'numbers', 'playing', 'friends', 'drawing', 'moving', 'listening']
    when 'hard' then array['reading', 'writing', 'numbers', 'playing', 'friends', 'drawing', 'moving', 'listening']
    when 'want-to-say' then array['happy', 'proud', 'worried', 'bored', 'tired', 'want-help']
    when 'who' then array['me', 'parent', 'teacher', 'coach', 'interpreter']
  end
$function$;
grant execute on function private.pupil_prep_choices(p_part text) to anon;
grant execute on function private.pupil_prep_choices(p_part text) to authenticated;
grant execute on function private.pupil_prep_choices(p_part text) to service_role;

CREATE OR REPLACE FUNCTION private.queue_notification(p_school uuid, p_user uuid, p_kind text, p_about uuid, p_payload jsonb, p_dedupe text DEFAULT NULL::text, p_due timestamp with time zone DEFAULT NULL::timestamp with time zone, p_expires timestamp with time zone DEFAULT NULL::timestamp with time zone)
 RETURNS void
 LANGUAGE plpgsql
 SET search_path TO ''
AS $function$
declare
  v_settings public.notification_settings;
  v_status text := 'pending';
  v_due timestamptz := coalesce(p_due, now());
begin
  if p_user is null then
    return;
  end if;
  select * into v_settings from public.notification_settings s where s.user_id = p_user;
  if p_kind = any (coalesce(v_settings.off_kinds, '{}')) and not (p_kind = any (private.essential_kinds())) then
    return;
  end if;
  if p_kind = any (private.digest_kinds()) and coalesce(v_settings.staff_digest, true) then
    v_status := 'held';
  end if;
  if p_kind = any (private.reminder_kinds()) then
    v_due := private.after_quiet_hours(p_user, v_due);
  end if;
  insert into private.notifications (school_id, user_id, kind, about, payload, dedupe, status, due_at, expires_at)
  values (p_school, p_user, p_kind, p_about, coalesce(p_payload, '{}'), p_dedupe, v_status, v_due, p_expires)
  on conflict (dedupe) do nothing;
end
$function$;

CREATE OR REPLACE FUNCTION private.raise_calendar_sequence()
 RETURNS trigger
 LANGUAGE plpgsql
 SET search_path TO ''
AS $function$
begin
  if (new.starts_at, new.minutes, new.place, new.video_url, new.status)
     is distinct from (old.starts_at, old.minutes, old.place, old.video_url, old.status) then
    new.calendar_sequence := old.calendar_sequence + 1;
  end if;
  return new;
end
$function$;

CREATE OR REPLACE FUNCTION private.random_bytes()
 RETURNS integer[]
 LANGUAGE sql
 SET search_path TO ''
AS $function$
  select array_agg(get_byte(b, i) order by i)
  from (select uuid_send(gen_random_uuid()) as b) u,
       unnest(array[0, 1, 2, 3, 4, 5, 9, 10, 11, 12, 13, 14, 15]) as i
$function$;
grant execute on function private.random_bytes() to authenticated;
grant execute on function private.random_bytes() to service_role;

CREATE OR REPLACE FUNCTION private.random_invitation_code()
 RETURNS text
 LANGUAGE sql
 SET search_path TO ''
AS $function$
  select string_agg(substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', 1 + (r[i] & 31), 1), '' order by i)
  from (select private.random_bytes() as r) x, generate_series(1, 10) as i
$function$;
grant execute on function private.random_invitation_code() to authenticated;
grant execute on function private.random_invitation_code() to service_role;

CREATE OR REPLACE FUNCTION private.random_picture_code()
 RETURNS text
 LANGUAGE sql
 SET search_path TO ''
AS $function$
  select string_agg((private.picture_ids())[1 + ((r[k * 2 + 1] * 256 + r[k * 2 + 2]) % 9)], '-' order by k)
  from (select private.random_bytes() as r) x, generate_series(0, 2) as k
$function$;

CREATE OR REPLACE FUNCTION private.random_token()
 RETURNS text
 LANGUAGE sql
 SET search_path TO ''
AS $function$
  select replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '')
$function$;
grant execute on function private.random_token() to authenticated;
grant execute on function private.random_token() to service_role;

CREATE OR REPLACE FUNCTION private.reminder_kinds()
 RETURNS text[]
 LANGUAGE sql
 IMMUTABLE
 SET search_path TO ''
AS $function$
  select array['meeting_reminder', 'round_reminder', 'round_unbooked']
$function$;
grant execute on function private.reminder_kinds() to authenticated;
grant execute on function private.reminder_kinds() to service_role;

CREATE OR REPLACE FUNCTION private.round_is_open(p_closed_at timestamp with time zone)
 RETURNS boolean
 LANGUAGE sql
 STABLE
 SET search_path TO ''
AS $function$
  select p_closed_at is null or p_closed_at > now()
$function$;
grant execute on function private.round_is_open(p_closed_at timestamp with time zone) to service_role;

CREATE OR REPLACE FUNCTION private.school_attention(p_school uuid)
 RETURNS TABLE(class_id uuid, pupil_id uuid, reason text)
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  return query
  with current_plan as (
    select distinct on (g.class_id) g.id, g.class_id from public.group_plans g
    where g.school_id = p_school order by g.class_id, g.created_at desc
  ),
  live as (
    select p.id, p.class_id from private.current_pupils p where p.school_id = p_school
  ),
  placed as (
    select l.class_id, l.id, gp.plan_id, gp.circle
    from live l join current_plan cp on cp.class_id = l.class_id
    left join public.group_plan_pupils gp on gp.plan_id = cp.id and gp.pupil_id = l.id
  ),
  steps as (
    select a.pupil_id, a.class_id, a.goal_step,
           row_number() over (partition by a.pupil_id order by r.opened_at desc) as n
    from public.need_answers a join public.need_rounds r on r.id = a.round_id
    where r.school_id = p_school and a.goal_step is not null
  )
  select x.class_id, x.id, case when x.plan_id is null then 'no_circle'::text else 'earring'::text end
  from placed x
  where x.plan_id is null or x.circle in ('very-intensive', 'very-deepened')
  union all
  select l.class_id, l.id, 'not_yet_twice'::text
  from steps s join live l on l.id = s.pupil_id and l.class_id = s.class_id
  where s.n <= 2
  group by l.class_id, l.id
  having count(*) filter (where s.goal_step = 'not-yet') = 2;
end
$function$;
grant execute on function private.school_attention(p_school uuid) to service_role;

CREATE OR REPLACE FUNCTION private.school_day_end(p_now timestamp with time zone DEFAULT now())
 RETURNS timestamp with time zone
 LANGUAGE sql
 STABLE
 SET search_path TO ''
AS $function$
  select case
    when (p_now at time zone 'Europe/Amsterdam')::time < time '17:00'
      then ((p_now at time zone 'Europe/Amsterdam')::date + time '18:00') at time zone 'Europe/Amsterdam'
    else p_now + interval '1 hour'
  end
$function$;
grant execute on function private.school_day_end(p_now timestamp with time zone) to authenticated;
grant execute on function private.school_day_end(p_now timestamp with time zone) to service_role;

CREATE OR REPLACE FUNCTION private.school_today()
 RETURNS date
 LANGUAGE sql
 STABLE
 SET search_path TO ''
AS $function$
  select (now() at time zone 'Europe/Amsterdam')::date
$function$;
grant execute on function private.school_today() to authenticated;
grant execute on function private.school_today() to service_role;

CREATE OR REPLACE FUNCTION private.sees_all_classes(p_school uuid)
 RETURNS boolean
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
  select private.has_school_role(p_school, array['admin', 'coach']::public.school_role[])
$function$;
grant execute on function private.sees_all_classes(p_school uuid) to authenticated;
grant execute on function private.sees_all_classes(p_school uuid) to service_role;

CREATE OR REPLACE FUNCTION private.sees_feedback(p_meeting uuid, p_author uuid)
 RETURNS boolean
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
  select p_author = (select auth.uid())
    or (
      exists (
        select 1 from public.meeting_feedback f
        where f.meeting_id = p_meeting and f.author_id = p_author and not f.anonymous
      )
      and private.staff_sees_meeting(p_meeting)
    )
$function$;
grant execute on function private.sees_feedback(p_meeting uuid, p_author uuid) to authenticated;
grant execute on function private.sees_feedback(p_meeting uuid, p_author uuid) to service_role;

CREATE OR REPLACE FUNCTION private.sees_meeting(p_meeting uuid)
 RETURNS boolean
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
  select private.staff_sees_meeting(p_meeting) or private.invited_to(p_meeting) or private.pupil_of_meeting(p_meeting) is not null
$function$;
grant execute on function private.sees_meeting(p_meeting uuid) to authenticated;
grant execute on function private.sees_meeting(p_meeting uuid) to service_role;

CREATE OR REPLACE FUNCTION private.sees_preparation(p_meeting uuid, p_user uuid)
 RETURNS boolean
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
  select exists (
    select 1 from public.preparations p
    where p.meeting_id = p_meeting and p.user_id = p_user
      and (p.user_id = (select auth.uid()) or (p.shared_at is not null and private.staff_sees_meeting(p_meeting)))
  )
$function$;
grant execute on function private.sees_preparation(p_meeting uuid, p_user uuid) to authenticated;
grant execute on function private.sees_preparation(p_meeting uuid, p_user uuid) to service_role;

CREATE OR REPLACE FUNCTION private.sees_pupil_part(p_meeting uuid, p_pupil uuid)
 RETURNS boolean
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
  select exists (
    select 1 from public.pupil_preparations p
    where p.meeting_id = p_meeting and p.pupil_id = p_pupil
      and (private.is_pupil_self(p.pupil_id)
           or (p.consented_at is not null and (private.is_guardian_of(p.pupil_id) or private.staff_sees_meeting(p_meeting))))
  )
$function$;
grant execute on function private.sees_pupil_part(p_meeting uuid, p_pupil uuid) to authenticated;
grant execute on function private.sees_pupil_part(p_meeting uuid, p_pupil uuid) to service_role;

CREATE OR REPLACE FUNCTION private.shared_needs(p_class uuid, p_pupils uuid[])
 RETURNS text[]
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
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
$function$;
grant execute on function private.shared_needs(p_class uuid, p_pupils uuid[]) to service_role;

CREATE OR REPLACE FUNCTION private.staff_sees_meeting(p_meeting uuid)
 RETURNS boolean
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
  select exists (
    select 1 from public.meetings m
    where m.id = p_meeting and private.sees_all_classes(m.school_id)
  ) or exists (
    select 1 from public.meeting_pupils mp
    where mp.meeting_id = p_meeting and private.teaches_class(mp.class_id)
  )
$function$;
grant execute on function private.staff_sees_meeting(p_meeting uuid) to authenticated;
grant execute on function private.staff_sees_meeting(p_meeting uuid) to service_role;

CREATE OR REPLACE FUNCTION private.teaches_class(p_class uuid)
 RETURNS boolean
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
  select exists (
    select 1 from public.class_teachers ct
    join public.memberships m on m.user_id = ct.user_id and m.school_id = ct.school_id and m.role = 'teacher'
    where ct.class_id = p_class and ct.user_id = (select auth.uid())
  )
$function$;
grant execute on function private.teaches_class(p_class uuid) to authenticated;
grant execute on function private.teaches_class(p_class uuid) to service_role;

CREATE OR REPLACE FUNCTION private.text_hash(p_text text)
 RETURNS text
 LANGUAGE sql
 IMMUTABLE
 SET search_path TO ''
AS $function$
  select case when p_text is null then null else encode(sha256(convert_to(p_text, 'UTF8')), 'hex') end
$function$;
grant execute on function private.text_hash(p_text text) to authenticated;
grant execute on function private.text_hash(p_text text) to service_role;

CREATE OR REPLACE FUNCTION private.token_hash(p_token text)
 RETURNS text
 LANGUAGE sql
 IMMUTABLE
 SET search_path TO ''
AS $function$
  select encode(sha256(convert_to(coalesce(p_token, ''), 'UTF8')), 'hex')
$function$;
grant execute on function private.token_hash(p_token text) to authenticated;
grant execute on function private.token_hash(p_token text) to service_role;

CREATE OR REPLACE FUNCTION private.uuid_or_null(p_text text)
 RETURNS uuid
 LANGUAGE plpgsql
 IMMUTABLE
 SET search_path TO ''
AS $function$
begin
  return p_text::uuid;
exception when invalid_text_representation then
  return null;
end
$function$;
grant execute on function private.uuid_or_null(p_text text) to anon;
grant execute on function private.uuid_or_null(p_text text) to authenticated;
grant execute on function private.uuid_or_null(p_text text) to service_role;

CREATE OR REPLACE FUNCTION private.valid_block_content(p_kind public.leaflet_block_kind, p_content jsonb)
 RETURNS boolean
 LANGUAGE sql
 IMMUTABLE
 SET search_path TO ''
AS $function$
  select jsonb_typeof(p_content) = 'object'
    and case p_kind
      when 'title' then (p_content - 'text') = '{}'::jsonb
        and jsonb_typeof(p_content -> 'text') = 'string' and char_length(p_content ->> 'text') between 1 and 200
      when 'heading' then (p_content - 'text') = '{}'::jsonb
        and jsonb_typeof(p_content -> 'text') = 'string' and char_length(p_content ->> 'text') between 1 and 200
      when 'paragraph' then (p_content - 'text') = '{}'::jsonb
        and jsonb_typeof(p_content -> 'text') = 'string' and char_length(p_content ->> 'text') between 1 and 2000
      when 'contact' then (p_content - 'text') = '{}'::jsonb
        and jsonb_typeof(p_content -> 'text') = 'string' and char_length(p_content ->> 'text') between 0 and 600
      when 'image' then (p_content - 'alt' - 'caption') = '{}'::jsonb
        and jsonb_typeof(p_content -> 'alt') = 'string' and char_length(p_content ->> 'alt') between 1 and 300
        and coalesce(jsonb_typeof(p_content -> 'caption') = 'string' and char_length(p_content ->> 'caption') <= 300, true)
      when 'tips' then (p_content - 'title' - 'items') = '{}'::jsonb
        and jsonb_typeof(p_content -> 'title') = 'string' and char_length(p_content ->> 'title') between 1 and 200
        and private.valid_items(p_content -> 'items')
      else (p_content - 'items') = '{}'::jsonb and private.valid_items(p_content -> 'items')
    end
$function$;
grant execute on function private.valid_block_content(p_kind public.leaflet_block_kind, p_content jsonb) to authenticated;
grant execute on function private.valid_block_content(p_kind public.leaflet_block_kind, p_content jsonb) to service_role;

CREATE OR REPLACE FUNCTION private.valid_items(p_items jsonb)
 RETURNS boolean
 LANGUAGE sql
 IMMUTABLE
 SET search_path TO ''
AS $function$
  select jsonb_typeof(p_items) = 'array'
    and jsonb_array_length(p_items) between 1 and 12
    and not exists (
      select 1 from jsonb_array_elements(p_items) e
      where jsonb_typeof(e) <> 'string' or char_length(e #>> '{}') not between 1 and 400
    )
$function$;
grant execute on function private.valid_items(p_items jsonb) to authenticated;
grant execute on function private.valid_items(p_items jsonb) to service_role;

CREATE OR REPLACE FUNCTION private.valid_need_list(p_ids text[])
 RETURNS boolean
 LANGUAGE sql
 IMMUTABLE
 SET search_path TO ''
AS $function$
  select p_ids is not null
    and p_ids <@ private.need_ids()
    and cardinality(p_ids) = (select count(distinct x) from unnest(p_ids) x)
$function$;
grant execute on function private.valid_need_list(p_ids text[]) to anon;
grant execute on function private.valid_need_list(p_ids text[]) to authenticated;
grant execute on function private.valid_need_list(p_ids text[]) to service_role;

CREATE OR REPLACE FUNCTION private.valid_preparation(p_answers jsonb)
 RETURNS boolean
 LANGUAGE sql
 IMMUTABLE
 SET search_path TO ''
AS $function$
  select jsonb_typeof(p_answers) = 'object'
    and not exists (
      select 1 from jsonb_each(p_answers) e
      where not (e.key = any (private.prep_topics()))
        or jsonb_typeof(e.value) <> 'object'
        or exists (select 1 from jsonb_object_keys(e.value) k where k not in ('choices', 'text', 'lang'))
        or jsonb_typeof(coalesce(e.value -> 'choices', '[]')) <> 'array'
        or jsonb_typeof(coalesce(e.value -> 'text', '""')) <> 'string'
        or char_length(coalesce(e.value ->> 'text', '')) > 1000
        or not private.is_clean_text(replace(replace(coalesce(e.value ->> 'text', ''), E'\n', ' '), E'\r', ' '))
        or coalesce(e.value ->> 'lang', '') !~ '^([a-z]{2})?$'
        or exists (
          select 1 from jsonb_array_elements(coalesce(e.value -> 'choices', '[]')) c
          where jsonb_typeof(c) <> 'string' or not ((c #>> '{}') = any (private.prep_choices(e.key)))
        )
    )
$function$;
grant execute on function private.valid_preparation(p_answers jsonb) to anon;
grant execute on function private.valid_preparation(p_answers jsonb) to authenticated;
grant execute on function private.valid_preparation(p_answers jsonb) to service_role;

CREATE OR REPLACE FUNCTION private.valid_pupil_preparation(p_answers jsonb)
 RETURNS boolean
 LANGUAGE sql
 IMMUTABLE
 SET search_path TO ''
AS $function$
  select jsonb_typeof(p_answers) = 'object'
    and not exists (
      select 1 from jsonb_each(p_answers) e
      where not (e.key in ('goes-well', 'hard', 'want-to-say', 'who'))
        or jsonb_typeof(e.value) <> 'array'
        or exists (
          select 1 from jsonb_array_elements(e.value) c
          where jsonb_typeof(c) <> 'string' or not ((c #>> '{}') = any (private.pupil_prep_choices(e.key)))
        )
    )
$function$;
grant execute on function private.valid_pupil_preparation(p_answers jsonb) to anon;
grant execute on function private.valid_pupil_preparation(p_answers jsonb) to authenticated;
grant execute on function private.valid_pupil_preparation(p_answers jsonb) to service_role;

CREATE OR REPLACE FUNCTION private.voice_keys()
 RETURNS text[]
 LANGUAGE sql
 IMMUTABLE
 SET search_path TO ''
AS $function$
  select array(select 'need.' || u.n from unnest(private.need_ids()) with ordinality as u(n, i) order by u.i)
      || array(select 'name.' || u.n from unnest(private.need_ids()) with ordinality as u(n, i) order by u.i)
      || array(select 'step.' || u.n from unnest(private.goal_steps()) with ordinality as u(n, i) order by u.i)
      || array['say.names', 'say.start', 'say.avatar', 'say.goal', 'say.needs', 'say.more',
               'say.confirm', 'say.top', 'say.tip', 'say.thanks', 'say.nothing']
$function$;
grant execute on function private.voice_keys() to anon;
grant execute on function private.voice_keys() to authenticated;
grant execute on function private.voice_keys() to service_role;

CREATE OR REPLACE FUNCTION private.written_text(p_source text, p_field text, p_meeting uuid, p_agreement uuid, p_user uuid, p_pupil uuid, p_round uuid, p_request uuid)
 RETURNS text
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
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
$function$;

CREATE OR REPLACE FUNCTION public.add_agreement(p_meeting uuid, p_text text, p_who text, p_due_on date, p_evaluate_on date)
 RETURNS uuid
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  v_id uuid;
begin
  if not private.staff_sees_meeting(p_meeting) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  insert into public.agreements (meeting_id, text, who, due_on, evaluate_on, created_by)
  values (p_meeting, btrim(p_text), nullif(btrim(p_who), ''), p_due_on, p_evaluate_on, (select auth.uid()))
  returning id into v_id;
  return v_id;
end
$function$;
grant execute on function public.add_agreement(p_meeting uuid, p_text text, p_who text, p_due_on date, p_evaluate_on date) to authenticated;
grant execute on function public.add_agreement(p_meeting uuid, p_text text, p_who text, p_due_on date, p_evaluate_on date) to service_role;

CREATE OR REPLACE FUNCTION public.add_block(p_leaflet uuid, p_revision integer, p_kind public.leaflet_block_kind, p_position integer, p_content jsonb)
 RETURNS TABLE(revision integer, block_id uuid)
 LANGUAGE plpgsql
 SET search_path TO ''
AS $function$
declare
  v_school uuid;
  v_rev int;
begin
  if p_kind = 'title' then
    raise exception using errcode = 'P0001', message = 'invalid';
  end if;
  select l.school_id into v_school from public.leaflets l where l.id = p_leaflet;
  v_rev := private.next_revision(p_leaflet, p_revision);
  update public.leaflet_blocks b set position = b.position + 1 where b.leaflet_id = p_leaflet and b.position >= p_position;
  insert into public.leaflet_blocks (leaflet_id, school_id, block_key, position, kind, origin, source, updated_by)
  values (p_leaflet, v_school, 'school-' || substr(replace(gen_random_uuid()::text, '-', ''), 1, 10),
          greatest(p_position, 1), p_kind, 'school', p_content, (select auth.uid()))
  returning id into block_id;
  revision := v_rev;
  return next;
end
$function$;
grant execute on function public.add_block(p_leaflet uuid, p_revision integer, p_kind public.leaflet_block_kind, p_position integer, p_content jsonb) to authenticated;
grant execute on function public.add_block(p_leaflet uuid, p_revision integer, p_kind public.leaflet_block_kind, p_position integer, p_content jsonb) to service_role;

CREATE OR REPLACE FUNCTION public.add_pupils(p_class uuid, p_names text[])
 RETURNS TABLE(pupil_id uuid, first_name text, picture_code text)
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  v_school uuid;
  v_name text;
  v_id uuid;
  v_code text;
begin
  select c.school_id into v_school from public.classes c where c.id = p_class;
  if v_school is null or not private.is_school_admin(v_school) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  if coalesce(array_length(p_names, 1), 0) = 0 or array_length(p_names, 1) > 40 then
    raise exception using errcode = 'P0001', message = 'pupil_list_size';
  end if;
  if (select count(*) from private.current_pupils p where p.class_id = p_class) + array_length(p_names, 1) > 40 then
    raise exception using errcode = 'P0001', message = 'class_full';
  end if;
  foreach v_name in array p_names loop
    v_name := btrim(v_name);
    if exists (
      select 1 from private.current_pupils p
      where p.class_id = p_class and lower(btrim(p.first_name)) = lower(v_name)
    ) then
      raise exception using errcode = 'P0001', message = 'duplicate_pupil_name', detail = v_name;
    end if;
    insert into public.pupils (school_id, class_id, first_name)
    values (v_school, p_class, v_name)
    returning id into v_id;
    v_code := private.random_picture_code();
    insert into private.pupil_codes (pupil_id, code_hash) values (v_id, private.picture_code_hash(v_id, v_code));
    pupil_id := v_id;
    first_name := v_name;
    picture_code := v_code;
    return next;
  end loop;
end
$function$;
grant execute on function public.add_pupils(p_class uuid, p_names text[]) to authenticated;
grant execute on function public.add_pupils(p_class uuid, p_names text[]) to service_role;

CREATE OR REPLACE FUNCTION public.add_round_day(p_round uuid, p_day date)
 RETURNS integer
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  v_round public.slot_rounds;
  v_first date;
  v_count int;
begin
  select * into v_round from public.slot_rounds r where r.id = p_round for update;
  if v_round.id is null or not private.can_see_class_pupils(v_round.class_id) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  select min((s.starts_at at time zone 'Europe/Amsterdam')::date) into v_first from public.slots s where s.round_id = p_round;
  if v_first is null or p_day is null or p_day <= (greatest(v_round.deadline, now()) at time zone 'Europe/Amsterdam')::date then
    raise exception using errcode = 'P0001', message = 'invalid';
  end if;
  if exists (select 1 from public.slots s where s.round_id = p_round and (s.starts_at at time zone 'Europe/Amsterdam')::date = p_day) then
    raise exception using errcode = 'P0001', message = 'day_taken';
  end if;
  if (select count(*) from public.slots s where s.round_id = p_round)
     + (select count(*) from public.slots s where s.round_id = p_round and (s.starts_at at time zone 'Europe/Amsterdam')::date = v_first) > 300 then
    raise exception using errcode = 'P0001', message = 'invalid';
  end if;
  insert into public.slots (round_id, starts_at, minutes, teacher_id)
  select p_round, (p_day + (s.starts_at at time zone 'Europe/Amsterdam')::time) at time zone 'Europe/Amsterdam', s.minutes, s.teacher_id
  from public.slots s
  where s.round_id = p_round and (s.starts_at at time zone 'Europe/Amsterdam')::date = v_first
  on conflict (round_id, teacher_id, starts_at) do nothing;
  get diagnostics v_count = row_count;
  return v_count;
end
$function$;
grant execute on function public.add_round_day(p_round uuid, p_day date) to authenticated;
grant execute on function public.add_round_day(p_round uuid, p_day date) to service_role;

CREATE OR REPLACE FUNCTION public.adopt_template(p_school uuid, p_template uuid)
 RETURNS uuid
 LANGUAGE plpgsql
 SET search_path TO ''
AS $function$
declare
  v_template public.leaflets;
  v_id uuid;
begin
  if not private.can_edit_leaflets(p_school) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  select * into v_template from public.leaflets l where l.id = p_template and l.school_id is null;
  if v_template.id is null then
    raise exception using errcode = 'P0001', message = 'not_found';
  end if;
  insert into public.leaflets (school_id, slug, template_id, template_version, position, updated_by)
  values (p_school, v_template.slug, v_template.id, v_template.version, v_template.position, (select auth.uid()))
  returning id into v_id;
  insert into public.leaflet_blocks (leaflet_id, school_id, block_key, position, kind, origin, source, source_version)
  select v_id, p_school, b.block_key, b.position, b.kind, 'template', b.source, b.source_version
  from public.leaflet_blocks b where b.leaflet_id = p_template;
  insert into public.leaflet_translations (block_id, leaflet_id, school_id, locale, content, source_version, origin)
  select nb.id, v_id, p_school, t.locale, t.content, t.source_version, 'template'
  from public.leaflet_translations t
  join public.leaflet_blocks tb on tb.id = t.block_id
  join public.leaflet_blocks nb on nb.leaflet_id = v_id and nb.block_key = tb.block_key
  where tb.leaflet_id = p_template;
  return v_id;
end
$function$;
grant execute on function public.adopt_template(p_school uuid, p_template uuid) to authenticated;
grant execute on function public.adopt_template(p_school uuid, p_template uuid) to service_role;

CREATE OR REPLACE FUNCTION public.auth_limit_clear(p_keys text[])
 RETURNS void
 LANGUAGE sql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
  delete from private.auth_limits where key_hash = any (p_keys)
$function$;
grant execute on function public.auth_limit_clear(p_keys text[]) to service_role;

CREATE OR REPLACE FUNCTION public.auth_limit_hit(p_key text, p_limit integer, p_window_seconds integer, p_lock_seconds integer, p_max_lock_seconds integer)
 RETURNS timestamp with time zone
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  v_row private.auth_limits;
  v_lock interval;
begin
  insert into private.auth_limits as l (key_hash, events, window_started)
  values (p_key, 0, now())
  on conflict (key_hash) do update set updated_at = now()
  returning * into v_row;
  if v_row.window_started < now() - make_interval(secs => p_window_seconds) then
    v_row.events := 0;
    v_row.window_started := now();
  end if;
  v_row.events := v_row.events + 1;
  if v_row.events >= p_limit then
    v_lock := least(
      make_interval(secs => p_lock_seconds) * power(2, least(v_row.lockouts, 16)),
      make_interval(secs => p_max_lock_seconds)
    );
    update private.auth_limits
    set events = 0, window_started = now(), lockouts = v_row.lockouts + 1, locked_until = now() + v_lock, updated_at = now()
    where key_hash = p_key;
    return now() + v_lock;
  end if;
  update private.auth_limits
  set events = v_row.events, window_started = v_row.window_started, updated_at = now()
  where key_hash = p_key;
  return null;
end
$function$;
grant execute on function public.auth_limit_hit(p_key text, p_limit integer, p_window_seconds integer, p_lock_seconds integer, p_max_lock_seconds integer) to service_role;

CREATE OR REPLACE FUNCTION public.auth_limit_state(p_keys text[])
 RETURNS timestamp with time zone
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
  select max(l.locked_until) from private.auth_limits l
  where l.key_hash = any (p_keys) and l.locked_until > now()
$function$;
grant execute on function public.auth_limit_state(p_keys text[]) to service_role;

CREATE OR REPLACE FUNCTION public.book_slot(p_slot uuid, p_pupil uuid)
 RETURNS uuid
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
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
$function$;
grant execute on function public.book_slot(p_slot uuid, p_pupil uuid) to authenticated;
grant execute on function public.book_slot(p_slot uuid, p_pupil uuid) to service_role;

CREATE OR REPLACE FUNCTION public.cancel_meeting(p_meeting uuid)
 RETURNS uuid
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  if not private.staff_sees_meeting(p_meeting) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  update public.meetings set status = 'cancelled' where id = p_meeting;
  update public.slots set pupil_id = null, booked_by = null, meeting_id = null where meeting_id = p_meeting;
  return p_meeting;
end
$function$;
grant execute on function public.cancel_meeting(p_meeting uuid) to authenticated;
grant execute on function public.cancel_meeting(p_meeting uuid) to service_role;

CREATE OR REPLACE FUNCTION public.claim_notifications(p_now timestamp with time zone, p_limit integer, p_lease_seconds integer)
 RETURNS TABLE(id bigint, kind text, user_id uuid, school_id uuid, email text, locale text, name text, school_name text, school_slug text, payload jsonb, attempts integer, created_at timestamp with time zone, turned_off boolean, push_names boolean, pushed boolean, devices integer)
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  if coalesce(current_setting('role', true), 'none') in ('anon', 'authenticated') then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  update private.notifications n set status = 'failed', last_error = coalesce(n.last_error, 'expired')
  where n.status = 'pending' and n.expires_at <= p_now;
  return query
    with taken as (
      update private.notifications n set due_at = p_now + make_interval(secs => greatest(p_lease_seconds, 10))
      where n.id in (
        select d.id from private.notifications d
        where d.status = 'pending' and d.due_at <= p_now and (d.expires_at is null or d.expires_at > p_now)
        order by d.due_at, d.id
        limit greatest(least(p_limit, 100), 1)
        for update skip locked
      )
      returning n.*
    )
    select t.id, t.kind, t.user_id, t.school_id, coalesce(pf.email, t.to_address), coalesce(pf.locale, t.to_locale, s.default_locale, 'nl'),
           pf.display_name, s.name, s.slug, t.payload, t.attempts, t.created_at,
           t.kind = any (coalesce(ns.off_kinds, '{}')) and not (t.kind = any (private.essential_kinds())),
           coalesce(ns.push_names, false), t.pushed_at is not null,
           (select count(*)::int from private.push_subscriptions ps where ps.user_id = t.user_id)
    from taken t
    left join public.profiles pf on pf.user_id = t.user_id
    left join public.schools s on s.id = t.school_id
    left join public.notification_settings ns on ns.user_id = t.user_id
    order by t.id;
end
$function$;
grant execute on function public.claim_notifications(p_now timestamp with time zone, p_limit integer, p_lease_seconds integer) to service_role;

CREATE OR REPLACE FUNCTION public.class_device_roster(p_device_token text)
 RETURNS TABLE(class_id uuid, class_name text, school_slug text, school_name text, pupils jsonb, expires_at timestamp with time zone)
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
  select c.id, c.name, s.slug, s.name,
         coalesce((
           select jsonb_agg(jsonb_build_object(
             'pupil_id', p.id, 'first_name', p.first_name, 'avatar', p.avatar,
             'needs_teacher', coalesce(pc.needs_teacher or pc.locked_until > now(), false)
           ) order by lower(p.first_name))
           from private.current_pupils p
           left join private.pupil_codes pc on pc.pupil_id = p.id
           where p.class_id = c.id
         ), '[]'::jsonb),
         d.expires_at
  from public.class_devices d
  join public.classes c on c.id = d.class_id
  join public.schools s on s.id = d.school_id
  where d.token_hash = private.token_hash(p_device_token) and d.expires_at > now()
$function$;
grant execute on function public.class_device_roster(p_device_token text) to service_role;

CREATE OR REPLACE FUNCTION public.class_group_plans(p_class uuid)
 RETURNS TABLE(plan_id uuid, period text, evaluate_on date, evaluated_at timestamp with time zone, pupils integer, created_at timestamp with time zone)
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
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
$function$;
grant execute on function public.class_group_plans(p_class uuid) to authenticated;
grant execute on function public.class_group_plans(p_class uuid) to service_role;

CREATE OR REPLACE FUNCTION public.class_lockouts(p_class uuid)
 RETURNS TABLE(pupil_id uuid, locked_until timestamp with time zone, needs_teacher boolean, lockouts integer)
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
  select c.pupil_id, case when c.locked_until > now() then c.locked_until end, c.needs_teacher, c.lockouts
  from private.pupil_codes c
  join public.pupils p on p.id = c.pupil_id
  where p.class_id = p_class and private.can_see_class_pupils(p_class)
    and (c.needs_teacher or c.locked_until > now() or c.lockouts > 0)
$function$;
grant execute on function public.class_lockouts(p_class uuid) to authenticated;
grant execute on function public.class_lockouts(p_class uuid) to service_role;

CREATE OR REPLACE FUNCTION public.class_need_rounds(p_class uuid)
 RETURNS TABLE(round_id uuid, goal text, opened_at timestamp with time zone, closed_at timestamp with time zone, answered integer, pupils integer)
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
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
$function$;
grant execute on function public.class_need_rounds(p_class uuid) to authenticated;
grant execute on function public.class_need_rounds(p_class uuid) to service_role;

CREATE OR REPLACE FUNCTION public.class_plan(p_round uuid)
 RETURNS TABLE(pupil_id uuid, circle text)
 LANGUAGE plpgsql
 STABLE
 SET search_path TO ''
AS $function$
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
$function$;
grant execute on function public.class_plan(p_round uuid) to authenticated;
grant execute on function public.class_plan(p_round uuid) to service_role;

CREATE OR REPLACE FUNCTION public.class_pupils(p_class uuid)
 RETURNS TABLE(pupil_id uuid, first_name text, has_signed_in boolean, avatar text)
 LANGUAGE sql
 STABLE
 SET search_path TO ''
AS $function$
  select p.id, p.first_name, p.user_id is not null, p.avatar
  from private.current_pupils p
  where p.class_id = p_class
  order by lower(p.first_name)
$function$;
grant execute on function public.class_pupils(p_class uuid) to authenticated;
grant execute on function public.class_pupils(p_class uuid) to service_role;

CREATE OR REPLACE FUNCTION public.close_class_device(p_device_token text)
 RETURNS void
 LANGUAGE sql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
  delete from public.class_devices where token_hash = private.token_hash(p_device_token)
$function$;
grant execute on function public.close_class_device(p_device_token text) to service_role;

CREATE OR REPLACE FUNCTION public.close_need_round(p_round uuid)
 RETURNS SETOF public.need_rounds
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
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
$function$;
grant execute on function public.close_need_round(p_round uuid) to authenticated;
grant execute on function public.close_need_round(p_round uuid) to service_role;

CREATE OR REPLACE FUNCTION public.correct_translation(p_translation uuid, p_text text)
 RETURNS uuid
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
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
$function$;
grant execute on function public.correct_translation(p_translation uuid, p_text text) to authenticated;
grant execute on function public.correct_translation(p_translation uuid, p_text text) to service_role;

CREATE OR REPLACE FUNCTION public.create_class(p_school uuid, p_name text, p_school_year text)
 RETURNS SETOF public.classes
 LANGUAGE sql
 SET search_path TO ''
AS $function$
  insert into public.classes (school_id, name, school_year)
  values (p_school, btrim(p_name), p_school_year)
  returning *
$function$;
grant execute on function public.create_class(p_school uuid, p_name text, p_school_year text) to authenticated;
grant execute on function public.create_class(p_school uuid, p_name text, p_school_year text) to service_role;

CREATE OR REPLACE FUNCTION public.create_group_plan(p_round uuid, p_places jsonb, p_period text, p_evaluate_on date)
 RETURNS uuid
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
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
$function$;
grant execute on function public.create_group_plan(p_round uuid, p_places jsonb, p_period text, p_evaluate_on date) to authenticated;
grant execute on function public.create_group_plan(p_round uuid, p_places jsonb, p_period text, p_evaluate_on date) to service_role;

CREATE OR REPLACE FUNCTION public.create_invitation(p_school uuid, p_role public.school_role, p_pupils uuid[], p_locale text, p_label text)
 RETURNS TABLE(invitation_id uuid, code text, expires_at timestamp with time zone)
 LANGUAGE plpgsql
 SET search_path TO ''
AS $function$
declare
  v_code text := private.random_invitation_code();
  v_invitation public.invitations;
begin
  if p_role = 'pupil' then
    raise exception using errcode = 'P0001', message = 'invalid_role';
  end if;
  if coalesce(array_length(p_pupils, 1), 0) > 20 then
    raise exception using errcode = 'P0001', message = 'list_too_long';
  end if;
  insert into public.invitations (school_id, role, code_hash, locale, label, created_by)
  values (p_school, p_role, private.invitation_code_hash(v_code), p_locale, nullif(btrim(p_label), ''), (select auth.uid()))
  returning * into v_invitation;
  if p_role = 'parent' and p_pupils is not null then
    insert into public.invitation_pupils (invitation_id, pupil_id, school_id)
    select v_invitation.id, u.pupil, p_school from unnest(p_pupils) as u(pupil);
  end if;
  invitation_id := v_invitation.id;
  code := v_code;
  expires_at := v_invitation.expires_at;
  return next;
end
$function$;
grant execute on function public.create_invitation(p_school uuid, p_role public.school_role, p_pupils uuid[], p_locale text, p_label text) to authenticated;
grant execute on function public.create_invitation(p_school uuid, p_role public.school_role, p_pupils uuid[], p_locale text, p_label text) to service_role;

CREATE OR REPLACE FUNCTION public.create_leaflet(p_school uuid, p_slug text, p_title text)
 RETURNS uuid
 LANGUAGE plpgsql
 SET search_path TO ''
AS $function$
declare
  v_id uuid;
begin
  if not private.can_edit_leaflets(p_school) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  insert into public.leaflets (school_id, slug, position, updated_by)
  values (p_school, p_slug, 1000, (select auth.uid()))
  returning id into v_id;
  insert into public.leaflet_blocks (leaflet_id, school_id, block_key, position, kind, origin, source)
  values (v_id, p_school, 'title', 0, 'title', 'school', jsonb_build_object('text', p_title));
  return v_id;
end
$function$;
grant execute on function public.create_leaflet(p_school uuid, p_slug text, p_title text) to authenticated;
grant execute on function public.create_leaflet(p_school uuid, p_slug text, p_title text) to service_role;

CREATE OR REPLACE FUNCTION public.create_meeting(p_pupils uuid[], p_kind text, p_starts_at timestamp with time zone, p_minutes integer, p_place text, p_video_url text, p_attendees text, p_goal text, p_interpreter_lang text, p_interpreter_mode text, p_interpreter_booked boolean)
 RETURNS uuid
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  v_school uuid;
  v_id uuid;
begin
  if p_pupils is null or cardinality(p_pupils) = 0 or cardinality(p_pupils) > 6 then
    raise exception using errcode = 'P0001', message = 'invalid';
  end if;
  select min(p.school_id::text)::uuid into v_school from public.pupils p where p.id = any (p_pupils);
  if v_school is null
    or (select count(distinct p.school_id) from public.pupils p where p.id = any (p_pupils)) <> 1
    or (select count(*) from public.pupils p where p.id = any (p_pupils)) <> cardinality(p_pupils)
    or exists (select 1 from public.pupils p where p.id = any (p_pupils) and not private.can_see_class_pupils(p.class_id)) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  if p_starts_at is null or p_starts_at < now() then
    raise exception using errcode = 'P0001', message = 'in_the_past';
  end if;
  insert into public.meetings (
    school_id, kind, status, starts_at, minutes, place, video_url, attendees, goal, created_by,
    interpreter_lang, interpreter_mode, interpreter_booked
  )
  values (
    v_school, p_kind, 'planned', p_starts_at, p_minutes, nullif(btrim(p_place), ''), nullif(btrim(p_video_url), ''),
    nullif(btrim(p_attendees), ''), nullif(btrim(p_goal), ''), (select auth.uid()),
    nullif(p_interpreter_lang, ''), case when nullif(p_interpreter_lang, '') is not null then p_interpreter_mode end,
    nullif(p_interpreter_lang, '') is not null and coalesce(p_interpreter_booked, false)
  )
  returning id into v_id;
  insert into public.meeting_pupils (meeting_id, pupil_id, class_id)
  select v_id, p.id, p.class_id from public.pupils p where p.id = any (p_pupils);
  insert into public.meeting_people (meeting_id, user_id, role)
  select distinct v_id, g.parent_user_id, 'parent'
  from public.guardian_links g
  join public.memberships m on m.user_id = g.parent_user_id and m.school_id = g.school_id and m.role = 'parent'
  where g.pupil_id = any (p_pupils);
  insert into public.meeting_people (meeting_id, user_id, role) values (v_id, (select auth.uid()), 'staff')
  on conflict do nothing;
  return v_id;
end
$function$;
grant execute on function public.create_meeting(p_pupils uuid[], p_kind text, p_starts_at timestamp with time zone, p_minutes integer, p_place text, p_video_url text, p_attendees text, p_goal text, p_interpreter_lang text, p_interpreter_mode text, p_interpreter_booked boolean) to authenticated;
grant execute on function public.create_meeting(p_pupils uuid[], p_kind text, p_starts_at timestamp with time zone, p_minutes integer, p_place text, p_video_url text, p_attendees text, p_goal text, p_interpreter_lang text, p_interpreter_mode text, p_interpreter_booked boolean) to service_role;

CREATE OR REPLACE FUNCTION public.delete_agreement(p_agreement uuid)
 RETURNS uuid
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  v_meeting uuid;
begin
  select a.meeting_id into v_meeting from public.agreements a where a.id = p_agreement;
  if v_meeting is null or not private.staff_sees_meeting(v_meeting) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  delete from public.agreements where id = p_agreement;
  return p_agreement;
end
$function$;
grant execute on function public.delete_agreement(p_agreement uuid) to authenticated;
grant execute on function public.delete_agreement(p_agreement uuid) to service_role;

CREATE OR REPLACE FUNCTION public.delete_block(p_block uuid, p_revision integer)
 RETURNS TABLE(revision integer, unused_path text)
 LANGUAGE plpgsql
 SET search_path TO ''
AS $function$
declare
  v_block public.leaflet_blocks;
begin
  v_block := private.editable_block(p_block);
  if v_block.kind = 'title' then
    raise exception using errcode = 'P0001', message = 'invalid';
  end if;
  revision := private.next_revision(v_block.leaflet_id, p_revision);
  delete from public.leaflet_blocks b where b.id = p_block;
  if v_block.image_path is not null and not private.picture_in_use(v_block.school_id, v_block.image_path) then
    unused_path := v_block.image_path;
  end if;
  return next;
end
$function$;
grant execute on function public.delete_block(p_block uuid, p_revision integer) to authenticated;
grant execute on function public.delete_block(p_block uuid, p_revision integer) to service_role;

CREATE OR REPLACE FUNCTION public.delete_class(p_class uuid)
 RETURNS SETOF public.classes
 LANGUAGE sql
 SET search_path TO ''
AS $function$
  delete from public.classes where id = p_class returning *
$function$;
grant execute on function public.delete_class(p_class uuid) to authenticated;
grant execute on function public.delete_class(p_class uuid) to service_role;

CREATE OR REPLACE FUNCTION public.delete_leaflet(p_leaflet uuid)
 RETURNS SETOF public.leaflets
 LANGUAGE sql
 SET search_path TO ''
AS $function$
  delete from public.leaflets where id = p_leaflet and school_id is not null returning *
$function$;
grant execute on function public.delete_leaflet(p_leaflet uuid) to authenticated;
grant execute on function public.delete_leaflet(p_leaflet uuid) to service_role;

CREATE OR REPLACE FUNCTION public.delete_voice_recording(p_recording uuid)
 RETURNS text
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
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
$function$;
grant execute on function public.delete_voice_recording(p_recording uuid) to authenticated;
grant execute on function public.delete_voice_recording(p_recording uuid) to service_role;

CREATE OR REPLACE FUNCTION public.erase_left_pupils(p_now timestamp with time zone DEFAULT now())
 RETURNS jsonb
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  v_id uuid;
  v_count int := 0;
  v_files jsonb := '[]'::jsonb;
  v_erased jsonb;
begin
  if coalesce(current_setting('role', true), 'none') in ('anon', 'authenticated') then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  for v_id in
    select p.id from public.pupils p join public.schools s on s.id = p.school_id
    where p.left_at is not null and p.left_at + make_interval(months => s.retention_months) < p_now
  loop
    v_erased := private.erase_pupil_rows(v_id);
    v_files := v_files || (v_erased -> 'files');
    v_count := v_count + 1;
  end loop;
  return jsonb_build_object('pupils', v_count, 'files', v_files);
end
$function$;
grant execute on function public.erase_left_pupils(p_now timestamp with time zone) to service_role;

CREATE OR REPLACE FUNCTION public.erase_pupil(p_pupil uuid)
 RETURNS jsonb
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  v_school uuid;
begin
  select p.school_id into v_school from public.pupils p where p.id = p_pupil;
  if v_school is null or not private.is_school_admin(v_school) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  return private.erase_pupil_rows(p_pupil);
end
$function$;
grant execute on function public.erase_pupil(p_pupil uuid) to authenticated;
grant execute on function public.erase_pupil(p_pupil uuid) to service_role;

CREATE OR REPLACE FUNCTION public.evaluate_group_plan(p_plan uuid, p_circles jsonb, p_pupils jsonb)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
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
$function$;
grant execute on function public.evaluate_group_plan(p_plan uuid, p_circles jsonb, p_pupils jsonb) to authenticated;
grant execute on function public.evaluate_group_plan(p_plan uuid, p_circles jsonb, p_pupils jsonb) to service_role;

CREATE OR REPLACE FUNCTION public.give_meeting_feedback(p_meeting uuid, p_top text, p_tip text, p_seen text, p_heard text, p_valued text, p_anonymous boolean)
 RETURNS timestamp with time zone
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  v_meeting public.meetings;
  v_role text;
  v_at timestamptz;
begin
  select * into v_meeting from public.meetings m where m.id = p_meeting;
  if v_meeting.id is null then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  if private.pupil_of_meeting(p_meeting) is not null then
    v_role := 'pupil';
  elsif exists (select 1 from public.meeting_people p where p.meeting_id = p_meeting and p.user_id = (select auth.uid()) and p.role = 'parent')
    and private.invited_to(p_meeting) then
    v_role := 'parent';
  else
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  if v_meeting.status <> 'planned' or v_meeting.starts_at > now() then
    raise exception using errcode = 'P0001', message = 'not_yet';
  end if;
  insert into public.meeting_feedback (meeting_id, author_id, role, anonymous, top, tip, seen, heard, valued)
  values (p_meeting, (select auth.uid()), v_role, coalesce(p_anonymous, false), nullif(btrim(p_top), ''), nullif(btrim(p_tip), ''),
          p_seen, p_heard, p_valued)
  on conflict (meeting_id, author_id) do update
    set anonymous = excluded.anonymous, top = excluded.top, tip = excluded.tip, seen = excluded.seen,
        heard = excluded.heard, valued = excluded.valued, created_at = now()
  returning created_at into v_at;
  return v_at;
end
$function$;
grant execute on function public.give_meeting_feedback(p_meeting uuid, p_top text, p_tip text, p_seen text, p_heard text, p_valued text, p_anonymous boolean) to authenticated;
grant execute on function public.give_meeting_feedback(p_meeting uuid, p_top text, p_tip text, p_seen text, p_heard text, p_valued text, p_anonymous boolean) to service_role;

CREATE OR REPLACE FUNCTION public.group_discussion(p_school uuid)
 RETURNS TABLE(class_id uuid, class_name text, pupils integer, plan_id uuid, period text, evaluate_on date, evaluated_at timestamp with time zone, status text, attention integer, agreed text, agreed_at timestamp with time zone)
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
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
$function$;
grant execute on function public.group_discussion(p_school uuid) to authenticated;
grant execute on function public.group_discussion(p_school uuid) to service_role;

CREATE OR REPLACE FUNCTION public.group_discussion_pupils(p_school uuid)
 RETURNS TABLE(class_id uuid, pupil_id uuid, first_name text, reasons text[])
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
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
$function$;
grant execute on function public.group_discussion_pupils(p_school uuid) to authenticated;
grant execute on function public.group_discussion_pupils(p_school uuid) to service_role;

CREATE OR REPLACE FUNCTION public.group_plan(p_plan uuid)
 RETURNS TABLE(plan_id uuid, school_id uuid, class_id uuid, class_name text, period text, evaluate_on date, evaluated_at timestamp with time zone, round_id uuid, goal_round_id uuid, goal text, previous_id uuid, next_id uuid, created_at timestamp with time zone, updated_at timestamp with time zone)
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
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
$function$;
grant execute on function public.group_plan(p_plan uuid) to authenticated;
grant execute on function public.group_plan(p_plan uuid) to service_role;

CREATE OR REPLACE FUNCTION public.group_plan_circles(p_plan uuid)
 RETURNS TABLE(circle text, goal text, instruction text, practice text, enrichment text, materials text, shared_needs text[], organisation text, attention text, reached text, worked text, next_step text, pupils integer, answered integer, not_yet integer, almost integer, can integer)
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
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
$function$;
grant execute on function public.group_plan_circles(p_plan uuid) to authenticated;
grant execute on function public.group_plan_circles(p_plan uuid) to service_role;

CREATE OR REPLACE FUNCTION public.group_plan_discussions(p_plan uuid)
 RETURNS TABLE(agreed text, written_by text, created_at timestamp with time zone)
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  perform private.my_group_plan(p_plan);
  return query
    select gd.agreed, pf.display_name, gd.created_at
    from public.group_discussions gd left join public.profiles pf on pf.user_id = gd.written_by
    where gd.plan_id = p_plan
    order by gd.created_at desc;
end
$function$;
grant execute on function public.group_plan_discussions(p_plan uuid) to authenticated;
grant execute on function public.group_plan_discussions(p_plan uuid) to service_role;

CREATE OR REPLACE FUNCTION public.group_plan_pupils(p_plan uuid)
 RETURNS TABLE(pupil_id uuid, first_name text, circle text, next_circle text, goal_step text)
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
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
$function$;
grant execute on function public.group_plan_pupils(p_plan uuid) to authenticated;
grant execute on function public.group_plan_pupils(p_plan uuid) to service_role;

CREATE OR REPLACE FUNCTION public.handle_erasure_request(p_request uuid, p_erase boolean, p_reason text)
 RETURNS jsonb
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  v_req public.erasure_requests;
  v_user uuid;
  v_school uuid;
  v_children uuid[];
  v_child_users uuid[];
  v_files jsonb;
begin
  select * into v_req from public.erasure_requests r where r.id = p_request for update;
  if v_req.id is null or not private.is_school_admin(v_req.school_id) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  if v_req.handled_at is not null or v_req.requested_by is null then
    raise exception using errcode = 'P0001', message = 'already_handled';
  end if;
  if not p_erase then
    if nullif(btrim(p_reason), '') is null then
      raise exception using errcode = 'P0001', message = 'reason_required';
    end if;
    update public.erasure_requests r
    set handled_at = now(), handled_by = (select auth.uid()), outcome = 'declined', reason = btrim(p_reason)
    where r.id = p_request;
    return jsonb_build_object('files', '[]'::jsonb);
  end if;
  v_user := v_req.requested_by;
  v_school := v_req.school_id;
  if v_user = (select auth.uid()) then
    -- An admin erasing themselves would lock the school out of its own portal.
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  select coalesce(array_agg(g.pupil_id), '{}') into v_children
  from public.guardian_links g where g.school_id = v_school and g.parent_user_id = v_user;
  select coalesce(array_agg(p.user_id), '{}') into v_child_users
  from public.pupils p where p.id = any (v_children) and p.user_id is not null;

  -- The files first, while the rows still say which they are.
  select coalesce(jsonb_agg(jsonb_build_object('bucket', 'voices', 'name', v.path) order by v.path), '[]') into v_files
  from public.voice_recordings v where v.school_id = v_school and v.recorded_by = v_user;
  delete from public.voice_recordings v where v.school_id = v_school and v.recorded_by = v_user;

  if v_req.include_children then
    v_files := v_files || coalesce((
      select jsonb_agg(jsonb_build_object('bucket', o.bucket_id, 'name', o.name) order by o.name)
      from storage.objects o
      where o.bucket_id = 'pupil-drawings'
        and private.uuid_or_null((storage.foldername(o.name))[2]) = any (v_children)), '[]');
    delete from public.need_answers a where a.pupil_id = any (v_children);
    delete from public.pupil_preparations pp where pp.pupil_id = any (v_children);
    delete from public.meeting_feedback f where f.author_id = any (v_child_users);
    delete from public.pupil_access_log l where l.pupil_id = any (v_children);
  end if;

  -- The parent's own part of this school's meetings.
  delete from public.preparations pr
  using public.meetings m where m.id = pr.meeting_id and m.school_id = v_school and pr.user_id = v_user;
  delete from public.meeting_feedback f
  using public.meetings m where m.id = f.meeting_id and m.school_id = v_school and f.author_id = v_user;
  delete from public.meeting_people mp
  using public.meetings m where m.id = mp.meeting_id and m.school_id = v_school and mp.user_id = v_user;
  -- A meeting they asked for that never took place goes; one that did stays, without their question.
  delete from public.meetings m where m.school_id = v_school and m.requested_by = v_user and m.status = 'requested';
  update public.meetings m set requested_by = null, request_reason = null
  where m.school_id = v_school and m.requested_by = v_user;
  update public.slots s set booked_by = null
  from public.slot_rounds sr where sr.id = s.round_id and sr.school_id = v_school and s.booked_by = v_user;
  update public.invitations i set used_by = null where i.school_id = v_school and i.used_by = v_user;
  delete from public.guardian_links g where g.school_id = v_school and g.parent_user_id = v_user;
  delete from public.class_teachers t where t.school_id = v_school and t.user_id = v_user;
  delete from public.memberships m where m.school_id = v_school and m.user_id = v_user;

  update public.erasure_requests r
  set handled_at = now(), handled_by = (select auth.uid()), outcome = 'erased', requested_by = null,
      message = null, reason = nullif(btrim(p_reason), '')
  where r.id = p_request;

  -- No school holds them any more: their sign-in identity and profile go too.
  if not exists (select 1 from public.memberships m where m.user_id = v_user) then
    update public.erasure_requests r set requested_by = null where r.requested_by = v_user;
    delete from auth.users u where u.id = v_user;
  end if;
  return jsonb_build_object('files', v_files);
end
$function$;
grant execute on function public.handle_erasure_request(p_request uuid, p_erase boolean, p_reason text) to authenticated;
grant execute on function public.handle_erasure_request(p_request uuid, p_erase boolean, p_reason text) to service_role;

CREATE OR REPLACE FUNCTION public.invitation_preview(p_code text)
 RETURNS TABLE(school_slug text, school_name text, role public.school_role, status text)
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
  select s.slug, s.name, i.role,
         case when i.used_at is not null then 'used'
              when i.expires_at < now() then 'expired'
              else 'valid' end
  from public.invitations i
  join public.schools s on s.id = i.school_id
  where i.code_hash = private.invitation_code_hash(p_code)
$function$;
grant execute on function public.invitation_preview(p_code text) to anon;
grant execute on function public.invitation_preview(p_code text) to authenticated;
grant execute on function public.invitation_preview(p_code text) to service_role;

CREATE OR REPLACE FUNCTION public.leaflet_for_editing(p_leaflet uuid)
 RETURNS TABLE(leaflet_id uuid, school_id uuid, slug text, status public.leaflet_status, revision integer, template_version integer, template_latest integer, published_version_no integer, blocks jsonb)
 LANGUAGE sql
 STABLE
 SET search_path TO ''
AS $function$
  select l.id, l.school_id, l.slug, l.status, l.revision, l.template_version, t.version, v.version_no,
         coalesce((
           select jsonb_agg(jsonb_build_object(
             'id', b.id, 'key', b.block_key, 'kind', b.kind, 'origin', b.origin, 'nl', b.source,
             'v', b.source_version,
             'image', case when b.image_path is null then null
                      else jsonb_build_object('path', b.image_path, 'width', b.image_width, 'height', b.image_height) end,
             'tr', coalesce((
               select jsonb_object_agg(tr.locale, jsonb_build_object(
                 'c', tr.content, 'v', tr.source_version, 'o', tr.origin, 'r', tr.reviewed_at))
               from public.leaflet_translations tr where tr.block_id = b.id
             ), '{}'::jsonb)
           ) order by b.position)
           from public.leaflet_blocks b where b.leaflet_id = l.id
         ), '[]'::jsonb)
  from public.leaflets l
  left join public.leaflets t on t.id = l.template_id
  left join public.leaflet_versions v on v.id = l.published_version_id
  where l.id = p_leaflet and private.can_edit_leaflets(l.school_id)
$function$;
grant execute on function public.leaflet_for_editing(p_leaflet uuid) to authenticated;
grant execute on function public.leaflet_for_editing(p_leaflet uuid) to service_role;

CREATE OR REPLACE FUNCTION public.leaflet_history(p_leaflet uuid)
 RETURNS TABLE(version_no integer, published_at timestamp with time zone, published_by_name text, restored_from integer, is_live boolean)
 LANGUAGE sql
 STABLE
 SET search_path TO ''
AS $function$
  select v.version_no, v.published_at, p.display_name, v.restored_from,
         l.status = 'published' and l.published_version_id = v.id
  from public.leaflet_versions v
  join public.leaflets l on l.id = v.leaflet_id
  left join public.profiles p on p.user_id = v.published_by
  where v.leaflet_id = p_leaflet and private.can_edit_leaflets(v.school_id)
  order by v.version_no desc
$function$;
grant execute on function public.leaflet_history(p_leaflet uuid) to authenticated;
grant execute on function public.leaflet_history(p_leaflet uuid) to service_role;

CREATE OR REPLACE FUNCTION public.leaflet_templates()
 RETURNS TABLE(template_id uuid, slug text, version integer, title jsonb)
 LANGUAGE sql
 STABLE
 SET search_path TO ''
AS $function$
  select l.id, l.slug, l.version, private.leaflet_titles(l.id)
  from public.leaflets l
  where l.school_id is null
  order by l.position, l.slug
$function$;
grant execute on function public.leaflet_templates() to anon;
grant execute on function public.leaflet_templates() to authenticated;
grant execute on function public.leaflet_templates() to service_role;

CREATE OR REPLACE FUNCTION public.leaflets_to_translate(p_school uuid)
 RETURNS TABLE(leaflet_id uuid, title text, locale text, missing integer, outdated integer, unchecked integer)
 LANGUAGE sql
 STABLE
 SET search_path TO ''
AS $function$
  with mine as (
    select unnest(p.translates) as locale
    from public.profiles p
    where p.user_id = (select auth.uid()) and private.is_school_staff(p_school)
  ),
  counts as (
    select l.id as leaflet_id, l.position, mine.locale,
           count(*) filter (where t.block_id is null)::int as missing,
           count(*) filter (where t.source_version < b.source_version)::int as outdated,
           count(*) filter (where t.source_version >= b.source_version and t.origin = 'machine' and t.reviewed_at is null)::int as unchecked
    from public.leaflets l
    join public.leaflet_blocks b on b.leaflet_id = l.id
    cross join mine
    left join public.leaflet_translations t on t.block_id = b.id and t.locale::text = mine.locale
    where l.school_id = p_school
    group by l.id, l.position, mine.locale
  )
  select c.leaflet_id, private.leaflet_titles(c.leaflet_id) ->> 'nl', c.locale, c.missing, c.outdated, c.unchecked
  from counts c
  where c.missing + c.outdated + c.unchecked > 0
  order by c.position, c.locale
  limit 500
$function$;
grant execute on function public.leaflets_to_translate(p_school uuid) to authenticated;
grant execute on function public.leaflets_to_translate(p_school uuid) to service_role;

CREATE OR REPLACE FUNCTION public.left_pupils(p_class uuid)
 RETURNS TABLE(pupil_id uuid, first_name text, left_at timestamp with time zone, erase_on timestamp with time zone)
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
  select p.id, p.first_name, p.left_at, p.left_at + make_interval(months => s.retention_months)
  from public.pupils p join public.schools s on s.id = p.school_id
  where p.class_id = p_class and p.left_at is not null and private.is_school_admin(p.school_id)
  order by p.left_at desc, lower(p.first_name)
$function$;
grant execute on function public.left_pupils(p_class uuid) to authenticated;
grant execute on function public.left_pupils(p_class uuid) to service_role;

CREATE OR REPLACE FUNCTION public.link_guardian(p_pupil uuid, p_parent uuid)
 RETURNS SETOF public.guardian_links
 LANGUAGE sql
 SET search_path TO ''
AS $function$
  insert into public.guardian_links (school_id, pupil_id, parent_user_id, created_by)
  select p.school_id, p.id, p_parent, (select auth.uid())
  from public.pupils p where p.id = p_pupil
  on conflict (pupil_id, parent_user_id) do nothing
  returning *
$function$;
grant execute on function public.link_guardian(p_pupil uuid, p_parent uuid) to authenticated;
grant execute on function public.link_guardian(p_pupil uuid, p_parent uuid) to service_role;

CREATE OR REPLACE FUNCTION public.link_pupil_user(p_pupil uuid, p_user uuid)
 RETURNS void
 LANGUAGE sql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
  update public.pupils set user_id = p_user where id = p_pupil and user_id is null;
  insert into public.memberships (school_id, user_id, role)
  select p.school_id, p_user, 'pupil' from public.pupils p where p.id = p_pupil
  on conflict do nothing;
$function$;
grant execute on function public.link_pupil_user(p_pupil uuid, p_user uuid) to service_role;

CREATE OR REPLACE FUNCTION public.mark_meeting_read(p_meeting uuid)
 RETURNS timestamp with time zone
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  v_at timestamptz;
begin
  if not private.sees_meeting(p_meeting) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  insert into public.meeting_reads (user_id, meeting_id, read_at) values ((select auth.uid()), p_meeting, now())
  on conflict (user_id, meeting_id) do update set read_at = now()
  returning read_at into v_at;
  return v_at;
end
$function$;
grant execute on function public.mark_meeting_read(p_meeting uuid) to authenticated;
grant execute on function public.mark_meeting_read(p_meeting uuid) to service_role;

CREATE OR REPLACE FUNCTION public.meeting_agreements(p_meeting uuid)
 RETURNS TABLE(agreement_id uuid, text text, who text, due_on text, evaluate_on text, created_at timestamp with time zone)
 LANGUAGE sql
 STABLE
 SET search_path TO ''
AS $function$
  -- Dates as text (YYYY-MM-DD), as PostgREST sends a date: no time zone to shift them a day.
  select a.id, a.text, a.who, a.due_on::text, a.evaluate_on::text, a.created_at from public.agreements a
  where a.meeting_id = p_meeting order by a.created_at
$function$;
grant execute on function public.meeting_agreements(p_meeting uuid) to authenticated;
grant execute on function public.meeting_agreements(p_meeting uuid) to service_role;

CREATE OR REPLACE FUNCTION public.meeting_calendar_sequence(p_meeting uuid)
 RETURNS integer
 LANGUAGE sql
 STABLE
 SET search_path TO ''
AS $function$
  select m.calendar_sequence from public.meetings m where m.id = p_meeting
$function$;
grant execute on function public.meeting_calendar_sequence(p_meeting uuid) to authenticated;
grant execute on function public.meeting_calendar_sequence(p_meeting uuid) to service_role;

CREATE OR REPLACE FUNCTION public.meeting_detail(p_meeting uuid)
 RETURNS TABLE(meeting_id uuid, school_id uuid, kind text, status text, starts_at timestamp with time zone, minutes integer, place text, video_url text, attendees text, goal text, request_reason text, interpreter_lang text, interpreter_mode text, interpreter_booked boolean, pupils jsonb, people jsonb, last_change jsonb)
 LANGUAGE sql
 STABLE
 SET search_path TO ''
AS $function$
  select m.id, m.school_id, m.kind, m.status, m.starts_at, m.minutes, m.place, m.video_url, m.attendees, m.goal, m.request_reason,
         m.interpreter_lang, m.interpreter_mode, m.interpreter_booked,
         (select jsonb_agg(jsonb_build_object('pupil_id', p.id, 'first_name', p.first_name, 'class_id', c.id, 'class_name', c.name) order by lower(p.first_name))
          from public.meeting_pupils mp join public.pupils p on p.id = mp.pupil_id join public.classes c on c.id = mp.class_id
          where mp.meeting_id = m.id),
         coalesce((select jsonb_agg(jsonb_build_object('user_id', mpp.user_id, 'role', mpp.role, 'name', pf.display_name,
                                                       'locale', pf.locale, 'interpreter', mpp.interpreter, 'companion', mpp.companion)
                                    order by mpp.role, pf.display_name)
                   from public.meeting_people mpp left join public.profiles pf on pf.user_id = mpp.user_id
                   where mpp.meeting_id = m.id), '[]'::jsonb),
         (select jsonb_build_object('changed_at', c.changed_at, 'was_starts_at', c.was_starts_at, 'was_minutes', c.was_minutes,
                                    'was_place', c.was_place, 'was_video_url', c.was_video_url)
          from public.meeting_changes c where c.meeting_id = m.id order by c.changed_at desc limit 1)
  from public.meetings m
  where m.id = p_meeting
$function$;
grant execute on function public.meeting_detail(p_meeting uuid) to authenticated;
grant execute on function public.meeting_detail(p_meeting uuid) to service_role;

CREATE OR REPLACE FUNCTION public.meeting_feedback(p_meeting uuid)
 RETURNS TABLE(author text, role text, top text, tip text, seen text, heard text, valued text, created_at timestamp with time zone)
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  if not private.staff_sees_meeting(p_meeting) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  return query
    select case when f.role = 'pupil' then (select p.first_name from public.pupils p where p.user_id = f.author_id)
                else (select pf.display_name from public.profiles pf where pf.user_id = f.author_id) end,
           f.role, f.top, f.tip, f.seen, f.heard, f.valued, f.created_at
    from public.meeting_feedback f where f.meeting_id = p_meeting and not f.anonymous
    order by f.created_at;
  if found then
    perform private.log_pupil_reads(
      array(select mp.pupil_id from public.meeting_pupils mp where mp.meeting_id = p_meeting), 'feedback');
  end if;
end
$function$;
grant execute on function public.meeting_feedback(p_meeting uuid) to authenticated;
grant execute on function public.meeting_feedback(p_meeting uuid) to service_role;

CREATE OR REPLACE FUNCTION public.meeting_latest_needs(p_meeting uuid)
 RETURNS TABLE(pupil_id uuid, first_name text, needs text[])
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  if not private.staff_sees_meeting(p_meeting) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  return query
    with kids as (
      select mp.pupil_id, p.first_name, mp.class_id
      from public.meeting_pupils mp join public.pupils p on p.id = mp.pupil_id
      where mp.meeting_id = p_meeting
    ),
    latest as (
      select k.pupil_id,
             (select a.needs from public.need_rounds r
                join public.need_answers a on a.round_id = r.id and a.pupil_id = k.pupil_id
              where r.class_id = k.class_id
                and r.id = (select r2.id from public.need_rounds r2 where r2.class_id = k.class_id order by r2.opened_at desc limit 1)
             ) as needs
      from kids k
      where private.can_see_class_pupils(k.class_id)
    )
    select k.pupil_id, k.first_name, coalesce(l.needs, '{}')
    from kids k left join latest l on l.pupil_id = k.pupil_id
    order by lower(k.first_name);
  perform private.log_pupil_reads(
    array(select k.pupil_id
          from public.meeting_pupils k
          join public.need_rounds r on r.class_id = k.class_id
          join public.need_answers a on a.round_id = r.id and a.pupil_id = k.pupil_id
          where k.meeting_id = p_meeting and private.can_see_class_pupils(k.class_id)
            and r.id = (select r2.id from public.need_rounds r2 where r2.class_id = k.class_id order by r2.opened_at desc limit 1)
            and cardinality(a.needs) > 0),
    'needs_answers');
end
$function$;
grant execute on function public.meeting_latest_needs(p_meeting uuid) to authenticated;
grant execute on function public.meeting_latest_needs(p_meeting uuid) to service_role;

CREATE OR REPLACE FUNCTION public.meeting_mail_recipients(p_meeting uuid)
 RETURNS TABLE(email text, locale text, name text)
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
  select pf.email, pf.locale, pf.display_name
  from public.meeting_people mp join public.profiles pf on pf.user_id = mp.user_id
  where mp.meeting_id = p_meeting and mp.role = 'parent' and pf.email is not null
$function$;
grant execute on function public.meeting_mail_recipients(p_meeting uuid) to service_role;

CREATE OR REPLACE FUNCTION public.meeting_preparations(p_meeting uuid)
 RETURNS TABLE(user_id uuid, author text, answers jsonb, shared_at timestamp with time zone, updated_at timestamp with time zone)
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  return query
    select p.user_id, pf.display_name, p.answers, p.shared_at, p.updated_at
    from public.preparations p left join public.profiles pf on pf.user_id = p.user_id
    where p.meeting_id = p_meeting and p.shared_at is not null
      and (p.user_id = (select auth.uid()) or private.staff_sees_meeting(p_meeting))
    order by pf.display_name;
  if found then
    perform private.log_pupil_reads(
      array(select mp.pupil_id from public.meeting_pupils mp where mp.meeting_id = p_meeting), 'preparation');
  end if;
end
$function$;
grant execute on function public.meeting_preparations(p_meeting uuid) to authenticated;
grant execute on function public.meeting_preparations(p_meeting uuid) to service_role;

CREATE OR REPLACE FUNCTION public.meeting_pupil_preparations(p_meeting uuid)
 RETURNS TABLE(pupil_id uuid, first_name text, answers jsonb, words text, updated_at timestamp with time zone)
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  return query
    select pp.pupil_id, p.first_name, pp.answers, pp.words, pp.updated_at
    from public.pupil_preparations pp join public.pupils p on p.id = pp.pupil_id
    where pp.meeting_id = p_meeting and pp.consented_at is not null
      and (private.is_pupil_self(pp.pupil_id) or private.is_guardian_of(pp.pupil_id) or private.staff_sees_meeting(p_meeting))
    order by lower(p.first_name);
  if found then
    perform private.log_pupil_reads(
      array(select pp.pupil_id from public.pupil_preparations pp
            where pp.meeting_id = p_meeting and pp.consented_at is not null), 'pupil_preparation');
  end if;
end
$function$;
grant execute on function public.meeting_pupil_preparations(p_meeting uuid) to authenticated;
grant execute on function public.meeting_pupil_preparations(p_meeting uuid) to service_role;

CREATE OR REPLACE FUNCTION public.move_block(p_block uuid, p_revision integer, p_delta integer)
 RETURNS TABLE(revision integer)
 LANGUAGE plpgsql
 SET search_path TO ''
AS $function$
declare
  v_block public.leaflet_blocks;
  v_other public.leaflet_blocks;
begin
  v_block := private.editable_block(p_block);
  revision := private.next_revision(v_block.leaflet_id, p_revision);
  select * into v_other from public.leaflet_blocks b
  where b.leaflet_id = v_block.leaflet_id and b.kind <> 'title'
    and case when p_delta < 0 then b.position < v_block.position else b.position > v_block.position end
  order by case when p_delta < 0 then -b.position else b.position end
  limit 1;
  if v_other.id is not null and v_block.kind <> 'title' then
    update public.leaflet_blocks b set position = v_other.position where b.id = v_block.id;
    update public.leaflet_blocks b set position = v_block.position where b.id = v_other.id;
  end if;
  return next;
end
$function$;
grant execute on function public.move_block(p_block uuid, p_revision integer, p_delta integer) to authenticated;
grant execute on function public.move_block(p_block uuid, p_revision integer, p_delta integer) to service_role;

CREATE OR REPLACE FUNCTION public.my_children()
 RETURNS TABLE(pupil_id uuid, first_name text, class_id uuid, class_name text, school_year text, school_id uuid, school_slug text, school_name text)
 LANGUAGE sql
 STABLE
 SET search_path TO ''
AS $function$
  select p.id, p.first_name, c.id, c.name, c.school_year, s.id, s.slug, s.name
  from public.guardian_links g
  join public.memberships m on m.user_id = g.parent_user_id and m.school_id = g.school_id and m.role = 'parent'
  join public.pupils p on p.id = g.pupil_id
  join public.classes c on c.id = p.class_id
  join public.schools s on s.id = p.school_id
  where g.parent_user_id = (select auth.uid())
  order by s.name, p.first_name
$function$;
grant execute on function public.my_children() to authenticated;
grant execute on function public.my_children() to service_role;

CREATE OR REPLACE FUNCTION public.my_children_needs()
 RETURNS TABLE(pupil_id uuid, first_name text, round_id uuid, goal text, opened_at timestamp with time zone, closed_at timestamp with time zone, answered boolean, needs text[], goal_step text, own_words text, has_drawing boolean)
 LANGUAGE sql
 STABLE
 SET search_path TO ''
AS $function$
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
$function$;
grant execute on function public.my_children_needs() to authenticated;
grant execute on function public.my_children_needs() to service_role;

CREATE OR REPLACE FUNCTION public.my_data()
 RETURNS jsonb
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
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
$function$;
grant execute on function public.my_data() to authenticated;
grant execute on function public.my_data() to service_role;

CREATE OR REPLACE FUNCTION public.my_erasure_requests()
 RETURNS TABLE(request_id uuid, school_id uuid, school_name text, include_children boolean, requested_at timestamp with time zone, handled_at timestamp with time zone, outcome text, reason text)
 LANGUAGE sql
 STABLE
 SET search_path TO ''
AS $function$
  select r.id, r.school_id, s.name, r.include_children, r.requested_at, r.handled_at, r.outcome, r.reason
  from public.erasure_requests r join public.schools s on s.id = r.school_id
  where r.requested_by = (select auth.uid())
  order by r.requested_at desc
$function$;
grant execute on function public.my_erasure_requests() to authenticated;
grant execute on function public.my_erasure_requests() to service_role;

CREATE OR REPLACE FUNCTION public.my_meeting_feedback(p_meeting uuid)
 RETURNS TABLE(top text, tip text, seen text, heard text, valued text, anonymous boolean)
 LANGUAGE sql
 STABLE
 SET search_path TO ''
AS $function$
  select f.top, f.tip, f.seen, f.heard, f.valued, f.anonymous from public.meeting_feedback f
  where f.meeting_id = p_meeting and f.author_id = (select auth.uid())
$function$;
grant execute on function public.my_meeting_feedback(p_meeting uuid) to authenticated;
grant execute on function public.my_meeting_feedback(p_meeting uuid) to service_role;

CREATE OR REPLACE FUNCTION public.my_meetings(p_class uuid)
 RETURNS TABLE(meeting_id uuid, kind text, status text, starts_at timestamp with time zone, minutes integer, place text, goal text, pupils jsonb, prepared boolean, shared_at timestamp with time zone, has_feedback boolean, agreements integer, interpreter_lang text, interpreter_booked boolean, interpreter_needed boolean)
 LANGUAGE sql
 STABLE
 SET search_path TO ''
AS $function$
  select m.id, m.kind, m.status, m.starts_at, m.minutes, m.place, m.goal,
         (select jsonb_agg(jsonb_build_object('pupil_id', p.id, 'first_name', p.first_name, 'class_name', c.name) order by lower(p.first_name))
          from public.meeting_pupils mp join public.pupils p on p.id = mp.pupil_id join public.classes c on c.id = mp.class_id
          where mp.meeting_id = m.id),
         exists (select 1 from public.preparations pr where pr.meeting_id = m.id and pr.user_id = (select auth.uid())),
         (select pr.shared_at from public.preparations pr where pr.meeting_id = m.id and pr.user_id = (select auth.uid())),
         exists (select 1 from public.meeting_feedback f where f.meeting_id = m.id and f.author_id = (select auth.uid())),
         (select count(*)::int from public.agreements a where a.meeting_id = m.id),
         coalesce(m.interpreter_lang,
                  (select min(mpp.interpreter) from public.meeting_people mpp where mpp.meeting_id = m.id and mpp.role = 'parent')),
         m.interpreter_booked,
         not m.interpreter_booked and (m.starts_at is null or m.starts_at >= now())
           and (m.interpreter_lang is not null
                or exists (select 1 from public.meeting_people mpp where mpp.meeting_id = m.id and mpp.role = 'parent' and mpp.interpreter is not null))
  from public.meetings m
  where m.status <> 'cancelled'
    and (p_class is null or exists (select 1 from public.meeting_pupils mp where mp.meeting_id = m.id and mp.class_id = p_class))
  order by (m.starts_at is null or m.starts_at >= now()) desc,
           case when m.starts_at is null or m.starts_at >= now() then m.starts_at end asc nulls first,
           m.starts_at desc
  limit 200
$function$;
grant execute on function public.my_meetings(p_class uuid) to authenticated;
grant execute on function public.my_meetings(p_class uuid) to service_role;

CREATE OR REPLACE FUNCTION public.my_memberships()
 RETURNS TABLE(school_id uuid, school_slug text, school_name text, role public.school_role)
 LANGUAGE sql
 STABLE
 SET search_path TO ''
AS $function$
  select s.id, s.slug, s.name, m.role
  from public.memberships m
  join public.schools s on s.id = m.school_id
  where m.user_id = (select auth.uid())
  order by s.name, m.role
$function$;
grant execute on function public.my_memberships() to authenticated;
grant execute on function public.my_memberships() to service_role;

CREATE OR REPLACE FUNCTION public.my_need_round()
 RETURNS TABLE(round_id uuid, goal text, opened_at timestamp with time zone, answered boolean, needs text[], goal_step text, own_words text, has_drawing boolean, tops text[], tips text[], top_words text, tip_words text, has_feedback_drawing boolean, cards text[])
 LANGUAGE sql
 STABLE
 SET search_path TO ''
AS $function$
  select r.id, r.goal, r.opened_at, a.pupil_id is not null, coalesce(a.needs, '{}'), a.goal_step,
         a.own_words, a.drawing_path is not null, coalesce(a.tops, '{}'), coalesce(a.tips, '{}'),
         a.top_words, a.tip_words, a.feedback_drawing_path is not null, r.cards
  from public.pupils p
  join public.need_rounds r on r.class_id = p.class_id and (r.closed_at is null or r.closed_at > now())
  left join public.need_answers a on a.round_id = r.id and a.pupil_id = p.id
  where p.user_id is not null and p.user_id = (select auth.uid())
  order by r.opened_at, r.id
$function$;
grant execute on function public.my_need_round() to authenticated;
grant execute on function public.my_need_round() to service_role;

CREATE OR REPLACE FUNCTION public.my_notification_settings(p_device text)
 RETURNS TABLE(off_kinds text[], quiet_from text, quiet_until text, staff_digest boolean, push_names boolean, devices integer, this_device boolean, is_parent boolean, is_staff boolean, is_admin boolean)
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
  select coalesce(s.off_kinds, '{}'),
         case when s.user_id is null then '21:00' else to_char(s.quiet_from, 'HH24:MI') end,
         case when s.user_id is null then '07:00' else to_char(s.quiet_until, 'HH24:MI') end,
         coalesce(s.staff_digest, true), coalesce(s.push_names, false),
         (select count(*)::int from private.push_subscriptions ps where ps.user_id = u.id),
         exists (select 1 from private.push_subscriptions ps where ps.user_id = u.id and ps.device = p_device),
         exists (select 1 from public.memberships m where m.user_id = u.id and m.role = 'parent'),
         exists (select 1 from public.memberships m where m.user_id = u.id and m.role in ('admin', 'coach', 'teacher')),
         exists (select 1 from public.memberships m where m.user_id = u.id and m.role = 'admin')
  from (select (select auth.uid()) as id) u
  left join public.notification_settings s on s.user_id = u.id
  where u.id is not null
$function$;
grant execute on function public.my_notification_settings(p_device text) to authenticated;
grant execute on function public.my_notification_settings(p_device text) to service_role;

CREATE OR REPLACE FUNCTION public.my_preparation(p_meeting uuid)
 RETURNS TABLE(answers jsonb, step integer, shared_at timestamp with time zone, updated_at timestamp with time zone)
 LANGUAGE sql
 STABLE
 SET search_path TO ''
AS $function$
  select p.answers, p.step, p.shared_at, p.updated_at from public.preparations p
  where p.meeting_id = p_meeting and p.user_id = (select auth.uid())
$function$;
grant execute on function public.my_preparation(p_meeting uuid) to authenticated;
grant execute on function public.my_preparation(p_meeting uuid) to service_role;

CREATE OR REPLACE FUNCTION public.my_profile()
 RETURNS SETOF public.profiles
 LANGUAGE sql
 STABLE
 SET search_path TO ''
AS $function$
  select * from public.profiles where user_id = (select auth.uid())
$function$;
grant execute on function public.my_profile() to authenticated;
grant execute on function public.my_profile() to service_role;

CREATE OR REPLACE FUNCTION public.my_pupil()
 RETURNS TABLE(pupil_id uuid, first_name text, avatar text, board_locale text, class_id uuid, class_name text, school_id uuid, school_slug text, school_name text, school_locale text)
 LANGUAGE sql
 STABLE
 SET search_path TO ''
AS $function$
  select p.id, p.first_name, p.avatar, p.board_locale, c.id, c.name, s.id, s.slug, s.name, s.default_locale
  from public.pupils p
  join public.classes c on c.id = p.class_id
  join public.schools s on s.id = p.school_id
  where p.user_id = (select auth.uid())
$function$;
grant execute on function public.my_pupil() to authenticated;
grant execute on function public.my_pupil() to service_role;

CREATE OR REPLACE FUNCTION public.my_pupil_meetings()
 RETURNS TABLE(meeting_id uuid, kind text, starts_at timestamp with time zone, goal text, answers jsonb, words text, consented boolean, has_feedback boolean)
 LANGUAGE sql
 STABLE
 SET search_path TO ''
AS $function$
  select m.id, m.kind, m.starts_at, m.goal, coalesce(pp.answers, '{}'), pp.words, pp.consented_at is not null,
         exists (select 1 from public.meeting_feedback f where f.meeting_id = m.id and f.author_id = (select auth.uid()))
  from public.pupils p
  join public.meeting_pupils mp on mp.pupil_id = p.id
  join public.meetings m on m.id = mp.meeting_id
  left join public.pupil_preparations pp on pp.meeting_id = m.id and pp.pupil_id = p.id
  where p.user_id is not null and p.user_id = (select auth.uid())
    and m.status = 'planned' and m.starts_at > now() - interval '14 days'
  order by m.starts_at
$function$;
grant execute on function public.my_pupil_meetings() to authenticated;
grant execute on function public.my_pupil_meetings() to service_role;

CREATE OR REPLACE FUNCTION public.my_todo()
 RETURNS TABLE(item text, school_slug text, ref uuid, at timestamp with time zone, names text[], count integer, class_name text)
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
  with me as (select (select auth.uid()) as id),
  my_children as (
    select p.id, p.first_name, p.class_id, p.school_id
    from private.current_pupils p
    join public.guardian_links g on g.pupil_id = p.id and g.parent_user_id = (select id from me)
    join public.memberships m on m.user_id = g.parent_user_id and m.school_id = p.school_id and m.role = 'parent'
  ),
  my_meetings as (
    select m.* from public.meetings m
    join public.meeting_people mp on mp.meeting_id = m.id and mp.user_id = (select id from me) and mp.role = 'parent'
    where exists (select 1 from public.meeting_pupils x join my_children c on c.id = x.pupil_id where x.meeting_id = m.id)
  ),
  staff_schools as (
    select distinct m.school_id, m.role from public.memberships m where m.user_id = (select id from me) and m.role in ('admin', 'coach', 'teacher')
  ),
  my_staff_meetings as (
    select m.* from public.meetings m
    where m.school_id in (select school_id from staff_schools)
      and (exists (select 1 from public.meeting_people mp where mp.meeting_id = m.id and mp.user_id = (select id from me) and mp.role = 'staff')
           or exists (select 1 from public.meeting_pupils x join public.class_teachers ct on ct.class_id = x.class_id
                      where x.meeting_id = m.id and ct.user_id = (select id from me)))
  )
  -- Parents
  select 'choose_time', s.slug, r.id, r.deadline, array_agg(c.first_name order by lower(c.first_name)), count(*)::int, cl.name
  from public.slot_rounds r
  join my_children c on c.class_id = r.class_id
  join public.schools s on s.id = r.school_id
  join public.classes cl on cl.id = r.class_id
  where r.deadline > now() and not exists (select 1 from public.slots x where x.round_id = r.id and x.pupil_id = c.id)
  group by s.slug, r.id, r.deadline, cl.name
  union all
  select 'prepare', s.slug, m.id, m.starts_at, array(select jsonb_array_elements_text(private.own_children_in_meeting(m.id, (select id from me)))), 1, null
  from my_meetings m join public.schools s on s.id = m.school_id
  where m.status = 'planned' and m.starts_at > now() and m.starts_at < now() + interval '21 days'
    and not exists (select 1 from public.preparations pr where pr.meeting_id = m.id and pr.user_id = (select id from me) and pr.shared_at is not null)
  union all
  select 'feedback', s.slug, m.id, m.starts_at, array(select jsonb_array_elements_text(private.own_children_in_meeting(m.id, (select id from me)))), 1, null
  from my_meetings m join public.schools s on s.id = m.school_id
  where m.status = 'planned' and m.starts_at <= now() and m.starts_at > now() - interval '14 days'
    and not exists (select 1 from public.meeting_feedback f where f.meeting_id = m.id and f.author_id = (select id from me))
  union all
  select 'agreements', s.slug, m.id, m.starts_at, array(select jsonb_array_elements_text(private.own_children_in_meeting(m.id, (select id from me)))),
         (select count(*)::int from public.agreements a where a.meeting_id = m.id
            and a.created_at > coalesce((select rd.read_at from public.meeting_reads rd where rd.meeting_id = m.id and rd.user_id = (select id from me)), '-infinity')),
         null
  from my_meetings m join public.schools s on s.id = m.school_id
  where m.status = 'planned' and exists (
    select 1 from public.agreements a where a.meeting_id = m.id and a.created_at > now() - interval '60 days'
      and a.created_at > coalesce((select rd.read_at from public.meeting_reads rd where rd.meeting_id = m.id and rd.user_id = (select id from me)), '-infinity'))
  -- Staff
  union all
  select 'requests', s.slug, null, min(m.created_at), null, count(*)::int, null
  from public.meetings m join public.schools s on s.id = m.school_id
  where m.status = 'requested' and m.school_id in (select school_id from staff_schools)
    and (private.sees_all_classes(m.school_id)
         or exists (select 1 from public.meeting_pupils x where x.meeting_id = m.id and private.teaches_class(x.class_id)))
  group by s.slug
  union all
  select 'preparations', s.slug, m.id, m.starts_at, array(select jsonb_array_elements_text(private.children_in_meeting(m.id))),
         (select count(*)::int from public.preparations pr where pr.meeting_id = m.id and pr.shared_at is not null), null
  from my_staff_meetings m join public.schools s on s.id = m.school_id
  where m.status = 'planned' and m.starts_at > now() - interval '1 day'
    and exists (select 1 from public.preparations pr where pr.meeting_id = m.id and pr.shared_at is not null
                  and greatest(pr.shared_at, pr.updated_at) > coalesce((select rd.read_at from public.meeting_reads rd
                      where rd.meeting_id = m.id and rd.user_id = (select id from me)), '-infinity'))
  union all
  select 'unbooked', s.slug, r.id, r.deadline, null,
         (select count(*)::int from private.current_pupils p where p.class_id = r.class_id
            and not exists (select 1 from public.slots x where x.round_id = r.id and x.pupil_id = p.id)), cl.name
  from public.slot_rounds r join public.schools s on s.id = r.school_id join public.classes cl on cl.id = r.class_id
  where r.deadline > now() and r.school_id in (select school_id from staff_schools)
    and (r.created_by = (select id from me) or exists (select 1 from public.class_teachers ct where ct.class_id = r.class_id and ct.user_id = (select id from me)))
    and exists (select 1 from private.current_pupils p where p.class_id = r.class_id
                  and not exists (select 1 from public.slots x where x.round_id = r.id and x.pupil_id = p.id))
  union all
  select 'interpreters', s.slug, m.id, m.starts_at, array(select jsonb_array_elements_text(private.children_in_meeting(m.id))),
         (select count(*)::int from public.meeting_people mp where mp.meeting_id = m.id and mp.role = 'parent' and mp.interpreter is not null), null
  from my_staff_meetings m join public.schools s on s.id = m.school_id
  where m.status in ('planned', 'requested') and (m.starts_at is null or m.starts_at > now())
    and exists (select 1 from public.meeting_people mp where mp.meeting_id = m.id and mp.role = 'parent' and mp.interpreter is not null)
  union all
  select 'erasure', s.slug, null, min(e.requested_at), null, count(*)::int, null
  from public.erasure_requests e join public.schools s on s.id = e.school_id
  where e.handled_at is null and e.requested_by is not null
    and e.school_id in (select school_id from staff_schools where role = 'admin')
  group by s.slug
  order by 4 nulls last
$function$;
grant execute on function public.my_todo() to authenticated;
grant execute on function public.my_todo() to service_role;

CREATE OR REPLACE FUNCTION public.my_voices(p_locale public.locale_code)
 RETURNS TABLE(key text, recording_id uuid)
 LANGUAGE sql
 STABLE
 SET search_path TO ''
AS $function$
  select distinct on (v.key) v.key, v.id
  from public.voice_recordings v
  join public.pupils p on p.school_id = v.school_id and (v.pupil_id is null or v.pupil_id = p.id)
  where p.user_id is not null and p.user_id = (select auth.uid()) and v.locale = p_locale
  order by v.key, (v.pupil_id is null)
$function$;
grant execute on function public.my_voices(p_locale public.locale_code) to authenticated;
grant execute on function public.my_voices(p_locale public.locale_code) to service_role;

CREATE OR REPLACE FUNCTION public.need_drawing_path(p_round uuid, p_pupil uuid, p_kind text)
 RETURNS text
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
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
$function$;
grant execute on function public.need_drawing_path(p_round uuid, p_pupil uuid, p_kind text) to authenticated;
grant execute on function public.need_drawing_path(p_round uuid, p_pupil uuid, p_kind text) to service_role;

CREATE OR REPLACE FUNCTION public.need_round_answers(p_round uuid)
 RETURNS TABLE(pupil_id uuid, first_name text, answered boolean, needs text[], goal_step text, own_words text, has_drawing boolean, tops text[], tips text[], top_words text, tip_words text, has_feedback_drawing boolean, updated_at timestamp with time zone)
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
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
    left join private.current_pupils c on c.id = p.id
    where p.class_id = v_round.class_id and (c.id is not null or a.pupil_id is not null)
    order by lower(p.first_name);
  perform private.log_pupil_reads(
    array(select a.pupil_id from public.need_answers a where a.round_id = p_round), 'needs_answers');
end
$function$;
grant execute on function public.need_round_answers(p_round uuid) to authenticated;
grant execute on function public.need_round_answers(p_round uuid) to service_role;

CREATE OR REPLACE FUNCTION public.next_group_plan(p_plan uuid, p_period text, p_evaluate_on date)
 RETURNS uuid
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
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
$function$;
grant execute on function public.next_group_plan(p_plan uuid, p_period text, p_evaluate_on date) to authenticated;
grant execute on function public.next_group_plan(p_plan uuid, p_period text, p_evaluate_on date) to service_role;

CREATE OR REPLACE FUNCTION public.next_notification_due()
 RETURNS timestamp with time zone
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  if coalesce(current_setting('role', true), 'none') in ('anon', 'authenticated') then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  return (select min(n.due_at) from private.notifications n where n.status = 'pending');
end
$function$;
grant execute on function public.next_notification_due() to service_role;

CREATE OR REPLACE FUNCTION public.notification_not_sent(p_id bigint, p_error text, p_retry_at timestamp with time zone)
 RETURNS text
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  v_status text;
begin
  if coalesce(current_setting('role', true), 'none') in ('anon', 'authenticated') then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  update private.notifications n
  set attempts = n.attempts + 1, last_error = p_error,
      status = case when p_retry_at is null or p_retry_at >= coalesce(n.expires_at, 'infinity'::timestamptz) then 'failed' else 'pending' end,
      due_at = coalesce(p_retry_at, n.due_at)
  where n.id = p_id and n.status = 'pending'
  returning n.status into v_status;
  return v_status;
end
$function$;
grant execute on function public.notification_not_sent(p_id bigint, p_error text, p_retry_at timestamp with time zone) to service_role;

CREATE OR REPLACE FUNCTION public.notification_pushed(p_id bigint)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  if coalesce(current_setting('role', true), 'none') in ('anon', 'authenticated') then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  update private.notifications n set pushed_at = now() where n.id = p_id;
end
$function$;
grant execute on function public.notification_pushed(p_id bigint) to service_role;

CREATE OR REPLACE FUNCTION public.notification_sent(p_id bigint, p_now timestamp with time zone)
 RETURNS boolean
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  if coalesce(current_setting('role', true), 'none') in ('anon', 'authenticated') then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  delete from private.notifications n where n.id = p_id and n.status = 'pending' and n.user_id is null;
  if found then
    return true;
  end if;
  update private.notifications n set status = 'sent', sent_at = p_now, attempts = n.attempts + 1, last_error = null
  where n.id = p_id and n.status = 'pending';
  return found;
end
$function$;
grant execute on function public.notification_sent(p_id bigint, p_now timestamp with time zone) to service_role;

CREATE OR REPLACE FUNCTION public.notification_skipped(p_id bigint, p_reason text)
 RETURNS boolean
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  if coalesce(current_setting('role', true), 'none') in ('anon', 'authenticated') then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  update private.notifications n set status = 'skipped', last_error = p_reason, sent_at = now()
  where n.id = p_id and n.status = 'pending';
  return found;
end
$function$;
grant execute on function public.notification_skipped(p_id bigint, p_reason text) to service_role;

CREATE OR REPLACE FUNCTION public.notification_trouble()
 RETURNS TABLE(failed integer, waiting integer, oldest_waiting timestamp with time zone)
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  if coalesce(current_setting('role', true), 'none') in ('anon', 'authenticated') then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  return query
    select (count(*) filter (where n.status = 'failed'))::int,
           (count(*) filter (where n.status = 'pending' and n.attempts > 0))::int,
           min(n.created_at) filter (where n.status = 'pending' and n.attempts > 0)
    from private.notifications n;
end
$function$;
grant execute on function public.notification_trouble() to service_role;

CREATE OR REPLACE FUNCTION public.open_class_mode(p_class uuid)
 RETURNS TABLE(device_token text, expires_at timestamp with time zone)
 LANGUAGE plpgsql
 SET search_path TO ''
AS $function$
declare
  v_token text := private.random_token();
  v_school uuid;
  v_expires timestamptz := private.school_day_end();
begin
  select c.school_id into v_school from public.classes c where c.id = p_class;
  if v_school is null then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  insert into public.class_devices (school_id, class_id, token_hash, opened_by, expires_at)
  values (v_school, p_class, private.token_hash(v_token), (select auth.uid()), v_expires);
  device_token := v_token;
  expires_at := v_expires;
  return next;
end
$function$;
grant execute on function public.open_class_mode(p_class uuid) to authenticated;
grant execute on function public.open_class_mode(p_class uuid) to service_role;

CREATE OR REPLACE FUNCTION public.open_need_round(p_class uuid, p_goal text, p_cards text[] DEFAULT NULL::text[])
 RETURNS SETOF public.need_rounds
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
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
$function$;
grant execute on function public.open_need_round(p_class uuid, p_goal text, p_cards text[]) to authenticated;
grant execute on function public.open_need_round(p_class uuid, p_goal text, p_cards text[]) to service_role;

CREATE OR REPLACE FUNCTION public.plan_meeting(p_meeting uuid, p_kind text, p_starts_at timestamp with time zone, p_minutes integer, p_place text, p_video_url text, p_attendees text, p_goal text, p_interpreter_lang text, p_interpreter_mode text, p_interpreter_booked boolean)
 RETURNS text
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  v_old public.meetings;
  v_new public.meetings;
begin
  if not private.staff_sees_meeting(p_meeting) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  select * into v_old from public.meetings m where m.id = p_meeting for update;
  if v_old.status = 'cancelled' then
    raise exception using errcode = 'P0001', message = 'meeting_cancelled';
  end if;
  if p_starts_at is null or p_starts_at < now() then
    raise exception using errcode = 'P0001', message = 'in_the_past';
  end if;
  update public.meetings
  set kind = p_kind, status = 'planned', starts_at = p_starts_at, minutes = p_minutes,
      place = nullif(btrim(p_place), ''), video_url = nullif(btrim(p_video_url), ''),
      attendees = nullif(btrim(p_attendees), ''), goal = nullif(btrim(p_goal), ''),
      interpreter_lang = nullif(p_interpreter_lang, ''),
      interpreter_mode = case when nullif(p_interpreter_lang, '') is not null then p_interpreter_mode end,
      interpreter_booked = nullif(p_interpreter_lang, '') is not null and coalesce(p_interpreter_booked, false)
  where id = p_meeting
  returning * into v_new;
  insert into public.meeting_people (meeting_id, user_id, role) values (p_meeting, (select auth.uid()), 'staff')
  on conflict do nothing;
  if v_old.status = 'requested' then
    return 'planned';
  end if;
  if (v_old.starts_at, v_old.minutes, v_old.place, v_old.video_url)
     is distinct from (v_new.starts_at, v_new.minutes, v_new.place, v_new.video_url) then
    insert into public.meeting_changes (
      meeting_id, changed_by, was_starts_at, was_minutes, was_place, was_video_url, starts_at, minutes, place, video_url
    )
    values (
      p_meeting, (select auth.uid()), v_old.starts_at, v_old.minutes, v_old.place, v_old.video_url,
      v_new.starts_at, v_new.minutes, v_new.place, v_new.video_url
    );
    if v_old.starts_at is distinct from v_new.starts_at then
      update public.slots set pupil_id = null, booked_by = null, meeting_id = null where meeting_id = p_meeting;
    end if;
    return 'changed';
  end if;
  return 'saved';
end
$function$;
grant execute on function public.plan_meeting(p_meeting uuid, p_kind text, p_starts_at timestamp with time zone, p_minutes integer, p_place text, p_video_url text, p_attendees text, p_goal text, p_interpreter_lang text, p_interpreter_mode text, p_interpreter_booked boolean) to authenticated;
grant execute on function public.plan_meeting(p_meeting uuid, p_kind text, p_starts_at timestamp with time zone, p_minutes integer, p_place text, p_video_url text, p_attendees text, p_goal text, p_interpreter_lang text, p_interpreter_mode text, p_interpreter_booked boolean) to service_role;

CREATE OR REPLACE FUNCTION public.public_pages_version()
 RETURNS bigint
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
  select v.version from private.public_pages_version v where v.id
$function$;
grant execute on function public.public_pages_version() to service_role;

CREATE OR REPLACE FUNCTION public.publish_leaflet(p_leaflet uuid, p_revision integer)
 RETURNS TABLE(version_no integer)
 LANGUAGE plpgsql
 SET search_path TO ''
AS $function$
declare
  v_leaflet public.leaflets;
  v_version uuid;
  v_no int;
begin
  select * into v_leaflet from public.leaflets l where l.id = p_leaflet for update;
  if v_leaflet.id is null or not private.can_edit_leaflets(v_leaflet.school_id) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  if v_leaflet.revision <> p_revision then
    raise exception using errcode = 'P0001', message = 'stale_revision';
  end if;
  select coalesce(max(v.version_no), 0) + 1 into v_no from public.leaflet_versions v where v.leaflet_id = p_leaflet;
  insert into public.leaflet_versions (leaflet_id, school_id, version_no, snapshot, published_by)
  values (p_leaflet, v_leaflet.school_id, v_no, private.leaflet_snapshot(p_leaflet), (select auth.uid()))
  returning id into v_version;
  update public.leaflets set status = 'published', published_version_id = v_version where id = p_leaflet;
  version_no := v_no;
  return next;
end
$function$;
grant execute on function public.publish_leaflet(p_leaflet uuid, p_revision integer) to authenticated;
grant execute on function public.publish_leaflet(p_leaflet uuid, p_revision integer) to service_role;

CREATE OR REPLACE FUNCTION public.publish_slot_round(p_class uuid, p_title text, p_deadline timestamp with time zone, p_slots jsonb)
 RETURNS uuid
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  v_class public.classes;
  v_id uuid;
begin
  select * into v_class from public.classes c where c.id = p_class;
  if v_class.id is null or not private.can_see_class_pupils(p_class) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  if jsonb_typeof(p_slots) <> 'array' or jsonb_array_length(p_slots) = 0 or jsonb_array_length(p_slots) > 300
    or p_deadline is null or p_deadline < now() then
    raise exception using errcode = 'P0001', message = 'invalid';
  end if;
  if exists (
    select 1 from jsonb_array_elements(p_slots) s
    where (s ->> 'starts_at')::timestamptz < p_deadline
      or (s ->> 'minutes')::int not between 5 and 240
      or not exists (
        select 1 from public.memberships m
        where m.user_id = private.uuid_or_null(s ->> 'teacher') and m.school_id = v_class.school_id
          and m.role in ('admin', 'coach', 'teacher')
      )
  ) then
    raise exception using errcode = 'P0001', message = 'invalid';
  end if;
  insert into public.slot_rounds (school_id, class_id, title, deadline, created_by)
  values (v_class.school_id, p_class, btrim(p_title), p_deadline, (select auth.uid()))
  returning id into v_id;
  insert into public.slots (round_id, starts_at, minutes, teacher_id)
  select v_id, (s ->> 'starts_at')::timestamptz, (s ->> 'minutes')::int, (s ->> 'teacher')::uuid
  from jsonb_array_elements(p_slots) s;
  return v_id;
end
$function$;
grant execute on function public.publish_slot_round(p_class uuid, p_title text, p_deadline timestamp with time zone, p_slots jsonb) to authenticated;
grant execute on function public.publish_slot_round(p_class uuid, p_title text, p_deadline timestamp with time zone, p_slots jsonb) to service_role;

CREATE OR REPLACE FUNCTION public.published_leaflet(p_school_slug text, p_slug text)
 RETURNS TABLE(school_id uuid, school_slug text, school_name text, logo_path text, contact_name text, contact_email text, contact_phone text, slug text, version_no integer, published_at timestamp with time zone, snapshot jsonb)
 LANGUAGE sql
 STABLE
 SET search_path TO ''
AS $function$
  select s.id, s.slug, s.name, s.logo_path, s.contact_name, s.contact_email, s.contact_phone,
         l.slug, v.version_no, v.published_at, v.snapshot
  from public.leaflets l
  join public.schools s on s.id = l.school_id
  join public.leaflet_versions v on v.id = l.published_version_id
  where s.slug = lower(p_school_slug) and l.slug = lower(p_slug) and l.status = 'published'
$function$;
grant execute on function public.published_leaflet(p_school_slug text, p_slug text) to anon;
grant execute on function public.published_leaflet(p_school_slug text, p_slug text) to authenticated;
grant execute on function public.published_leaflet(p_school_slug text, p_slug text) to service_role;

CREATE OR REPLACE FUNCTION public.published_leaflets(p_school_slug text)
 RETURNS TABLE(slug text, title jsonb, version_no integer, published_at timestamp with time zone, lead jsonb, template text)
 LANGUAGE sql
 STABLE
 SET search_path TO ''
AS $function$
  select l.slug, v.snapshot -> 'blocks' -> 0, v.version_no, v.published_at,
         (select b from jsonb_array_elements(v.snapshot -> 'blocks') with ordinality as e(b, n)
          where b ->> 'kind' = 'paragraph' order by n limit 1),
         t.slug
  from public.leaflets l
  join public.schools s on s.id = l.school_id
  join public.leaflet_versions v on v.id = l.published_version_id
  left join public.leaflets t on t.id = l.template_id
  where s.slug = lower(p_school_slug) and l.status = 'published'
  order by l.position, l.slug
$function$;
grant execute on function public.published_leaflets(p_school_slug text) to anon;
grant execute on function public.published_leaflets(p_school_slug text) to authenticated;
grant execute on function public.published_leaflets(p_school_slug text) to service_role;

CREATE OR REPLACE FUNCTION public.pupil_access_log(p_school uuid, p_limit integer DEFAULT 200)
 RETURNS TABLE(at timestamp with time zone, reader text, pupil_id uuid, pupil text, class_name text, kind text)
 LANGUAGE sql
 STABLE
 SET search_path TO ''
AS $function$
  select l.at, pf.display_name, l.pupil_id, p.first_name, c.name, l.kind
  from public.pupil_access_log l
  join public.pupils p on p.id = l.pupil_id
  left join public.classes c on c.id = p.class_id
  left join public.profiles pf on pf.user_id = l.reader_id
  where l.school_id = p_school
  order by l.at desc, l.id desc
  limit least(greatest(p_limit, 1), 1000)
$function$;
grant execute on function public.pupil_access_log(p_school uuid, p_limit integer) to authenticated;
grant execute on function public.pupil_access_log(p_school uuid, p_limit integer) to service_role;

CREATE OR REPLACE FUNCTION public.pupil_access_log_grouped(p_school uuid, p_pupil uuid DEFAULT NULL::uuid, p_reader uuid DEFAULT NULL::uuid, p_from date DEFAULT NULL::date, p_to date DEFAULT NULL::date, p_limit integer DEFAULT 300)
 RETURNS TABLE(day text, reader_id uuid, reader text, pupil_id uuid, pupil text, class_name text, kinds text[], views integer, first_at timestamp with time zone, last_at timestamp with time zone)
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  if not private.has_school_role(p_school, array['admin', 'coach']::public.school_role[]) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  return query
    select ((l.at at time zone 'Europe/Amsterdam')::date)::text, l.reader_id, pf.display_name, l.pupil_id, p.first_name, c.name,
           array_agg(distinct l.kind order by l.kind),
           count(distinct floor(extract(epoch from l.at) / 10))::int,
           min(l.at), max(l.at)
    from public.pupil_access_log l
    join public.pupils p on p.id = l.pupil_id
    left join public.classes c on c.id = p.class_id
    left join public.profiles pf on pf.user_id = l.reader_id
    where l.school_id = p_school
      and (p_pupil is null or l.pupil_id = p_pupil)
      and (p_reader is null or l.reader_id = p_reader)
      and (p_from is null or l.at >= (p_from::timestamp at time zone 'Europe/Amsterdam'))
      and (p_to is null or l.at < ((p_to + 1)::timestamp at time zone 'Europe/Amsterdam'))
    group by 1, l.reader_id, pf.display_name, l.pupil_id, p.first_name, c.name
    order by max(l.at) desc
    limit least(greatest(p_limit, 1), 1000);
end
$function$;
grant execute on function public.pupil_access_log_grouped(p_school uuid, p_pupil uuid, p_reader uuid, p_from date, p_to date, p_limit integer) to authenticated;
grant execute on function public.pupil_access_log_grouped(p_school uuid, p_pupil uuid, p_reader uuid, p_from date, p_to date, p_limit integer) to service_role;

CREATE OR REPLACE FUNCTION public.pupil_access_log_people(p_school uuid)
 RETURNS TABLE(role text, id uuid, name text, class_name text)
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  if not private.has_school_role(p_school, array['admin', 'coach']::public.school_role[]) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  return query
    select 'pupil', p.id, p.first_name, c.name
    from public.pupils p left join public.classes c on c.id = p.class_id
    where p.id in (select l.pupil_id from public.pupil_access_log l where l.school_id = p_school)
    union all
    select 'staff', pf.user_id, pf.display_name, null
    from public.profiles pf
    where pf.user_id in (select l.reader_id from public.pupil_access_log l where l.school_id = p_school)
    order by 1, 3;
end
$function$;
grant execute on function public.pupil_access_log_people(p_school uuid) to authenticated;
grant execute on function public.pupil_access_log_people(p_school uuid) to service_role;

CREATE OR REPLACE FUNCTION public.pupil_overview(p_pupil uuid)
 RETURNS jsonb
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
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
$function$;
grant execute on function public.pupil_overview(p_pupil uuid) to authenticated;
grant execute on function public.pupil_overview(p_pupil uuid) to service_role;

CREATE OR REPLACE FUNCTION public.pupil_session_alive(p_user uuid)
 RETURNS boolean
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  v_pupil public.pupils;
  v_minutes int;
begin
  select * into v_pupil from public.pupils p where p.user_id = p_user;
  if v_pupil.id is null then
    return false;
  end if;
  select s.pupil_idle_minutes into v_minutes from public.schools s where s.id = v_pupil.school_id;
  update private.pupil_presence pp set last_seen_at = now()
  where pp.pupil_id = v_pupil.id
    and exists (select 1 from private.current_pupils c where c.id = v_pupil.id)
    and pp.last_seen_at > now() - make_interval(mins => v_minutes);
  if found then
    return true;
  end if;
  delete from private.pupil_presence pp where pp.pupil_id = v_pupil.id;
  return false;
end
$function$;
grant execute on function public.pupil_session_alive(p_user uuid) to service_role;

CREATE OR REPLACE FUNCTION public.pupil_session_started(p_pupil uuid)
 RETURNS void
 LANGUAGE sql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
  insert into private.pupil_presence (pupil_id, last_seen_at)
  select p.id, now() from private.current_pupils p where p.id = p_pupil
  on conflict (pupil_id) do update set last_seen_at = excluded.last_seen_at
$function$;
grant execute on function public.pupil_session_started(p_pupil uuid) to service_role;

CREATE OR REPLACE FUNCTION public.pupil_sign_in(p_device_token text, p_pupil uuid, p_code text)
 RETURNS TABLE(status text, pupil_user_id uuid, first_name text, attempts_left integer, locked_until timestamp with time zone, session_ends_at timestamp with time zone)
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  v_class uuid;
  v_pupil public.pupils;
  v_code private.pupil_codes;
  v_lock interval;
begin
  select d.class_id into v_class from public.class_devices d
  where d.token_hash = private.token_hash(p_device_token) and d.expires_at > now();
  if v_class is null then
    status := 'class_mode_closed';
    return next;
    return;
  end if;
  select * into v_pupil from public.pupils p where p.id = p_pupil and p.class_id = v_class;
  if v_pupil.id is null then
    status := 'unknown_pupil';
    return next;
    return;
  end if;
  first_name := v_pupil.first_name;
  select * into v_code from private.pupil_codes c where c.pupil_id = v_pupil.id for update;
  if v_code.pupil_id is null then
    status := 'no_code';
    return next;
    return;
  end if;
  if v_code.needs_teacher then
    status := 'needs_teacher';
    return next;
    return;
  end if;
  if v_code.locked_until is not null and v_code.locked_until > now() then
    status := 'locked';
    locked_until := v_code.locked_until;
    return next;
    return;
  end if;
  if v_code.code_hash = private.picture_code_hash(v_pupil.id, p_code) then
    update private.pupil_codes
    set failed_attempts = 0, locked_until = null, lockouts = 0, updated_at = now()
    where pupil_id = v_pupil.id;
    status := 'ok';
    pupil_user_id := v_pupil.user_id;
    session_ends_at := private.school_day_end();
    return next;
    return;
  end if;
  if v_code.failed_attempts + 1 >= 5 then
    if v_code.lockouts + 1 >= 3 then
      update private.pupil_codes
      set failed_attempts = 0, locked_until = null, lockouts = v_code.lockouts + 1, needs_teacher = true, updated_at = now()
      where pupil_id = v_pupil.id;
      status := 'needs_teacher';
    else
      v_lock := case when v_code.lockouts = 0 then interval '5 minutes' else interval '15 minutes' end;
      update private.pupil_codes
      set failed_attempts = 0, locked_until = now() + v_lock, lockouts = v_code.lockouts + 1, updated_at = now()
      where pupil_id = v_pupil.id;
      status := 'locked';
      locked_until := now() + v_lock;
    end if;
  else
    update private.pupil_codes
    set failed_attempts = v_code.failed_attempts + 1, updated_at = now()
    where pupil_id = v_pupil.id;
    status := 'wrong_code';
    attempts_left := 5 - (v_code.failed_attempts + 1);
  end if;
  return next;
end
$function$;
grant execute on function public.pupil_sign_in(p_device_token text, p_pupil uuid, p_code text) to service_role;

CREATE OR REPLACE FUNCTION public.purge_notifications(p_now timestamp with time zone)
 RETURNS integer
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  v_count int;
begin
  if coalesce(current_setting('role', true), 'none') in ('anon', 'authenticated') then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  delete from private.notifications n
  where (n.status in ('sent', 'skipped') and coalesce(n.sent_at, n.created_at) < p_now - interval '7 days')
     or (n.status = 'digested' and n.created_at < p_now - interval '7 days'
         and not exists (select 1 from private.notifications d where d.id = n.digest_id and d.status in ('pending', 'held')))
     or (n.status = 'failed' and n.created_at < p_now - interval '30 days');
  get diagnostics v_count = row_count;
  return v_count;
end
$function$;
grant execute on function public.purge_notifications(p_now timestamp with time zone) to service_role;

CREATE OR REPLACE FUNCTION public.push_subscriptions_of(p_user uuid)
 RETURNS TABLE(endpoint text, p256dh text, auth text)
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  if coalesce(current_setting('role', true), 'none') in ('anon', 'authenticated') then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  return query select ps.endpoint, ps.p256dh, ps.auth from private.push_subscriptions ps where ps.user_id = p_user order by ps.created_at;
end
$function$;
grant execute on function public.push_subscriptions_of(p_user uuid) to service_role;

CREATE OR REPLACE FUNCTION public.record_sign_in_event(p_kind text, p_outcome text)
 RETURNS void
 LANGUAGE sql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
  insert into private.sign_in_events (kind, outcome) values (p_kind, p_outcome)
$function$;
grant execute on function public.record_sign_in_event(p_kind text, p_outcome text) to service_role;

CREATE OR REPLACE FUNCTION public.redeem_invitation(p_code text, p_school_slug text, p_display_name text, p_locale text)
 RETURNS TABLE(school_slug text, role public.school_role)
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  v_uid uuid := (select auth.uid());
  v_inv public.invitations;
  v_slug text;
begin
  if v_uid is null then
    raise exception using errcode = 'P0001', message = 'not_signed_in';
  end if;
  select * into v_inv from public.invitations i
  where i.code_hash = private.invitation_code_hash(p_code)
  for update;
  if v_inv.id is null then
    raise exception using errcode = 'P0001', message = 'invitation_not_found';
  end if;
  select s.slug into v_slug from public.schools s where s.id = v_inv.school_id;
  if p_school_slug is not null and v_slug <> lower(p_school_slug) then
    raise exception using errcode = 'P0001', message = 'invitation_other_school';
  end if;
  if v_inv.used_at is not null then
    raise exception using errcode = 'P0001', message = 'invitation_used';
  end if;
  if v_inv.expires_at < now() then
    raise exception using errcode = 'P0001', message = 'invitation_expired';
  end if;

  insert into public.profiles (user_id, display_name, email, locale)
  values (v_uid, btrim(p_display_name), (select auth.email()), p_locale)
  on conflict (user_id) do update
    set display_name = excluded.display_name, locale = excluded.locale, updated_at = now();

  insert into public.memberships (school_id, user_id, role)
  values (v_inv.school_id, v_uid, v_inv.role)
  on conflict do nothing;

  if v_inv.role = 'parent' then
    insert into public.guardian_links (school_id, pupil_id, parent_user_id, created_by)
    select ip.school_id, ip.pupil_id, v_uid, v_inv.created_by
    from public.invitation_pupils ip
    where ip.invitation_id = v_inv.id
    on conflict do nothing;
  end if;

  update public.invitations set used_at = now(), used_by = v_uid where id = v_inv.id;
  school_slug := v_slug;
  role := v_inv.role;
  return next;
end
$function$;
grant execute on function public.redeem_invitation(p_code text, p_school_slug text, p_display_name text, p_locale text) to authenticated;
grant execute on function public.redeem_invitation(p_code text, p_school_slug text, p_display_name text, p_locale text) to service_role;

CREATE OR REPLACE FUNCTION public.remove_my_push_device(p_device text)
 RETURNS integer
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  v_count int;
begin
  delete from private.push_subscriptions ps where ps.user_id = (select auth.uid()) and ps.device = p_device;
  get diagnostics v_count = row_count;
  return v_count;
end
$function$;
grant execute on function public.remove_my_push_device(p_device text) to authenticated;
grant execute on function public.remove_my_push_device(p_device text) to service_role;

CREATE OR REPLACE FUNCTION public.remove_my_push_devices()
 RETURNS integer
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  v_count int;
begin
  delete from private.push_subscriptions ps where ps.user_id = (select auth.uid());
  get diagnostics v_count = row_count;
  return v_count;
end
$function$;
grant execute on function public.remove_my_push_devices() to authenticated;
grant execute on function public.remove_my_push_devices() to service_role;

CREATE OR REPLACE FUNCTION public.remove_person(p_school uuid, p_user uuid)
 RETURNS integer
 LANGUAGE plpgsql
 SET search_path TO ''
AS $function$
declare
  v_count int := 0;
  v_n int;
begin
  if not private.is_school_admin(p_school) or p_user = (select auth.uid()) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  delete from public.guardian_links g where g.school_id = p_school and g.parent_user_id = p_user;
  get diagnostics v_n = row_count;
  v_count := v_count + v_n;
  delete from public.class_teachers ct where ct.school_id = p_school and ct.user_id = p_user;
  get diagnostics v_n = row_count;
  v_count := v_count + v_n;
  delete from public.memberships m where m.school_id = p_school and m.user_id = p_user;
  get diagnostics v_n = row_count;
  return v_count + v_n;
end
$function$;
grant execute on function public.remove_person(p_school uuid, p_user uuid) to authenticated;
grant execute on function public.remove_person(p_school uuid, p_user uuid) to service_role;

CREATE OR REPLACE FUNCTION public.remove_pupil(p_pupil uuid)
 RETURNS SETOF public.pupils
 LANGUAGE sql
 SET search_path TO ''
AS $function$
  delete from public.pupils where id = p_pupil returning *
$function$;
grant execute on function public.remove_pupil(p_pupil uuid) to authenticated;
grant execute on function public.remove_pupil(p_pupil uuid) to service_role;

CREATE OR REPLACE FUNCTION public.remove_push_endpoint(p_endpoint text)
 RETURNS integer
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  v_count int;
begin
  if coalesce(current_setting('role', true), 'none') in ('anon', 'authenticated') then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  delete from private.push_subscriptions ps where ps.endpoint = p_endpoint;
  get diagnostics v_count = row_count;
  return v_count;
end
$function$;
grant execute on function public.remove_push_endpoint(p_endpoint text) to service_role;

CREATE OR REPLACE FUNCTION public.remove_slot_round(p_round uuid)
 RETURNS integer
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  v_round public.slot_rounds;
  v_count int;
begin
  select * into v_round from public.slot_rounds r where r.id = p_round for update;
  if v_round.id is null or not private.can_see_class_pupils(v_round.class_id) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  update public.meetings m set status = 'cancelled'
  where m.id in (select s.meeting_id from public.slots s where s.round_id = p_round and s.meeting_id is not null)
    and m.status = 'planned' and m.starts_at > now();
  get diagnostics v_count = row_count;
  delete from public.slot_rounds where id = p_round;
  return v_count;
end
$function$;
grant execute on function public.remove_slot_round(p_round uuid) to authenticated;
grant execute on function public.remove_slot_round(p_round uuid) to service_role;

CREATE OR REPLACE FUNCTION public.reopen_need_round(p_round uuid)
 RETURNS SETOF public.need_rounds
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
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
$function$;
grant execute on function public.reopen_need_round(p_round uuid) to authenticated;
grant execute on function public.reopen_need_round(p_round uuid) to service_role;

CREATE OR REPLACE FUNCTION public.request_erasure(p_school uuid, p_include_children boolean, p_message text)
 RETURNS uuid
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  v_me uuid := (select auth.uid());
  v_id uuid;
begin
  if v_me is null or not exists (
    select 1 from public.memberships m where m.school_id = p_school and m.user_id = v_me and m.role <> 'pupil'
  ) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  update public.erasure_requests r
  set include_children = p_include_children, message = nullif(btrim(p_message), ''), requested_at = now()
  where r.school_id = p_school and r.requested_by = v_me and r.handled_at is null
  returning r.id into v_id;
  if v_id is null then
    insert into public.erasure_requests (school_id, requested_by, include_children, message)
    values (p_school, v_me, p_include_children, nullif(btrim(p_message), ''))
    returning id into v_id;
  end if;
  return v_id;
end
$function$;
grant execute on function public.request_erasure(p_school uuid, p_include_children boolean, p_message text) to authenticated;
grant execute on function public.request_erasure(p_school uuid, p_include_children boolean, p_message text) to service_role;

CREATE OR REPLACE FUNCTION public.request_meeting(p_pupil uuid, p_reason text, p_interpreter_lang text)
 RETURNS uuid
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  v_pupil public.pupils;
  v_id uuid;
begin
  select * into v_pupil from public.pupils p where p.id = p_pupil;
  if v_pupil.id is null or not private.is_guardian_of(p_pupil) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  if nullif(btrim(p_reason), '') is null or coalesce(p_interpreter_lang, '') !~ '^([a-z]{2,3})?$' then
    raise exception using errcode = 'P0001', message = 'invalid';
  end if;
  insert into public.meetings (school_id, kind, status, request_reason, requested_by, created_by)
  values (v_pupil.school_id, 'other', 'requested', btrim(p_reason), (select auth.uid()), (select auth.uid()))
  returning id into v_id;
  insert into public.meeting_pupils (meeting_id, pupil_id, class_id) values (v_id, v_pupil.id, v_pupil.class_id);
  insert into public.meeting_people (meeting_id, user_id, role, interpreter)
  select distinct v_id, g.parent_user_id, 'parent',
         case when g.parent_user_id = (select auth.uid()) then nullif(p_interpreter_lang, '') end
  from public.guardian_links g
  join public.memberships m on m.user_id = g.parent_user_id and m.school_id = g.school_id and m.role = 'parent'
  where g.pupil_id = p_pupil;
  return v_id;
end
$function$;
grant execute on function public.request_meeting(p_pupil uuid, p_reason text, p_interpreter_lang text) to authenticated;
grant execute on function public.request_meeting(p_pupil uuid, p_reason text, p_interpreter_lang text) to service_role;

CREATE OR REPLACE FUNCTION public.reset_pupil_codes(p_class uuid, p_pupils uuid[])
 RETURNS TABLE(pupil_id uuid, first_name text, picture_code text)
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  v_pupil record;
  v_code text;
begin
  if not private.can_see_class_pupils(p_class) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  if coalesce(array_length(p_pupils, 1), 0) = 0 or array_length(p_pupils, 1) > 40 then
    raise exception using errcode = 'P0001', message = 'pupil_list_size';
  end if;
  for v_pupil in
    select p.id, p.first_name from private.current_pupils p
    where p.class_id = p_class and p.id = any (p_pupils)
    order by lower(p.first_name)
  loop
    v_code := private.random_picture_code();
    insert into private.pupil_codes (pupil_id, code_hash)
    values (v_pupil.id, private.picture_code_hash(v_pupil.id, v_code))
    on conflict on constraint pupil_codes_pkey do update
      set code_hash = excluded.code_hash, failed_attempts = 0, locked_until = null, lockouts = 0,
          needs_teacher = false, updated_at = now();
    pupil_id := v_pupil.id;
    first_name := v_pupil.first_name;
    picture_code := v_code;
    return next;
  end loop;
end
$function$;
grant execute on function public.reset_pupil_codes(p_class uuid, p_pupils uuid[]) to authenticated;
grant execute on function public.reset_pupil_codes(p_class uuid, p_pupils uuid[]) to service_role;

CREATE OR REPLACE FUNCTION public.restore_leaflet_version(p_leaflet uuid, p_version_no integer, p_revision integer)
 RETURNS TABLE(version_no integer)
 LANGUAGE plpgsql
 SET search_path TO ''
AS $function$
declare
  v_snapshot jsonb;
  v_school uuid;
  v_block jsonb;
  v_id uuid;
  v_pos int := 0;
  v_no int;
  v_version uuid;
begin
  select v.snapshot, v.school_id into v_snapshot, v_school
  from public.leaflet_versions v where v.leaflet_id = p_leaflet and v.version_no = p_version_no;
  if v_snapshot is null then
    raise exception using errcode = 'P0001', message = 'not_found';
  end if;
  perform private.next_revision(p_leaflet, p_revision);
  delete from public.leaflet_blocks b where b.leaflet_id = p_leaflet;
  for v_block in select * from jsonb_array_elements(v_snapshot -> 'blocks') loop
    insert into public.leaflet_blocks
      (leaflet_id, school_id, block_key, position, kind, origin, source, source_version, image_path, image_width, image_height, updated_by)
    values (
      p_leaflet, v_school, v_block ->> 'key', v_pos, (v_block ->> 'kind')::public.leaflet_block_kind,
      v_block ->> 'origin', v_block -> 'nl', (v_block ->> 'v')::int,
      v_block -> 'image' ->> 'path', (v_block -> 'image' ->> 'width')::int, (v_block -> 'image' ->> 'height')::int,
      (select auth.uid())
    )
    returning id into v_id;
    insert into public.leaflet_translations (block_id, leaflet_id, school_id, locale, content, source_version, origin, reviewed_at, updated_by)
    select v_id, p_leaflet, v_school, t.key, t.value -> 'c', (t.value ->> 'v')::int,
           (t.value ->> 'o')::public.translation_origin, (t.value ->> 'r')::timestamptz, (select auth.uid())
    from jsonb_each(v_block -> 'tr') t;
    v_pos := v_pos + 1;
  end loop;
  select coalesce(max(v.version_no), 0) + 1 into v_no from public.leaflet_versions v where v.leaflet_id = p_leaflet;
  insert into public.leaflet_versions (leaflet_id, school_id, version_no, snapshot, published_by, restored_from)
  values (p_leaflet, v_school, v_no, private.leaflet_snapshot(p_leaflet), (select auth.uid()), p_version_no)
  returning id into v_version;
  update public.leaflets set status = 'published', published_version_id = v_version where id = p_leaflet;
  version_no := v_no;
  return next;
end
$function$;
grant execute on function public.restore_leaflet_version(p_leaflet uuid, p_version_no integer, p_revision integer) to authenticated;
grant execute on function public.restore_leaflet_version(p_leaflet uuid, p_version_no integer, p_revision integer) to service_role;

CREATE OR REPLACE FUNCTION public.retry_failed_notifications(p_now timestamp with time zone)
 RETURNS integer
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  v_count int;
begin
  if coalesce(current_setting('role', true), 'none') in ('anon', 'authenticated') then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  update private.notifications n set status = 'pending', attempts = 0, due_at = p_now, last_error = null
  where n.status = 'failed' and (n.expires_at is null or n.expires_at > p_now);
  get diagnostics v_count = row_count;
  return v_count;
end
$function$;
grant execute on function public.retry_failed_notifications(p_now timestamp with time zone) to service_role;

CREATE OR REPLACE FUNCTION public.review_translation(p_block uuid, p_locale text, p_revision integer)
 RETURNS TABLE(revision integer)
 LANGUAGE plpgsql
 SET search_path TO ''
AS $function$
declare
  v_block public.leaflet_blocks;
  v_rev int;
begin
  v_block := private.editable_block(p_block);
  v_rev := private.next_revision(v_block.leaflet_id, p_revision);
  update public.leaflet_translations t
  set reviewed_by = (select auth.uid()), reviewed_at = now(), updated_at = now()
  where t.block_id = p_block and t.locale = p_locale;
  revision := v_rev;
  return next;
end
$function$;
grant execute on function public.review_translation(p_block uuid, p_locale text, p_revision integer) to authenticated;
grant execute on function public.review_translation(p_block uuid, p_locale text, p_revision integer) to service_role;

CREATE OR REPLACE FUNCTION public.revoke_invitation(p_invitation uuid)
 RETURNS SETOF public.invitations
 LANGUAGE sql
 SET search_path TO ''
AS $function$
  delete from public.invitations where id = p_invitation and used_at is null returning *
$function$;
grant execute on function public.revoke_invitation(p_invitation uuid) to authenticated;
grant execute on function public.revoke_invitation(p_invitation uuid) to service_role;

CREATE OR REPLACE FUNCTION public.round_slots(p_round uuid)
 RETURNS TABLE(slot_id uuid, starts_at timestamp with time zone, minutes integer, teacher text, taken boolean, pupil_id uuid, first_name text)
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  v_round public.slot_rounds;
  v_staff boolean;
begin
  select * into v_round from public.slot_rounds r where r.id = p_round;
  if v_round.id is null or not private.can_see_class(v_round.class_id) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  v_staff := private.can_see_class_pupils(v_round.class_id);
  return query
    select s.id, s.starts_at, s.minutes, pf.display_name, s.pupil_id is not null,
           case when v_staff or private.is_guardian_of(s.pupil_id) then s.pupil_id end,
           case when v_staff or private.is_guardian_of(s.pupil_id) then p.first_name end
    from public.slots s
    left join public.profiles pf on pf.user_id = s.teacher_id
    left join public.pupils p on p.id = s.pupil_id
    where s.round_id = p_round
    order by s.starts_at, pf.display_name;
end
$function$;
grant execute on function public.round_slots(p_round uuid) to authenticated;
grant execute on function public.round_slots(p_round uuid) to service_role;

CREATE OR REPLACE FUNCTION public.run_retention(p_now timestamp with time zone DEFAULT now())
 RETURNS TABLE(kind text, removed integer)
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  v_count int;
begin
  -- The server (service role) or a scheduler as the owner (pg_cron on Supabase); never a person.
  if coalesce(current_setting('role', true), 'none') in ('anon', 'authenticated') then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  -- Invitations 30 days after they expired or were used: the letter has done its work.
  delete from public.invitations i
  where i.expires_at < p_now - interval '30 days' or i.used_at < p_now - interval '30 days';
  get diagnostics v_count = row_count;
  kind := 'invitations'; removed := v_count; return next;

  delete from public.class_devices d where d.expires_at < p_now;
  get diagnostics v_count = row_count;
  kind := 'class_devices'; removed := v_count; return next;

  delete from private.sign_in_events e where e.at < p_now - interval '90 days';
  get diagnostics v_count = row_count;
  kind := 'sign_in_events'; removed := v_count; return next;

  delete from private.auth_limits l
  where l.updated_at < p_now - interval '1 day' and (l.locked_until is null or l.locked_until < p_now);
  get diagnostics v_count = row_count;
  kind := 'sign_in_limits'; removed := v_count; return next;

  delete from public.pupil_access_log l where l.at < p_now - interval '24 months';
  get diagnostics v_count = row_count;
  kind := 'access_log'; removed := v_count; return next;
end
$function$;
grant execute on function public.run_retention(p_now timestamp with time zone) to service_role;

CREATE OR REPLACE FUNCTION public.save_block_source(p_block uuid, p_revision integer, p_content jsonb, p_minor boolean)
 RETURNS TABLE(revision integer, changed boolean, source_version integer)
 LANGUAGE plpgsql
 SET search_path TO ''
AS $function$
declare
  v_block public.leaflet_blocks;
  v_rev int;
begin
  v_block := private.editable_block(p_block);
  if v_block.source = p_content then
    select l.revision into v_rev from public.leaflets l where l.id = v_block.leaflet_id;
    if v_rev <> p_revision then
      raise exception using errcode = 'P0001', message = 'stale_revision';
    end if;
    revision := v_rev;
    changed := false;
    source_version := v_block.source_version;
    return next;
    return;
  end if;
  v_rev := private.next_revision(v_block.leaflet_id, p_revision);
  update public.leaflet_blocks b
  set source = p_content,
      source_version = b.source_version + case when p_minor then 0 else 1 end,
      updated_at = now(), updated_by = (select auth.uid())
  where b.id = p_block
  returning b.source_version into source_version;
  revision := v_rev;
  changed := true;
  return next;
end
$function$;
grant execute on function public.save_block_source(p_block uuid, p_revision integer, p_content jsonb, p_minor boolean) to authenticated;
grant execute on function public.save_block_source(p_block uuid, p_revision integer, p_content jsonb, p_minor boolean) to service_role;

CREATE OR REPLACE FUNCTION public.save_block_translation(p_block uuid, p_locale text, p_revision integer, p_content jsonb, p_machine boolean)
 RETURNS TABLE(revision integer)
 LANGUAGE plpgsql
 SET search_path TO ''
AS $function$
declare
  v_block public.leaflet_blocks;
  v_rev int;
begin
  v_block := private.editable_block(p_block);
  if not private.valid_block_content(v_block.kind, p_content) then
    raise exception using errcode = 'P0001', message = 'invalid';
  end if;
  v_rev := private.next_revision(v_block.leaflet_id, p_revision);
  insert into public.leaflet_translations as t
    (block_id, leaflet_id, school_id, locale, content, source_version, origin, reviewed_by, reviewed_at, updated_by)
  values (
    v_block.id, v_block.leaflet_id, v_block.school_id, p_locale, p_content, v_block.source_version,
    case when p_machine then 'machine' else 'school' end::public.translation_origin,
    case when p_machine then null else (select auth.uid()) end,
    case when p_machine then null else now() end,
    (select auth.uid())
  )
  on conflict (block_id, locale) do update
    set content = excluded.content, source_version = excluded.source_version, origin = excluded.origin,
        reviewed_by = excluded.reviewed_by, reviewed_at = excluded.reviewed_at,
        updated_at = now(), updated_by = excluded.updated_by;
  revision := v_rev;
  return next;
end
$function$;
grant execute on function public.save_block_translation(p_block uuid, p_locale text, p_revision integer, p_content jsonb, p_machine boolean) to authenticated;
grant execute on function public.save_block_translation(p_block uuid, p_locale text, p_revision integer, p_content jsonb, p_machine boolean) to service_role;

CREATE OR REPLACE FUNCTION public.save_class_plan(p_round uuid, p_places jsonb)
 RETURNS integer
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
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
$function$;
grant execute on function public.save_class_plan(p_round uuid, p_places jsonb) to authenticated;
grant execute on function public.save_class_plan(p_round uuid, p_places jsonb) to service_role;

CREATE OR REPLACE FUNCTION public.save_group_discussion(p_plan uuid, p_agreed text)
 RETURNS uuid
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
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
$function$;
grant execute on function public.save_group_discussion(p_plan uuid, p_agreed text) to authenticated;
grant execute on function public.save_group_discussion(p_plan uuid, p_agreed text) to service_role;

CREATE OR REPLACE FUNCTION public.save_group_plan(p_plan uuid, p_period text, p_evaluate_on date, p_goal_round uuid)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
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
$function$;
grant execute on function public.save_group_plan(p_plan uuid, p_period text, p_evaluate_on date, p_goal_round uuid) to authenticated;
grant execute on function public.save_group_plan(p_plan uuid, p_period text, p_evaluate_on date, p_goal_round uuid) to service_role;

CREATE OR REPLACE FUNCTION public.save_group_plan_circle(p_plan uuid, p_circle text, p_fields jsonb)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
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
$function$;
grant execute on function public.save_group_plan_circle(p_plan uuid, p_circle text, p_fields jsonb) to authenticated;
grant execute on function public.save_group_plan_circle(p_plan uuid, p_circle text, p_fields jsonb) to service_role;

CREATE OR REPLACE FUNCTION public.save_machine_translations(p_leaflet uuid, p_revision integer, p_locale text, p_items jsonb)
 RETURNS TABLE(revision integer, saved integer)
 LANGUAGE plpgsql
 SET search_path TO ''
AS $function$
declare
  v_rev int;
  v_item jsonb;
  v_block public.leaflet_blocks;
  v_saved int := 0;
begin
  if p_locale = 'nl' or jsonb_typeof(p_items) <> 'array' or jsonb_array_length(p_items) > 200 then
    raise exception using errcode = 'P0001', message = 'invalid';
  end if;
  v_rev := private.next_revision(p_leaflet, p_revision);
  for v_item in select value from jsonb_array_elements(p_items) loop
    select * into v_block from public.leaflet_blocks b
    where b.id = private.uuid_or_null(v_item ->> 'block') and b.leaflet_id = p_leaflet;
    if v_block.id is null then
      raise exception using errcode = 'P0001', message = 'invalid';
    end if;
    if not private.valid_block_content(v_block.kind, v_item -> 'content') then
      raise exception using errcode = 'P0001', message = 'invalid';
    end if;
    continue when v_block.source_version <> (v_item ->> 'v')::int;
    insert into public.leaflet_translations as t
      (block_id, leaflet_id, school_id, locale, content, source_version, origin, updated_by)
    values (v_block.id, v_block.leaflet_id, v_block.school_id, p_locale::public.locale_code, v_item -> 'content',
            v_block.source_version, 'machine', (select auth.uid()))
    on conflict (block_id, locale) do update
      set content = excluded.content, source_version = excluded.source_version, origin = 'machine',
          reviewed_by = null, reviewed_at = null, updated_at = now(), updated_by = excluded.updated_by;
    v_saved := v_saved + 1;
  end loop;
  revision := v_rev;
  saved := v_saved;
  return next;
end
$function$;
grant execute on function public.save_machine_translations(p_leaflet uuid, p_revision integer, p_locale text, p_items jsonb) to authenticated;
grant execute on function public.save_machine_translations(p_leaflet uuid, p_revision integer, p_locale text, p_items jsonb) to service_role;

CREATE OR REPLACE FUNCTION public.save_my_choices(p_round uuid, p_kind text, p_ids text[])
 RETURNS text[]
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
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
$function$;
grant execute on function public.save_my_choices(p_round uuid, p_kind text, p_ids text[]) to authenticated;
grant execute on function public.save_my_choices(p_round uuid, p_kind text, p_ids text[]) to service_role;

CREATE OR REPLACE FUNCTION public.save_my_goal_step(p_round uuid, p_step text)
 RETURNS text
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
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
$function$;
grant execute on function public.save_my_goal_step(p_round uuid, p_step text) to authenticated;
grant execute on function public.save_my_goal_step(p_round uuid, p_step text) to service_role;

CREATE OR REPLACE FUNCTION public.save_my_notification_settings(p_off_kinds text[], p_quiet_from text, p_quiet_until text, p_staff_digest boolean, p_push_names boolean)
 RETURNS timestamp with time zone
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  v_me uuid := (select auth.uid());
  v_off text[];
  v_at timestamptz;
begin
  if v_me is null or not exists (select 1 from public.memberships m where m.user_id = v_me and m.role <> 'pupil') then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  if coalesce(p_quiet_from, '') !~ '^([01][0-9]|2[0-3]):[0-5][0-9]$' and p_quiet_from is not null
    or coalesce(p_quiet_until, '') !~ '^([01][0-9]|2[0-3]):[0-5][0-9]$' and p_quiet_until is not null
    or (p_quiet_from is null) <> (p_quiet_until is null) or p_quiet_from = p_quiet_until
    or not (coalesce(p_off_kinds, '{}') <@ private.notification_kinds()) or cardinality(coalesce(p_off_kinds, '{}')) > 30 then
    raise exception using errcode = 'P0001', message = 'invalid';
  end if;
  -- What a law requires cannot be turned off: asked for anyway, it simply stays on.
  v_off := array(select distinct k from unnest(coalesce(p_off_kinds, '{}')) k where not (k = any (private.essential_kinds())) order by k);
  insert into public.notification_settings (user_id, off_kinds, quiet_from, quiet_until, staff_digest, push_names, updated_at)
  values (v_me, v_off, p_quiet_from::time, p_quiet_until::time, coalesce(p_staff_digest, true), coalesce(p_push_names, false), now())
  on conflict (user_id) do update
    set off_kinds = excluded.off_kinds, quiet_from = excluded.quiet_from, quiet_until = excluded.quiet_until,
        staff_digest = excluded.staff_digest, push_names = excluded.push_names, updated_at = now()
  returning updated_at into v_at;
  -- Waiting messages of kinds now turned off are not sent; held ones go at once when the digest is off.
  update private.notifications n set status = 'skipped', last_error = 'turned_off', sent_at = now()
  where n.user_id = v_me and n.kind = any (v_off) and n.status in ('pending', 'held');
  if not coalesce(p_staff_digest, true) then
    update private.notifications n set status = 'pending', due_at = now() where n.user_id = v_me and n.status = 'held';
  end if;
  return v_at;
end
$function$;
grant execute on function public.save_my_notification_settings(p_off_kinds text[], p_quiet_from text, p_quiet_until text, p_staff_digest boolean, p_push_names boolean) to authenticated;
grant execute on function public.save_my_notification_settings(p_off_kinds text[], p_quiet_from text, p_quiet_until text, p_staff_digest boolean, p_push_names boolean) to service_role;

CREATE OR REPLACE FUNCTION public.save_my_preparation(p_meeting uuid, p_answers jsonb, p_step integer)
 RETURNS timestamp with time zone
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  v_at timestamptz;
begin
  perform private.preparable(p_meeting);
  if not private.valid_preparation(p_answers) then
    raise exception using errcode = 'P0001', message = 'invalid';
  end if;
  insert into public.preparations (meeting_id, user_id, answers, step, updated_at)
  values (p_meeting, (select auth.uid()), p_answers, greatest(0, least(coalesce(p_step, 0), 20)), now())
  on conflict (meeting_id, user_id) do update
    set answers = excluded.answers, step = excluded.step, updated_at = now()
  returning updated_at into v_at;
  return v_at;
end
$function$;
grant execute on function public.save_my_preparation(p_meeting uuid, p_answers jsonb, p_step integer) to authenticated;
grant execute on function public.save_my_preparation(p_meeting uuid, p_answers jsonb, p_step integer) to service_role;

CREATE OR REPLACE FUNCTION public.save_my_preparation_topic(p_meeting uuid, p_topic text, p_choices text[], p_text text, p_lang text, p_step integer)
 RETURNS timestamp with time zone
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
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
$function$;
grant execute on function public.save_my_preparation_topic(p_meeting uuid, p_topic text, p_choices text[], p_text text, p_lang text, p_step integer) to authenticated;
grant execute on function public.save_my_preparation_topic(p_meeting uuid, p_topic text, p_choices text[], p_text text, p_lang text, p_step integer) to service_role;

CREATE OR REPLACE FUNCTION public.save_my_pupil_preparation(p_meeting uuid, p_answers jsonb, p_words text, p_consent boolean)
 RETURNS timestamp with time zone
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
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
$function$;
grant execute on function public.save_my_pupil_preparation(p_meeting uuid, p_answers jsonb, p_words text, p_consent boolean) to authenticated;
grant execute on function public.save_my_pupil_preparation(p_meeting uuid, p_answers jsonb, p_words text, p_consent boolean) to service_role;

CREATE OR REPLACE FUNCTION public.save_my_push_subscription(p_device text, p_endpoint text, p_p256dh text, p_auth text)
 RETURNS uuid
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  v_me uuid := (select auth.uid());
  v_id uuid;
begin
  if v_me is null or not exists (select 1 from public.memberships m where m.user_id = v_me and m.role <> 'pupil') then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  if (select count(*) from private.push_subscriptions ps where ps.user_id = v_me and ps.endpoint <> p_endpoint) >= 10 then
    raise exception using errcode = 'P0001', message = 'too_many_devices';
  end if;
  insert into private.push_subscriptions (user_id, device, endpoint, p256dh, auth)
  values (v_me, p_device, p_endpoint, p_p256dh, p_auth)
  on conflict (endpoint) do update
    set user_id = excluded.user_id, device = excluded.device, p256dh = excluded.p256dh, auth = excluded.auth, created_at = now()
  returning id into v_id;
  return v_id;
end
$function$;
grant execute on function public.save_my_push_subscription(p_device text, p_endpoint text, p_p256dh text, p_auth text) to authenticated;
grant execute on function public.save_my_push_subscription(p_device text, p_endpoint text, p_p256dh text, p_auth text) to service_role;

CREATE OR REPLACE FUNCTION public.save_my_words(p_round uuid, p_kind text, p_words text)
 RETURNS text
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
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
$function$;
grant execute on function public.save_my_words(p_round uuid, p_kind text, p_words text) to authenticated;
grant execute on function public.save_my_words(p_round uuid, p_kind text, p_words text) to service_role;

CREATE OR REPLACE FUNCTION public.save_pupil_note(p_pupil uuid, p_helps text, p_hinders text)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
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
$function$;
grant execute on function public.save_pupil_note(p_pupil uuid, p_helps text, p_hinders text) to authenticated;
grant execute on function public.save_pupil_note(p_pupil uuid, p_helps text, p_hinders text) to service_role;

CREATE OR REPLACE FUNCTION public.save_voice_recording(p_school uuid, p_pupil uuid, p_locale public.locale_code, p_key text, p_path text)
 RETURNS text
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
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
$function$;
grant execute on function public.save_voice_recording(p_school uuid, p_pupil uuid, p_locale public.locale_code, p_key text, p_path text) to authenticated;
grant execute on function public.save_voice_recording(p_school uuid, p_pupil uuid, p_locale public.locale_code, p_key text, p_path text) to service_role;

CREATE OR REPLACE FUNCTION public.schedule_notifications(p_now timestamp with time zone)
 RETURNS TABLE(kind text, queued integer)
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  v_before bigint := (select coalesce(max(n.id), 0) from private.notifications n);
  v_row record;
  v_digest bigint;
begin
  if coalesce(current_setting('role', true), 'none') in ('anon', 'authenticated') then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;

  -- A round's deadline nears: each family without a time for a child (not for a round that
  -- opened in the last day: its first mail is fresh).
  for v_row in
    select r.id as round_id, r.school_id, r.title, r.deadline, c.name as class_name, g.parent_user_id as user_id,
           jsonb_agg(p.first_name order by lower(p.first_name)) as children
    from public.slot_rounds r
    join public.classes c on c.id = r.class_id
    join private.current_pupils p on p.class_id = r.class_id
    join public.guardian_links g on g.pupil_id = p.id
    join public.memberships m on m.user_id = g.parent_user_id and m.school_id = r.school_id and m.role = 'parent'
    where r.deadline > p_now and r.deadline <= p_now + interval '48 hours' and r.created_at < p_now - interval '24 hours'
      and not exists (select 1 from public.slots s where s.round_id = r.id and s.pupil_id = p.id)
    group by r.id, r.school_id, r.title, r.deadline, c.name, g.parent_user_id
  loop
    perform private.queue_notification(
      v_row.school_id, v_row.user_id, 'round_reminder', v_row.round_id,
      jsonb_build_object('round', v_row.round_id, 'school', v_row.school_id, 'title', v_row.title, 'deadline', v_row.deadline,
                         'class', v_row.class_name, 'children', v_row.children),
      'round_reminder:' || v_row.round_id || ':' || v_row.user_id, p_now, v_row.deadline);
  end loop;

  -- …and its staff (who made it, the class's teachers): how many families have no time yet.
  for v_row in
    select r.id as round_id, r.school_id, r.title, r.deadline, c.name as class_name, u.user_id,
           (select count(*)::int from private.current_pupils p where p.class_id = r.class_id
              and not exists (select 1 from public.slots s where s.round_id = r.id and s.pupil_id = p.id)) as unbooked,
           (select count(*)::int from private.current_pupils p where p.class_id = r.class_id) as pupils
    from public.slot_rounds r
    join public.classes c on c.id = r.class_id
    join lateral (
      select r.created_by as user_id
      union select ct.user_id from public.class_teachers ct where ct.class_id = r.class_id
    ) u on u.user_id is not null
    join public.memberships m on m.user_id = u.user_id and m.school_id = r.school_id and m.role in ('admin', 'coach', 'teacher')
    where r.deadline > p_now and r.deadline <= p_now + interval '48 hours' and r.created_at < p_now - interval '24 hours'
  loop
    if v_row.unbooked > 0 then
      perform private.queue_notification(
        v_row.school_id, v_row.user_id, 'round_unbooked', v_row.round_id,
        jsonb_build_object('round', v_row.round_id, 'school', v_row.school_id, 'title', v_row.title, 'deadline', v_row.deadline,
                           'class', v_row.class_name, 'unbooked', v_row.unbooked, 'pupils', v_row.pupils),
        'round_unbooked:' || v_row.round_id || ':' || v_row.user_id, p_now, v_row.deadline);
    end if;
  end loop;

  -- The day before a meeting (within 24 hours of it, not in its last two), for each invited parent
  -- who was not just told about it.
  for v_row in
    select m.id as meeting_id, m.school_id, u.user_id
    from public.meetings m
    cross join lateral private.meeting_parents(m.id) u(user_id)
    where m.status = 'planned' and m.starts_at > p_now + interval '2 hours' and m.starts_at <= p_now + interval '24 hours'
      and not exists (
        select 1 from private.notifications n
        where n.about = m.id and n.user_id = u.user_id and n.kind in ('meeting_planned', 'meeting_changed', 'slot_booked')
          and n.created_at > p_now - interval '12 hours')
  loop
    perform private.queue_notification(
      v_row.school_id, v_row.user_id, 'meeting_reminder', v_row.meeting_id,
      private.meeting_facts(m) || jsonb_build_object(
        'children', private.own_children_in_meeting(m.id, v_row.user_id),
        'prepared', exists (select 1 from public.preparations pr where pr.meeting_id = m.id and pr.user_id = v_row.user_id and pr.shared_at is not null)),
      'meeting_reminder:' || v_row.meeting_id || ':' || v_row.user_id || ':' || m.calendar_sequence, p_now, m.starts_at)
    from public.meetings m where m.id = v_row.meeting_id;
  end loop;

  -- Each staff member's digest, once a day from 07:30 school time.
  if (p_now at time zone 'Europe/Amsterdam')::time >= '07:30' then
    for v_row in
      select n.user_id, min(n.school_id::text)::uuid as school_id from private.notifications n
      where n.status = 'held' and n.created_at <= p_now
      group by n.user_id
    loop
      insert into private.notifications (school_id, user_id, kind, payload, dedupe, due_at)
      values (v_row.school_id, v_row.user_id, 'digest',
              jsonb_build_object('items', (
                select jsonb_agg(jsonb_build_object('kind', h.kind, 'slug', (select sc.slug from public.schools sc where sc.id = h.school_id),
                                                  'about', h.about, 'payload', h.payload) order by h.id)
                from private.notifications h where h.user_id = v_row.user_id and h.status = 'held' and h.created_at <= p_now)),
              'digest:' || v_row.user_id || ':' || to_char(p_now at time zone 'Europe/Amsterdam', 'YYYY-MM-DD'), p_now)
      on conflict (dedupe) do nothing
      returning id into v_digest;
      if v_digest is not null then
        update private.notifications h set status = 'digested', digest_id = v_digest
        where h.user_id = v_row.user_id and h.status = 'held' and h.created_at <= p_now;
      end if;
    end loop;
  end if;

  return query
    select n.kind, count(*)::int from private.notifications n where n.id > v_before group by n.kind order by n.kind;
end
$function$;
grant execute on function public.schedule_notifications(p_now timestamp with time zone) to service_role;

CREATE OR REPLACE FUNCTION public.school_anonymous_feedback(p_school uuid)
 RETURNS TABLE(month text, meetings integer, answers integer, seen_yes integer, seen_partly integer, seen_no integer, heard_yes integer, heard_partly integer, heard_no integer, valued_yes integer, valued_partly integer, valued_no integer, words jsonb)
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  if not private.sees_all_classes(p_school) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  return query
    with g as (
      select date_trunc('month', f.created_at at time zone 'Europe/Amsterdam')::date as month, f.*
      from public.meeting_feedback f
      join public.meetings m on m.id = f.meeting_id
      where m.school_id = p_school and f.anonymous
        and f.created_at < (date_trunc('month', now() at time zone 'Europe/Amsterdam') at time zone 'Europe/Amsterdam')
    ),
    k as (select g.month, count(distinct g.meeting_id) >= 5 as enough from g group by g.month)
    select g.month::text,
           case when k.enough then count(distinct g.meeting_id)::int end,
           case when k.enough then count(*)::int end,
           case when k.enough then (count(*) filter (where g.seen = 'yes'))::int end,
           case when k.enough then (count(*) filter (where g.seen = 'partly'))::int end,
           case when k.enough then (count(*) filter (where g.seen = 'no'))::int end,
           case when k.enough then (count(*) filter (where g.heard = 'yes'))::int end,
           case when k.enough then (count(*) filter (where g.heard = 'partly'))::int end,
           case when k.enough then (count(*) filter (where g.heard = 'no'))::int end,
           case when k.enough then (count(*) filter (where g.valued = 'yes'))::int end,
           case when k.enough then (count(*) filter (where g.valued = 'partly'))::int end,
           case when k.enough then (count(*) filter (where g.valued = 'no'))::int end,
           case when k.enough then coalesce(
             jsonb_agg(jsonb_build_object('top', g.top, 'tip', g.tip) order by md5(g.meeting_id::text || g.author_id::text))
               filter (where g.top is not null or g.tip is not null),
             '[]'::jsonb) end
    from g join k on k.month = g.month
    group by g.month, k.enough
    order by g.month desc;
end
$function$;
grant execute on function public.school_anonymous_feedback(p_school uuid) to authenticated;
grant execute on function public.school_anonymous_feedback(p_school uuid) to service_role;

CREATE OR REPLACE FUNCTION public.school_by_slug(p_slug text)
 RETURNS SETOF public.schools
 LANGUAGE sql
 STABLE
 SET search_path TO ''
AS $function$
  select * from public.schools where slug = lower(p_slug)
$function$;
grant execute on function public.school_by_slug(p_slug text) to anon;
grant execute on function public.school_by_slug(p_slug text) to authenticated;
grant execute on function public.school_by_slug(p_slug text) to service_role;

CREATE OR REPLACE FUNCTION public.school_class_teachers(p_school uuid)
 RETURNS TABLE(class_id uuid, user_id uuid, display_name text)
 LANGUAGE sql
 STABLE
 SET search_path TO ''
AS $function$
  select ct.class_id, ct.user_id, pr.display_name
  from public.class_teachers ct
  left join public.profiles pr on pr.user_id = ct.user_id
  where ct.school_id = p_school
  order by lower(coalesce(pr.display_name, ''))
$function$;
grant execute on function public.school_class_teachers(p_school uuid) to authenticated;
grant execute on function public.school_class_teachers(p_school uuid) to service_role;

CREATE OR REPLACE FUNCTION public.school_classes(p_school uuid)
 RETURNS TABLE(class_id uuid, name text, school_year text, pupil_count integer)
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  v_all boolean := private.sees_all_classes(p_school);
begin
  return query
    select c.id, c.name, c.school_year,
           case when v_all or private.can_see_class_pupils(c.id)
             then coalesce(n.pupils, 0)
             else (select count(*)::int from private.current_pupils p
                   where p.class_id = c.id
                     and (private.is_pupil_self(p.id) or private.is_guardian_of(p.id)))
           end
    from public.classes c
    left join (
      -- A pupil's class is of the pupil's school (pupils_class_id_school_id_fkey).
      select p.class_id, count(*)::int as pupils from private.current_pupils p
      where p.school_id = p_school group by p.class_id
    ) n on n.class_id = c.id
    where c.school_id = p_school and (v_all or private.can_see_class(c.id))
    order by c.school_year desc, c.name;
end
$function$;
grant execute on function public.school_classes(p_school uuid) to authenticated;
grant execute on function public.school_classes(p_school uuid) to service_role;

CREATE OR REPLACE FUNCTION public.school_erasure_requests(p_school uuid)
 RETURNS TABLE(request_id uuid, requested_at timestamp with time zone, name text, email text, children text[], include_children boolean, message text, handled_at timestamp with time zone, outcome text, reason text)
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
  select r.id, r.requested_at, pf.display_name, pf.email,
         coalesce((select array_agg(p.first_name order by lower(p.first_name))
                   from public.guardian_links g join public.pupils p on p.id = g.pupil_id
                   where g.school_id = r.school_id and g.parent_user_id = r.requested_by), '{}'),
         r.include_children, r.message, r.handled_at, r.outcome, r.reason
  from public.erasure_requests r left join public.profiles pf on pf.user_id = r.requested_by
  where r.school_id = p_school and private.is_school_admin(p_school)
  order by r.handled_at is not null, r.requested_at desc
  limit 200
$function$;
grant execute on function public.school_erasure_requests(p_school uuid) to authenticated;
grant execute on function public.school_erasure_requests(p_school uuid) to service_role;

CREATE OR REPLACE FUNCTION public.school_feedback_overview(p_school uuid)
 RETURNS TABLE(staff_id uuid, staff_name text, month text, answers integer, seen_yes integer, seen_partly integer, seen_no integer, heard_yes integer, heard_partly integer, heard_no integer, valued_yes integer, valued_partly integer, valued_no integer)
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  if not private.sees_all_classes(p_school) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  return query
    with g as (
      select mp.user_id as staff_id, date_trunc('month', m.starts_at at time zone 'Europe/Amsterdam')::date as month, f.*
      from public.meeting_feedback f
      join public.meetings m on m.id = f.meeting_id
      join public.meeting_people mp on mp.meeting_id = m.id and mp.role = 'staff'
      where m.school_id = p_school and not f.anonymous
    )
    select g.staff_id, pf.display_name, g.month::text,
           case when count(*) < 5 then null else count(*)::int end,
           case when count(*) < 5 then null else (count(*) filter (where g.seen = 'yes'))::int end,
           case when count(*) < 5 then null else (count(*) filter (where g.seen = 'partly'))::int end,
           case when count(*) < 5 then null else (count(*) filter (where g.seen = 'no'))::int end,
           case when count(*) < 5 then null else (count(*) filter (where g.heard = 'yes'))::int end,
           case when count(*) < 5 then null else (count(*) filter (where g.heard = 'partly'))::int end,
           case when count(*) < 5 then null else (count(*) filter (where g.heard = 'no'))::int end,
           case when count(*) < 5 then null else (count(*) filter (where g.valued = 'yes'))::int end,
           case when count(*) < 5 then null else (count(*) filter (where g.valued = 'partly'))::int end,
           case when count(*) < 5 then null else (count(*) filter (where g.valued = 'no'))::int end
    from g left join public.profiles pf on pf.user_id = g.staff_id
    group by g.staff_id, pf.display_name, g.month
    order by g.month desc, pf.display_name;
end
$function$;
grant execute on function public.school_feedback_overview(p_school uuid) to authenticated;
grant execute on function public.school_feedback_overview(p_school uuid) to service_role;

CREATE OR REPLACE FUNCTION public.school_feedback_totals(p_school uuid)
 RETURNS TABLE(month text, hidden text, answers integer, seen_yes integer, seen_partly integer, seen_no integer, heard_yes integer, heard_partly integer, heard_no integer, valued_yes integer, valued_partly integer, valued_no integer)
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  if not private.sees_all_classes(p_school) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  return query
    with a as (
      select f.author_id, f.meeting_id, f.seen, f.heard, f.valued,
             date_trunc('month', m.starts_at at time zone 'Europe/Amsterdam')::date as month
      from public.meeting_feedback f
      join public.meetings m on m.id = f.meeting_id
      where m.school_id = p_school and not f.anonymous
    ),
    staff_rows as (
      select mp.user_id, a.month, count(*) >= 5 as shown
      from a join public.meeting_people mp on mp.meeting_id = a.meeting_id and mp.role = 'staff'
      group by mp.user_id, a.month
    ),
    covered as (
      select distinct a.meeting_id, a.author_id
      from a
      join public.meeting_people mp on mp.meeting_id = a.meeting_id and mp.role = 'staff'
      join staff_rows s on s.user_id = mp.user_id and s.month = a.month and s.shown
    ),
    months as (
      select a.month, count(*) as n, count(*) filter (where c.author_id is null) as rest
      from a left join covered c on c.meeting_id = a.meeting_id and c.author_id = a.author_id
      group by a.month
    ),
    shown_months as (
      select ms.month from months ms where ms.n >= 5 and (ms.rest = 0 or ms.rest >= 5)
    ),
    rest_all as (
      select count(*) as n
      from a left join covered c on c.meeting_id = a.meeting_id and c.author_id = a.author_id
      where c.author_id is null and not exists (select 1 from shown_months sm where sm.month = a.month)
    ),
    counted as (
      select a.month::text as month, count(*)::int as answers,
             (count(*) filter (where a.seen = 'yes'))::int as seen_yes,
             (count(*) filter (where a.seen = 'partly'))::int as seen_partly,
             (count(*) filter (where a.seen = 'no'))::int as seen_no,
             (count(*) filter (where a.heard = 'yes'))::int as heard_yes,
             (count(*) filter (where a.heard = 'partly'))::int as heard_partly,
             (count(*) filter (where a.heard = 'no'))::int as heard_no,
             (count(*) filter (where a.valued = 'yes'))::int as valued_yes,
             (count(*) filter (where a.valued = 'partly'))::int as valued_partly,
             (count(*) filter (where a.valued = 'no'))::int as valued_no
      from a
      group by grouping sets ((a.month), ())
      having count(*) > 0
    ),
    judged as (
      select c.*,
             case
               when c.answers < 5 then 'fewer_than_5'
               when c.month is null and (select r.n from rest_all r) between 1 and 4 then 'would_reveal'
               when c.month is not null and not exists (select 1 from shown_months sm where sm.month::text = c.month) then 'would_reveal'
             end as why
      from counted c
    )
    -- A hidden row carries no number at all.
    select j.month, j.why,
           case when j.why is null then j.answers end,
           case when j.why is null then j.seen_yes end, case when j.why is null then j.seen_partly end,
           case when j.why is null then j.seen_no end, case when j.why is null then j.heard_yes end,
           case when j.why is null then j.heard_partly end, case when j.why is null then j.heard_no end,
           case when j.why is null then j.valued_yes end, case when j.why is null then j.valued_partly end,
           case when j.why is null then j.valued_no end
    from judged j
    order by j.month desc nulls first;
end
$function$;
grant execute on function public.school_feedback_totals(p_school uuid) to authenticated;
grant execute on function public.school_feedback_totals(p_school uuid) to service_role;

CREATE OR REPLACE FUNCTION public.school_invitations(p_school uuid)
 RETURNS TABLE(invitation_id uuid, role public.school_role, label text, locale text, created_at timestamp with time zone, expires_at timestamp with time zone, used_at timestamp with time zone, pupils text[])
 LANGUAGE sql
 STABLE
 SET search_path TO ''
AS $function$
  select i.id, i.role, i.label, i.locale, i.created_at, i.expires_at, i.used_at,
         coalesce((
           select array_agg(p.first_name order by p.first_name)
           from public.invitation_pupils ip join public.pupils p on p.id = ip.pupil_id
           where ip.invitation_id = i.id
         ), '{}')
  from public.invitations i
  where i.school_id = p_school
  order by i.created_at desc
$function$;
grant execute on function public.school_invitations(p_school uuid) to authenticated;
grant execute on function public.school_invitations(p_school uuid) to service_role;

CREATE OR REPLACE FUNCTION public.school_leaflets(p_school uuid)
 RETURNS TABLE(leaflet_id uuid, slug text, status public.leaflet_status, title jsonb, revision integer, template_slug text, template_version integer, template_latest integer, published_version_no integer, published_at timestamp with time zone, updated_at timestamp with time zone, blocks jsonb)
 LANGUAGE sql
 STABLE
 SET search_path TO ''
AS $function$
  select l.id, l.slug, l.status, private.leaflet_titles(l.id), l.revision,
         t.slug, l.template_version, t.version, v.version_no, v.published_at, l.updated_at,
         coalesce((
           select jsonb_agg(jsonb_build_object(
             'v', b.source_version,
             'tr', coalesce((
               select jsonb_object_agg(tr.locale, jsonb_build_object('v', tr.source_version, 'o', tr.origin, 'r', tr.reviewed_at))
               from public.leaflet_translations tr where tr.block_id = b.id
             ), '{}'::jsonb)
           ) order by b.position)
           from public.leaflet_blocks b where b.leaflet_id = l.id
         ), '[]'::jsonb)
  from public.leaflets l
  left join public.leaflets t on t.id = l.template_id
  left join public.leaflet_versions v on v.id = l.published_version_id
  where l.school_id = p_school and private.can_edit_leaflets(l.school_id)
  order by l.position, l.slug
$function$;
grant execute on function public.school_leaflets(p_school uuid) to authenticated;
grant execute on function public.school_leaflets(p_school uuid) to service_role;

CREATE OR REPLACE FUNCTION public.school_needs_in_period(p_school uuid, p_from date, p_to date)
 RETURNS TABLE(class_id uuid, class_name text, round_id uuid, goal text, opened_at timestamp with time zone, closed_at timestamp with time zone, answered integer, need text, pupils integer)
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
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
$function$;
grant execute on function public.school_needs_in_period(p_school uuid, p_from date, p_to date) to authenticated;
grant execute on function public.school_needs_in_period(p_school uuid, p_from date, p_to date) to service_role;

CREATE OR REPLACE FUNCTION public.school_needs_overview(p_school uuid)
 RETURNS TABLE(class_id uuid, class_name text, round_id uuid, opened_at timestamp with time zone, closed_at timestamp with time zone, answered integer, need text, pupils integer)
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
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
$function$;
grant execute on function public.school_needs_overview(p_school uuid) to authenticated;
grant execute on function public.school_needs_overview(p_school uuid) to service_role;

CREATE OR REPLACE FUNCTION public.school_people(p_school uuid)
 RETURNS TABLE(user_id uuid, display_name text, email text, roles text[], children jsonb)
 LANGUAGE sql
 STABLE
 SET search_path TO ''
AS $function$
  with people as (
    select m.user_id from public.memberships m where m.school_id = p_school and m.role <> 'pupil'
    union
    select g.parent_user_id from public.guardian_links g where g.school_id = p_school
  )
  select p.user_id, pr.display_name, pr.email,
         coalesce((
           select array_agg(m.role::text order by m.role) from public.memberships m
           where m.school_id = p_school and m.user_id = p.user_id and m.role <> 'pupil'
         ), '{}'),
         coalesce((
           select jsonb_agg(jsonb_build_object('link_id', g.id, 'pupil_id', pu.id, 'first_name', pu.first_name, 'class_name', c.name) order by pu.first_name)
           from public.guardian_links g
           join public.pupils pu on pu.id = g.pupil_id
           join public.classes c on c.id = pu.class_id
           where g.parent_user_id = p.user_id and g.school_id = p_school
         ), '[]'::jsonb)
  from people p
  left join public.profiles pr on pr.user_id = p.user_id
  where private.is_school_admin(p_school)
  order by lower(coalesce(pr.display_name, ''))
$function$;
grant execute on function public.school_people(p_school uuid) to authenticated;
grant execute on function public.school_people(p_school uuid) to service_role;

CREATE OR REPLACE FUNCTION public.school_pupils(p_school uuid)
 RETURNS TABLE(pupil_id uuid, first_name text, class_id uuid, class_name text)
 LANGUAGE sql
 STABLE
 SET search_path TO ''
AS $function$
  select p.id, p.first_name, c.id, c.name
  from private.current_pupils p
  join public.classes c on c.id = p.class_id
  where p.school_id = p_school
  order by c.school_year desc, c.name, lower(p.first_name)
$function$;
grant execute on function public.school_pupils(p_school uuid) to authenticated;
grant execute on function public.school_pupils(p_school uuid) to service_role;

CREATE OR REPLACE FUNCTION public.school_voice_gaps(p_school uuid)
 RETURNS TABLE(locale text, recorded integer, missing integer)
 LANGUAGE plpgsql
 STABLE
 SET search_path TO ''
AS $function$
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
$function$;
grant execute on function public.school_voice_gaps(p_school uuid) to authenticated;
grant execute on function public.school_voice_gaps(p_school uuid) to service_role;

CREATE OR REPLACE FUNCTION public.schools_with_leaflets()
 RETURNS TABLE(slug text, name text, leaflet_count integer)
 LANGUAGE sql
 STABLE
 SET search_path TO ''
AS $function$
  select s.slug, s.name, count(*)::int
  from public.schools s
  join public.leaflets l on l.school_id = s.id and l.status = 'published'
  group by s.slug, s.name
  order by s.name
$function$;
grant execute on function public.schools_with_leaflets() to anon;
grant execute on function public.schools_with_leaflets() to authenticated;
grant execute on function public.schools_with_leaflets() to service_role;

CREATE OR REPLACE FUNCTION public.seed_demo_leaflets()
 RETURNS integer
 LANGUAGE plpgsql
 SET search_path TO ''
AS $function$
declare
  v_school uuid;
  v_template uuid;
  v_id uuid;
  v_count int := 0;
begin
  select s.id into v_school from public.schools s where s.slug = 'demo';
  if v_school is null or exists (select 1 from public.leaflets l where l.school_id = v_school) then
    return 0;
  end if;
  for v_template in select l.id from public.leaflets l where l.school_id is null order by l.position loop
    v_id := public.adopt_template(v_school, v_template);
    perform public.publish_leaflet(v_id, 0);
    v_count := v_count + 1;
  end loop;
  return v_count;
end
$function$;
grant execute on function public.seed_demo_leaflets() to service_role;

CREATE OR REPLACE FUNCTION public.set_block_image(p_block uuid, p_revision integer, p_path text, p_width integer, p_height integer)
 RETURNS TABLE(revision integer, unused_path text)
 LANGUAGE plpgsql
 SET search_path TO ''
AS $function$
declare
  v_block public.leaflet_blocks;
begin
  v_block := private.editable_block(p_block);
  if v_block.kind <> 'image' then
    raise exception using errcode = 'P0001', message = 'invalid';
  end if;
  revision := private.next_revision(v_block.leaflet_id, p_revision);
  update public.leaflet_blocks b
  set image_path = p_path, image_width = p_width, image_height = p_height, updated_at = now(), updated_by = (select auth.uid())
  where b.id = p_block;
  if v_block.image_path is not null and v_block.image_path <> p_path
     and not private.picture_in_use(v_block.school_id, v_block.image_path) then
    unused_path := v_block.image_path;
  end if;
  return next;
end
$function$;
grant execute on function public.set_block_image(p_block uuid, p_revision integer, p_path text, p_width integer, p_height integer) to authenticated;
grant execute on function public.set_block_image(p_block uuid, p_revision integer, p_path text, p_width integer, p_height integer) to service_role;

CREATE OR REPLACE FUNCTION public.set_class_teachers(p_class uuid, p_teachers uuid[])
 RETURNS TABLE(user_id uuid)
 LANGUAGE plpgsql
 SET search_path TO ''
AS $function$
declare
  v_school uuid;
begin
  select c.school_id into v_school from public.classes c where c.id = p_class;
  if v_school is null or not private.is_school_admin(v_school) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  if coalesce(array_length(p_teachers, 1), 0) > 10 then
    raise exception using errcode = 'P0001', message = 'list_too_long';
  end if;
  delete from public.class_teachers ct where ct.class_id = p_class and not (ct.user_id = any (coalesce(p_teachers, '{}')));
  insert into public.class_teachers (class_id, school_id, user_id, created_by)
  select p_class, v_school, t, (select auth.uid()) from unnest(coalesce(p_teachers, '{}')) as t
  on conflict do nothing;
  return query select ct.user_id from public.class_teachers ct where ct.class_id = p_class;
end
$function$;
grant execute on function public.set_class_teachers(p_class uuid, p_teachers uuid[]) to authenticated;
grant execute on function public.set_class_teachers(p_class uuid, p_teachers uuid[]) to service_role;

CREATE OR REPLACE FUNCTION public.set_my_board_locale(p_locale public.locale_code)
 RETURNS text
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  v_pupil uuid;
begin
  update public.pupils p set board_locale = p_locale
  where p.user_id is not null and p.user_id = (select auth.uid())
  returning p.id into v_pupil;
  if v_pupil is null then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  return p_locale;
end
$function$;
grant execute on function public.set_my_board_locale(p_locale public.locale_code) to authenticated;
grant execute on function public.set_my_board_locale(p_locale public.locale_code) to service_role;

CREATE OR REPLACE FUNCTION public.set_my_drawing(p_round uuid, p_kind text, p_path text)
 RETURNS text
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
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
$function$;
grant execute on function public.set_my_drawing(p_round uuid, p_kind text, p_path text) to authenticated;
grant execute on function public.set_my_drawing(p_round uuid, p_kind text, p_path text) to service_role;

CREATE OR REPLACE FUNCTION public.set_my_meeting_wishes(p_meeting uuid, p_interpreter text, p_companion text)
 RETURNS uuid
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  if not exists (select 1 from public.meeting_people p where p.meeting_id = p_meeting and p.user_id = (select auth.uid()) and p.role = 'parent')
    or not private.invited_to(p_meeting) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  if coalesce(p_interpreter, '') !~ '^([a-z]{2,3})?$' then
    raise exception using errcode = 'P0001', message = 'invalid';
  end if;
  update public.meeting_people
  set interpreter = nullif(p_interpreter, ''), companion = nullif(btrim(p_companion), '')
  where meeting_id = p_meeting and user_id = (select auth.uid());
  return p_meeting;
end
$function$;
grant execute on function public.set_my_meeting_wishes(p_meeting uuid, p_interpreter text, p_companion text) to authenticated;
grant execute on function public.set_my_meeting_wishes(p_meeting uuid, p_interpreter text, p_companion text) to service_role;

CREATE OR REPLACE FUNCTION public.set_my_translation_locales(p_locales text[])
 RETURNS SETOF public.profiles
 LANGUAGE sql
 SET search_path TO ''
AS $function$
  update public.profiles
  set translates = (
        select coalesce(array_agg(distinct l order by l), '{}')
        from unnest(p_locales) l
      ),
      updated_at = now()
  where user_id = (select auth.uid())
  returning *
$function$;
grant execute on function public.set_my_translation_locales(p_locales text[]) to authenticated;
grant execute on function public.set_my_translation_locales(p_locales text[]) to service_role;

CREATE OR REPLACE FUNCTION public.set_pupil_avatar(p_pupil uuid, p_avatar text)
 RETURNS text
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  v_pupil public.pupils;
  v_teacher boolean;
begin
  select * into v_pupil from public.pupils p where p.id = p_pupil for update;
  if v_pupil.id is null then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  v_teacher := private.can_see_class_pupils(v_pupil.class_id);
  if not (v_teacher or (private.is_pupil_self(p_pupil) and v_pupil.avatar is null)) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  if p_avatar is not null and not (p_avatar = any (private.avatar_ids())) then
    raise exception using errcode = 'P0001', message = 'invalid';
  end if;
  if not v_teacher and exists (
    select 1 from private.current_pupils o
    where o.class_id = v_pupil.class_id and o.id <> v_pupil.id and o.avatar = p_avatar
  ) then
    raise exception using errcode = 'P0001', message = 'avatar_taken';
  end if;
  update public.pupils set avatar = p_avatar where id = p_pupil;
  return p_avatar;
end
$function$;
grant execute on function public.set_pupil_avatar(p_pupil uuid, p_avatar text) to authenticated;
grant execute on function public.set_pupil_avatar(p_pupil uuid, p_avatar text) to service_role;

CREATE OR REPLACE FUNCTION public.set_pupil_left(p_pupil uuid, p_left boolean)
 RETURNS timestamp with time zone
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  v_pupil public.pupils;
  v_months int;
begin
  select * into v_pupil from public.pupils p where p.id = p_pupil;
  if v_pupil.id is null or not private.is_school_admin(v_pupil.school_id) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  if not p_left then
    if exists (
      select 1 from private.current_pupils p
      where p.class_id = v_pupil.class_id and p.id <> p_pupil
        and lower(btrim(p.first_name)) = lower(btrim(v_pupil.first_name))
    ) then
      raise exception using errcode = 'P0001', message = 'duplicate_pupil_name', detail = v_pupil.first_name;
    end if;
    update public.pupils p set left_at = null where p.id = p_pupil;
    return null;
  end if;
  update public.pupils p set left_at = coalesce(p.left_at, now()) where p.id = p_pupil
  returning p.left_at into v_pupil.left_at;
  delete from private.pupil_codes c where c.pupil_id = p_pupil;

  -- Every session ends at once: the server's next question finds no presence.
  delete from private.pupil_presence pp where pp.pupil_id = p_pupil;
  if v_pupil.user_id is not null then
    -- (Where the auth service keeps them out of reach, the presence alone ends them.)
    begin
      -- The schema is named at run time: one of the two does not exist in each mode (and a
      -- static name would be checked, and refused, by plpgsql_check where it is missing).
      if to_regclass('embedded_auth.sessions') is not null then
        execute format('delete from %I.sessions where user_id = $1', 'embedded_auth') using v_pupil.user_id;
      end if;
      if to_regclass('auth.sessions') is not null then
        execute format('delete from %I.sessions where user_id = $1', 'auth') using v_pupil.user_id;
      end if;
    exception when insufficient_privilege then
      null;
    end;
  end if;

  -- Their future times in meeting rounds are free again; the meeting each booking made goes.
  update public.meetings m set status = 'cancelled'
  where m.id in (
    select s.meeting_id from public.slots s
    where s.pupil_id = p_pupil and s.starts_at > now() and s.meeting_id is not null
  );
  update public.slots s set pupil_id = null, booked_by = null, meeting_id = null
  where s.pupil_id = p_pupil and s.starts_at > now();

  -- Meetings still to come: about them alone, cancelled; a group meeting goes on without them
  -- (and without their parents, unless another of their children is in it).
  update public.meetings m set status = 'cancelled'
  where m.status in ('planned', 'requested') and (m.starts_at is null or m.starts_at > now())
    and exists (select 1 from public.meeting_pupils mp where mp.meeting_id = m.id and mp.pupil_id = p_pupil)
    and not exists (select 1 from public.meeting_pupils mp where mp.meeting_id = m.id and mp.pupil_id <> p_pupil);
  delete from public.meeting_people mpe
  using public.meetings m
  where m.id = mpe.meeting_id and mpe.role = 'parent'
    and m.status in ('planned', 'requested') and (m.starts_at is null or m.starts_at > now())
    and exists (select 1 from public.meeting_pupils mp where mp.meeting_id = m.id and mp.pupil_id = p_pupil)
    and exists (select 1 from public.meeting_pupils mp where mp.meeting_id = m.id and mp.pupil_id <> p_pupil)
    and exists (select 1 from public.guardian_links g where g.pupil_id = p_pupil and g.parent_user_id = mpe.user_id)
    and not exists (
      select 1 from public.meeting_pupils mp join public.guardian_links g on g.pupil_id = mp.pupil_id
      where mp.meeting_id = m.id and mp.pupil_id <> p_pupil and g.parent_user_id = mpe.user_id
    );
  delete from public.meeting_pupils mp
  using public.meetings m
  where m.id = mp.meeting_id and mp.pupil_id = p_pupil
    and m.status in ('planned', 'requested') and (m.starts_at is null or m.starts_at > now())
    and exists (select 1 from public.meeting_pupils o where o.meeting_id = m.id and o.pupil_id <> p_pupil);

  select s.retention_months into v_months from public.schools s where s.id = v_pupil.school_id;
  return v_pupil.left_at + make_interval(months => v_months);
end
$function$;
grant execute on function public.set_pupil_left(p_pupil uuid, p_left boolean) to authenticated;
grant execute on function public.set_pupil_left(p_pupil uuid, p_left boolean) to service_role;

CREATE OR REPLACE FUNCTION public.set_school_logo(p_school uuid, p_logo_path text)
 RETURNS SETOF public.schools
 LANGUAGE sql
 SET search_path TO ''
AS $function$
  update public.schools set logo_path = p_logo_path where id = p_school returning *
$function$;
grant execute on function public.set_school_logo(p_school uuid, p_logo_path text) to authenticated;
grant execute on function public.set_school_logo(p_school uuid, p_logo_path text) to service_role;

CREATE OR REPLACE FUNCTION public.share_my_preparation(p_meeting uuid, p_share boolean)
 RETURNS timestamp with time zone
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  v_at timestamptz;
begin
  perform private.preparable(p_meeting);
  update public.preparations
  set shared_at = case when p_share then coalesce(shared_at, now()) end
  where meeting_id = p_meeting and user_id = (select auth.uid())
  returning shared_at into v_at;
  if not found then
    raise exception using errcode = 'P0001', message = 'not_prepared';
  end if;
  return v_at;
end
$function$;
grant execute on function public.share_my_preparation(p_meeting uuid, p_share boolean) to authenticated;
grant execute on function public.share_my_preparation(p_meeting uuid, p_share boolean) to service_role;

CREATE OR REPLACE FUNCTION public.slot_rounds_for(p_class uuid)
 RETURNS TABLE(round_id uuid, class_id uuid, class_name text, title text, deadline timestamp with time zone, slots integer, booked integer, pupils integer)
 LANGUAGE sql
 STABLE
 SET search_path TO ''
AS $function$
  select r.id, r.class_id, c.name, r.title, r.deadline,
         (select count(*)::int from public.slots s where s.round_id = r.id),
         (select count(*)::int from public.slots s where s.round_id = r.id and s.pupil_id is not null),
         (select count(*)::int from private.current_pupils p where p.class_id = r.class_id)
  from public.slot_rounds r join public.classes c on c.id = r.class_id
  where p_class is null or r.class_id = p_class
  order by r.deadline desc
  limit 100
$function$;
grant execute on function public.slot_rounds_for(p_class uuid) to authenticated;
grant execute on function public.slot_rounds_for(p_class uuid) to service_role;

CREATE OR REPLACE FUNCTION public.store_machine_translations(p_items jsonb)
 RETURNS integer
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
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
$function$;
grant execute on function public.store_machine_translations(p_items jsonb) to service_role;

CREATE OR REPLACE FUNCTION public.stored_translations(p_lang public.locale_code, p_refs uuid[])
 RETURNS TABLE(translation_id uuid, source text, field text, key uuid, source_hash text, source_lang text, text text, origin text, checked_at timestamp with time zone)
 LANGUAGE sql
 STABLE
 SET search_path TO ''
AS $function$
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
$function$;
grant execute on function public.stored_translations(p_lang public.locale_code, p_refs uuid[]) to authenticated;
grant execute on function public.stored_translations(p_lang public.locale_code, p_refs uuid[]) to service_role;

CREATE OR REPLACE FUNCTION public.sync_template(p_slug text, p_version integer, p_position integer, p_blocks jsonb)
 RETURNS text
 LANGUAGE plpgsql
 SET search_path TO ''
AS $function$
declare
  v_template public.leaflets;
  v_block jsonb;
  v_pos int := 0;
  v_existing public.leaflet_blocks;
  v_id uuid;
  v_version int;
begin
  select * into v_template from public.leaflets l where l.school_id is null and l.slug = p_slug;
  if v_template.id is not null and v_template.version >= p_version then
    return 'unchanged';
  end if;
  if v_template.id is null then
    insert into public.leaflets (slug, version, status, position) values (p_slug, p_version, 'published', p_position)
    returning * into v_template;
  end if;
  for v_block in select * from jsonb_array_elements(p_blocks) loop
    select * into v_existing from public.leaflet_blocks b
    where b.leaflet_id = v_template.id and b.block_key = v_block ->> 'key';
    if v_existing.id is null then
      insert into public.leaflet_blocks (leaflet_id, block_key, position, kind, origin, source, source_version)
      values (v_template.id, v_block ->> 'key', v_pos, (v_block ->> 'kind')::public.leaflet_block_kind, 'template', v_block -> 'nl', 1)
      returning id, source_version into v_id, v_version;
    else
      v_version := v_existing.source_version + case when v_existing.source = v_block -> 'nl' then 0 else 1 end;
      update public.leaflet_blocks b
      set position = v_pos, kind = (v_block ->> 'kind')::public.leaflet_block_kind, source = v_block -> 'nl',
          source_version = v_version, updated_at = now()
      where b.id = v_existing.id;
      v_id := v_existing.id;
    end if;
    delete from public.leaflet_translations t
    where t.block_id = v_id and not (v_block -> 'tr' ? t.locale);
    insert into public.leaflet_translations (block_id, leaflet_id, locale, content, source_version, origin)
    select v_id, v_template.id, t.key, t.value, v_version, 'template'
    from jsonb_each(v_block -> 'tr') t
    on conflict (block_id, locale) do update
      set content = excluded.content, source_version = excluded.source_version, updated_at = now();
    v_pos := v_pos + 1;
  end loop;
  delete from public.leaflet_blocks b
  where b.leaflet_id = v_template.id
    and not exists (select 1 from jsonb_array_elements(p_blocks) e where e ->> 'key' = b.block_key);
  update public.leaflets set version = p_version, position = p_position, updated_at = now() where id = v_template.id;
  return 'updated';
end
$function$;
grant execute on function public.sync_template(p_slug text, p_version integer, p_position integer, p_blocks jsonb) to service_role;

CREATE OR REPLACE FUNCTION public.unlink_guardian(p_link uuid)
 RETURNS SETOF public.guardian_links
 LANGUAGE sql
 SET search_path TO ''
AS $function$
  delete from public.guardian_links where id = p_link returning *
$function$;
grant execute on function public.unlink_guardian(p_link uuid) to authenticated;
grant execute on function public.unlink_guardian(p_link uuid) to service_role;

CREATE OR REPLACE FUNCTION public.unlock_pupil(p_pupil uuid)
 RETURNS integer
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  v_class uuid;
begin
  select p.class_id into v_class from public.pupils p where p.id = p_pupil;
  if v_class is null or not private.can_see_class_pupils(v_class) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  update private.pupil_codes
  set failed_attempts = 0, locked_until = null, lockouts = 0, needs_teacher = false, updated_at = now()
  where pupil_id = p_pupil;
  return 1;
end
$function$;
grant execute on function public.unlock_pupil(p_pupil uuid) to authenticated;
grant execute on function public.unlock_pupil(p_pupil uuid) to service_role;

CREATE OR REPLACE FUNCTION public.unpublish_leaflet(p_leaflet uuid)
 RETURNS SETOF public.leaflets
 LANGUAGE sql
 SET search_path TO ''
AS $function$
  update public.leaflets set status = 'draft', updated_at = now()
  where id = p_leaflet and private.can_edit_leaflets(school_id)
  returning *
$function$;
grant execute on function public.unpublish_leaflet(p_leaflet uuid) to authenticated;
grant execute on function public.unpublish_leaflet(p_leaflet uuid) to service_role;

CREATE OR REPLACE FUNCTION public.unsubscribe_notifications(p_user uuid, p_kind text)
 RETURNS boolean
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  if coalesce(current_setting('role', true), 'none') in ('anon', 'authenticated') then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  if not (p_kind = any (private.notification_kinds())) or p_kind = any (private.essential_kinds())
    or not exists (select 1 from auth.users u where u.id = p_user) then
    return false;
  end if;
  insert into public.notification_settings (user_id, off_kinds) values (p_user, array[p_kind])
  on conflict (user_id) do update
    set off_kinds = (select array(select distinct k from unnest(public.notification_settings.off_kinds || array[p_kind]) k order by k)),
        updated_at = now();
  update private.notifications n set status = 'skipped', last_error = 'turned_off', sent_at = now()
  where n.user_id = p_user and n.kind = p_kind and n.status in ('pending', 'held');
  return true;
end
$function$;
grant execute on function public.unsubscribe_notifications(p_user uuid, p_kind text) to service_role;

CREATE OR REPLACE FUNCTION public.update_my_profile(p_display_name text, p_locale text)
 RETURNS SETOF public.profiles
 LANGUAGE sql
 SET search_path TO ''
AS $function$
  insert into public.profiles (user_id, display_name, email, locale)
  values ((select auth.uid()), btrim(p_display_name), (select auth.email()), p_locale)
  on conflict (user_id) do update
    set display_name = excluded.display_name, locale = excluded.locale, updated_at = now()
  returning *
$function$;
grant execute on function public.update_my_profile(p_display_name text, p_locale text) to authenticated;
grant execute on function public.update_my_profile(p_display_name text, p_locale text) to service_role;

CREATE OR REPLACE FUNCTION public.update_pupil_idle_minutes(p_school uuid, p_minutes integer)
 RETURNS SETOF public.schools
 LANGUAGE sql
 SET search_path TO ''
AS $function$
  update public.schools set pupil_idle_minutes = p_minutes where id = p_school returning *
$function$;
grant execute on function public.update_pupil_idle_minutes(p_school uuid, p_minutes integer) to authenticated;
grant execute on function public.update_pupil_idle_minutes(p_school uuid, p_minutes integer) to service_role;

CREATE OR REPLACE FUNCTION public.update_school(p_school uuid, p_name text, p_contact_name text, p_contact_email text, p_contact_phone text, p_default_locale text)
 RETURNS SETOF public.schools
 LANGUAGE sql
 SET search_path TO ''
AS $function$
  update public.schools
  set name = btrim(p_name),
      contact_name = nullif(btrim(p_contact_name), ''),
      contact_email = nullif(btrim(p_contact_email), ''),
      contact_phone = nullif(btrim(p_contact_phone), ''),
      default_locale = p_default_locale
  where id = p_school
  returning *
$function$;
grant execute on function public.update_school(p_school uuid, p_name text, p_contact_name text, p_contact_email text, p_contact_phone text, p_default_locale text) to authenticated;
grant execute on function public.update_school(p_school uuid, p_name text, p_contact_name text, p_contact_email text, p_contact_phone text, p_default_locale text) to service_role;

CREATE OR REPLACE FUNCTION public.update_school_privacy(p_school uuid, p_board text, p_contact text, p_retention_months integer)
 RETURNS SETOF public.schools
 LANGUAGE sql
 SET search_path TO ''
AS $function$
  update public.schools
  set privacy_board = nullif(btrim(p_board), ''),
      privacy_contact = nullif(btrim(p_contact), ''),
      retention_months = p_retention_months
  where id = p_school
  returning *
$function$;
grant execute on function public.update_school_privacy(p_school uuid, p_board text, p_contact text, p_retention_months integer) to authenticated;
grant execute on function public.update_school_privacy(p_school uuid, p_board text, p_contact text, p_retention_months integer) to service_role;

CREATE OR REPLACE FUNCTION public.update_slot_round(p_round uuid, p_title text, p_deadline timestamp with time zone)
 RETURNS uuid
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  v_round public.slot_rounds;
begin
  select * into v_round from public.slot_rounds r where r.id = p_round for update;
  if v_round.id is null or not private.can_see_class_pupils(v_round.class_id) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  if nullif(btrim(p_title), '') is null or p_deadline is null
    or exists (select 1 from public.slots s where s.round_id = p_round and s.starts_at < p_deadline) then
    raise exception using errcode = 'P0001', message = 'invalid';
  end if;
  update public.slot_rounds set title = btrim(p_title), deadline = p_deadline where id = p_round;
  return p_round;
end
$function$;
grant execute on function public.update_slot_round(p_round uuid, p_title text, p_deadline timestamp with time zone) to authenticated;
grant execute on function public.update_slot_round(p_round uuid, p_title text, p_deadline timestamp with time zone) to service_role;

CREATE OR REPLACE FUNCTION public.voice_recording_path(p_recording uuid)
 RETURNS text
 LANGUAGE sql
 STABLE
 SET search_path TO ''
AS $function$
  select v.path from public.voice_recordings v where v.id = p_recording
$function$;
grant execute on function public.voice_recording_path(p_recording uuid) to authenticated;
grant execute on function public.voice_recording_path(p_recording uuid) to service_role;

CREATE OR REPLACE FUNCTION public.voice_recordings(p_school uuid, p_pupil uuid, p_locale public.locale_code)
 RETURNS TABLE(key text, recording_id uuid, created_at timestamp with time zone)
 LANGUAGE plpgsql
 STABLE
 SET search_path TO ''
AS $function$
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
$function$;
grant execute on function public.voice_recordings(p_school uuid, p_pupil uuid, p_locale public.locale_code) to authenticated;
grant execute on function public.voice_recordings(p_school uuid, p_pupil uuid, p_locale public.locale_code) to service_role;

-- ================================================================================================
-- Policies on Supabase's storage.objects

create policy "a drawing is seen by its pupil, their parents and their teacher" on storage.objects
  as permissive for select to authenticated
  using (((bucket_id = 'pupil-drawings'::text) AND (EXISTS ( SELECT 1
   FROM public.pupils p
  WHERE ((p.id = private.uuid_or_null((storage.foldername(objects.name))[2])) AND (p.school_id = private.uuid_or_null((storage.foldername(objects.name))[1])) AND (private.is_pupil_self(p.id) OR private.is_guardian_of(p.id) OR private.can_see_class_pupils(p.class_id)))))));

create policy "admins remove their school's pupils' drawings" on storage.objects
  as permissive for delete to authenticated
  using (((bucket_id = 'pupil-drawings'::text) AND ( SELECT private.is_school_admin(private.uuid_or_null((storage.foldername(objects.name))[1])) AS is_school_admin)));

create policy "admins remove their school's voices" on storage.objects
  as permissive for delete to authenticated
  using (((bucket_id = 'voices'::text) AND ( SELECT private.is_school_admin(private.uuid_or_null((storage.foldername(objects.name))[1])) AS is_school_admin)));

create policy "admins see their school's pupils' drawings" on storage.objects
  as permissive for select to authenticated
  using (((bucket_id = 'pupil-drawings'::text) AND ( SELECT private.is_school_admin(private.uuid_or_null((storage.foldername(objects.name))[1])) AS is_school_admin)));

create policy "pupils remove their own drawings" on storage.objects
  as permissive for delete to authenticated
  using (((bucket_id = 'pupil-drawings'::text) AND ( SELECT private.is_pupil_self(private.uuid_or_null((storage.foldername(objects.name))[2])) AS is_pupil_self)));

create policy "pupils store their own drawings" on storage.objects
  as permissive for insert to authenticated
  with check (((bucket_id = 'pupil-drawings'::text) AND ( SELECT private.is_pupil_self(private.uuid_or_null((storage.foldername(objects.name))[2])) AS is_pupil_self) AND (EXISTS ( SELECT 1
   FROM public.pupils p
  WHERE ((p.id = private.uuid_or_null((storage.foldername(objects.name))[2])) AND (p.school_id = private.uuid_or_null((storage.foldername(objects.name))[1])))))));

create policy "staff add assets of their own school" on storage.objects
  as permissive for insert to authenticated
  with check (((bucket_id = 'school-assets'::text) AND ( SELECT private.is_school_staff(private.uuid_or_null((storage.foldername(objects.name))[1])) AS is_school_staff)));

create policy "staff read their school's exports" on storage.objects
  as permissive for select to authenticated
  using (((bucket_id = 'exports'::text) AND ( SELECT private.is_school_staff(private.uuid_or_null((storage.foldername(objects.name))[1])) AS is_school_staff)));

create policy "staff record the school's voices, parents their child's" on storage.objects
  as permissive for insert to authenticated
  with check (((bucket_id = 'voices'::text) AND ((((storage.foldername(name))[2] = 'school'::text) AND ( SELECT private.is_school_staff(private.uuid_or_null((storage.foldername(objects.name))[1])) AS is_school_staff)) OR (EXISTS ( SELECT 1
   FROM public.pupils p
  WHERE ((p.id = private.uuid_or_null((storage.foldername(objects.name))[2])) AND (p.school_id = private.uuid_or_null((storage.foldername(objects.name))[1])) AND private.is_guardian_of(p.id)))))));

create policy "staff remove assets of their own school" on storage.objects
  as permissive for delete to authenticated
  using (((bucket_id = 'school-assets'::text) AND ( SELECT private.is_school_staff(private.uuid_or_null((storage.foldername(objects.name))[1])) AS is_school_staff)));

create policy "staff remove their own exports" on storage.objects
  as permissive for delete to authenticated
  using (((bucket_id = 'exports'::text) AND (owner = ( SELECT auth.uid() AS uid)) AND ( SELECT private.is_school_staff(private.uuid_or_null((storage.foldername(objects.name))[1])) AS is_school_staff)));

create policy "staff replace assets of their own school" on storage.objects
  as permissive for update to authenticated
  using (((bucket_id = 'school-assets'::text) AND ( SELECT private.is_school_staff(private.uuid_or_null((storage.foldername(objects.name))[1])) AS is_school_staff)))
  with check (((bucket_id = 'school-assets'::text) AND ( SELECT private.is_school_staff(private.uuid_or_null((storage.foldername(objects.name))[1])) AS is_school_staff)));

create policy "staff see their own school's assets" on storage.objects
  as permissive for select to authenticated
  using (((bucket_id = 'school-assets'::text) AND ( SELECT private.is_school_staff(private.uuid_or_null((storage.foldername(objects.name))[1])) AS is_school_staff)));

create policy "staff write their school's exports" on storage.objects
  as permissive for insert to authenticated
  with check (((bucket_id = 'exports'::text) AND (owner = ( SELECT auth.uid() AS uid)) AND ( SELECT private.is_school_staff(private.uuid_or_null((storage.foldername(objects.name))[1])) AS is_school_staff)));

create policy "voices are heard by the people they are for" on storage.objects
  as permissive for select to authenticated
  using (((bucket_id = 'voices'::text) AND ( SELECT private.can_hear_voice(private.uuid_or_null((storage.foldername(objects.name))[1]),
        CASE
            WHEN ((storage.foldername(objects.name))[2] = 'school'::text) THEN NULL::uuid
            ELSE private.uuid_or_null((storage.foldername(objects.name))[2])
        END) AS can_hear_voice) AND (((storage.foldername(name))[2] = 'school'::text) OR (private.uuid_or_null((storage.foldername(name))[2]) IS NOT NULL))));

create policy "who records a voice may remove it" on storage.objects
  as permissive for delete to authenticated
  using (((bucket_id = 'voices'::text) AND ((((storage.foldername(name))[2] = 'school'::text) AND ( SELECT private.is_school_staff(private.uuid_or_null((storage.foldername(objects.name))[1])) AS is_school_staff)) OR ( SELECT private.is_guardian_of(private.uuid_or_null((storage.foldername(objects.name))[2])) AS is_guardian_of))));
