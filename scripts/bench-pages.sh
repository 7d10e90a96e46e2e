#!/usr/bin/env bash
# Page-load test of the screens at national scale over loopback: the demo with 62,500 families
# (about 253,000 insurees) served by `openimis serve`, then 20 users who log in through the
# login form (every other one the Clerk of one district, the rest Admin) open a mix of pages
# for 30 s: home, lists and searches with and without filters, a deep page, records, the
# enquiry and the administration registers (bench/pageload). Prints a markdown table per page
# and user: requests, errors, p50/p95/p99/max latency, and the page's time with no other user.
# Usage: scripts/bench-pages.sh [--db postgres://USER@HOST:PORT/DB] [--families 62500] [--users 20]
#                               [--duration 30s] [--timeout 10s] [--binary PATH] [--rebuild] [--drop]
# The demo takes minutes to build, so it is kept between runs: on SQLite in
# ${OPENIMIS_BENCH_CACHE:-~/.cache/openimis-bench}/pages-N.db; on PostgreSQL in the database
# openimis_pages_N, created on the server of --db (whose own database is only connected to).
# --rebuild builds it again, --drop removes it at the end. --binary measures that build of
# openimis instead of the working tree's, to compare with an earlier one; the server migrates
# the kept database to its own schema.
set -euo pipefail
caller=$PWD
cd "$(dirname "$0")/.."

db="" families=62500 users=20 duration=30s timeout=10s binary="" rebuild=false drop=false
while [ $# -gt 0 ]; do
  case "$1" in
    --db) db=$2; shift 2 ;;
    --families) families=$2; shift 2 ;;
    --users) users=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --timeout) timeout=$2; shift 2 ;;
    --binary) binary=$2; shift 2 ;;
    --rebuild) rebuild=true; shift ;;
    --drop) drop=true; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
case "$families" in ''|*[!0-9]*) echo "--families takes a number" >&2; exit 2 ;; esac
pg=false
case "$db" in postgres://*|postgresql://*) pg=true ;; "") ;; *) echo "--db takes a postgres:// URL; SQLite is the default" >&2; exit 2 ;; esac
cache=${OPENIMIS_BENCH_CACHE:-$HOME/.cache/openimis-bench}
mkdir -p "$cache"

work=$(mktemp -d)
server=""
stop() { [ -z "$server" ] || { kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; }; server=""; }
trap 'stop; rm -rf "$work"' EXIT

# Both programs are built before the server starts, so that compiling does not steal its CPU.
if [ -n "$binary" ]; then
  case "$binary" in /*) ;; *) binary=$caller/$binary ;; esac
  cp "$binary" "$work/openimis"
else
  go build -o "$work/openimis" ./cmd/openimis
fi
go build -o "$work/pageload" ./bench/pageload
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo 18183)
base="http://127.0.0.1:$port"

# A built database is marked as such (a file beside it, a comment on the PostgreSQL database), so
# that one left half-built by an interrupted run is built again.
if $pg; then
  command -v psql >/dev/null || { echo "psql is needed to create the database" >&2; exit 1; }
  name="openimis_pages_$families"
  dsn=$(printf '%s' "$db" | sed -E "s#^(postgres(ql)?://[^/?]*)(/[^?]*)?#\1/$name#")
  admin() { PGOPTIONS='-c client_min_messages=warning' psql -q -v ON_ERROR_STOP=1 -At "$db" -c "$1"; }
  built=$(admin "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = '$name'")
  if $rebuild || [ "$built" != "demo of $families families" ]; then
    admin "DROP DATABASE IF EXISTS $name WITH (FORCE)"
    admin "CREATE DATABASE $name"
    built=""
  fi
else
  dsn="$cache/pages-$families.db"
  built=$(cat "$dsn.built" 2>/dev/null || true)
  if $rebuild || [ -z "$built" ]; then
    rm -f "$dsn" "$dsn-wal" "$dsn-shm" "$dsn.built"
    built=""
  fi
fi

# serve starts the server on the database and waits until it answers.
serve() {
  "$work/openimis" "$@" --db "$dsn" --addr "127.0.0.1:$port" >"$work/out" 2>"$work/err" &
  server=$!
  local started
  started=$(date +%s)
  until curl -sf "$base/healthz" >/dev/null 2>&1; do
    kill -0 "$server" 2>/dev/null || { echo "the server stopped:" >&2; cat "$work/err" >&2; exit 1; }
    [ $(( $(date +%s) - started )) -lt 3600 ] || { echo "the server was not up after an hour" >&2; exit 1; }
    sleep 1
  done
}

if [ -z "$built" ]; then
  started=$(date +%s)
  serve demo --families "$families"
  took=$(( $(date +%s) - started ))
  stop
  echo "demo of $families families built in $took s"
  if $pg; then
    # The steady state of a running scheme: what autovacuum would do after the bulk load.
    psql -q -v ON_ERROR_STOP=1 "$dsn" -c "VACUUM ANALYZE"
    admin "COMMENT ON DATABASE $name IS 'demo of $families families'"
  else
    echo "demo of $families families, built in $took s" >"$dsn.built"
  fi
fi

serve serve
engine=$(grep -o 'database [a-z]*' "$work/out" | cut -d' ' -f2)
sleep 2 # the start-up catch-up of the daily jobs, if a day has passed since the build
build="the working tree at $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD 2>/dev/null || echo ' with changes')"
[ -z "$binary" ] || build=$binary
echo "engine: $engine, demo of $families families, $("$work/openimis" version) built from $build"
echo "load before: $(uptime)"
"$work/pageload" -url "$base" -users "$users" -duration "$duration" -timeout "$timeout"
echo "load after: $(uptime)"
stop

if $drop; then
  if $pg; then admin "DROP DATABASE $name WITH (FORCE)"; else rm -f "$dsn" "$dsn-wal" "$dsn-shm" "$dsn.built"; fi
fi
