-- The outbox. Every mail the portal sends in embedded mode is first a row of
-- embedded_auth.mailbox, written in the same transaction as what caused it (a sign-in code and
-- the mail that carries it are one), then sent by the server's dispatcher
-- (src/server/mail/dispatcher.ts): over SMTP, or to the dev mailbox, retried with back-off when
-- the server refuses or cannot be reached, and marked sent or failed. /dev/mailbox is a view of
-- the same rows. The table keeps its first name; only the server (its owner) reads or writes it.
-- Never applied to Supabase: there, Auth sends its own mails and the portal's go out directly.

alter table embedded_auth.mailbox
  add column if not exists html text,
  add column if not exists locale text not null default 'nl' check (locale ~ '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$'),
  -- What the mail is about ('sign_in', 'meeting'): for the log and for the order of sending.
  add column if not exists kind text not null default 'other' check (kind ~ '^[a-z_]{1,30}$'),
  -- Mails from before the outbox were only ever for the dev mailbox: they count as delivered
  -- (their codes expired long ago). New rows start pending (the default is changed below).
  add column if not exists status text not null default 'sent' check (status in ('pending', 'sent', 'failed')),
  add column if not exists attempts int not null default 0,
  add column if not exists next_attempt_at timestamptz not null default now(),
  -- Why the last try failed, as one word ('connection', 'refused', …): never the SMTP server's
  -- own text, which often repeats the address.
  add column if not exists last_error text check (last_error ~ '^[a-z_]{1,30}$'),
  -- After this a mail is useless (a sign-in code has expired): it fails rather than going out late.
  add column if not exists expires_at timestamptz,
  add column if not exists sent_at timestamptz;

update embedded_auth.mailbox set sent_at = created_at where status = 'sent' and sent_at is null;
alter table embedded_auth.mailbox alter column status set default 'pending';

create index if not exists mailbox_due_idx on embedded_auth.mailbox (next_attempt_at) where status = 'pending';
create index if not exists mailbox_sent_idx on embedded_auth.mailbox (sent_at) where status = 'sent';

-- A mail into the outbox; returns its id. The caller's transaction decides whether it stays.
create or replace function embedded_auth.queue_mail(
  p_to text, p_subject text, p_body text, p_html text, p_link text, p_locale text, p_kind text, p_expires timestamptz
)
returns bigint
language sql volatile set search_path = ''
as $$
  insert into embedded_auth.mailbox (to_address, subject, body, html, link, locale, kind, expires_at)
  values (p_to, p_subject, p_body, p_html, p_link, p_locale, p_kind, p_expires)
  returning id
$$;

-- As in 0005, and now with the reader's language: a new code and magic link for an address and
-- the mail that carries them, queued in the same transaction. Earlier codes for the address stop
-- working. The mail expires with its code.
drop function if exists embedded_auth.issue_code(text, text, text, boolean, text, int, text, text, text);
create or replace function embedded_auth.issue_code(
  p_email text, p_code_hash text, p_link_hash text, p_create_user boolean, p_next text, p_minutes int,
  p_subject text, p_body text, p_link text, p_locale text
)
returns void
language sql volatile set search_path = ''
as $$
  update embedded_auth.sign_in_codes set used_at = now() where email = p_email and used_at is null;
  insert into embedded_auth.sign_in_codes (email, code_hash, link_token_hash, create_user, expires_at, next)
  values (p_email, p_code_hash, p_link_hash, p_create_user, now() + make_interval(mins => p_minutes), p_next);
  insert into embedded_auth.mailbox (to_address, subject, body, link, locale, kind, expires_at)
  values (p_email, p_subject, p_body, p_link, p_locale, 'sign_in', now() + make_interval(mins => p_minutes));
$$;

-- The dispatcher takes the mails that are due, the most urgent first (those that expire, such as
-- sign-in codes, then the oldest), each for p_lease_seconds: a server stopped while sending finds
-- them due again after that. A pending mail whose time ran out fails instead of going out late.
-- The clock is the caller's, so the back-off can be tested without waiting.
create or replace function embedded_auth.claim_mail(p_now timestamptz, p_limit int, p_lease_seconds int)
returns table (
  id bigint, to_address text, subject text, body text, html text, link text, locale text, kind text,
  attempts int, created_at timestamptz
)
language sql volatile set search_path = ''
as $$
  update embedded_auth.mailbox set status = 'failed', last_error = coalesce(last_error, 'expired')
  where status = 'pending' and expires_at <= p_now;
  update embedded_auth.mailbox m set next_attempt_at = p_now + make_interval(secs => p_lease_seconds)
  where m.id in (
    select d.id from embedded_auth.mailbox d
    where d.status = 'pending' and d.next_attempt_at <= p_now and (d.expires_at is null or d.expires_at > p_now)
    order by d.expires_at nulls last, d.id
    limit p_limit
    for update skip locked
  )
  returning m.id, m.to_address, m.subject, m.body, m.html, m.link, m.locale, m.kind, m.attempts, m.created_at;
$$;

-- The transport took the mail.
create or replace function embedded_auth.mail_sent(p_id bigint, p_now timestamptz)
returns void
language sql volatile set search_path = ''
as $$
  update embedded_auth.mailbox
  set status = 'sent', sent_at = p_now, attempts = attempts + 1, last_error = null
  where id = p_id and status = 'pending'
$$;

-- A try failed (p_error is one word): the mail is tried again at p_retry_at, or, when there is
-- none or the mail would be useless by then, it has failed. Returns the mail's status.
create or replace function embedded_auth.mail_not_sent(p_id bigint, p_error text, p_retry_at timestamptz)
returns text
language sql volatile set search_path = ''
as $$
  update embedded_auth.mailbox
  set attempts = attempts + 1,
      last_error = p_error,
      status = case when p_retry_at is null or p_retry_at >= coalesce(expires_at, 'infinity'::timestamptz) then 'failed' else 'pending' end,
      next_attempt_at = coalesce(p_retry_at, next_attempt_at)
  where id = p_id and status = 'pending'
  returning status
$$;

-- When the next pending mail is due (null: none waits), for the dispatcher's timer.
create or replace function embedded_auth.next_mail_due()
returns timestamptz
language sql stable set search_path = ''
as $$
  select min(next_attempt_at) from embedded_auth.mailbox where status = 'pending'
$$;

-- For the admin: how many mails failed, how many wait, and since when the oldest waits.
create or replace function embedded_auth.mail_trouble()
returns table (failed int, waiting int, oldest_waiting timestamptz)
language sql stable set search_path = ''
as $$
  select count(*) filter (where status = 'failed')::int,
         count(*) filter (where status = 'pending')::int,
         min(created_at) filter (where status = 'pending')
  from embedded_auth.mailbox
$$;

-- Failed mails get another round of tries (after the admin fixed the mail settings), except
-- those that would be useless now (an expired sign-in code). Returns how many.
create or replace function embedded_auth.retry_failed_mail(p_now timestamptz)
returns int
language sql volatile set search_path = ''
as $$
  with again as (
    update embedded_auth.mailbox
    set status = 'pending', attempts = 0, next_attempt_at = p_now, last_error = null
    where status = 'failed' and (expires_at is null or expires_at > p_now)
    returning 1
  )
  select count(*)::int from again
$$;

-- Retention: sent mails older than p_before are deleted (addresses and codes with them).
create or replace function embedded_auth.purge_sent_mail(p_before timestamptz)
returns int
language sql volatile set search_path = ''
as $$
  with gone as (delete from embedded_auth.mailbox where status = 'sent' and sent_at < p_before returning 1)
  select count(*)::int from gone
$$;

-- Retention for failed mails, kept longer so the admin sees them: deleted once older than p_before.
create or replace function embedded_auth.purge_failed_mail(p_before timestamptz)
returns int
language sql volatile set search_path = ''
as $$
  with gone as (delete from embedded_auth.mailbox where status = 'failed' and created_at < p_before returning 1)
  select count(*)::int from gone
$$;

revoke execute on all functions in schema embedded_auth from public;
