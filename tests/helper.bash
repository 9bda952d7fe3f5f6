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

# Kill what bg started, then wait for it so nothing outlives the test.
common_teardown() {
	local p
	for p in "${BG_PIDS[@]}"; do
		kill -TERM "$p" 2>/dev/null || true
	done
	for p in "${BG_PIDS[@]}"; do
		timeout 5 tail --pid="$p" -f /dev/null 2>/dev/null || kill -KILL "$p" 2>/dev/null || true
	done
}

setup() { common_setup; }
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
