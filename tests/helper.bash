# Shared by every tests/NN-topic.bats. Programs are found through $IRACER_BIN so
# that `make check` runs the same suite on the normal and the sanitizer build.
# shellcheck shell=bash

TOP=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
BIN=${IRACER_BIN:-$TOP/bin}
export TOP BIN

load '/usr/lib/bats/bats-support/load'
load '/usr/lib/bats/bats-assert/load'

# Each test runs in its own fresh temporary directory.
common_setup() {
	cd "$BATS_TEST_TMPDIR" || return 1
	BG_PIDS=()
}

# Start a command in the background and remember it for teardown.
# Usage: bg CMD... ; the pid is in $BG_PID.
bg() {
	"$@" &
	BG_PID=$!
	BG_PIDS+=("$BG_PID")
}

# Kill what bg started, then wait for it so nothing outlives the test. Fd 7,
# which start_bridge holds open as ws-bridge's stdin, is closed first.
common_teardown() {
	local p
	exec 7>&- 2>/dev/null || true
	for p in "${BG_PIDS[@]}"; do
		kill -TERM "$p" 2>/dev/null || true
	done
	for p in "${BG_PIDS[@]}"; do
		timeout 5 tail --pid="$p" -f /dev/null 2>/dev/null || kill -KILL "$p" 2>/dev/null || true
	done
}

setup() { common_setup; }

# A whole file skipped: setup_file notes why with nope, and each test's setup
# calls skip_if_noted (bats 1.8 cannot skip in setup_file).
nope() {
	echo "$1" >"$BATS_FILE_TMPDIR/skip"
}

skip_if_noted() {
	if [ -f "$BATS_FILE_TMPDIR/skip" ]; then
		skip "$(cat "$BATS_FILE_TMPDIR/skip")"
	fi
}
teardown() { common_teardown; }

# Bytes on stdin as space-separated hex pairs: "18 00".
hex() {
	od -An -v -tx1 | tr -s ' \n' '  ' | sed 's/^ *//; s/ *$//'
}

# Wait until a command succeeds, polling every 20 ms, for at most $1 seconds.
wait_until() {
	local secs=$1 i
	shift
	for ((i = 0; i < secs * 50; i++)); do
		"$@" && return 0
		sleep 0.02
	done
	echo "wait_until: timed out after ${secs}s: $*" >&2
	return 1
}

# Wait until a file exists and is not empty.
wait_file() {
	wait_until "${2:-5}" test -s "$1"
}

# Wait until a process has ended, for at most $2 seconds (default 5).
wait_exit() {
	timeout "${2:-5}" tail --pid="$1" -f /dev/null
}

# Debian's python3 (with python3-websockets), not whatever python3 is first on PATH.
PY=/usr/bin/python3
export PY

# A free TCP port on 127.0.0.1 (the kernel picks one; nothing else is ever a target).
free_port() {
	"$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# Run ARGS... in the background in a session of its own (so every process it
# starts can be found by session id), with SIGINT and SIGQUIT at their
# defaults: bats starts background jobs with them ignored, and a shell cannot
# trap a signal ignored at its start; a terminal gives the default.
# Pid in $BG_PID.
bg_session() {
	"$PY" -c 'import os, signal, sys
signal.signal(signal.SIGINT, signal.SIG_DFL)
signal.signal(signal.SIGQUIT, signal.SIG_DFL)
os.setsid()
os.execv(sys.argv[1], sys.argv[1:])' "$@" &
	BG_PID=$!
	BG_PIDS+=("$BG_PID")
}

# scripts/iracer-drive ARGS... on a free port through bg_session, stdout to
# drive.out, stderr to drive.err, its temporary directory under
# $DRIVE_TMPDIR when that is set; waits for its first URL line.
# Sets PORT, URL, DRIVE_PID.
# shellcheck disable=SC2034 # URL is the tests'
start_drive() {
	PORT=$(free_port)
	[ -z "${DRIVE_TMPDIR:-}" ] || mkdir -p "$DRIVE_TMPDIR"
	TMPDIR=${DRIVE_TMPDIR:-${TMPDIR:-/tmp}} IRACER_BIN="$BIN" \
		bg_session "$TOP/scripts/iracer-drive" -p "$PORT" "$@" >drive.out 2>drive.err
	DRIVE_PID=$BG_PID
	wait_until 10 grep -q "^https\?://127\.0\.0\.[12]:$PORT/" drive.out || {
		cat drive.err >&2
		return 1
	}
	URL="ws://127.0.0.1:$PORT/ws"
}

# No sanitizer report in drive.err (the suite also runs on the ASan build).
no_sanitizer_report() {
	if grep -E -q 'Sanitizer|runtime error:' drive.err; then
		cat drive.err >&2
		return 1
	fi
}

# Ctrl-C to iracer-drive; it ends within 15 s, with no sanitizer report.
stop_drive() {
	kill -INT "$DRIVE_PID"
	wait_exit "$DRIVE_PID" 15
	no_sanitizer_report
}

# iracer-drive --sim -v ARGS...; a first browser holds forward 9 for 1.5 s
# (its pid in $FIRST, its messages in first.out), and the car got it.
first_browser() {
	start_drive --sim -v "$@"
	ws "$URL" '{"command":"forward","speed":9}' --every 0.1 --for 1.5 --read 0 >first.out &
	# shellcheck disable=SC2034 # the tests' to wait for
	FIRST=$!
	wait_until 5 grep -q ' 0x19 forward 9' drive.err
}

# first_browser ARGS..., then a second browser sends raw 22 and reads for
# 0.3 s: run's $output holds what it got.
second_browser() {
	first_browser "$@"
	run -0 ws "$URL" '{"command":"raw","data":22}' --read 0.3
}

# The WebSocket test client (python3-websockets).
CLIENT=$TOP/tests/ws-client.py

# A client driving the way the page does.
ws() {
	"$PY" "$CLIENT" --drive "$@"
}

# A plain client: ws-client.py's own steps.
client() {
	"$PY" "$CLIENT" "$@"
}

# Start a client in the background writing to FILE; wait for "open".
# Usage: bg_client FILE ARGS...
bg_client() {
	local file=$1
	shift
	bg "$PY" "$CLIENT" "$@" >"$file" 2>&1
	wait_until 15 grep -q '^open$' "$file"
}

# ws-bridge ARGS... on a free port with stdin from the FIFO "in" (held open on
# fd 7, so stdin stays open), stdout to "out", stderr to "err"; waits until
# bridge_ready. Sets PORT, URL, WSB.
# shellcheck disable=SC2034 # URL is the tests'
start_bridge() {
	PORT=$(free_port)
	URL="ws://127.0.0.1:$PORT/ws"
	mkfifo in
	exec 7<>in
	# not through bg: an async command's stdin would become /dev/null
	"$BIN/ws-bridge" -p "$PORT" "$@" <in >out 2>err 7>&- &
	WSB=$!
	BG_PIDS+=("$WSB")
	wait_until 10 bridge_ready
}

# ws-bridge takes connections. A file that counts connections redefines this
# to wait for the log line instead.
bridge_ready() {
	bash -c "exec 2>/dev/null; : >/dev/tcp/127.0.0.1/$PORT"
}
