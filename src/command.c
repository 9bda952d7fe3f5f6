#include "command.h"

#include "protocol.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Words longer than this are shown cut short in messages. */
#define SHOW_MAX 40

struct token {
	const char *p;
	size_t len;
};

struct cursor {
	const char *p, *end;
};

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* The next whitespace-separated word, or false at the end of the line. */
static bool next_token(struct cursor *c, struct token *t)
{
	while (c->p < c->end && is_blank(*c->p))
		c->p++;
	if (c->p == c->end)
		return false;
	t->p = c->p;
	while (c->p < c->end && !is_blank(*c->p))
		c->p++;
	t->len = (size_t)(c->p - t->p);
	return true;
}

static bool token_is(const struct token *t, const char *word)
{
	return t->len == strlen(word) && strncasecmp(t->p, word, t->len) == 0;
}

/* A token made printable and short enough for a message. */
static const char *show(const struct token *t, char *buf, size_t n)
{
	size_t len = t->len < SHOW_MAX ? t->len : SHOW_MAX, i;

	for (i = 0; i < len && i + 1 < n; i++)
		buf[i] = isprint((unsigned char)t->p[i]) ? t->p[i] : '?';
	buf[i] = '\0';
	if (t->len > SHOW_MAX && i + 4 < n)
		strcat(buf, "...");
	return buf;
}

__attribute__((format(printf, 3, 4))) static int fail(
	char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* Copy a token into a NUL-terminated buffer for strtol/strtod; false if too long. */
static bool token_copy(const struct token *t, char *buf, size_t n)
{
	if (t->len >= n)
		return false;
	memcpy(buf, t->p, t->len);
	buf[t->len] = '\0';
	return true;
}

/* Optional sign then digits only: what a SPEED looks like. */
static bool looks_like_integer(const struct token *t)
{
	size_t i = (t->len > 0 && (t->p[0] == '-' || t->p[0] == '+')) ? 1 : 0;

	if (i == t->len)
		return false;
	for (; i < t->len; i++)
		if (!isdigit((unsigned char)t->p[i]))
			return false;
	return true;
}

static int parse_speed(const struct token *t, int *speed, char *err, size_t errlen)
{
	char buf[32], shown[SHOW_MAX + 4];
	long v;

	if (!looks_like_integer(t))
		return fail(err, errlen, "bad speed '%s' (a number 0-15)",
			show(t, shown, sizeof(shown)));
	errno = 0;
	v = token_copy(t, buf, sizeof(buf)) ? strtol(buf, NULL, 10) : LONG_MAX;
	if (errno != 0 || v < SPEED_MIN || v > SPEED_MAX)
		return fail(err, errlen, "speed '%s' out of range (0-15)",
			show(t, shown, sizeof(shown)));
	*speed = (int)v;
	return 0;
}

/* Digits with at most one '.', and at least one digit. */
static size_t number_length(const struct token *t)
{
	size_t i, digits = 0, dots = 0;

	for (i = 0; i < t->len; i++) {
		if (isdigit((unsigned char)t->p[i]))
			digits++;
		else if (t->p[i] == '.' && dots == 0)
			dots++;
		else
			break;
	}
	return digits > 0 ? i : 0;
}

static int parse_duration(const struct token *t, int64_t *ns, char *err, size_t errlen)
{
	char buf[64], shown[SHOW_MAX + 4];
	size_t n = number_length(t);
	struct token unit = {t->p + n, t->len - n};
	double v, scale;

	show(t, shown, sizeof(shown));
	if (n == 0)
		return fail(err, errlen, "bad duration '%s' (like 1.5s or 250ms)", shown);
	if (unit.len == 0)
		return fail(err, errlen, "missing unit in '%s' (s or ms, like %ss)", shown, shown);
	if (token_is(&unit, "s"))
		scale = 1e9;
	else if (token_is(&unit, "ms"))
		scale = 1e6;
	else
		return fail(err, errlen, "unknown unit in duration '%s' (s or ms)", shown);
	if (n >= sizeof(buf))
		return fail(err, errlen, "duration '%s' too long (limit %ds)", shown,
			COMMAND_DURATION_MAX_S);
	memcpy(buf, t->p, n);
	buf[n] = '\0';
	v = strtod(buf, NULL) * scale;
	if (!isfinite(v) || v > COMMAND_DURATION_MAX_S * 1e9)
		return fail(err, errlen, "duration '%s' too long (limit %ds)", shown,
			COMMAND_DURATION_MAX_S);
	*ns = (int64_t)llround(v);
	return 0;
}

/* Decimal 0-255 or hex 0xHH. */
static int parse_byte(const struct token *t, uint8_t *byte, char *err, size_t errlen)
{
	char buf[32], shown[SHOW_MAX + 4], *end;
	bool hex = t->len > 2 && t->p[0] == '0' && (t->p[1] | 0x20) == 'x';
	long v;

	show(t, shown, sizeof(shown));
	if (!token_copy(t, buf, sizeof(buf)) || t->len == 0 ||
		!isxdigit((unsigned char)buf[hex ? 2 : 0]))
		return fail(err, errlen, "bad byte '%s' (0-255 or 0x00-0xff)", shown);
	errno = 0;
	v = strtol(hex ? buf + 2 : buf, &end, hex ? 16 : 10);
	if (*end != '\0')
		return fail(err, errlen, "bad byte '%s' (0-255 or 0x00-0xff)", shown);
	if (errno != 0 || v < 0 || v > 0xff)
		return fail(err, errlen, "byte '%s' out of range (0-255 or 0x00-0xff)", shown);
	*byte = (uint8_t)v;
	return 0;
}

static int trailing_junk(struct cursor *c, char *err, size_t errlen)
{
	struct token t;
	char shown[SHOW_MAX + 4];

	if (!next_token(c, &t))
		return 0;
	return fail(err, errlen, "unexpected '%s' at the end of the command",
		show(&t, shown, sizeof(shown)));
}

/* [DURATION] then the end of the line. */
static int parse_optional_duration(struct cursor *c, struct command *cmd, char *err, size_t errlen)
{
	struct token t;

	cmd->duration_ns = COMMAND_UNTIMED;
	if (next_token(c, &t) && parse_duration(&t, &cmd->duration_ns, err, errlen) < 0)
		return -1;
	return trailing_junk(c, err, errlen);
}

/* DIRECTION [SPEED] [DURATION]: a bare integer is the speed, anything else the duration. */
static int parse_drive(struct cursor *c, enum direction d, int speed, struct command *cmd,
	char *err, size_t errlen)
{
	struct cursor peek = *c;
	struct token t;

	if (next_token(&peek, &t) && looks_like_integer(&t)) {
		if (parse_speed(&t, &speed, err, errlen) < 0)
			return -1;
		*c = peek;
	}
	cmd->kind = CMD_SEND;
	cmd->byte = byte_encode(d, speed);
	return parse_optional_duration(c, cmd, err, errlen);
}

/* The keywords with one required argument, and how to say that it is missing. */
static const struct keyword {
	const char *word, *what, *example;
	enum command_kind kind;
} with_argument[] = {
	{"raw", "byte", "raw 0x57", CMD_SEND},
	{"wait", "duration", "wait 500ms", CMD_WAIT},
	{"speed", "speed", "speed 12", CMD_SPEED},
};

/* raw BYTE [DURATION], wait DURATION or speed SPEED, after the keyword. */
static int parse_argument(
	struct cursor *c, const struct keyword *k, struct command *cmd, char *err, size_t errlen)
{
	struct token t;

	cmd->kind = k->kind;
	if (!next_token(c, &t))
		return fail(err, errlen, "missing %s (like '%s')", k->what, k->example);
	switch (k->kind) {
	case CMD_SEND:
		if (parse_byte(&t, &cmd->byte, err, errlen) < 0)
			return -1;
		return parse_optional_duration(c, cmd, err, errlen);
	case CMD_WAIT:
		if (parse_duration(&t, &cmd->duration_ns, err, errlen) < 0)
			return -1;
		break;
	default:
		if (parse_speed(&t, &cmd->speed, err, errlen) < 0)
			return -1;
	}
	return trailing_junk(c, err, errlen);
}

static int parse_keyword(struct cursor *c, const struct token *word, int speed, struct command *cmd,
	char *err, size_t errlen)
{
	char shown[SHOW_MAX + 4];
	const char *hint;
	int d;

	if (token_is(word, "stop")) {
		cmd->kind = CMD_SEND;
		cmd->byte = BYTE_STOP;
		return parse_optional_duration(c, cmd, err, errlen);
	}
	for (size_t i = 0; i < sizeof(with_argument) / sizeof(with_argument[0]); i++)
		if (token_is(word, with_argument[i].word))
			return parse_argument(c, &with_argument[i], cmd, err, errlen);
	d = direction_from_name(word->p, word->len);
	if (d > DIR_STOP)
		return parse_drive(c, (enum direction)d, speed, cmd, err, errlen);

	show(word, shown, sizeof(shown));
	hint = direction_suggest(word->p, word->len);
	if (hint != NULL)
		return fail(err, errlen, "unknown command '%s' (did you mean '%s'?)", shown, hint);
	return fail(err, errlen, "unknown command '%s'", shown);
}

int command_parse(const char *line, size_t len, int default_speed, struct command *cmd, char *err,
	size_t errlen)
{
	const char *hash;
	struct cursor c = {line, line + len};
	struct token word;

	memset(cmd, 0, sizeof(*cmd));
	cmd->kind = CMD_NONE;
	cmd->duration_ns = COMMAND_UNTIMED;
	if (len > COMMAND_LINE_MAX)
		return fail(err, errlen, "line too long (limit %d bytes)", COMMAND_LINE_MAX);
	if (memchr(line, '\0', len) != NULL)
		return fail(err, errlen, "NUL byte in line");
	hash = memchr(line, '#', len);
	if (hash != NULL)
		c.end = hash;
	while (c.end > c.p && (c.end[-1] == '\r' || is_blank(c.end[-1])))
		c.end--;
	if (!next_token(&c, &word))
		return 0;
	return parse_keyword(&c, &word, default_speed, cmd, err, errlen);
}
