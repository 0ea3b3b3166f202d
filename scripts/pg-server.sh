#!/usr/bin/env bash
# A throwaway PostgreSQL on loopback for the tests (and for trying pgml-cli by hand).
#   scripts/pg-server.sh start DIR PORT   initdb DIR (owned by the postgres user), start it on 127.0.0.1:PORT
#                                         with its socket in DIR; prints the connection URL (TCP
#                                         logins need the password, in the URL; the socket trusts)
#   scripts/pg-server.sh stop DIR         stops the server of DIR (by its postmaster.pid) and removes DIR
# Installs PostgreSQL from Debian's packages when its binaries are missing (idempotent).
set -euo pipefail

bin=""
for v in 17 16 15; do
  [ -x "/usr/lib/postgresql/$v/bin/initdb" ] && { bin="/usr/lib/postgresql/$v/bin"; break; }
done
install() {
  echo "pg-server: installing postgresql" >&2
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql >/dev/null
  for v in 17 16 15; do
    [ -x "/usr/lib/postgresql/$v/bin/initdb" ] && { bin="/usr/lib/postgresql/$v/bin"; break; }
  done
}
# initdb refuses to run as root: the cluster belongs to the postgres user.
as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "${1:-}" in
  install)
    [ -n "$bin" ] || install
    ;;
  start)
    dir=${2:?DIR}; port=${3:?PORT}
    [ -n "$bin" ] || install
    [ -n "$bin" ] || { echo "pg-server: no PostgreSQL binaries" >&2; exit 1; }
    mkdir -p "$dir"
    # The postgres user must reach DIR: a test's private temporary parent (mode 700) gets o+x.
    [ "$(id -u)" -eq 0 ] && chmod o+x "$(dirname "$dir")"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
    chmod 700 "$dir"
    # A password on TCP, so tests can try wrong ones; the socket in DIR needs none.
    password=pgml-test-secret
    echo "$password" > "$dir/pwfile"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$dir/pwfile"
    as_postgres "$bin/initdb" -D "$dir/data" -U postgres --auth-host=scram-sha-256 --auth-local=trust \
      --pwfile="$dir/pwfile" -E UTF8 --no-sync >/dev/null
    as_postgres "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -o \
      "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off" start >/dev/null
    echo "postgresql://postgres:$password@127.0.0.1:$port/postgres"
    ;;
  stop)
    dir=${2:?DIR}
    if [ -f "$dir/data/postmaster.pid" ] && [ -n "$bin" ]; then
      as_postgres "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || \
        kill -9 "$(head -1 "$dir/data/postmaster.pid")" 2>/dev/null || true
    fi
    rm -rf "$dir"
    ;;
  *)
    echo "usage: $0 install | start DIR PORT | stop DIR" >&2; exit 2 ;;
esac
