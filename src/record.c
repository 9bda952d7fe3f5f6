#include "record.h"

#include "command.h"
#include "protocol.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NS_PER_MS_ INT64_C(1000000)
/* iracer-cmd refuses longer durations: a longer hold is cut to this. */
#define HOLD_MAX_MS ((int64_t)COMMAND_DURATION_MAX_S * 1000)
/* Echo times above this many seconds are refused: 31 years, like RECORD_TIME_MAX. */
#define ECHO_T_MAX 1e9

void record_init(struct record *r)
{
	memset(r, 0, sizeof(*r));
	r->cur = -1;
}

static int64_t clamp_time(struct record *r, int64_t at)
{
	if (at < 0)
		at = 0;
	if (at > RECORD_TIME_MAX)
		at = RECORD_TIME_MAX;
	if (at < r->last)
		at = r->last;
	r->last = at;
	return at;
}

/*
 * Milliseconds from the pending line's start to time at, as the difference of
 * two rounded offsets. A hold iracer-cmd would refuse is cut to the longest it
 * takes, and time zero moves on by the rest, so later lines keep their spacing.
 */
static int64_t hold_ms(struct record *r, int64_t at)
{
	int64_t target = (at - r->origin + NS_PER_MS_ / 2) / NS_PER_MS_;
	int64_t ms = target - r->at_ms;

	if (ms > HOLD_MAX_MS) {
		r->origin += (ms - HOLD_MAX_MS) * NS_PER_MS_;
		ms = HOLD_MAX_MS;
	}
	r->at_ms += ms;
	return ms;
}

/* Append one line to out (len so far); returns the new length. */
static size_t put_line(struct record *r, char *out, size_t n, size_t len, uint8_t byte, int64_t ms)
{
	char what[DESCRIBE_MAX];
	int w;

	if (ms < 0)
		w = snprintf(out + len, n - len, "%s\n", byte_describe(byte, what, sizeof(what)));
	else
		w = snprintf(out + len, n - len, "%s %" PRId64 "ms\n",
			byte_describe(byte, what, sizeof(what)), ms);
	if (w < 0 || (size_t)w >= n - len)
		return len; /* n < RECORD_OUT_MAX: the caller broke the contract */
	r->lines++;
	return len + (size_t)w;
}

/* The line for the pending hold, which ends at time at. */
static size_t close_hold(struct record *r, int64_t at, char *out, size_t n)
{
	int64_t ms = hold_ms(r, at);
	int w;

	if (r->cur != BYTE_STOP)
		return put_line(r, out, n, 0, (uint8_t)r->cur, ms);
	/* the stop line went out when the car stopped: the idle after it is a wait */
	if (ms == 0)
		return 0;
	w = snprintf(out, n, "wait %" PRId64 "ms\n", ms);
	if (w < 0 || (size_t)w >= n)
		return 0;
	r->lines++;
	return (size_t)w;
}

size_t record_byte(struct record *r, uint8_t byte, int64_t at, char *out, size_t n)
{
	size_t len = 0;

	at = clamp_time(r, at);
	if (r->ended || (int)byte == r->cur || n == 0)
		return 0;
	if (r->cur < 0) {
		if (byte == BYTE_STOP)
			return 0; /* leading idle */
		r->origin = at;
	} else {
		len = close_hold(r, at, out, n);
	}
	if (byte == BYTE_STOP)
		len = put_line(r, out, n, len, byte, -1);
	r->cur = byte;
	r->since = at;
	return len;
}

size_t record_end(struct record *r, int64_t at, char *out, size_t n)
{
	size_t len = 0;

	at = clamp_time(r, at);
	if (r->ended || n == 0)
		return 0;
	r->ended = true;
	if (r->cur == BYTE_STOP)
		return 0; /* trailing idle is dropped */
	if (r->cur > 0)
		len = close_hold(r, at, out, n);
	return put_line(r, out, n, len, BYTE_STOP, -1);
}

/* ---- iracer-send's echo lines ---- */

struct span {
	const char *p;
	size_t len;
};

struct scan {
	const char *p, *end;
};

static void skip_ws(struct scan *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\r' || *s->p == '\n'))
		s->p++;
}

static bool eat(struct scan *s, char c)
{
	skip_ws(s);
	if (s->p < s->end && *s->p == c) {
		s->p++;
		return true;
	}
	return false;
}

/* A JSON string; *out is its raw text between the quotes (escapes left as they are). */
static bool scan_string(struct scan *s, struct span *out)
{
	if (!eat(s, '"'))
		return false;
	out->p = s->p;
	while (s->p < s->end && *s->p != '"') {
		if ((unsigned char)*s->p < 0x20)
			return false;
		if (*s->p == '\\' && ++s->p == s->end)
			return false;
		s->p++;
	}
	if (s->p == s->end)
		return false;
	out->len = (size_t)(s->p - out->p);
	s->p++;
	return true;
}

/* A number, true, false or null: a run of the characters they are made of. */
static bool scan_bare(struct scan *s, struct span *out)
{
	skip_ws(s);
	out->p = s->p;
	while (s->p < s->end && strchr("+-.0123456789eEtruefalsn", *s->p) != NULL && *s->p != '\0')
		s->p++;
	out->len = (size_t)(s->p - out->p);
	return out->len > 0;
}

static bool span_is(const struct span *sp, const char *word)
{
	return sp->len == strlen(word) && memcmp(sp->p, word, sp->len) == 0;
}

static bool echo_time(const struct span *sp, int64_t *at)
{
	char buf[64], *end;
	double t;

	if (sp->len == 0 || sp->len >= sizeof(buf) || !(sp->p[0] >= '0' && sp->p[0] <= '9'))
		return false;
	memcpy(buf, sp->p, sp->len);
	buf[sp->len] = '\0';
	t = strtod(buf, &end);
	if (*end != '\0' || !isfinite(t) || t < 0 || t > ECHO_T_MAX)
		return false;
	*at = (int64_t)llround(t * 1e9);
	return true;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)(c | 0x20);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* "0xH" or "0xHH". */
static bool echo_byte(const struct span *sp, uint8_t *byte)
{
	int hi, lo;

	if (sp->len < 3 || sp->len > 4 || sp->p[0] != '0' || (sp->p[1] | 0x20) != 'x')
		return false;
	hi = hex_digit(sp->p[2]);
	lo = sp->len == 4 ? hex_digit(sp->p[3]) : 0;
	if (hi < 0 || lo < 0)
		return false;
	*byte = (uint8_t)(sp->len == 4 ? hi << 4 | lo : hi);
	return true;
}

struct echo {
	struct span t, byte, type;
	int seen_t, seen_byte, seen_type, others;
};

/* One "key": value pair of a flat object; false when it is not one. */
static bool scan_member(struct scan *s, struct echo *e)
{
	struct span key, val;
	bool is_string;

	if (!scan_string(s, &key) || !eat(s, ':'))
		return false;
	skip_ws(s);
	is_string = s->p < s->end && *s->p == '"';
	if (!(is_string ? scan_string(s, &val) : scan_bare(s, &val)))
		return false;
	if (span_is(&key, "t") && !is_string) {
		e->t = val;
		e->seen_t++;
	} else if (span_is(&key, "byte") && is_string) {
		e->byte = val;
		e->seen_byte++;
	} else if (span_is(&key, "type") && is_string) {
		e->type = val;
		e->seen_type++;
	} else if (!span_is(&key, "command")) {
		e->others++;
	}
	return true;
}

int record_parse_echo(const char *line, size_t len, int64_t *at, uint8_t *byte)
{
	struct scan s = {line, line + (len < RECORD_ECHO_MAX ? len : 0)};
	struct echo e;

	memset(&e, 0, sizeof(e));
	if (!eat(&s, '{'))
		return 0;
	if (!eat(&s, '}')) {
		do {
			if (!scan_member(&s, &e))
				return 0;
		} while (eat(&s, ','));
		if (!eat(&s, '}'))
			return 0;
	}
	skip_ws(&s);
	if (s.p != s.end || e.seen_t != 1 || e.seen_byte != 1 || e.seen_type > 1)
		return 0;
	/* the old echo line had no "type" and nothing but t, byte and command */
	if (e.seen_type ? !span_is(&e.type, "echo") : e.others != 0)
		return 0;
	return echo_time(&e.t, at) && echo_byte(&e.byte, byte);
}
