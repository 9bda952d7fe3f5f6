#!/usr/bin/env bats
# ws-bridge: real WebSocket clients (tests/ws-client.py on python3-websockets,
# or raw sockets for what a polite client never sends) over real TCP.

load helper

# start_bridge, client and bg_client are in helper.bash.

lines() {
	wc -l <"$1" | tr -d ' '
}

# For wait_until: FILE has exactly N lines (now, not when the call was made).
has_lines() {
	[ "$(lines "$1")" = "$2" ]
}

@test "one client: each message is one line; newlines become spaces; fragments are joined" {
	start_bridge
	run client "$URL" 'send:{"a":1}' 'send:two\nlines\r\nhere' 'frag:in three pieces' close
	assert_success
	assert_output $'open\nclosed 1000'
	wait_until 5 has_lines out 3
	run cat out
	assert_output $'{"a":1}\ntwo lines  here\nin three pieces'
}

@test "20 concurrent clients: every message arrives once, whole, in order per client" {
	start_bridge
	run client --clients 20 "$URL" many:100:message-with-some-padding-text close
	assert_success
	wait_until 10 has_lines out 2000
	# every line well formed, no duplicates, each client's lines in order
	run grep -cvE '^message-with-some-padding-text-[0-9]+-[0-9]+$' out
	assert_output 0
	run sh -c 'sort -u out | wc -l'
	assert_output 2000
	for c in 1 7 20; do
		grep -E -- "-$c-[0-9]+\$" out | sed 's/.*-//' >"order$c"
		seq 1 100 | diff - "order$c"
	done
}

@test "clients coming and going (descriptor numbers reused) with 12 connected: every line both ways; the wait is epoll_wait" {
	command -v strace >/dev/null || skip "no strace (apt-get install strace)"
	start_bridge
	bg_client stay.txt --clients 12 "$URL" recv:2 close
	wait_until 15 sh -c '[ "$(grep -c "^open$" stay.txt)" = 12 ]'
	# three rounds of ten that come, send and go: their descriptors are reused
	for r in 1 2 3; do
		run client --clients 10 "$URL" "many:5:round$r" close
		assert_success
	done
	wait_until 10 has_lines out 150
	run grep -c '^round[123]-[0-9]*-[1-5]$' out
	assert_output 150
	# ws-bridge waits for the next event: in epoll_wait (src/wspoll.c)
	timeout -s INT 3 strace -qq -e trace=poll,epoll_wait -p "$WSB" -o trace &
	trace_pid=$!
	sleep 1
	echo first >&7
	echo second >&7
	wait_until 10 sh -c '[ "$(grep -c "^closed 1000$" stay.txt)" = 12 ]'
	wait "$trace_pid" || true
	[ "$(grep -c '^recv first$' stay.txt)" = 12 ]
	[ "$(grep -c '^recv second$' stay.txt)" = 12 ]
	grep -q '^epoll_wait(' trace || fail "no epoll_wait: $(head -5 trace)"
	# a poll(2) of lws's own is over a few descriptors at most, never the clients
	run awk -F', ' '/^poll\(/ { for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+$/) n = $i; if (n + 0 >= 8) print }' trace
	assert_output ''
}

@test "stdin lines reach every client" {
	start_bridge
	bg_client a.txt "$URL" recv:2 close
	bg_client b.txt "$URL" recv:2 close
	echo '{"speed":1}' >&7
	printf 'second\r\n' >&7
	wait_until 10 grep -q closed a.txt
	wait_until 10 grep -q closed b.txt
	for f in a.txt b.txt; do
		run cat "$f"
		assert_output $'open\nrecv {"speed":1}\nrecv second\nclosed 1000'
	done
}

@test "a client that never reads does not stop the others; its drops are counted" {
	start_bridge --dead-after 2
	bg_client silent.txt --raw "$URL" silent
	bg_client reader.txt "$URL" until:END close
	# 4 MB of lines: far more than the silent client's socket buffers take
	"$PY" -c 'import sys
for i in range(2000): sys.stdout.write("x" * 2000 + "\n")
sys.stdout.write("END\n")' >&7
	wait_until 15 grep -q 'got END' reader.txt
	grep -qE '^ws-bridge: 127\.0\.0\.1:[0-9]+: slow client: dropping its oldest messages$' err
	# the silent one is dropped after --dead-after, with its count of drops
	wait_until 10 grep -qE 'gone; [0-9]+ messages dropped for this client' err
}

@test "on-open and on-close: clean close and TCP reset" {
	start_bridge --on-open OPEN --on-close CLOSE
	run client "$URL" close
	assert_success
	wait_until 5 has_lines out 2
	run client "$URL" send:hi reset
	assert_output $'open\nreset'
	wait_until 5 has_lines out 5
	run cat out
	assert_output $'OPEN\nCLOSE\nOPEN\nhi\nCLOSE'
}

@test "on-close fires for a client that stops answering pings, within dead-after + 1 s" {
	start_bridge --dead-after 2 --on-close CLOSE -v
	bg_client raw.txt --raw "$URL" silent
	wait_until 5 grep -q silent raw.txt
	local t0 t1
	t0=$(date +%s%N)
	wait_until 10 grep -q CLOSE out
	t1=$(date +%s%N)
	echo "closed after $(((t1 - t0) / 1000000)) ms"
	[ $(((t1 - t0) / 1000000)) -le 3000 ]
	grep -q '127.0.0.1:[0-9]*: disconnected' err
}

@test "on-close fires for a stopped (SIGSTOP) client within dead-after + 1 s" {
	start_bridge --dead-after 2 --on-close CLOSE
	bg_client py.txt "$URL" sleep:60
	local pid=$BG_PID t0 t1
	kill -STOP "$pid"
	t0=$(date +%s%N)
	wait_until 10 grep -q CLOSE out
	t1=$(date +%s%N)
	kill -CONT "$pid"
	[ $(((t1 - t0) / 1000000)) -le 3000 ]
}

make_www() {
	mkdir -p www/sub www/empty
	printf '<!doctype html>\n<p>car</p>\n' >www/index.html
	printf 'export const x = 1;\n' >www/app.js
	printf 'body { margin: 0 }\n' >www/style.css
	printf '<svg xmlns="http://www.w3.org/2000/svg"/>\n' >www/car.svg
	printf '{"k": [1, 2]}\n' >www/data.json
	printf '{"name": "iracer"}\n' >www/app.webmanifest
	head -c 3000 /dev/urandom >www/icon.png
	printf 'inner\n' >www/sub/index.html
}

@test "static files: exact bytes and MIME types; HEAD works" {
	make_www
	start_bridge --www www
	local f type
	for f in index.html:text/html app.js:text/javascript style.css:text/css \
		car.svg:image/svg+xml data.json:application/json \
		app.webmanifest:application/manifest+json icon.png:image/png; do
		type=${f#*:}
		f=${f%%:*}
		run curl -s -o got -w '%{http_code} %{content_type}' "http://127.0.0.1:$PORT/$f"
		assert_output "200 $type"
		cmp got "www/$f"
	done
	curl -s -o got "http://127.0.0.1:$PORT/"
	cmp got www/index.html
	run curl -s -I -o /dev/null -w '%{http_code} %{content_type} %{size_download}' "http://127.0.0.1:$PORT/app.js"
	assert_output --regexp '^200 text/javascript.* 0$'
}

@test "static files: traversal never leaves DIR; no directory listings" {
	make_www
	echo secret >outside.txt
	start_bridge --www www
	local p
	for p in ../outside.txt ../../etc/passwd %2e%2e/outside.txt %2e%2e/%2e%2e/etc/passwd \
		..%2foutside.txt %2e%2e%2f%2e%2e%2fetc%2fpasswd sub/../../outside.txt \
		..%5coutside.txt %252e%252e/outside.txt .%2e/outside.txt empty/ empty sub/..%2f..%2foutside.txt; do
		run curl -s --path-as-is -o got -w '%{http_code}' "http://127.0.0.1:$PORT/$p"
		echo "$p -> $output"
		[ "$output" != 200 ] || ! grep -qE 'secret|root:' got
		! grep -qE 'secret|root:|<a href' got
	done
	# a subdirectory's index is served, never a listing
	run curl -s "http://127.0.0.1:$PORT/sub/"
	assert_output inner
}

@test "WebSocket on /ws only when --www is given, on any path without it" {
	make_www
	start_bridge --www www
	run client "ws://127.0.0.1:$PORT/other" close
	assert_output 'status 404'
	run client "$URL" close
	assert_output $'open\nclosed 1000'
	kill "$WSB"
	wait_exit "$WSB"
	rm -f in
	start_bridge
	run client "ws://127.0.0.1:$PORT/any/path" close
	assert_output $'open\nclosed 1000'
	run curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/index.html"
	assert_output 404
}

@test "cross-origin upgrade 403; same-origin, no Origin and --origin accepted" {
	start_bridge --origin https://car.example
	run client --origin http://evil.example "$URL" close
	assert_output 'status 403'
	run client --origin "http://127.0.0.1:$((PORT + 1))" "$URL" close
	assert_output 'status 403'
	run client --origin null "$URL" close
	assert_output 'status 403'
	run client --origin "http://127.0.0.1:$PORT" "$URL" send:same close
	assert_output $'open\nclosed 1000'
	run client --origin https://car.example "$URL" send:allowed close
	assert_output $'open\nclosed 1000'
	run client "$URL" send:script close
	assert_output $'open\nclosed 1000'
	wait_until 5 has_lines out 3
	run cat out
	assert_output $'same\nallowed\nscript'
}

@test "--token-file: upgrades need ?token=, else 403" {
	printf 's3cret-token\n' >token
	start_bridge --token-file token
	run client "$URL" close
	assert_output 'status 403'
	run client "$URL?token=wrong" close
	assert_output 'status 403'
	run client "$URL?token=s3cret-toke" close
	assert_output 'status 403'
	run client "$URL?token=s3cret-token" send:in close
	assert_output $'open\nclosed 1000'
	wait_file out
	run cat out
	assert_output in
}

@test "WS_BRIDGE_TOKEN works like --token-file" {
	WS_BRIDGE_TOKEN=envtok start_bridge
	run client "$URL?token=nope" close
	assert_output 'status 403'
	run client "$URL?token=envtok" close
	assert_output $'open\nclosed 1000'
}

@test "--max-clients: further upgrades get 503, and the server goes on" {
	start_bridge --max-clients 2
	bg_client a.txt "$URL" sleep:30
	bg_client b.txt "$URL" sleep:30
	run client "$URL" close
	assert_output 'status 503'
	kill "${BG_PIDS[1]}"
	wait_until 10 bash -c "\"$PY\" \"$CLIENT\" \"$URL\" send:third close | grep -q closed"
	wait_file out
	run cat out
	assert_output third
}

@test "oversize message: close 1009; binary: 1003 with a note; invalid UTF-8: 1007; others go on" {
	start_bridge --max-message 100
	bg_client other.txt "$URL" until:done send:still-here close
	run client "$URL" "send:$(head -c 101 /dev/zero | tr '\0' x)" wait-close
	assert_output $'open\nclosed 1009'
	run client "$URL" "frag:$(head -c 150 /dev/zero | tr '\0' y)" wait-close
	assert_output $'open\nclosed 1009'
	run client "$URL" "send:$(head -c 100 /dev/zero | tr '\0' z)" close
	assert_output $'open\nclosed 1000'
	run client "$URL" binary:bytes wait-close
	assert_output $'open\nclosed 1003'
	grep -q 'binary message refused (close 1003)' err
	run client --raw "$URL" badutf8 wait-close
	assert_output $'open\nclosed 1007'
	echo done >&7
	wait_until 10 grep -q closed other.txt
	wait_until 5 has_lines out 2
	run cat out
	assert_output "$(head -c 100 /dev/zero | tr '\0' z)
still-here"
}

@test "--exclusive: the earliest client drives, the others watch, handover in order" {
	start_bridge --exclusive --on-open open --on-close close
	local drive='{"type":"role","ws-bridge":"driving"}' watch='{"type":"role","ws-bridge":"watching"}'
	bg_client a.txt "$URL" "until:$drive" send:a1 until:go-a close
	wait_until 10 grep -q "got $drive" a.txt
	bg_client b.txt "$URL" "until:$watch" send:b1 "until:$drive" send:b2 until:go-b close
	wait_until 10 grep -q "got $watch" b.txt
	bg_client c.txt "$URL" "until:$watch" send:c1 "until:$drive" send:c2 close
	wait_until 10 grep -q "got $watch" c.txt
	wait_until 5 grep -q a1 out
	echo go-a >&7
	wait_until 10 grep -q b2 out
	echo go-b >&7
	wait_until 10 has_lines out 9
	run cat out
	assert_output $'open\na1\nclose\nopen\nb2\nclose\nopen\nc2\nclose'
}

@test "TLS: a wss client with a self-signed certificate gets its messages through" {
	openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem -days 2 \
		-subj /CN=127.0.0.1 2>/dev/null
	start_bridge --tls-cert cert.pem --tls-key key.pem
	grep -q "listening on https://127.0.0.1:$PORT/" err
	run client "wss://127.0.0.1:$PORT/ws" send:secure close
	assert_output $'open\nclosed 1000'
	wait_file out
	run cat out
	assert_output secure
}

@test "SIGTERM: clients get 1001, on-close lines printed, exit 0" {
	start_bridge --on-close bye
	bg_client a.txt "$URL" send:x wait-close
	bg_client b.txt "$URL" wait-close
	wait_until 5 grep -q x out
	kill -TERM "$WSB"
	run wait_exit "$WSB" 10
	wait "$WSB" || fail "exit status $?"
	wait_until 5 grep -q closed a.txt
	wait_until 5 grep -q closed b.txt
	grep -qx 'closed 1001' a.txt
	grep -qx 'closed 1001' b.txt
	run cat out
	assert_output $'x\nbye\nbye'
}

@test "SIGINT with no clients: exit 0" {
	start_bridge
	kill -INT "$WSB"
	wait_exit "$WSB"
	wait "$WSB"
}

@test "stdout reader gone (EPIPE): exit 74 with a clear message" {
	PORT=$(free_port)
	bg bash -c "\"$BIN/ws-bridge\" -p $PORT </dev/null 2>err | head -n 1 >got; echo \${PIPESTATUS[0]} >rc"
	wait_until 10 grep -q "listening on" err
	client "ws://127.0.0.1:$PORT/ws" send:one send:two send:three close || true
	wait_file rc 10
	run cat rc
	assert_output 74
	grep -q 'ws-bridge: stdout: Broken pipe' err
}

@test "slow stdout reader: lines wait (clients are paused), none lost" {
	PORT=$(free_port)
	# stdout is a pipe nobody reads for 3 s
	mkfifo pipe
	{ sleep 3; cat; } <pipe >out &
	BG_PIDS+=("$!")
	# (a stall longer than --dead-after would drop the paused clients)
	"$BIN/ws-bridge" -p "$PORT" --dead-after 30 </dev/null 2>err >pipe &
	BG_PIDS+=("$!")
	wait_until 10 grep -q "listening on" err
	client --clients 4 "ws://127.0.0.1:$PORT/ws" "many:5000:$(head -c 100 /dev/zero | tr '\0' p)" close
	wait_until 20 has_lines out 20000
	run sh -c 'sort -u out | wc -l'
	assert_output 20000
}

@test "stdin EOF is normal: the server keeps serving" {
	PORT=$(free_port)
	bg "$BIN/ws-bridge" -p "$PORT" </dev/null >out 2>err
	wait_until 10 grep -q "listening on" err
	run client "ws://127.0.0.1:$PORT/ws" send:after-eof close
	assert_output $'open\nclosed 1000'
	wait_file out
	run cat out
	assert_output after-eof
}

@test "-q prints nothing on stderr; -v logs connects with the peer address" {
	start_bridge -q
	run client "$URL" close
	[ ! -s err ]
	kill "$WSB"
	wait_exit "$WSB"
	rm -f in
	start_bridge -v
	client "$URL" close
	wait_until 5 grep -q disconnected err
	grep -qE '^ws-bridge: 127\.0\.0\.1:[0-9]+: connected$' err
	grep -qE '^ws-bridge: 127\.0\.0\.1:[0-9]+: disconnected$' err
}

@test "bad usage: exit 64 with a message" {
	run "$BIN/ws-bridge" --no-such-option
	assert_failure 64
	assert_output --partial 'usage: ws-bridge'
	run "$BIN/ws-bridge" -p 70000
	assert_failure 64
	assert_line --index 0 'ws-bridge: --port: 70000: not a number from 1 to 65535'
	assert_line --index 1 --partial 'usage: ws-bridge'
	run "$BIN/ws-bridge" --dead-after 1
	assert_failure 64
	run "$BIN/ws-bridge" --max-message 0
	assert_failure 64
	run "$BIN/ws-bridge" --tls-cert x.pem
	assert_failure 64
	assert_output --partial 'go together'
	run "$BIN/ws-bridge" extra
	assert_failure 64
	assert_output --partial "unexpected argument 'extra'"
}

@test "missing files: exit 66; empty token: 65; port taken: 69" {
	run "$BIN/ws-bridge" --www nowhere
	assert_failure 66
	assert_output --partial 'ws-bridge: nowhere: No such file or directory'
	run "$BIN/ws-bridge" --token-file nofile
	assert_failure 66
	: >empty
	run "$BIN/ws-bridge" --token-file empty
	assert_failure 65
	assert_output --partial 'empty token'
	run "$BIN/ws-bridge" --tls-cert nocert --tls-key nokey -p "$(free_port)"
	assert_failure 66
	start_bridge
	run "$BIN/ws-bridge" -p "$PORT" </dev/null
	assert_failure 69
	assert_output --partial "cannot listen on 127.0.0.1 port $PORT"
}

@test "--help matches the man page; --version" {
	run "$BIN/ws-bridge" --help
	assert_success
	assert_line --index 0 --partial 'usage: ws-bridge'
	local help_opts man_opts
	help_opts=$(printf '%s\n' "$output" | grep -oE -- '--[a-z-]+' | sort -u)
	man_opts=$(grep '^\.It Fl' "$TOP/man/ws-bridge.1" | grep -oE 'Fl -[a-z-]+' | sed 's/^Fl -/--/' | sort -u)
	[ "$help_opts" = "$man_opts" ] || { diff <(echo "$help_opts") <(echo "$man_opts"); false; }
	run "$BIN/ws-bridge" --version
	assert_success
	assert_output --regexp '^ws-bridge [0-9]'
}

@test "man page is clean under mandoc -Tlint" {
	run mandoc -Tlint -W warning "$TOP/man/ws-bridge.1"
	assert_success
	assert_output ''
}
