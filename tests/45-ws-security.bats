#!/usr/bin/env bats
# ws-bridge against an attacker (shared/THREATS.md): each test is one attack
# from issue 10, made over real sockets on loopback (127.0.0.2 plays another
# host), and fails on the code before the fix.

load helper
bats_require_minimum_version 1.5.0

ATTACK="$TOP/tests/ws-attack.py"

# start_bridge is in helper.bash; ready here when it says so, since a probe
# connection would count against the limits these tests measure.
bridge_ready() {
	grep -q "listening on" err
}

attack() {
	"$PY" "$ATTACK" "$@"
}

make_www() {
	mkdir -p www/sub www/.git
	printf '<!doctype html>\n<p>car</p>\n' >www/index.html
	printf 'hidden\n' >www/.hidden.txt
	printf '{"secret": 1}\n' >www/.git/x.json
	printf 'inner\n' >www/sub/page.txt
	printf 'outside\n' >outside.txt
	ln -s ../outside.txt www/link-out.txt
	ln -s sub/page.txt www/link-in.txt
}

# The status code of a request (curl's own options after the path).
code() {
	local path=$1
	shift
	curl -s -o /dev/null -w '%{http_code}' "$@" "http://127.0.0.1:$PORT$path"
}

@test "policy and frame-mask unit tests (tests/unit/test-policy.c)" {
	run -0 "$BIN/test-policy"
	assert_output 'test-policy: all passed'
}

@test "DNS rebinding: a foreign Host gets 421 for the upgrade and the page; nothing moves" {
	make_www
	start_bridge --www www -v
	run attack upgrade --host "evil.example:$PORT" --origin "http://evil.example:$PORT" \
		"$URL" 'send:{"command":"forward","speed":15}'
	assert_failure 2
	assert_output 'status 421'
	run code / -H "Host: evil.example:$PORT"
	assert_output 421
	run code / -H "Host: 127.0.0.1.evil.example"
	assert_output 421
	run code / -H "Host: localhost:$PORT:1"
	assert_output 421
	grep -q "refused: 421 not this server's name" err
	[ ! -s out ]
}

@test "Host: IP literals, localhost, this machine's name and NAME.local, and --host are ours" {
	make_www
	start_bridge --www www --host car.example --host Other.Example
	local h name
	name=$(hostname)
	for h in "127.0.0.1:$PORT" 127.0.0.1 "localhost:$PORT" LOCALHOST "[::1]:$PORT" \
		"10.1.2.3:$PORT" "$name:$PORT" "$name.local:$PORT" "$name.local." \
		"car.example:$PORT" "other.example" "car.example."; do
		run code / -H "Host: $h"
		echo "$h -> $output"
		assert_output 200
	done
	run attack upgrade --host "car.example:$PORT" --origin "http://car.example:$PORT" \
		"$URL" send:via-host
	assert_output open
	run attack upgrade --host "" "$URL"
	assert_output 'status 400'
	wait_file out
	run cat out
	assert_output via-host
}

@test "framing: every response carries X-Frame-Options, CSP, nosniff, no-referrer" {
	make_www
	start_bridge --www www
	local i
	curl -s -D h1 -o /dev/null "http://127.0.0.1:$PORT/"
	curl -s -D h2 -o /dev/null "http://127.0.0.1:$PORT/nothing.txt"
	curl -s -D h3 -o /dev/null -X POST "http://127.0.0.1:$PORT/"
	curl -s -D h4 -o /dev/null -H 'Host: evil.example' "http://127.0.0.1:$PORT/"
	grep -q '^HTTP/1.1 200' h1
	grep -q '^HTTP/1.1 404' h2
	grep -q '^HTTP/1.1 405' h3
	grep -q '^HTTP/1.1 421' h4
	for i in h1 h2 h3 h4; do
		grep -qix 'x-frame-options: DENY.' "$i"
		grep -qix 'x-content-type-options: nosniff.' "$i"
		grep -qix 'referrer-policy: no-referrer.' "$i"
		grep -qi "^content-security-policy: default-src 'self'; .*frame-ancestors 'none'" "$i"
	done
	# the 101 too, and the page may open its own WebSocket
	curl -s -D headers -o /dev/null --max-time 2 -H 'Connection: Upgrade' -H 'Upgrade: websocket' \
		-H 'Sec-WebSocket-Version: 13' -H 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==' \
		"http://127.0.0.1:$PORT/ws" || true
	grep -q '^HTTP/1.1 101' headers
	grep -qix 'x-frame-options: DENY.' headers
	grep -qi "^content-security-policy: .*connect-src 'self' ws://127.0.0.1:$PORT wss://127.0.0.1:$PORT;" headers
}

@test "static files: no dotfiles, no symlinks out of --www, only GET and HEAD (405 + Allow)" {
	make_www
	start_bridge --www www
	run code /.hidden.txt
	assert_output 404
	run code /.git/x.json
	assert_output 404
	run code /sub/../.git/x.json --path-as-is
	assert_output 404
	run code /link-out.txt
	assert_output 404
	run code /link-in.txt
	assert_output 200
	run code /index.html -I
	assert_output 200
	local m
	for m in POST PUT DELETE OPTIONS PATCH get Get; do
		run code /index.html -X "$m"
		echo "$m -> $output"
		assert_output 405
	done
	curl -s -D headers -o /dev/null -X POST -d x=1 "http://127.0.0.1:$PORT/index.html"
	grep -qix 'allow: GET, HEAD.' headers
	run code /index.html
	assert_output 200
}

@test "an unmasked client frame: close 1002, nothing printed, other clients go on" {
	start_bridge --on-close CLOSE
	bg "$PY" "$CLIENT" "$URL" until:done send:after close >other.txt 2>&1
	wait_until 10 grep -q open other.txt
	run attack upgrade "$URL" 'unmasked:{"command":"forward","speed":15}' wait-close
	assert_output $'open\nclosed 1002'
	run attack upgrade "$URL" send:ok 'unmasked:bad' send:never wait-close
	assert_output $'open\nclosed 1002'
	echo done >&7
	wait_until 10 grep -q closed other.txt
	wait_until 5 grep -c CLOSE out
	run grep -v CLOSE out
	assert_output $'ok\nafter'
}

@test "no way around the checks: subprotocol ws-bridge-stdio, pipelined frames, --max-clients" {
	printf 'tok-123\n' >token
	start_bridge --token-file token --max-clients 1
	run attack upgrade --proto ws-bridge-stdio "$URL" 'send:{"command":"forward"}'
	assert_failure 2
	assert_output 'status 403'
	run attack upgrade --proto ws-bridge-stdio "$URL?token=tok-123" send:x
	assert_output 'status 0'
	run attack upgrade --pipeline "$URL?token=tok-123" wait-close
	assert_output 'status 400'
	bg "$PY" "$CLIENT" "$URL?token=tok-123" sleep:30 >a.txt 2>&1
	wait_until 10 grep -q open a.txt
	run attack upgrade --proto ws-bridge "$URL?token=tok-123"
	assert_output 'status 503'
	run attack upgrade --proto ws-bridge-stdio "$URL?token=tok-123"
	assert_output 'status 503'
	[ ! -s out ]
}

@test "token: %00 and %0D in ?token= refused; a token file with a NUL refused (65)" {
	printf 'abc123\n' >token
	start_bridge --token-file token
	local t
	for t in 'abc123%00' 'abc123%00junk' 'abc123%0D' 'abc123%0Dx' 'abc123%0A' 'abc%0D123' '%20abc123'; do
		run attack upgrade "$URL?token=$t" send:x
		echo "$t -> $output"
		assert_failure 2 # lws itself drops some of them (status 0)
		assert_output --regexp '^status (400|403|0)$'
	done
	run attack upgrade "$URL?token=abc123" send:in
	assert_output open
	printf 'abc\000def\n' >nul-token
	run "$BIN/ws-bridge" -p "$(free_port)" --token-file nul-token </dev/null
	assert_failure 65
	assert_output 'ws-bridge: nul-token: the token has a space, control character or NUL'
	printf 'abc\000\n' >nul-end
	run "$BIN/ws-bridge" -p "$(free_port)" --token-file nul-end </dev/null
	assert_failure 65
}

@test "lock-out: a connection that never finishes its handshake is closed at the deadline" {
	start_bridge --handshake-timeout 1
	run "$PY" -c "
import socket, sys, time
s = socket.create_connection(('127.0.0.1', $PORT)); s.settimeout(10)
s.sendall(b'GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\n')   # and never the rest
t = time.monotonic(); data = s.recv(100)
print('closed' if data == b'' else data, round(time.monotonic() - t))"
	assert_output 'closed 1'
}

@test "lock-out: a connection over its address's limit is held until the deadline, not closed at once" {
	start_bridge --handshake-timeout 1
	run "$PY" -c "
import socket, time
held = [socket.create_connection(('127.0.0.1', $PORT), source_address=('127.0.0.2', 0)) for _ in range(64)]
time.sleep(0.3)   # all 64 counted as unfinished
s = socket.create_connection(('127.0.0.1', $PORT), source_address=('127.0.0.2', 0)); s.settimeout(10)
t = time.monotonic(); data = s.recv(100)
print('closed' if data == b'' else data, round(time.monotonic() - t, 1) >= 0.5)
ok = socket.create_connection(('127.0.0.1', $PORT)); ok.settimeout(5)
ok.sendall(b'GET / HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\n\\r\\n')
print(ok.recv(12))"
	assert_line --index 0 'closed True'
	# another address is not held: it is answered at once
	assert_line --index 1 "b'HTTP/1.1 404'"
}

@test "lock-out: 1500 idle sockets from 127.0.0.2 (reopened when closed); 127.0.0.1 gets its 101 within 1 s for 30 s" {
	ulimit -n 8192 || skip "cannot raise ulimit -n"
	start_bridge
	bg attack flood --from 127.0.0.2 --sockets 1500 --seconds 33 "$PORT"
	sleep 2
	run attack timed-upgrade --count 60 --every 0.5 "$URL"
	echo "$output"
	assert_output --regexp '^max_ms [0-9]+ over_1s 0 failed 0$'
}

@test "stdout to /dev/null or a file: idle at (nearly) 0 % CPU" {
	local port ticks target
	for target in /dev/null file.out; do
		port=$(free_port)
		"$BIN/ws-bridge" -p "$port" </dev/null >"$target" 2>err &
		BG_PIDS+=("$!")
		wait_until 10 grep -q "listening on" err
		sleep 2
		# utime + stime in clock ticks (100 a second): a spinning loop takes ~200
		ticks=$(awk '{print $14 + $15}' "/proc/$!/stat")
		echo "$target: $ticks ticks in 2 s"
		[ "$ticks" -lt 30 ]
		kill "$!"
	done
}

@test "a listen address that cannot be bound: exit 69 with the reason, never 'listening'" {
	run "$BIN/ws-bridge" -a 999.1.1.1 -p "$(free_port)" </dev/null
	assert_failure 69
	assert_output --regexp '^ws-bridge: cannot listen on 999\.1\.1\.1: '
	refute_output --partial listening
	run "$BIN/ws-bridge" -a no-such-host.invalid -p "$(free_port)" </dev/null
	assert_failure 69
	refute_output --partial listening
	# a name that resolves is fine
	PORT=$(free_port)
	"$BIN/ws-bridge" -a localhost -p "$PORT" </dev/null >out 2>err &
	BG_PIDS+=("$!")
	wait_until 10 grep -q "listening on http://localhost:$PORT/" err
	run "$PY" "$CLIENT" "ws://127.0.0.1:$PORT/ws" close
	assert_output $'open\nclosed 1000'
}

@test "TLS errors name the file and OpenSSL's reason: 66 unreadable, 65 bad content" {
	openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem -days 2 \
		-subj /CN=127.0.0.1 2>/dev/null
	openssl req -x509 -newkey rsa:2048 -nodes -keyout key2.pem -out cert2.pem -days 2 \
		-subj /CN=127.0.0.1 2>/dev/null
	echo 'not a key' >bad.pem
	run "$BIN/ws-bridge" -p "$(free_port)" --tls-cert cert.pem --tls-key nokey.pem </dev/null
	assert_failure 66
	assert_output 'ws-bridge: nokey.pem: No such file or directory'
	run "$BIN/ws-bridge" -p "$(free_port)" --tls-cert bad.pem --tls-key key.pem </dev/null
	assert_failure 65
	assert_output --regexp '^ws-bridge: bad\.pem: bad certificate: .+'
	run "$BIN/ws-bridge" -p "$(free_port)" --tls-cert cert.pem --tls-key bad.pem </dev/null
	assert_failure 65
	assert_output --regexp '^ws-bridge: bad\.pem: bad private key: .+'
	run "$BIN/ws-bridge" -p "$(free_port)" --tls-cert cert.pem --tls-key key2.pem </dev/null
	assert_failure 65
	assert_output --regexp '^ws-bridge: key2\.pem: .*mismatch'
	refute_output --partial 'cannot listen'
}

@test "SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM end ws-bridge like SIGTERM: 1001 to clients, on-close lines, exit 0" {
	local sig
	for sig in HUP QUIT USR1 USR2 ALRM; do
		rm -f in out err a.txt
		exec 7>&-
		start_bridge --on-close bye
		bg "$PY" "$CLIENT" "$URL" send:x wait-close >a.txt 2>&1
		wait_until 5 grep -q x out
		kill -"$sig" "$WSB"
		wait_exit "$WSB" 10 || fail "SIG$sig: ws-bridge did not end"
		wait "$WSB" || fail "SIG$sig: exit status $?"
		wait_until 5 grep -q closed a.txt
		grep -qx 'closed 1001' a.txt || fail "SIG$sig: $(cat a.txt)"
		run cat out
		assert_output $'x\nbye'
	done
}

@test "SIGTSTP suspends ws-bridge (nothing ends) and SIGCONT resumes it" {
	start_bridge --on-close bye
	kill -TSTP "$WSB"
	wait_until 5 grep -q '^State:.*T' "/proc/$WSB/status"
	kill -CONT "$WSB"
	run "$PY" "$CLIENT" "$URL" send:after
	assert_success
	# the client's own close gives the one on-close line; ws-bridge goes on
	wait_until 5 grep -qx bye out
	run cat out
	assert_output $'after\nbye'
	kill -0 "$WSB"
}

@test "lws's own lines only with -v: requests with 5 KB of headers print nothing" {
	start_bridge
	"$PY" -c "
import socket
for i in range(50):
    s = socket.create_connection(('127.0.0.1', $PORT))
    s.sendall(b'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Junk: ' + b'a' * 5000 + b'\r\n\r\n')
    s.settimeout(5)
    try:
        while s.recv(4096): pass
    except OSError: pass
    s.close()"
	run cat err
	assert_output "ws-bridge: listening on http://127.0.0.1:$PORT/"
}
