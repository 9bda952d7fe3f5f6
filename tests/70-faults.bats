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
	assert_output "0x18 0x19 0x00" # the hold's stop (-S adds none after a stop)
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
