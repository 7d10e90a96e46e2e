#!/usr/bin/env bash
# Load test of a running server over loopback with wrk: the demo scheme plus 10,000 items, then
# item search, facility search and a record read, each for a fixed duration.
# Usage: scripts/bench.sh [--db DSN] [--duration 10s] [--connections 16]
# Without --db the demo is built in a temporary SQLite file; pass a postgres:// URL for PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."

db="" duration=10s connections=16
while [ $# -gt 0 ]; do
  case "$1" in
    --db) db=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }

work=$(mktemp -d)
trap 'kill "$server" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT
[ -n "$db" ] || db="$work/bench.db"
go build -o "$work/openimis" ./cmd/openimis
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo 18181)
"$work/openimis" demo --db "$db" --addr "127.0.0.1:$port" --extra-items 10000 >"$work/out" 2>"$work/err" &
server=$!
base="http://127.0.0.1:$port"
for _ in $(seq 1 300); do curl -sf "$base/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
engine=$(grep -o 'database [a-z]*' "$work/out" | cut -d' ' -f2)
token=$(curl -sf -X POST "$base/rest/api/login" -d '{"UserName":"Admin","Password":"admin123"}' | sed 's/.*"access_token":"\([^"]*\)".*/\1/')
hf=$(curl -sf -H "Authorization: Bearer $token" "$base/api/registers/health-facilities?size=1" | sed 's/.*"items":\[{[^}]*"id":"\([^"]*\)".*/\1/')

echo "engine: $engine, duration $duration, $connections connections, 2 threads"
for path in "/api/registers/items?q=medicine+12" "/api/registers/items?q=X0999" "/api/registers/health-facilities?level=H" "/api/registers/health-facilities/$hf"; do
  echo "== GET $path"
  wrk -t2 -c"$connections" -d"$duration" --latency -H "Authorization: Bearer $token" "$base$path" | grep -E 'Latency|50%|99%|Requests/sec|Non-2xx'
done
