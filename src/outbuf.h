/*
 * A bounded output buffer for lines: lines are appended as they become
 * ready and all pending bytes leave with one write(2) per event-loop turn.
 * It never grows: when it is nearly full the caller must stop producing
 * (ws-bridge stops reading from its clients) until a flush made room.
 */
#ifndef IRACER_OUTBUF_H
#define IRACER_OUTBUF_H

#include <stddef.h>

struct outbuf {
	char *buf;
	size_t cap;
	size_t len;
	int fd;
	int nonblock; /* fd is non-blocking: a flush may leave bytes pending */
};

/* Allocate cap bytes for fd. Returns 0, or -1 when out of memory. */
int outbuf_init(struct outbuf *ob, int fd, size_t cap, int nonblock);
void outbuf_free(struct outbuf *ob);

static inline size_t outbuf_room(const struct outbuf *ob)
{
	return ob->cap - ob->len;
}

/* Room for n more bytes at the end, or NULL; outbuf_commit(n) keeps them. */
char *outbuf_reserve(struct outbuf *ob, size_t n);
void outbuf_commit(struct outbuf *ob, size_t n);

/*
 * Write what is pending with as few write(2) calls as the fd allows.
 * Returns 0 when all is written, 1 when bytes are left (EAGAIN on a
 * non-blocking fd), -1 on an error with errno set (EPIPE: reader gone).
 */
int outbuf_flush(struct outbuf *ob);

/* Like outbuf_flush, but waits with poll(2) until everything is written. */
int outbuf_drain(struct outbuf *ob);

#endif
