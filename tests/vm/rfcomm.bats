#!/usr/bin/env bats
# Runs INSIDE the test VM (tests/vm/init), never on the host: iracer-send and iracer-sim
# talk through the real kernel Bluetooth, L2CAP and RFCOMM code between two btvirt
# controllers, hci0 = 00:AA:01:00:00:00 and hci1 = 00:AA:01:01:00:01, set up as
# $BTSETUP says (ssp: through mgmt like bluetoothd; legacy: hciconfig).
# The programs run exactly as a user would run them: `iracer-sim --rfcomm 1` listens on
# every adapter, `iracer-send 00:AA:01:00:00:00` connects from whichever the kernel picks.
# Test names start with the issue's acceptance point; tests/vm/vm.bats checks each one.
# shellcheck disable=SC2030,SC2031 # bats runs each test in its own subshell

load guest

CAR=00:AA:01:00:00:00
NOBODY=00:AA:01:09:09:09

setup() {
	guest_setup
	trap '' PIPE
	links_idle
}

# Wait until the previous case's baseband link is gone (the kernel keeps it about 2 s
# after the last socket closes), so that every case connects, authenticates and
# encrypts from scratch.
links_idle() {
	local start
	start=$(now_ms)
	while compgen -G '/sys/class/bluetooth/hci*:*' >/dev/null; do
		[ $(($(now_ms) - start)) -lt 10000 ] || break
		sleep 0.05
	done
	echo "# links idle after $(($(now_ms) - start)) ms" >&3
}

teardown() {
	local p
	exec 5>&- 2>/dev/null || true
	for p in "${BG_PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
	for p in "${BG_PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
	# On failure, show the end of what the programs said.
	if [ -z "${BATS_TEST_COMPLETED:-}" ]; then
		for f in sim*.err send*.err; do
			if [ -f "$f" ]; then tail -n 12 "$f" | sed "s/^/# $f: /" >&3; fi
		done
	fi
}

bg() {
	"$@" &
	BG_PID=$!
	BG_PIDS+=("$BG_PID")
}

# Seconds since the epoch, with microseconds, as an integer count of milliseconds.
now_ms() {
	local t=${EPOCHREALTIME/./}
	echo $((t / 1000))
}

# Poll a command every 50 ms until it succeeds, for at most $1 seconds of wall time
# (a count of polls would stretch: every fork is slow under emulation).
wait_until() {
	local secs=$1 end
	shift
	end=$(($(now_ms) + secs * 1000))
	until "$@"; do
		if [ "$(now_ms)" -ge "$end" ]; then
			echo "wait_until: timed out after ${secs}s: $*" >&2
			return 1
		fi
		sleep 0.05
	done
}

# Wait for a process to end, for at most $2 seconds; its exit status, or 124.
wait_exit() {
	local pid=$1 secs=$2 end
	end=$(($(now_ms) + secs * 1000))
	while kill -0 "$pid" 2>/dev/null && [ "$(now_ms)" -lt "$end" ]; do
		sleep 0.05
	done
	if kill -0 "$pid" 2>/dev/null; then
		echo "wait_exit: $pid still runs after ${secs}s" >&2
		return 124
	fi
	wait "$pid"
}

only_ssp() {
	[ "$BTSETUP" = ssp ] || skip "run in the ssp setup only"
}

# iracer-sim on RFCOMM channel 1, telemetry to simN.json, log to simN.err.
start_sim() {
	local n=$1
	bg iracer-sim --rfcomm 1 -j -v >"sim$n.json" 2>"sim$n.err" 3>&-
	SIM_PID=$BG_PID
	wait_until 10 grep -q 'listening on RFCOMM' "sim$n.err"
}

# The command bytes a sim received, as hex pairs on one line: "1c 39 00".
sim_bytes() {
	sed -n 's/.*"byte":"0x\([0-9a-f][0-9a-f]\)".*/\1/p' "sim$1.json" | tr '\n' ' ' | sed 's/ $//'
}

sim_count() {
	[ "$(sim_bytes "$1" | wc -w)" -ge "$2" ]
}

# Whether iracer-send -e has reported at least $1 connections.
links_up() {
	[ "$(grep -c '"link":"up"' send.json)" -ge "$1" ]
}

# Stop a sim politely so it prints its summary line, and wait for it.
stop_sim() {
	kill -INT "$SIM_PID"
	wait_exit "$SIM_PID" 10 || true
}

# A deterministic 100-step route of driving commands (speeds 6-15, 60-130 ms each).
route() {
	awk 'BEGIN {
		split("forward forward-left forward-right backward backward-left backward-right forward left", d, " ")
		for (i = 0; i < 100; i++)
			printf "%s %d %dms\n", d[i % 8 + 1], 6 + (i * 7) % 10, 60 + (i * 37) % 71
	}'
}

# "distance D m, ... final x X m, y Y m, heading H deg" -> "D X Y H"
pose() {
	sed -n 's/.*distance \([-0-9.]*\) m.*final x \([-0-9.]*\) m, y \([-0-9.]*\) m, heading \([-0-9.]*\) deg.*/\1 \2 \3 \4/p' "$1" | tail -n 1
}

@test "0 probe: raw RFCOMM bytes cross the virtual link ($BTSETUP)" {
	bg probe listen 3 >probe.out 3>&-
	wait_until 5 grep -q listening probe.out
	run timeout 20 probe send "$CAR" 3 1c3900
	assert_success
	wait_until 5 grep -q '^00$' probe.out
	run sed 1d probe.out
	assert_output $'1c\n39\n00'
}

@test "1 iracer-cmd | iracer-send -S delivers 1c 39 00 to iracer-sim --rfcomm 1 ($BTSETUP)" {
	start_sim 1
	printf 'forward 12 300ms\nleft 9 200ms\n' >cmds
	run timeout 30 sh -c "iracer-cmd <cmds | iracer-send -S $CAR 2>send.err"
	assert_success
	wait_until 10 grep -q 'connection closed' sim1.err
	run sim_bytes 1
	echo "# received: $output" >&3
	# iracer-cmd ends its output with a stop, so -S adds no second one.
	assert_output '1c 39 00'
}

@test "2 a 100-step route arrives complete and in order; final pose within 2 % of --plan ($BTSETUP)" {
	only_ssp
	route >route.txt
	iracer-cmd --plan <route.txt >plan
	iracer-sim --plan <plan >/dev/null 2>plan.err
	start_sim 1
	run timeout 60 sh -c "iracer-cmd <route.txt | iracer-send $CAR 2>send.err"
	assert_success
	wait_until 10 grep -q 'connection closed' sim1.err
	stop_sim
	expected=$(awk '{ print substr($2, 3) }' plan | tr '\n' ' ' | sed 's/ $//')
	[ "$(echo "$expected" | wc -w)" -ge 100 ]
	run sim_bytes 1
	assert_output "$expected"
	read -r pd px py ph <<<"$(pose plan.err)"
	read -r sd sx sy sh <<<"$(pose sim1.err)"
	echo "# plan: distance $pd x $px y $py heading $ph" >&3
	echo "# sim:  distance $sd x $sx y $sy heading $sh" >&3
	# busybox awk has no sqrt: compare squares, and find the root by bisection to print it.
	run awk -v pd="$pd" -v px="$px" -v py="$py" -v ph="$ph" -v sx="$sx" -v sy="$sy" -v sh="$sh" 'BEGIN {
		e2 = (px - sx) * (px - sx) + (py - sy) * (py - sy)
		lo = 0; hi = pd + 100
		for (i = 0; i < 60; i++) { m = (lo + hi) / 2; if (m * m > e2) hi = m; else lo = m }
		dh = ph - sh
		while (dh > 180) dh -= 360
		while (dh < -180) dh += 360
		printf "position error %.3f m = %.2f %% of %.3f m, heading error %.1f deg\n", lo, 100 * lo / pd, pd, dh
		exit !(pd > 1 && e2 <= 0.0004 * pd * pd && dh < 15 && dh > -15)
	}'
	echo "# $output" >&3
	assert_success
}

@test "3 iracer-send -R: sim killed and restarted; 00 first, then only bytes after reconnection ($BTSETUP)" {
	only_ssp
	start_sim 1
	mkfifo in
	# Our end of iracer-send's input, opened read-write so that neither open blocks.
	exec 5<>in
	# Not through bg: a background command's stdin is /dev/null unless redirected itself.
	iracer-send -R -e -v "$CAR" <in >send.json 2>send.err 3>&- &
	BG_PIDS+=("$!")
	printf '\x1c' >&5
	# -R sends a stop first on every new connection, this one included.
	wait_until 10 sim_count 1 2
	echo "# sim1 got: $(sim_bytes 1)" >&3
	kill -KILL "$SIM_PID"
	wait "$SIM_PID" || true
	wait_until 10 grep -q '"link":"down"' send.json
	# Input that arrives while the car is away must never reach the car later.
	printf '\x39' >&5
	# iracer-send -v says when it read input it could not send.
	wait_until 10 grep -q 'dropped 1 byte' send.err
	start_sim 2
	wait_until 20 links_up 2
	printf '\x58' >&5
	wait_until 10 sim_count 2 2
	sleep 0.3
	run sim_bytes 1
	assert_output '00 1c'
	run sim_bytes 2
	assert_output '00 58'
}

@test "3 iracer-send without -R exits 69 naming the address when the sim is killed ($BTSETUP)" {
	only_ssp
	start_sim 1
	mkfifo in
	exec 5<>in
	iracer-send -v "$CAR" <in >/dev/null 2>send.err 3>&- &
	pid=$!
	BG_PIDS+=("$pid")
	printf '\x1c' >&5
	echo "# wrote 1c" >&3
	wait_until 10 sim_count 1 1
	echo "# sim1 got: $(sim_bytes 1)" >&3
	kill -KILL "$SIM_PID"
	wait "$SIM_PID" || true
	# The route goes on: more bytes for a car that is gone.
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		kill -0 "$pid" 2>/dev/null || break
		printf '\x39' >&5 2>/dev/null || break
		sleep 0.5
	done
	run wait_exit "$pid" 10
	assert_equal "$status" 69
	run cat send.err
	assert_output --partial "$CAR"
}

# iracer-send -t 5 ARGS... to the target $1, which does not answer: exit 69
# within 7 s, naming $1 and giving the errno's words, one of the regexp $2.
unreachable() {
	local target=$1 words=$2 start took
	shift 2
	start=$(date +%s)
	run timeout 30 sh -c "printf '\x1c' | iracer-send $* -t 5 $target"
	took=$(($(date +%s) - start))
	echo "# took ${took}s: $output" >&3
	assert_equal "$status" 69
	assert_output --partial "$target"
	assert_output --regexp "$words"
	[ "$took" -le 7 ]
}

@test "4 a non-existent address: exit 69 with the errno's words within -t ($BTSETUP)" {
	only_ssp
	unreachable "$NOBODY" 'Host is down|No route to host|Connection refused|timed out'
}

@test "4 a channel with no listener: exit 69 with the errno's words within -t ($BTSETUP)" {
	only_ssp
	unreachable "$CAR" 'Connection refused|timed out' -c 7
}

@test "5 SIGINT to iracer-send during a route delivers 00 over RFCOMM before it exits ($BTSETUP)" {
	only_ssp
	start_sim 1
	route >route.txt
	# In bash, $! of a background pipeline is its last command: iracer-send.
	iracer-cmd route.txt 2>cmd.err 3>&- | iracer-send "$CAR" 2>send.err 3>&- &
	pid=$!
	BG_PIDS+=("$pid")
	wait_until 20 sim_count 1 5
	kill -INT "$pid"
	run wait_exit "$pid" 10
	echo "# iracer-send exit status $status" >&3
	wait_until 10 grep -q 'connection closed' sim1.err
	run sim_bytes 1
	refute_output --partial ' 00 '
	assert_output --regexp ' 00$'
	[ "$(echo "$output" | wc -w)" -lt 100 ]
}
