#!/usr/bin/env bats
# iracer-sim: the model car, its inputs (plan, stdin, unix socket, pty, rfcomm),
# telemetry, the SVG picture, the routes and iracer-preview.

load helper

SIM() { "$BIN/iracer-sim" "$@"; }

# The telemetry of a plan on stdin (iracer-sim --plan -j ARGS...), each line
# through the jq filter $1; the summary on stderr is left out.
plan_jq() {
	"$BIN/iracer-sim" --plan -j "${@:2}" 2>/dev/null | jq -rc "$1"
}

# The last telemetry line's field $1 after simulating the plan on stdin.
final() {
	"$BIN/iracer-sim" --plan -j "${@:2}" 2>/dev/null | tail -n 1 | jq -r ".$1"
}

# |a - b| <= tol, all decimal numbers.
near() {
	awk -v a="$1" -v b="$2" -v t="$3" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= t) }' ||
		{ echo "not near: $1 vs $2 (tolerance $3)" >&2; return 1; }
}

# Fails clearly when a program from another branch has not landed yet.
need_prog() {
	[ -x "$BIN/$1" ] || { echo "$1 is missing from $BIN: this test needs it" >&2; return 1; }
}

# The pty path iracer-sim printed on stderr file $1.
pty_path() {
	sed -n 's/^iracer-sim: pty //p' "$1"
}

# ---- kinematics, exact through --plan ----

@test "forward 15 for 2 s ends 3.0 m ahead (within 1 %), heading 0" {
	run final x <<<$'0.000 0x1f forward 15\n2.000 0x00 stop'
	assert_success
	near "$output" 3.0 0.03
	assert_equal "$output" 3
	run final y <<<$'0.000 0x1f forward 15\n2.000 0x00 stop'
	assert_equal "$output" 0
}

@test "a full circle of forward-left at 2*pi*R/v returns within 2 cm of the start" {
	# R = 0.6 m, v = 1.5 m/s: 2.513 s
	SIM --plan -j <<<$'0.000 0x5f forward-left 15\n2.513 0x00 stop' >tel
	x=$(tail -n 1 tel | jq .x) y=$(tail -n 1 tel | jq .y)
	awk -v x="$x" -v y="$y" 'BEGIN { exit !(sqrt(x * x + y * y) <= 0.02) }'
	# and on the way it really went round: half way it is 1.2 m to the left
	run jq -r 'select(.t == 1.25) | "\(.y) \(.heading)"' tel
	assert_output --regexp '^1\.2 (179|180|-179)(\.[0-9])?$'
}

@test "a circle with another radius and top speed: --radius 1 --top-speed 3" {
	# v = 3 * 10 / 15 = 2 m/s, a quarter circle of R 1 m takes pi/4 s = 0.785 s
	run plan_jq 'select(.byte == "0x00") | "\(.x) \(.y) \(.heading)"' --radius 1 --top-speed 3 \
		<<<$'0 0x5a forward-left 10\n0.785398 0x00 stop'
	assert_output "1 1 90"
}

@test "pose convention: forward-right and backward-left quarter circles" {
	q=$(awk 'BEGIN { printf "%.6f", 3.14159265358979 / 2 * 0.6 / 1.5 }')
	SIM --plan -j <<<"0 0x6f forward-right 15
$q 0x00 stop" >right
	run jq -r 'select(.byte == "0x00") | "\(.x) \(.y) \(.heading)"' right
	assert_output "0.6 -0.6 -90"
	# reversing with the wheels left: tail to the left, nose turns clockwise
	SIM --plan -j <<<"0 0x7f backward-left 15
$q 0x00 stop" >back
	run jq -r 'select(.byte == "0x00") | "\(.x) \(.y) \(.heading) \(.speed)"' back
	assert_output "-0.6 0.6 -90 0"
	run jq -r 'select(.byte == "0x7f") | .speed' back
	assert_output "-1.5"
}

@test "left and right without drive only turn the wheels: no motion" {
	run plan_jq '[.x, .y, .heading, .speed]' \
		<<<$'0 0x3f steer-left 15\n1 0x4f steer-right 15\n2 0x38 steer-left 8\n3 0x00 stop'
	assert_output $'[0,0,0,0]\n[0,0,0,0]\n[0,0,0,0]\n[0,0,0,0]'
	# after driving, wheels-only turning does not move the car further
	run final x <<<$'0 0x1a forward 10\n1 0x3a steer-left 10\n3 0x4a steer-right 10\n4 0x00 stop'
	assert_output 1
}

@test "stop holds the position, whatever time passes" {
	run plan_jq 'select(.byte == "0x00") | "\(.t) \(.x)"' <<<$'0 0x1a forward 10\n1.5 0x00 stop\n60 0x00 stop'
	assert_output $'1.5 1.5\n60 1.5'
	# stop with a speed nibble is still stop
	run final x <<<$'0 0x1a forward 10\n1 0x0f raw 0x0f\n9 0x00 stop'
	assert_output 1
}

@test "speed is linear in the level; levels up to --dead-speed do not move" {
	run final x <<<$'0 0x15 forward 5\n1 0x00 stop'
	assert_output 0
	run final x <<<$'0 0x16 forward 6\n1 0x00 stop'
	assert_output 0.6
	run final x --dead-speed 0 <<<$'0 0x11 forward 1\n1 0x00 stop'
	assert_output 0.1
	run final x --dead-speed 15 <<<$'0 0x1f forward 15\n1 0x00 stop'
	assert_output 0
	run final x --dead-speed 14 <<<$'0 0x1f forward 15\n1 0x00 stop'
	assert_output 1.5
}

@test "the final pose is exact for any event timing (same command resent)" {
	# forward-left 12 for 3 s in one piece, and resent every 0.137 s
	one=$(printf '0 0x5c forward-left 12\n3 0x00 stop\n' | SIM --plan -j | tail -n 1 | jq -c '[.x,.y,.heading]')
	many=$(awk 'BEGIN { for (t = 0; t < 3; t += 0.137) printf "%.3f 0x5c forward-left 12\n", t;
		print "3 0x00 stop" }' | SIM --plan -j | tail -n 1 | jq -c '[.x,.y,.heading]')
	assert_equal "$many" "$one"
	[ "$one" != '[0,0,0]' ]
}

# ---- telemetry ----

@test "telemetry: valid JSON lines with the documented fields, one per byte and 20 per second" {
	SIM --plan -j <<<$'0.000 0x58 forward-left 8\n2.000 0x00 stop' >tel
	run jq -e -s 'all(.[]; (.t | type) == "number" and (.x | type) == "number" and
		(.y | type) == "number" and (.heading | type) == "number" and
		(.speed | type) == "number" and .heading > -180 and .heading <= 180)' tel
	assert_success
	# byte lines carry byte and command; the 39 periodic lines between do not
	run jq -r -s '[.[] | select(has("byte"))] | map("\(.t) \(.byte) \(.command)") | .[]' tel
	assert_output $'0 0x58 forward-left 8\n2 0x00 stop'
	run jq -s '[.[] | select(has("byte") | not)] | length' tel
	assert_output 39
	run jq -r 'select(.t == 1) | "\(.speed)"' tel
	assert_output 0.8
	# --rate changes the periodic lines; a stopped car sends none
	run sh -c "printf '0 0x18 forward 8\n1 0x00 stop\n5 0x00 stop\n' | '$BIN/iracer-sim' --plan -j --rate 4 2>/dev/null | wc -l"
	assert_output 6
}

@test "telemetry format, exactly" {
	run SIM --plan -j <<<$'0.000 0x58 forward-left 8\n0.100 0x00 stop'
	assert_success
	assert_line --index 0 '{"type":"telemetry","t":0.000,"byte":"0x58","command":"forward-left 8","x":0.000,"y":0.000,"heading":0.0,"speed":0.80}'
	assert_line --index 1 --regexp '^\{"type":"telemetry","t":0\.050,"x":0\.040,"y":0\.001,"heading":3\.8,"speed":0\.80\}$'
}

@test "telemetry and bytes in real time on stdin, each byte in order" {
	printf '\x1a\x9f\x00' | SIM -j >tel 2>err
	run jq -r '"\(.byte) \(.command) \(.speed)"' tel
	assert_output $'0x1a forward 10 1\n0x9f raw 0x9f 1\n0x00 stop 0'
}

# ---- bad input ----

@test "undefined bytes: a note on stderr, ignored, the car keeps its command" {
	printf '0 0x1a forward 10\n0.5 0x9a raw 0x9a\n0.7 0xf0 raw 0xf0\n1 0x00 stop\n' |
		SIM --plan -j >tel 2>err
	run cat err
	assert_line --partial "iracer-sim: byte 0x9a: direction 0x9 is not one the car knows; ignored (still forward 10)"
	assert_line --partial "iracer-sim: byte 0xf0: direction 0xf is not one the car knows; ignored (still forward 10)"
	run jq -r 'select(.byte == "0x00") | .x' tel
	assert_output 1
}

@test "a bad plan line: exit 65 naming the line" {
	run SIM --plan <<<$'0 0x1a forward 10\n1 0x1b forward 10'
	assert_failure 65
	assert_output --partial "iracer-sim: stdin:2: command does not match byte 0x1b"
	run SIM --plan <<<$'0.5 0x1a forward 10\n0.2 0x00 stop'
	assert_failure 65
	assert_output --partial "iracer-sim: stdin:2: time 0.200 s goes back before 0.500 s"
	run SIM --plan <<<'soon 0x00 stop'
	assert_failure 65
	assert_output --partial "stdin:1: expected SECONDS BYTE COMMAND"
}

# 6000 steps of forward-left/right 12, 0.1 s each, then stop at 600 s.
ten_minutes() {
	awk 'BEGIN { for (i = 0; i < 6000; i++)
		printf "%.3f 0x%02x %s\n", i * 0.1, (i % 2 ? 92 : 108), (i % 2 ? "forward-left 12" : "forward-right 12")
		print "600.000 0x00 stop" }'
}

@test "--plan does not wait: a 10-minute route is simulated at once" {
	ten_minutes >long.plan
	run timeout 10 "$BIN/iracer-sim" --plan --svg long.svg <long.plan
	assert_success
	assert_output "iracer-sim: distance 720.000 m, time 600.000 s, final x 715.210 m, y -71.760 m, heading 0.0 deg"
	xmllint --noout long.svg
}

@test "telemetry reader gone (EPIPE): one clear message, exit 74" {
	ten_minutes >long.plan
	"$BIN/iracer-sim" --plan -j <long.plan 2>err | head -n 1 >first
	status=${PIPESTATUS[0]}
	[ "$status" -eq 74 ] || { echo "exit status $status" >&2; return 1; }
	assert_equal "$(grep -c 'stdout: Broken pipe' err)" 1
	grep -q '"command":"forward-right 12"' first
}

@test "a plan that ends moving says so" {
	run SIM --plan <<<'0 0x1a forward 10'
	assert_success
	assert_output --partial "the plan ends with the car still moving (forward 10)"
}

@test "usage errors exit 64; --help exits 0 on stdout" {
	run SIM --rate 0
	assert_failure 64
	assert_line --index 0 "iracer-sim: --rate: 0: not a number from 0.1 to 1000"
	run SIM -l /tmp/x
	assert_failure 64
	assert_output --partial "-l: expected unix:PATH, not '/tmp/x'"
	run SIM --plan -p
	assert_failure 64
	assert_output --partial "choose one of"
	run SIM --rfcomm 31
	assert_failure 64
	run SIM extra
	assert_failure 64
	run SIM --bogus
	assert_failure 64
	assert_output --partial "usage: iracer-sim"
	run SIM --help
	assert_success
	assert_line --index 0 --partial "usage: iracer-sim [-jpv]"
	run SIM --version
	assert_success
	assert_output --regexp '^iracer-sim [0-9]'
}

# ---- the end: EOF, signals, summary ----

@test "the summary line on stderr: distance, time, final position and heading" {
	run SIM --plan <<<$'0 0x5f forward-left 15\n0.628 0x00 stop'
	assert_success
	assert_output "iracer-sim: distance 0.942 m, time 0.628 s, final x 0.600 m, y 0.600 m, heading 90.0 deg"
}

@test "every stop signal (INT TERM HUP QUIT USR1 USR2 ALRM) ends a live sim cleanly, with the SVG and the summary" {
	for sig in INT TERM HUP QUIT USR1 USR2 ALRM; do
		mkfifo "in$sig"
		# read-write: opening does not block, and the sim sees no EOF
		exec 7<>"in$sig"
		# not through bg: an async command's stdin would be /dev/null
		"$BIN/iracer-sim" -j --svg "out$sig.svg" <&7 >"tel$sig" 2>"err$sig" &
		pid=$!
		BG_PIDS+=("$pid")
		printf '\x1c' >&7
		wait_until 5 grep -q '"0x1c"' "tel$sig"
		kill -"$sig" "$pid"
		wait_exit "$pid"
		exec 7>&-
		wait "$pid" || { echo "exit status $? on SIG$sig" >&2; return 1; }
		xmllint --noout "out$sig.svg"
		grep -q '^iracer-sim: distance [0-9.]* m, time [0-9.]* s, final x' "err$sig"
	done
}

@test "--plan: the stop signals end it with the summary" {
	mkfifo plan
	exec 7<>plan
	for sig in HUP QUIT USR1; do
		"$BIN/iracer-sim" --plan -j <&7 >"out$sig" 2>"err$sig" &
		pid=$!
		BG_PIDS+=("$pid")
		printf '0 0x1c forward 12\n' >&7
		wait_until 5 grep -q '0x1c' "out$sig"
		kill -"$sig" "$pid"
		wait_exit "$pid" || fail "SIG$sig: still running"
		wait "$pid" || fail "exit status $? on SIG$sig"
		grep -q '^iracer-sim: distance [0-9.]* m, time [0-9.]* s, final x' "err$sig"
	done
	exec 7>&-
}

# ---- listening on a UNIX socket ----

@test "-l unix:PATH: accepts, then accepts the next connection after one closes" {
	bg "$BIN/iracer-sim" -j -l unix:car.sock >tel 2>err
	pid=$BG_PID
	wait_until 5 grep -q "listening on unix:car.sock" err
	printf '\x1a' | socat -u - UNIX-CONNECT:car.sock
	wait_until 5 grep -q "connection closed; the car keeps its last command (forward 10)" err
	printf '\x00' | socat -u - UNIX-CONNECT:car.sock
	wait_until 5 grep -q '"0x00"' tel
	grep -q "connection 2 on unix:car.sock" err
	kill -TERM "$pid"
	wait_exit "$pid"
	run jq -r 'select(has("byte")) | .command' tel
	assert_output $'forward 10\nstop'
	# the socket it made is gone
	[ ! -e car.sock ]
}

@test "-l: one connection at a time; a second is refused at once, like the car" {
	bg "$BIN/iracer-sim" -j -l unix:car.sock >tel 2>err
	pid=$BG_PID
	wait_until 5 grep -q listening err
	run "$PY" - car.sock err <<'PY'
import socket, sys, time
def wait_for(text):
    for _ in range(250):
        if text in open(sys.argv[2]).read():
            return
        time.sleep(0.02)
    raise SystemExit("timed out waiting for " + text)
a = socket.socket(socket.AF_UNIX)
a.connect(sys.argv[1])
wait_for("connection 1 ")
b = socket.socket(socket.AF_UNIX)
try:
    b.connect(sys.argv[1])
    print("b connected")
except ConnectionRefusedError:
    print("b refused")
a.sendall(b"\x1a")
time.sleep(0.3)
a.close()
wait_for("connection closed")
for _ in range(250):
    c = socket.socket(socket.AF_UNIX)
    try:
        c.connect(sys.argv[1])
        break
    except (FileNotFoundError, ConnectionRefusedError):
        time.sleep(0.02)
c.sendall(b"\x00")
c.close()
PY
	assert_success
	assert_output "b refused"
	wait_until 5 grep -q '"0x00"' tel
	kill -TERM "$pid"
	wait_exit "$pid"
	run jq -r 'select(has("byte")) | .byte' tel
	assert_output $'0x1a\n0x00'
	grep -q "connection 2 on unix:car.sock" err
}

@test "a closed connection mid-route: nothing received is lost, the car keeps going" {
	bg "$BIN/iracer-sim" -j --rate 50 -l unix:car.sock >tel 2>err
	pid=$BG_PID
	wait_until 5 grep -q listening err
	# a burst, then the writer vanishes
	printf '\x1a\x5c\x6c\x9f\x2b' | socat -u - UNIX-CONNECT:car.sock
	wait_until 5 grep -q "connection closed" err
	sleep 0.3
	kill -TERM "$pid"
	wait_exit "$pid"
	run jq -r 'select(has("byte")) | .byte' tel
	assert_output $'0x1a\n0x5c\n0x6c\n0x9f\n0x2b'
	# backward 11 is still obeyed after the close: periodic lines keep coming
	run jq -s '[.[] | select(has("byte") | not) | select(.speed == -1.1)] | length >= 5' tel
	assert_output true
	grep -q "byte 0x9f: direction 0x9 is not one the car knows" err
}

@test "a listener path that exists: exit 69, and the file is left alone" {
	echo "not a socket" >taken
	run SIM -l unix:taken
	assert_failure 69
	assert_output "iracer-sim: unix:taken: the path exists; not replacing it (remove it if it is a stale socket)"
	assert_equal "$(cat taken)" "not a socket"
	# a live socket of another sim is not stolen either
	bg "$BIN/iracer-sim" -l unix:live.sock 2>err
	wait_until 5 test -S live.sock
	run SIM -l unix:live.sock
	assert_failure 69
	[ -S live.sock ]
	run SIM -l unix:no/such/dir/sock
	assert_failure 69
	assert_output --partial "unix:no/such/dir/sock: No such file or directory"
}

# ---- a pty, like /dev/rfcomm0 ----

@test "--pty: prints its path, starts at 9600 8N1, serves writer after writer" {
	bg "$BIN/iracer-sim" -j -p >tel 2>err
	pid=$BG_PID
	wait_until 5 grep -q "^iracer-sim: pty /dev/pts/" err
	pts=$(pty_path err)
	[ -c "$pts" ]
	run stty -F "$pts"
	assert_output --partial "speed 9600 baud"
	stty -F "$pts" -a | grep -q -- ' cs8 '
	# one writer, closed, then another
	printf '\x1f' >"$pts"
	wait_until 5 grep -q '"0x1f"' tel
	printf '\x00' >"$pts"
	wait_until 5 grep -q '"0x00"' tel
	kill -TERM "$pid"
	wait_exit "$pid"
	run jq -r 'select(has("byte")) | .command' tel
	assert_output $'forward 15\nstop'
	[ "$(jq -s '.[-1].x > 0' tel)" = true ]
}

@test "--pty: iracer-send drives the sim and leaves the tty raw 9600 8N1" {
	need_prog iracer-send
	need_prog iracer-cmd
	bg "$BIN/iracer-sim" -j -p >tel 2>err
	pid=$BG_PID
	wait_until 5 grep -q "^iracer-sim: pty /dev/pts/" err
	pts=$(pty_path err)
	printf 'forward 12 300ms\nleft 9 200ms\n' | "$BIN/iracer-cmd" | "$BIN/iracer-send" "$pts" &
	spid=$!
	wait_until 10 grep -q '"0x39"' tel
	# settings made by iracer-send stay while the sim holds the pty
	run stty -F "$pts" -a
	assert_output --partial "speed 9600 baud"
	assert_output --partial " cs8 "
	assert_output --partial "-icanon"
	assert_output --partial "-opost"
	assert_output --partial "-cstopb"
	assert_output --partial "-parenb"
	wait "$spid"
	wait_until 5 grep -q '"0x00"' tel
	kill -TERM "$pid"
	wait_exit "$pid"
	run jq -r 'select(has("byte")) | .byte' tel
	assert_output $'0x1c\n0x39\n0x00'
}

# ---- Bluetooth ----

@test "--rfcomm without Bluetooth in the kernel: a plain message, exit 69" {
	if "$PY" -c 'import socket; socket.socket(socket.AF_BLUETOOTH, socket.SOCK_STREAM, socket.BTPROTO_RFCOMM)' 2>/dev/null; then
		skip "this kernel has Bluetooth (the VM test covers it)"
	fi
	run SIM --rfcomm 1
	assert_failure 69
	assert_output "iracer-sim: rfcomm channel 1: no Bluetooth in this kernel (Address family not supported by protocol)"
}

# ---- the picture ----

# Every point of the picture's paths, circles and translations inside its viewBox.
svg_inside() {
	"$PY" - "$1" <<'PY'
import re, sys
import xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
ns = "{http://www.w3.org/2000/svg}"
x0, y0, w, h = map(float, root.get("viewBox").split())
pts = []
for g in root.iter(ns + "g"):
    if g.get("class") == "path":
        for p in g.iter(ns + "path"):
            nums = list(map(float, re.findall(r"-?[0-9.]+", p.get("d"))))
            pts += list(zip(nums[0::2], nums[1::2]))
for el in root.iter():
    m = re.match(r"translate\(([-0-9.]+) ([-0-9.]+)\)", el.get("transform") or "")
    if m:
        pts.append((float(m.group(1)), float(m.group(2))))
bad = [p for p in pts if not (x0 <= p[0] <= x0 + w and y0 <= p[1] <= y0 + h)]
if not pts or bad:
    sys.exit("%d points, outside the viewBox %s: %s" % (len(pts), root.get("viewBox"), bad[:5]))
print(len(pts))
PY
}

@test "--svg: well-formed, grid, legend, markers; the path inside the viewBox" {
	printf '0 0x1f forward 15\n2 0x6a forward-right 10\n4 0x2c backward 12\n5 0x00 stop\n' |
		SIM --plan --svg out.svg --title 'a <test> & more'
	xmllint --noout out.svg
	run svg_inside out.svg
	assert_success
	# three stretches: fast, medium and reversing (dashed)
	run xmllint --xpath 'count(//*[local-name()="g"][@class="path"]/*[local-name()="path"])' out.svg
	assert_output 3
	run xmllint --xpath 'count(//*[local-name()="path"][@stroke-dasharray])' out.svg
	assert_output 1
	grep -q 'class="grid"' out.svg
	grep -q 'class="legend"' out.svg
	grep -q 'class="start"' out.svg
	grep -q 'class="car"' out.svg
	grep -q 'a &lt;test&gt; &amp; more' out.svg
	# the fast stretch is 3 m long: 300 units (cm)
	run xmllint --xpath 'string(//*[local-name()="g"][@class="path"]/*[local-name()="path"][1]/@d)' out.svg
	assert_output "M0.0 0.0 L300.0 0.0"
}

@test "--svg into a directory that does not exist: exit 74" {
	run SIM --plan --svg no/such/out.svg <<<'0 0x00 stop'
	assert_failure 74
	assert_output --partial "no/such/out.svg: No such file or directory"
}

# ---- routes and iracer-preview ----

@test "routes: executable iracer-cmd scripts that say what they do and the floor they need" {
	n=0
	for r in "$TOP"/scripts/routes/*.route; do
		[ -x "$r" ]
		[ "$(head -n 1 "$r")" = "#!/usr/bin/env iracer-cmd" ]
		grep -qi '^# .*floor' "$r" || { echo "$r: no floor size" >&2; return 1; }
		n=$((n + 1))
	done
	for name in square figure-eight slalom three-point-turn parallel-park; do
		[ -f "$TOP/scripts/routes/$name.route" ]
	done
	[ "$n" -ge 5 ]
}

@test "every route's SVG is well-formed and inside its viewBox; closed routes close" {
	need_prog iracer-cmd
	for r in "$TOP"/scripts/routes/*.route; do
		name=$(basename "$r" .route)
		"$TOP/scripts/iracer-preview" "$r" 2>"$name.err"
		xmllint --noout "$name.svg"
		svg_inside "$name.svg" >/dev/null
		grep -q "wrote $name.svg" "$name.err"
		"$BIN/iracer-cmd" --plan "$r" | SIM --plan -j | tail -n 1 | jq -e '.speed == 0' >/dev/null
	done
	# the square and the figure eight come back to the start, facing the same way
	for name in square figure-eight; do
		"$BIN/iracer-cmd" --plan "$TOP/scripts/routes/$name.route" | SIM --plan -j | tail -n 1 >end
		jq -e '(.x | fabs) < 0.02 and (.y | fabs) < 0.02 and (.heading | fabs) < 1' end
	done
}

@test "iracer-preview: output name, bad route, missing file, usage" {
	need_prog iracer-cmd
	cp "$TOP/scripts/routes/slalom.route" my.route
	run "$TOP/scripts/iracer-preview" my.route
	assert_success
	assert_output --partial "iracer-preview: wrote my.svg"
	xmllint --noout my.svg
	run "$TOP/scripts/iracer-preview" my.route other.svg
	assert_success
	[ -s other.svg ]
	printf 'forwrd 8 1s\n' >bad.route
	run "$TOP/scripts/iracer-preview" bad.route
	assert_failure 65
	[ ! -e bad.svg ]
	run "$TOP/scripts/iracer-preview" nothing.route
	assert_failure 66
	assert_output "iracer-preview: nothing.route: cannot read the route file"
	run "$TOP/scripts/iracer-preview"
	assert_failure 64
	run "$TOP/scripts/iracer-preview" --help
	assert_success
	assert_line --index 0 "usage: iracer-preview [-h] route [out.svg]"
}

# ---- the whole chain in real time ----

@test "the same route gives the same pose through --plan and in real time via iracer-send" {
	need_prog iracer-cmd
	need_prog iracer-send
	printf 'forward 12 800ms\nforward-left 12 1s\nbackward-right 10 500ms\nforward 15 400ms\n' >r.route
	"$BIN/iracer-cmd" --plan r.route | SIM --plan -j | tail -n 1 >plan.end
	bg "$BIN/iracer-sim" -j -l unix:car.sock >tel 2>err
	pid=$BG_PID
	wait_until 5 grep -q listening err
	"$BIN/iracer-cmd" r.route | "$BIN/iracer-send" unix:car.sock
	wait_until 5 grep -q '"0x00"' tel
	kill -TERM "$pid"
	wait_exit "$pid"
	jq -c 'select(.byte == "0x00")' tel | tail -n 1 >live.end
	# distance driven: 0.96 + 1.2 + 0.5 + 0.6 = 3.26 m; 2 % of it is 6.5 cm
	"$PY" - plan.end live.end <<'PY'
import json, math, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
d = math.hypot(a["x"] - b["x"], a["y"] - b["y"])
print("plan", a, "live", b, "apart %.4f m" % d)
sys.exit(0 if d <= 0.02 * 3.26 else 1)
PY
}
