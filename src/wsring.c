/* ws-bridge's stdin line splitter and broadcast ring; see wsring.h. */
#include "wsring.h"

#include <err.h>
#include <stdlib.h>
#include <string.h>

#include "wskeep.h"

int wsring_init(struct wsring *r, size_t max, size_t pre, int quiet)
{
	memset(r, 0, sizeof(*r));
	r->max = max;
	r->pre = pre;
	r->quiet = quiet;
	r->slots = calloc(WSRING_LEN, pre + max);
	r->in = malloc(max + 2);
	return r->slots && r->in ? 0 : -1;
}

void wsring_free(struct wsring *r)
{
	free(r->slots);
	free(r->in);
	r->slots = r->in = NULL;
}

static void queue_line(struct wsring *r, const char *line, size_t n)
{
	size_t len;

	if (n > r->max) {
		if (!r->quiet)
			warnx("stdin: line of %zu bytes is over %zu, not sent", n, r->max);
		return;
	}
	memcpy(wsring_line(r, r->head, &len), line, n);
	r->lens[r->head % WSRING_LEN] = n;
	wskeep_remember(line, n, r->head);
	r->head++;
}

void wsring_fed(struct wsring *r, size_t got)
{
	size_t start = 0;
	char *nl;

	r->inlen += got;
	while ((nl = memchr(r->in + start, '\n', r->inlen - start)) != NULL) {
		size_t n = (size_t)(nl - (r->in + start));
		if (!r->in_discard) {
			if (n > 0 && r->in[start + n - 1] == '\r')
				n--;
			queue_line(r, r->in + start, n);
		}
		r->in_discard = 0;
		start = (size_t)(nl - r->in) + 1;
	}
	memmove(r->in, r->in + start, r->inlen - start);
	r->inlen -= start;
	if (r->inlen > r->max) { /* no newline in sight */
		if (!r->in_discard && !r->quiet)
			warnx("stdin: line over %zu bytes, not sent", r->max);
		r->in_discard = 1;
		r->inlen = 0;
	}
}

void wsring_eof(struct wsring *r)
{
	if (r->inlen > 0 && !r->in_discard)
		queue_line(r, r->in, r->inlen);
	r->inlen = 0;
}
