/*
 * ws-bridge's stdin lines: bytes read from stdin are split into lines and
 * each line goes into one ring shared by all clients. Each client keeps the
 * number of the next line it needs, so its queue costs no memory, and a
 * client that lags more than WSRING_LEN lines simply skips the oldest.
 * No I/O here but the notes about lines that are too long.
 */
#ifndef IRACER_WSRING_H
#define IRACER_WSRING_H

#include <stddef.h>
#include <stdint.h>

/* Lines queued per client; older ones are dropped. */
#define WSRING_LEN 64

struct wsring {
	char *slots; /* WSRING_LEN slots of pre + max bytes */
	size_t lens[WSRING_LEN];
	uint64_t head; /* number of lines ever queued */
	size_t max, pre;
	char *in; /* stdin line assembly, max + 2 bytes */
	size_t inlen;
	int in_discard; /* skipping the rest of an over-long line */
	int quiet;	/* no notes about long lines */
};

/* Lines of up to max bytes, each with pre bytes before it (LWS_PRE). 0 or -1. */
int wsring_init(struct wsring *r, size_t max, size_t pre, int quiet);
void wsring_free(struct wsring *r);

/* Where to read stdin bytes into, and how many fit (always at least 1). */
static inline char *wsring_space(struct wsring *r, size_t *room)
{
	*room = r->max + 2 - r->inlen;
	return r->in + r->inlen;
}

/* n bytes were read into wsring_space: queue the whole lines among them. */
void wsring_fed(struct wsring *r, size_t n);

/* End of stdin: a last line without its newline is queued too. */
void wsring_eof(struct wsring *r);

/* Line number seq (still in the ring), pre bytes after the returned pointer. */
static inline char *wsring_line(const struct wsring *r, uint64_t seq, size_t *len)
{
	*len = r->lens[seq % WSRING_LEN];
	return r->slots + (seq % WSRING_LEN) * (r->pre + r->max) + r->pre;
}

/*
 * A client whose next line is *seq: moves it past the lines that left the
 * ring and returns how many it lost that way.
 */
static inline uint64_t wsring_catch_up(const struct wsring *r, uint64_t *seq)
{
	uint64_t lost = 0;

	if (r->head - *seq > WSRING_LEN) {
		lost = r->head - WSRING_LEN - *seq;
		*seq = r->head - WSRING_LEN;
	}
	return lost;
}

#endif
