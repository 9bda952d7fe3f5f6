#!/usr/bin/env bats
# One vocabulary (iracer(7)): "steer" is the one word for turning the wheels
# without driving, in the grammar, the JSON messages, the page and the docs; the
# old spellings stay accepted; "back" is a direction, and "did you mean" knows it.

load helper
bats_require_minimum_version 1.5.0

@test "steer-left and steer-right are 0x3Y and 0x4Y; left, right, l, r still are" {
	run -0 sh -c 'printf "steer-left 12\nSTEER-RIGHT 3\nleft 12\nright 3\nl\nr 15\n" |
		"$BIN/iracer-cmd" | od -An -v -tx1'
	assert_output " 3c 43 3c 43 38 4f"
}

@test "back is backward, as on the page's Back button" {
	run -0 sh -c 'printf "back 9\nback\n" | "$BIN/iracer-cmd" | od -An -v -tx1'
	assert_output " 29 28"
}

@test "every byte is written with the canonical names: steer-left, not left" {
	run -0 sh -c 'printf "\074\117\050\051\000" | "$BIN/iracer-cmd" -d'
	assert_output $'0x3c steer-left 12\n0x4f steer-right 15\n0x28 backward 8\n0x29 backward 9\n0x00 stop'
}

@test "did you mean knows back and steer-left, and never offers a one-letter form" {
	run -65 "$BIN/iracer-cmd" -c <<<$'bak 9\nstear-left\nsteer-lefft 3\nx'
	assert_output "iracer-cmd: <stdin>:1: unknown command 'bak' (did you mean 'back'?)
iracer-cmd: <stdin>:2: unknown command 'stear-left' (did you mean 'steer-left'?)
iracer-cmd: <stdin>:3: unknown command 'steer-lefft' (did you mean 'steer-left'?)
iracer-cmd: <stdin>:4: unknown command 'x'"
}

@test "JSON: steer-left/right are wheels only, back is backward, the seed's left/right keep their meaning" {
	run -0 jq -R -r -f "$TOP/scripts/json2cmd.jq" <<'EOF2'
{"command":"steer-left","speed":12}
{"command":"steer-right","speed":3}
{"command":"back","speed":9}
{"command":"left"}
{"command":"right","speed":7}
EOF2
	assert_output "steer-left 12
steer-right 3
backward 9
forward-left 100ms
forward-right 7 100ms"
}

@test "the docs use steer for the wheels-only directions" {
	# In the grammar's own tables bare left/right appear only as the old names.
	run grep -n -E '(^|[^-])\b(Cm|`)(left|right)\b' "$TOP/man/iracer-cmd.1" "$TOP/README.md"
	refute_output --regexp 'Cm (left|right)$'
	run -0 grep -c 'steer-left' "$TOP/man/iracer.7" "$TOP/man/iracer-cmd.1" "$TOP/README.md"
	refute_output --partial ':0'
}
