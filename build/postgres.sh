#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests and benchmarks: build/postgres.sh start DIR PORT | stop DIR
# Debian's server (apt-get install postgresql) run by the postgres user (initdb refuses root), trust
# authentication on 127.0.0.1 only, the superuser 'emr'. Prints the connection string on start.
# PG_DURABLE=off skips the flush to disk at commit (for throwaway test clusters).
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
    # PG_DURABLE=off (the test run's): no flush to disk at commit. The cluster is thrown away after the run, so
    # a crash of the machine loses nothing a test needs, and the hundreds of migrations the tests run (a
    # database per host) stop waiting on the disk. Benchmarks keep the default, durable commits.
    durability="-c fsync=on"
    [ "${PG_DURABLE:-on}" = off ] && durability="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    as_owner "'$bin/pg_ctl' -D '$dir/db' -w -o \"-p $port -k '$dir' -c listen_addresses=127.0.0.1 -c max_connections=300 $durability\" -l '$dir/log' start >/dev/null"
    echo "Host=127.0.0.1;Port=$port;Username=emr;Database=postgres"
    ;;
  stop)
    as_owner "'$bin/pg_ctl' -D '$dir/db' -m fast stop >/dev/null" || true
    ;;
  *) echo "usage: $0 start DIR PORT | stop DIR" >&2; exit 2 ;;
esac
