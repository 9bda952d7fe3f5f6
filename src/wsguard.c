/* recv(2) and SSL_read(3) seen by ws-bridge; see wsguard.h. */
#include "wsguard.h"

#include <dlfcn.h>
#include <errno.h>
#include <openssl/ssl.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "wsmask.h"

enum stage { UNWATCHED, HTTP, WEBSOCKET };

struct guard {
	enum stage stage;
	unsigned crlf;		    /* bytes of "\r\n\r\n" matched so far */
	unsigned long after;	    /* bytes since the last end of headers */
	int line;		    /* in a request line: 1 its method, 2 its target, 0 past it */
	int pct;		    /* in the target: 1 after '%', 2 after "%7" */
	int odd_method, odd_target; /* see wsguard_odd_request() */
	struct wsmask mask;
};

static struct guard *guards;
static int nguards;
static unsigned bad_count;

int wsguard_init(int maxfd)
{
	guards = calloc((size_t)maxfd, sizeof(*guards));
	nguards = guards ? maxfd : 0;
	return guards ? 0 : -1;
}

void wsguard_free(void)
{
	free(guards);
	guards = NULL;
	nguards = 0;
}

static struct guard *guard(int fd)
{
	return fd >= 0 && fd < nguards ? &guards[fd] : NULL;
}

void wsguard_watch(int fd)
{
	struct guard *g = guard(fd);

	if (g) {
		g->stage = HTTP;
		g->crlf = 0;
		g->after = 0;
		g->line = 1;
		g->pct = 0;
		g->odd_method = g->odd_target = 0;
	}
}

int wsguard_odd_request(int fd)
{
	struct guard *g = guard(fd);

	return g == NULL ? 0 : g->odd_method ? 405 : g->odd_target ? 400 : 0;
}

int wsguard_pipelined(int fd)
{
	struct guard *g = guard(fd);

	return g && g->stage == HTTP && g->after > 0;
}

void wsguard_upgraded(int fd)
{
	struct guard *g = guard(fd);

	if (g) {
		g->stage = WEBSOCKET;
		wsmask_init(&g->mask);
	}
}

int wsguard_bad(int fd)
{
	struct guard *g = guard(fd);

	return g && g->stage == WEBSOCKET && g->mask.bad;
}

unsigned wsguard_take_bad_count(void)
{
	unsigned n = bad_count;

	bad_count = 0;
	return n;
}

void wsguard_forget(int fd)
{
	struct guard *g = guard(fd);

	if (g)
		g->stage = UNWATCHED;
}

/* One byte of a request line: the method in capitals, no %00-%1F or %7F. */
static void scan_line(struct guard *g, unsigned char c)
{
	if (g->line == 1) { /* the method; CR LF before a request are allowed */
		if (c == ' ')
			g->line = 2;
		else if (c != '\r' && c != '\n')
			g->odd_method |= c < 'A' || c > 'Z';
		return;
	}
	if (c == ' ' || c == '\r' || c == '\n') {
		g->line = 0;
		return;
	}
	if (g->pct == 1 && (c == '0' || c == '1'))
		g->odd_target = 1;
	else if (g->pct == 2 && (c == 'f' || c == 'F'))
		g->odd_target = 1;
	g->pct = c == '%' ? 1 : g->pct == 1 && c == '7' ? 2 : 0;
}

static void scan_http(struct guard *g, const unsigned char *b, size_t n)
{
	static const char end[] = "\r\n\r\n";

	for (size_t i = 0; i < n; i++) {
		if (g->line)
			scan_line(g, b[i]);
		g->after++;
		if (b[i] == (unsigned char)end[g->crlf]) {
			if (++g->crlf == 4) {
				g->crlf = 0;
				g->after = 0;
				g->line = 1;
			}
		} else {
			g->crlf = b[i] == '\r';
		}
	}
}

/* Returns how many of the n bytes lws may see. */
static ssize_t inspect(int fd, const void *buf, ssize_t n)
{
	struct guard *g = guard(fd);
	long cut;

	if (g == NULL || n <= 0 || g->stage == UNWATCHED)
		return n;
	if (g->stage == HTTP) {
		scan_http(g, buf, (size_t)n);
		return n;
	}
	if (g->mask.bad)
		return 0;
	cut = wsmask_feed(&g->mask, buf, (size_t)n);
	if (cut < 0)
		return n;
	bad_count++;
	return cut;
}

/* Nothing left for lws: "try again", and ws-bridge closes the connection. */
static ssize_t withheld(ssize_t got, ssize_t keep)
{
	if (keep > 0 || got <= 0)
		return keep > 0 ? keep : got;
	errno = EAGAIN;
	return -1;
}

ssize_t recv(int fd, void *buf, size_t len, int flags)
{
	static ssize_t (*real)(int, void *, size_t, int);
	ssize_t n;

	if (real == NULL)
		*(void **)&real = dlsym(RTLD_NEXT, "recv");
	n = real(fd, buf, len, flags);
	if (flags & MSG_PEEK)
		return n;
	return withheld(n, inspect(fd, buf, n));
}

int SSL_read(SSL *ssl, void *buf, int num)
{
	static int (*real)(SSL *, void *, int);
	int n;

	if (real == NULL)
		*(void **)&real = dlsym(RTLD_NEXT, "SSL_read");
	n = real(ssl, buf, num);
	if (n <= 0)
		return n;
	n = (int)inspect(SSL_get_fd(ssl), buf, n);
	if (n == 0) {
		/* lws then waits for more; ws-bridge closes it this turn */
		return -1;
	}
	return n;
}
