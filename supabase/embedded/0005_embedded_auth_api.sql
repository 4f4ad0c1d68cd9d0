-- The embedded auth module's SQL, as functions (src/server/embedded/auth.ts calls only these):
-- sessions, one-time codes and magic links, passwords, pupils' sign-in identities, the dev
-- mailbox. Only the owner (the server) calls them; the API roles cannot reach this schema.
-- Secrets arrive hashed: a code, link token or session token is never stored as it was sent.

-- The person behind a session token (still valid), or nothing.
create or replace function embedded_auth.session_user(p_token_hash text)
returns table (user_id uuid, kind text, email text)
language sql stable set search_path = ''
as $$
  select s.user_id, s.kind, u.email
  from embedded_auth.sessions s
  join auth.users u on u.id = s.user_id
  where s.token_hash = p_token_hash and s.expires_at > now()
$$;

-- A new session at every sign-in; the one this browser had before (if any) ends.
create or replace function embedded_auth.start_session(
  p_user uuid, p_token_hash text, p_kind text, p_expires timestamptz, p_previous_hash text
)
returns void
language sql volatile set search_path = ''
as $$
  delete from embedded_auth.sessions where token_hash = p_previous_hash;
  insert into embedded_auth.sessions (user_id, token_hash, kind, expires_at) values (p_user, p_token_hash, p_kind, p_expires);
  update auth.users set last_sign_in_at = now() where id = p_user;
$$;

create or replace function embedded_auth.end_session(p_token_hash text)
returns void
language sql volatile set search_path = ''
as $$
  delete from embedded_auth.sessions where token_hash = p_token_hash
$$;

-- A person's account by sign-in address: its id and password hash ('' when none was set).
create or replace function embedded_auth.account(p_email text)
returns table (id uuid, encrypted_password text)
language sql stable set search_path = ''
as $$
  select u.id, coalesce(u.encrypted_password, '') from auth.users u where lower(u.email) = lower(p_email)
$$;

-- A new code and magic link for an address, and the mail that carries them (the dev mailbox
-- holds it; a real mail is sent by the app). Earlier codes for the address stop working.
create or replace function embedded_auth.issue_code(
  p_email text, p_code_hash text, p_link_hash text, p_create_user boolean, p_next text, p_minutes int,
  p_subject text, p_body text, p_link text
)
returns void
language sql volatile set search_path = ''
as $$
  update embedded_auth.sign_in_codes set used_at = now() where email = p_email and used_at is null;
  insert into embedded_auth.sign_in_codes (email, code_hash, link_token_hash, create_user, expires_at, next)
  values (p_email, p_code_hash, p_link_hash, p_create_user, now() + make_interval(mins => p_minutes), p_next);
  insert into embedded_auth.mailbox (to_address, subject, body, link) values (p_email, p_subject, p_body, p_link);
$$;

-- The code a person would type now: the newest for the address that is still unused and not
-- expired; or, when there is none, why not ('used', 'expired', or nothing at all).
create or replace function embedded_auth.current_code(p_email text)
returns table (id uuid, code_hash text, attempts int, state text)
language sql stable set search_path = ''
as $$
  select c.id, c.code_hash, c.attempts,
         case when c.used_at is not null then 'used'
              when c.expires_at <= now() then 'expired'
              else 'open' end
  from embedded_auth.sign_in_codes c
  where c.email = p_email
  order by (c.used_at is null and c.expires_at > now()) desc, c.created_at desc
  limit 1
$$;

create or replace function embedded_auth.code_by_link(p_link_hash text)
returns table (id uuid, email text, attempts int, state text, next text)
language sql stable set search_path = ''
as $$
  select c.id, c.email, c.attempts,
         case when c.used_at is not null then 'used'
              when c.expires_at <= now() then 'expired'
              else 'open' end,
         c.next
  from embedded_auth.sign_in_codes c
  where c.link_token_hash = p_link_hash
$$;

-- A wrong try at a code: returns how many there have been.
create or replace function embedded_auth.fail_code(p_id uuid)
returns int
language sql volatile set search_path = ''
as $$
  update embedded_auth.sign_in_codes set attempts = attempts + 1 where id = p_id returning attempts
$$;

-- A code was right: it and every other open code of the address are used up, and the person
-- is found (or, for an invitation, created). Returns their id, or null (no account, no invitation).
create or replace function embedded_auth.complete_code(p_id uuid)
returns uuid
language plpgsql volatile set search_path = ''
as $$
declare
  v_code embedded_auth.sign_in_codes;
  v_user uuid;
begin
  select * into v_code from embedded_auth.sign_in_codes where id = p_id for update;
  if v_code.id is null or v_code.used_at is not null or v_code.expires_at <= now() then
    return null;
  end if;
  update embedded_auth.sign_in_codes set used_at = now() where email = v_code.email and used_at is null;
  select u.id into v_user from auth.users u where lower(u.email) = v_code.email;
  if v_user is null and v_code.create_user then
    insert into auth.users (email, email_confirmed_at, raw_app_meta_data)
    values (v_code.email, now(), '{"provider":"email","providers":["email"]}')
    returning id into v_user;
  end if;
  return v_user;
end
$$;

create or replace function embedded_auth.set_password(p_user uuid, p_hash text)
returns void
language sql volatile set search_path = ''
as $$
  update auth.users set encrypted_password = p_hash, updated_at = now() where id = p_user
$$;

-- A pupil's own sign-in identity (no e-mail), made at their first class mode sign-in.
create or replace function embedded_auth.create_pupil_user()
returns uuid
language sql volatile set search_path = ''
as $$
  insert into auth.users (email, raw_app_meta_data) values (null, '{"provider":"class_mode"}') returning id
$$;

-- The newest mails of the dev mailbox.
create or replace function embedded_auth.recent_mail(p_limit int)
returns table (id bigint, to_address text, subject text, body text, link text, created_at timestamptz)
language sql stable set search_path = ''
as $$
  select m.id, m.to_address, m.subject, m.body, m.link, m.created_at
  from embedded_auth.mailbox m order by m.id desc limit p_limit
$$;

revoke execute on all functions in schema embedded_auth from public;
