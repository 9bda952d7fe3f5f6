#!/usr/bin/env bats
# Valgrind memcheck over the core cases of the suite: every program, its main
# paths, no memory errors and no leaks (definite, indirect, possible; memory
# still reachable at exit is not a leak, as for LeakSanitizer). A report fails.
# Runs on the normal build only: ASan binaries cannot run under valgrind.
# `make valgrind` runs just this file.

load helper
bats_require_minimum_version 1.5.0

setup() {
	case $BIN in
	*/asan*) skip "valgrind cannot run the ASan build" ;;
	esac
	common_setup
	VG=(valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect,possible
		--errors-for-leak-kinds=definite,indirect,possible --track-fds=no --log-file=vg.%p.log)
}

# Every valgrind log is empty: no report of any kind.
vg_clean() {
	local f
	for f in vg.*.log; do
		[ -e "$f" ] || continue
		if [ -s "$f" ]; then
			cat "$f" >&2
			return 1
		fi
	done
}

@test "valgrind: iracer-cmd parses and plays a route" {
	run -0 --separate-stderr sh -c 'printf "speed 12\nforward 10ms\nfl 3 10ms\nraw 0x9a\nstop\n" |
		"$@" | od -An -tx1' sh "${VG[@]}" "$BIN/iracer-cmd"
	[ "$(echo $output)" = "1c 53 9a 00" ]
	vg_clean
}

@test "valgrind: iracer-cmd refuses bad lines (65) and keeps the good ones" {
	printf 'forwrd 8\nforward 99\nforward 9\nstop 3\nstop\n' >route
	run -65 sh -c '"$@" >out 2>err' sh "${VG[@]}" "$BIN/iracer-cmd" route
	[ "$(hex <out)" = "19 00" ]
	grep -q "route:1: unknown command 'forwrd'" err
	vg_clean
}

@test "valgrind: iracer-cmd --plan, --check, --decode, a missing file" {
	run -0 "${VG[@]}" "$BIN/iracer-cmd" --plan "$TOP/scripts/routes/figure-eight.route"
	[[ $output == 0.000\ 0x* ]]
	run -0 "${VG[@]}" "$BIN/iracer-cmd" -c "$TOP/scripts/routes/slalom.route"
	run -0 sh -c 'printf "\030\000\232" | "$@"' sh "${VG[@]}" "$BIN/iracer-cmd" -d
	[ "${lines[0]}" = "0x18 forward 8" ]
	[ "${lines[2]}" = "0x9a raw 0x9a" ]
	run -66 "${VG[@]}" "$BIN/iracer-cmd" no-such-route
	vg_clean
}

@test "valgrind: iracer-cmd -i live, ended by SIGTERM with a stop" {
	mkfifo in
	"${VG[@]}" "$BIN/iracer-cmd" -i <>in >out 2>err &
	local pid=$!
	echo "forward 8 5s" >in
	wait_until 10 test -s out
	kill -TERM "$pid"
	local rc=0
	wait "$pid" || rc=$?
	[ "$rc" -eq 143 ] # dies of the signal, after the stop
	[ "$(hex <out)" = "18 00" ]
	vg_clean
}

@test "valgrind: iracer-send to a unix socket, with echo, -S, then SIGTERM" {
	bg "$BIN/iracer-sim" -v -l "unix:$PWD/car" 2>sim.log
	wait_until 5 grep -q 'listening on' sim.log
	run -0 sh -c 'printf "\030\050" | "$@"' sh "${VG[@]}" "$BIN/iracer-send" -S -e "unix:$PWD/car"
	[ "${lines[0]}" = '{"type":"link","link":"up"}' ]
	[[ ${lines[3]} == *'"byte":"0x00","command":"stop"}' ]]
	mkfifo in
	"${VG[@]}" "$BIN/iracer-send" -R -w 200 "unix:$PWD/car" <>in 2>err &
	local pid=$!
	printf '\031' >in
	wait_until 10 grep -q '0x19 forward 9' sim.log
	kill -TERM "$pid"
	wait "$pid"
	vg_clean
}

@test "valgrind: iracer-send with a lost link and -R, and a refused target (69)" {
	run -69 "${VG[@]}" "$BIN/iracer-send" "unix:$PWD/nothing"
	mkfifo in
	"${VG[@]}" "$BIN/iracer-send" -R -t 1 "unix:$PWD/car" <>in 2>err &
	local pid=$!
	sleep 0.5
	kill -TERM "$pid"
	wait "$pid" || true
	vg_clean
}

@test "valgrind: iracer-sim --plan with --svg, and a plan going backwards (65)" {
	"$BIN/iracer-cmd" --plan "$TOP/scripts/routes/three-point-turn.route" >plan
	run -0 "${VG[@]}" "$BIN/iracer-sim" --plan --svg route.svg --title "three-point turn" <plan
	xmllint --noout route.svg
	printf '1.000 0x18 forward 8\n0.500 0x00 stop\n' >bad
	run -65 "${VG[@]}" "$BIN/iracer-sim" --plan <bad
	vg_clean
}

@test "valgrind: iracer-sim -j -l serves a connection, ends on SIGTERM" {
	"${VG[@]}" "$BIN/iracer-sim" -j -l "unix:$PWD/car" >tele 2>sim.log &
	local pid=$!
	wait_until 10 grep -q 'listening on' sim.log
	printf '\030' | "$BIN/iracer-send" -S "unix:$PWD/car"
	wait_until 5 grep -q '"byte":"0x00"' tele
	kill -TERM "$pid"
	wait "$pid"
	vg_clean
}

@test "valgrind: ws-bridge carries messages both ways, refuses a bad one, ends on SIGTERM" {
	local port url
	port=$(free_port)
	url="ws://127.0.0.1:$port/ws"
	mkdir www
	echo '<h1>hi</h1>' >www/index.html
	mkfifo in
	exec 7<>in
	"${VG[@]}" "$BIN/ws-bridge" -p "$port" --www www --on-close '{"command":"stop"}' \
		<in >out 2>err 7>&- &
	local pid=$!
	wait_until 20 bash -c "exec 2>/dev/null; : >/dev/tcp/127.0.0.1/$port"
	echo '{"link":"up"}' >&7
	run -0 "$PY" "$TOP/tests/ws-client.py" "$url" 'send:{"command":"forward","speed":8}' \
		'frag:{"command":"stop"}' 'send:two\nlines' close
	run -0 "$PY" "$TOP/tests/ws-client.py" "$url" "send:$(head -c 5000 /dev/zero | tr '\0' x)" wait-close
	assert_output --partial 'closed 1009'
	run -0 "$PY" -c 'import sys, urllib.request
print(urllib.request.urlopen(sys.argv[1]).read().decode(), end="")' "http://127.0.0.1:$port/index.html"
	[ "$output" = '<h1>hi</h1>' ]
	wait_until 5 grep -qx '{"command":"stop"}' out
	kill -TERM "$pid"
	wait "$pid"
	exec 7>&-
	grep -qx '{"command":"forward","speed":8}' out
	grep -qx 'two lines' out
	vg_clean
}
