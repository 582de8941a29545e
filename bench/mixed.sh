#!/usr/bin/env bash
# The mixed load of docs/PERFORMANCE.md ("Under mixed load"): one Release host with demo data on SQLite
# (synchronous=FULL), three streams on loopback — client-credentials tokens (wrk, 16 connections), FHIR
# reads of Alice's Patient (wrk, 32 connections), REST name additions to one other person (bench/Writers,
# 16 connections) — first each alone, then all at once. Prints each stream's rate, p50/p99 and errors
# alone and mixed, the mixed/alone ratios, the host's peak RSS, and whether every acknowledged write is
# stored and nothing else is. Exits non-zero on any error response, socket error or mismatch.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
export BENCH_DIR="$root/bench" DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
duration=${BENCH_DURATION:-30}
# Every path (token endpoint, FHIR read, REST write) is driven together first, until tiered JIT settles.
warmup=${BENCH_WARMUP:-30}

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
dotnet build -c Release host/ModularEmr.Host >/dev/null
dotnet build -c Release bench/Writers >/dev/null

work=$(mktemp -d)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
wait_for() { for _ in $(seq 1 120); do curl -sf -o /dev/null "$1" && return 0; sleep 0.5; done; echo "not up: $1" >&2; return 1; }

url=http://127.0.0.1:5080
ASPNETCORE_ENVIRONMENT=Production Logging__LogLevel__Default=Warning Emr__PublicOrigin=$url \
  dotnet host/ModularEmr.Host/bin/Release/net10.0/ModularEmr.Host.dll \
  --urls $url --data "$work/data" --modules "$root/modules.json" --demo >"$work/host.log" 2>&1 &
host_pid=$!; pids+=("$host_pid")
wait_for $url/health

client_token() {
  curl -sf -u xyz-emr:xyz-emr-secret --data-urlencode grant_type=client_credentials --data-urlencode "scope=$1" $url/ws/oauth2/token \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])'
}
read_token=$(client_token system/Patient.rs)
write_token=$(client_token 'rest.read rest.write')
patient=/ws/fhir/Patient/dda12af7-1691-11df-97a5-7038c432aabf
# Names go to a person other than the one read, as in a ward: one chart edited, another polled.
person=$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT p.uuid FROM person p JOIN patient t ON t.person_id = p.id WHERE p.uuid <> ? ORDER BY p.id LIMIT 1", ("dda12af7-1691-11df-97a5-7038c432aabf",)).fetchone()[0])' "$work/data/emr.db")
basic=$(printf 'xyz-emr:xyz-emr-secret' | base64 -w0)

# stream phase seconds: one JSON line into $work/results, prefixed with "stream phase".
stream() {
  local name=$1 phase=$2 seconds=$3 line
  case $name in
    tokens) line=$(TOKEN_PATH=/ws/oauth2/token SCOPE=system/Patient.rs BASIC="$basic" wrk -t1 -c16 -d"${seconds}s" -s bench/wrk/token.lua $url | tail -n 1) ;;
    reads) line=$(READ_PATH=$patient BEARER="$read_token" wrk -t1 -c32 -d"${seconds}s" -s bench/wrk/read.lua $url | tail -n 1) ;;
    writes) line=$(dotnet bench/Writers/bin/Release/net10.0/ModularEmr.Bench.Writers.dll --url $url --token "$write_token" \
      --person "$person" --family "Load-$phase" --connections 16 --seconds "$seconds" --acknowledged "$work/acknowledged-$phase") ;;
  esac
  echo "$name $phase $line" >>"$work/results"
}

# All three streams at once, waiting for them only (the host runs in the background too).
together() {
  local phase=$1 seconds=$2 running=()
  for name in tokens reads writes; do stream $name "$phase" "$seconds" & running+=("$!"); done
  wait "${running[@]}"
}

together warmup "$warmup"
for name in tokens reads writes; do stream $name alone "$duration"; done
together mixed "$duration"
rss_kib=$(awk '/VmHWM/ {print $2}' "/proc/$host_pid/status")

python3 - "$work" "$rss_kib" "$person" <<'PY'
import json, sqlite3, sys
work, rss_kib, person = sys.argv[1], int(sys.argv[2]), sys.argv[3]
rows = {}
for line in open(f"{work}/results"):
    name, phase, data = line.split(" ", 2)
    rows[(name, phase)] = json.loads(data)
labels = {"tokens": "client-credentials tokens", "reads": "FHIR reads of one Patient", "writes": "REST name additions, one person"}
print(f"| {'stream':<34} | {'phase':<5} | {'requests/s':>10} | {'p50 ms':>7} | {'p99 ms':>7} | {'errors':>6} |")
print(f"|{'-'*36}|{'-'*7}|{'-'*12}|{'-'*9}|{'-'*9}|{'-'*8}|")
for name, label in labels.items():
    for phase in ("alone", "mixed"):
        r = rows[(name, phase)]
        print(f"| {label:<34} | {phase:<5} | {r['rps']:>10.0f} | {r['p50_ms']:>7.2f} | {r['p99_ms']:>7.2f} | {r['non2xx'] + r['socket_errors']:>6} |")
print()
for name, label in labels.items():
    print(f"{label}: mixed/alone {rows[(name, 'mixed')]['rps'] / rows[(name, 'alone')]['rps']:.2f}" + (" (target >= 0.5)" if name != "writes" else ""))
print(f"name additions, 16 writers alone: {rows[('writes', 'alone')]['rps']:.0f}/s (target >= 850), p99 {rows[('writes', 'alone')]['p99_ms']:.1f} ms (target <= 50)")
print(f"host peak RSS: {rss_kib / 1024:.0f} MiB (target <= 400)")

db = sqlite3.connect(f"{work}/data/emr.db")
mismatches = 0
for phase in ("warmup", "alone", "mixed"):
    acknowledged = set(open(f"{work}/acknowledged-{phase}").read().split())
    stored = {uuid for (uuid,) in db.execute(
        "SELECT n.uuid FROM person_name n JOIN person p ON p.id = n.person_id WHERE p.uuid = ? AND n.family_name = ?", (person, f"Load-{phase}"))}
    missing, unacknowledged = len(acknowledged - stored), len(stored - acknowledged)
    mismatches += missing + unacknowledged
    print(f"writes {phase}: {len(acknowledged)} acknowledged, {len(stored)} stored, {missing} acknowledged but not stored, {unacknowledged} stored but not acknowledged")
preferred = db.execute("SELECT count(*) FROM person_name n JOIN person p ON p.id = n.person_id WHERE p.uuid = ? AND n.preferred = 1 AND n.voided = 0", (person,)).fetchone()[0]
print(f"preferred names of the person written to: {preferred} (must be 1)")
errors = sum(r["non2xx"] + r["socket_errors"] for r in rows.values())
print(f"error responses and socket errors during the runs: {errors}")
sys.exit(1 if errors or mismatches or preferred != 1 else 0)
PY
