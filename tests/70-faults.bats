#!/usr/bin/env bats
# The safety fault matrix (issue 7): for each way the pipeline can fail, with a
# moving car (iracer-sim), the car ends stopped (0x00 is the last byte the sim
# got) and nothing hangs. Bounds are generous (2 s); bench/faults measures the
# real times. Rows that need a browser live in tests/e2e/drive.test.mjs (tab
# closed, browser killed, page frozen) and are referenced, not repeated here.

load helper
bats_require_minimum_version 1.5.0

PGIDS=()

setup() {
	common_setup
	CAR=$BATS_TEST_TMPDIR/car
	B=$BIN
	export CAR B
}

teardown() {
	local g
	for g in "${PGIDS[@]}"; do
		kill -TERM -- "-$g" 2>/dev/null || true
	done
	common_teardown
}

# Start iracer-sim on unix:$CAR logging every byte to $1 (sim.log). Pid: $SIM_PID.
sim_start() {
	SIM_LOG=${1:-sim.log}
	: >"$SIM_LOG"
	# 7>&-: the sim must not hold the test's FIFO open (its EOF is a fault row)
	bg "$BIN/iracer-sim" -v -l "unix:$CAR" 2>"$SIM_LOG" 7>&-
	SIM_PID=$BG_PID
	wait_until 5 grep -q 'listening on' "$SIM_LOG"
}

# The bytes the sim got, in order, as "0x18 0x00".
sim_bytes() {
	sed -nE 's/^iracer-sim: [0-9.]+ (0x[0-9a-f]{2}) .*/\1/p' "${1:-$SIM_LOG}" | tr '\n' ' ' |
		sed 's/ $//'
}

last_byte_is() {
	[ "$(sim_bytes | awk '{print $NF}')" = "$1" ]
}

# Wait until the last byte at the sim is $1, for at most $2 s (default 2).
wait_last_byte() {
	wait_until "${2:-2}" last_byte_is "$1" ||
		{ echo "sim got: $(sim_bytes), want last: $1" >&2; return 1; }
}

# Run the shell pipeline $1 in a session of its own (so the whole pipeline can
# be signalled, like Ctrl-C does to a terminal's foreground job), stdin from the
# FIFO "in", held open on fd 7 by the test. SIGINT and SIGTERM are reset to
# their defaults: a background job of a non-interactive shell ignores SIGINT.
# Process group id: $PG.
pipeline() {
	mkfifo in
	exec 7<>in
	# the redirections inside: a background job's stdin is otherwise /dev/null
	bg setsid env --default-signal=INT,TERM sh -c 'exec 7>&- <in 2>pipe.err; eval "$1"' sh "$1"
	PG=$BG_PID
	PGIDS+=("$PG")
}

# The pid of program $1 in the pipeline's process group.
pid_of() {
	pgrep -g "$PG" -x "$1"
}

# Say $1 into the pipeline.
say() {
	echo "$1" >&7
}

# Nothing of the pipeline is left running within $1 s (default 3).
pipeline_gone() {
	wait_exit "$PG" "${1:-3}" || { echo "pipeline still running" >&2; return 1; }
	wait_until "${1:-3}" sh -c '! pgrep -g "$1" >/dev/null' sh "$PG" ||
		{ pgrep -a -g "$PG" >&2; return 1; }
}

# iracer-cmd -i | iracer-send -S, the car side of iracer-drive without the watchdog,
# so that each row proves its own mechanism; the car is moving when it returns.
car_side() {
	sim_start
	pipeline '"$B/iracer-cmd" -i | "$B/iracer-send" -S '"${1:-}"' "unix:$CAR"'
	say "forward 8"
	wait_last_byte 0x18 5
}

@test "faults: EOF at iracer-cmd's input (its writer ends) stops the car" {
	car_side
	exec 7>&-
	wait_last_byte 0x00
	pipeline_gone
	[ "$(sim_bytes)" = "0x18 0x00" ]
}

@test "faults: EOF at iracer-cmd's input during a timed hold ends the hold with a stop" {
	car_side
	say "forward 9 500ms"
	wait_last_byte 0x19
	exec 7>&-
	wait_last_byte 0x00
	pipeline_gone
	run -0 sim_bytes
	# the hold's keepalives (iracer(7)), then its stop (-S adds none after a stop)
	assert_output --regexp '^0x18 0x19( 0x19)* 0x00$'
}

@test "faults: EOF at iracer-send's input (raw bytes) with -S stops the car" {
	sim_start
	mkfifo in
	exec 7<>in
	bg sh -c 'exec "$@" 7>&- <in' sh "$BIN/iracer-send" -S "unix:$CAR"
	printf '\x18' >&7
	wait_last_byte 0x18 5
	exec 7>&-
	wait_last_byte 0x00
	wait_exit "$BG_PID" 3
}

@test "faults: SIGINT to the whole pipeline (Ctrl-C) stops the car" {
	car_side
	kill -INT -- "-$PG"
	wait_last_byte 0x00
	pipeline_gone
}

@test "faults: SIGTERM to the whole pipeline stops the car" {
	car_side
	kill -TERM -- "-$PG"
	wait_last_byte 0x00
	pipeline_gone
}

@test "faults: SIGHUP to the whole pipeline (terminal closed) stops the car" {
	car_side
	kill -HUP -- "-$PG"
	wait_last_byte 0x00
	pipeline_gone
}

@test "faults: SIGKILL of iracer-cmd stops the car (iracer-send -S sees EOF)" {
	car_side
	kill -KILL "$(pid_of iracer-cmd)"
	wait_last_byte 0x00
	pipeline_gone
}

@test "faults: SIGKILL of iracer-cmd during a timed hold stops the car" {
	car_side
	say "forward 9 10s"
	wait_last_byte 0x19
	kill -KILL "$(pid_of iracer-cmd)"
	wait_last_byte 0x00
	pipeline_gone
}

@test "faults: a silent controller is stopped by iracer-send's watchdog" {
	sim_start
	pipeline '"$B/iracer-cmd" -i | "$B/iracer-send" -w 300 "unix:$CAR"'
	say "forward 8"
	# nothing more is said: the 300 ms watchdog stops the car, the pipeline stays up
	wait_until 5 sh -c '[ "$(sed -nE "s/^iracer-sim: [0-9.]+ (0x..) .*/\1/p" "$1" | tr "\n" " ")" = "0x18 0x00 " ]' sh "$SIM_LOG"
	kill -0 "$(pid_of iracer-send)"
	say "forward 10"
	wait_last_byte 0x1a
}

@test "faults: SIGKILL of iracer-send leaves the car driving (the documented exception)" {
	# The process holding the link is the only one that can stop the car; without
	# iracer-drive (which starts a fresh iracer-send to stop it, see
	# tests/60-drive.bats) the sim reports that the car keeps its last command.
	car_side
	kill -KILL "$(pid_of iracer-send)"
	wait_until 2 grep -q 'connection closed; the car keeps its last command (forward 8)' "$SIM_LOG"
	exec 7>&-
	pipeline_gone
	[ "$(sim_bytes)" = "0x18" ]
}

@test "faults: car link dropped and restored (-R): the new link starts with a stop, stale commands are dropped" {
	car_side "-R"
	kill -TERM "$SIM_PID"
	wait_exit "$SIM_PID" 3
	# said while the link is down: thrown away, never delivered late
	say "forward 9"
	sleep 0.3
	sim_start sim2.log
	wait_until 8 grep -q 'connection 1' sim2.log
	wait_last_byte 0x00 2
	say "forward 10"
	wait_last_byte 0x1a
	run -0 sim_bytes sim2.log
	[ "$output" = "0x00 0x1a" ]
	exec 7>&-
	wait_last_byte 0x00
	pipeline_gone
}

@test "faults: car link dropped without -R: iracer-send reports the lost link, the pipeline ends" {
	car_side
	kill -TERM "$SIM_PID"
	wait_exit "$SIM_PID" 3
	say "forward 9"
	pipeline_gone
	grep -q "iracer-send: unix:$CAR: link lost" pipe.err
}

# --- the live pipeline as the README writes it, without iracer-drive ---

# ws-bridge | jq | iracer-cmd -i | iracer-send -S -w 300, a client driving.
bare_live() {
	sim_start
	PORT=$(free_port)
	export PORT JQF=$TOP/scripts/json2cmd.jq
	pipeline '{ "$B/ws-bridge" -q -p "$PORT" --on-close '"'"'{"command":"stop"}'"'"'
		echo "ws-bridge status $?" >&2; } |
		jq -R -r --unbuffered -f "$JQF" | "$B/iracer-cmd" -i |
		"$B/iracer-send" -S -w 300 "unix:$CAR"'
	wait_until 10 bash -c "exec 2>/dev/null; : >/dev/tcp/127.0.0.1/$PORT"
	bg "$PY" "$TOP/tests/ws-client.py" "ws://127.0.0.1:$PORT/" \
		'send:{"command":"forward","speed":8}' sleep:0.1 'send:{"command":"forward","speed":8}' \
		sleep:0.1 'send:{"command":"forward","speed":8}' sleep:30 >client.out 2>&1 7>&-
	wait_until 10 sh -c 'grep -q " 0x18 forward 8" "$1"' sh "$SIM_LOG"
}

@test "faults: SIGINT to the bare live pipeline (Ctrl-C) stops the car, everything ends" {
	bare_live
	kill -INT -- "-$PG"
	wait_last_byte 0x00
	pipeline_gone
}

@test "faults: SIGKILL of ws-bridge in the bare live pipeline: EOF flows down, -S stops the car" {
	bare_live
	kill -KILL "$(pid_of ws-bridge)"
	wait_last_byte 0x00
	pipeline_gone
}

@test "faults: SIGKILL of jq in the bare live pipeline: -S stops the car, ws-bridge exits 74 on EPIPE" {
	bare_live
	kill -KILL "$(pid_of jq)"
	wait_last_byte 0x00
	# ws-bridge learns of its lost reader at its next line
	"$PY" "$TOP/tests/ws-client.py" "ws://127.0.0.1:$PORT/" 'send:{"command":"stop"}' close \
		>/dev/null 2>&1 || true
	pipeline_gone
	grep -q '^ws-bridge: stdout: Broken pipe$' pipe.err
	grep -qx 'ws-bridge status 74' pipe.err
}

# --- the live system: scripts/iracer-drive on a sim at unix:$CAR, a WebSocket
# client driving with the page's 100 ms heartbeat. Covered elsewhere, not
# repeated here: Ctrl-C to iracer-drive, to its group, and SIGKILL of
# iracer-send (a fresh one stops the car): tests/60-drive.bats; a closed page,
# a killed browser, a frozen page: tests/e2e/drive.test.mjs; ws-bridge's own
# EPIPE exit 74 and its dead-client detection: tests/40-ws-bridge.bats.

# Start iracer-drive on the sim in a session of its own (SIGINT at its default,
# as in a terminal) and a driver holding "forward 8". Sets PORT, DRIVE_PID, DRIVER.
drive_live() {
	sim_start
	PORT=$(free_port)
	IRACER_BIN="$BIN" "$PY" -c 'import os, signal, sys
signal.signal(signal.SIGINT, signal.SIG_DFL)
os.setsid()
os.execv(sys.argv[1], sys.argv[1:])' "$TOP/scripts/iracer-drive" -p "$PORT" "unix:$CAR" \
		>drive.out 2>drive.err 7>&- &
	DRIVE_PID=$!
	BG_PIDS+=("$DRIVE_PID")
	PGIDS+=("$DRIVE_PID")
	wait_until 10 grep -q "^http://127.0.0.1:$PORT/" drive.out || {
		cat drive.err >&2
		return 1
	}
	bg "$PY" "$TOP/tests/ws-client.py" --drive "ws://127.0.0.1:$PORT/ws" \
		'{"command":"forward","speed":8}' --every 0.1 --for 30 --read 0 >/dev/null 2>&1 7>&-
	DRIVER=$BG_PID
	wait_last_byte 0x18 5
}

# The pid of program $1 started by iracer-drive.
drive_pid_of() {
	pgrep -s "$DRIVE_PID" -x "$1"
}

# iracer-drive ended with status $1 and left nothing running; the sim lives on.
drive_ended() {
	local rc=0
	wait_exit "$DRIVE_PID" 10 || { echo "iracer-drive still running" >&2; return 1; }
	wait "$DRIVE_PID" || rc=$?
	[ "$rc" -eq "$1" ] || { echo "status $rc, want $1: $(cat drive.err)" >&2; return 1; }
	[ -z "$(pgrep -s "$DRIVE_PID")" ] || { pgrep -a -s "$DRIVE_PID" >&2; return 1; }
	kill -0 "$SIM_PID"
}

@test "faults: iracer-drive: SIGKILL of ws-bridge stops the car, nothing is left running" {
	drive_live
	kill -KILL "$(drive_pid_of ws-bridge)"
	wait_last_byte 0x00
	drive_ended 69
	grep -q 'iracer-drive: ws-bridge ended (status 137); stopping' drive.err
}

@test "faults: iracer-drive: SIGKILL of jq (ws-bridge's reader) stops the car" {
	drive_live
	kill -KILL "$(drive_pid_of jq)"
	wait_last_byte 0x00
	drive_ended 69
}

@test "faults: iracer-drive: SIGKILL of iracer-cmd stops the car" {
	drive_live
	kill -KILL "$(drive_pid_of iracer-cmd)"
	wait_last_byte 0x00
	drive_ended 69
}

@test "faults: iracer-drive: SIGTERM to the whole group stops the car" {
	drive_live
	kill -TERM -- "-$DRIVE_PID"
	wait_last_byte 0x00
	drive_ended 0
}

@test "faults: iracer-drive: a client that stops answering (SIGSTOP) is stopped by the watchdog, then dropped" {
	drive_live
	kill -STOP "$DRIVER"
	# the heartbeat ends: iracer-send's 300 ms watchdog, well before --dead-after
	wait_last_byte 0x00 1
	# then ws-bridge drops the silent client (dead-after 3 s): its on-close stop
	# comes through as one more 0x00
	local n
	n=$(sim_bytes | wc -w)
	wait_until 5 sh -c '[ "$(sed -nE "s/^iracer-sim: [0-9.]+ (0x..) .*/\1/p" "$1" | wc -l)" -gt "$2" ]' \
		sh "$SIM_LOG" "$n"
	last_byte_is 0x00
	# and the system serves a new driver
	kill -KILL "$DRIVER"
	kill -CONT "$DRIVER" 2>/dev/null || true
	run -0 "$PY" "$TOP/tests/ws-client.py" --drive "ws://127.0.0.1:$PORT/ws" \
		'{"command":"forward","speed":10}' --read 0.1
	wait_until 2 sh -c 'grep -q " 0x1a forward 10" "$1"' sh "$SIM_LOG"
	wait_last_byte 0x00 2
	kill -INT "$DRIVE_PID"
	drive_ended 0
}

@test "faults: iracer-drive: car link dropped and restored: the new link starts with a stop" {
	drive_live
	kill -TERM "$SIM_PID"
	wait_exit "$SIM_PID" 3
	sleep 0.3
	sim_start sim2.log
	# the driver still holds forward 8, but the new link starts stopped ...
	wait_until 8 grep -q 'connection 1' sim2.log
	run -0 sh -c 'sed -nE "s/^iracer-sim: [0-9.]+ (0x..) .*/\1/p" sim2.log | head -n 1'
	[ "$output" = 0x00 ]
	# ... and carries the heartbeats that came after it
	wait_last_byte 0x18 2
	kill -KILL "$DRIVER"
	wait_last_byte 0x00 2
	kill -INT "$DRIVE_PID"
	drive_ended 0
}
