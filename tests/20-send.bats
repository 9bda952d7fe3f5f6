#!/usr/bin/env bats
# iracer-send: bytes from stdin to a tty, a UNIX socket, and (not on this
# machine) Bluetooth. The far ends are socat, writing what arrives to a file.

load helper
bats_require_minimum_version 1.5.0

SEND=

setup() {
	common_setup
	SEND=$BIN/iracer-send
	SOCK=$BATS_TEST_TMPDIR/car.sock
}

# A UNIX socket listener that writes what it receives to $2. Pid in $BG_PID.
listen_unix() {
	bg socat -u "UNIX-LISTEN:$SOCK,unlink-early" "CREATE:$1"
	# listening, not only bound (socat binds, then listens: a connect between is refused)
	wait_until 5 sh -c 'ss -xlnH | grep -qF " $1 "' sh "$SOCK"
}

# A pty whose slave is $BATS_TEST_TMPDIR/tty; what is written there goes to $1.
listen_pty() {
	bg socat -u "PTY,link=$BATS_TEST_TMPDIR/tty,raw,echo=0" "CREATE:$1"
	wait_until 5 test -e "$BATS_TEST_TMPDIR/tty"
}

# Start iracer-send in the background reading the FIFO "in" (opened read-write,
# so writers can come and go), echo lines to echo.jsonl, messages to err.
# Waits for the first {"link":"up"} unless NO_WAIT is set. Pid in $SEND_PID.
start_send() {
	mkfifo in
	# the redirections inside: a background job's stdin is otherwise /dev/null
	bg sh -c 'exec "$@" <>in >echo.jsonl 2>err' sh "$SEND" -e "$@"
	SEND_PID=$BG_PID
	[ -n "${NO_WAIT:-}" ] || wait_ups 1
}

# True when echo.jsonl holds at least $1 {"link":"up"} lines.
ups_at_least() {
	[ "$(grep -c '^{"type":"link","link":"up"}$' echo.jsonl 2>/dev/null)" -ge "$1" ]
}

wait_ups() {
	wait_until 10 ups_at_least "$1"
}

# True when file $1 holds exactly the hex bytes $2.
bytes_are() {
	[ -e "$1" ] && [ "$(hex <"$1")" = "$2" ]
}

# Wait until file $1 holds exactly the hex bytes $2, for at most $3 s (5).
wait_bytes() {
	wait_until "${3:-5}" bytes_are "$1" "$2" ||
		{ echo "file $1 has: $(hex <"$1"), want: $2" >&2; return 1; }
}

size_at_least() {
	[ -e "$1" ] && [ "$(stat -c %s "$1")" -ge "$2" ]
}

# Wait for a background child of this shell to end; its status in $STATUS.
reap() {
	wait_exit "$1" || fail "process $1 still running"
	STATUS=0
	wait "$1" || STATUS=$?
}

all_bytes() {
	"$PY" -c 'import sys; sys.stdout.buffer.write(bytes(range(256)))'
}

@test "pty: all 256 byte values arrive in order, tty set raw 9600 8N1" {
	listen_pty out
	start_send "$BATS_TEST_TMPDIR/tty"
	run stty -F "$BATS_TEST_TMPDIR/tty" -a
	assert_success
	assert_output --partial "speed 9600 baud"
	local flag
	for flag in cs8 -parenb -cstopb -icanon -isig -iexten -echo -opost -icrnl -ixon -crtscts cread clocal; do
		[[ " $(echo "$output" | tr '\n;' '  ') " == *" $flag "* ]] ||
			fail "stty lacks $flag: $output"
	done
	all_bytes >all.bin
	cat all.bin >in
	wait_until 5 size_at_least out 256
	kill -TERM "$SEND_PID"
	reap "$SEND_PID"
	[ "$STATUS" -eq 0 ] || fail "status $STATUS, want 0"
	{ cat all.bin; printf '\0'; } >want.bin
	wait_until 5 cmp -s out want.bin || { cmp out want.bin; hex <out; false; }
}

@test "unix socket: 512 bytes in order, -S adds one trailing 00" {
	listen_unix out
	all_bytes >all.bin
	cat all.bin all.bin | "$SEND" -S "unix:$SOCK"
	{ cat all.bin all.bin; printf '\0'; } >want.bin
	wait_until 5 cmp -s out want.bin || { cmp out want.bin; false; }
}

@test "without -S, end of input adds nothing; exit 0" {
	listen_unix out
	run "$SEND" "unix:$SOCK" < <(printf '\x18\x22')
	assert_success
	assert_output ""
	wait_bytes out "18 22"
	sleep 0.2
	[ "$(hex <out)" = "18 22" ]
}

@test "-S after input that already ends with a stop adds no second one" {
	listen_unix out
	printf '\x1c\x39\x00' | "$SEND" -S "unix:$SOCK"
	wait_bytes out "1c 39 00"
	sleep 0.2
	[ "$(hex <out)" = "1c 39 00" ]
}

@test "-S with empty input still sends a stop" {
	listen_unix out
	"$SEND" -S "unix:$SOCK" </dev/null
	wait_bytes out "00"
	sleep 0.1
	[ "$(hex <out)" = "00" ]
}

@test "target from IRACER_ADDR" {
	listen_unix out
	printf '\x5b' | IRACER_ADDR="unix:$SOCK" "$SEND" -S
	wait_bytes out "5b 00"
}

@test "input is read only once connected: bytes waiting in the pipe are delivered" {
	listen_unix out
	# the bytes are in the pipe before iracer-send even starts
	{ printf '\x16\x26'; sleep 0.5; } | "$SEND" -S "unix:$SOCK"
	wait_bytes out "16 26 00"
}

@test "-e: JSON lines for link changes and every byte, t in ms" {
	listen_unix out
	printf '\x18\x9a' | "$SEND" -S -e "unix:$SOCK" >echo.jsonl
	run cat echo.jsonl
	assert_line --index 0 '{"type":"link","link":"up"}'
	assert_line --index 1 --regexp '^\{"type":"echo","t":[0-9]+\.[0-9]{3},"byte":"0x18","command":"forward 8"\}$'
	assert_line --index 2 --regexp '^\{"type":"echo","t":[0-9]+\.[0-9]{3},"byte":"0x9a","command":"raw 0x9a"\}$'
	assert_line --index 3 --regexp '^\{"type":"echo","t":[0-9]+\.[0-9]{3},"byte":"0x00","command":"stop"\}$'
	assert_line --index 4 '{"type":"link","link":"down","reason":"end of input"}'
	[ "${#lines[@]}" -eq 5 ]
	run jq -c -s '[.[] | .byte // .link]' echo.jsonl
	assert_output '["up","0x18","0x9a","0x00","down"]'
	run jq -s -e 'all(.[] | select(.t); .t >= 0 and .t < 5)' echo.jsonl
	assert_success
}

@test "-v logs every byte sent, decoded, to stderr" {
	listen_unix out
	run --separate-stderr "$SEND" -v -S "unix:$SOCK" < <(printf '\x57')
	assert_success
	[[ "$stderr" == *"iracer-send: sent 0x57 forward-left 7"* ]] || fail "$stderr"
	[[ "$stderr" == *"iracer-send: sent 0x00 stop"* ]] || fail "$stderr"
}

@test "a FIFO opened read-write keeps one link across many writers" {
	listen_unix out
	start_send "unix:$SOCK"
	printf '\x18' >in
	printf '\x28' >in
	printf '\x00' >in
	wait_bytes out "18 28 00"
	kill -0 "$SEND_PID"
	run grep -c '"link"' echo.jsonl
	assert_output 1
}

@test "-R: far end killed and back: 00 first, nothing from the outage replayed" {
	listen_unix out1
	local far=$BG_PID
	start_send -R -v "unix:$SOCK"
	printf '\x11\x12' >in
	# -R starts every connection from a stopped car
	wait_bytes out1 "00 11 12"

	kill -TERM "$far"
	wait_exit "$far"
	wait_until 5 grep -q '^{"type":"link","link":"down","reason":"closed by the far end"}$' echo.jsonl
	# written during the outage: read and dropped, never to be replayed
	printf '\x21\x22' >in
	wait_until 5 grep -q 'link down: dropped 2 bytes' err

	listen_unix out2
	wait_ups 2
	printf '\x31\x32' >in
	wait_bytes out2 "00 31 32"
	sleep 0.2
	[ "$(hex <out2)" = "00 31 32" ]
	[ "$(hex <out1)" = "00 11 12" ]
	grep -q "unix:$SOCK: link lost: closed by the far end; reconnecting" err
	run jq -c -s '[.[] | .byte // .link]' echo.jsonl
	assert_output '["up","0x00","0x11","0x12","down","up","0x00","0x31","0x32"]'
}

@test "-R: no listener at first; input meanwhile dropped; 00 first once it appears" {
	NO_WAIT=1 start_send -R -v "unix:$SOCK"
	wait_until 5 grep -q "retrying in" err
	printf '\x44' >in
	wait_until 5 grep -q 'link down: dropped 1 byte' err
	listen_unix out
	wait_ups 1
	printf '\x55' >in
	wait_bytes out "00 55"
	run grep -c "retrying in" err
	# one message per reason, not one per attempt
	assert_output 1
	grep -q "unix:$SOCK: No such file or directory (nothing listens there; start iracer-sim -l first); retrying in 0.25 s" err
}

@test "without -R a lost link exits 69 naming the target" {
	listen_unix out
	local far=$BG_PID
	start_send "unix:$SOCK"
	printf '\x18' >in
	wait_bytes out "18"
	kill -TERM "$far"
	reap "$SEND_PID"
	[ "$STATUS" -eq 69 ] || fail "status $STATUS, want 69"
	run cat err
	assert_output "iracer-send: unix:$SOCK: link lost: closed by the far end"
	run tail -n 1 echo.jsonl
	assert_output '{"type":"link","link":"down","reason":"closed by the far end"}'
}

@test "pty: far end gone without -R exits 69 naming the tty" {
	listen_pty out
	local far=$BG_PID
	start_send "$BATS_TEST_TMPDIR/tty"
	kill -TERM "$far"
	reap "$SEND_PID"
	[ "$STATUS" -eq 69 ] || fail "status $STATUS, want 69"
	run cat err
	assert_output --regexp "^iracer-send: $BATS_TEST_TMPDIR/tty: link lost: "
}

@test "watchdog: -w 200, one byte then silence: 00 after about 200 ms" {
	listen_unix out
	start_send -w 200 -v "unix:$SOCK"
	printf '\x18' >in
	wait_bytes out "18 00" 5
	local t18 t00
	t18=$(jq -r 'select(.byte == "0x18") | .t' echo.jsonl)
	t00=$(jq -r 'select(.byte == "0x00") | .t' echo.jsonl)
	# not before 200 ms; the upper bound only catches a watchdog that never fires
	run awk -v a="$t18" -v b="$t00" 'BEGIN { d = b - a; print d; exit !(d >= 0.199 && d < 2) }'
	assert_success
	grep -q 'watchdog: no input for 200 ms, stopping the car' err
	# fires once: the car is stopped, nothing more is sent
	sleep 0.5
	[ "$(hex <out)" = "18 00" ]
}

@test "watchdog: repeats every 50 ms for 1 s keep it alive, then it stops the car" {
	listen_unix out
	start_send -w 200 "unix:$SOCK"
	local i
	for ((i = 0; i < 20; i++)); do
		printf '\x18'
		sleep 0.05
	done >in
	wait_until 5 grep -q '"byte":"0x00"' echo.jsonl
	sleep 0.3
	# a stop only ever follows 200 ms of silence: on a quiet machine that is
	# just the final one; under heavy load a late repeat may earn another
	run jq -r -s '[.[] | select(.byte)] as $b
		| [range(1; $b | length) | select($b[.].byte == "0x00")
		   | select($b[.].t - $b[. - 1].t < 0.199)] | length' echo.jsonl
	assert_output 0
	run jq -r -s '[.[] | select(.byte == "0x18")] | length' echo.jsonl
	assert_output 20
	run jq -r -s '[.[] | select(.byte)] | last | .byte' echo.jsonl
	assert_output 0x00
	# what the far end got is what the echo says
	[ "$(hex <out)" = "$(jq -r '.byte // empty' echo.jsonl | cut -c3- | tr '\n' ' ' | sed 's/ $//')" ]
	local stops
	stops=$(jq -s '[.[] | select(.byte == "0x00")] | length' echo.jsonl)
	[ "$stops" -eq 1 ] || echo "# load: $((stops - 1)) repeat(s) came over 200 ms late" >&3
}

@test "watchdog: a stopped car is not stopped again" {
	listen_unix out
	start_send -w 100 "unix:$SOCK"
	printf '\x18\x00' >in
	wait_bytes out "18 00"
	sleep 0.4
	[ "$(hex <out)" = "18 00" ]
}

@test "SIGINT, SIGTERM, SIGHUP deliver 00 and exit 0" {
	local sig
	for sig in INT TERM HUP; do
		rm -f in out echo.jsonl err
		listen_unix out
		start_send "unix:$SOCK"
		printf '\x18' >in
		wait_bytes out "18"
		kill "-$sig" "$SEND_PID"
		reap "$SEND_PID"
		[ "$STATUS" -eq 0 ] || fail "status $STATUS, want 0"
		wait_bytes out "18 00"
		run tail -n 2 echo.jsonl
		assert_line --index 0 --regexp '"byte":"0x00","command":"stop"'
		assert_line --index 1 --regexp '^\{"type":"link","link":"down","reason":"[A-Z][a-z]+[a-z ]*"\}$'
	done
}

@test "SIGINT while the link is down (-R): says the stop was not delivered, 69" {
	NO_WAIT=1 start_send -R "unix:$SOCK"
	wait_until 5 grep -q "retrying in" err
	kill -INT "$SEND_PID"
	reap "$SEND_PID"
	[ "$STATUS" -eq 69 ] || fail "status $STATUS, want 69"
	grep -q "iracer-send: unix:$SOCK: stop not delivered: the link is not up" err
}

@test "SIGPIPE does not kill it: a closed echo reader is an I/O error, car stopped" {
	listen_unix out
	mkfifo in
	# the reader takes one line and is gone (its read end closed) before reader-gone
	bg bash -c '"$0" -e "unix:$1" <>in 2>err | { head -n 1 >first; exec 0<&-; : >reader-gone; }
		echo "${PIPESTATUS[0]}" >status' "$SEND" "$SOCK"
	wait_until 5 test -e reader-gone
	printf '\x18' >in
	wait_bytes out "18 00"
	wait_file status
	[ "$(cat status)" = 74 ]
	[ "$(cat err)" = "iracer-send: stdout: Broken pipe" ]
}

@test "Bluetooth address on a machine without Bluetooth: plain words, 69, fast" {
	local t0 t1
	t0=$(date +%s%N)
	run "$SEND" 00:11:22:33:44:55 </dev/null
	t1=$(date +%s%N)
	assert_failure 69
	assert_output "iracer-send: 00:11:22:33:44:55: this system has no Bluetooth support (kernel or driver missing)"
	[ $(((t1 - t0) / 1000000)) -lt 2000 ]
	# retrying cannot help either
	run timeout 5 "$SEND" -R 00:11:22:33:44:55 </dev/null
	assert_failure 69
}

@test "malformed Bluetooth address is a usage error" {
	run "$SEND" 00:11:22
	assert_failure 64
	assert_output "iracer-send: 00:11:22: malformed Bluetooth address (want six hex pairs, like 00:12:05:09:98:36)"
	run "$SEND" 00:11:22:33:44:5G
	assert_failure 64
	assert_output --partial "not a Bluetooth address (XX:XX:XX:XX:XX:XX), a device path (/dev/rfcomm0, ./tty) or unix:PATH"
	run "$SEND" 00:11:22:33:44:55:66
	assert_failure 64
	assert_output --partial "malformed Bluetooth address"
	run "$SEND" rfcomm0
	assert_failure 64
	assert_output "iracer-send: rfcomm0: not a Bluetooth address (XX:XX:XX:XX:XX:XX), a device path (/dev/rfcomm0, ./tty) or unix:PATH"
}

@test "no target and no IRACER_ADDR is a usage error" {
	run env -u IRACER_ADDR "$SEND"
	assert_failure 64
	assert_output "iracer-send: no target: give the car's address, a tty or unix:PATH, or set IRACER_ADDR (try --help)"
	IRACER_ADDR='' run "$SEND"
	assert_failure 64
	IRACER_ADDR=00:11:22 run "$SEND"
	assert_failure 64
	assert_output --partial "00:11:22: malformed Bluetooth address"
}

@test "bad option values: specific messages, 64" {
	local SEND_USAGE="usage: iracer-send [-eRSv] [-c channel] [-d secs] [-t secs] [-w ms] [target]"
	run "$SEND" -c 0 unix:x
	assert_failure 64
	assert_line --index 0 "iracer-send: --channel: 0: not a number from 1 to 30"
	assert_line --index 1 "$SEND_USAGE"
	run "$SEND" -c 31 unix:x
	assert_failure 64
	assert_line --index 0 "iracer-send: --channel: 31: not a number from 1 to 30"
	assert_line --index 1 "$SEND_USAGE"
	run "$SEND" --channel=one unix:x
	assert_failure 64
	assert_line --index 0 "iracer-send: --channel: one: not a number from 1 to 30"
	assert_line --index 1 "$SEND_USAGE"
	run "$SEND" -w 0 unix:x
	assert_failure 64
	assert_line --index 0 "iracer-send: --watchdog: 0: not a number from 1 to 3600000"
	assert_line --index 1 "$SEND_USAGE"
	run "$SEND" -w 200ms unix:x
	assert_failure 64
	assert_line --index 0 "iracer-send: --watchdog: 200ms: not a number from 1 to 3600000"
	assert_line --index 1 "$SEND_USAGE"
	run "$SEND" -t 0 unix:x
	assert_failure 64
	assert_line --index 0 "iracer-send: --timeout: 0: not a number from 0.01 to 3600"
	assert_line --index 1 "$SEND_USAGE"
	run "$SEND" -t soon unix:x
	assert_failure 64
	assert_line --index 0 "iracer-send: --timeout: soon: not a number from 0.01 to 3600"
	assert_line --index 1 "$SEND_USAGE"
	run "$SEND" unix:a unix:b
	assert_failure 64
	assert_output "iracer-send: one target only: 'unix:b' is extra (try --help)"
	run "$SEND" -q unix:x
	assert_failure 64
	assert_line --index 0 "iracer-send: invalid option -- 'q'"
	assert_line --index 1 "usage: iracer-send [-eRSv] [-c channel] [-d secs] [-t secs] [-w ms] [target]"
	run "$SEND" unix:
	assert_failure 64
	assert_output "iracer-send: unix:: unix: needs a socket path, e.g. unix:/tmp/car.sock"
}

@test "unreachable targets: 69 with the target and the reason" {
	run "$SEND" "unix:$SOCK" </dev/null
	assert_failure 69
	assert_output "iracer-send: unix:$SOCK: No such file or directory (nothing listens there; start iracer-sim -l first)"
	"$PY" -c 'import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$SOCK"
	run "$SEND" "unix:$SOCK" </dev/null
	assert_failure 69
	assert_output "iracer-send: unix:$SOCK: Connection refused (nothing listens on the socket, or the car is busy with another sender)"
	run "$SEND" "$BATS_TEST_TMPDIR/no-such-tty" </dev/null
	assert_failure 69
	assert_output "iracer-send: $BATS_TEST_TMPDIR/no-such-tty: No such file or directory"
	touch plain
	run "$SEND" ./plain </dev/null
	assert_failure 69
	assert_output "iracer-send: ./plain: not a terminal device (give a tty such as /dev/rfcomm0)"
}

@test "--help matches the man page synopsis and options; --version" {
	run "$SEND" --help
	assert_success
	assert_line --index 0 "usage: iracer-send [-eRSv] [-c channel] [-d secs] [-t secs] [-w ms] [target]"
	local synopsis
	synopsis=$(mandoc -Tascii -O width=200 "$TOP/man/iracer-send.1" | col -b |
		awk '/^SYNOPSIS/ { getline; print; exit }' | sed 's/^ *//')
	[ "usage: $synopsis" = "${lines[0]}" ] || fail "man: '$synopsis' help: '${lines[0]}'"
	local opt
	for opt in -c --channel -d --deadline -e --echo -R --reconnect -S --stop-at-eof -t --timeout \
		-v --verbose -w --watchdog -h --help --version; do
		[[ "$output" == *"$opt"* ]] || fail "--help lacks $opt"
		mandoc -Tascii "$TOP/man/iracer-send.1" | col -b | grep -q -e "$opt" ||
			fail "man page lacks $opt"
	done
	run "$SEND" --version
	assert_success
	assert_output --regexp '^iracer-send [0-9]+\.[0-9]+\.[0-9]+$'
}

@test "man page passes mandoc -Tlint" {
	run mandoc -Tlint -W warning "$TOP/man/iracer-send.1"
	assert_success
	assert_output ""
}
