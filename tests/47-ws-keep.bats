#!/usr/bin/env bats
# ws-bridge --keep TYPE: the latest stdin line of each kept type goes to every
# new client right after it connects (like MQTT's retained messages).

load helper

# start_bridge and bg_client are in helper.bash.

# Feed stdin lines, then wait until a client connected before has seen the last
# one: ws-bridge has read them all.
feed() {
	printf '%s\n' "$@" sync-$# >&7
	wait_until 10 grep -q "got sync-$#" sync.txt
}

@test "--keep: a new client gets the latest line of each kept type, in --keep order, then the live lines" {
	start_bridge --keep link --keep echo
	bg_client sync.txt "$URL" until:sync-6 sleep:30
	feed '{"type":"echo","t":1.0,"byte":"0x18","command":"forward 8"}' \
		'{"type":"link","link":"up"}' \
		'{"type":"telemetry","x":1}' \
		'{"type":"link","link":"down","reason":"connection refused"}' \
		'{"type":"linkx","link":"up"}' \
		'{"link":"up"}'
	bg_client late.txt "$URL" recv:3 close
	echo live >&7
	wait_until 10 grep -q closed late.txt
	run cat late.txt
	assert_output 'open
recv {"type":"link","link":"down","reason":"connection refused"}
recv {"type":"echo","t":1.0,"byte":"0x18","command":"forward 8"}
recv live
closed 1000'
}

@test "--keep: nothing kept yet, nothing sent; a line kept after the connect comes once" {
	start_bridge --keep link
	bg_client a.txt "$URL" recv:2 close
	printf '%s\n' '{"type":"link","link":"up"}' second >&7
	wait_until 10 grep -q closed a.txt
	run cat a.txt
	assert_output 'open
recv {"type":"link","link":"up"}
recv second
closed 1000'
}

@test "--keep without a match: the type must be followed by its closing quote" {
	start_bridge --keep link
	bg_client sync.txt "$URL" until:sync-3 sleep:30
	feed '{"type":"linked","link":"up"}' '{ "type":"link","link":"up"}' '{"type": "link"}'
	bg_client late.txt "$URL" recv:1 close
	echo live >&7
	wait_until 10 grep -q closed late.txt
	run cat late.txt
	assert_output $'open\nrecv live\nclosed 1000'
}

@test "--keep with --exclusive: the role notice first, then the kept lines" {
	start_bridge --exclusive --keep link
	bg_client sync.txt "$URL" until:sync-1 sleep:30
	feed '{"type":"link","link":"up"}'
	bg_client late.txt "$URL" recv:2 close
	wait_until 10 grep -q closed late.txt
	run cat late.txt
	assert_output 'open
recv {"type":"role","ws-bridge":"watching"}
recv {"type":"link","link":"up"}
closed 1000'
}

@test "--keep: bad type names and too many are usage errors" {
	run "$BIN/ws-bridge" --keep 'a"b'
	assert_failure 64
	assert_line --index 0 "ws-bridge: keep: 'a\"b': a type is 1 to 64 letters, digits, '-', '_' or '.'"
	run "$BIN/ws-bridge" --keep ''
	assert_failure 64
	run "$BIN/ws-bridge" $(printf -- '--keep t%d ' $(seq 1 17))
	assert_failure 64
	assert_output 'ws-bridge: at most 16 --keep options'
	run "$BIN/ws-bridge" --help
	assert_success
	assert_output --partial '--keep TYPE'
}
