/*
 * libFuzzer harness for the recorder (record.[ch]). The first input byte picks
 * the input: odd, (byte, milliseconds since the last byte) pairs; even, lines
 * read as iracer-send echo lines. Whatever comes in, the route that comes out
 * must be iracer-cmd input that replays the same bytes (repeats merged,
 * leading stops dropped, a stop at the end) and, for the pairs, each at its
 * recorded offset to +-0.5 ms: no rounding error may pile up.
 */
#include "command.h"
#include "protocol.h"
#include "record.h"

#include <stdlib.h>
#include <string.h>

#define STEPS_MAX 4096

struct step {
	uint8_t byte;
	int64_t at; /* ns since the first non-stop byte */
};

struct run {
	struct record rec;
	struct step want[STEPS_MAX + 1];
	size_t nwant;
	int64_t origin, prev;
	char out[STEPS_MAX * 2 * RECORD_OUT_MAX];
	size_t len;
};

static struct run R;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void feed(uint8_t byte, int64_t at)
{
	if (at < R.prev)
		at = R.prev; /* as the recorder does: time never goes back */
	R.prev = at;
	if (R.nwant == 0 ? byte != BYTE_STOP : byte != R.want[R.nwant - 1].byte) {
		if (R.nwant == 0)
			R.origin = at;
		R.want[R.nwant++] = (struct step){byte, at - R.origin};
	}
	R.len += record_byte(&R.rec, byte, at, R.out + R.len, RECORD_OUT_MAX);
}

static void feed_lines(const uint8_t *p, size_t n)
{
	const uint8_t *end = p + n, *nl;
	int64_t at;
	uint8_t byte;

	while (p < end && R.nwant < STEPS_MAX) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		if (record_parse_echo((const char *)p, (size_t)(nl - p), &at, &byte) == 1) {
			if (at < 0 || at > RECORD_TIME_MAX)
				abort();
			feed(byte, at);
		}
		p = nl + 1;
	}
}

/* Replay the route as iracer-cmd would schedule it, against what was fed. */
static void check(int timed)
{
	const char *p = R.out, *end = R.out + R.len, *nl;
	char err[COMMAND_ERR_MAX];
	struct command cmd;
	int64_t t = 0;
	size_t got = 0;

	if (R.len == 0 || end[-1] != '\n')
		abort();
	for (; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (command_parse(p, (size_t)(nl - p), SPEED_DEFAULT, &cmd, err, sizeof(err)) < 0)
			abort();
		if (cmd.kind == CMD_SEND) {
			if (got > R.nwant || (got < R.nwant && R.want[got].byte != cmd.byte))
				abort();
			if (timed && got < R.nwant && llabs(t - R.want[got].at) > 500000)
				abort();
			got++;
		}
		if (cmd.duration_ns > 0)
			t += cmd.duration_ns;
	}
	/* every byte, then the stop the route ends with unless it ended stopped */
	if (got != R.nwant + (R.nwant > 0 && R.want[R.nwant - 1].byte == BYTE_STOP ? 0 : 1))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int64_t at = 0;

	if (size == 0 || size > 2 * STEPS_MAX)
		return 0;
	memset(&R.want, 0, sizeof(R.want));
	R.nwant = 0;
	R.len = 0;
	R.prev = 0;
	record_init(&R.rec);
	if (data[0] & 1) {
		for (size_t i = 1; i + 1 < size; i += 2) {
			at += (int64_t)data[i + 1] * 7919731; /* ms and odd nanoseconds */
			feed(data[i], at);
		}
	} else {
		feed_lines(data + 1, size - 1);
		at = R.prev;
	}
	R.len += record_end(&R.rec, at + 1234567, R.out + R.len, RECORD_OUT_MAX);
	if (record_byte(&R.rec, 0x18, at + 1, R.out, RECORD_OUT_MAX) != 0)
		abort(); /* nothing after the end */
	check(data[0] & 1);
	return 0;
}
