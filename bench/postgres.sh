#!/usr/bin/env bash
# The PostgreSQL figures of docs/PERFORMANCE.md ("PostgreSQL"): Release hosts with demo data on one
# throwaway PostgreSQL 15 cluster (build/postgres.sh, fsync on), a bare ASP.NET Core baseline serving the
# same Patient bytes, and a host on SQLite for comparison, all measured in this run on loopback:
#   1. token-checked FHIR reads and client-credentials tokens: baseline, SQLite, one PostgreSQL instance,
#      two PostgreSQL instances on the one database (the load split between them);
#   2. mixed load (tokens + reads + REST name writes) on one instance and split over two;
#   3. what a token-checked read asks PostgreSQL: index scans per read, from pg_stat_user_tables.
# Every stream is warmed up first. Exits non-zero on any error response or a lost acknowledged write.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
export BENCH_DIR="$root/bench" DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
duration=${BENCH_DURATION:-10}
warmup=${BENCH_WARMUP:-20}

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq postgresql; }
dotnet build -c Release host/ModularEmr.Host >/dev/null
dotnet build -c Release bench/Baseline >/dev/null
dotnet build -c Release bench/Writers >/dev/null

work=$(mktemp -d)
chmod 755 "$work"
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; build/postgres.sh stop "$work/pg" >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT
wait_for() { for _ in $(seq 1 240); do curl -sf -o /dev/null "$1" && return 0; sleep 0.5; done; echo "not up: $1" >&2; return 1; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

pgport=$(free_port)
server=$(build/postgres.sh start "$work/pg" "$pgport")
psql_emr() { psql -h 127.0.0.1 -p "$pgport" -U emr -d "$1" -Atq -c "$2"; }
psql_emr postgres "CREATE DATABASE emr"
connection="${server/Database=postgres/Database=emr}"

host() { # name port provider origin
  local name=$1 port=$2 provider=$3 origin=$4
  local -a env=(ASPNETCORE_ENVIRONMENT=Production Logging__LogLevel__Default=Warning Emr__PublicOrigin=$origin)
  [ "$provider" = postgres ] && env+=(Emr__Database__Provider=postgres "ConnectionStrings__Emr=$connection")
  env "${env[@]}" dotnet host/ModularEmr.Host/bin/Release/net10.0/ModularEmr.Host.dll \
    --urls "http://127.0.0.1:$port" --data "$work/data-$name" --modules "$root/modules.json" --demo >"$work/host-$name.log" 2>&1 &
  pids+=("$!")
  wait_for "http://127.0.0.1:$port/health"
}
# The two PostgreSQL instances have one public origin, as behind a load balancer: one issuer for both.
host a 5090 postgres http://127.0.0.1:5090
host b 5091 postgres http://127.0.0.1:5090
host sqlite 5092 sqlite http://127.0.0.1:5092

token_at() { # port scope
  curl -sf -u xyz-emr:xyz-emr-secret --data-urlencode grant_type=client_credentials --data-urlencode "scope=$2" "http://127.0.0.1:$1/ws/oauth2/token" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])'
}
patient=/ws/fhir/Patient/dda12af7-1691-11df-97a5-7038c432aabf
read_a=$(token_at 5090 system/Patient.rs)
read_sqlite=$(token_at 5092 system/Patient.rs)
write_token=$(token_at 5090 'rest.read rest.write')
curl -sf -H "Authorization: Bearer $read_a" "http://127.0.0.1:5091$patient" >"$work/alice.json" # A's token, read at B
dotnet bench/Baseline/bin/Release/net10.0/ModularEmr.Bench.Baseline.dll --urls http://127.0.0.1:5081 --PatientFile "$work/alice.json" >"$work/baseline.log" 2>&1 &
pids+=("$!")
wait_for "http://127.0.0.1:5081$patient"
person=$(psql_emr emr "SELECT p.uuid FROM person p JOIN patient t ON t.person_id = p.id WHERE p.uuid <> 'dda12af7-1691-11df-97a5-7038c432aabf' ORDER BY p.id LIMIT 1")
basic=$(printf 'xyz-emr:xyz-emr-secret' | base64 -w0)

# drive KIND PORT CONNECTIONS SECONDS [FAMILY]: one JSON line on stdout
drive() {
  local kind=$1 port=$2 connections=$3 seconds=$4 family=${5:-}
  case $kind in
    read) READ_PATH=$patient BEARER="$([ "$port" = 5092 ] && echo "$read_sqlite" || echo "$read_a")" \
            wrk -t1 -c"$connections" -d"${seconds}s" -s bench/wrk/read.lua "http://127.0.0.1:$port" | tail -n 1 ;;
    token) TOKEN_PATH=/ws/oauth2/token SCOPE=system/Patient.rs BASIC="$basic" \
            wrk -t1 -c"$connections" -d"${seconds}s" -s bench/wrk/token.lua "http://127.0.0.1:$port" | tail -n 1 ;;
    write) dotnet bench/Writers/bin/Release/net10.0/ModularEmr.Bench.Writers.dll --url "http://127.0.0.1:$port" --token "$write_token" \
            --person "$person" --family "$family" --connections "$connections" --seconds "$seconds" --acknowledged "$work/acknowledged-$family-$port" ;;
  esac
}

# measure NAME SECONDS "KIND PORT CONNECTIONS"...: runs the streams at once; sums them per kind into results
measure() {
  local name=$1 seconds=$2; shift 2
  local -a running=() outputs=()
  local i=0
  for spec in "$@"; do
    read -r kind port connections <<<"$spec"
    drive "$kind" "$port" "$connections" "$seconds" "$name" >"$work/out-$name-$i" &
    running+=("$!"); outputs+=("$kind:$work/out-$name-$i"); i=$((i + 1))
  done
  wait "${running[@]}"
  for output in "${outputs[@]}"; do echo "$name ${output%%:*} $(cat "${output#*:}")" >>"$work/results"; done
}

# Warm every path on every host together, then each configuration alone.
measure warmup "$warmup" "read 5090 8" "read 5091 8" "read 5092 8" "token 5090 4" "token 5091 4" "token 5092 4" "write 5090 4" "write 5091 4" "read 5081 4"
measure baseline_read "$duration" "read 5081 16"
measure sqlite_read "$duration" "read 5092 16"
measure pg1_read "$duration" "read 5090 16"
measure pg2_read "$duration" "read 5090 8" "read 5091 8"
measure sqlite_token "$duration" "token 5092 16"
measure pg1_token "$duration" "token 5090 16"
measure pg2_token "$duration" "token 5090 8" "token 5091 8"
measure pg1_write "$duration" "write 5090 8"
measure pg2_write "$duration" "write 5090 4" "write 5091 4"
measure pg1_mixed "$duration" "token 5090 8" "read 5090 16" "write 5090 8"
measure pg2_mixed "$duration" "token 5090 4" "token 5091 4" "read 5090 8" "read 5091 8" "write 5090 4" "write 5091 4"

# What one token-checked read asks the database: index scans per read, by table.
scans() { psql_emr emr "SELECT pg_stat_clear_snapshot(); SELECT relname || ' ' || (coalesce(idx_scan, 0) + coalesce(seq_scan, 0)) FROM pg_stat_user_tables ORDER BY relname" | grep -v '^$'; }
# An idle backend flushes its table statistics up to 10 s late (PostgreSQL 15, PGSTAT_IDLE_INTERVAL): wait
# that out on both sides, or the foreign-key probes of the write runs above are counted against the reads.
sleep 12; scans >"$work/scans-before"
reads=1000
for _ in $(seq 1 $reads); do curl -sf -o /dev/null -H "Authorization: Bearer $read_a" "http://127.0.0.1:5091$patient"; done
sleep 12; scans >"$work/scans-after"

python3 - "$work" "$person" "$reads" <<'PY'
import json, subprocess, sys
from collections import defaultdict
work, person, reads = sys.argv[1], sys.argv[2], int(sys.argv[3])
runs = defaultdict(list)
for line in open(f"{work}/results"):
    name, kind, data = line.split(" ", 2)
    runs[(name, kind)].append(json.loads(data))
def total(name, kind):
    parts = runs[(name, kind)]
    return {"rps": sum(p["rps"] for p in parts), "p50_ms": max(p["p50_ms"] for p in parts), "p99_ms": max(p["p99_ms"] for p in parts),
            "errors": sum(p["non2xx"] + p["socket_errors"] for p in parts)}
labels = [
    ("baseline_read", "read", "bare ASP.NET Core: same Patient bytes"),
    ("sqlite_read", "read", "SQLite host: token-checked FHIR read"),
    ("pg1_read", "read", "PostgreSQL, 1 instance: FHIR read"),
    ("pg2_read", "read", "PostgreSQL, 2 instances: FHIR read"),
    ("sqlite_token", "token", "SQLite host: client-credentials token"),
    ("pg1_token", "token", "PostgreSQL, 1 instance: token"),
    ("pg2_token", "token", "PostgreSQL, 2 instances: token"),
    ("pg1_write", "write", "PostgreSQL, 1 instance: REST name additions"),
    ("pg2_write", "write", "PostgreSQL, 2 instances: REST name additions"),
    ("pg1_mixed", "token", "PostgreSQL, 1 instance, mixed: tokens"),
    ("pg1_mixed", "read", "PostgreSQL, 1 instance, mixed: reads"),
    ("pg1_mixed", "write", "PostgreSQL, 1 instance, mixed: writes"),
    ("pg2_mixed", "token", "PostgreSQL, 2 instances, mixed: tokens"),
    ("pg2_mixed", "read", "PostgreSQL, 2 instances, mixed: reads"),
    ("pg2_mixed", "write", "PostgreSQL, 2 instances, mixed: writes"),
]
print(f"| {'what':<42} | {'requests/s':>10} | {'p50 ms':>7} | {'p99 ms':>7} | {'errors':>6} |")
print(f"|{'-'*44}|{'-'*12}|{'-'*9}|{'-'*9}|{'-'*8}|")
for name, kind, label in labels:
    r = total(name, kind)
    print(f"| {label:<42} | {r['rps']:>10.0f} | {r['p50_ms']:>7.2f} | {r['p99_ms']:>7.2f} | {r['errors']:>6} |")
rps = lambda name, kind: total(name, kind)["rps"]
print()
print(f"token-checked read on PostgreSQL: {rps('pg1_read', 'read') / rps('baseline_read', 'read'):.2f} x bare baseline (target >= 0.3)")
print(f"  on SQLite: {rps('sqlite_read', 'read') / rps('baseline_read', 'read'):.2f} x; PostgreSQL/SQLite {rps('pg1_read', 'read') / rps('sqlite_read', 'read'):.2f}")
print(f"two instances / one, reads: {rps('pg2_read', 'read') / rps('pg1_read', 'read'):.2f}; tokens: {rps('pg2_token', 'token') / rps('pg1_token', 'token'):.2f} (one machine, 2 cores: see the text)")
print(f"tokens on PostgreSQL / SQLite: {rps('pg1_token', 'token') / rps('sqlite_token', 'token'):.2f}")
before = dict(line.rsplit(" ", 1) for line in open(f"{work}/scans-before").read().split("\n") if line)
after = dict(line.rsplit(" ", 1) for line in open(f"{work}/scans-after").read().split("\n") if line)
print(f"table scans (index or sequential) per token-checked read ({reads} reads one after another at instance B):", ", ".join(
    f"{table} {(int(after[table]) - int(before.get(table, 0))) / reads:.2f}" for table in sorted(after) if int(after[table]) != int(before.get(table, 0))))
mismatches = 0
for name in ("warmup", "pg1_write", "pg2_write", "pg1_mixed", "pg2_mixed"):
    acknowledged = set()
    for port in ("5090", "5091"):
        try:
            acknowledged |= set(open(f"{work}/acknowledged-{name}-{port}").read().split())
        except FileNotFoundError:
            pass
    stored = set(subprocess.run(["psql", "-h", "127.0.0.1", "-p", open(f"{work}/pg/db/postmaster.pid").read().split("\n")[3], "-U", "emr", "-d", "emr", "-Atq", "-c",
        f"SELECT n.uuid FROM person_name n JOIN person p ON p.id = n.person_id WHERE p.uuid = '{person}' AND n.family_name = '{name}'"],
        capture_output=True, text=True, check=True).stdout.split())
    missing, extra = len(acknowledged - stored), len(stored - acknowledged)
    mismatches += missing + extra
    print(f"writes {name}: {len(acknowledged)} acknowledged, {len(stored)} stored, {missing} acknowledged but not stored, {extra} stored but not acknowledged")
for (name, kind) in runs:
    if total(name, kind)["errors"]:
        print(f"errors in {name} {kind}: " + "; ".join(f"{p['non2xx']} non-2xx, {p['socket_errors']} socket (connect, read, write, timeout)" for p in runs[(name, kind)]))
errors = sum(total(name, kind)["errors"] for name, kind in runs)
print(f"error responses and socket errors during the runs: {errors}")
sys.exit(1 if errors or mismatches else 0)
PY
