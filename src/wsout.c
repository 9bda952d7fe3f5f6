/* ws-bridge's stdout buffer and throttle; see wsout.h. */
#include "wsout.h"

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "msgline.h"
#include "outbuf.h"
#include "util.h"

/* Stdout buffer: this much plus one longest line. */
#define OUTBUF_BASE (256 * 1024)

static struct {
	struct outbuf out;
	size_t max;
	int dead;
	int failed; /* dead by a fault: exit status EX_IOERR */
	int ending;
	int orig_flags;
	int throttled;
	void (*throttle)(int on);
	struct lws_context *ctx;
	struct lws *watch;
} S;

void wsout_init(size_t max, void (*throttle)(int on))
{
	struct stat st;
	int nonblock = 0;

	S.max = max;
	S.throttle = throttle;
	S.orig_flags = -1;
	if (fstat(STDOUT_FILENO, &st) == 0 && (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode))) {
		S.orig_flags = fcntl(STDOUT_FILENO, F_GETFL);
		nonblock = set_nonblock(STDOUT_FILENO, 1) == 0;
	}
	if (outbuf_init(&S.out, STDOUT_FILENO, OUTBUF_BASE + max + 1, nonblock) < 0)
		err(EX_OSERR, "malloc");
}

int wsout_nonblock(void)
{
	return S.out.nonblock;
}

void wsout_start(struct lws_context *ctx, struct lws *watch)
{
	S.ctx = ctx;
	S.watch = watch;
}

int wsout_dead(void)
{
	return S.dead;
}

int wsout_failed(void)
{
	return S.failed;
}

void wsout_ending(void)
{
	S.ending = 1;
}

int wsout_throttled(void)
{
	return S.throttled;
}

static void failed(void)
{
	if (S.dead)
		return;
	/* Ctrl-C ends the whole pipeline: a reader that went first is no fault then */
	if (!S.ending || errno != EPIPE) {
		warn("stdout");
		S.failed = 1;
	}
	S.dead = 1;
	if (S.ctx)
		lws_cancel_service(S.ctx);
}

static void set_throttle(int on)
{
	if (S.throttled == on)
		return;
	S.throttled = on;
	S.throttle(on);
}

/* One write(2) for everything that became ready in this loop turn. */
void wsout_flush(void)
{
	if (S.dead || S.out.len == 0)
		return;
	int r = S.out.nonblock ? outbuf_flush(&S.out) : outbuf_drain(&S.out);
	if (r < 0) {
		failed();
		return;
	}
	if (r > 0 && S.watch)
		lws_callback_on_writable(S.watch);
	/* Resume reading clients once a good part of the buffer is free. */
	if (S.throttled && S.out.len <= S.out.cap / 2)
		set_throttle(0);
}

/*
 * After each line there is always room for one more of the longest kind,
 * because we stop reading clients before that room runs out; the blocking
 * drain is a fallback that keeps lines whole.
 */
void wsout_line(const char *text, size_t n)
{
	char *dst;

	if (S.dead)
		return;
	/*
	 * The first line of a turn asks for a writable callback on stdout:
	 * lines queued from timers (dead clients) or at the end of a turn must
	 * not wait for the next network event.
	 */
	if (S.out.len == 0 && S.watch)
		lws_callback_on_writable(S.watch);
	else if (S.out.len == 0 && S.ctx)
		lws_cancel_service(S.ctx); /* a file: the loop flushes after this turn */
	dst = outbuf_reserve(&S.out, n + 1);
	if (dst == NULL) {
		if (outbuf_drain(&S.out) < 0) {
			failed();
			return;
		}
		dst = outbuf_reserve(&S.out, n + 1);
	}
	outbuf_commit(&S.out, msgline_from_message(dst, text, n));
	if (outbuf_room(&S.out) < S.max + 1)
		set_throttle(1);
}

void wsout_watch_closed(int ending)
{
	S.watch = NULL;
	if (!S.dead && !ending) {
		errno = EPIPE;
		failed();
	}
}

void wsout_finish(void)
{
	S.ctx = NULL; /* destroyed by now: nothing to wake */
	S.watch = NULL;
	if (!S.dead && S.out.len && outbuf_drain(&S.out) < 0)
		failed();
	if (S.orig_flags != -1)
		fcntl(STDOUT_FILENO, F_SETFL, S.orig_flags);
	outbuf_free(&S.out);
}
