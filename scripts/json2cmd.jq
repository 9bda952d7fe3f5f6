# json2cmd.jq: one JSON message from the browser -> one iracer-cmd line.
#
#   ws-bridge --www www | jq -R -r --unbuffered -f json2cmd.jq | iracer-cmd -i | ...
#
# Run it with -R (raw lines): jq then never sees a JSON syntax error in its input
# stream, which would end jq and with it the pipeline. Each line is decoded here
# with `try fromjson`; a line that is not a message we understand becomes no output
# and one "jq: error (at <stdin>:N): json2cmd: ..." note on stderr, and jq goes on
# with the next line. (jq 1.6 has no raw-string stderr; error() gives the cleanest
# note and jq exits 5 at the end if there was one.) Without -R, parsed objects are
# accepted too, but one syntax error then ends jq.
#
# Messages: the seed's {"command": ..., "duration": seconds|null, "data": int},
# extended with "speed" and all eight directions of the car:
#
#   {"command":"stop"}                          -> stop
#   {"command":"forward-left","speed":11}       -> forward-left 11
#   {"command":"forward","speed":8,"duration":1.5} -> forward 8 1500ms
#   {"command":"up","duration":0.1}             -> forward 100ms      (seed)
#   {"command":"left"}                          -> forward-left 100ms (seed)
#   {"command":"raw","data":22}                 -> raw 0x16 1000ms    (seed)
#
# The contract, with every message and its meaning, is iracer(7). A timed line
# is held in full under iracer-drive: iracer-cmd -i repeats the held byte every
# 100 ms, so iracer-send's 300 ms watchdog does not cut it.
#
# Directions: forward, backward (or back), forward-left, forward-right,
# backward-left, backward-right, and steer-left/steer-right (the wheels turn, no
# drive: the car's 0x3Y and 0x4Y; "steer" is the one word for that everywhere).
# The seed's names keep the seed's meaning: up = forward, down = backward, and
# left/right = forward-left / forward-right (the seed's car sent 0x57/0x67 for
# them), not wheels-only. Names are case-insensitive.
#
# speed: integer 0-15; absent or null leaves it out of the line, so iracer-cmd's
# default speed applies (8, SPEED_DEFAULT in src/protocol.h; no copy of it here).
# The seed's car used 6 for up/down and 7 for left/right; we use one default.
# duration: seconds, 0 < duration <= 60, sent as whole milliseconds (at least 1);
# absent or null means: the seed's commands (up/down/left/right) drive 0.1 s, the
# seed server's default; raw drives 1 s, as the seed's car.drive(); the new names
# drive until the next command (and iracer-send's watchdog).
# data (raw only): integer 0-255. stop ignores speed and duration.
# Other keys are ignored.
#
# Recording (iracer-record -C, started by iracer-drive) is asked for, not done, here:
#   {"command":"record","action":"start"}      -> #record start
#   {"command":"record","action":"stop"}       -> #record stop
# A comment to iracer-cmd, so the car is never affected; iracer-drive tees this
# output to the recorder, which answers on the back channel.

def note(msg): error("json2cmd: " + msg);

# A short, single-line rendering of a value for a note.
def show: tojson | if length > 60 then .[:60] + "..." else . end;

def hex2: "0123456789abcdef" as $d | "0x" + $d[(. / 16 | floor):(. / 16 | floor) + 1] + $d[(. % 16):(. % 16) + 1];

def is_int: type == "number" and . == floor;

# name -> [iracer-cmd direction, default duration in seconds or null]
def directions: {
	"forward": ["forward", null],
	"backward": ["backward", null],
	"forward-left": ["forward-left", null],
	"forward-right": ["forward-right", null],
	"backward-left": ["backward-left", null],
	"backward-right": ["backward-right", null],
	"back": ["backward", null],
	"steer-left": ["steer-left", null],
	"steer-right": ["steer-right", null],
	"up": ["forward", 0.1],
	"down": ["backward", 0.1],
	"left": ["forward-left", 0.1],
	"right": ["forward-right", 0.1]
};

# The " NNNms" suffix for a duration in seconds (null: none).
def duration_suffix:
	if . == null then ""
	elif type != "number" then note("duration must be a number of seconds, not \(show)")
	elif . > 0 and . <= 60 then " \([1, (. * 1000 | round)] | max)ms"
	else note("duration out of range (0 < seconds <= 60): \(show)")
	end;

# The " N" speed of a line ("" for iracer-cmd's default).
def speed_suffix:
	if . == null then ""
	elif is_int and . >= 0 and . <= 15 then " \(.)"
	else note("speed must be an integer 0-15, not \(show)")
	end;

def raw_line:
	(.data) as $b
	| if ($b | is_int) and $b >= 0 and $b <= 255 then
		"raw \($b | hex2)" + ((if .duration == null then 1 else .duration end) | duration_suffix)
	else note("raw data must be an integer 0-255, not \($b | show)")
	end;

def message_line:
	if type != "object" then note("a message is a JSON object, not \(show)")
	elif (.command | type) != "string" then note("command must be a string, not \(.command | show)")
	else (.command | ascii_downcase) as $c
		| if $c == "stop" then "stop"
		elif $c == "record" then
			if .action == "start" or .action == "stop" then "#record \(.action)"
			else note("record action must be \"start\" or \"stop\", not \(.action | show)")
			end
		elif $c == "raw" then raw_line
		elif directions[$c] then
			directions[$c] as [$dir, $default]
			| "\($dir)\(.speed | speed_suffix)"
				+ ((if .duration == null then $default else .duration end) | duration_suffix)
		else note("unknown command \(.command | show)")
		end
	end;

if type == "string" then
	if test("^\\s*$") then empty
	# [...] closes the try before message_line runs: jq 1.6's try also catches
	# errors raised later in the pipeline, which would turn every note into "not JSON".
	else [try {msg: fromjson} catch null][0] as $r
		# jq 1.6's fromjson takes "nan" for a number (NaN); JSON has no such value.
		| if $r == null or ($r.msg | type == "number" and isnan) then note("not JSON: \(show)")
		else $r.msg | message_line end
	end
else message_line
end
