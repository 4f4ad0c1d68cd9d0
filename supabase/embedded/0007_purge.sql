-- Embedded mode only: what the embedded auth keeps only as long as it works. Sessions that ended,
-- sign-in codes a day after they expired (used or not). Supabase Auth purges its own. The server
-- calls this with the retention job (src/server/retention.ts); counts only come back.
create or replace function embedded_auth.purge_expired(p_now timestamptz default now())
returns table (kind text, removed int)
language plpgsql volatile set search_path = ''
as $$
declare
  v_count int;
begin
  delete from embedded_auth.sessions s where s.expires_at < p_now;
  get diagnostics v_count = row_count;
  kind := 'sessions'; removed := v_count; return next;
  delete from embedded_auth.sign_in_codes c where c.expires_at < p_now - interval '1 day';
  get diagnostics v_count = row_count;
  kind := 'sign_in_codes'; removed := v_count; return next;
end
$$;
revoke execute on function embedded_auth.purge_expired(timestamptz) from public;
