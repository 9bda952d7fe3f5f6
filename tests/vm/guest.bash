# Shared by the suites that run INSIDE the test VM (rfcomm.bats, pairing.bats;
# tests/vm/build copies it beside them).
# shellcheck shell=bash

load '/usr/lib/bats/bats-support/load'
load '/usr/lib/bats/bats-assert/load'

# Each case in its own fresh directory, with no background process yet.
guest_setup() {
	cd "$BATS_TEST_TMPDIR" || return 1
	# shellcheck disable=SC2034 # the suites' teardown kills what is in it
	BG_PIDS=()
}
