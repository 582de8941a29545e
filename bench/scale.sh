#!/usr/bin/env bash
# The search figures of docs/PERFORMANCE.md ("Search at scale"): for each size, a fresh demo database grown
# with `demo generate --patients N` (which ends with ANALYZE), a Release host in Production, a
# client-credentials token, each request warmed up, then the median of nine sequential requests, as the
# issue that asked for it measured. Beside the figures, SQLite's EXPLAIN QUERY PLAN for every statement
# each search ran, taken from a second start of the host with EF Core's command log on (the statements
# are the host's own; their parameters are left unbound, which does not change SQLite's plan).
# On PostgreSQL (SCALE_PROVIDER=postgres: a throwaway cluster from build/postgres.sh, one database per size)
# the plans are PostgreSQL's own auto_explain output for the statements as executed, with their values.
#   SCALE_SIZES="1000 100000 1000000" bench/scale.sh      # default sizes
#   SCALE_PROVIDER=postgres bench/scale.sh                # sqlite (default) or postgres
#   SCALE_OUT=docs/scale                                  # where the plans are written
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
sizes=${SCALE_SIZES:-1000 100000 1000000}
out=${SCALE_OUT:-$root/docs/scale}
provider=${SCALE_PROVIDER:-sqlite}
case "$provider" in sqlite|postgres) ;; *) echo "SCALE_PROVIDER must be sqlite or postgres" >&2; exit 2 ;; esac
port=5095
url=http://127.0.0.1:$port
host_dll=host/ModularEmr.Host/bin/Release/net10.0/ModularEmr.Host.dll
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
command -v sqlite3 >/dev/null || { apt-get update -qq && apt-get install -y -qq sqlite3; }
dotnet build -c Release host/ModularEmr.Host >/dev/null
mkdir -p "$out"

work=$(mktemp -d)
chmod 755 "$work"
host_pid=
stop_host() { [ -n "$host_pid" ] && kill "$host_pid" 2>/dev/null && wait "$host_pid" 2>/dev/null || true; host_pid=; }
trap 'stop_host; if [ "$provider" = postgres ]; then build/postgres.sh stop "$work/pg" || true; fi; rm -rf "$work"' EXIT

database=()   # the host's and the generator's database arguments for the size being measured
if [ "$provider" = postgres ]; then
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq postgresql; }
  pgport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  server=$(build/postgres.sh start "$work/pg" "$pgport")
  psql_emr() { psql -h 127.0.0.1 -p "$pgport" -U emr -d postgres -Atq -c "$1"; }
fi

start_host() { # data log [extra args]
  local data=$1 log=$2; shift 2
  ASPNETCORE_ENVIRONMENT=Production Logging__LogLevel__Default=Warning Emr__PublicOrigin=$url \
    dotnet $host_dll --urls $url --data "$data" --modules "$root/modules.json" --demo "${database[@]}" "$@" >"$log" 2>&1 &
  host_pid=$!
  for _ in $(seq 1 240); do curl -sf -o /dev/null $url/health && return 0; sleep 0.5; done
  echo "host did not start:" >&2; tail -n 30 "$log" >&2; return 1
}

token() {
  curl -sf -u xyz-emr:xyz-emr-secret --data-urlencode grant_type=client_credentials --data-urlencode "scope=$1" $url/ws/oauth2/token \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])'
}

names=(read family name birthdate identifier none rest)
paths=(
  /ws/fhir/Patient/dda12af7-1691-11df-97a5-7038c432aabf
  "/ws/fhir/Patient?family=Garc"
  "/ws/fhir/Patient?name=Jose"
  "/ws/fhir/Patient?birthdate=ge2010-01-01"
  "/ws/fhir/Patient?identifier=S000000500"
  "/ws/fhir/Patient?_count=10"
  "/ws/rest/v1/patient?q=Nguyen&v=default"
)

# The median of nine sequential requests, in ms, after sixty unmeasured ones (tiered JIT compiles a method
# after 30 calls and a pause; fewer measured the JIT, not the query); any answer but 200 fails the run.
median() { # path token
  for _ in $(seq 60); do curl -s -o /dev/null -H "Authorization: Bearer $2" "$url$1"; done
  sleep 1
  for _ in $(seq 9); do
    curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -H "Authorization: Bearer $2" "$url$1"
  done | python3 -c '
import sys, statistics
rows = [l.split() for l in sys.stdin]
bad = [c for c, _ in rows if c != "200"]
if bad: sys.exit(f"answered {bad[0]}")
print(f"{statistics.median(float(t) for _, t in rows) * 1000:.1f}")'
}

echo "| patients | $(printf '%s | ' "${names[@]}")"
for size in $sizes; do
  data=$work/data-$size
  if [ "$provider" = postgres ]; then
    psql_emr "CREATE DATABASE emr_$size"
    database=(--Emr:Database:Provider=postgres "--ConnectionStrings:Emr=${server/Database=postgres/Database=emr_$size}")
  fi
  start_host "$data" "$work/first.log"; stop_host
  generated=$( { /usr/bin/time -f %e dotnet $host_dll demo generate --patients "$size" --data "$data" --modules "$root/modules.json" "${database[@]}" >"$work/generate.log"; } 2>&1 )
  # A bulk load leaves PostgreSQL writing its dirty pages out for minutes (checkpoint_completion_target
  # spreads them over checkpoint_timeout); on two cores that competes with the requests being timed.
  if [ "$provider" = postgres ]; then psql_emr "CHECKPOINT"; fi
  start_host "$data" "$work/host.log"
  fhir=$(token system/Patient.rs); rest=$(token rest.read)
  row="| $size"
  for i in "${!paths[@]}"; do
    [ "${names[$i]}" = rest ] && t=$rest || t=$fhir
    row="$row | $(median "${paths[$i]}" "$t")"
  done
  echo "$row |   (generated in ${generated} s)"
  stop_host

  # The plans: one request of each search, its statements split out by request.
  if [ "$provider" = postgres ]; then
    # auto_explain logs the plan of every statement the host's new connections run, with the values bound.
    psql_emr "ALTER DATABASE emr_$size SET session_preload_libraries = 'auto_explain'"
    psql_emr "ALTER DATABASE emr_$size SET auto_explain.log_min_duration = 0"
    plans=$out/explain-postgres-$size.txt
    start_host "$data" "$work/log-$size"
  else
    plans=$out/explain-$size.txt
    start_host "$data" "$work/log-$size" --Logging:LogLevel:Microsoft.EntityFrameworkCore.Database.Command=Information
  fi
  fhir=$(token system/Patient.rs); rest=$(token rest.read)
  : >"$plans"
  for i in "${!paths[@]}"; do
    [ "${names[$i]}" = read ] && continue
    [ "${names[$i]}" = rest ] && t=$rest || t=$fhir
    curl -s -o /dev/null -H "Authorization: Bearer $t" "$url${paths[$i]}"    # warm: caches and the token's lookups
    if [ "$provider" = postgres ]; then
      sleep 0.3; before=$(wc -l <"$work/pg/log")
      curl -s -o /dev/null -H "Authorization: Bearer $t" "$url${paths[$i]}"
      sleep 0.3
      { echo "## ${names[$i]}: ${paths[$i]}"; echo
        tail -n +"$((before + 1))" "$work/pg/log" | sed -E 's/^[0-9-]+ [0-9:.]+ [A-Z]+ \[[0-9]+\] //' | sed 's/^/    /'
        echo
      } >>"$plans"
      continue
    fi
    before=$(wc -l <"$work/log-$size")
    curl -s -o /dev/null -H "Authorization: Bearer $t" "$url${paths[$i]}"
    sleep 0.3
    tail -n +"$((before + 1))" "$work/log-$size" | python3 "$root/bench/scale-statements.py" >"$work/statements.sql"
    { echo "## ${names[$i]}: ${paths[$i]}"; echo
      while IFS= read -r -d $'\0' statement; do
        echo '```sql'; echo "$statement"; echo '```'
        printf 'EXPLAIN QUERY PLAN %s;\n' "$statement" | sqlite3 "$data/emr.db" | sed 's/^/    /'
        echo
      done <"$work/statements.sql"
    } >>"$plans"
  done
  stop_host
  rm -rf "$data"
  if [ "$provider" = postgres ]; then psql_emr "DROP DATABASE emr_$size"; fi
done
