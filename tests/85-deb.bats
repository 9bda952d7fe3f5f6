#!/usr/bin/env bats
# The Debian package, installed for real: `make check-deb` builds it with `make deb`
# and runs this file as root with IRACER_DEB=build/iracer_VERSION_ARCH.deb. The
# installed /usr/bin/iracer-drive --sim is driven by a real WebSocket client; then
# `dpkg --purge` must leave nothing of the package behind.

load helper
bats_require_minimum_version 1.5.0

# nope and skip_if_noted (a file skipped from setup_file) are in helper.bash.

setup_file() {
	[ -n "${IRACER_DEB:-}" ] || { nope "no package to test: run make check-deb (builds it, sets IRACER_DEB)"; return 0; }
	[ "$(id -u)" -eq 0 ] || { nope "installs a package: run as root (make check-deb does on CI)"; return 0; }
	if dpkg-query -W -f='${Status}' iracer 2>/dev/null | grep -q 'installed'; then
		nope "iracer is already installed here; this test would remove it"
		return 0
	fi
	[ -f "$IRACER_DEB" ] || {
		echo "$IRACER_DEB: no such package" >&2
		return 1
	}
	# What the package holds, remembered before it is installed (the purge test checks it).
	dpkg-deb -c "$IRACER_DEB" | awk '{ print substr($6, 2) }' | grep -v '/$' >"$BATS_FILE_TMPDIR/files"
	deb=$(cd "$(dirname "$IRACER_DEB")" && pwd)/$(basename "$IRACER_DEB")
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$deb" \
		>"$BATS_FILE_TMPDIR/apt.log" 2>&1 || {
		cat "$BATS_FILE_TMPDIR/apt.log" >&2
		return 1
	}
	: >"$BATS_FILE_TMPDIR/installed"
}

# Purge only what this file installed.
teardown_file() {
	if [ -f "$BATS_FILE_TMPDIR/installed" ] &&
		dpkg-query -W -f='${Status}' iracer 2>/dev/null | grep -q 'installed'; then
		dpkg --purge iracer >/dev/null 2>&1 || true
	fi
}

setup() {
	common_setup
	skip_if_noted
}

# shellcheck disable=SC2016 # ${...} is dpkg-query's, not the shell's
@test "deb: apt-get install puts programs, scripts, page, routes, man pages, unit and conffile in place" {
	local f
	for f in iracer-cmd iracer-send iracer-sim ws-bridge iracer-drive iracer-preview iracer-pair; do
		[ -x "/usr/bin/$f" ] || fail "/usr/bin/$f missing"
		[ -f "/usr/share/man/man1/$f.1.gz" ] || fail "man page of $f missing"
	done
	for f in json2cmd.jq www/index.html www/app.js routes/square.route; do
		[ -f "/usr/share/iracer/$f" ] || fail "/usr/share/iracer/$f missing"
	done
	[ -f /lib/systemd/system/iracer-drive.service ]
	run -0 dpkg-query --showformat='${Conffiles}\n' --show iracer
	assert_output --partial /etc/default/iracer
	run -0 grep -c '^IRACER_ADDR=$' /etc/default/iracer
	# Dependencies from shlibs; the Recommends from debian/control.
	run -0 dpkg-query --showformat='${Depends}\n${Recommends}\n' --show iracer
	assert_line --regexp 'libwebsockets17 \(>= [0-9.]+\)'
	assert_line --regexp 'libbluetooth3 \(>= [0-9.]+\)'
	assert_line 'bluez, qrencode'
	run -0 /usr/bin/iracer-send --version
	assert_output --regexp '^iracer-send [0-9]'
}

@test "deb: the installed iracer-drive --sim serves the installed page and a WebSocket client drives the sim" {
	local port pid
	port=$(free_port)
	# The installed layout alone: no IRACER_BIN pointing into the checkout.
	env -u IRACER_BIN "$PY" -c 'import os, signal, sys
signal.signal(signal.SIGINT, signal.SIG_DFL)
os.setsid()
os.execv(sys.argv[1], sys.argv[1:])' /usr/bin/iracer-drive --sim -v -p "$port" >drive.out 2>drive.err &
	pid=$!
	BG_PIDS+=("$pid")
	wait_until 10 grep -q "^http://127.0.0.1:$port/" drive.out || fail "no URL: $(cat drive.err)"
	run -0 curl -sS --max-time 5 "http://127.0.0.1:$port/"
	assert_equal "$output" "$(cat /usr/share/iracer/www/index.html)"
	run -0 "$PY" "$TOP/tests/ws-client.py" --drive "ws://127.0.0.1:$port/ws" \
		'{"command":"forward","speed":9}' --every 0.1 --for 0.5 --read 0.2
	assert_output --partial '"byte":"0x19","command":"forward 9"'
	kill -TERM "$pid"
	wait_exit "$pid" 10
	run -0 sed -n 's/^iracer-sim: [0-9.]* \(0x[0-9a-f]*\) .*/\1/p' drive.err
	assert_line 0x19
	assert_equal "${lines[-1]}" 0x00
	[ -z "$(pgrep -s "$pid")" ] || fail "left running: $(pgrep -a -s "$pid")"
}

@test "deb: systemd-analyze verify is clean on the installed unit" {
	command -v systemd-analyze >/dev/null || skip "no systemd-analyze"
	run -0 systemd-analyze verify /lib/systemd/system/iracer-drive.service
	assert_output ''
}

@test "deb: dpkg --purge leaves nothing of the package behind" {
	run -0 dpkg --purge iracer
	run dpkg-query -W -f='${Status}' iracer
	refute_output --partial installed
	local f left=()
	while IFS= read -r f; do
		[ ! -e "$f" ] || left+=("$f")
	done <"$BATS_FILE_TMPDIR/files"
	[ ! -e /etc/default/iracer ] || left+=(/etc/default/iracer)
	[ ! -e /usr/share/iracer ] || left+=(/usr/share/iracer)
	[ ! -e /var/lib/iracer ] || left+=(/var/lib/iracer)
	[ "${#left[@]}" -eq 0 ] || fail "left behind: ${left[*]}"
	[ "$(wc -l <"$BATS_FILE_TMPDIR/files")" -gt 30 ]
}
