-- Schools and people: a school's privacy details, shown on its privacy page
-- (/<lang>/s/<school>/privacy) to anyone, like the school's contact on its leaflets: the school
-- board that is responsible for the data (the controller under the AVG, the GDPR), who parents
-- ask about privacy, and how long a pupil's data is kept after the pupil has left the school
-- (default 24 months, two school years; the retention job reads it). The admin fills them in
-- under the school's settings. Limits: src/domain/rpc/schools-people.ts `PRIVACY_LIMITS`.

-- Tables ---------------------------------------------------------------------------------

alter table public.schools
  add column privacy_board text
    check (privacy_board is null
           or (char_length(btrim(privacy_board)) between 1 and 120 and private.is_clean_text(privacy_board))),
  add column privacy_contact text
    check (privacy_contact is null
           or (char_length(btrim(privacy_contact)) between 1 and 200 and private.is_clean_text(privacy_contact))),
  add column retention_months int not null default 24 check (retention_months between 6 and 120);

-- Policies -------------------------------------------------------------------------------

-- None new: anyone reads a school's public facts ("anyone can read a school's public facts",
-- and anon's select on the table covers every column), and only the school's admins update it
-- ("admins update their own school").

-- Functions ------------------------------------------------------------------------------

-- The admin's privacy details of their school; an empty text clears a detail. Another school's
-- admin, other staff, parents and pupils update nothing (the update policy): no row comes back.
create function public.update_school_privacy(p_school uuid, p_board text, p_contact text, p_retention_months int)
returns setof public.schools
language sql volatile security invoker set search_path = ''
as $$
  update public.schools
  set privacy_board = nullif(btrim(p_board), ''),
      privacy_contact = nullif(btrim(p_contact), ''),
      retention_months = p_retention_months
  where id = p_school
  returning *
$$;
revoke execute on function public.update_school_privacy(uuid, text, text, int) from public, anon, authenticated;
grant execute on function public.update_school_privacy(uuid, text, text, int) to authenticated;
