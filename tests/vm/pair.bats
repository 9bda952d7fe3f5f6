#!/usr/bin/env bats
# Host side of the pairing test: boots the VM built by tests/vm/build with bluetoothd
# managing both btvirt controllers (btsetup=pair), runs tests/vm/pairing.bats inside
# (hci1 plays the car: named i-Racer, legacy PIN pairing, a PIN agent), and checks the
# PASS line of every case over the serial console. `make check-vm` runs it.

load host

setup_file() {
	need_image initrd.gz tests/vm/build
	rm -f "$WORK/console-pair.log"
	IRACER_VM_TIMEOUT=${IRACER_VM_TIMEOUT:-300} "$BATS_TEST_DIRNAME/boot" pair btsetup=pair \
		vmsuite=pairing vmtesttimeout=120 >/dev/null 2>&1 3>&- || true
}

@test "pair: bluetoothd manages both controllers in the VM" {
	run console pair
	assert_line --regexp '^VM: bluetoothd: Controller 00:AA:01:00:00:00 .*Controller 00:AA:01:01:00:01'
}

@test "pair: a scan lists the car by address and name, marked as a likely car" {
	vm_case pair "1 scan: iracer-pair lists the car by address and name, marked as a likely car"
}

@test "pair: a wrong PIN fails with exit 69 and says to give the PIN with --pin" {
	vm_case pair "2 a wrong PIN: exit 69 and what to do"
}

@test "pair: with no --pin, 1234 then 0000; trusted; a stop byte reaches the car; IRACER_ADDR written" {
	vm_case pair "3 no --pin: 1234 fails, 0000 pairs"
}

@test "pair: then iracer-send delivers bytes to the paired car" {
	vm_case pair "4 after iracer-pair, iracer-cmd | iracer-send delivers 1c 39 00 to the paired car"
}

@test "pair: a paired car is only checked; a car in use here and an absent car fail with 69" {
	vm_case pair "5 a paired car: iracer-pair says so and only checks the link"
	vm_case pair "5 a car this machine is connected to already: exit 69 and what to stop"
	vm_case pair "5 a car that does not answer: exit 69, is it on, is its light blinking"
}

@test "pair: rfkill and a stopped bluetoothd fail with 69 and what to do" {
	vm_case pair "6 adapter blocked by rfkill: exit 69 and how to unblock it"
	vm_case pair "7 bluetoothd not running: exit 69 and how to start it"
}

@test "pair: every case in the VM ran and none failed" {
	run console pair
	assert_line --regexp '^VM: 9 passed, 0 failed, 0 skipped$'
	echo "# $(console pair | sed -n 's/^VM: done at \([0-9.]*\) s.*/VM uptime at the end: \1 s/p')" >&3
}
