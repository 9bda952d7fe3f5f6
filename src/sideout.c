#include "sideout.h"

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clock.h"
#include "util.h"

#define SIDE_CAP 16384

struct side {
	int on;
	int sock;	       /* a socket: send(MSG_DONTWAIT) needs no flag on the file */
	int err;	       /* errno of a failed write: nothing more is written */
	size_t len;	       /* pending bytes in buf */
	unsigned long dropped; /* whole lines dropped since the last report */
	char buf[SIDE_CAP];
};

static struct side sides[3]; /* indexed by fd: 1 and 2 are used */

int fd_private_nonblock(int fd)
{
	char path[32];
	struct stat st;
	int n;

	if (fstat(fd, &st) < 0)
		return -1;
	if (S_ISREG(st.st_mode))
		return 0;
	if (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode)) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		n = open(path, O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
		if (n >= 0) {
			if (dup2(n, fd) < 0) {
				close(n);
				return -1;
			}
			close(n);
			return 0;
		}
	}
	/* a socket, or no /proc: the flag on the shared description is all we have */
	return set_nonblock(fd, 1);
}

static ssize_t cookie_write(void *c, const char *buf, size_t n)
{
	(void)c;
	side_put(STDERR_FILENO, buf, n);
	return (ssize_t)n;
}

void side_open(int fd)
{
	static int registered;
	struct stat st;
	struct side *s = &sides[fd];

	s->on = 1;
	s->sock = fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode);
	if (!s->sock)
		fd_private_nonblock(fd);
	if (fd == STDERR_FILENO) {
		static char sbuf[BUFSIZ];
		FILE *f = fopencookie(NULL, "w", (cookie_io_functions_t){.write = cookie_write});
		if (f != NULL) {
			/* line buffered: each message reaches the buffer whole */
			setvbuf(f, sbuf, _IOLBF, sizeof(sbuf));
			stderr = f;
		}
	}
	if (!registered) {
		registered = 1;
		atexit(side_drain_at_exit);
	}
}

void side_put(int fd, const char *text, size_t n)
{
	struct side *s = &sides[fd];

	if (s->err)
		return;
	if (!s->on) {
		/* not a side output (iracer-sim --plan): the lines are the product */
		if (write_all(fd, text, n) < 0)
			s->err = errno;
		return;
	}
	if (n > SIDE_CAP - s->len) {
		s->dropped++;
		return;
	}
	memcpy(s->buf + s->len, text, n);
	s->len += n;
	side_flush();
}

static ssize_t side_write(int fd, const struct side *s)
{
	if (s->sock)
		return send(fd, s->buf, s->len, MSG_DONTWAIT | MSG_NOSIGNAL);
	return write(fd, s->buf, s->len);
}

/* Write what fd can take now. Returns 1 when all is out, 0 when not, -1 on error. */
static int flush_one(int fd)
{
	struct side *s = &sides[fd];

	while (s->len > 0 && !s->err) {
		ssize_t w = side_write(fd, s);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			s->err = errno;
			s->len = 0;
			return -1;
		}
		memmove(s->buf, s->buf + w, s->len - (size_t)w);
		s->len -= (size_t)w;
	}
	return s->err ? -1 : 1;
}

/* The reader reads again: say how many lines it missed, on standard error. */
static void report_dropped(int fd)
{
	struct side *s = &sides[fd];
	char line[160];
	unsigned long n = s->dropped;
	int len;

	s->dropped = 0;
	len = snprintf(line, sizeof(line), "%s: %s: %lu line%s dropped while the reader stalled\n",
		program_invocation_short_name, fd == STDOUT_FILENO ? "stdout" : "stderr", n,
		n == 1 ? "" : "s");
	side_put(STDERR_FILENO, line, (size_t)len);
}

int side_flush(void)
{
	int fd, failed = 0;

	for (fd = 1; fd <= 2; fd++) {
		int r;
		if (!sides[fd].on)
			continue;
		r = flush_one(fd);
		if (r < 0)
			failed = -1;
		else if (r == 1 && sides[fd].dropped > 0)
			report_dropped(fd);
	}
	return failed;
}

void side_pollfds(struct pollfd *p)
{
	int i;

	for (i = 0; i < SIDE_NFDS; i++) {
		int fd = i + 1;
		int want = sides[fd].on && sides[fd].len > 0 && !sides[fd].err;
		p[i] = (struct pollfd){.fd = want ? fd : -1, .events = POLLOUT};
	}
}

int side_error(int fd)
{
	return sides[fd].err;
}

void side_drain(int64_t deadline)
{
	struct pollfd p[SIDE_NFDS];

	fflush(stderr);
	side_flush();
	for (;;) {
		side_pollfds(p);
		if (p[0].fd < 0 && p[1].fd < 0)
			return;
		int rc = clock_poll_until(p, SIDE_NFDS, deadline, NULL);
		if (rc == 0 || (rc < 0 && errno != EINTR) || clock_now() >= deadline)
			return;
		side_flush();
	}
}

void side_drain_at_exit(void)
{
	side_drain(clock_now() + NS_PER_S / 4);
}
