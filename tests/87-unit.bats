#!/usr/bin/env bats
# debian/iracer.iracer-drive.service without a running systemd: its command lines are
# checked against iracer-drive's own --help, and run here the way systemd runs them
# (environment from the unit and /etc/default/iracer, TERM to the main process alone).

load helper
bats_require_minimum_version 1.5.0

UNIT="$TOP/debian/iracer.iracer-drive.service"
DEFAULTS="$TOP/debian/iracer.default"
DRIVE="$TOP/scripts/iracer-drive"

# The value of the unit's first KEY= line.
unit_value() {
	sed -n "s/^$1=//p" "$UNIT" | head -n 1
}

# The environment systemd gives the service: the unit's Environment= lines, then the
# config file's lines, then the test's own settings ($@, NAME=VALUE).
service_env() {
	local line
	SVC_ENV=()
	while IFS= read -r line; do
		# shellcheck disable=SC2206 # Environment= holds space-separated NAME=VALUE words
		SVC_ENV+=($line)
	done < <(sed -n 's/^Environment=//p' "$UNIT" | sed "s|%t|$BATS_TEST_TMPDIR/run|g")
	while IFS= read -r line; do
		SVC_ENV+=("$line")
	done < <(grep -E '^[A-Z_]+=' "$DEFAULTS")
	SVC_ENV+=("$@")
}

# The value of NAME in SVC_ENV (the last assignment wins, as in systemd).
env_get() {
	local kv v=""
	for kv in "${SVC_ENV[@]}"; do
		[ "${kv%%=*}" != "$1" ] || v=${kv#*=}
	done
	printf '%s' "$v"
}

# ExecStart= as systemd expands it: ${NAME} inside a word, $NAME alone split into words.
exec_start() {
	local w name v
	EXEC=()
	for w in $(unit_value ExecStart); do
		if [[ $w =~ ^\$([A-Z_]+)$ ]]; then
			# systemd splits a lone $NAME at whitespace
			read -r -a v <<<"$(env_get "${BASH_REMATCH[1]}")"
			EXEC+=("${v[@]}")
			continue
		fi
		while [[ $w =~ \$\{([A-Z_]+)\} ]]; do
			name=${BASH_REMATCH[1]}
			w=${w//\$\{$name\}/$(env_get "$name")}
		done
		EXEC+=("$w")
	done
}

@test "unit: every option of ExecStart and of the config file's examples is in iracer-drive --help" {
	local help opt opts
	help=$("$DRIVE" --help)
	opts=$(unit_value ExecStart | tr ' ' '\n' | grep -E '^-')
	opts+=$'\n'$(grep -E '^# +--' "$DEFAULTS" | grep -oE -- '--[a-z-]+')
	[ "$(echo "$opts" | grep -c .)" -ge 7 ] || fail "too few options found: $opts"
	for opt in $opts; do
		grep -Eq -- "(^|[ ,])$opt( |=|$)" <<<"$help" || fail "iracer-drive --help has no $opt"
	done
	# The program and the car: iracer-drive reads IRACER_ADDR itself.
	[[ $(unit_value ExecStart) == '/usr/bin/iracer-drive '* ]]
	grep -q 'IRACER_ADDR' <<<"$help"
}

@test "unit: stop is iracer-drive's own TERM path; restarts on failure, not on a usage error" {
	# No ExecStop: `systemctl stop` sends KillSignal to the main process alone (mixed),
	# and iracer-drive stops the car before it ends its pipeline.
	run grep -c '^ExecStop=' "$UNIT"
	assert_output 0
	assert_equal "$(unit_value KillMode)" mixed
	assert_equal "$(unit_value KillSignal)" SIGTERM
	assert_equal "$(unit_value Restart)" on-failure
	assert_equal "$(unit_value RestartPreventExitStatus)" '64 65 66'
	assert_equal "$(unit_value After)" 'bluetooth.target network.target'
	assert_equal "$(unit_value StateDirectory)" iracer
	assert_equal "$(unit_value RuntimeDirectory)" iracer
	run -0 grep -x 'Environment=TMPDIR=%t/iracer' "$UNIT"
	assert_equal "$(unit_value RestrictAddressFamilies)" 'AF_UNIX AF_INET AF_INET6 AF_BLUETOOTH AF_NETLINK'
	assert_equal "$(unit_value DynamicUser)" yes
	assert_equal "$(unit_value ProtectSystem)" strict
	assert_equal "$(unit_value NoNewPrivileges)" yes
}

@test "unit: every variable it uses has a line in /etc/default/iracer" {
	local v
	# shellcheck disable=SC2016 # a literal $ in the pattern
	for v in $(grep -E '^Exec' "$UNIT" | grep -oE '\$\{?IRACER_[A-Z_]+' | tr -d '${' | sort -u) IRACER_ADDR; do
		grep -q "^$v=" "$DEFAULTS" || grep -q "^Environment=.*\b$v=" "$UNIT" || fail "$v is set nowhere"
	done
	run -0 grep -c '^IRACER_[A-Z_]*=' "$DEFAULTS"
	[ "$output" -ge 4 ]
}

@test "unit: systemd-analyze security rates its exposure at most 2.0" {
	command -v systemd-analyze >/dev/null || skip "no systemd-analyze"
	cp "$UNIT" iracer-drive.service
	run -0 systemd-analyze security --offline=yes ./iracer-drive.service
	echo "# $(tail -n 1 <<<"$output")" >&3
	local level
	level=$(sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\) .*/\1/p' <<<"$output")
	[ -n "$level" ]
	awk -v l="$level" 'BEGIN { exit !(l <= 2.0) }'
}

@test "unit: ExecStartPre makes one 32-hex-digit token, readable by the service alone, kept across starts" {
	local pre first
	mkdir state
	pre=$(unit_value ExecStartPre)
	[[ $pre == "/bin/sh -c '"*"'" ]] || fail "not a /bin/sh -c line: $pre"
	pre=${pre#/bin/sh -c \'}
	pre=${pre%\'}
	# systemd turns $$ into $.
	pre=${pre//\$\$/\$}
	IRACER_TOKEN_FILE=state/token run -0 /bin/sh -c "$pre"
	run -0 stat -c '%a' state/token
	assert_output 600
	run -0 cat state/token
	assert_output --regexp '^[0-9a-f]{32}$'
	first=$output
	IRACER_TOKEN_FILE=state/token run -0 /bin/sh -c "$pre"
	assert_equal "$(cat state/token)" "$first"
}

@test "unit: ExecStart as systemd runs it: URL with the token, FIFOs under the runtime directory, TERM to it alone stops the car" {
	local port pid
	port=$(free_port)
	mkdir -p run/iracer
	echo 0123456789abcdef0123456789abcdef >token
	service_env IRACER_LISTEN=127.0.0.1 IRACER_PORT="$port" IRACER_TOKEN_FILE="$PWD/token" \
		IRACER_OPTS='--sim -v'
	exec_start
	assert_equal "${EXEC[*]}" "/usr/bin/iracer-drive --listen 127.0.0.1 --port $port --token-file $PWD/token --sim -v"
	EXEC[0]=$DRIVE
	env -i PATH="$PATH" IRACER_BIN="$BIN" "${SVC_ENV[@]}" "$PY" -c 'import os, sys
os.setsid()
os.execv(sys.argv[1], sys.argv[1:])' "${EXEC[@]}" >drive.out 2>drive.err &
	pid=$!
	BG_PIDS+=("$pid")
	wait_until 10 grep -q "^http://127.0.0.1:$port/" drive.out || fail "no URL: $(cat drive.err)"
	run -0 cat drive.out
	assert_line "http://127.0.0.1:$port/?token=0123456789abcdef0123456789abcdef"
	run -0 find run/iracer -name 'car.sock'
	assert_output --regexp '^run/iracer/iracer-drive\.[^/]+/car\.sock$'
	"$PY" "$TOP/tests/ws-client.py" --drive "ws://127.0.0.1:$port/ws?token=0123456789abcdef0123456789abcdef" \
		'{"command":"forward","speed":9}' --every 0.1 --for 3 --read 0 >/dev/null 2>&1 &
	BG_PIDS+=("$!")
	wait_until 5 grep -q ' 0x19 forward 9' drive.err
	# KillMode=mixed: SIGTERM to the main process only, while the client still drives.
	kill -TERM "$pid"
	run wait_exit "$pid" 10
	assert_success
	run -0 sed -n 's/^iracer-sim: [0-9.]* \(0x[0-9a-f]*\) .*/\1/p' drive.err
	assert_equal "${lines[-1]}" 0x00
	[ -z "$(pgrep -s "$pid")" ] || fail "left running: $(pgrep -a -s "$pid")"
	run -0 find run/iracer -mindepth 1
	assert_output ''
}

# Every system call in a systemd syscall-filter group, nested groups expanded.
syscall_group() {
	local w
	systemd-analyze syscall-filter "$1" | sed '1d; s/^ *//; /^#/d; /^$/d' | while read -r w; do
		case $w in
		@*) syscall_group "$w" ;;
		*) echo "$w" ;;
		esac
	done
}

@test "unit: every system call of a drive under iracer-drive --sim passes the unit's SystemCallFilter" {
	command -v strace >/dev/null || skip "no strace (apt-get install strace)"
	command -v systemd-analyze >/dev/null || skip "no systemd-analyze"
	assert_equal "$(sed -n 's/^SystemCallFilter=//p' "$UNIT" | tr '\n' '|')" '@system-service|~@privileged @resources|capset|'
	# systemd applies them in order: the allowed group, less the denied, plus capset
	{ syscall_group @system-service; echo capset; } | sort -u >allowed
	{ syscall_group @privileged; syscall_group @resources; } | grep -vx capset | sort -u >denied
	[ "$(wc -l <allowed)" -gt 200 ]
	local port pid
	port=$(free_port)
	IRACER_BIN="$BIN" "$PY" -c 'import os, sys
os.setsid()
os.execv(sys.argv[1], sys.argv[1:])' "$(command -v strace)" -f -c -o summary "$DRIVE" --sim -v -p "$port" >drive.out 2>drive.err &
	pid=$!
	BG_PIDS+=("$pid")
	wait_until 20 grep -q "^http://127.0.0.1:$port/" drive.out || fail "no URL: $(cat drive.err)"
	run -0 "$PY" "$TOP/tests/ws-client.py" --drive "ws://127.0.0.1:$port/ws" \
		'{"command":"forward","speed":9}' --every 0.1 --for 0.5 --read 0.2
	assert_output --partial '"command":"forward 9"'
	# TERM to iracer-drive (strace's child) alone, as KillMode=mixed sends it; strace
	# ends when everything it traces has.
	local drive
	drive=$(pgrep -P "$pid" | head -n 1)
	[ -n "$drive" ]
	kill -TERM "$drive"
	wait_exit "$pid" 20
	awk 'NR > 2 && $NF !~ /^-/ && $NF != "total" { print $NF }' summary | sort -u >used
	[ "$(wc -l <used)" -gt 30 ] || fail "strace saw too little: $(cat summary)"
	run comm -23 used allowed
	assert_output ''
	run comm -12 used denied
	assert_output ''
	grep -q ' 0x00 stop' drive.err
}
