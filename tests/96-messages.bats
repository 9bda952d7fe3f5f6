#!/usr/bin/env bats
# Messages and statuses a new user met that said the wrong thing (issue 14, "Why").
# These programs belong to other work in progress: each test states the fix it
# wants, and fails until that fix has landed.

load helper
bats_require_minimum_version 1.5.0

@test "iracer-send unix:./regular-file says it is not a socket, not 'nothing listens'" {
	: >regular-file
	run -69 --separate-stderr "$BIN/iracer-send" unix:./regular-file </dev/null
	refute_output --partial "nothing listens"
	[ "$stderr" = "iracer-send: unix:./regular-file: not a socket" ] ||
		fail "stderr: $stderr"
}

@test "ws-bridge -t DIR says the token file is a directory (66), not 'empty token'" {
	mkdir dir
	run -66 --separate-stderr "$BIN/ws-bridge" -t dir
	[ "$stderr" = "ws-bridge: dir: Is a directory" ] || fail "stderr: $stderr"
}

# One Ctrl-C of `ws-bridge | cat` with a page open: SIGINT to the whole group.
ctrl_c_bridge() {
	local port pid
	port=$(free_port)
	# a terminal's Ctrl-C: SIGINT to the whole process group, with the default action
	"$PY" -c 'import os, signal, sys
signal.signal(signal.SIGINT, signal.SIG_DFL)
os.setsid()
os.execv("/bin/sh", ["sh", "-c", sys.argv[1]])' \
		"'$BIN/ws-bridge' -p $port --on-close '{\"command\":\"stop\"}' | cat" >out 2>>err &
	pid=$!
	BG_PIDS+=("$pid")
	wait_until 10 bash -c "exec 2>/dev/null; : >/dev/tcp/127.0.0.1/$port"
	# a page is open: at the end its --on-close line goes to a cat that may be gone
	"$PY" "$TOP/tests/ws-client.py" "ws://127.0.0.1:$port/" sleep:10 >client.out 2>&1 &
	BG_PIDS+=("$!")
	wait_until 10 grep -q '^open$' client.out
	kill -INT -- "-$pid"
	wait_exit "$pid" 10
}

@test "ws-bridge | cat ended by Ctrl-C: no 'stdout: Broken pipe' message" {
	# which of the two ends first is a race: five tries
	local i
	for i in 1 2 3 4 5; do
		ctrl_c_bridge
	done
	run cat err
	refute_output --partial "Broken pipe"
}

@test "iracer-drive (make demo CAR=ADDR) with no Bluetooth does not say the car may still be moving" {
	# Only where the kernel has no Bluetooth (as here and in CI): elsewhere this
	# would try to reach a real address.
	run -69 --separate-stderr "$BIN/iracer-send" 00:12:05:09:98:36 </dev/null
	[[ $stderr == *"no Bluetooth support"* ]] || skip "this machine has Bluetooth"
	IRACER_BIN="$BIN" run -69 --separate-stderr timeout 30 "$TOP/scripts/iracer-drive" \
		-p "$(free_port)" 00:12:05:09:98:36
	[[ $stderr == *"no Bluetooth support"* ]] || fail "stderr: $stderr"
	[[ $stderr != *"may still be moving"* ]] || fail "stderr: $stderr"
}

@test "iracer-send reading a terminal warns that typed text becomes command bytes" {
	local sock=$BATS_TEST_TMPDIR/car.sock
	bg "$BIN/iracer-sim" -l "unix:$sock" 2>/dev/null
	wait_until 5 test -S "$sock"
	# script(1) gives iracer-send a terminal as standard input; the input ends at once
	run script -qec "'$BIN/iracer-send' -S unix:$sock </dev/tty" /dev/null </dev/null
	assert_output --partial "iracer-send: standard input is a terminal"
}
