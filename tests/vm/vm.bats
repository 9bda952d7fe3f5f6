#!/usr/bin/env bats
# Host side of the Bluetooth VM test: boots the VM built by tests/vm/build twice, at the
# same time, once per controller setup (ssp: paired through mgmt like bluetoothd and
# bluetoothctl would; legacy: hciconfig, no pairing), and checks the PASS line of every
# case that tests/vm/rfcomm.bats ran inside, over the serial console.
# Run it with `make check-vm` (it builds the programs and the VM first).

load host

setup_file() {
	local start pids=()
	need_image initrd.gz tests/vm/build
	rm -f "$WORK"/console-ssp.log "$WORK"/console-legacy.log
	start=$(date +%s)
	# Each boot is bounded by tests/vm/boot (timeout around QEMU).
	"$BATS_TEST_DIRNAME/boot" ssp btsetup=ssp >/dev/null 2>&1 3>&- &
	pids+=($!)
	# The legacy setup runs the transport probe and acceptance 1 only.
	"$BATS_TEST_DIRNAME/boot" legacy btsetup=legacy 'vmfilter=^[01]' >/dev/null 2>&1 3>&- &
	pids+=($!)
	wait "${pids[@]}" || true
	echo "$(($(date +%s) - start))" >"$BATS_FILE_TMPDIR/seconds"
}

@test "VM boots Debian's bookworm-backports 6.12 kernel and sets up hci0 and hci1" {
	for setup in ssp legacy; do
		run console "$setup"
		assert_line --regexp 'VM: kernel 6\.12\.[0-9]+.*-amd64'
		assert_line --regexp '^VM: hci0: .*BD Address: 00:AA:01:00:00:00 .* UP RUNNING'
		assert_line --regexp '^VM: hci1: .*BD Address: 00:AA:01:01:00:01 .* UP RUNNING'
	done
	run console ssp
	assert_line --partial 'Paired with 00:AA:01:00:00:00'
	echo "# $(console ssp | grep -m1 '^VM: kernel')" >&3
}

@test "raw RFCOMM crosses the virtual link (probe, both setups)" {
	vm_case ssp "0 probe: raw RFCOMM bytes cross the virtual link (ssp)"
	vm_case legacy "0 probe: raw RFCOMM bytes cross the virtual link (legacy)"
}

@test "1: iracer-cmd | iracer-send -S delivers 1c 39 00 over RFCOMM, SSP setup" {
	vm_case ssp "1 iracer-cmd | iracer-send -S delivers 1c 39 00 to iracer-sim --rfcomm 1 (ssp)"
}

@test "1: iracer-cmd | iracer-send -S delivers 1c 39 00 over RFCOMM, legacy setup" {
	vm_case legacy "1 iracer-cmd | iracer-send -S delivers 1c 39 00 to iracer-sim --rfcomm 1 (legacy)"
}

@test "2: a 100-step route arrives complete and in order, pose within 2 % of --plan" {
	vm_case ssp "2 a 100-step route arrives complete and in order"
	echo "# $(console ssp | grep -m1 'position error')" >&3
}

@test "3: iracer-send -R reconnects to a restarted sim: 00 first, then only new bytes" {
	vm_case ssp "3 iracer-send -R: sim killed and restarted"
}

@test "3: without -R, iracer-send exits 69 naming the address when the sim dies" {
	vm_case ssp "3 iracer-send without -R exits 69 naming the address"
}

@test "4: a non-existent address: exit 69 with the errno's words within -t" {
	vm_case ssp "4 a non-existent address"
}

@test "4: a channel with no listener: exit 69 with the errno's words within -t" {
	vm_case ssp "4 a channel with no listener"
}

@test "5: SIGINT to iracer-send during a route delivers 00 over RFCOMM" {
	vm_case ssp "5 SIGINT to iracer-send during a route"
}

@test "every case in the VM ran and none failed" {
	run console ssp
	assert_line --regexp '^VM: 8 passed, 0 failed, 0 skipped$'
	run console legacy
	assert_line --regexp '^VM: 2 passed, 0 failed, 0 skipped$'
}

@test "6: the whole VM run takes under 3 minutes" {
	local secs
	secs=$(cat "$BATS_FILE_TMPDIR/seconds")
	echo "# both boots took ${secs}s (ssp $(console ssp | sed -n 's/^VM: done at \([0-9.]*\) s.*/\1/p') s," \
		"legacy $(console legacy | sed -n 's/^VM: done at \([0-9.]*\) s.*/\1/p') s of VM uptime)" >&3
	[ "$secs" -lt 180 ]
}
