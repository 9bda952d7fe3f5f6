#!/usr/bin/env bats
# The cross-built package (make deb ARCH=arm64), its programs run under Debian's
# qemu-user-static: `make check-deb` sets IRACER_DEB_CROSS=build/iracer_VERSION_arm64.deb.
# The package is unpacked, not installed; qemu is called by name, so no binfmt_misc
# registration is needed (the target's libc and libraries come from multiarch,
# tools/cross-sysroot installs them).

load helper
bats_require_minimum_version 1.5.0

# nope and skip_if_noted (a file skipped from setup_file) are in helper.bash.

setup_file() {
	[ -n "${IRACER_DEB_CROSS:-}" ] || { nope "no cross-built package: run make check-deb (sets IRACER_DEB_CROSS)"; return 0; }
	[ -f "$IRACER_DEB_CROSS" ] || {
		echo "$IRACER_DEB_CROSS: no such package" >&2
		return 1
	}
	local arch qarch
	arch=$(dpkg-deb -f "$IRACER_DEB_CROSS" Architecture)
	qarch=$(dpkg-architecture -a"$arch" -qDEB_HOST_GNU_CPU)
	command -v "qemu-$qarch-static" >/dev/null || { nope "no qemu-$qarch-static (apt-get install qemu-user-static)"; return 0; }
	dpkg-deb -x "$IRACER_DEB_CROSS" "$BATS_FILE_TMPDIR/root"
	echo "$arch $qarch" >"$BATS_FILE_TMPDIR/arch"
}

setup() {
	common_setup
	skip_if_noted
	read -r ARCH QARCH <"$BATS_FILE_TMPDIR/arch"
	ROOT=$BATS_FILE_TMPDIR/root
}

# A program of the package under qemu.
q() {
	local p=$1
	shift
	"qemu-$QARCH-static" "$ROOT/usr/bin/$p" "$@"
}

@test "cross: the programs are the target's executables, not the host's" {
	run -0 file -L "$ROOT/usr/bin/iracer-cmd" "$ROOT/usr/bin/iracer-send" "$ROOT/usr/bin/iracer-sim" "$ROOT/usr/bin/ws-bridge"
	[ "${#lines[@]}" -eq 4 ]
	refute_output --partial "$(file -L "$BIN/iracer-cmd" | cut -d, -f2)"
	case $ARCH in
	arm64) [ "$(grep -c 'ARM aarch64' <<<"$output")" -eq 4 ] ;;
	armhf) [ "$(grep -c 'ARM, EABI5' <<<"$output")" -eq 4 ] ;;
	esac
	run -0 q iracer-send --version
	assert_output --regexp '^iracer-send [0-9]'
}

@test "cross: iracer-cmd -n plans a route byte for byte as the host's build does" {
	local route=$ROOT/usr/share/iracer/routes/square.route
	run -0 q iracer-cmd -n "$route"
	[ "${#lines[@]}" -ge 8 ]
	assert_equal "$output" "$("$BIN/iracer-cmd" -n "$route")"
	assert_line --index 0 --regexp '^0\.000 0x1a forward 10$'
	assert_equal "${lines[-1]}" "$("$BIN/iracer-cmd" -n "$route" | tail -n 1)"
}

@test "cross: iracer-send delivers 1c 39 00 to an iracer-sim listening on a UNIX socket" {
	bg "qemu-$QARCH-static" "$ROOT/usr/bin/iracer-sim" -j -l unix:car.sock >tel 2>err
	wait_until 20 grep -q 'listening on unix:car.sock' err
	printf 'forward 12 300ms\nleft 9 200ms\n' | q iracer-cmd | q iracer-send -S unix:car.sock
	wait_until 20 grep -q 'connection closed' err
	run -0 sed -n 's/.*"byte":"0x\([0-9a-f]*\)".*/\1/p' tel
	assert_equal "$(tr '\n' ' ' <<<"$output")" '1c 39 00 '
}

@test "cross: ws-bridge serves the page to curl and passes a WebSocket message through" {
	local port
	port=$(free_port)
	mkfifo in
	exec 7<>in
	"qemu-$QARCH-static" "$ROOT/usr/bin/ws-bridge" --www "$ROOT/usr/share/iracer/www" -p "$port" \
		<in >out 2>err 7>&- &
	BG_PIDS+=("$!")
	wait_until 20 grep -q 'listening on' err
	run -0 curl -sS --max-time 10 "http://127.0.0.1:$port/"
	assert_equal "$output" "$(cat "$ROOT/usr/share/iracer/www/index.html")"
	run -0 "$PY" "$TOP/tests/ws-client.py" "ws://127.0.0.1:$port/ws" 'send:{"command":"stop"}' close
	wait_until 10 grep -q stop out
	run cat out
	assert_output '{"command":"stop"}'
}
