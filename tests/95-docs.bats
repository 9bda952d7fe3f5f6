#!/usr/bin/env bats
# Docs as tests: every command block of README.md and every EXAMPLES block of
# man/*.[1-9] is run here, or marked in its source as not runnable with a reason
# (tests/docblocks.py lists them). A block is taken from the doc as it is, with
# the programs on PATH as the README says, and only these changes, so that the
# test machine stands in for the reader's:
#   - the car 00:12:05:09:98:36 (and $IRACER_ADDR) is an iracer-sim on unix:PATH,
#     /dev/rfcomm0 the pty of an `iracer-sim -p`;
#   - 0.0.0.0 becomes 127.0.0.1 (test traffic stays on this machine), and
#     ws-bridge and iracer-drive get a free port (-p);
#   - /tmp/ becomes the test's own directory;
#   - chromium is a stub that checks it was given an SVG file.
# A block that waits for a browser runs in the background until the test has
# driven it with a WebSocket client, then gets SIGTERM.

load helper
bats_require_minimum_version 1.5.0

DOCS="$TOP/tests/docblocks.py"

setup() {
	common_setup
	ln -s "$TOP/www" www
	ln -s "$TOP/scripts" scripts
	mkdir stubs
	cat >stubs/chromium <<-'EOF'
		#!/bin/sh
		grep -q '<svg' "$1" && echo "viewed $1" >>viewed.txt
	EOF
	chmod +x stubs/chromium
	export IRACER_BIN="$BIN"
	export PATH="$BIN:$TOP/scripts:$BATS_TEST_TMPDIR/stubs:$PATH"
	PORT=$(free_port)
	SOCK=$BATS_TEST_TMPDIR/car.sock
	PTY=/dev/null/no-pty
	export IRACER_ADDR="unix:$SOCK"
}

# A block that failed before end_live leaves its session running: end it.
teardown() {
	if [ -n "${LIVE:-}" ]; then
		kill -TERM -- "-$LIVE" 2>/dev/null || true
	fi
	common_teardown
}

# The car: an iracer-sim on $SOCK, its byte log in car.log.
start_car() {
	bg "$BIN/iracer-sim" -v -l "unix:$SOCK" 2>car.log
	wait_until 5 test -S "$SOCK"
}

# The car on a pty (what /dev/rfcomm0 becomes): sets PTY.
start_pty_car() {
	bg "$BIN/iracer-sim" -v -p 2>car.log
	wait_until 5 grep -q '^iracer-sim: pty ' car.log
	PTY=$(sed -n 's/^iracer-sim: pty //p' car.log)
}

# The bytes the car got, "0x18 0x00 ...".
car_bytes() {
	sed -n 's/^iracer-sim: [0-9.]* \(0x[0-9a-f][0-9a-f]\) .*/\1/p' car.log | paste -sd ' '
}

# Block NAME, with the changes listed at the top, on stdout.
doc() {
	"$DOCS" get "$1" | sed -e "s|/tmp/|$BATS_TEST_TMPDIR/|g" \
		-e "s|00:12:05:09:98:36|unix:$SOCK|g" \
		-e "s|0\\.0\\.0\\.0|127.0.0.1|g" \
		-e "s|/dev/rfcomm0|$PTY|g" \
		-e "s/\\(ws-bridge\\|iracer-drive\\) /\\1 -p $PORT /g"
}

# A block with "$ " prompts: the commands (with their continuation lines) go to
# block.sh, the rest, their documented output, to expected.txt.
split_prompts() {
	: >block.sh
	: >expected.txt
	awk 'cont { print > "block.sh"; cont = /[|\\]$/; next }
		/^\$ / { sub(/^\$ /, ""); print > "block.sh"; cont = /[|\\]$/; next }
		{ print > "expected.txt" }'
}

# Run script FILE in a session of its own in the background (it waits for a browser).
live() {
	setsid bash "$1" >live.out 2>live.err &
	LIVE=$!
	BG_PIDS+=("$LIVE")
}

wait_port() {
	wait_until 10 bash -c "exec 2>/dev/null; : >/dev/tcp/127.0.0.1/$PORT"
}

# SIGTERM to the whole background block, as a terminal's hang-up would.
end_live() {
	kill -TERM -- "-$LIVE" 2>/dev/null || true
	wait_exit "$LIVE" 10
}

# A WebSocket client drives the block's page: the car gets $2, and a stop after.
drive_page() {
	local url=$1 msg=$2 byte=$3
	ws "$url" "$msg" --every 0.1 --for 0.4 --read 0.2
	wait_until 5 grep -q " $byte " car.log
	wait_until 5 sh -c 'sed -n "s/^iracer-sim: [0-9.]* \(0x..\) .*/\1/p" car.log | tail -n 1 | grep -qx 0x00'
}

# ---- every block is run or marked ----

@test "docs: every example block is a doc-test here or marked 'not run' with a reason" {
	run -0 "$DOCS" list
	refute_output --partial $'\tunmarked\t'
	local file mark words name n=0
	while IFS=$'\t' read -r file mark words; do
		if [ "$mark" = not-run ]; then
			[ -n "$words" ] || fail "$file: 'not run' without a reason"
			continue
		fi
		name=${words%% *}
		grep -q "^@test \"doc-test $name: " "$BATS_TEST_FILENAME" ||
			fail "$file: doc-test $name has no test in 95-docs.bats"
		n=$((n + 1))
	done < <("$DOCS" list)
	[ "$n" -ge 25 ]
	# and no test here for a block that is gone
	for name in $(sed -n 's/^@test "doc-test \([a-z0-9-]*\): .*/\1/p' "$BATS_TEST_FILENAME"); do
		"$DOCS" get "$name" >/dev/null || fail "test for doc-test $name, which no doc has"
	done
}

@test "docs: every man page has the same footer (.Dd, .Os) and points to iracer(7)" {
	run -0 sh -c 'grep -h "^\.Os" "$0"/man/*.[1-9] | sort -u' "$TOP"
	assert_output ".Os iracer"
	run -0 sh -c 'grep -h "^\.Dd" "$0"/man/*.[1-9] | sort -u | wc -l' "$TOP"
	assert_output 1
	for m in "$TOP"/man/*.1; do
		grep -q '^\.Xr iracer 7' "$m" || fail "$m: no .Xr iracer 7"
	done
}

@test "docs: the README's links lead to files that exist" {
	local link
	for link in $(grep -o '](\([^)#]*\))' "$TOP/README.md" | sed 's/^](//; s/)$//'); do
		case $link in http*) continue ;; esac
		[ -e "$TOP/$link" ] || fail "README.md: link to $link: no such file"
	done
}

@test "docs: no example runs jq on the browser's messages without -R" {
	run grep -n 'jq -r' "$TOP/README.md" "$TOP"/man/*.[1-9] "$TOP/scripts/json2cmd.jq"
	assert_failure
	assert_output ""
}

# ---- README.md ----

@test "doc-test readme-intro: a timed command ends stopped; the page's pipeline stops on close" {
	start_car
	doc readme-intro | sed -n '1p' >one.sh
	doc readme-intro | sed -n '3,$p' >two.sh
	run -0 bash one.sh
	[ "$(car_bytes)" = "0x18 0x00" ]
	live two.sh
	wait_port
	drive_page "ws://127.0.0.1:$PORT/ws" '{"command":"forward-left","speed":11}' 0x5b
	end_live
}

@test "doc-test readme-path: make, then bin/ and scripts/ are on PATH" {
	doc readme-path >block.sh
	echo 'command -v iracer-cmd iracer-drive' >>block.sh
	run -0 bash -c "cd '$TOP' && PATH=/usr/bin:/bin bash '$BATS_TEST_TMPDIR/block.sh'"
	assert_line --index -2 "$TOP/bin/iracer-cmd"
	assert_line --index -1 "$TOP/scripts/iracer-drive"
}

# iracer-drive from FILE (lines of a block): it prints the URL, and the page drives.
drive_from() {
	live "$1"
	wait_until 15 grep -q "^https\\?://127.0.0.1:$PORT/" live.out || {
		cat live.err >&2
		return 1
	}
}

@test "doc-test readme-browser: iracer-drive --sim, then the real car (a sim) with a token" {
	doc readme-browser | sed -n '1p' >sim.sh
	drive_from sim.sh
	ws "ws://127.0.0.1:$PORT/ws" '{"command":"forward","speed":9}' --read 0.3
	end_live
	start_car
	doc readme-browser | sed -n '2,3p' >car.sh
	drive_from car.sh
	# the token goes into a URL as it is: only characters a URL keeps (no + or /)
	grep -qE '^[A-Za-z0-9._~-]+$' token
	drive_page "ws://127.0.0.1:$PORT/ws?token=$(head -n 1 token)" '{"command":"backward","speed":7}' 0x27
	end_live
}

@test "doc-test readme-cmd: a route to the car; its schedule as the comment says" {
	start_car
	doc readme-cmd >block.sh
	run -0 bash block.sh
	assert_line --index 0 "0.000 0x1a forward 10"
	assert_line --index -1 "7.768 0x00 stop"
	[ "$(car_bytes)" = "0x1a 0x00" ]
}

@test "doc-test readme-send: one byte, and a stop when input ends" {
	start_car
	doc readme-send >block.sh
	run -0 bash block.sh
	[ "$(car_bytes)" = "0x18 0x00" ]
}

# The bytes of square.route, then $1: what the FIFO examples must deliver, no junk.
fifo_bytes() {
	echo "0x00 $(iracer-cmd -n scripts/routes/square.route | cut -d' ' -f2 | paste -sd ' ') $1"
}

@test "doc-test readme-fifo: one link, a route and a command through a FIFO, nothing else" {
	start_car
	doc readme-fifo >block.sh
	live block.sh
	wait_until 30 sh -c "[ \"\$(sed -n 's/^iracer-sim: [0-9.]* \\(0x..\\) .*/\\1/p' car.log | paste -sd ' ')\" = '$(fifo_bytes '0x1c 0x00')' ]" || {
		echo "got  $(car_bytes)"
		echo "want $(fifo_bytes '0x1c 0x00')"
		return 1
	}
	end_live
}

@test "doc-test readme-bridge: the exclusive page pipeline drives and stops" {
	start_car
	doc readme-bridge >block.sh
	live block.sh
	wait_port
	drive_page "ws://127.0.0.1:$PORT/ws" '{"command":"steer-left","speed":12}' 0x3c
	end_live
}

@test "doc-test readme-sim: the sim as the car, with telemetry and the SVG" {
	doc readme-sim >block.sh
	run -0 bash block.sh
	wait_until 5 test -s path.svg
	grep -q '<svg' path.svg
	grep -q '"command":"forward-left 10"' <<<"$output"
}

@test "doc-test readme-preview: a route as a picture" {
	doc readme-preview >block.sh
	run -0 bash block.sh
	grep -q '<svg' figure-eight.svg
}

# ---- man pages ----

@test "doc-test cmd-drive: forward 2 s, then stop" {
	start_car
	doc cmd-drive >block.sh
	run -0 bash block.sh
	[ "$(car_bytes)" = "0x1a 0x00" ]
}

@test "doc-test cmd-route: the route file is valid and executable as it stands" {
	doc cmd-route >square.route
	chmod +x square.route
	./square.route >bytes.bin
	[ "$(hex <bytes.bin)" = "1c 5c 1c 00" ]
}

@test "doc-test cmd-plan: the schedule of the route above, as printed" {
	doc cmd-route >square.route
	doc cmd-plan | split_prompts
	run -0 bash block.sh
	assert_output "$(cat expected.txt)"
}

@test "doc-test cmd-decode: the bytes of a pipe, as printed" {
	doc cmd-decode | split_prompts
	run -0 bash block.sh
	assert_output "$(cat expected.txt)"
}

@test "doc-test cmd-live: the live pipeline drives and stops" {
	start_car
	doc cmd-live >block.sh
	live block.sh
	wait_port
	drive_page "ws://127.0.0.1:$PORT/ws" '{"command":"forward","speed":8,"duration":0.2}' 0x18
	end_live
}

@test "doc-test drive-sim: iracer-drive --sim prints the URL and drives" {
	doc drive-sim | split_prompts
	drive_from block.sh
	ws "ws://127.0.0.1:$PORT/ws" '{"command":"forward","speed":9}' --read 0.3
	end_live
	grep -q 'iracer-drive: ' live.err
}

@test "doc-test drive-lan: a token, and the car driven with it" {
	start_car
	doc drive-lan | split_prompts
	drive_from block.sh
	grep -qE '^[A-Za-z0-9._~-]+$' token
	run -69 ws "ws://127.0.0.1:$PORT/ws" '{"command":"stop"}'
	drive_page "ws://127.0.0.1:$PORT/ws?token=$(head -n 1 token)" '{"command":"forward-right","speed":13}' 0x6d
	end_live
}

@test "doc-test drive-seed: the seed's messages drive the simulator" {
	doc drive-seed >messages.txt
	echo 'iracer-drive --sim -v' | sed "s/iracer-drive /iracer-drive -p $PORT /" >block.sh
	drive_from block.sh
	local -a msgs
	mapfile -t msgs <messages.txt
	ws "ws://127.0.0.1:$PORT/ws" "${msgs[@]}" --gap 0.3 --read 0.3
	end_live
	run sh -c "grep -o ' 0x\\(18\\|16\\|5b\\) ' live.err | uniq"
	assert_output $' 0x18 \n 0x16 \n 0x5b '
}

@test "doc-test preview: the picture, looked at" {
	doc preview >block.sh
	run -0 bash block.sh
	[ "$(cat viewed.txt)" = "viewed figure-eight.svg" ]
}

@test "doc-test send-fifo: one link, a route and a command through a FIFO, nothing else" {
	start_car
	doc send-fifo | split_prompts
	[ ! -s expected.txt ]
	live block.sh
	wait_until 30 sh -c "[ \"\$(sed -n 's/^iracer-sim: [0-9.]* \\(0x..\\) .*/\\1/p' car.log | paste -sd ' ')\" = '$(fifo_bytes '0x28 0x00')' ]" || {
		echo "got  $(car_bytes)"
		echo "want $(fifo_bytes '0x28 0x00')"
		return 1
	}
	end_live
}

@test "doc-test send-live: the watchdog stops the car when the page goes quiet; the echo is JSON" {
	start_car
	doc send-live | split_prompts
	live block.sh
	wait_port
	drive_page "ws://127.0.0.1:$PORT/ws" '{"command":"backward-left","speed":10}' 0x7a
	end_live
	grep -q '"byte":"0x7a"' live.out
}

@test "doc-test send-tty: one byte to a terminal device, and a stop" {
	start_pty_car
	doc send-tty | split_prompts
	run -0 bash block.sh
	wait_until 5 sh -c "grep -c ' 0x00 ' car.log | grep -qx 1"
	[ "$(car_bytes)" = "0x16 0x00" ]
}

@test "doc-test sim-plan: a route's picture in virtual time" {
	doc sim-plan >block.sh
	run -0 bash block.sh
	grep -q '<svg' square.svg
}

@test "doc-test sim-socket: the sim plays the car for iracer-send, with telemetry" {
	doc sim-socket >block.sh
	live block.sh
	wait_until 10 grep -q '"command":"forward-left 10"' live.out || { cat live.out live.err; false; }
	wait_until 10 grep -q '"command":"stop"' live.out
	end_live
}

@test "doc-test sim-pty: the sim on a pseudo-terminal takes bytes like the car" {
	doc sim-pty >block.sh
	live block.sh
	wait_until 5 grep -q '^iracer-sim: pty ' live.err
	printf '\x19' | iracer-send -S "$(sed -n 's/^iracer-sim: pty //p' live.err)"
	wait_until 5 grep -q ' 0x19 forward 9' live.err
	end_live
}

@test "doc-test bridge-drive: ws-bridge's pipeline drives and stops" {
	start_car
	doc bridge-drive >block.sh
	live block.sh
	wait_port
	drive_page "ws://127.0.0.1:$PORT/ws" '{"command":"forward","speed":14}' 0x1e
	end_live
}

@test "doc-test bridge-tls: a certificate, then a wss server that needs the token" {
	doc bridge-tls >block.sh
	live block.sh
	wait_until 30 bash -c "exec 2>/dev/null; : >/dev/tcp/127.0.0.1/$PORT"
	run -69 ws "wss://127.0.0.1:$PORT/ws?token=wrong" hello
	ws "wss://127.0.0.1:$PORT/ws?token=$(cat token)" hello --read 0.2
	wait_until 5 grep -qx hello live.out
	end_live
}

@test "doc-test bridge-watch: what a client sends, on stdout" {
	doc bridge-watch >block.sh
	live block.sh
	wait_port
	ws "ws://127.0.0.1:$PORT/" '{"command":"stop"}' --read 0.2
	wait_until 5 grep -qx '{"command":"stop"}' live.out
	end_live
}

@test "doc-test contract-line: one message through the filter and the grammar, as printed" {
	doc contract-line | split_prompts
	run -0 bash block.sh
	assert_output "$(cat expected.txt)"
}



# ---- added for the blocks merged since: onboarding, recording ----

@test "doc-test readme-path-plan: on PATH, iracer-cmd -n plans the bytes as the comment says" {
	doc readme-path-plan >block.sh
	run -0 bash -c "cd '$TOP' && PATH=/usr/bin:/bin bash '$BATS_TEST_TMPDIR/block.sh'"
	assert_output $'0.000 0x18 forward 8\n1.500 0x00 stop'
}

@test "doc-test readme-qr: the URL with its token, and a QR code that decodes to it" {
	doc readme-qr | split_prompts
	# a phone's address here is 127.0.0.2 (0.0.0.0 would give this machine's LAN address)
	sed -i 's/127\.0\.0\.1/127.0.0.2/' block.sh
	echo Zm9vYmFy >token
	live block.sh
	wait_until 10 grep -q '^iracer-drive: scan to drive: ' live.err || { cat live.err; false; }
	wait_until 5 grep -q '^██▄▄▄▄▄▄▄█' live.err
	sleep 0.3
	local url="http://127.0.0.2:$PORT/?token=Zm9vYmFy"
	[ "$(cat live.out)" = "$url" ]
	grep -qx 'iracer-drive: driving the simulator; Ctrl-C stops the car and quits' live.err
	grep -qx "iracer-drive: scan to drive: $url" live.err
	"$PY" "$TOP/tests/qr-from-text.py" live.err terminal.pbm
	run -0 sh -c 'zbarimg -q --raw terminal.pbm 2>/dev/null'
	assert_output "$url"
	end_live
	# the README's own picture is a real QR code of the URL it names
	grep -qx 'iracer-drive: scan to drive: http://192.168.1.20:8080/?token=Zm9vYmFy' expected.txt
	"$PY" "$TOP/tests/qr-from-text.py" expected.txt readme.pbm
	run -0 sh -c 'zbarimg -q --raw readme.pbm 2>/dev/null'
	assert_output "http://192.168.1.20:8080/?token=Zm9vYmFy"
}

# The page drives iracer-drive's car at $1 as a driver would: forward 12 for 0.6 s,
# a stop, 0.4 s still, backward 10 for 0.3 s, a stop.
drive_a_route() {
	ws --steps --read 0.3 "$1" \
		'0.6={"command":"forward","speed":12}' '0.4={"command":"stop"}' \
		'0.3={"command":"backward","speed":10}' '0.3={"command":"stop"}' >/dev/null
}

# The route's lines without comments, durations as NNNms: forward, stop, wait, backward, stop.
assert_recorded_route() {
	run -0 grep -v '^#' "$1"
	assert_line --index 0 --regexp '^forward 12 [0-9]+ms$'
	assert_line --index 1 'stop'
	assert_line --index 2 --regexp '^wait [0-9]+ms$'
	assert_line --index 3 --regexp '^backward 10 [0-9]+ms$'
	assert_line --index 4 'stop'
	[ "${#lines[@]}" -eq 5 ]
}

# Run the block's first line (iracer-drive --record) as the process the test
# ends with SIGTERM, as Ctrl-C would end it, after the page drove a route.
record_a_drive() {
	echo "exec $1" >record.sh
	drive_from record.sh
	drive_a_route "ws://127.0.0.1:$PORT/ws"
	kill -TERM "$LIVE"
	wait_exit "$LIVE" 15
}

@test "doc-test readme-record: a drive from the page kept as a route, previewed, and driven again" {
	doc readme-record >block.sh
	record_a_drive "$(sed -n 1p block.sh)"
	assert_recorded_route drive.route
	start_car
	sed -n '2,$p' block.sh >rest.sh
	run -0 bash rest.sh
	assert_line --index 0 "#!/usr/bin/env iracer-cmd"
	assert_line "# iracer-drive: driven from the web page (simulator)"
	assert_line "iracer-preview: wrote drive.svg"
	grep -q '<svg' drive.svg
	[ "$(car_bytes)" = "$(iracer-cmd -n drive.route | cut -d' ' -f2 | paste -sd ' ')" ]
	[ "$(car_bytes)" = "0x1c 0x00 0x00 0x2a 0x00" ] || [ "$(car_bytes)" = "0x1c 0x00 0x2a 0x00" ]
}

# Plan lines "T BYTE ..." of $1 and $2 have the same bytes, each time within 20 ms.
plans_agree() {
	paste -d' ' <(iracer-cmd -n "$1" | cut -d' ' -f1,2) <(iracer-cmd -n "$2" | cut -d' ' -f1,2) | awk '
		{ n++; d = $1 - $3; if (d < 0) d = -d
		  if ($2 != $4 || d > 0.020) { print "differ: " $0; bad = 1 } }
		END { exit bad || n < 2 }'
}

@test "doc-test drive-record: a drive recorded on the simulator, replayed there in virtual time" {
	doc drive-record | split_prompts
	[ ! -s expected.txt ]
	record_a_drive "$(sed -n 1p block.sh)"
	assert_recorded_route drive.route
	sed -n '2,$p' block.sh >rest.sh
	run -0 bash rest.sh
	# the replay takes as long as the route's durations add up to, and ends about 0.42 m
	# ahead (0.6 s at 1.2 m/s, 0.3 s back at 1.0 m/s; the page's timing on a busy machine)
	local total
	total=$(grep -o '[0-9]*ms$' drive.route | tr -d ms | awk '{ s += $1 } END { print s }')
	assert_output --regexp "^iracer-sim: distance [0-9.]+ m, time $(printf '%d.%03d' $((total / 1000)) $((total % 1000))) s, final x 0\\.(3[5-9]|4[0-9])[0-9]* m, y 0\\.000 m, heading 0\\.0 deg\$"
}

@test "doc-test record-keys: typed commands, recorded from what the car got" {
	start_car
	doc record-keys >block.sh
	{
		echo "forward 12"
		sleep 0.5
		echo "left 9"
		sleep 0.3
		echo stop
		sleep 0.2
	} | bash block.sh
	run -0 grep -v '^#' drive.route
	assert_line --index 0 --regexp '^forward 12 (4[5-9][0-9]|5[0-4][0-9])ms$'
	assert_line --index 1 --regexp '^steer-left 9 (2[5-9][0-9]|3[0-4][0-9])ms$'
	assert_line --index 2 'stop'
	[ "${#lines[@]}" -eq 3 ]
	[ "$(car_bytes | cut -d' ' -f1-3)" = "0x1c 0x39 0x00" ]
}

@test "doc-test record-page: a drive from the page, checked and previewed" {
	doc record-page >block.sh
	record_a_drive "$(sed -n 1p block.sh)"
	assert_recorded_route drive.route
	sed -n '2,$p' block.sh >rest.sh
	run -0 bash rest.sh
	assert_output --regexp $'^iracer-sim: distance [0-9.]+ m, time [0-9.]+ s, final x 0\\.(3[5-9]|4[0-9])[0-9]* m, y 0\\.000 m, heading 0\\.0 deg\niracer-preview: wrote drive.svg$'
	grep -q '<svg' drive.svg
}

@test "doc-test record-play: a recorded route to the car, and to the simulator in virtual time" {
	printf '%s\n' '#!/usr/bin/env iracer-cmd' 'forward 12 601ms' 'stop' 'wait 399ms' \
		'backward 10 301ms' 'stop' >drive.route
	start_car
	doc record-play >block.sh
	run -0 bash block.sh
	assert_output "iracer-sim: distance 1.022 m, time 1.301 s, final x 0.420 m, y 0.000 m, heading 0.0 deg"
	[ "$(car_bytes)" = "0x1c 0x00 0x2a 0x00" ]
}

@test "doc-test record-copy: the bytes of iracer-cmd(1)'s square.route, recorded in real time, are a copy" {
	doc cmd-route >square.route
	doc record-copy >block.sh
	run -0 bash block.sh
	assert_output ""
	run -0 grep -v '^#' copy.route
	assert_line --index 0 --regexp '^forward 12 [0-9]+ms$'
	assert_line --index 1 --regexp '^forward-left 12 [0-9]+ms$'
	assert_line --index 2 --regexp '^forward 12 [0-9]+ms$'
	assert_line --index 3 'stop'
	plans_agree square.route copy.route
}

@test "doc-test bridge-keep: a page that connects later gets the link state and the last byte" {
	start_car
	printf '\x1c' >bytes
	doc bridge-keep >block.sh
	live block.sh
	wait_port
	wait_until 5 grep -q ' 0x1c ' car.log
	sleep 0.3
	run -0 "$PY" "$TOP/tests/ws-client.py" "ws://127.0.0.1:$PORT/ws" recv:2 close
	assert_line --index 0 'open'
	assert_line --index 1 'recv {"type":"link","link":"down","reason":"end of input"}'
	assert_line --index 2 --regexp '^recv \{"type":"echo","t":[0-9.]+,"byte":"0x1c","command":"forward 12"\}$'
	assert_line --index 3 'closed 1000'
	[ "${#lines[@]}" -eq 4 ]
	end_live
}
