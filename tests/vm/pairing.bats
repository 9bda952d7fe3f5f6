#!/usr/bin/env bats
# Runs INSIDE the test VM (tests/vm/init with btsetup=pair vmsuite=pairing), never on the
# host: bluetoothd manages both btvirt controllers; hci1 = 00:AA:01:01:00:01 plays the
# car (named i-Racer, no Secure Simple Pairing: legacy PIN pairing like its CSR module)
# with bluez-tools' bt-agent answering its PIN requests, and iracer-pair runs on hci0 =
# 00:AA:01:00:00:00 exactly as a user runs it. tests/vm/pair.bats checks each case.
# shellcheck disable=SC2030,SC2031 # bats runs each test in its own subshell

load guest

CAR=00:AA:01:01:00:01
HOST=00:AA:01:00:00:00

setup() {
	guest_setup
}

teardown() {
	local p
	for p in "${BG_PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
	# bt-agent may linger after TERM (it unregisters over D-Bus first): KILL what is left.
	sleep 0.5
	for p in "${BG_PIDS[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
	for p in "${BG_PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
	if [ -z "${BATS_TEST_COMPLETED:-}" ]; then
		for f in pair.out pair.err agent.log sim.err; do
			if [ -f "$f" ]; then tail -n 15 "$f" | sed "s/^/# $f: /" >&3; fi
		done
		tail -n 15 /tmp/bluetoothd.log | sed 's/^/# bluetoothd: /' >&3
	fi
}

bg() {
	"$@" &
	BG_PIDS+=("$!")
}

# The car's PIN agent: bt-agent with a PIN for requests about the host, the default
# agent for the car's side (iracer-pair's bluetoothctl answers for the host's side).
car_pin() {
	echo "$HOST $1" >car.pins
	bg bt-agent -c NoInputNoOutput -p car.pins >agent.log 2>&1 3>&-
	local i
	for ((i = 0; i < 100; i++)); do
		grep -q 'Agent registered' agent.log && return 0
		sleep 0.05
	done
	echo "bt-agent did not register: $(cat agent.log)" >&2
	return 1
}

# Forget any pairing on both sides, so that each case pairs from scratch.
forget() {
	timeout 10 bluetoothctl remove "$CAR" >/dev/null 2>&1 || true
	printf 'select %s\nremove %s\nquit\n' "$CAR" "$HOST" | timeout 10 bluetoothctl >/dev/null 2>&1 || true
}

# iracer-sim on RFCOMM channel 1 (the car's serial port), telemetry to sim.json.
start_sim() {
	bg iracer-sim --rfcomm 1 -j -v >sim.json 2>sim.err 3>&-
	local i
	for ((i = 0; i < 200; i++)); do
		grep -q 'listening on RFCOMM' sim.err && return 0
		sleep 0.05
	done
	return 1
}

sim_bytes() {
	sed -n 's/.*"byte":"0x\([0-9a-f][0-9a-f]\)".*/\1/p' sim.json | tr '\n' ' ' | sed 's/ $//'
}

@test "1 scan: iracer-pair lists the car by address and name, marked as a likely car" {
	forget
	# 20 s: under emulation the name arrives later than on real hardware.
	run timeout 60 iracer-pair -s 20
	echo "# $(tr '\n' ' ' <<<"$output")" >&3
	assert_success
	assert_line --regexp "^ *[0-9]+  $CAR  i-Racer +\\* .*legacy PIN pairing"
}

@test "2 a wrong PIN: exit 69 and what to do" {
	forget
	car_pin 1234
	run timeout 90 iracer-pair -n --pin 9999 "$CAR"
	echo "# $(tr '\n' ' ' <<<"$output")" >&3
	assert_equal "$status" 69
	assert_line "iracer-pair: $CAR: wrong PIN (tried 9999): give the car's PIN with --pin (see its manual; most i-Racers use 1234, some 0000)"
	run timeout 10 bluetoothctl info "$CAR"
	assert_line --regexp '^\s+Paired: no'
}

@test "3 no --pin: 1234 fails, 0000 pairs; trusted; a stop byte reaches the car; IRACER_ADDR written" {
	forget
	car_pin 0000
	start_sim
	printf '# iracer settings\nIRACER_ADDR=\nIRACER_PORT=8080\n' >iracer.conf
	run timeout 120 iracer-pair -c iracer.conf "$CAR"
	echo "# $(tr '\n' ' ' <<<"$output")" >&3
	assert_success
	assert_line "iracer-pair: pairing with $CAR, PIN 1234"
	assert_line "iracer-pair: pairing with $CAR, PIN 0000"
	assert_line "iracer-pair: $CAR paired with PIN 0000, trusted, and took a stop byte"
	assert_line --index -1 "$CAR"
	run cat iracer.conf
	assert_output $'# iracer settings\nIRACER_ADDR='"$CAR"$'\nIRACER_PORT=8080'
	run timeout 10 bluetoothctl info "$CAR"
	assert_line --regexp '^\s+Paired: yes'
	assert_line --regexp '^\s+Trusted: yes'
	for ((i = 0; i < 100; i++)); do
		[ -n "$(sim_bytes)" ] && break
		sleep 0.1
	done
	run sim_bytes
	assert_output 00
}

@test "4 after iracer-pair, iracer-cmd | iracer-send delivers 1c 39 00 to the paired car" {
	start_sim
	printf 'forward 12 300ms\nleft 9 200ms\n' >cmds
	run timeout 40 sh -c "iracer-cmd <cmds | iracer-send -S $CAR"
	assert_success
	for ((i = 0; i < 100; i++)); do
		grep -q 'connection closed' sim.err && break
		sleep 0.1
	done
	run sim_bytes
	assert_output '1c 39 00'
}

@test "5 a paired car: iracer-pair says so and only checks the link" {
	start_sim
	run timeout 60 iracer-pair -n "$CAR"
	assert_success
	assert_line "iracer-pair: $CAR is paired already"
	assert_line "iracer-pair: $CAR paired, trusted, and took a stop byte"
}

@test "5 a car this machine is connected to already: exit 69 and what to stop" {
	start_sim
	mkfifo in
	exec 5<>in
	iracer-send "$CAR" <in >/dev/null 2>send.err 3>&- &
	BG_PIDS+=("$!")
	printf '\x1c' >&5
	for ((i = 0; i < 100; i++)); do
		[ -n "$(sim_bytes)" ] && break
		sleep 0.1
	done
	run timeout 60 iracer-pair -n "$CAR"
	exec 5>&-
	assert_equal "$status" 69
	assert_output "iracer-pair: $CAR is connected to this machine already: stop what uses it (sudo systemctl stop iracer-drive) and run iracer-pair $CAR again"
}

@test "5 a car that does not answer: exit 69, is it on, is its light blinking" {
	run timeout 60 iracer-pair -n -s 3 00:AA:01:09:09:09
	assert_equal "$status" 69
	assert_line --index -1 "iracer-pair: 00:AA:01:09:09:09: car not found: is it switched on and within a few metres? Its light blinks while it waits for a connection; a steady light means another device (a phone?) is connected to it: disconnect it there, or switch the car off and on"
}

@test "6 adapter blocked by rfkill: exit 69 and how to unblock it" {
	local r blocked=()
	for r in /sys/class/rfkill/rfkill*; do
		[ "$(cat "$r/type")" = bluetooth ] || continue
		echo 1 >"$r/soft"
		blocked+=("$r")
	done
	[ "${#blocked[@]}" -gt 0 ] || skip "the virtual controllers have no rfkill switch"
	run timeout 30 iracer-pair -n "$CAR"
	for r in "${blocked[@]}"; do echo 0 >"$r/soft"; done
	assert_equal "$status" 69
	assert_output "iracer-pair: the Bluetooth adapter is blocked by rfkill: run sudo rfkill unblock bluetooth"
}

@test "7 bluetoothd not running: exit 69 and how to start it" {
	local pid
	pid=$(pidof bluetoothd)
	[ -n "$pid" ]
	kill "$pid"
	for ((i = 0; i < 50; i++)); do
		pidof bluetoothd >/dev/null || break
		sleep 0.1
	done
	run timeout 30 iracer-pair -n "$CAR"
	assert_equal "$status" 69
	assert_output "iracer-pair: bluetoothd is not running: sudo systemctl enable --now bluetooth"
}
