#!/usr/bin/env bats
# The contract, iracer(7), against the real programs. tests/contract.mjs generates
# every message the page can send from www/ itself (drive.js's DIRECTIONS and
# BUTTONS, keys.js, the slider's range in index.html) with the byte iracer(7)'s
# table gives for it; each goes through json2cmd.jq and iracer-cmd. Every
# back-channel line the programs write is checked against iracer(7)'s lines.

load helper
bats_require_minimum_version 1.5.0

contract() {
	node "$TOP/tests/contract.mjs" "$@"
}

@test "contract: every message the page can send is a valid iracer-cmd line with iracer(7)'s byte" {
	contract messages >messages.tsv
	[ "$(wc -l <messages.tsv)" -ge 130 ]
	cut -f1 messages.tsv | jq -R -r --unbuffered -f "$TOP/scripts/json2cmd.jq" >lines.txt
	[ "$(wc -l <lines.txt)" -eq "$(wc -l <messages.tsv)" ]
	run -0 "$BIN/iracer-cmd" -c lines.txt
	assert_output ""
	local msg byte ms line want got n=0
	while IFS=$'\t' read -r msg byte ms <&3 && IFS= read -r line <&4; do
		if [ "$ms" = - ]; then
			want="0.000 $byte"
		else
			want="0.000 $byte|$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000))) 0x00"
		fi
		[ "$byte" != 0x00 ] || want="0.000 0x00"
		got=$("$BIN/iracer-cmd" -n <<<"$line" | cut -d' ' -f1,2 | paste -sd '|')
		[ "$got" = "$want" ] || fail "$msg -> '$line' -> '$got', iracer(7) says '$want'"
		n=$((n + 1))
	done 3<messages.tsv 4<lines.txt
	[ "$n" -eq "$(wc -l <messages.tsv)" ]
}

@test "contract: every name in iracer(7)'s byte table is a grammar word for its byte" {
	local name nibble got n=0
	while IFS=$'\t' read -r name nibble; do
		if [ "$name" = stop ]; then
			got=$(echo stop | "$BIN/iracer-cmd" | od -An -tx1 | tr -d ' ')
			[ "$got" = 00 ] || fail "stop gives $got"
		else
			got=$(echo "$name 9" | "$BIN/iracer-cmd" | od -An -tx1 | tr -d ' ')
			[ "0x$got" = "${nibble}9" ] || fail "'$name 9' gives 0x$got, iracer(7) says ${nibble}9"
		fi
		n=$((n + 1))
	done < <(contract aliases)
	[ "$n" -ge 22 ]
}

@test "contract: the checker refuses lines iracer(7) does not describe" {
	run -1 contract lines <<'EOF2'
{"link":"up"}
{"type":"echo","t":1,"byte":"0x1c"}
{"type":"link","link":"sideways"}
{"type":"echo","t":1,"byte":"28","command":"forward 8"}
{"type":"nonsense"}
EOF2
	assert_output - <<'EOF2'
bad: "type" is not the first key: {"link":"up"}
bad: keys type,t,byte match no "echo" line of iracer(7): {"type":"echo","t":1,"byte":"0x1c"}
bad: keys type,link match no "link" line of iracer(7): {"type":"link","link":"sideways"}
bad: "byte": "28" is not what iracer(7) says: {"type":"echo","t":1,"byte":"28","command":"forward 8"}
bad: type "nonsense" is not in iracer(7): {"type":"nonsense"}
EOF2
}

# The three tests below need the "type" key of the back-channel schema (iracer-send,
# iracer-sim and ws-bridge, landed by the safety and network work): before it they
# fail with 'bad: "type" is not the first key'.

@test "contract: iracer-send -e writes only iracer(7)'s link and echo lines" {
	local sock=$BATS_TEST_TMPDIR/car.sock
	bg "$BIN/iracer-sim" -l "unix:$sock"
	local sim=$BG_PID
	wait_until 5 test -S "$sock"
	{
		printf '\030\064'
		sleep 0.3
		kill -TERM "$sim"
		sleep 0.3
		printf '\030'
	} | "$BIN/iracer-send" -e "unix:$sock" >echo.jsonl 2>/dev/null || true
	cat echo.jsonl
	run -0 grep -c '"link":"up"' echo.jsonl
	run -0 grep -c '"link":"down"' echo.jsonl
	run -0 grep -c '"command":"steer-left 4"' echo.jsonl
	run -0 contract lines <echo.jsonl
}

@test "contract: iracer-sim -j writes only iracer(7)'s telemetry lines" {
	printf '0.000 0x1c forward 12\n1.000 0x3c steer-left 12\n2.000 0x00 stop\n' |
		"$BIN/iracer-sim" --plan -j >tel.jsonl
	run -0 grep -c '"byte"' tel.jsonl
	run -0 contract lines <tel.jsonl
}

@test "contract: ws-bridge --exclusive tells each client its role in iracer(7)'s words" {
	local port
	port=$(free_port)
	mkfifo in
	exec 7<>in
	"$BIN/ws-bridge" -p "$port" --exclusive <in >out 2>err 7>&- &
	BG_PIDS+=("$!")
	wait_until 10 bash -c "exec 2>/dev/null; : >/dev/tcp/127.0.0.1/$port"
	bg "$PY" "$TOP/tests/ws-client.py" "ws://127.0.0.1:$port/" recv:1 sleep:3 >a.txt 2>&1
	wait_until 10 grep -q '^recv ' a.txt
	"$PY" "$TOP/tests/ws-client.py" "ws://127.0.0.1:$port/" recv:1 close >b.txt 2>&1
	sed -n 's/^recv //p' a.txt b.txt >roles.jsonl
	cat roles.jsonl
	[ "$(wc -l <roles.jsonl)" -eq 2 ]
	run -0 contract lines <roles.jsonl
	assert_output $'ok role\nok role'
	exec 7>&-
}
