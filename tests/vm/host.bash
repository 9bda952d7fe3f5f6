# Shared by the host sides of the VM tests (vm.bats, pair.bats, service.bats):
# each boots a VM in setup_file and reads what it printed on its serial console.
# shellcheck shell=bash

load '/usr/lib/bats/bats-support/load'
load '/usr/lib/bats/bats-assert/load'

WORK=$BATS_TEST_DIRNAME/work

# For setup_file: the image work/$1 exists, or $2 (which builds it) has not run.
need_image() {
	[ -f "$WORK/$1" ] || {
		echo "$2 has not run" >&2
		return 1
	}
}

# The console of boot $1, without the firmware's terminal escapes and carriage returns.
console() {
	sed 's/\x1b\[[0-9;?]*[a-zA-Z]//g; s/\x1bc//g; s/\r$//' "$WORK/console-$1.log"
}

# Assert that the case whose name starts with $2 passed in boot $1; on failure show
# its FAIL line and the diagnostics bats printed under it.
vm_case() {
	local boot=$1 name=$2
	run console "$boot"
	# shellcheck disable=SC2154 # run sets output
	if ! grep -qF "PASS $name" <<<"$output"; then
		echo "no PASS line for '$name' in console-$boot.log:"
		# The case's own diagnostics come before its result line, bats' details after.
		awk -v n="$name" '/^(PASS|FAIL|SKIP|VM)/ { if (done) exit; if (index($0, n)) { printf "%s", buf; done = 1 } else buf = "" }
			{ if (done) print; else buf = buf $0 "\n" }' <<<"$output"
		grep -E '^VM:' <<<"$output" | tail -n 3
		return 1
	fi
}
