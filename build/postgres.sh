#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests and benchmarks: build/postgres.sh start DIR PORT | stop DIR
# Debian's server (apt-get install postgresql) run by the postgres user (initdb refuses root), trust
# authentication on 127.0.0.1 only, the superuser 'emr'. Prints the connection string on start.
set -euo pipefail
action="$1" dir="$2"
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
as_owner() { if [ "$(id -u)" -eq 0 ]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi; }
case "$action" in
  start)
    port="$3"
    mkdir -p "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres "$dir"
    as_owner "'$bin/initdb' -D '$dir/db' -A trust -U emr -E UTF8 --no-locale >'$dir/initdb.log'"
    as_owner "'$bin/pg_ctl' -D '$dir/db' -w -o \"-p $port -k '$dir' -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=on\" -l '$dir/log' start >/dev/null"
    echo "Host=127.0.0.1;Port=$port;Username=emr;Database=postgres"
    ;;
  stop)
    as_owner "'$bin/pg_ctl' -D '$dir/db' -m fast stop >/dev/null" || true
    ;;
  *) echo "usage: $0 start DIR PORT | stop DIR" >&2; exit 2 ;;
esac
