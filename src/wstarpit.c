/* Refused connections held until their deadline; see wstarpit.h. */
#include "wstarpit.h"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

/* Every hold lasts as long, so the oldest is always the first due: a ring. */
struct held {
	int fd;
	lws_usec_t until;
};

static struct {
	struct held *ring;
	int cap, head, count;
	lws_usec_t hold_us;
	struct lws_context *ctx;
	lws_sorted_usec_list_t due;
} T;

int wstarpit_init(struct lws_context *ctx, int cap, lws_usec_t hold_us)
{
	T.ctx = ctx;
	T.hold_us = hold_us;
	T.cap = cap > 0 ? cap : 0;
	T.head = T.count = 0;
	if (T.cap == 0)
		return 0;
	T.ring = calloc((size_t)T.cap, sizeof(*T.ring));
	return T.ring ? 0 : -1;
}

static void release_due(lws_sorted_usec_list_t *sul)
{
	lws_usec_t now = lws_now_usecs();

	(void)sul;
	while (T.count > 0 && T.ring[T.head].until <= now) {
		close(T.ring[T.head].fd);
		T.head = (T.head + 1) % T.cap;
		T.count--;
	}
	if (T.count > 0)
		lws_sul_schedule(T.ctx, 0, &T.due, release_due, T.ring[T.head].until - now);
}

void wstarpit_hold(int fd)
{
	struct held *h;

	if (T.count == T.cap)
		return;
	h = &T.ring[(T.head + T.count) % T.cap];
	h->fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	if (h->fd < 0)
		return;
	h->until = lws_now_usecs() + T.hold_us;
	if (T.count++ == 0)
		lws_sul_schedule(T.ctx, 0, &T.due, release_due, T.hold_us);
}

void wstarpit_free(void)
{
	if (T.ctx)
		lws_sul_cancel(&T.due);
	while (T.count > 0) {
		close(T.ring[T.head].fd);
		T.head = (T.head + 1) % T.cap;
		T.count--;
	}
	free(T.ring);
	T.ring = NULL;
	T.cap = 0;
}
