#!/usr/bin/env bash
# One command for the numbers of docs/PERFORMANCE.md: builds in Release, starts ModularEmr with demo
# data, a bare ASP.NET Core baseline serving the same Patient bytes, and node oidc-provider, drives
# each with wrk on loopback, and prints requests/s, p50/p99 latency, the ratios and the host's peak RSS;
# first, BenchmarkDotNet measures IOAuth2Service.ValidateTokenAsync against a bare JWT validation.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
export BENCH_DIR="$root/bench" DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
duration=${BENCH_DURATION:-10s}
threads=${BENCH_THREADS:-2}
connections=${BENCH_CONNECTIONS:-16}
# Long enough for tiered JIT to settle on the token endpoint: OpenIddict runs hundreds of generic
# handlers, and until they reach tier 1 it answers at a third of its steady rate.
warmup=${BENCH_WARMUP:-30s}

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
(cd bench/peers && npm ci --no-audit --no-fund --silent)
dotnet build -c Release host/ModularEmr.Host >/dev/null
dotnet build -c Release bench/Baseline >/dev/null
dotnet build -c Release bench/Validation >/dev/null

work=$(mktemp -d)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

wait_for() { for _ in $(seq 1 120); do curl -sf -o /dev/null "$1" && return 0; sleep 0.5; done; echo "not up: $1" >&2; return 1; }

# In process and alone on the machine, before any server starts.
(cd bench/Validation && dotnet bin/Release/net10.0/ModularEmr.Bench.Validation.dll --artifacts "$work/validation" >"$work/validation.log" 2>&1) \
  || { tail -n 40 "$work/validation.log"; exit 1; }
sed -n '/^| Method/,/^$/p' "$work/validation.log"

ASPNETCORE_ENVIRONMENT=Production Logging__LogLevel__Default=Warning Emr__PublicOrigin=http://127.0.0.1:5080 \
  dotnet host/ModularEmr.Host/bin/Release/net10.0/ModularEmr.Host.dll \
  --urls http://127.0.0.1:5080 --data "$work/data" --modules "$root/modules.json" --demo >"$work/host.log" 2>&1 &
host_pid=$!; pids+=("$host_pid")
wait_for http://127.0.0.1:5080/health

token=$(curl -sf -u xyz-emr:xyz-emr-secret -d 'grant_type=client_credentials&scope=system/Patient.rs' http://127.0.0.1:5080/ws/oauth2/token | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
patient=/ws/fhir/Patient/dda12af7-1691-11df-97a5-7038c432aabf
curl -sf -H "Authorization: Bearer $token" "http://127.0.0.1:5080$patient" >"$work/alice.json"

dotnet bench/Baseline/bin/Release/net10.0/ModularEmr.Bench.Baseline.dll --urls http://127.0.0.1:5081 --PatientFile "$work/alice.json" >"$work/baseline.log" 2>&1 &
pids+=("$!")
PORT=5082 node bench/peers/oidc-provider.mjs >"$work/peer.log" 2>&1 &
pids+=("$!")
wait_for "http://127.0.0.1:5081$patient"
wait_for http://127.0.0.1:5082/.well-known/openid-configuration

# name url script env...
run() {
  local name=$1 url=$2 script=$3; shift 3
  env "$@" wrk -t"$threads" -c"$connections" -d"$warmup" -s "bench/wrk/$script" "$url" >/dev/null
  env "$@" wrk -t"$threads" -c"$connections" -d"$duration" -s "bench/wrk/$script" "$url" | tail -n 1 | sed "s/^/$name /" >>"$work/results"
}

basic_host=$(printf 'xyz-emr:xyz-emr-secret' | base64 -w0)
basic_peer=$(printf 'bench:bench-secret' | base64 -w0)
run host_token http://127.0.0.1:5080 token.lua TOKEN_PATH=/ws/oauth2/token SCOPE=system/Patient.rs BASIC="$basic_host"
run peer_token http://127.0.0.1:5082 token.lua TOKEN_PATH=/token SCOPE=system/Patient.rs BASIC="$basic_peer"
run host_read http://127.0.0.1:5080 read.lua READ_PATH="$patient" BEARER="$token"
run baseline_read http://127.0.0.1:5081 read.lua READ_PATH="$patient" BEARER=
rss_kib=$(awk '/VmHWM/ {print $2}' "/proc/$host_pid/status")

python3 - "$work/results" "$rss_kib" "$work/validation/results/ModularEmr.Bench.Validation.TokenValidationBenchmarks-report.csv" <<'PY'
import csv, json, sys
rows = {line.split(" ", 1)[0]: json.loads(line.split(" ", 1)[1]) for line in open(sys.argv[1])}
labels = {
    "host_token": "ModularEmr: client-credentials token",
    "peer_token": "node oidc-provider: client-credentials token",
    "host_read": "ModularEmr: GET Patient with bearer token",
    "baseline_read": "bare ASP.NET Core: same Patient bytes",
}
print(f"| {'what':<46} | {'requests/s':>10} | {'p50 ms':>7} | {'p99 ms':>7} | {'errors':>6} |")
print(f"|{'-'*48}|{'-'*12}|{'-'*9}|{'-'*9}|{'-'*8}|")
for key, label in labels.items():
    r = rows[key]
    print(f"| {label:<46} | {r['rps']:>10.0f} | {r['p50_ms']:>7.2f} | {r['p99_ms']:>7.2f} | {r['non2xx'] + r['socket_errors']:>6} |")
token_ratio = rows["host_token"]["rps"] / rows["peer_token"]["rps"]
read_ratio = rows["host_read"]["rps"] / rows["baseline_read"]["rps"]
print()
print(f"token issuance: {token_ratio:.2f} x node oidc-provider (target >= 1.0, goal 2.0)")
print(f"token-checked read: {read_ratio:.2f} x bare baseline (target >= 0.25, goal 0.5)")
validation = {row["Method"].strip("'\""): float(row["Ratio"]) for row in csv.DictReader(open(sys.argv[3]))}
print(f"ValidateTokenAsync, valid token seen before: {validation['ValidateTokenAsync: valid, seen before']:.2f} x a bare JWT validation (target <= 2.0)")
print(f"host peak RSS: {int(sys.argv[2]) / 1024:.0f} MiB")
errors = sum(r["non2xx"] + r["socket_errors"] for r in rows.values())
print(f"error responses during the runs: {errors}")
sys.exit(1 if errors else 0)
PY
