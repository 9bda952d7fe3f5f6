/* What each ws-bridge client is sent, and when; see wsfanout.h. */
#include "wsfanout.h"

#include <err.h>
#include <string.h>

#include "wskeep.h"

/*
 * The watchers' share of stdin lines (see fanout_next): so many woken per
 * loop turn; none while a driver's round trip may be on its way (this long
 * after its message), unless a line has waited the longest.
 */
#define FANOUT_BATCH 8
#define FANOUT_HOLD_US (10 * LWS_US_PER_MS)
#define FANOUT_MAX_WAIT_US (50 * LWS_US_PER_MS)

#define NOTICE_DRIVING "{\"type\":\"role\",\"ws-bridge\":\"driving\"}"
#define NOTICE_WATCHING "{\"type\":\"role\",\"ws-bridge\":\"watching\"}"

static struct {
	struct lws_context *ctx;
	struct wsring *ring;
	struct clients *list;
	int quiet;
	lws_sorted_usec_list_t sul;
	struct client *next; /* the next watcher to wake for new lines */
	lws_usec_t since;    /* when the lines not yet handed out came; 0 none */
	lws_usec_t hold_to;  /* a driver's round trip may be on its way */
} F;

void wsfanout_init(struct lws_context *ctx, struct wsring *ring, struct clients *list, int quiet)
{
	F.ctx = ctx;
	F.ring = ring;
	F.list = list;
	F.quiet = quiet;
}

static void report_drops(struct client *c, const char *when)
{
	if (!F.quiet)
		warnx("%s: %s; %llu messages dropped for this client", c->peer, when,
			(unsigned long long)c->dropped);
	c->dropping = 0;
}

/* A client whose queue is full loses its oldest. A driver is woken at once. */
static void queue_line(struct client *c)
{
	uint64_t lost = wsring_catch_up(F.ring, &c->seq);

	if (lost) {
		c->dropped += lost;
		if (!c->dropping && !F.quiet)
			warnx("%s: slow client: dropping its oldest messages", c->peer);
		c->dropping = 1;
	}
	if (c->driving)
		lws_callback_on_writable(c->wsi);
}

/*
 * The watchers get their lines FANOUT_BATCH a loop turn (a timer of 1 us
 * turns the loop without waiting), so between two batches the loop reads
 * stdin and the driver again, and not within FANOUT_HOLD_US of a driver's
 * message: its answer (the car's echo) then finds the CPUs free, not busy
 * writing to a hundred watchers and waking their readers. A watcher gets a
 * line FANOUT_MAX_WAIT_US late at the most, which no eye sees; lines that
 * came meanwhile go out together.
 */
static void fanout_next(lws_sorted_usec_list_t *sul)
{
	lws_usec_t now = lws_now_usecs();
	int n = 0;

	if (now < F.hold_to && now - F.since < FANOUT_MAX_WAIT_US) {
		lws_sul_schedule(F.ctx, 0, sul, fanout_next, F.hold_to - now);
		return;
	}
	while (F.next && n < FANOUT_BATCH) {
		struct client *c = F.next;
		F.next = c->next;
		if (!c->driving && c->seq < F.ring->head) {
			lws_callback_on_writable(c->wsi);
			n++;
		}
	}
	if (F.next)
		lws_sul_schedule(F.ctx, 0, sul, fanout_next, 1);
	else
		F.since = 0;
}

void wsfanout_lines(void)
{
	int watchers = 0;

	for (struct client *c = F.list->first; c; c = c->next) {
		queue_line(c);
		watchers += !c->driving;
	}
	if (!watchers)
		return;
	if (F.since == 0)
		F.since = lws_now_usecs();
	F.next = F.list->first;
	lws_sul_schedule(F.ctx, 0, &F.sul, fanout_next, 1);
}

void wsfanout_driver_spoke(void)
{
	F.hold_to = lws_now_usecs() + FANOUT_HOLD_US;
}

void wsfanout_tell(struct client *c, enum notice n)
{
	c->notice = n;
	lws_callback_on_writable(c->wsi);
}

static int pending(struct client *c)
{
	return c->notice != NOTICE_NONE || wskeep_pending(c->keep_next, c->keep_before) ||
	       c->seq < F.ring->head;
}

/* Send the next notice, kept line or stdin line: 1 when one went, 0 none, -1 failed. */
static int send_next(struct lws *wsi, struct client *c)
{
	unsigned char buf[LWS_PRE + sizeof(NOTICE_WATCHING)];
	unsigned char *p;
	size_t len;

	if (c->notice != NOTICE_NONE) {
		const char *text = c->notice == NOTICE_DRIVE ? NOTICE_DRIVING : NOTICE_WATCHING;
		len = strlen(text);
		p = memcpy(buf + LWS_PRE, text, len);
		c->notice = NOTICE_NONE;
	} else if ((p = (unsigned char *)wskeep_next(&c->keep_next, c->keep_before, &len)) ==
		   NULL) {
		if (c->seq >= F.ring->head)
			return 0;
		p = (unsigned char *)wsring_line(F.ring, c->seq++, &len);
	}
	return lws_write(wsi, p, len, LWS_WRITE_TEXT) < (int)len ? -1 : 1;
}

/*
 * Everything pending goes in one writable callback while the socket takes
 * it: with many clients, one poll round per line per client would make the
 * driver's echo wait behind every watcher's queue.
 */
int wsfanout_writable(struct lws *wsi, struct client *c)
{
	int r;

	if (c->closing)
		return -1; /* the close reason (1001) was set already */
	/* (lws_send_pipe_choked polls the socket: only when more is pending) */
	while ((r = send_next(wsi, c)) > 0 && pending(c) && !lws_send_pipe_choked(wsi))
		;
	if (r < 0)
		return -1;
	if (pending(c))
		lws_callback_on_writable(wsi);
	else if (c->dropping)
		report_drops(c, "caught up");
	return 0;
}

void wsfanout_forget(struct client *c)
{
	if (F.next == c)
		F.next = c->next;
	if (c->dropped)
		report_drops(c, "gone");
}

void wsfanout_stop(void)
{
	if (F.ctx)
		lws_sul_cancel(&F.sul);
	F.next = NULL;
}
