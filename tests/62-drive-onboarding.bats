#!/usr/bin/env bats
# iracer-drive's onboarding: the URLs on stdout, a QR code of each URL for a
# phone on stderr (Debian's qrencode), decoded back here with zbarimg; the mDNS
# advertisement (avahi-publish) ends with iracer-drive; -q prints the URL only.

load helper
bats_require_minimum_version 1.5.0

DRIVE="$TOP/scripts/iracer-drive"

# start_drive and stop_drive are in helper.bash.

# zbarimg's reading of an image (its D-Bus chatter on stderr left out).
decode() {
	zbarimg -q --raw "$1" 2>/dev/null | tr -d '\n'
}

# A fake avahi-publish that registers at once and lives until killed; it
# writes its pid to $BATS_TEST_TMPDIR/avahi.pid.
fake_avahi() {
	mkdir -p fakebin
	cat >fakebin/avahi-publish <<EOS
#!/bin/sh
echo \$\$ >"$BATS_TEST_TMPDIR/avahi.pid"
echo "\$*" >"$BATS_TEST_TMPDIR/avahi.args"
echo "Established under name '\$2'"
exec sleep 600
EOS
	chmod +x fakebin/avahi-publish
}

@test "onboarding: the URL for a phone, with its token, and a QR code that decodes to it" {
	echo 's3cret/+&' >token
	start_drive --sim -l 127.0.0.2 --token-file token
	wait_until 10 grep -q '^iracer-drive: scan to drive: ' drive.err
	sleep 0.3
	run cat drive.out
	assert_output "http://127.0.0.2:$PORT/?token=s3cret%2F%2B%26"
	grep -qx "iracer-drive: scan to drive: $output" drive.err
	# the terminal's QR code, read back from its characters
	"$PY" "$TOP/tests/qr-from-text.py" drive.err terminal.pbm
	run decode terminal.pbm
	assert_output "http://127.0.0.2:$PORT/?token=s3cret%2F%2B%26"
	# and the same text as a PNG from qrencode -o
	qrencode -o url.png "$(cat drive.out)"
	run decode url.png
	assert_output "$(cat drive.out)"
	stop_drive
}

@test "onboarding: -q prints the URL and nothing else" {
	start_drive --sim -q -l 127.0.0.2
	sleep 1
	run cat drive.out
	assert_output "http://127.0.0.2:$PORT/"
	# (while it runs: the shutdown's own messages are the cleanup's business)
	run cat drive.err
	assert_output ''
	stop_drive
}

@test "onboarding: the local URL gets no QR code; without qrencode, a note and the URL" {
	start_drive --sim
	sleep 0.5
	run grep -c 'scan to drive' drive.err
	assert_output 0
	stop_drive
	# a PATH with everything but qrencode
	mkdir nobin
	for f in /usr/local/bin/* /usr/bin/* /bin/*; do
		n=${f##*/}
		[ "$n" = qrencode ] || [ -e "nobin/$n" ] || ln -s "$f" "nobin/$n"
	done
	PATH=$PWD/nobin start_drive --sim -l 127.0.0.2
	wait_until 5 grep -q 'qrencode is not installed' drive.err
	grep -qx 'iracer-drive: no QR code: qrencode is not installed (apt-get install qrencode)' drive.err
	run cat drive.out
	assert_output "http://127.0.0.2:$PORT/"
	stop_drive
}

@test "onboarding: avahi-publish advertises the page while iracer-drive runs, and ends with it" {
	fake_avahi
	# (no token: this test is about the name, not the URL's query)
	PATH=$PWD/fakebin:$PATH start_drive --sim -l 0.0.0.0 --no-token
	wait_until 5 test -s avahi.pid
	wait_until 5 grep -q "^http://$(hostname)\.local:$PORT/\$" drive.out
	grep -qx -- "-s iracer on $(hostname) _http._tcp $PORT path=/" avahi.args
	grep -qx "iracer-drive: scan to drive: http://$(hostname).local:$PORT/" drive.err
	kill -0 "$(cat avahi.pid)"
	stop_drive
	wait_until 5 bash -c "! kill -0 $(cat avahi.pid) 2>/dev/null"
}

@test "onboarding: avahi-publish does not outlive an iracer-drive killed with SIGKILL" {
	fake_avahi
	# a car of our own (the --sim one lives in a session of its own)
	bg "$BIN/iracer-sim" -l "unix:$BATS_TEST_TMPDIR/car.sock" 2>sim.err
	wait_until 5 test -S "$BATS_TEST_TMPDIR/car.sock"
	PATH=$PWD/fakebin:$PATH start_drive -l 0.0.0.0 "unix:$BATS_TEST_TMPDIR/car.sock"
	wait_until 5 test -s avahi.pid
	kill -KILL "$DRIVE_PID"
	wait_until 5 bash -c "! kill -0 $(cat avahi.pid) 2>/dev/null"
	# the rest of the pipeline is not this test's subject: end its process group
	kill -TERM -- "-$DRIVE_PID" 2>/dev/null || true
	wait_until 10 bash -c "! pgrep -g $DRIVE_PID >/dev/null"
}
