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
	bg sleep 1000 <>stall
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

@test "iracer-cmd, iracer-sim and ws-bridge with 0, 1, 2 closed start cleanly" {
	run -0 sh -c '"$1" -c <&- >&- 2>&-; echo $?' sh "$CMD"
	run -0 "$BIN/iracer-sim" --version <&- 2>&-
	run -0 sh -c '"$1" --version >&- 2>&- || exit 1' sh "$BIN/ws-bridge"
}
