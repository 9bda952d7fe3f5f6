#!/usr/bin/env bats
# iracer-record: bytes or iracer-send's echo lines in, a route out; and
# iracer-drive --record, which records what the car got, from the page too.

load helper
bats_require_minimum_version 1.5.0

DRIVE="$TOP/scripts/iracer-drive"

REC() {
	"$BIN/iracer-record" "$@"
}

# The route without its header (the shebang and the comment lines).
body() {
	grep -v '^#' "$1"
}

# start_drive, stop_drive and ws are in helper.bash.

# "x y heading" from an iracer-sim summary line on stdin (the last one).
pose() {
	sed -n 's/.*final x \([-0-9.]*\) m, y \([-0-9.]*\) m, heading \([-0-9.]*\) deg.*/\1 \2 \3/p' |
		tail -n 1
}

# Compare two poses: within $3 m and $4 degrees.
poses_agree() {
	awk -v a="$1" -v b="$2" -v dm="$3" -v dd="$4" 'BEGIN {
		split(a, p, " "); split(b, q, " ")
		d = sqrt((p[1] - q[1]) ^ 2 + (p[2] - q[2]) ^ 2)
		h = p[3] - q[3]; while (h > 180) h -= 360; while (h < -180) h += 360
		if (h < 0) h = -h
		printf "pose %s vs %s: %.4f m, %.2f deg apart\n", a, b, d, h
		exit !(d <= dm && h <= dd) }'
}

# ---- the program ----

@test "iracer-record: --help, --version and bad usage" {
	run -0 REC --help
	assert_line --index 0 "usage: iracer-record [-e] [-o file] [-C fifo] [-m comment]"
	run -0 REC --version
	assert_output "iracer-record 0.1.0"
	run -64 REC --frobnicate
	assert_line --index 0 "iracer-record: unrecognized option '--frobnicate'"
	run -64 REC extra
	assert_line --index 0 "iracer-record: unexpected argument 'extra'"
	run -73 REC -o /nonexistent/dir/f.route </dev/null
	assert_output "iracer-record: /nonexistent/dir/f.route: No such file or directory"
	run -66 REC -C /nonexistent/fifo </dev/null
	assert_output "iracer-record: /nonexistent/fifo: No such file or directory"
}

@test "iracer-record: an empty stream is a route that only stops" {
	run -0 REC -m 'an empty test' </dev/null
	assert_line --index 0 '#!/usr/bin/env iracer-cmd'
	assert_line --index 1 --regexp '^# Recorded by iracer-record 0\.1\.0 on [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8} UTC from command bytes on standard input, timed on arrival\.$'
	assert_line --index 2 '# an empty test'
	assert_line --index 3 'stop'
	[ "${#lines[@]}" -eq 4 ]
}

@test "iracer-record: echo lines: merged, leading idle dropped, idle becomes wait, ends stopped" {
	cat >in <<'EOF2'
{"type":"link","link":"up"}
{"type":"echo","t":0.100,"byte":"0x00","command":"stop"}
{"type":"echo","t":0.500,"byte":"0x1c","command":"forward 12"}
{"t":0.600,"byte":"0x1c","command":"forward 12"}
{"type":"echo","t":0.700,"byte":"0x1c","command":"forward 12"}
{"type":"telemetry","t":0.8,"byte":"0x00","command":"stop","x":0,"y":0}
{"t":0.9,"byte":"0x00","x":1}
{"type":"echo","t":1.500,"byte":"0x5c","command":"forward-left 12"}
{"type":"echo","t":2.5004,"byte":"0x00","command":"stop"}
not json at all
{"type":"echo","t":3.000,"byte":"0x2a","command":"backward 10"}
{"type":"echo","t":3.500,"byte":"0x00","command":"stop"}
{"type":"echo","t":3.600,"byte":"0x00","command":"stop"}
EOF2
	REC -e <in >F
	run -0 body F
	assert_output $'forward 12 1000ms\nforward-left 12 1000ms\nstop\nwait 500ms\nbackward 10 500ms\nstop'
	run -0 "$BIN/iracer-cmd" -c F
	run -0 "$BIN/iracer-cmd" -n F
	assert_output $'0.000 0x1c forward 12\n1.000 0x5c forward-left 12\n2.000 0x00 stop\n2.500 0x2a backward 10\n3.000 0x00 stop'
	grep -q '^# Recorded by .* from what the car got (iracer-send -e echo lines)\.$' F
}

@test "iracer-record: undefined bytes are kept as raw; a stream that ends mid-command ends stopped" {
	printf '%s\n' '{"type":"echo","t":1.000,"byte":"0x9f","command":"raw 0x9f"}' \
		'{"type":"echo","t":1.250,"byte":"0x05"}' '{"type":"echo","t":1.5,"byte":"0x18"}' >in
	printf '{"type":"echo","t":2.0,"by' >>in # cut off mid-line
	REC -e <in >F
	run -0 body F
	assert_output --regexp $'^raw 0x9f 250ms\nraw 0x05 250ms\nforward 8 [0-9]+ms\nstop$'
	run -0 "$BIN/iracer-cmd" -c F
	# raw bytes, cut off mid-command (still moving at the end)
	printf '\x18\xf3' | REC >F
	run -0 body F
	assert_output --regexp $'^forward 8 0ms\nraw 0xf3 [0-9]+ms\nstop$'
}

@test "iracer-record: raw bytes are timed on arrival and each line is written when it is known" {
	mkfifo in
	"$BIN/iracer-record" -o F <in &
	BG_PIDS+=("$!")
	local rec=$!
	exec 5>in
	printf '\x18' >&5
	sleep 0.3
	printf '\x00' >&5
	# both lines are there while the input is still open
	wait_until 5 grep -qx 'stop' F
	run -0 body F
	assert_output --regexp $'^forward 8 [0-9]+ms\nstop$'
	local ms=${lines[0]#forward 8 }
	ms=${ms%ms}
	[ "$ms" -ge 280 ] && [ "$ms" -le 1000 ]
	printf '\x1f' >&5
	sleep 0.1
	# SIGTERM finishes the route: the command in effect, then stop
	kill -TERM "$rec"
	wait "$rec"
	exec 5>&-
	run -0 body F
	assert_output --regexp $'^forward 8 [0-9]+ms\nstop\nwait [0-9]+ms\nforward 15 [0-9]+ms\nstop$'
}

@test "iracer-record: a 5-minute drive replays with no drift (every plan time within 0.5 ms of the recording)" {
	# Heartbeats every 100 ms with jitter, many command changes, idle stops.
	"$PY" - >echo.txt 2>want.txt <<'EOF2'
import random, sys
random.seed(12)
t, want, cmds = 0.25, [], [0x1c, 0x5c, 0x6a, 0x2a, 0x18, 0x7f, 0x00, 0x00]
while t < 300:
    b = random.choice(cmds)
    if want and want[-1][1] == b:
        continue
    dur = random.uniform(0.2, 4.0)
    end = t + dur
    first = True
    while t < end:
        print('{"type":"echo","t":%.6f,"byte":"0x%02x","command":"x"}' % (t, b))
        if first:
            want.append((round(t, 6), b))
            first = False
        if b == 0:
            break
        t += 0.1 + random.uniform(-0.003, 0.003)
    t = end
print('{"type":"echo","t":%.6f,"byte":"0x00","command":"stop"}' % t)
if want[-1][1] != 0:
    want.append((round(t, 6), 0))
t0 = next(w[0] for w in want if w[1] != 0)
for w in want:
    if w[0] >= t0:
        print("%.6f 0x%02x" % (w[0] - t0, w[1]), file=sys.stderr)
EOF2
	[ "$(wc -l <echo.txt)" -gt 2000 ]
	REC -e <echo.txt >F
	"$BIN/iracer-cmd" -c F
	"$BIN/iracer-cmd" -n F | cut -d ' ' -f 1,2 >got.txt
	[ "$(wc -l <got.txt)" -eq "$(wc -l <want.txt)" ]
	run -0 paste -d ' ' want.txt got.txt
	# same byte, same offset all the way to the end (about 300 s): 5 ms is asked for,
	# and the design gives 0.5 ms (the rounding, which never adds up)
	run -0 awk '{ d = $3 - $1; if (d < 0) d = -d; if (d > m) m = d; if ($2 != $4 || d > 0.0006) bad++ }
		END { printf "worst %.4f s over %d bytes, last at %s\n", m, NR, $1; exit bad > 0 }' <<<"$output"
	echo "# 5-minute drive: $output" >&3
	assert_output --regexp 'last at 29[0-9]\.[0-9]+$|last at 30[0-9]\.[0-9]+$'
}

@test "iracer-record: a short recording replayed in real time gives each byte within 5 ms of its offset" {
	printf '%s\n' '{"type":"echo","t":10.000,"byte":"0x1c"}' '{"type":"echo","t":10.400,"byte":"0x5c"}' \
		'{"type":"echo","t":10.650,"byte":"0x00"}' '{"type":"echo","t":11.000,"byte":"0x2a"}' \
		'{"type":"echo","t":11.300,"byte":"0x00"}' | REC -e >F
	"$BIN/iracer-cmd" -n F | cut -d ' ' -f 1,2 >want.txt
	"$BIN/iracer-sim" -l unix:car.sock -v 2>sim.err &
	BG_PIDS+=("$!")
	wait_until 5 test -S car.sock
	# iracer-send connects before the route starts, so the first byte is not late
	{ sleep 0.5; "$BIN/iracer-cmd" F; } | "$BIN/iracer-send" unix:car.sock
	wait_until 5 grep -q 'connection closed' sim.err
	sed -n 's/^iracer-sim: \([0-9.]*\) \(0x[0-9a-f]*\) .*/\1 \2/p' sim.err >got.txt
	run -0 paste -d ' ' want.txt got.txt
	run -0 awk 'NR == 1 { t0 = $3 } { d = $3 - t0 - $1; if (d < 0) d = -d; if (d > m) m = d; if ($2 != $4 || d > 0.005) bad++ }
		END { printf "worst %.4f s over %d bytes\n", m, NR; exit bad > 0 || NR != 5 }' <<<"$output"
	echo "# real-time replay: $output" >&3
}

@test "iracer-record: --control records on request and sends the route back as JSON lines" {
	mkfifo in ctl
	"$BIN/iracer-record" -e -C ctl <in >out.json &
	BG_PIDS+=("$!")
	local rec=$!
	exec 5>in 6>ctl
	echo '{"type":"echo","t":1.0,"byte":"0x18"}' >&5
	echo 'record start' >&6
	wait_until 5 grep -q '"state":"on"' out.json
	echo '{"type":"echo","t":1.5,"byte":"0x5c"}' >&5
	echo '{"type":"echo","t":2.0,"byte":"0x00"}' >&5
	echo '#record stop' >&6
	wait_until 5 grep -q '"state":"off"' out.json
	exec 5>&- 6>&-
	wait "$rec"
	run -0 jq -r 'select(.type == "record") | .state' out.json
	assert_output $'on\noff'
	jq -j 'select(.type == "route") | .text' out.json >route
	run -0 jq -r 'select(.type == "route") | "\(.name) \(.part)/\(.parts)"' out.json
	assert_output --regexp '^drive-[0-9]{8}-[0-9]{6}\.route 1/1$'
	run -0 body route
	# the car was already moving when recording began: that is where the route starts
	assert_output --regexp $'^forward 8 [0-9]+ms\nforward-left 12 500ms\nstop$'
	"$BIN/iracer-cmd" -c route
}

@test "json2cmd.jq: the page's record requests become comments for iracer-cmd" {
	run -0 jq -R -r -f "$TOP/scripts/json2cmd.jq" <<<'{"command":"record","action":"start"}
{"command":"RECORD","action":"stop"}'
	assert_output $'#record start\n#record stop'
	run -5 jq -R -r -f "$TOP/scripts/json2cmd.jq" <<<'{"command":"record","action":"rewind"}'
	assert_output 'jq: error (at <stdin>:1): json2cmd: record action must be "start" or "stop", not "rewind"'
}

# ---- iracer-drive --record ----

@test "iracer-drive --sim --record: a drive from the page becomes a route that ends where the car did" {
	start_drive --sim --record F
	ws --steps --read 0.3 "$URL" \
		'1.0={"command":"forward","speed":12}' '1.0={"command":"forward-left","speed":12}' \
		'0.5={"command":"stop"}' '0.5={"command":"backward","speed":10}' '0.3={"command":"stop"}' >/dev/null
	stop_drive
	[ "$(body F | wc -l)" -le 8 ]
	run -0 body F
	assert_line --index 0 --regexp '^forward 12 [0-9]+ms$'
	assert_line --index 1 --regexp '^forward-left 12 [0-9]+ms$'
	assert_line --index 2 'stop'
	assert_line --index 3 --regexp '^wait [0-9]+ms$'
	assert_line --index 4 --regexp '^backward 10 [0-9]+ms$'
	assert_line --index 5 'stop'
	grep -q '^# iracer-drive: driven from the web page (simulator)$' F
	run -0 "$BIN/iracer-cmd" -c F
	local live replay
	live=$(pose <drive.err)
	replay=$("$BIN/iracer-cmd" -n F | "$BIN/iracer-sim" --plan 2>&1 | pose)
	poses_agree "$live" "$replay" 0.03 2 >&3
	# and its picture is drawn from the same plan
	cp F drive.route
	run -0 "$TOP/scripts/iracer-preview" drive.route
	assert_output --partial "wrote drive.svg"
	xmllint --noout drive.svg
}

@test "iracer-drive: the page asks for a recording and gets the route back on the back channel" {
	start_drive --sim
	ws --steps --read 0.5 "$URL" '0.2={"command":"record","action":"start"}' \
		'0.5={"command":"forward","speed":9}' '0.2={"command":"stop"}' \
		'0.1={"command":"record","action":"stop"}' >got.txt
	stop_drive
	run -0 jq -r 'select(.type == "record") | .state' got.txt
	assert_output $'on\noff'
	jq -j 'select(.type == "route") | .text' got.txt >route
	run -0 body route
	assert_output --regexp $'^forward 9 [0-9]+ms\nstop$'
	"$BIN/iracer-cmd" -c route
}

@test "iracer-drive --record: in the help; an unwritable file is status 73 before anything starts" {
	run -0 "$DRIVE" --help
	assert_output --partial "--record FILE      record what the car got as a route (iracer-record)"
	run -73 "$DRIVE" --sim --record /nonexistent/dir/F
	assert_output --partial "iracer-drive: /nonexistent/dir/F: cannot create the route file"
}
