/* Kept stdin lines for ws-bridge --keep; see wskeep.h. */
#include "wskeep.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KEEP_MAX 16
#define PREFIX_MAX 96

static struct kept {
	char prefix[PREFIX_MAX]; /* {"type":"TYPE" */
	size_t prefix_len;
	char *buf;  /* pre bytes, then the line */
	size_t len; /* 0: nothing kept yet */
	uint64_t seq;
} kept[KEEP_MAX];
static int nkept;
static size_t line_max, line_pre;

int wskeep_init(const char *const *types, int ntypes, size_t max_len, size_t pre)
{
	nkept = 0;
	line_max = max_len;
	line_pre = pre;
	for (int i = 0; i < ntypes && i < KEEP_MAX; i++) {
		struct kept *k = &kept[nkept];
		int n = snprintf(k->prefix, sizeof(k->prefix), "{\"type\":\"%s\"", types[i]);

		if (n < 0 || (size_t)n >= sizeof(k->prefix))
			continue;
		k->prefix_len = (size_t)n;
		if ((k->buf = malloc(pre + max_len)) == NULL)
			return -1;
		k->len = 0;
		nkept++;
	}
	return 0;
}

void wskeep_remember(const char *line, size_t n, uint64_t seq)
{
	if (n == 0 || n > line_max)
		return;
	for (int i = 0; i < nkept; i++) {
		struct kept *k = &kept[i];

		if (n < k->prefix_len || memcmp(line, k->prefix, k->prefix_len) != 0)
			continue;
		memcpy(k->buf + line_pre, line, n);
		k->len = n;
		k->seq = seq;
		return;
	}
}

/* A kept line is for a client when it was kept before the client connected. */
static int for_client(const struct kept *k, uint64_t before)
{
	return k->len > 0 && k->seq < before;
}

char *wskeep_next(int *next, uint64_t before, size_t *len)
{
	while (*next < nkept) {
		struct kept *k = &kept[(*next)++];

		if (for_client(k, before)) {
			*len = k->len;
			return k->buf + line_pre;
		}
	}
	return NULL;
}

int wskeep_pending(int next, uint64_t before)
{
	for (; next < nkept; next++)
		if (for_client(&kept[next], before))
			return 1;
	return 0;
}

void wskeep_free(void)
{
	for (int i = 0; i < nkept; i++) {
		free(kept[i].buf);
		kept[i].buf = NULL;
	}
	nkept = 0;
}
