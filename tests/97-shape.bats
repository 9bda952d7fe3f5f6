#!/usr/bin/env bats
# One shape for the tree (issue 14): versions from the Makefile, only deps targets
# install packages, every phony target declared, formatted C, short functions,
# nothing stray tracked.

load helper
bats_require_minimum_version 1.5.0

@test "shape: every program and script says the Makefile's version" {
	local v p
	v=$(sed -n 's/^VERSION = //p' "$TOP/Makefile")
	[ -n "$v" ]
	for p in iracer-cmd iracer-send iracer-sim ws-bridge; do
		run -0 "$BIN/$p" --version
		assert_output --partial "$v"
	done
	for p in iracer-drive iracer-preview; do
		run -0 "$TOP/scripts/$p" --version
		assert_output "$p $v"
	done
	# and no script carries a version literal of its own
	run grep -n -E 'prog"? [0-9]+\.[0-9]' "$TOP/scripts/iracer-drive" "$TOP/scripts/iracer-preview"
	assert_failure
}

@test "shape: make install writes the version into the scripts" {
	make -s -C "$TOP" install DESTDIR="$BATS_TEST_TMPDIR/inst" PREFIX=/usr >/dev/null
	run -0 "$BATS_TEST_TMPDIR/inst/usr/bin/iracer-preview" --version
	assert_output "iracer-preview $(sed -n 's/^VERSION = //p' "$TOP/Makefile")"
	[ -f "$BATS_TEST_TMPDIR/inst/usr/share/man/man7/iracer.7" ]
}

@test "shape: only deps targets install packages" {
	# each rule's target, then every recipe line that calls tools/install-deps
	run awk '/^[a-zA-Z0-9_%\/.-]+:/ { t = $1 } /(^\t@?|[|&;] *)tools\/install-deps/ { print t }' "$TOP/Makefile"
	local t
	for t in $output; do
		case $t in deps: | deps-*: | e2e-deps:) ;; *) fail "$t calls tools/install-deps" ;; esac
	done
}

@test "shape: every target that names no file is declared .PHONY" {
	local phony t
	phony=" $(sed -n '/^\.PHONY:/,/[^\\]$/p' "$TOP/Makefile" | sed 's/^\.PHONY://; s/\\$//' | tr '\n\t' '  ') "
	for t in $(sed -n 's/^\([a-z][a-z0-9-]*\):.*/\1/p' "$TOP/Makefile" | grep -v '^[A-Z]'); do
		[[ $phony == *" $t "* ]] || fail "target $t is not .PHONY"
	done
}

@test "shape: no function in src/ is over 60 lines, option parsing aside" {
	run awk '/^[a-zA-Z].*\)$/ { name = $0 } /^\{$/ && name != "" { s = FNR }
		/^\}$/ && s { if (FNR - s - 1 > 60 && name !~ /parse_options|parse_args|wsopts_parse|main\(/)
			print FILENAME ": " name; s = 0; name = "" }' "$TOP"/src/*.c
	assert_output ""
}

@test "shape: no dead code: every function defined in src/ is used (called or referenced) in C" {
	local fn uses dead=""
	# names of the functions defined in src/*.c (a definition's line ends in ")")
	for fn in $(awk '/^[a-z].*[a-z_0-9]+\(.*\)$/ && !/;/ { l = $0; sub(/\(.*/, "", l)
		n = split(l, w, /[ *]+/); print w[n] }' "$TOP"/src/*.c | sort -u); do
		# the definition is one use; another in any C file (src, unit tests, fuzzers)
		uses=$(cat "$TOP"/src/*.c "$TOP"/tests/unit/*.c "$TOP"/tests/fuzz/*.c | grep -ow -- "$fn" | wc -l)
		[ "$uses" -ge 2 ] || dead="$dead $fn"
	done
	[ -z "$dead" ] || fail "defined and never used:$dead"
}

@test "shape: literals said once: \"unix:\" and the socket path size only in link.h, channels only from LINK_CHANNEL_*" {
	# (comments aside)
	run bash -c 'grep -n "\"unix:\"\|\b108\b" "$0"/src/*.c "$0"/src/*.h | grep -v ":[0-9]*:[[:space:]]*/\*"' "$TOP"
	assert_output --regexp '^[^[:space:]]*/src/link\.h:[0-9]+:#define LINK_UNIX_PREFIX "unix:"$'
	run grep -nE '\b(1 ?- ?30|30\b.*channel|channel.*\b30)\b' "$TOP"/src/*.c
	assert_output ""
}

@test "shape: tools/check-tree refuses a stray file at the top of the tree" {
	git clone -q "$TOP" clone
	run -0 clone/tools/check-tree
	echo scratch >clone/f
	git -C clone add f
	run -1 clone/tools/check-tree
	assert_output "check-tree: f: a file at the top of the tree; does it belong in a directory, or nowhere?"
}
