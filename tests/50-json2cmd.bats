#!/usr/bin/env bats
# scripts/json2cmd.jq: every message form gives its iracer-cmd line; every malformed
# message gives nothing on stdout, one note on stderr, and the next line still works.

load helper
bats_require_minimum_version 1.5.0

JQ_FILTER="$TOP/scripts/json2cmd.jq"

# One message through the filter the way iracer-drive runs it.
j2c() {
	printf '%s\n' "$1" | jq -R -r --unbuffered -f "$JQ_FILTER"
}

# message <TAB> iracer-cmd line
GOOD=$(
	cat <<'EOF'
{"command":"stop"}	stop
{"command":"stop","speed":9,"duration":2}	stop
{"command":"stop","duration":null,"data":null}	stop
{"command":"up","duration":0.1}	forward 100ms
{"command":"up"}	forward 100ms
{"command":"up","duration":null}	forward 100ms
{"command":"down","duration":0.25}	backward 250ms
{"command":"left","duration":1}	forward-left 1000ms
{"command":"right","duration":0.5}	forward-right 500ms
{"command":"up","duration":0.1,"data":null}	forward 100ms
{"duration":0.3,"command":"down"}	backward 300ms
{"command":"up","speed":15,"duration":2.5}	forward 15 2500ms
{"command":"raw","data":22}	raw 0x16 1000ms
{"command":"raw","data":22,"duration":null}	raw 0x16 1000ms
{"command":"raw","data":0}	raw 0x00 1000ms
{"command":"raw","data":255,"duration":0.2}	raw 0xff 200ms
{"command":"raw","data":154.0}	raw 0x9a 1000ms
{"command":"raw","data":88,"speed":3}	raw 0x58 1000ms
{"command":"forward","speed":8}	forward 8
{"command":"backward","speed":0}	backward 0
{"command":"forward-left","speed":11}	forward-left 11
{"command":"forward-right","speed":6}	forward-right 6
{"command":"backward-left","speed":9}	backward-left 9
{"command":"backward-right","speed":15}	backward-right 15
{"command":"steer-left","speed":8}	steer-left 8
{"command":"steer-right"}	steer-right
{"command":"back","speed":9}	backward 9
{"command":"forward"}	forward
{"command":"forward","speed":null}	forward
{"command":"forward","speed":12,"duration":1.5}	forward 12 1500ms
{"command":"forward","speed":12,"duration":0.0001}	forward 12 1ms
{"command":"forward","speed":12,"duration":60}	forward 12 60000ms
{"command":"FORWARD-Left","speed":7}	forward-left 7
{"command":"Stop"}	stop
  {"command":"stop"}  	stop
{"command":"forward","speed":8,"extra":{"ignored":true}}	forward 8
EOF
)

# message <TAB> note on stderr (after "json2cmd: ")
BAD=$(
	cat <<'EOF'
garbage	not JSON: "garbage"
{"command":"stop"	not JSON: "{\"command\":\"stop\""
{"command":"stop"}{"command":"up"}	not JSON: "{\"command\":\"stop\"}{\"command\":\"up\"}"
{'command':'stop'}	not JSON: "{'command':'stop'}"
nan	not JSON: "nan"
[{"command":"stop"}]	a message is a JSON object, not [{"command":"stop"}]
"stop"	a message is a JSON object, not "stop"
42	a message is a JSON object, not 42
null	a message is a JSON object, not null
{}	command must be a string, not null
{"cmd":"stop"}	command must be a string, not null
{"command":null}	command must be a string, not null
{"command":7}	command must be a string, not 7
{"command":["up"]}	command must be a string, not ["up"]
{"command":"fly"}	unknown command "fly"
{"command":""}	unknown command ""
{"command":"forward left","speed":8}	unknown command "forward left"
{"command":"f","speed":8}	unknown command "f"
{"command":"up","speed":16}	speed must be an integer 0-15, not 16
{"command":"up","speed":-1}	speed must be an integer 0-15, not -1
{"command":"forward","speed":7.5}	speed must be an integer 0-15, not 7.5
{"command":"forward","speed":"8"}	speed must be an integer 0-15, not "8"
{"command":"forward","speed":true}	speed must be an integer 0-15, not true
{"command":"up","duration":0}	duration out of range (0 < seconds <= 60): 0
{"command":"up","duration":-0.1}	duration out of range (0 < seconds <= 60): -0.1
{"command":"up","duration":61}	duration out of range (0 < seconds <= 60): 61
{"command":"up","duration":1e999}	duration out of range (0 < seconds <= 60): 1.7976931348623157e+308
{"command":"up","duration":"0.1"}	duration must be a number of seconds, not "0.1"
{"command":"up","duration":false}	duration must be a number of seconds, not false
{"command":"raw"}	raw data must be an integer 0-255, not null
{"command":"raw","data":256}	raw data must be an integer 0-255, not 256
{"command":"raw","data":-1}	raw data must be an integer 0-255, not -1
{"command":"raw","data":22.5}	raw data must be an integer 0-255, not 22.5
{"command":"raw","data":"22"}	raw data must be an integer 0-255, not "22"
{"command":"raw","data":"0x16"}	raw data must be an integer 0-255, not "0x16"
{"command":"raw","data":22,"duration":0}	duration out of range (0 < seconds <= 60): 0
EOF
)

@test "json2cmd: every message form gives its iracer-cmd line" {
	local msg want got n=0
	while IFS=$'\t' read -r msg want; do
		got=$(j2c "$msg" 2>err) || fail "jq failed on $msg: $(cat err)"
		[ "$got" = "$want" ] || fail "$msg: got '$got', want '$want'"
		[ ! -s err ] || fail "$msg: unexpected stderr: $(cat err)"
		n=$((n + 1))
	done <<<"$GOOD"
	[ "$n" -ge 30 ]
}

@test "json2cmd: every malformed message gives nothing on stdout and a note on stderr" {
	local msg want out n=0
	while IFS=$'\t' read -r msg want; do
		out=$(j2c "$msg" 2>err) && fail "$msg: jq exited 0"
		[ -z "$out" ] || fail "$msg: stdout should be empty, got '$out'"
		[ "$(cat err)" = "jq: error (at <stdin>:1): json2cmd: $want" ] ||
			fail "$msg: stderr '$(cat err)', want 'json2cmd: $want'"
		n=$((n + 1))
	done <<<"$BAD"
	[ "$n" -ge 30 ]
}

@test "json2cmd: blank lines are skipped silently" {
	run -0 --separate-stderr jq -R -r -f "$JQ_FILTER" <<<$'\n   \n\t\n{"command":"stop"}'
	assert_output "stop"
	[ -z "$stderr" ]
}

@test "json2cmd: a long bad message gives a short note" {
	local long
	long=$(printf 'x%.0s' $(seq 5000))
	run --separate-stderr j2c "{\"command\":\"$long\"}"
	assert_failure
	[ -z "$output" ]
	[ "${#stderr}" -lt 200 ]
	[[ "$stderr" == *'unknown command "xxxxx'*'...' ]]
}

@test "json2cmd: one stream with every bad message in it still gives every good line, in order" {
	local all want
	# interleave: good, bad, good, bad, ...
	paste -d '\n' <(cut -f1 <<<"$GOOD") <(cut -f1 <<<"$BAD") |
		sed '/^$/d' >in
	jq -R -r --unbuffered -f "$JQ_FILTER" <in >out 2>err || true
	want=$(cut -f2 <<<"$GOOD")
	all=$(cat out)
	[ "$all" = "$want" ] || fail "stdout: $all"
	[ "$(grep -c 'json2cmd: ' err)" -eq "$(wc -l <<<"$BAD")" ]
	# the note names the line it came from: line 2 is the first bad message
	grep -q '^jq: error (at <stdin>:2): json2cmd: not JSON: "garbage"$' err
}

@test "json2cmd: each line comes out at once while the input stays open (--unbuffered)" {
	mkfifo in
	jq -R -r --unbuffered -f "$JQ_FILTER" <in >out 2>err &
	BG_PIDS+=($!)
	exec 5>in
	echo '{"command":"up","duration":0.1}' >&5
	wait_until 2 grep -qx 'forward 100ms' out
	echo 'not json' >&5
	echo '{"command":"raw","data":22}' >&5
	wait_until 2 grep -qx 'raw 0x16 1000ms' out
	grep -q 'json2cmd: not JSON' err
	exec 5>&-
}

@test "json2cmd: parsed objects work without -R as well" {
	run -0 jq -r -f "$JQ_FILTER" <<<'{"command":"forward-right","speed":9}'
	assert_output "forward-right 9"
}
