#include "protocol.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char *const canonical[DIR_COUNT] = {
	[DIR_STOP] = "stop",
	[DIR_FORWARD] = "forward",
	[DIR_BACKWARD] = "backward",
	[DIR_STEER_LEFT] = "steer-left",
	[DIR_STEER_RIGHT] = "steer-right",
	[DIR_FORWARD_LEFT] = "forward-left",
	[DIR_FORWARD_RIGHT] = "forward-right",
	[DIR_BACKWARD_LEFT] = "backward-left",
	[DIR_BACKWARD_RIGHT] = "backward-right",
};

static const struct alias {
	const char *name;
	enum direction dir;
} aliases[] = {
	{"stop", DIR_STOP},
	{"forward", DIR_FORWARD},
	{"backward", DIR_BACKWARD},
	{"steer-left", DIR_STEER_LEFT},
	{"steer-right", DIR_STEER_RIGHT},
	{"forward-left", DIR_FORWARD_LEFT},
	{"forward-right", DIR_FORWARD_RIGHT},
	{"backward-left", DIR_BACKWARD_LEFT},
	{"backward-right", DIR_BACKWARD_RIGHT},
	/* the page's "Back" button */
	{"back", DIR_BACKWARD},
	/* the old spellings of steer-left/right (wheels only, as ever in this grammar) */
	{"left", DIR_STEER_LEFT},
	{"right", DIR_STEER_RIGHT},
	/* the seed's browser protocol */
	{"up", DIR_FORWARD},
	{"down", DIR_BACKWARD},
	/* short forms for typing (never suggested: too close to everything) */
	{"f", DIR_FORWARD},
	{"b", DIR_BACKWARD},
	{"l", DIR_STEER_LEFT},
	{"r", DIR_STEER_RIGHT},
	{"fl", DIR_FORWARD_LEFT},
	{"fr", DIR_FORWARD_RIGHT},
	{"bl", DIR_BACKWARD_LEFT},
	{"br", DIR_BACKWARD_RIGHT},
};

int direction_from_name(const char *name, size_t len)
{
	for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (strlen(aliases[i].name) == len && strncasecmp(aliases[i].name, name, len) == 0)
			return (int)aliases[i].dir;
	return -1;
}

/* Case-insensitive Levenshtein distance, capped: names are short. */
static size_t edit_distance(const char *a, size_t alen, const char *b)
{
	enum { CAP = 32 };
	size_t blen = strlen(b), row[CAP + 1];

	if (alen > CAP || blen > CAP)
		return (size_t)-1;
	for (size_t j = 0; j <= blen; j++)
		row[j] = j;
	for (size_t i = 1; i <= alen; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= blen; j++) {
			size_t up = row[j];
			int ca = a[i - 1] | 0x20, cb = b[j - 1] | 0x20;
			size_t best = diag + (ca != cb);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[blen];
}

/* Keep the closer of a candidate and the best so far. */
static void consider(
	const char *name, size_t len, const char *word, const char **best, size_t *best_d)
{
	size_t d = edit_distance(name, len, word);

	if (d < *best_d) {
		*best_d = d;
		*best = word;
	}
}

const char *direction_suggest(const char *name, size_t len)
{
	const char *best = NULL;
	size_t best_d = (size_t)-1;
	/* the grammar's words that are not directions */
	static const char *const words[] = {"wait", "speed", "raw"};

	for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (strlen(aliases[i].name) > 2)
			consider(name, len, aliases[i].name, &best, &best_d);
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		consider(name, len, words[i], &best, &best_d);
	/* one typo in a short word, two in a long one; beyond that a hint misleads */
	if (best_d == 0 || best_d > (len >= 6 ? 2u : 1u))
		return NULL;
	return best;
}

uint8_t byte_encode(enum direction d, int speed)
{
	return (uint8_t)(((unsigned)d & 0x0f) << 4 | ((unsigned)speed & 0x0f));
}

int byte_decode(uint8_t b, enum direction *d, int *speed)
{
	unsigned hi = b >> 4;

	if (hi >= DIR_COUNT)
		return -1;
	*d = (enum direction)hi;
	*speed = b & 0x0f;
	return 0;
}

const char *byte_describe(uint8_t b, char *buf, size_t n)
{
	enum direction d;
	int speed;

	if (byte_decode(b, &d, &speed) < 0)
		snprintf(buf, n, "raw 0x%02x", b);
	else if (b == BYTE_STOP)
		snprintf(buf, n, "stop");
	else if (d == DIR_STOP)
		/* stop with a speed nibble: the car stops, but keep the byte exact */
		snprintf(buf, n, "raw 0x%02x", b);
	else
		snprintf(buf, n, "%s %d", canonical[d], speed);
	return buf;
}
