#!/usr/bin/env bats
# The iracer-drive service under a real systemd: boots Debian 12 (systemd 252) made by
# tests/vm/service-build with the package installed, where tests/vm/service-test starts
# the service on the simulator, drives it with a real WebSocket client and stops it
# with systemctl; each "SVC: name: value" line it prints on the console is checked here.
# `make check-deb` runs it (as root, with QEMU and mmdebstrap).

load host

setup_file() {
	need_image service-initrd.gz tests/vm/service-build
	rm -f "$WORK/console-service.log"
	IRACER_VM_INITRD=$WORK/service-initrd.gz IRACER_VM_MEM=1536 IRACER_VM_TIMEOUT=${IRACER_VM_TIMEOUT:-240} \
		"$BATS_TEST_DIRNAME/boot" service >/dev/null 2>&1 3>&- || true
}

# The value of the console's "SVC: $1: value" line.
svc() {
	console service | sed -n "s/^SVC: $1: //p" | head -n 1
}

@test "service: the VM booted systemd and the test ran to its end" {
	assert_equal "$(svc booted | sed 's/,.*//')" 'systemd 252'
	run grep -c '^SVC: done' "$WORK/console-service.log"
	assert_output 1
}

@test "service: systemctl start brings it up as a dynamic user and the journal shows the URL with the token" {
	assert_equal "$(svc start)" 'status 0'
	assert_equal "$(svc state)" active
	run svc url
	assert_output --regexp '^http://127\.0\.0\.1:8080/\?token=[0-9a-f]{32}$'
	assert_equal "$(svc 'url token')" matches
	# DynamicUser: a numeric user from systemd's dynamic range, not root
	run svc main
	assert_output --regexp '^6[0-9]{4} +iracer-drive$'
}

@test "service: token in the StateDirectory (mode 600), FIFOs in the RuntimeDirectory" {
	assert_equal "$(svc token)" '600 33 private/iracer'
	assert_equal "$(svc fifos)" '/run/iracer/iracer-drive.X/bytes'
}

@test "service: a WebSocket client with the token drives the sim; one without it is refused" {
	run svc drive
	assert_output --regexp '^status 0 echoes [1-9][0-9]*$'
	assert_equal "$(svc 'no token')" 'status 69'
}

@test "service: systemctl stop stops the car (0x00 last) and leaves nothing behind" {
	run svc stop
	assert_output --regexp '^status 0 in [0-9.]+ s$'
	assert_equal "$(svc 'after stop')" 'inactive, result success'
	assert_equal "$(svc 'last byte')" 0x00
	assert_equal "$(svc left)" '0 in /run/iracer, 0 processes'
	echo "# systemctl stop took $(svc stop | sed 's/.* in //')" >&3
}

@test "service: the token survives a restart: the same URL (a phone's bookmark keeps working)" {
	assert_equal "$(svc 'same url')" yes
}

@test "service: apt-get remove stops a running service first, the car last at 0x00" {
	assert_equal "$(svc restarted)" active
	assert_equal "$(svc 'moving again')" yes
	assert_equal "$(svc remove)" 'status 0, inactive, last byte 0x00, 0 processes'
}

@test "service: systemd-analyze security rates it OK under the real systemd" {
	run svc exposure
	echo "# exposure: $output" >&3
	assert_output --regexp '^[01]\.[0-9] OK'
}
