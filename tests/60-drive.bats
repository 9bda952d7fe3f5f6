#!/usr/bin/env bats
# scripts/iracer-drive: the whole system against the simulator, driven by a plain
# WebSocket client the way the seed's page did it. The sim's byte log (-v) is on
# iracer-drive's stderr: "iracer-sim: 0.336 0x18 forward 8".

load helper
bats_require_minimum_version 1.5.0

DRIVE="$TOP/scripts/iracer-drive"

# start_drive, stop_drive and ws are in helper.bash.

# The bytes the sim received, as "0x18 0x00 ...".
sim_bytes() {
	sed -n 's/^iracer-sim: [0-9.]* \(0x[0-9a-f][0-9a-f]\) .*/\1/p' drive.err | tr '\n' ' ' | sed 's/ $//'
}

last_sim_byte() {
	sed -n 's/^iracer-sim: [0-9.]* \(0x[0-9a-f][0-9a-f]\) .*/\1/p' drive.err | tail -n 1
}

# Sim time of the first line with byte $1 after the first line with byte $2.
sim_time() {
	sed -n "s/^iracer-sim: \([0-9.]*\) $1 .*/\1/p" drive.err | head -n 1
}

# Processes left in session $1 (none when iracer-drive cleaned up).
session_left() {
	# A zombie is not running: an orphan waits (briefly) for init to reap it,
	# and one whose parent is still alive shows that parent here too.
	ps -e -o pid=,sid=,stat= | awk -v s="$1" '$2 == s && $3 !~ /^Z/ { print $1 }'
}

# No sanitizer report from any program (the suite also runs on bin/asan).
@test "iracer-drive: --help prints the usage on stdout" {
	run -0 "$DRIVE" --help
	assert_line --index 0 --partial "usage: iracer-drive [-hqv] [--sim]"
	assert_output --partial "--token-file FILE"
}

@test "iracer-drive: bad usage gives a message and status 64" {
	run -64 "$DRIVE" --frobnicate
	assert_line --index 0 "iracer-drive: unknown option '--frobnicate'"
	run -64 "$DRIVE" --sim unix:/nonexistent
	assert_line --index 0 "iracer-drive: --sim drives the simulator: no target as well"
	IRACER_ADDR= run -64 "$DRIVE"
	assert_line --index 0 --partial "iracer-drive: no target:"
	run -64 "$DRIVE" --sim -p 70000
	assert_line --index 0 "iracer-drive: port '70000' is not a number from 1 to 65535"
	run -64 "$DRIVE" --sim -p
	assert_line --index 0 "iracer-drive: option -p needs an argument"
	run -64 "$DRIVE" --sim --tls-cert x.pem
	assert_line --index 0 "iracer-drive: --tls-cert and --tls-key go together"
	run -64 "$DRIVE" a b
	assert_line --index 0 "iracer-drive: one target only: 'b' is extra"
}

@test "iracer-drive: a missing token file is status 66" {
	run -66 "$DRIVE" --sim --token-file "$BATS_TEST_TMPDIR/none"
	assert_output "iracer-drive: $BATS_TEST_TMPDIR/none: cannot read the token file"
}

@test "iracer-drive: the page is served and the URL printed" {
	start_drive --sim -v
	run -0 "$PY" -c 'import sys, urllib.request; print(urllib.request.urlopen(sys.argv[1], timeout=5).read().decode())' \
		"http://127.0.0.1:$PORT/"
	assert_output --partial '<script type="module" src="app.js"></script>'
	stop_drive
}

@test "iracer-drive: the seed's up with duration 0.1 gives 0x18, then 0x00 about 100 ms later" {
	start_drive --sim -v
	ws "$URL" '{"command":"up","duration":0.1}' --read 0.5
	wait_until 5 grep -q ' 0x18 forward 8' drive.err
	stop_drive
	run sim_bytes
	assert_output --regexp '(^| )0x18 0x00( |$)'
	local t1 t0
	t1=$(sed -n '/ 0x18 forward 8/,$s/^iracer-sim: \([0-9.]*\) 0x00 .*/\1/p' drive.err | head -n 1)
	t0=$(sim_time 0x18)
	# 100 ms by iracer-cmd's clock; a generous band for a loaded machine
	awk -v a="$t0" -v b="$t1" 'BEGIN { d = b - a; print "held", d; exit !(d >= 0.09 && d <= 0.25) }'
}

@test "iracer-drive: the seed's raw 22 gives 0x16" {
	start_drive --sim -v
	ws "$URL" '{"command":"raw","data":22}' --read 0.3
	wait_until 5 grep -q ' 0x16 forward 6' drive.err
	stop_drive
	[ "$(last_sim_byte)" = 0x00 ]
}

@test "iracer-drive: extended messages and the page's heartbeat keep the car moving, silence stops it" {
	start_drive --sim -v
	ws "$URL" '{"command":"forward-left","speed":11}' --every 0.1 --for 1 --read 1
	stop_drive
	# driven for a second: many 0x5b, no stop in between (the watchdog stayed quiet)
	run sim_bytes
	assert_output --regexp '0x5b( 0x5b){5,}'
	[[ "$output" != *'0x5b 0x00 0x5b'* ]]
	[ "$(last_sim_byte)" = 0x00 ]
}

@test "iracer-drive: a malformed message is noted and the next one still drives" {
	start_drive --sim -v
	ws "$URL" 'this is not json' '{"command":"fly"}' '{"command":"raw","data":22}' --read 0.3
	wait_until 5 grep -q ' 0x16 forward 6' drive.err
	grep -q 'json2cmd: not JSON: "this is not json"' drive.err
	grep -q 'json2cmd: unknown command "fly"' drive.err
	stop_drive
}

@test "iracer-drive: the page's socket gets the car side's echo and the sim's telemetry" {
	start_drive --sim -v
	run -0 ws "$URL" '{"command":"forward","speed":9}' --every 0.1 --for 0.5 --read 0.2
	assert_line --regexp '^\{"type":"echo","t":[0-9.]+,"byte":"0x19","command":"forward 9"\}$'
	assert_line --regexp '^\{"type":"telemetry","t":[0-9.]+,"byte":"0x19","command":"forward 9","x":'
	assert_line --regexp '^\{"type":"telemetry","t":[0-9.]+,"x":0\.[0-9]+,"y":'
	stop_drive
}

@test "iracer-drive: closing the page's socket stops the car at once (--on-close)" {
	start_drive --sim -v
	# (a close right after the message would leave only the stop: with -i the
	# newest waiting line wins)
	ws "$URL" '{"command":"forward","speed":9}' --read 0.1
	wait_until 5 grep -q ' 0x19 forward 9' drive.err
	wait_until 2 test "$(last_sim_byte)" = 0x00
	# the stop came from the close, well before the 300 ms watchdog
	local t0 t1
	t0=$(sim_time 0x19)
	t1=$(sed -n '/ 0x19 forward 9/,$s/^iracer-sim: \([0-9.]*\) 0x00 .*/\1/p' drive.err | head -n 1)
	awk -v a="$t0" -v b="$t1" 'BEGIN { d = b - a; print "stopped after", d; exit !(d < 0.28) }'
	stop_drive
}

@test "iracer-drive: a token file makes the token necessary" {
	echo 's3cret' >token
	start_drive --sim -v --token-file token
	grep -qx "http://127.0.0.1:$PORT/?token=s3cret" drive.out
	run -69 ws "$URL" '{"command":"raw","data":22}'
	run -69 ws "$URL?token=wrong" '{"command":"raw","data":22}'
	run -0 ws "$URL?token=s3cret" '{"command":"raw","data":22}' --read 0.3
	wait_until 5 grep -q ' 0x16 forward 6' drive.err
	stop_drive
}

@test "iracer-drive: started and stopped 20 times while driving: always 0x00 last, nothing left running" {
	local i sid pids
	for ((i = 1; i <= 20; i++)); do
		start_drive --sim -v
		sid=$DRIVE_PID
		# a driver holding the stick: a heartbeat every 100 ms
		ws "$URL" '{"command":"forward-right","speed":12}' --every 0.1 --for 5 --read 0 \
			>/dev/null 2>&1 &
		local client=$!
		wait_until 5 grep -q ' 0x6c forward-right 12' drive.err
		if ((i % 2)); then
			kill -INT "$DRIVE_PID"		# the script alone
		else
			kill -INT -- "-$DRIVE_PID"	# the whole group, as Ctrl-C in a terminal
		fi
		wait_exit "$DRIVE_PID" 10 || fail "run $i: iracer-drive did not end"
		wait "$DRIVE_PID" || fail "run $i: status $?"
		pids=$(session_left "$sid")
		[ -z "$pids" ] || fail "run $i: left running: $(ps -o pid,args -p "$pids")"
		[ "$(last_sim_byte)" = 0x00 ] || fail "run $i: last byte $(last_sim_byte): $(cat drive.err)"
		no_sanitizer_report
		kill "$client" 2>/dev/null || true
		wait "$client" 2>/dev/null || true
		rm -f drive.out drive.err
	done
}

@test "iracer-drive: when iracer-send dies, a new one stops the car and iracer-drive ends" {
	start_drive --sim -v
	ws "$URL" '{"command":"forward","speed":10}' --every 0.1 --for 3 --read 0 >/dev/null 2>&1 &
	local client=$! send
	wait_until 5 grep -q ' 0x1a forward 10' drive.err
	send=$(pgrep -s "$DRIVE_PID" -f 'iracer-send -w 300')
	[ -n "$send" ]
	kill -KILL "$send"
	wait_exit "$DRIVE_PID" 10
	run wait "$DRIVE_PID"
	[ "$status" -eq 69 ]
	grep -q 'iracer-drive: iracer-send ended (status 137); stopping' drive.err || fail "$(cat drive.err)"
	grep -q "iracer-sim: connection 2 " drive.err || fail "$(cat drive.err)"
	[ "$(last_sim_byte)" = 0x00 ]
	[ -z "$(session_left "$DRIVE_PID")" ]
	no_sanitizer_report
	kill "$client" 2>/dev/null || true
}

@test "iracer-drive: a real target (here a sim on unix:PATH) is driven and left stopped" {
	bg "$BIN/iracer-sim" -l "unix:$BATS_TEST_TMPDIR/car.sock" -v 2>sim.err
	local sim=$BG_PID
	wait_until 5 test -S "$BATS_TEST_TMPDIR/car.sock"
	start_drive "unix:$BATS_TEST_TMPDIR/car.sock"
	ws "$URL" '{"command":"backward-right","speed":7}' --every 0.1 --for 0.5 --read 0
	wait_until 5 grep -q ' 0x87 backward-right 7' sim.err
	stop_drive
	[ -z "$(session_left "$DRIVE_PID")" ]
	kill -0 "$sim"	# the car is not ours to end
	[ "$(sed -n 's/^iracer-sim: [0-9.]* \(0x[0-9a-f]*\) .*/\1/p' sim.err | tail -n 1)" = 0x00 ]
}

@test "iracer-drive: a malformed target is a usage error (64) before any URL is printed" {
	run -64 "$DRIVE" -p "$(free_port)" 00:12:05:09:98
	assert_line --index 0 "iracer-drive: 00:12:05:09:98: not a Bluetooth address (XX:XX:XX:XX:XX:XX), a device path (/dev/rfcomm0, ./tty) or unix:PATH"
	refute_output --partial "http://"
	run -64 "$DRIVE" not-a-car
	assert_line --index 0 --partial "iracer-drive: not-a-car: not a Bluetooth address"
}

@test "iracer-drive: --tls-cert and --tls-key give an https URL and a wss socket that drives" {
	openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem -days 1 \
		-subj /CN=localhost 2>/dev/null
	start_drive --sim -v --tls-cert cert.pem --tls-key key.pem
	grep -qx "https://127.0.0.1:$PORT/" drive.out
	ws "wss://127.0.0.1:$PORT/ws" '{"command":"raw","data":22}' --read 0.3
	wait_until 5 grep -q ' 0x16 forward 6' drive.err
	stop_drive
}

@test "iracer-drive: --exclusive lets the first browser drive; a second one only watches" {
	second_browser --exclusive
	assert_line '{"type":"role","ws-bridge":"watching"}'
	wait "$FIRST"
	stop_drive
	! grep -q ' 0x16 ' drive.err
}

# iracer(7), "Timed holds in live mode": iracer-cmd -i repeats a timed hold's byte,
# so iracer-send's 300 ms watchdog lets the hold run its full time (json2cmd.jq's
# raw 22 is 1 s, as the seed's car.drive() did), and then the car stops.
@test "iracer-drive: the seed's raw 22 drives its full second under the 300 ms watchdog" {
	start_drive --sim -v
	ws "$URL" '{"command":"raw","data":22}' --read 1.6
	wait_until 5 grep -q ' 0x00 stop' drive.err
	stop_drive
	local t0 t1
	t0=$(sim_time 0x16)
	t1=$(sed -n '/ 0x16 forward 6/,$s/^iracer-sim: \([0-9.]*\) 0x00 .*/\1/p' drive.err | head -n 1)
	# not a speed target: before the keepalive the watchdog cut it at about 0.3 s
	awk -v a="$t0" -v b="$t1" 'BEGIN { d = b - a; print "held", d; exit !(d >= 0.95 && d <= 1.3) }'
	run sim_bytes
	assert_output --regexp '^(0x00 )*0x16( 0x16)+ 0x00'
}

@test "iracer-drive: every option with a value takes --opt=VALUE as well as --opt VALUE" {
	start_drive --sim --www="$TOP/www" --listen=127.0.0.1
	run -0 curl -sf "http://127.0.0.1:$PORT/index.html"
	assert_output --partial '<script type="module" src="app.js"></script>'
	stop_drive
	run -66 "$DRIVE" --sim --token-file="$BATS_TEST_TMPDIR/none"
	assert_output "iracer-drive: $BATS_TEST_TMPDIR/none: cannot read the token file"
	run -66 "$DRIVE" --sim --tls-cert=/nonexistent --tls-key=/nonexistent
	assert_output "iracer-drive: /nonexistent: cannot read the certificate"
}

@test "iracer-drive: idle, the supervisor makes no wake-ups (its watch waits on a FIFO, no timer)" {
	start_drive --sim
	sleep 1
	local before after
	before=$(awk '/ctxt_switches/ { n += $2 } END { print n }' "/proc/$DRIVE_PID/status")
	sleep 2
	after=$(awk '/ctxt_switches/ { n += $2 } END { print n }' "/proc/$DRIVE_PID/status")
	[ "$after" -eq "$before" ] || fail "$((after - before)) context switches in 2 s"
	stop_drive
}

@test "iracer-drive: echo.log, the tap of iracer-send's echo, stays under 64 KiB however much is echoed" {
	local msgs=() i tap size
	for ((i = 0; i < 1600; i++)); do
		msgs+=("{\"command\":\"forward\",\"speed\":$((8 + i % 2))}")
	done
	TMPDIR=$BATS_TEST_TMPDIR start_drive --sim
	tap=$(echo "$BATS_TEST_TMPDIR"/iracer-drive.*/echo.log)
	ws --gap 0.002 --read 1 "$URL" "${msgs[@]}" >got
	# more than 64 KiB of echo went through the tap...
	run -0 awk '/^\{"type":"echo"/ { n += length($0) + 1 } END { print (n > 65536) }' got
	assert_output 1
	# ...and it holds only what came since it was last emptied
	size=$(stat -c %s "$tap")
	[ "$size" -le 65636 ] || fail "echo.log is $size bytes"
	stop_drive
	grep -q 'the car is stopped (iracer-send echoed the 0x00)' drive.err
}
