#include "plan.h"

#include "protocol.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Ten days: far beyond any route, small enough that nanoseconds never overflow. */
#define PLAN_SECONDS_MAX 864000.0

size_t plan_format(char *buf, size_t n, const struct plan_step *step)
{
	char what[DESCRIBE_MAX];
	int64_t ms = (step->at_ns + 500000) / 1000000;
	int len;

	len = snprintf(buf, n, "%" PRId64 ".%03" PRId64 " 0x%02x %s\n", ms / 1000, ms % 1000,
		step->byte, byte_describe(step->byte, what, sizeof(what)));
	if (len < 0)
		return 0;
	return (size_t)len < n ? (size_t)len : n - 1;
}

static const char *skip_space(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

static const char *skip_word(const char *p, const char *end)
{
	while (p < end && *p != ' ' && *p != '\t')
		p++;
	return p;
}

/* Copy [p, q) into a NUL-terminated buffer; -1 when it does not fit. */
static int copy_word(char *dst, size_t n, const char *p, const char *q)
{
	size_t len = (size_t)(q - p);

	if (len >= n)
		return -1;
	memcpy(dst, p, len);
	dst[len] = '\0';
	return 0;
}

int plan_parse(const char *line, size_t len, struct plan_step *step, char *err, size_t errlen)
{
	const char *end = line + len, *p, *q;
	char word[32], *e, what[DESCRIBE_MAX];
	double s;
	long b;

	p = skip_space(line, end);
	while (end > p && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		end--;
	if (p == end || *p == '#')
		return 0;
	if (memchr(line, '\0', len) != NULL) {
		snprintf(err, errlen, "NUL byte in line");
		return -1;
	}

	q = skip_word(p, end);
	if (copy_word(word, sizeof(word), p, q) < 0 || !isdigit((unsigned char)word[0])) {
		snprintf(err, errlen, "expected SECONDS BYTE COMMAND");
		return -1;
	}
	errno = 0;
	s = strtod(word, &e);
	if (errno != 0 || *e != '\0' || !isfinite(s) || s < 0 || s > PLAN_SECONDS_MAX) {
		snprintf(err, errlen, "bad time '%s'", word);
		return -1;
	}

	p = skip_space(q, end);
	q = skip_word(p, end);
	if (copy_word(word, sizeof(word), p, q) < 0 || strncasecmp(word, "0x", 2) != 0 ||
		!isxdigit((unsigned char)word[2])) {
		snprintf(err, errlen, "expected a byte like 0x18 after the time");
		return -1;
	}
	errno = 0;
	b = strtol(word, &e, 16);
	if (errno != 0 || *e != '\0' || b < 0 || b > 0xff) {
		snprintf(err, errlen, "bad byte '%s'", word);
		return -1;
	}

	/* The command text is optional, but when present it must agree with the byte. */
	p = skip_space(q, end);
	if (p < end) {
		byte_describe((uint8_t)b, what, sizeof(what));
		if ((size_t)(end - p) != strlen(what) ||
			strncasecmp(p, what, (size_t)(end - p)) != 0) {
			snprintf(err, errlen, "command does not match byte 0x%02lx (expected '%s')",
				b, what);
			return -1;
		}
	}

	step->at_ns = (int64_t)llround(s * 1e9);
	step->byte = (uint8_t)b;
	return 1;
}
