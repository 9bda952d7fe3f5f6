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

# A whole stand-in BlueZ for the pairing flow: bluetoothctl knows the car
# 00:11:22:33:44:55 "i-Racer" (legacy pairing) and a phone; in its interactive mode it
# asks for a PIN and accepts $FAKE_PIN. iracer-send records what it was given.
fake_bluez() {
	fake_sysfs 0 0
	fake_tools true
	cat >fakebin/bluetoothctl <<'FAKE'
#!/bin/bash
dir=$(dirname "$0")/..
echo "bluetoothctl $*" >>"$dir/ctl.log"
case $1 in
power) echo "Changing power on succeeded" ;;
--timeout) echo "Discovery started" ;;
devices) printf 'Device 00:11:22:33:44:55 i-Racer\nDevice AA:BB:CC:DD:EE:FF Pixel 7\n' ;;
info)
	case $2 in
	00:11:22:33:44:55)
		printf 'Device %s (public)\n\tName: i-Racer\n\tPaired: %s\n\tConnected: no\n\tLegacyPairing: yes\n' \
			"$2" "$(cat "$dir/paired" 2>/dev/null || echo no)" ;;
	AA:BB:CC:DD:EE:FF) printf 'Device %s (public)\n\tName: Pixel 7\n\tPaired: no\n\tLegacyPairing: no\n' "$2" ;;
	*) echo "Device $2 not available" ;;
	esac ;;
trust) echo "Changing $2 trust succeeded" ;;
'')
	while read -r line; do
		case $line in
		"pair "*)
			echo "Attempting to pair with ${line#pair }"
			printf 'Request PIN code\n[agent] Enter PIN code: '
			read -r pin
			echo "$pin" >>"$dir/pins"
			if [ "$pin" = "$FAKE_PIN" ]; then
				echo "Pairing successful"
				echo yes >"$dir/paired"
			else
				echo "Failed to pair: org.bluez.Error.AuthenticationFailed"
			fi ;;
		quit) exit 0 ;;
		esac
	done ;;
esac
FAKE
	mkdir -p fakeiracer
	printf '#!/bin/sh\necho "$*" >%s/send.args\nod -An -tx1 >%s/sent\n[ -z "${FAKE_SEND_ERR:-}" ] || { echo "iracer-send: $FAKE_SEND_ERR" >&2; exit 69; }\n' \
		"$PWD" "$PWD" >fakeiracer/iracer-send
	chmod +x fakebin/bluetoothctl fakeiracer/iracer-send
	export IRACER_BIN=$PWD/fakeiracer
	printf '# settings\nIRACER_ADDR=\nIRACER_PORT=8080\n' >conf
}

@test "iracer-pair: no --pin: 1234 refused, 0000 pairs; trusted; one stop byte; IRACER_ADDR replaced in place" {
	fake_bluez
	chmod 640 conf
	FAKE_PIN=0000 run -0 --separate-stderr "$PAIR" -c conf 00:11:22:33:44:55
	assert_output 00:11:22:33:44:55
	run cat pins
	assert_output $'1234\n0000'
	run cat conf
	assert_output $'# settings\nIRACER_ADDR=00:11:22:33:44:55\nIRACER_PORT=8080'
	run stat -c %a conf
	assert_output 640
	run cat sent
	assert_output ' 00'
	run cat send.args
	assert_output '-S -t 15 00:11:22:33:44:55'
	grep -qx 'bluetoothctl trust 00:11:22:33:44:55' ctl.log
}

@test "iracer-pair: a lower-case address, --pin, and a config file that is not there yet" {
	fake_bluez
	FAKE_PIN=8888 run -0 "$PAIR" --pin 8888 -c new.conf 00:11:22:33:44:55
	assert_line 'iracer-pair: 00:11:22:33:44:55 paired with PIN 8888, trusted, and took a stop byte'
	run cat new.conf
	assert_output 'IRACER_ADDR=00:11:22:33:44:55'
	rm -f paired pins
	FAKE_PIN=0000 run -0 "$PAIR" -n 00:11:22:33:44:55
	refute_output --partial 'written to'
}

@test "iracer-pair: every PIN refused: 69 naming the PINs tried; nothing written" {
	fake_bluez
	FAKE_PIN=9999 run -69 "$PAIR" -c conf 00:11:22:33:44:55
	assert_line --index -1 "iracer-pair: 00:11:22:33:44:55: wrong PIN (tried 1234, 0000): give the car's PIN with --pin (see its manual; most i-Racers use 1234, some 0000)"
	grep -qx 'IRACER_ADDR=' conf
	[ ! -e sent ]
}

@test "iracer-pair: paired, but the car is busy with another device: 69 and what to do" {
	fake_bluez
	FAKE_PIN=1234 FAKE_SEND_ERR='00:11:22:33:44:55: Device or resource busy; is another program connected to the car?' \
		run -69 "$PAIR" -c conf 00:11:22:33:44:55
	assert_line --index -1 --partial "iracer-pair: paired, but the car refused the link (iracer-send: 00:11:22:33:44:55: Device or resource busy; is another program connected to the car?): it is probably connected to another device"
	grep -qx 'IRACER_ADDR=' conf
}

@test "iracer-pair: a config file that cannot be written: 74 and what to do, before pairing" {
	fake_bluez
	FAKE_PIN=1234 run -74 "$PAIR" -c nodir/conf 00:11:22:33:44:55
	assert_output "iracer-pair: nodir/conf: cannot write it (no directory nodir): run with sudo, or use -c FILE or -n"
	[ ! -e pins ]
	if [ "$(id -u)" -ne 0 ]; then
		chmod 444 conf
		FAKE_PIN=1234 run -74 "$PAIR" -c conf 00:11:22:33:44:55
		assert_output "iracer-pair: conf: cannot write it (Permission denied): run with sudo, or use -c FILE or -n"
	fi
}

@test "iracer-pair: an address BlueZ has not seen, even after a scan: 69, is the car on" {
	fake_bluez
	run -69 "$PAIR" -s 1 00:11:22:33:44:66
	assert_line --index -1 --partial "iracer-pair: 00:11:22:33:44:66: car not found: is it switched on"
	grep -qx 'bluetoothctl --timeout 1 scan on' ctl.log
}

@test "iracer-pair: no address, not at a terminal: the list with the car marked, then a hint" {
	fake_bluez
	run -0 --separate-stderr "$PAIR" -s 1
	assert_output $' 1  00:11:22:33:44:55  i-Racer              * name, legacy PIN pairing\n 2  AA:BB:CC:DD:EE:FF  Pixel 7                '
	assert_equal "${stderr_lines[-1]}" 'iracer-pair: run iracer-pair ADDRESS to pair one (a * marks the likely cars)'
}

@test "iracer-pair: no address, at a terminal: pairs the one chosen from the list" {
	command -v script >/dev/null || skip "no script (util-linux)"
	fake_bluez
	printf '1\n' >answer
	FAKE_PIN=1234 run -0 script -qec "$PAIR -s 1 -c conf" /dev/null <answer
	assert_output --partial 'Pair which one? (its number; Enter to quit)'
	assert_output --partial 'iracer-pair: 00:11:22:33:44:55 paired with PIN 1234, trusted, and took a stop byte'
	grep -qx 'IRACER_ADDR=00:11:22:33:44:55' conf
}

@test "iracer-pair: shellcheck clean" {
	command -v shellcheck >/dev/null || skip "no shellcheck"
	run -0 shellcheck "$PAIR"
}
