#!/usr/bin/env bash
# Load test of the enquiry by insurance number over loopback: `openimis demo` with 62,500
# families (about 250,000 insurees), a photo of 30 KB on every tenth insuree, then
# GET /rest/api/insuree/{chfid}/enquire for random existing numbers, twice:
#   1. closed loop with wrk (throughput, and the latency at that saturation);
#   2. open loop at a constant rate with the Go load test (bench/loadgen_linux_test.go,
#      BenchmarkEnquiryOpenLoop), which times each request from when it was due, so that the
#      p99 at 1,000 req/s is honest (Debian's wrk has no constant-rate mode).
# Usage: scripts/bench-enquiry.sh [--db DSN] [--families 62500] [--duration 10s] [--connections 16]
#                                 [--rate 1000] [--seconds 20]
# Without --db the demo is built in a temporary SQLite file; pass a postgres:// URL of an empty
# scratch database for PostgreSQL (the demo refuses a database it did not build).
set -euo pipefail
cd "$(dirname "$0")/.."

db="" families=62500 duration=10s connections=16 rate=1000 seconds=20
while [ $# -gt 0 ]; do
  case "$1" in
    --db) db=$2; shift 2 ;;
    --families) families=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --rate) rate=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
pg=false
case "$db" in postgres://*|postgresql://*) pg=true ;; esac
if $pg; then
  command -v psql >/dev/null || { echo "psql is needed to add the photos" >&2; exit 1; }
else
  command -v sqlite3 >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq sqlite3 >/dev/null; }
fi

work=$(mktemp -d)
server=""
trap '[ -z "$server" ] || kill "$server" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT
[ -n "$db" ] || db="$work/enquiry.db"
# sql runs the statements on standard input, q one query given as argument.
sql() { if $pg; then psql -q -v ON_ERROR_STOP=1 -At "$db"; else sqlite3 -bail -cmd '.timeout 30000' "$db"; fi; }
q() { if $pg; then psql -q -v ON_ERROR_STOP=1 -At "$db" -c "$1"; else sqlite3 -bail -cmd '.timeout 30000' "$db" "$1"; fi; }

# Both binaries are built before the server starts, so that compiling does not steal its CPU.
go build -o "$work/openimis" ./cmd/openimis
go test -c -o "$work/bench.test" ./bench
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo 18182)
base="http://127.0.0.1:$port"
started=$(date +%s)
"$work/openimis" demo --db "$db" --addr "127.0.0.1:$port" --families "$families" >"$work/out" 2>"$work/err" &
server=$!
until curl -sf "$base/healthz" >/dev/null 2>&1; do
  kill -0 "$server" 2>/dev/null || { echo "the server stopped:" >&2; cat "$work/err" >&2; exit 1; }
  [ $(( $(date +%s) - started )) -lt 1200 ] || { echo "the demo was not up after 20 minutes" >&2; exit 1; }
  sleep 1
done
engine=$(grep -o 'database [a-z]*' "$work/out" | cut -d' ' -f2)
echo "engine: $engine, demo of $families families built and serving after $(( $(date +%s) - started )) s"

# Every tenth insuree (by registration) gets a photo of 30,000 random bytes (as incompressible
# as a JPEG) and a thumbnail of 3,300, the sizes the Go fixture's generated pictures have.
if $pg; then
  sql <<'SQL'
BEGIN;
CREATE TEMP TABLE pic AS SELECT
  (SELECT decode(string_agg(md5(random()::text), ''), 'hex') FROM generate_series(1, 1875)) AS data,
  (SELECT decode(string_agg(md5(random()::text), ''), 'hex') FROM generate_series(1, 206)) AS thumb;
INSERT INTO photos (id, insuree_id, file_name, content_type, data, thumbnail, photo_date, validity_from)
  SELECT gen_random_uuid(), i.id, i.chfid || '_' || to_char(current_date - 30, 'YYYYMMDD') || '_' || substr(md5(i.chfid), 1, 8) || '.jpg',
    'image/jpeg', pic.data, pic.thumb, current_date - 30, now()
  FROM insurees i, pic WHERE i.validity_to IS NULL AND i.wire_id % 10 = 1;
UPDATE insurees SET photo_file = p.file_name, photo_date = p.photo_date FROM photos p
  WHERE p.insuree_id = insurees.id AND p.validity_to IS NULL AND insurees.validity_to IS NULL;
COMMIT;
SQL
  # The steady state of a running scheme: what autovacuum and the next checkpoint would do
  # after the bulk load (CHECKPOINT needs a superuser; without one it is left to the server).
  q "VACUUM ANALYZE"
  q "CHECKPOINT" 2>/dev/null || true
else
  sql <<'SQL'
BEGIN;
INSERT INTO photos (id, insuree_id, file_name, content_type, data, thumbnail, photo_date, validity_from)
  SELECT lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-a' ||
      substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))),
    id, chfid || '_' || strftime('%Y%m%d', 'now', '-30 days') || '_' || lower(hex(randomblob(4))) || '.jpg',
    'image/jpeg', randomblob(30000), randomblob(3300), date('now', '-30 days'), strftime('%Y-%m-%d %H:%M:%f', 'now') || '+00:00'
  FROM insurees WHERE validity_to IS NULL AND wire_id % 10 = 1;
UPDATE insurees SET
  photo_file = (SELECT p.file_name FROM photos p WHERE p.insuree_id = insurees.id AND p.validity_to IS NULL),
  photo_date = (SELECT p.photo_date FROM photos p WHERE p.insuree_id = insurees.id AND p.validity_to IS NULL)
  WHERE validity_to IS NULL AND wire_id % 10 = 1;
COMMIT;
SQL
  q "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
fi
q "SELECT chfid FROM insurees WHERE validity_to IS NULL ORDER BY wire_id" >"$work/chfids"
echo "insurees: $(wc -l <"$work/chfids"), photos: $(q "SELECT COUNT(*) FROM photos WHERE validity_to IS NULL")"

token=$(curl -sf -X POST "$base/rest/api/login" -d '{"UserName":"Admin","Password":"admin123"}' | sed 's/.*"access_token":"\([^"]*\)".*/\1/')
cat >"$work/enquire.lua" <<'LUA'
-- Each request asks for a random existing insurance number; each thread has its own seed.
local ids = {}
for line in io.lines(os.getenv("CHFIDS")) do ids[#ids + 1] = line end
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
local threads = 0
function setup(thread) threads = threads + 1; thread:set("id", threads) end
function init(args) math.randomseed(os.time() * 100 + id) end
request = function()
  return wrk.format("GET", "/rest/api/insuree/" .. ids[math.random(#ids)] .. "/enquire")
end
LUA
curl -sf -o /dev/null -H "Authorization: Bearer $token" "$base/rest/api/insuree/$(head -1 "$work/chfids")/enquire" ||
  { echo "the enquiry endpoint does not answer" >&2; exit 1; }
sleep 5 # let the start-up jobs settle

echo "load before: $(uptime)"
echo "== wrk, closed loop: 2 threads, $connections connections, $duration"
CHFIDS="$work/chfids" TOKEN="$token" wrk -t2 -c"$connections" -d"$duration" --latency -s "$work/enquire.lua" "$base" |
  grep -E 'Latency|50%|75%|90%|99%|Requests/sec|Transfer/sec|Non-2xx|Socket errors'
echo "== open loop: $rate req/s for $seconds s (after a 2 s warm-up), latency from the scheduled send time"
IMIS_BENCH_URL="$base" IMIS_BENCH_CHFIDS="$work/chfids" IMIS_BENCH_RATE="$rate" IMIS_BENCH_SECONDS="$seconds" \
  env -u IMIS_TEST_DSN "$work/bench.test" -test.run '^$' -test.bench '^BenchmarkEnquiryOpenLoop$' -test.benchtime 1x |
  grep -E '^Benchmark|measured|photo:|failed|FAIL' | tr -s ' \t' ' '
echo "load after: $(uptime)"
