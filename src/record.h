/*
 * The recorder: delivered command bytes and their times in, route lines in
 * iracer-cmd's own grammar out. Pure (no I/O, no clock), so it is fuzzed on
 * its own; iracer-record does the reading, the timing and the writing.
 *
 *	forward 12 1000ms	a byte held until the next different byte
 *	stop			written the moment the car stops
 *	wait 500ms		idle with the car stopped
 *
 * Repeated bytes (a page's heartbeat) merge into one line, leading stop bytes
 * are dropped, and the route always ends with "stop". Durations are whole
 * milliseconds, each the difference of two rounded offsets from the first
 * byte, so the replayed offsets are the recorded ones to +-0.5 ms however long
 * the drive: rounding never accumulates.
 */
#ifndef IRACER_RECORD_H
#define IRACER_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Room enough for what one record_byte() or record_end() call writes. */
#define RECORD_OUT_MAX 96

/* Times are clamped to 0..RECORD_TIME_MAX ns (31 years), so no sum overflows. */
#define RECORD_TIME_MAX INT64_C(1000000000000000000)

/* Longest echo line record_parse_echo() looks at. */
#define RECORD_ECHO_MAX 512

struct record {
	int cur;	     /* the byte in effect, or -1 before the first non-stop byte */
	int64_t since;	     /* ns: when cur took effect */
	int64_t origin;	     /* ns: route time zero (moved on when a hold is cut short) */
	int64_t at_ms;	     /* route offset where the pending line starts */
	int64_t last;	     /* the latest time seen: time never goes back */
	unsigned long lines; /* command lines written */
	bool ended;
};

void record_init(struct record *r);

/*
 * The car got byte at time at (ns, any origin). Writes the lines this makes
 * known (none, one or two, each ending in '\n') to out, which holds n >=
 * RECORD_OUT_MAX bytes, and returns their length. A time before the previous
 * one counts as the previous one.
 */
size_t record_byte(struct record *r, uint8_t byte, int64_t at, char *out, size_t n);

/*
 * The stream ended at time at: finish the route stopped (the command in
 * effect held until at, then "stop"). Later calls write nothing.
 */
size_t record_end(struct record *r, int64_t at, char *out, size_t n);

/*
 * An iracer-send -e echo line, {"type":"echo","t":1.234,"byte":"0x1c",...},
 * or the older one without "type": a flat JSON object with a number "t"
 * (seconds, 0 or more) and a string "byte" "0xHH". Returns 1 with *at (ns)
 * and *byte set, or 0 for any other line (link lines, telemetry, junk).
 */
int record_parse_echo(const char *line, size_t len, int64_t *at, uint8_t *byte);

#endif
