#!/usr/bin/env bats
# ws-bridge's stdin line splitter and broadcast ring (src/wsring.c), unit-tested.

load helper
bats_require_minimum_version 1.5.0

@test "wsring unit tests (tests/unit/test-wsring.c): lines, CR, over-long lines, EOF, lagging clients" {
	run -0 "$BIN/test-wsring"
	assert_output 'test-wsring: all passed'
}
