#!/usr/bin/env bats
# scripts/iracer-drive, safe by default (issue 10): a token off loopback that
# is never in any argv or environment, one driver at a time with handover,
# --shared, --host passed on, and ws-bridge's own reasons when it cannot start.

load helper
bats_require_minimum_version 1.5.0

DRIVE="$TOP/scripts/iracer-drive"

# start_drive, stop_drive and ws are in helper.bash; iracer-drive's private
# directory is made in the test's own.
setup() {
	common_setup
	DRIVE_TMPDIR=$BATS_TEST_TMPDIR
}

# Every process of the run: its argv and environment must not hold $1.
secret_nowhere() {
	local p
	for p in $(pgrep -s "$DRIVE_PID"); do
		if tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -qF -- "$1" ||
			tr '\0' '\n' <"/proc/$p/environ" 2>/dev/null | grep -qF -- "$1"; then
			echo "process $p: $(tr '\0' ' ' <"/proc/$p/cmdline")" >&2
			return 1
		fi
	done
}

# A jq first on PATH that logs its argv, then runs the real one.
spy_jq() {
	mkdir -p spy
	printf '#!/bin/sh\nprintf "%%s\\n" "$*" >>"%s/jq.argv"\nexec /usr/bin/jq "$@"\n' \
		"$BATS_TEST_TMPDIR" >spy/jq
	chmod +x spy/jq
	PATH="$BATS_TEST_TMPDIR/spy:$PATH"
}

@test "off loopback a random token is made (mode 0600, private directory), printed in the URL, and needed" {
	spy_jq
	start_drive --sim -v -l 0.0.0.0
	run -0 grep -oE "^http://127\.0\.0\.1:$PORT/\?token=[0-9a-f]{48}$" drive.out
	local token=${output##*=}
	run -0 stat -c '%a' iracer-drive.*/token
	assert_output 600
	run -0 stat -c '%a' -- iracer-drive.*
	assert_output 700
	run -0 cat iracer-drive.*/token
	assert_output "$token"
	secret_nowhere "$token"
	! grep -qF -- "$token" jq.argv
	run -69 ws "$URL" '{"command":"raw","data":22}'
	run -0 ws "$URL?token=$token" '{"command":"raw","data":22}' --read 0.3
	wait_until 5 grep -q ' 0x16 forward 6' drive.err
	stop_drive
	# the private directory, token and all, is gone with the run
	run -0 find . -maxdepth 1 -name 'iracer-drive.*'
	assert_output ''
}

@test "a token file's secret is in no argv or environment (jq used to get it on its command line)" {
	spy_jq
	printf 'my-s3cret-%s\n' "$RANDOM" >token
	local token
	token=$(cat token)
	start_drive --sim --token-file token
	grep -qx "http://127.0.0.1:$PORT/?token=$token" drive.out
	secret_nowhere "$token"
	run ! grep -qF -- "$token" jq.argv
	stop_drive
}

@test "--no-token is the explicit way out; --no-token with --token-file is a usage error" {
	start_drive --sim -v -l 0.0.0.0 --no-token
	grep -qx "http://127.0.0.1:$PORT/" drive.out
	run -0 ws "$URL" '{"command":"raw","data":22}' --read 0.3
	wait_until 5 grep -q ' 0x16 forward 6' drive.err
	stop_drive
	echo t >token
	run -64 "$DRIVE" --sim --no-token --token-file token
	assert_line --index 0 'iracer-drive: --token-file and --no-token: one or the other'
}

@test "one driver by default: the second watches, takes over when the first leaves, and is told" {
	first_browser
	ws "$URL" '{"command":"backward","speed":7}' --every 0.1 --for 4 --read 0.3 >second.out &
	local second=$!
	wait "$FIRST"
	wait_until 10 grep -q ' 0x27 backward 7' drive.err
	wait "$second"
	stop_drive
	run cat first.out
	assert_line --index 0 '{"type":"role","ws-bridge":"driving"}'
	run grep '"type":"role"' second.out
	assert_output $'{"type":"role","ws-bridge":"watching"}\n{"type":"role","ws-bridge":"driving"}'
	# no backward byte while the first one drove
	run sed -n '/ 0x19 forward 9/,$p' drive.err
	assert_output --partial ' 0x27 backward 7'
	[ "$(sed -n 's/^iracer-sim: [0-9.]* \(0x[0-9a-f]*\) .*/\1/p' drive.err | grep -c 0x27)" -ge 1 ]
	! sed -n '1,/0x19 forward 9/p' drive.err | grep -q 0x27
}

@test "--shared: every browser drives" {
	second_browser --shared
	refute_output --partial '"ws-bridge"'
	wait_until 5 grep -q ' 0x16 forward 6' drive.err
	wait "$FIRST"
	stop_drive
}

@test "--host is passed on: that name is accepted, others get 421" {
	start_drive --sim --host car.test
	run -0 "$PY" "$TOP/tests/ws-attack.py" upgrade --host "car.test:$PORT" "$URL" 'send:{"command":"raw","data":22}'
	assert_output open
	run "$PY" "$TOP/tests/ws-attack.py" upgrade --host "evil.example:$PORT" "$URL"
	assert_output 'status 421'
	run -64 "$DRIVE" --sim --host 'bad name'
	stop_drive
}

@test "ws-bridge cannot start: its reason and status, no guess about the port" {
	openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem -days 1 \
		-subj /CN=localhost 2>/dev/null
	echo 'not a key' >bad.pem
	IRACER_BIN="$BIN" run -65 "$DRIVE" --sim -p "$(free_port)" --tls-cert cert.pem --tls-key bad.pem
	assert_output --partial 'ws-bridge: bad.pem: bad private key: '
	refute_output --partial 'in use?'
	IRACER_BIN="$BIN" run -69 "$DRIVE" --sim -p "$(free_port)" -l 999.1.1.1
	assert_output --partial 'ws-bridge: cannot listen on 999.1.1.1: '
	refute_output --partial 'in use?'
}
