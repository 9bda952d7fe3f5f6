#!/usr/bin/env bats
# Network-level fuzz of ws-bridge with a short budget (tests/fuzz/ws-netfuzz):
# hostile upgrades and frames, and after every batch a well-behaved client
# still gets its message through. `make fuzz` runs it for FUZZ_SECONDS.

load helper
bats_require_minimum_version 1.5.0

@test "ws-netfuzz: ws-bridge survives 10 s of hostile clients and keeps serving a good one" {
	run -0 timeout 60 "$PY" "$TOP/tests/fuzz/ws-netfuzz" --bin "$BIN" --seconds 10
	assert_output --regexp 'ws-netfuzz: seed [0-9]+: [1-9][0-9]* batches, [1-9][0-9]* hostile connections, ws-bridge kept serving$'
}

@test "ws-netfuzz: a fixed seed, the same hostile cases every run" {
	run -0 timeout 60 "$PY" "$TOP/tests/fuzz/ws-netfuzz" --bin "$BIN" --seed 7 --batches 4
	assert_output --regexp 'ws-netfuzz: seed 7: 4 batches, [1-9][0-9]* hostile connections, ws-bridge kept serving$'
}
