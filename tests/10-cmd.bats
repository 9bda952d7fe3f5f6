#!/usr/bin/env bats
# shellcheck disable=SC2016,SC2154 # sh -c scripts are single-quoted; run sets $stderr
# iracer-cmd: text in, command bytes out, each when it is due.
bats_require_minimum_version 1.5.0
load helper

# Bytes iracer-cmd writes for the printf-format text $1 (options follow), as hex.
bytes_of() {
	local text=$1
	shift
	# shellcheck disable=SC2059 # the text is a printf format on purpose
	printf "$text" | "$BIN/iracer-cmd" "$@" | hex
}

# Run iracer-cmd with stdout in out.bin; sets $status, $bytes (hex) and $errs.
runcmd() {
	status=0
	"$BIN/iracer-cmd" "$@" >out.bin 2>err.txt || status=$?
	bytes=$(hex <out.bin)
	errs=$(cat err.txt)
}

# What runcmd got from bad input: status 65, the messages $1, the bytes $2.
bad_input() {
	[ "$status" -eq 65 ] || fail "status $status, want 65"
	[ "$errs" = "$1" ] || fail "stderr: $errs"
	[ "$bytes" = "$2" ] || fail "bytes: $bytes"
}

bytes_are() {
	[ "$(hex <"$1")" = "$2" ]
}

# The same, with runs of one byte counted once: -i repeats a timed hold's byte
# as a keepalive (iracer(7)), and how often depends on timing.
distinct_bytes_are() {
	[ "$(hex <"$1" | tr ' ' '\n' | uniq | paste -sd ' ')" = "$2" ]
}

now_ms() {
	echo $(($(date +%s%N) / 1000000))
}

# Start iracer-cmd in the background reading the FIFO "in", which the test
# writes through fd 3; bytes go to out.bin. Options are passed on.
start_on_fifo() {
	mkfifo in
	: >out.bin
	exec 8<>in
	# stdin of a background job is /dev/null unless the job itself redirects it
	bg sh -c 'exec "$@" <in >>out.bin 8>&-' sh "$BIN/iracer-cmd" "$@"
}

# ---- acceptance 1: bytes ----

@test "forward gives 18, up 6 gives 16, raw 0x57 gives 57" {
	run bytes_of 'forward\n'
	assert_output "18"
	run bytes_of 'up 6\n'
	assert_output "16"
	run bytes_of 'raw 0x57\n'
	assert_output "57"
}

@test "names, aliases, short forms, case, comments, blank lines, CRLF" {
	run bytes_of '#!/usr/bin/env iracer-cmd\n\n  FORWARD 15\nDown 1 # reverse\nf\nb\nl\nr\nfl 12\nfr\nbl\nbr 0\nstop\r\nraw 87\nraw 0XFF\n'
	assert_output "1f 21 18 28 38 48 5c 68 78 80 00 57 ff"
}

@test "a route file with #!/usr/bin/env iracer-cmd runs by itself" {
	printf '#!/usr/bin/env iracer-cmd\nforward 12 20ms\nfl 20ms\n' >hop.route
	chmod +x hop.route
	run bash -c "PATH='$BIN':\$PATH ./hop.route | od -An -tx1"
	assert_output " 1c 58 00"
}

@test "the last line needs no newline" {
	run bytes_of 'left\nright 3'
	assert_output "38 43"
}

@test "speed and -s set the default speed" {
	run bytes_of 'forward\nspeed 12\nforward\nbackward 3\nbackward\n' -s 6
	assert_output "16 1c 23 2c"
	run bytes_of 'fl\n' --speed 15
	assert_output "5f"
}

@test "every direction and speed of the byte table round-trips through --decode" {
	local d s expected_hex="" names=(stop forward backward steer-left steer-right forward-left forward-right
		backward-left backward-right)
	: >expected.txt
	for d in 1 2 3 4 5 6 7 8; do
		for s in $(seq 0 15); do
			echo "${names[d]} $s"
			printf '0x%02x %s %d\n' $((d * 16 + s)) "${names[d]}" "$s" >>expected.txt
		done
	done >commands.txt
	# the stop row: only 0x00 is "stop"; a speed nibble keeps the byte exact
	echo stop >>commands.txt
	echo "0x00 stop" >>expected.txt
	for s in $(seq 1 15); do
		printf 'raw 0x%02x\n' "$s" >>commands.txt
		printf '0x%02x raw 0x%02x\n' "$s" "$s" >>expected.txt
	done
	"$BIN/iracer-cmd" commands.txt >bytes.bin
	[ "$(stat -c %s bytes.bin)" -eq 144 ]
	for d in 1 2 3 4 5 6 7 8 0; do
		for s in $(seq 0 15); do
			expected_hex+=" $(printf '%x%x' "$d" "$s")"
		done
	done
	[ "$(hex <bytes.bin)" = "${expected_hex# }" ]
	"$BIN/iracer-cmd" --decode <bytes.bin >decoded.txt
	diff -u expected.txt decoded.txt
	# and the readable text is itself valid input for the same bytes
	cut -d' ' -f2- decoded.txt | "$BIN/iracer-cmd" >again.bin
	cmp bytes.bin again.bin
}

@test "all 256 bytes decode to text that encodes the same byte" {
	"$PY" -c 'import sys; sys.stdout.buffer.write(bytes(range(256)))' >all.bin
	"$BIN/iracer-cmd" -d all.bin >all.txt
	[ "$(wc -l <all.txt)" -eq 256 ]
	[ "$(sed -n 1p all.txt)" = "0x00 stop" ]
	[ "$(sed -n 155p all.txt)" = "0x9a raw 0x9a" ]
	[ "$(sed -n 256p all.txt)" = "0xff raw 0xff" ]
	cut -d' ' -f2- all.txt | "$BIN/iracer-cmd" >again.bin
	cmp all.bin again.bin
}

@test "--decode prints each byte's line as soon as it arrives" {
	mkfifo in
	exec 8<>in
	bg sh -c 'exec "$0" -d <in >decoded.txt 8>&-' "$BIN/iracer-cmd"
	printf '\x58' >&8
	wait_until 5 grep -qx '0x58 forward-left 8' decoded.txt
	printf '\x00' >&8
	wait_until 5 grep -qx '0x00 stop' decoded.txt
	exec 8>&-
	wait_exit "$BG_PID"
}

@test "on a terminal it prints readable lines instead of bytes" {
	run script -qec "printf 'forward\\nfl 12\\nstop\\n' | '$BIN/iracer-cmd'" /dev/null
	assert_success
	[ "$(printf '%s' "$output" | tr -d '\r')" = "$(printf '0x18 forward 8\n0x5c forward-left 12\n0x00 stop')" ]
}

# ---- acceptance 2: plan and timing ----

@test "--plan prints the exact schedule of a route, to the millisecond" {
	cat >square.route <<-'EOF'
		#!/usr/bin/env iracer-cmd
		speed 12
		forward 1.5s     # first side
		FL 700ms
		wait 250ms
		left
		wait 1s
		stop 500ms
		raw 0x9a 20ms
		b 6 0.001s
	EOF
	run "$BIN/iracer-cmd" --plan square.route
	assert_success
	assert_output "0.000 0x1c forward 12
1.500 0x5c forward-left 12
2.450 0x3c steer-left 12
3.450 0x00 stop
3.950 0x9a raw 0x9a
3.970 0x26 backward 6
3.971 0x00 stop"
}

@test "--plan does not wait, and untimed steps end without a stop" {
	run timeout 2 "$BIN/iracer-cmd" -n <<<$'forward 100s\nwait 50s\nright 0.5ms\nleft'
	assert_success
	assert_output "0.000 0x18 forward 8
150.000 0x48 steer-right 8
150.001 0x38 steer-left 8"
}

@test "a 200-step route of 20 ms steps delivers every byte in order within 4.1 s" {
	local i expected=() t0 t1
	for ((i = 0; i < 200; i++)); do
		printf 'raw 0x%02x 20ms\n' $((0x10 + i % 0x80)) >>long.route
		expected+=("$(printf '%02x' $((0x10 + i % 0x80)))")
	done
	expected+=(00)
	t0=$(now_ms)
	"$BIN/iracer-cmd" long.route >out.bin
	t1=$(now_ms)
	[ "$(hex <out.bin)" = "${expected[*]}" ]
	echo "200 x 20 ms took $((t1 - t0)) ms"
	[ $((t1 - t0)) -ge 3990 ]
	[ $((t1 - t0)) -lt 4100 ]
}

# ---- acceptance 3: flow, -i, signals ----

@test "a route flows from step to step without stop bytes and ends with 00" {
	local t0 t1
	printf 'forward 100ms\nfl 12 100ms\nwait 100ms\nbackward 100ms\n' >flow.route
	t0=$(now_ms)
	runcmd flow.route
	t1=$(now_ms)
	[ "$status" -eq 0 ]
	[ "$bytes" = "18 5c 28 00" ]
	[ $((t1 - t0)) -ge 390 ]
}

@test "input that ends after an untimed command just exits; wait then stops" {
	run bytes_of 'forward\n'
	assert_output "18"
	run bytes_of 'forward\nwait 50ms\n'
	assert_output "18 00"
	run bytes_of 'stop 50ms\n'
	assert_output "00"
}

@test "every line gives its byte, repeats too; with -i the newest waiting line wins" {
	run bytes_of 'forward\nforward\nforward 10ms\nforward 10ms\n'
	assert_output "18 18 18 18 00"
	run bytes_of 'forward\nbackward\nspeed 9\nleft\n' -i
	assert_output "39"
}

@test "without -i, a line that arrives during a hold waits for its end and flows on" {
	local t0 t1
	t0=$(now_ms)
	run bytes_of_slow_pipe
	t1=$(now_ms)
	assert_output "18 38"
	[ $((t1 - t0)) -ge 450 ]
}

bytes_of_slow_pipe() {
	{
		echo "forward 500ms"
		sleep 0.1
		echo "left"
	} | "$BIN/iracer-cmd" | hex
}

@test "without -i, a line that arrives after a hold ended comes after a stop" {
	start_on_fifo
	echo "forward 100ms" >&8
	wait_until 5 bytes_are out.bin "18 00"
	echo "left 100ms" >&8
	wait_until 5 bytes_are out.bin "18 00 38 00"
	exec 8>&-
	wait_exit "$BG_PID"
	wait "$BG_PID"
}

@test "-i cuts a timed hold short: the next line takes over at once" {
	local t0 t1
	start_on_fifo -i
	t0=$(now_ms)
	echo "forward 10s" >&8
	sleep 0.1
	echo "left" >&8
	wait_until 5 distinct_bytes_are out.bin "18 38"
	t1=$(now_ms)
	echo "second byte after $((t1 - t0)) ms"
	[ $((t1 - t0)) -lt 2000 ]
	exec 8>&-
	wait_exit "$BG_PID"
	wait "$BG_PID"
	distinct_bytes_are out.bin "18 38"
}

@test "-i: a hold that runs out stops the car while the input stays open" {
	start_on_fifo -i
	echo "backward 6 200ms" >&8
	wait_until 5 distinct_bytes_are out.bin "26 00"
	kill -0 "$BG_PID"
	echo "right" >&8
	wait_until 5 distinct_bytes_are out.bin "26 00 48"
	exec 8>&-
	wait_exit "$BG_PID"
	wait "$BG_PID"
}

@test "-i: input that ends during a hold still holds, then stops" {
	local t0 t1
	t0=$(now_ms)
	run bytes_of 'forward 300ms\n' -i
	t1=$(now_ms)
	assert_output --regexp '^18( 18)+ 00$'
	[ $((t1 - t0)) -ge 290 ]
}

@test "SIGINT during a hold delivers 00 and dies of the signal" {
	start_on_fifo
	echo "forward 10s" >&8
	wait_until 5 bytes_are out.bin "18"
	kill -INT "$BG_PID"
	wait_exit "$BG_PID"
	run wait "$BG_PID"
	[ "$status" -eq 130 ]
	[ "$(hex <out.bin)" = "18 00" ]
	exec 8>&-
}

@test "SIGTERM while waiting for input delivers 00; so does -i" {
	start_on_fifo
	echo "forward" >&8
	wait_until 5 bytes_are out.bin "18"
	kill -TERM "$BG_PID"
	wait_exit "$BG_PID"
	run wait "$BG_PID"
	[ "$status" -eq 143 ]
	[ "$(hex <out.bin)" = "18 00" ]
	exec 8>&-
	rm in
	start_on_fifo -i
	echo "fr 5s" >&8
	wait_until 5 bytes_are out.bin "68"
	kill -INT "$BG_PID"
	wait_exit "$BG_PID"
	[ "$(hex <out.bin)" = "68 00" ]
	exec 8>&-
}

@test "a reader that goes away is reported, status 74" {
	run bash -c "printf 'forward\nwait 300ms\nleft\n' | '$BIN/iracer-cmd' 2>err.txt | head -c1 >/dev/null; echo \${PIPESTATUS[1]}"
	assert_output "74"
	[ "$(cat err.txt)" = "iracer-cmd: stdout: Broken pipe" ]
}

# ---- acceptance 5: bad input ----

@test "unknown command: message with a hint, good lines still work, status 65" {
	printf 'forward\nleft\nforwrd 8\nstop\n' >route.txt
	runcmd route.txt
	bad_input "iracer-cmd: route.txt:3: unknown command 'forwrd' (did you mean 'forward'?)" "18 38 00"
}

@test "unknown command without a close name, on stdin" {
	runcmd <<<$'jump 3\nforward'
	bad_input "iracer-cmd: <stdin>:1: unknown command 'jump'" "18"
}

@test "out-of-range speed" {
	runcmd <<<$'forward 16\nspeed 99\nleft -1\nright 4'
	bad_input "iracer-cmd: <stdin>:1: speed '16' out of range (0-15)
iracer-cmd: <stdin>:2: speed '99' out of range (0-15)
iracer-cmd: <stdin>:3: speed '-1' out of range (0-15)" \
		"44"
}

@test "missing unit, unknown unit, bad duration" {
	runcmd <<<$'forward 8 2\nwait 1.5\nstop 5\nleft 2m\nright soon\nwait\nforward 8 20ms'
	bad_input "iracer-cmd: <stdin>:1: missing unit in '2' (s or ms, like 2s)
iracer-cmd: <stdin>:2: missing unit in '1.5' (s or ms, like 1.5s)
iracer-cmd: <stdin>:3: missing unit in '5' (s or ms, like 5s)
iracer-cmd: <stdin>:4: unknown unit in duration '2m' (s or ms)
iracer-cmd: <stdin>:5: bad duration 'soon' (like 1.5s or 250ms)
iracer-cmd: <stdin>:6: missing duration (like 'wait 500ms')" \
		"18 00"
}

@test "trailing junk" {
	runcmd <<<$'forward 8 1s now\nstop 1s please\nspeed 3 4\nbackward'
	bad_input "iracer-cmd: <stdin>:1: unexpected 'now' at the end of the command
iracer-cmd: <stdin>:2: unexpected 'please' at the end of the command
iracer-cmd: <stdin>:3: unexpected '4' at the end of the command" \
		"28"
}

@test "bad raw bytes" {
	runcmd <<<$'raw 0x100\nraw 256\nraw zz\nraw\nraw 0x5'
	bad_input "iracer-cmd: <stdin>:1: byte '0x100' out of range (0-255 or 0x00-0xff)
iracer-cmd: <stdin>:2: byte '256' out of range (0-255 or 0x00-0xff)
iracer-cmd: <stdin>:3: bad byte 'zz' (0-255 or 0x00-0xff)
iracer-cmd: <stdin>:4: missing byte (like 'raw 0x57')" \
		"05"
}

@test "an over-long line is reported once and the line count stays right" {
	{
		echo "forward"
		head -c 3000 /dev/zero | tr '\0' x
		echo
		echo "bakward"
		# exactly 1024 bytes is still fine
		printf 'left%1020s\n' ""
		head -c 1025 /dev/zero | tr '\0' ' '
	} >long.txt
	runcmd long.txt
	bad_input "iracer-cmd: long.txt:2: line too long (limit 1024 bytes)
iracer-cmd: long.txt:3: unknown command 'bakward' (did you mean 'backward'?)
iracer-cmd: long.txt:5: line too long (limit 1024 bytes)" \
		"18 38"
}

@test "a NUL byte in a line" {
	printf 'forward\nleft\0\nright\n' >nul.txt
	runcmd nul.txt
	bad_input "iracer-cmd: nul.txt:2: NUL byte in line" "18 48"
}

@test "a missing file is reported, the other files still run, status 66" {
	echo "forward 10ms" >a.route
	echo "left" >b.route
	mkdir dir
	runcmd a.route nope.route dir - b.route <<<"right"
	[ "$status" -eq 66 ]
	[ "$errs" = "iracer-cmd: nope.route: No such file or directory
iracer-cmd: dir: is a directory" ]
	[ "$bytes" = "18 48 38" ]
}

@test "-c validates only" {
	printf 'forward 1s\nfl 12 100s\n' >good.route
	run --separate-stderr "$BIN/iracer-cmd" -c good.route
	assert_success
	assert_output ""
	[ "$stderr" = "" ]
	printf 'forward 1s\nforwrd\n' >bad.route
	run --separate-stderr "$BIN/iracer-cmd" --check good.route bad.route
	[ "$status" -eq 65 ]
	assert_output ""
	[ "$stderr" = "iracer-cmd: bad.route:2: unknown command 'forwrd' (did you mean 'forward'?)" ]
}

# ---- usage, help, man page ----

@test "usage errors give 64" {
	run --separate-stderr "$BIN/iracer-cmd" -s 16
	[ "$status" -eq 64 ]
	[ "${stderr_lines[0]}" = "iracer-cmd: --speed: 16: not a number from 0 to 15" ]
	[ "${stderr_lines[1]}" = "usage: iracer-cmd [-i] [-s speed] [file ...]" ]
	run --separate-stderr "$BIN/iracer-cmd" -c -n
	[ "$status" -eq 64 ]
	[ "${stderr_lines[0]}" = "iracer-cmd: -c, -d and -n exclude each other" ]
	run --separate-stderr "$BIN/iracer-cmd" -i -n
	[ "$status" -eq 64 ]
	[ "${stderr_lines[0]}" = "iracer-cmd: -i only applies when commands are run" ]
	run --separate-stderr "$BIN/iracer-cmd" -x
	[ "$status" -eq 64 ]
}

@test "--help matches the man page; --version" {
	run "$BIN/iracer-cmd" --help
	assert_success
	printf '%s\n' "$output" | sed -n '1,3p' | sed 's/^usage: //; s/^ *//' >help-synopsis.txt
	mandoc -Tascii -Owidth=200 "$TOP/man/iracer-cmd.1" | sed "s/.\x08//g" >man.txt
	sed -n '/^SYNOPSIS/,/^DESCRIPTION/p' man.txt | grep iracer-cmd | sed 's/^ *//' >man-synopsis.txt
	diff -u man-synopsis.txt help-synopsis.txt
	printf '%s\n' "$output" | grep -o -- '--[a-z]*' | sort -u >help-options.txt
	sed -n '/^OPTIONS/,/^EXIT STATUS/p' man.txt | grep -o -- '--[a-z]*' | sort -u >man-options.txt
	diff -u man-options.txt help-options.txt
	run "$BIN/iracer-cmd" --version
	assert_success
	assert_output --regexp '^iracer-cmd [0-9]+\.[0-9]+\.[0-9]+$'
}

@test "man page passes mandoc -Tlint" {
	run mandoc -Tlint -W warning "$TOP/man/iracer-cmd.1"
	assert_success
	assert_output ""
}
