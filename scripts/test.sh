#!/usr/bin/env bash
# The project's test command. On a fresh Debian machine it installs what the tests need,
# starts a throwaway PostgreSQL, runs `go vet` and staticcheck and then the whole Go suite twice: once on
# SQLite, once on PostgreSQL. The browser tests (./e2e) are part of both passes.
#
#   scripts/test.sh             run everything, print a summary, exit non-zero on any failure
#   scripts/test.sh --pg-shell  only start PostgreSQL, print its IMIS_TEST_DSN, wait for Ctrl-C
#
# Environment: CI=true makes any skipped test a failure (a skip there means something is
# missing); IMIS_ALLOW_NO_BROWSER=1 accepts a run in which no browser test passed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export DEBIAN_FRONTEND=noninteractive
# A fresh machine has Go here without having it on PATH.
if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then
	export PATH="$PATH:/usr/local/go/bin"
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/imis-test.XXXXXX")"
PG_DIR=""      # data, socket and log of our PostgreSQL; empty while none runs
WAIT_PID=""    # the sleep that --pg-shell waits on
PG_BIN=""
PG_PORT=""

log() { printf '==> %s\n' "$*"; }
die() { printf 'test.sh: %s\n' "$*" >&2; exit 1; }

# as_postgres runs a PostgreSQL binary as the user that may own the server: PostgreSQL
# refuses to run as root. From inside PG_DIR, since postgres may not read our cwd.
as_postgres() {
	if [ "$(id -u)" = 0 ]; then
		(cd "$PG_DIR" && runuser -u postgres -- "$@")
	else
		(cd "$PG_DIR" && "$@")
	fi
}

cleanup() {
	[ -z "$WAIT_PID" ] || kill "$WAIT_PID" 2>/dev/null || true
	pg_stop
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- system packages -------------------------------------------------------------------

find_pg_bin() {
	local d
	for d in /usr/lib/postgresql/15/bin $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -rV); do
		if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then
			echo "$d"
			return 0
		fi
	done
	return 1
}

install_system_packages() {
	local want=()
	find_pg_bin >/dev/null || want+=(postgresql)
	command -v chromium >/dev/null 2>&1 || want+=(chromium fonts-liberation)
	# Debian's npm would conflict with a node from elsewhere (which brings its own npm), so
	# both come from Debian only when there is no node at all.
	if ! command -v node >/dev/null 2>&1; then
		want+=(nodejs npm)
	elif ! command -v npm >/dev/null 2>&1; then
		die "node is installed but npm is not; install the npm that goes with this node"
	fi
	[ "${#want[@]}" -eq 0 ] && return 0
	[ "$(id -u)" = 0 ] || die "missing system packages (${want[*]}); install them as root"
	log "installing ${want[*]}"
	# Only now, since a machine that has everything needs no package lists at all.
	if ! { apt-get -qq update && apt-get -qq install -y --no-install-recommends "${want[@]}"; } \
		>"$WORK/apt.log" 2>&1; then
		tail -n 40 "$WORK/apt.log" >&2
		die "apt-get failed"
	fi
}

# ---- npm: axe-core for the browser tests ---------------------------------------------

install_node_modules() {
	local locked installed=""
	locked="$(node -p "require('./package-lock.json').packages['node_modules/axe-core'].version")"
	if [ -f node_modules/axe-core/package.json ]; then
		installed="$(node -p "require('./node_modules/axe-core/package.json').version")"
	fi
	if [ "$installed" != "$locked" ]; then
		log "npm ci (axe-core $locked)"
		npm ci --no-audit --no-fund --loglevel=error >"$WORK/npm.log" 2>&1 ||
			{ cat "$WORK/npm.log" >&2; die "npm ci failed"; }
	fi
	[ -f node_modules/axe-core/axe.min.js ] || die "node_modules/axe-core/axe.min.js missing after npm ci"
	export IMIS_AXE_JS="$ROOT/node_modules/axe-core/axe.min.js"
}

# ---- staticcheck, pinned ---------------------------------------------------------------

STATICCHECK_VERSION=v0.8.2

# install_staticcheck builds the pinned staticcheck into the Go bin directory unless that
# version is already there, and sets STATICCHECK to it.
install_staticcheck() {
	STATICCHECK="$(go env GOPATH)/bin/staticcheck"
	if [ -x "$STATICCHECK" ] && "$STATICCHECK" -version 2>/dev/null | grep -q "${STATICCHECK_VERSION#v}"; then
		return 0
	fi
	log "go install staticcheck $STATICCHECK_VERSION"
	# From a neutral directory, so the install neither reads nor changes this module's go.mod.
	(cd "$WORK" && GOFLAGS= go install "honnef.co/go/tools/cmd/staticcheck@$STATICCHECK_VERSION") ||
		die "could not install staticcheck"
}

# ---- throwaway PostgreSQL --------------------------------------------------------------

# port_in_use tells whether something on this machine already answers on the loopback port
# (e.g. a developer's own server): we never touch those.
port_in_use() {
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

pg_start() {
	PG_BIN="$(find_pg_bin)" || die "PostgreSQL binaries not found under /usr/lib/postgresql"
	# Short path under /tmp: the Unix socket path has a length limit.
	PG_DIR="$(mktemp -d /tmp/imis-pg.XXXXXX)"
	[ "$(id -u)" = 0 ] && chown postgres:postgres "$PG_DIR"
	as_postgres "$PG_BIN/initdb" -D "$PG_DIR/data" -A trust -U postgres -E UTF8 --locale=C \
		>"$PG_DIR/initdb.log" 2>&1 || { cat "$PG_DIR/initdb.log" >&2; die "initdb failed"; }

	# Another process may take a port between our check and the server's bind: then the
	# start fails and we move on to the next port.
	local port=54000 tries=0
	while :; do
		while port_in_use "$port"; do port=$((port + 1)); done
		if as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
			-o "-c listen_addresses=127.0.0.1 -p $port -c fsync=off -c full_page_writes=off -c max_connections=200 -k $PG_DIR" \
			start >/dev/null 2>&1; then
			break
		fi
		tries=$((tries + 1))
		if [ "$tries" -ge 5 ]; then
			tail -n 30 "$PG_DIR/server.log" >&2 || true
			die "PostgreSQL did not start"
		fi
		port=$((port + 1))
	done
	PG_PORT="$port"
	local i
	for i in $(seq 1 60); do
		"$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" && break
		[ "$i" = 60 ] && die "PostgreSQL on port $PG_PORT is not ready"
		sleep 0.5
	done
	export IMIS_TEST_DSN="postgres://postgres@127.0.0.1:$PG_PORT/postgres?sslmode=disable"
}

# pg_stop is safe to call at any time, also twice; it always removes PG_DIR.
pg_stop() {
	[ -n "$PG_DIR" ] || return 0
	if [ -f "$PG_DIR/data/postmaster.pid" ]; then
		if ! as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w -t 30 stop >/dev/null 2>&1; then
			# Our own postmaster only, by the pid it wrote; its children follow it.
			local pid
			pid="$(head -n 1 "$PG_DIR/data/postmaster.pid" 2>/dev/null || true)"
			[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null || true
			sleep 1
		fi
	fi
	rm -rf "$PG_DIR"
	PG_DIR=""
}

# ---- main ------------------------------------------------------------------------------

if [ "${1:-}" = "--pg-shell" ]; then
	install_system_packages
	pg_start
	echo "export IMIS_TEST_DSN='$IMIS_TEST_DSN'"
	echo "PostgreSQL runs until Ctrl-C; then it and its data are removed."
	while :; do
		sleep 3600 &
		WAIT_PID=$!
		wait "$WAIT_PID"
	done
fi
[ $# -eq 0 ] || die "unknown arguments: $*  (use no argument, or --pg-shell)"

install_system_packages
install_node_modules
pg_start
log "PostgreSQL on 127.0.0.1:$PG_PORT"

log "go vet ./..."
go vet ./... || die "go vet reported problems"
install_staticcheck
log "staticcheck ./..."
"$STATICCHECK" ./... || die "staticcheck reported problems"

go build -o "$WORK/testsummary" ./scripts/testsummary

# run_pass NAME [ENV...]: runs the suite with the given environment, streaming package
# results to the terminal and the JSON to $WORK/NAME.json; sets PASS_EXIT and PASS_WALL.
run_pass() {
	local name="$1"
	shift
	log "go test ($name)"
	local start end status
	start="$(date +%s.%N)"
	set +e
	env "$@" go test -json -count=1 -p 2 -timeout 15m ./... 2>&1 |
		"$WORK/testsummary" -tee "$WORK/$name.json" -label "$name"
	status=("${PIPESTATUS[@]}")
	set -e
	end="$(date +%s.%N)"
	[ "${status[1]}" = 0 ] || die "could not record the $name pass"
	PASS_EXIT="${status[0]}"
	PASS_WALL="$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')"
}

run_pass sqlite -u IMIS_TEST_DSN -u IMIS_TEST_ENGINE
SQLITE_EXIT="$PASS_EXIT" SQLITE_WALL="$PASS_WALL"
run_pass postgres IMIS_TEST_DSN="$IMIS_TEST_DSN" IMIS_TEST_ENGINE=postgres
PG_EXIT="$PASS_EXIT" PG_WALL="$PASS_WALL"

set +e
"$WORK/testsummary" \
	-sqlite "$WORK/sqlite.json" -sqlite-exit "$SQLITE_EXIT" -sqlite-wall "$SQLITE_WALL" \
	-postgres "$WORK/postgres.json" -postgres-exit "$PG_EXIT" -postgres-wall "$PG_WALL"
rc=$?
set -e
exit "$rc"
