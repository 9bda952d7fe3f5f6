#include "outbuf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

int outbuf_init(struct outbuf *ob, int fd, size_t cap, int nonblock)
{
	ob->buf = malloc(cap);
	if (ob->buf == NULL)
		return -1;
	ob->cap = cap;
	ob->len = 0;
	ob->fd = fd;
	ob->nonblock = nonblock;
	return 0;
}

void outbuf_free(struct outbuf *ob)
{
	free(ob->buf);
	ob->buf = NULL;
	ob->cap = ob->len = 0;
}

char *outbuf_reserve(struct outbuf *ob, size_t n)
{
	return n <= outbuf_room(ob) ? ob->buf + ob->len : NULL;
}

void outbuf_commit(struct outbuf *ob, size_t n)
{
	ob->len += n;
}

/* Drop the first n bytes, which have been written. */
static void outbuf_consume(struct outbuf *ob, size_t n)
{
	if (n < ob->len)
		memmove(ob->buf, ob->buf + n, ob->len - n);
	ob->len -= n;
}

int outbuf_flush(struct outbuf *ob)
{
	size_t done = 0;

	while (done < ob->len) {
		ssize_t w = write(ob->fd, ob->buf + done, ob->len - done);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			outbuf_consume(ob, done);
			return -1;
		}
		done += (size_t)w;
	}
	outbuf_consume(ob, done);
	return ob->len ? 1 : 0;
}

int outbuf_drain(struct outbuf *ob)
{
	if (write_all(ob->fd, ob->buf, ob->len) < 0)
		return -1;
	ob->len = 0;
	return 0;
}
