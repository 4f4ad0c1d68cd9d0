-- The outbox carries the portal's notifications too (issue 20): each is rendered by the server and
-- queued here in the same transaction that marks it sent (public.notification_sent), then sent
-- with the outbox's retries. Such a mail may have headers of its own (List-Unsubscribe,
-- List-Unsubscribe-Post) and attachments (a calendar file), and it says whom and which school it
-- is for, so an erasure removes it (the trigger in …_notifications.sql) and a deleted account
-- takes its mails along. Never applied to Supabase.

alter table embedded_auth.mailbox
  add column if not exists headers jsonb check (headers is null or jsonb_typeof(headers) = 'object'),
  -- [{ "filename": "meeting.ics", "contentType": "text/calendar; method=REQUEST", "content": "…" }]
  add column if not exists attachments jsonb check (attachments is null or jsonb_typeof(attachments) = 'array'),
  add column if not exists user_id uuid references auth.users (id) on delete cascade,
  add column if not exists school_id uuid;

create index if not exists mailbox_user_idx on embedded_auth.mailbox (user_id) where user_id is not null;

-- A notification's mail into the outbox; returns its id. The caller's transaction decides.
create or replace function embedded_auth.queue_notification_mail(
  p_to text, p_subject text, p_body text, p_html text, p_link text, p_locale text, p_kind text, p_expires timestamptz,
  p_headers jsonb, p_attachments jsonb, p_user uuid, p_school uuid
)
returns bigint
language sql volatile set search_path = ''
as $$
  insert into embedded_auth.mailbox (to_address, subject, body, html, link, locale, kind, expires_at, headers, attachments, user_id, school_id)
  values (p_to, p_subject, p_body, p_html, p_link, p_locale, p_kind, p_expires, p_headers, p_attachments, p_user, p_school)
  returning id
$$;

-- The dispatcher's claim, now with each mail's own headers and attachments.
create or replace function embedded_auth.claim_mail_full(p_now timestamptz, p_limit int, p_lease_seconds int)
returns table (
  id bigint, to_address text, subject text, body text, html text, link text, locale text, kind text,
  attempts int, created_at timestamptz, headers jsonb, attachments jsonb
)
language sql volatile set search_path = ''
as $$
  select c.id, c.to_address, c.subject, c.body, c.html, c.link, c.locale, c.kind, c.attempts, c.created_at, m.headers, m.attachments
  from embedded_auth.claim_mail(p_now, p_limit, p_lease_seconds) c
  join embedded_auth.mailbox m on m.id = c.id
$$;

-- The dev mailbox, with what a mail carries besides its text.
create or replace function embedded_auth.recent_mail_full(p_limit int)
returns table (
  id bigint, to_address text, subject text, body text, link text, created_at timestamptz, locale text, kind text,
  headers jsonb, attachments jsonb
)
language sql stable set search_path = ''
as $$
  select m.id, m.to_address, m.subject, m.body, m.link, m.created_at, m.locale, m.kind, m.headers, m.attachments
  from embedded_auth.mailbox m order by m.id desc limit p_limit
$$;

revoke execute on all functions in schema embedded_auth from public;
