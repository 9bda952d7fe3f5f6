#!/usr/bin/env bats
# Runs INSIDE the test VM (tests/vm/init), never on the host: the real kernel Bluetooth,
# L2CAP and RFCOMM code between two btvirt controllers.
# hci0 = 00:AA:01:00:00:00, hci1 = 00:AA:01:01:00:01; BTSETUP is ssp or legacy.

load '/usr/lib/bats/bats-support/load'
load '/usr/lib/bats/bats-assert/load'

HCI0=00:AA:01:00:00:00
HCI1=00:AA:01:01:00:01

setup() {
	cd "$BATS_TEST_TMPDIR" || return 1
	BG_PIDS=()
}

teardown() {
	local p
	for p in "${BG_PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
	for p in "${BG_PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
}

bg() {
	"$@" &
	BG_PID=$!
	BG_PIDS+=("$BG_PID")
}

wait_until() {
	local secs=$1 i
	shift
	for ((i = 0; i < secs * 20; i++)); do
		"$@" && return 0
		sleep 0.05
	done
	echo "wait_until: timed out after ${secs}s: $*" >&2
	return 1
}

@test "probe: RFCOMM bytes cross the virtual link ($BTSETUP)" {
	bg probe listen 3 >probe.out
	wait_until 5 grep -q listening probe.out
	run timeout 20 probe send "$HCI0" 3 1c3900
	assert_success
	wait_until 5 grep -q '^00$' probe.out
	run sed 1d probe.out
	assert_output $'1c\n39\n00'
}
