#!/usr/bin/env bats
# The car comes first (issue 15): no signal, stall, closed descriptor or
# outage may leave it driving. The car is tests/carlog.py, a UNIX socket that
# logs every byte with its arrival time; stalls are a FIFO held open and never
# read, or a pty whose reader does not read.

load helper
bats_require_minimum_version 1.5.0

setup() {
	common_setup
	SEND=$BIN/iracer-send
	CMD=$BIN/iracer-cmd
	SIM=$BIN/iracer-sim
	SOCK=$BATS_TEST_TMPDIR/car.sock
	# start_drive (helper.bash): iracer-drive's private directory under ./t
	DRIVE_TMPDIR=$BATS_TEST_TMPDIR/t
}

# The logging car on $SOCK; its log is car.log. Pid in $CAR_PID.
start_car() {
	: >car.log
	bg "$PY" "$TOP/tests/carlog.py" "$SOCK" car.log
	CAR_PID=$BG_PID
	wait_until 5 test -S "$SOCK"
}

# The bytes the car got, as hex pairs: "1a 00".
car_bytes() {
	cut -d ' ' -f 2 car.log | tr '\n' ' ' | sed 's/ $//'
}

car_got() {
	[ "$(car_bytes)" = "$1" ]
}

last_car_byte() {
	tail -n 1 car.log | cut -d ' ' -f 2
}

car_stopped() {
	[ "$(last_car_byte)" = 00 ]
}

wait_car() {
	wait_until "${2:-5}" car_got "$1" || { echo "car got: $(car_bytes), want: $1" >&2; return 1; }
}

# Wait for a background child of this shell to end; its status in $STATUS.
reap() {
	wait_exit "$1" "${2:-5}" || fail "process $1 still running"
	STATUS=0
	wait "$1" || STATUS=$?
}

# A FIFO "stall" held open for reading (by a sleeping process) and never read.
stall_fifo() {
	mkfifo stall
	# inside: a background job's stdin is otherwise /dev/null
	bg sh -c 'exec sleep 1000 <>stall'
	wait_until 5 sh -c 'timeout 1 sh -c ": >stall"' 
}

# ---- 6. closed standard descriptors ----

@test "stdout closed: the socket is not fd 1, the car gets no JSON" {
	start_car
	printf '\x1a' | "$SEND" -e -S "unix:$SOCK" >&-
	wait_car "1a 00"
	sleep 0.2
	car_got "1a 00"
}

@test "stderr closed with -v: the car gets no log lines" {
	start_car
	printf '\x1a' | "$SEND" -v -S "unix:$SOCK" 2>&-
	wait_car "1a 00"
	sleep 0.2
	car_got "1a 00"
}

@test "stdin closed: read as empty, the stop goes out at once" {
	start_car
	timeout 5 "$SEND" -S "unix:$SOCK" <&-
	wait_car "00"
}

@test "iracer-cmd with stdout closed: its route file does not become stdout" {
	printf 'forward 10 0.1s\n' >r.route
	timeout 5 "$CMD" r.route >&- 2>err
	[ ! -s err ] || fail "$(cat err)"
}

@test "iracer-sim -j with stdout closed: its socket does not become stdout" {
	bg sh -c 'exec "$1" -j -l "unix:$2" >&- 2>sim.err' sh "$SIM" "$SOCK"
	local sim=$BG_PID
	wait_until 5 test -S "$SOCK"
	printf '\x1a' | "$SEND" -S "unix:$SOCK"
	wait_until 5 grep -q "connection closed" sim.err
	kill -TERM "$sim"
	reap "$sim"
	[ "$STATUS" -eq 0 ] || fail "status $STATUS: $(cat sim.err)"
	! grep -q stdout sim.err
}

@test "ws-bridge starts with 0, 1 and 2 closed" {
	run -0 sh -c '"$1" --version >&- 2>&- <&- || exit 1' sh "$BIN/ws-bridge"
}

# ---- 1. a stalled side output blocks nothing ----

# iracer-send reading the FIFO "in" (opened read-write, so writers come and
# go), with the given redirections for stdout and stderr. Pid in $SEND_PID.
# Usage: start_send OUT ERR ARGS...
start_send() {
	local out=$1 err=$2
	shift 2
	[ -p in ] || mkfifo in
	bg sh -c 'o=$1 e=$2; shift 2; exec "$@" <>in >"$o" 2>"$e"' sh "$out" "$err" "$SEND" "$@"
	SEND_PID=$BG_PID
}

# $1 bytes 0x1a into "in", in one go.
burst() {
	head -c "$1" /dev/zero | tr '\0' '\032' >in
}

# A burst of forwards into "in" drives the car; then signal $1 to iracer-send
# ends it with status 0, the car's last byte the stop.
burst_then_signal() {
	burst 3000
	wait_until 5 grep -q 1a car.log
	sleep 0.3
	kill "-$1" "$SEND_PID"
	reap "$SEND_PID" 3
	[ "$STATUS" -eq 0 ] || fail "status $STATUS, want 0"
	wait_until 2 car_stopped
}

# The state letter of process $1 (R, S, T...).
proc_state() {
	sed 's/.*) //' "/proc/$1/stat" | cut -d ' ' -f 1
}

# True when process $1 is in state $2 (T: stopped). wait_until needs a command:
# "$(...)" in its arguments would be expanded once only.
state_is() {
	[ "$(proc_state "$1")" = "$2" ]
}

# CPU time (utime + stime, clock ticks) of process $1.
cpu_ticks() {
	sed 's/.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'
}

@test "-e to a FIFO nobody reads: SIGTERM still stops the car, exit 0" {
	start_car
	stall_fifo
	start_send stall err -e "unix:$SOCK"
	burst_then_signal TERM
}

@test "-e to a FIFO nobody reads, -w 300: the watchdog fires" {
	start_car
	stall_fifo
	start_send stall err -e -w 300 "unix:$SOCK"
	burst 3000
	wait_until 5 car_stopped
	kill -0 "$SEND_PID"
}

@test "-v to a FIFO nobody reads: SIGINT stops the car" {
	start_car
	stall_fifo
	start_send /dev/null stall -v "unix:$SOCK"
	burst_then_signal INT
}

# A pty whose reader never reads (like a terminal paused with Ctrl-S); the
# slave's path in file "tty". Pid in $PTY_PID.
stall_pty() {
	bg "$PY" -c 'import os, sys, time
m, s = os.openpty()
print(os.ttyname(s), flush=True)
time.sleep(1000)' >tty
	PTY_PID=$BG_PID
	wait_file tty
}

@test "-v to a pty nobody reads: SIGINT stops the car; lines dropped are counted" {
	start_car
	stall_pty
	start_send /dev/null "$(cat tty)" -v "unix:$SOCK"
	burst_then_signal INT
}

@test "a stalled -e output and nothing to do: under 1 % CPU" {
	start_car
	stall_fifo
	start_send stall err -e -w 300 "unix:$SOCK"
	burst 3000
	wait_until 5 car_stopped
	local a b
	a=$(cpu_ticks "$SEND_PID")
	sleep 3
	b=$(cpu_ticks "$SEND_PID")
	# 1 % of 3 s is 30 ms: 3 ticks of 10 ms
	[ $((b - a)) -lt 3 ] || fail "used $((b - a)) ticks in 3 s"
}

@test "the reader reads again: the dropped lines are counted on stderr" {
	start_car
	mkfifo side
	exec 7<>side
	start_send side err -e "unix:$SOCK"
	burst 3000
	wait_until 5 grep -q 1a car.log
	sleep 0.3
	timeout 5 cat side >/dev/null <&7 &
	wait_until 5 grep -q -E '^iracer-send: stdout: [0-9]+ lines dropped while the reader stalled$' err
	exec 7<&-
}

@test "iracer-sim -j to a FIFO nobody reads: SIGTERM ends it" {
	stall_fifo
	bg "$SIM" -l "unix:$SOCK" -j >stall 2>sim.err
	local sim=$BG_PID
	wait_until 5 test -S "$SOCK"
	mkfifo in
	burst 3000 &
	"$SEND" -S "unix:$SOCK" <in
	kill -TERM "$sim"
	reap "$sim" 3
	[ "$STATUS" -eq 0 ] || fail "status $STATUS, want 0"
}

# ---- 2. other ways out stop the car ----

@test "SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM: 00, exit 0" {
	local sig
	for sig in QUIT USR1 USR2 ALRM; do
		rm -f in car.log "$SOCK"
		start_car
		start_send /dev/null err "unix:$SOCK"
		printf '\x1a' >in
		wait_car "1a"
		kill "-$sig" "$SEND_PID"
		reap "$SEND_PID"
		[ "$STATUS" -eq 0 ] || fail "$sig: status $STATUS, want 0"
		wait_car "1a 00"
		kill "$CAR_PID"
	done
}

@test "SIGTSTP: the car stops, then iracer-send suspends; on SIGCONT nothing stale" {
	start_car
	start_send /dev/null err -v "unix:$SOCK"
	printf '\x1a' >in
	wait_car "1a"
	kill -TSTP "$SEND_PID"
	wait_car "1a 00"
	wait_until 2 state_is "$SEND_PID" T
	printf '\x1a\x1a\x1a\x1a' >in
	kill -CONT "$SEND_PID"
	wait_until 2 grep -q 'continued: dropped 4 stale bytes' err
	sleep 0.3
	car_got "1a 00"
	printf '\x2b' >in
	wait_car "1a 00 2b"
}

@test "SIGSTOP then SIGCONT: what waited meanwhile is dropped, not sent" {
	start_car
	start_send /dev/null err -v "unix:$SOCK"
	printf '\x1a' >in
	wait_car "1a"
	kill -STOP "$SEND_PID"
	wait_until 2 state_is "$SEND_PID" T
	printf '\x1a\x1a\x1a' >in
	kill -CONT "$SEND_PID"
	wait_until 2 grep -q 'continued: dropped 3 stale bytes' err
	sleep 0.2
	car_got "1a"
}

# ---- 7. backlogs ----

@test "2 MB burst to a car that stopped reading: SIGTERM is acted on, the stop is not behind a backlog" {
	start_car
	start_send /dev/null err "unix:$SOCK"
	printf '\x1a' >in
	wait_car "1a"
	kill -STOP "$CAR_PID"
	# bounded: a sender that blocks on the car would block this writer for ever
	timeout 10 sh -c 'head -c 2000000 /dev/zero | tr "\0" "\032" >in' || true
	kill -TERM "$SEND_PID"
	reap "$SEND_PID" 3
	# the stop is written at once, but the car takes it only later: not claimed
	[ "$STATUS" -eq 69 ] || fail "status $STATUS, want 69"
	run cat err
	assert_output "iracer-send: unix:$SOCK: stop not delivered: written, but the car took no byte for the deadline"
	kill -CONT "$CAR_PID"
	wait_until 5 car_stopped
	local n
	n=$(wc -l <car.log)
	[ "$n" -le 64 ] || fail "the car got $n bytes before the stop"
}

@test "a car that takes no byte for the deadline: link lost, 69" {
	start_car
	start_send /dev/null err -d 0.5 "unix:$SOCK"
	printf '\x1a' >in
	wait_car "1a"
	kill -STOP "$CAR_PID"
	printf '\x1a' >in
	reap "$SEND_PID" 5
	kill -CONT "$CAR_PID"
	[ "$STATUS" -eq 69 ] || fail "status $STATUS, want 69"
	run cat err
	assert_output "iracer-send: unix:$SOCK: link lost: the car took no byte for 0.5 s"
}

@test "a second sender to an occupied iracer-sim is refused at once, never told 'up'" {
	bg "$SIM" -l "unix:$SOCK" -j >tel 2>sim.err
	wait_until 5 test -S "$SOCK"
	start_send /dev/null err "unix:$SOCK"
	wait_until 5 grep -q "connection 1" sim.err
	run --separate-stderr timeout 5 "$SEND" -e -S "unix:$SOCK" < <(printf '\x1a')
	[ "$status" -eq 69 ] || fail "status $status, want 69"
	assert_output '{"type":"link","link":"down","reason":"Connection refused (nothing listens on the socket, or the car is busy with another sender)"}'
	[ "$stderr" = "iracer-send: unix:$SOCK: Connection refused (nothing listens on the socket, or the car is busy with another sender)" ]
}

# ---- 3. iracer-cmd never waits deaf to signals ----

# iracer-cmd ARGS... in the background, its bytes to out.bin, stderr to err.
# Pid in $CMD_PID.
start_cmd() {
	bg sh -c 'c=$1; shift; exec "$c" "$@" >out.bin 2>err' sh "$CMD" "$@"
	CMD_PID=$BG_PID
}

# iracer-cmd -i reading the FIFO "lines" (opened read-write, so writers come
# and go), as start_cmd.
start_cmd_lines() {
	mkfifo lines
	bg sh -c 'exec "$1" -i <>lines >out.bin 2>err' sh "$CMD"
	CMD_PID=$BG_PID
}

# Signal $1 to iracer-cmd: it ends within 3 s with status $2, and the car got
# the bytes $3.
cmd_signalled() {
	kill "-$1" "$CMD_PID"
	reap "$CMD_PID" 3
	[ "$STATUS" -eq "$2" ] || fail "status $STATUS, want $2"
	[ "$(hex <out.bin)" = "$3" ] || fail "$1: $(hex <out.bin)"
}

@test "iracer-cmd: opening a FIFO with no writer, SIGTERM stops the car and ends it" {
	printf 'forward 10\n' >first.route
	mkfifo second
	start_cmd first.route second
	wait_until 5 test -s out.bin
	sleep 0.2
	cmd_signalled TERM 143 "1a 00"
}

@test "iracer-cmd: SIGINT while it waits for a writer of its input" {
	mkfifo lines
	start_cmd -i lines
	sleep 0.3
	cmd_signalled INT 130 "00"
}

@test "iracer-cmd: SIGQUIT, SIGUSR1 and SIGALRM stop the car too" {
	local sig
	for sig in QUIT USR1 ALRM; do
		rm -f lines out.bin
		start_cmd_lines
		echo "forward 10" >lines
		wait_until 5 test -s out.bin
		kill "-$sig" "$CMD_PID"
		reap "$CMD_PID" 3
		[ "$(hex <out.bin)" = "1a 00" ] || fail "$sig: $(hex <out.bin)"
	done
}

@test "iracer-cmd: SIGTSTP stops the car, suspends; a route goes on when continued" {
	printf 'forward 10 0.6s\nleft 10 0.3s\n' >r.route
	start_cmd r.route
	wait_until 5 test -s out.bin
	kill -TSTP "$CMD_PID"
	wait_until 2 state_is "$CMD_PID" T
	[ "$(hex <out.bin)" = "1a 00" ]
	kill -CONT "$CMD_PID"
	reap "$CMD_PID" 5
	[ "$STATUS" -eq 0 ] || fail "status $STATUS"
	[ "$(hex <out.bin)" = "1a 00 3a 00" ]
}

# ---- 5. fresh, not stale ----

@test "iracer-cmd -i: lines that waited while it was stopped: only the newest is sent" {
	start_cmd_lines
	local cmd=$CMD_PID
	echo "forward 5" >lines
	wait_until 5 test -s out.bin
	kill -STOP "$cmd"
	wait_until 2 state_is "$cmd" T
	printf 'forward 1\nforward 2\nforward 3\nforward 4\nforward 5\nforward 6\nforward 7\nforward 8\nforward 9\n' >lines
	kill -CONT "$cmd"
	sleep 0.5
	# (within 300 ms of the last input: no silence, the newest wins)
	[ "$(hex <out.bin)" = "15 19" ] || [ "$(hex <out.bin)" = "15 00" ]
}

# iracer-cmd(1), "Stale input": after more than 300 ms of silence, commands
# that come within 20 ms of each other were queued behind a stall.
@test "iracer-cmd -i: after a silence, a burst in separate reads is stale: none sent, the car stops" {
	start_cmd_lines
	local cmd=$CMD_PID
	echo "forward 5" >lines
	wait_until 5 test -s out.bin
	sleep 0.5
	# one writer, several writes: the lines come in separate reads
	"$PY" -c 'import os, time
fd = os.open("lines", os.O_WRONLY)
for i in range(1, 10):
    os.write(fd, b"forward %d\n" % i)
    time.sleep(0.002)'
	wait_until 2 grep -q 'stale' err
	sleep 0.2
	[ "$(hex <out.bin)" = "15 00" ] || fail "got $(hex <out.bin)"
	run cat err
	assert_output --regexp '^iracer-cmd: <stdin>: dropped 9 stale commands: they came at once after 0\.[5-9] s of silence$'
	# a line alone after a silence is fresh: it goes (20 ms late at most)
	sleep 0.4
	echo "left 7" >lines
	wait_until 2 sh -c '[ "$(od -An -tx1 out.bin | tr -s " \n" " " | sed "s/^ //; s/ $//")" = "15 00 37" ]'
	# and lines that follow it without a silence each go
	echo "right 7" >lines
	wait_until 2 sh -c '[ "$(od -An -tx1 out.bin | tr -s " \n" " " | sed "s/^ //; s/ $//")" = "15 00 37 47" ]'
	kill -TERM "$cmd"
}

@test "iracer-cmd route SIGSTOPped past two steps: on SIGCONT only the step due now" {
	printf 'forward 3 0.4s\nbackward 4 0.4s\nleft 5 0.4s\nright 6 0.4s\nforward 7 0.4s\n' >r.route
	start_cmd r.route
	local cmd=$CMD_PID
	sleep 0.1
	kill -STOP "$cmd"
	sleep 1.3
	kill -CONT "$cmd"
	reap "$cmd" 5
	[ "$(hex <out.bin)" = "13 46 17 00" ]
}

# ---- 2, 4, 5. iracer-drive ----

# A driver holding forward 10 with the page's 100 ms heartbeat. Pid: $DRIVER.
start_driver() {
	bg "$PY" "$TOP/tests/ws-client.py" --drive "ws://127.0.0.1:$PORT/ws" \
		'{"command":"forward","speed":10}' --every 0.1 --for 30 --read 0 >/dev/null 2>&1
	DRIVER=$BG_PID
}

# Every process iracer-drive started (its session, and the sim in its own) is
# gone within 3 s.
drive_gone() {
	# [i]: the pattern does not match this sh's own command line
	wait_until 3 sh -c '! pgrep -s "$1" >/dev/null && ! pgrep -f "$2" >/dev/null' \
		sh "$DRIVE_PID" "[i]racer-sim -l unix:$BATS_TEST_TMPDIR/t/" ||
		{ pgrep -a -s "$DRIVE_PID" >&2; pgrep -a -f "[i]racer-sim -l unix:$BATS_TEST_TMPDIR/t/" >&2; return 1; }
}

drive_status() {
	wait_exit "$DRIVE_PID" "${1:-10}" || fail "iracer-drive still running"
	STATUS=0
	wait "$DRIVE_PID" || STATUS=$?
}

@test "iracer-drive: SIGKILL of the supervisor: iracer-send stops the car, no child outlives it" {
	start_car
	start_drive "unix:$SOCK"
	start_driver
	wait_until 5 grep -q ' 1a$' car.log
	kill -KILL "$DRIVE_PID"
	wait_until 2 car_stopped
	drive_gone
}

@test "iracer-drive --sim: SIGKILL of the supervisor: the simulator does not outlive it" {
	start_drive --sim
	start_driver
	wait_until 5 pgrep -f "iracer-sim -l unix:$BATS_TEST_TMPDIR/t/"
	sleep 0.3
	kill -KILL "$DRIVE_PID"
	drive_gone
}

@test "iracer-drive: SIGQUIT of the supervisor stops the car, nothing left, exit 0" {
	start_car
	start_drive "unix:$SOCK"
	start_driver
	wait_until 5 grep -q ' 1a$' car.log
	kill -QUIT "$DRIVE_PID"
	wait_until 2 car_stopped
	drive_status
	[ "$STATUS" -eq 0 ] || fail "status $STATUS: $(cat drive.err)"
	drive_gone
	[ -z "$(ls t)" ]
}

@test "iracer-drive: Ctrl-C while iracer-send is stopped (SIGSTOP): the car is stopped, exit 0" {
	start_car
	start_drive "unix:$SOCK"
	start_driver
	wait_until 5 grep -q ' 1a$' car.log
	local send
	send=$(pgrep -s "$DRIVE_PID" -x iracer-send)
	kill -STOP "$send"
	kill -INT "$DRIVE_PID"
	wait_until 2 car_stopped
	drive_status
	[ "$STATUS" -eq 0 ] || fail "status $STATUS: $(cat drive.err)"
	drive_gone
}

@test "iracer-drive: Ctrl-C while the car is unreachable: keeps trying; the car back 1 s later is stopped" {
	start_drive "unix:$SOCK"
	start_driver
	sleep 0.5
	kill -INT "$DRIVE_PID"
	sleep 1
	kill -0 "$DRIVE_PID" || fail "iracer-drive gave up at once: $(cat drive.err)"
	start_car
	wait_car "00" 5
	drive_status
	[ "$STATUS" -eq 0 ] || fail "status $STATUS: $(cat drive.err)"
	grep -q 'the stop was not confirmed (iracer-send status 69); trying again' drive.err
	drive_gone
}

@test "iracer-drive: a car that never comes back: exit 69, the car may still be moving" {
	start_drive --stop-wait 1 "unix:$SOCK"
	kill -INT "$DRIVE_PID"
	drive_status 15
	[ "$STATUS" -eq 69 ] || fail "status $STATUS: $(cat drive.err)"
	grep -q "^iracer-drive: could not stop the car at unix:$SOCK within 1 s: it may still be moving$" drive.err
	drive_gone
	[ -z "$(ls t)" ]
}

@test "iracer-drive: FIFOs that cannot be created: reported, exit 74, nothing left behind" {
	mkdir fakebin
	printf '#!/bin/sh\necho "mkfifo: cannot create fifo: No space left on device" >&2\nexit 1\n' \
		>fakebin/mkfifo
	chmod +x fakebin/mkfifo
	mkdir t
	PATH=$BATS_TEST_TMPDIR/fakebin:$PATH TMPDIR=$BATS_TEST_TMPDIR/t IRACER_BIN="$BIN" \
		run timeout 10 "$TOP/scripts/iracer-drive" -p "$(free_port)" --sim
	[ "$status" -eq 74 ] || fail "status $status: $output"
	assert_line --regexp "^iracer-drive: cannot create FIFOs in $BATS_TEST_TMPDIR/t/iracer-drive\.[A-Za-z0-9]+ \($BATS_TEST_TMPDIR/t full\?\)$"
	[ -z "$(ls t)" ]
}

@test "Ctrl-Z to the whole pipeline (iracer-cmd -i | iracer-send): stopped first; on fg nothing stale" {
	start_car
	mkfifo lines
	exec 7<>lines
	# (every descriptor redirected: a process left stopped must not hold bats' output)
	bg setsid sh -c 'exec 7>&-; "$1" -i <lines 2>cmd.err | "$2" "unix:$3" >/dev/null 2>send.err' \
		sh "$CMD" "$SEND" "$SOCK" >/dev/null 2>&1
	local pg=$BG_PID send
	echo "forward 10" >&7
	wait_car "1a"
	send=$(pgrep -g "$pg" -x iracer-send)
	kill -TSTP -- "-$pg"
	wait_until 3 grep -q ' 00$' car.log || { kill -CONT -- "-$pg"; fail "no stop: $(car_bytes)"; }
	wait_until 2 state_is "$send" T || { kill -CONT -- "-$pg"; fail "not suspended"; }
	echo "forward 10" >&7
	echo "forward 10" >&7
	kill -CONT -- "-$pg"
	sleep 0.5
	# iracer-cmd's newest line reaches iracer-send after it continued: one fresh
	# forward at most, never the burst of stale ones
	[ "$(grep -c ' 1a$' car.log)" -le 2 ] || fail "car got: $(car_bytes)"
	kill -TERM -- "-$pg"
	wait_until 3 car_stopped
	exec 7>&-
}

# ---- 5. stale commands after a stall under iracer-drive ----

# The car's bytes with runs of one byte counted once: "00 1a 00 2a".
car_runs() {
	cut -d ' ' -f 2 car.log | uniq | tr '\n' ' ' | sed 's/ $//'
}

# A page holds forward 10 (heartbeat every 100 ms) for 1.5 s, then stays
# connected and silent. $1 (ws-bridge or jq) is SIGSTOPped for 2 s meanwhile:
# the watchdog stops the car, and on SIGCONT the queued forwards are stale.
# Only a new command after the resume (backward 10, from a second page) may
# drive the car again.
stall_and_resume() {
	start_car
	start_drive --shared "unix:$SOCK"
	bg "$PY" "$TOP/tests/ws-client.py" --drive "ws://127.0.0.1:$PORT/ws" \
		'{"command":"forward","speed":10}' --every 0.1 --for 1.5 --read 8 >/dev/null 2>&1
	wait_until 5 grep -q ' 1a$' car.log
	local p
	p=$(pgrep -s "$DRIVE_PID" -x "$1")
	kill -STOP "$p"
	wait_until 2 car_stopped
	sleep 2
	kill -CONT "$p"
	sleep 1
	# (iracer-send's stop as it connects comes first)
	[[ "$(car_runs)" =~ ^(00\ )?1a\ 00$ ]] || fail "after the resume: $(car_runs)"
	run -0 "$PY" "$TOP/tests/ws-client.py" --drive "ws://127.0.0.1:$PORT/ws" \
		'{"command":"backward","speed":10}' --read 0.3
	wait_until 5 grep -q ' 2a$' car.log
	[[ "$(car_runs)" =~ ^(00\ )?1a\ 00\ 2a( 00)?$ ]] || fail "car got: $(car_runs)"
	grep -q '^iracer-cmd: <stdin>: dropped [0-9]* stale commands: they came at once after [0-9.]* s of silence$' drive.err ||
		fail "no note: $(cat drive.err)"
	kill -INT "$DRIVE_PID"
	drive_status
	[ "$STATUS" -eq 0 ] || fail "status $STATUS: $(cat drive.err)"
	car_stopped
}

@test "iracer-drive: ws-bridge SIGSTOPped 2 s while driving: on SIGCONT no stale forward reaches the car" {
	stall_and_resume ws-bridge
}

@test "iracer-drive: jq SIGSTOPped 2 s while driving: on SIGCONT no stale forward reaches the car" {
	stall_and_resume jq
}

# ---- 4. a stop that is claimed was delivered: iracer-send's echo confirms it ----

@test "iracer-drive: Ctrl-C: the final 0x00 is confirmed by iracer-send's echo, exit 0" {
	start_car
	start_drive "unix:$SOCK"
	start_driver
	wait_until 5 grep -q ' 1a$' car.log
	kill -INT "$DRIVE_PID"
	drive_status
	[ "$STATUS" -eq 0 ] || fail "status $STATUS: $(cat drive.err)"
	car_stopped
	grep -q '^iracer-drive: the car is stopped (iracer-send echoed the 0x00)$' drive.err ||
		fail "$(cat drive.err)"
	! grep -q 'not confirmed' drive.err
	drive_gone
}

@test "iracer-drive: iracer-send's echo of the stop is lost (its tap stalled): not claimed; a fresh stop, confirmed" {
	start_car
	start_drive "unix:$SOCK"
	start_driver
	wait_until 5 grep -q ' 1a$' car.log
	local tap
	tap=$(pgrep -s "$DRIVE_PID" -f 'tee -a -p .*/echo\.log ')
	kill -STOP "$tap"
	kill -INT "$DRIVE_PID"
	drive_status 15
	[ "$STATUS" -eq 0 ] || fail "status $STATUS: $(cat drive.err)"
	grep -q '^iracer-drive: the stop was not confirmed (no echo of the 0x00 from iracer-send); trying again$' drive.err ||
		fail "$(cat drive.err)"
	grep -q '^iracer-drive: the car is stopped$' drive.err
	! grep -q 'echoed the 0x00' drive.err
	car_stopped
	drive_gone
}

@test "iracer-drive: a car that stopped reading at Ctrl-C: no false 'stopped', exit 69" {
	start_car
	start_drive --stop-wait 1 "unix:$SOCK"
	start_driver
	wait_until 5 grep -q ' 1a$' car.log
	kill -STOP "$CAR_PID"
	# the link is lost (no byte taken for 1 s), and the car takes no new one
	sleep 2.5
	kill -INT "$DRIVE_PID"
	drive_status 20
	kill -CONT "$CAR_PID"
	[ "$STATUS" -eq 69 ] || fail "status $STATUS: $(cat drive.err)"
	grep -q "^iracer-drive: could not stop the car at unix:$SOCK within 1 s: it may still be moving$" drive.err
	! grep -q 'the car is stopped' drive.err
	drive_gone
}
