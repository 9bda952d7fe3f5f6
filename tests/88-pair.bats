#!/usr/bin/env bats
# scripts/iracer-pair on the host: usage, and the checks it makes before it touches
# Bluetooth, against a made-up sysfs (IRACER_PAIR_SYSFS) and a stand-in dbus-send.
# Pairing for real runs in the QEMU VM: tests/vm/pairing.bats, make check-vm.

load helper
bats_require_minimum_version 1.5.0

PAIR="$TOP/scripts/iracer-pair"

# A sysfs with one adapter; rfkill switch state $1 (soft) and $2 (hard).
fake_sysfs() {
	mkdir -p sys/class/bluetooth/hci0 sys/class/rfkill/rfkill0 sys/class/rfkill/rfkill1
	echo wlan >sys/class/rfkill/rfkill0/type
	echo 1 >sys/class/rfkill/rfkill0/soft
	echo 0 >sys/class/rfkill/rfkill0/hard
	echo bluetooth >sys/class/rfkill/rfkill1/type
	echo "$1" >sys/class/rfkill/rfkill1/soft
	echo "$2" >sys/class/rfkill/rfkill1/hard
	export IRACER_PAIR_SYSFS=$PWD/sys
}

# Stand-ins on PATH: dbus-send answers NameHasOwner with $1 (true/false) or fails
# when $1 is "nobus"; bluetoothctl must not be reached unless $2 says what it prints.
fake_tools() {
	mkdir -p fakebin
	if [ "$1" = nobus ]; then
		printf '#!/bin/sh\necho "Failed to open connection to \\"system\\" message bus: No such file or directory" >&2\nexit 1\n' >fakebin/dbus-send
	else
		printf '#!/bin/sh\necho "method return time=1 sender=org.freedesktop.DBus"\necho "   boolean %s"\n' "$1" >fakebin/dbus-send
	fi
	printf '#!/bin/sh\necho "bluetoothctl $*" >>"%s/ctl.log"\nprintf "%%s\\n" "%s"\n' "$PWD" "${2:-}" >fakebin/bluetoothctl
	chmod +x fakebin/*
	export PATH="$PWD/fakebin:$PATH"
}

@test "iracer-pair: --help, --version and the man page agree on the options" {
	run -0 "$PAIR" --help
	assert_line --index 0 'usage: iracer-pair [-hn] [-s secs] [-p pin] [-c file] [address]'
	local o
	for o in --scan --pin --config --no-config --help --version; do
		assert_output --partial -- "$o"
		grep -q -- "Fl ${o#-}" "$TOP/man/iracer-pair.1" || fail "man page lacks $o"
	done
	run -0 "$PAIR" --version
	assert_output 'iracer-pair 0.1.0'
}

@test "iracer-pair: bad usage is status 64 with the reason" {
	run -64 "$PAIR" --frob
	assert_line --index 0 "iracer-pair: unknown option '--frob'"
	run -64 "$PAIR" 00:11:22:33:44
	assert_line --index 0 "iracer-pair: '00:11:22:33:44' is not a Bluetooth address (XX:XX:XX:XX:XX:XX)"
	run -64 "$PAIR" -s 0
	assert_line --index 0 "iracer-pair: scan time '0' is not a whole number of seconds from 1 to 120"
	run -64 "$PAIR" -s 10s
	assert_line --index 0 "iracer-pair: scan time '10s' is not a whole number of seconds from 1 to 120"
	run -64 "$PAIR" --pin '12;4'
	assert_line --index 0 "iracer-pair: PIN '12;4' is not 1 to 16 letters or digits"
	run -64 "$PAIR" -p
	assert_line --index 0 "iracer-pair: option -p needs an argument"
	run -64 "$PAIR" 00:11:22:33:44:55 00:11:22:33:44:66
	assert_line --index 0 "iracer-pair: one address only: '00:11:22:33:44:66' is extra"
}

@test "iracer-pair: no adapter: 69 and where to look" {
	mkdir -p sys/class/bluetooth
	fake_tools true
	IRACER_PAIR_SYSFS=$PWD/sys run -69 "$PAIR" 00:11:22:33:44:55
	assert_output "iracer-pair: no Bluetooth adapter: plug one in; on a Raspberry Pi check that config.txt has no dtoverlay=disable-bt and that hciuart.service runs"
	[ ! -e ctl.log ]
}

@test "iracer-pair: an adapter blocked by rfkill, soft or hard: 69 and how to unblock it" {
	fake_tools true
	fake_sysfs 1 0
	run -69 "$PAIR" 00:11:22:33:44:55
	assert_output "iracer-pair: the Bluetooth adapter is blocked by rfkill: run sudo rfkill unblock bluetooth"
	fake_sysfs 0 1
	run -69 "$PAIR" 00:11:22:33:44:55
	assert_output "iracer-pair: the Bluetooth adapter is blocked by a hardware switch (rfkill): turn it on"
	[ ! -e ctl.log ]
}

@test "iracer-pair: bluetoothd or the system bus not running: 69 and how to start it" {
	fake_sysfs 0 0
	fake_tools false
	run -69 "$PAIR" 00:11:22:33:44:55
	assert_output "iracer-pair: bluetoothd is not running: sudo systemctl enable --now bluetooth"
	rm -rf fakebin
	fake_tools nobus
	run -69 "$PAIR"
	assert_output --regexp '^iracer-pair: the system D-Bus is not running \(Failed to open connection .*\): start it \(sudo systemctl start dbus\), then bluetoothd$'
	[ ! -e ctl.log ]
}

@test "iracer-pair: an adapter that will not power on, or no permission: 69 with BlueZ's words" {
	fake_sysfs 0 0
	fake_tools true 'Failed to set power on: org.bluez.Error.Failed'
	run -69 "$PAIR" 00:11:22:33:44:55
	assert_output "iracer-pair: cannot power the adapter on: Failed to set power on: org.bluez.Error.Failed"
	run cat ctl.log
	assert_output 'bluetoothctl power on'
	rm -rf fakebin
	fake_tools true 'Failed to set power on: org.freedesktop.DBus.Error.AccessDenied'
	run -69 "$PAIR" 00:11:22:33:44:55
	assert_output "iracer-pair: not allowed to use Bluetooth: run as root (sudo iracer-pair) or join the bluetooth group"
}

@test "iracer-pair: shellcheck clean" {
	command -v shellcheck >/dev/null || skip "no shellcheck"
	run -0 shellcheck "$PAIR"
}
