-- Erasure (walk 2026-12): when a person's sign-in identity goes (handle_erasure_request deletes
-- the auth.users row once no school holds them), the mails the outbox still holds for that address
-- go with it. An invitation that names a child must not wait in the dev mailbox, or in the 7 days
-- that sent mail is kept, after the family asked to be forgotten; a mail not sent yet is not sent.
-- The answer to the request is not lost: the notification worker queues it afterwards from its own
-- event, which carries the address. Never applied to Supabase: its Auth keeps no portal mail.
create or replace function embedded_auth.forget_mail_of_erased_user()
returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  if old.email is not null then
    delete from embedded_auth.mailbox where lower(to_address) = lower(old.email);
  end if;
  return old;
end
$$;
revoke execute on function embedded_auth.forget_mail_of_erased_user() from public;

drop trigger if exists forget_mail_of_erased_user on auth.users;
create trigger forget_mail_of_erased_user after delete on auth.users
  for each row execute function embedded_auth.forget_mail_of_erased_user();
