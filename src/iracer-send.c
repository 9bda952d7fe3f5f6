/*
 * iracer-send: command bytes from standard input to the car.
 *
 * One poll loop serves standard input, the link (connecting, up, or waiting
 * to retry), the watchdog deadline, the stop signals and the side outputs
 * (-e, -v, stderr), which never block: a stalled reader loses whole lines,
 * the car loses nothing. Bytes read while the link is up go out at once;
 * bytes read while it is down are dropped, because a stale command must
 * never reach a car that has moved on. For the same reason a slow link gets
 * only the newest byte: the link's send buffer is as small as the kernel
 * allows and its queue is watched, so a stop never waits behind a backlog,
 * and a link that takes no byte for the deadline is lost.
 */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "link.h"
#include "protocol.h"
#include "sideout.h"
#include "util.h"

#define BACKOFF_FIRST (NS_PER_S / 4)
#define BACKOFF_MAX (5 * NS_PER_S)
#define TIMEOUT_DEFAULT 10.0
#define DEADLINE_DEFAULT 1.0
#define OUT_CAP 4096		      /* bytes read but not yet taken by the link */
#define CHUNK 32		      /* written at once: what may queue in the kernel */
#define SLOW_AFTER (NS_PER_S / 10)    /* a queue this old makes the link "slow" */
#define RECHECK (5 * NS_PER_MS)	      /* how often a waiting byte looks at the queue */
#define RECHECK_IDLE (50 * NS_PER_MS) /* how often a queue is watched otherwise */

struct options {
	int stop_at_eof;
	int reconnect;
	int verbose;
	int echo;
	long channel;
	double timeout_s;
	double deadline_s; /* a link that takes no byte for this long is lost */
	long watchdog_ms;  /* 0: off */
	const char *target;
};

enum link_state { LINK_DOWN, LINK_CONNECTING, LINK_UP };

struct sender {
	struct options o;
	struct link_target target;
	enum link_state state;
	int fd;		     /* the link; -1 when down */
	int reading;	     /* stdin is read once the first connect attempt is over */
	int64_t start;	     /* for the echo lines' t */
	int64_t retry_at;    /* LINK_DOWN: next attempt */
	int64_t connect_end; /* LINK_CONNECTING: give up then */
	int64_t backoff;
	int64_t last_input; /* when the last byte arrived while up */
	uint8_t last_sent;
	size_t sent_on_link; /* bytes sent on the current connection */
	int last_errno;	     /* of the last failed attempt, to warn once per reason */
	uint8_t out[OUT_CAP];
	size_t out_len;	     /* bytes waiting for the link */
	long queued;	     /* what the far end has not read yet (link_queued) */
	int64_t stuck_since; /* when the queue last made progress, while queued */
};

static volatile sig_atomic_t stop_signal, resumed;
static sigset_t wait_mask; /* the signal mask with the stop signals let through */

static void on_stop_signal(int sig)
{
	if (sig == SIGCONT)
		resumed = 1;
	else
		stop_signal = sig;
}

#define USAGE "usage: iracer-send [-eRSv] [-c channel] [-d secs] [-t secs] [-w ms] [target]\n"

static void help(void)
{
	printf(USAGE
		"Send command bytes from standard input to an i-Racer car.\n"
		"\n"
		"  -c, --channel N      " LINK_CHANNEL_HELP "\n"
		"  -d, --deadline SECS  a link that takes no byte for SECS is lost (default 1)\n"
		"  -e, --echo           print a JSON line for every byte written to the link\n"
		"                       and every link change\n"
		"  -R, --reconnect      retry a failed or lost link (0.25 s doubling to 5 s)\n"
		"  -S, --stop-at-eof    send stop (0x00) when input ends\n"
		"  -t, --timeout SECS   connect timeout in seconds (default 10)\n"
		"  -v, --verbose        log every byte sent, decoded, to standard error\n"
		"  -w, --watchdog MS    send stop when no byte arrives for MS milliseconds\n"
		"  -h, --help           print this help and exit\n"
		"      --version        print the version and exit\n"
		"\n"
		"target: a Bluetooth address XX:XX:XX:XX:XX:XX, a tty path such as\n"
		"/dev/rfcomm0, or unix:PATH; default $IRACER_ADDR.\n");
	exit(0);
}

static void parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{"channel", required_argument, NULL, 'c'},
		{"deadline", required_argument, NULL, 'd'},
		{"echo", no_argument, NULL, 'e'},
		{"reconnect", no_argument, NULL, 'R'},
		{"stop-at-eof", no_argument, NULL, 'S'},
		{"timeout", required_argument, NULL, 't'},
		{"verbose", no_argument, NULL, 'v'},
		{"watchdog", required_argument, NULL, 'w'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	int c;

	argv[0] = program_invocation_short_name; /* getopt's messages */
	usage_text = USAGE;
	*o = (struct options){.channel = LINK_CHANNEL_DEFAULT,
		.timeout_s = TIMEOUT_DEFAULT,
		.deadline_s = DEADLINE_DEFAULT};
	while ((c = getopt_long(argc, argv, "c:d:eRSt:vw:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			o->channel = option_long(
				"--channel", optarg, LINK_CHANNEL_MIN, LINK_CHANNEL_MAX);
			break;
		case 'd':
			o->deadline_s = option_double("--deadline", optarg, 0.05, 3600);
			break;
		case 'e':
			o->echo = 1;
			break;
		case 'R':
			o->reconnect = 1;
			break;
		case 'S':
			o->stop_at_eof = 1;
			break;
		case 't':
			o->timeout_s = option_double("--timeout", optarg, 0.01, 3600);
			break;
		case 'v':
			o->verbose = 1;
			break;
		case 'w':
			o->watchdog_ms = option_long("--watchdog", optarg, 1, 3600000);
			break;
		case 'h':
			help();
			break;
		case 'V':
			print_version();
			break;
		default:
			usage_error(NULL);
		}
	}
	if (argc - optind > 1)
		errx(EX_USAGE, "one target only: '%s' is extra (try --help)", argv[optind + 1]);
	o->target = optind < argc ? argv[optind] : getenv("IRACER_ADDR");
	if (o->target == NULL || *o->target == '\0')
		errx(EX_USAGE, "no target: give the car's address, a tty or unix:PATH, "
			       "or set IRACER_ADDR (try --help)");
}

static void finish(struct sender *s, int status);
static void connect_failed_errno(struct sender *s, int errnum);

/*
 * A line for stdout, which never waits for its reader (sideout.h); a reader
 * that left is found by check_echo: an I/O error, the car is stopped.
 */
__attribute__((format(printf, 2, 3))) static void echo_line(struct sender *s, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n;

	if (!s->o.echo)
		return;
	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n > 0 && (size_t)n < sizeof(line))
		side_put(STDOUT_FILENO, line, (size_t)n);
}

static void check_echo(struct sender *s)
{
	if (s->o.echo && side_error(STDOUT_FILENO)) {
		errno = side_error(STDOUT_FILENO);
		warn("stdout");
		s->o.echo = 0;
		finish(s, EX_IOERR);
	}
}

/* A reason as the inside of a JSON string: quotes, backslashes, controls out. */
static const char *json_text(const char *in, char *buf, size_t n)
{
	size_t i = 0;

	for (; *in != '\0' && i + 1 < n; in++)
		buf[i++] = (*in == '"' || *in == '\\' || (unsigned char)*in < 0x20) ? '\'' : *in;
	buf[i] = '\0';
	return buf;
}

static void echo_down(struct sender *s, const char *why)
{
	char text[300];

	echo_line(s, "{\"type\":\"link\",\"link\":\"down\",\"reason\":\"%s\"}\n",
		json_text(why, text, sizeof(text)));
}

static double since_start(const struct sender *s)
{
	return (double)(clock_now() - s->start) / (double)NS_PER_S;
}

/* After the bytes went out: remember, log and echo each one. */
static void note_sent(struct sender *s, const uint8_t *buf, size_t n)
{
	char desc[DESCRIBE_MAX];
	size_t i;

	for (i = 0; i < n; i++) {
		byte_describe(buf[i], desc, sizeof(desc));
		if (s->o.verbose)
			warnx("sent 0x%02x %s", buf[i], desc);
		echo_line(s,
			"{\"type\":\"echo\",\"t\":%.3f,\"byte\":\"0x%02x\",\"command\":\"%s\"}\n",
			since_start(s), buf[i], desc);
	}
	if (n > 0)
		s->last_sent = buf[n - 1];
	s->sent_on_link += n;
}

static void close_link(struct sender *s, const char *why)
{
	int was_up = s->state == LINK_UP;

	link_close(&s->target, s->fd);
	s->fd = -1;
	s->state = LINK_DOWN;
	s->out_len = 0;
	s->queued = 0;
	if (was_up)
		echo_down(s, why);
}

static int64_t deadline_ns(const struct sender *s)
{
	return clock_ns_from_s(s->o.deadline_s);
}

/*
 * The stop, straight onto the link past anything waiting (which is stale
 * now), waiting for room for the deadline at most. Returns 0 when written,
 * or -1 with the reason in *why.
 */
static int deliver_stop(struct sender *s, const char **why)
{
	static const uint8_t stop = BYTE_STOP;
	int64_t end = clock_now() + deadline_ns(s);

	s->out_len = 0;
	for (;;) {
		struct pollfd p = {.fd = s->fd, .events = POLLOUT};
		ssize_t w = write(s->fd, &stop, 1);
		if (w == 1) {
			note_sent(s, &stop, 1);
			return 0;
		}
		if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
			*why = strerror(errno);
			return -1;
		}
		if (clock_poll_until(&p, 1, end, NULL) == 0) {
			*why = "the link takes no bytes";
			return -1;
		}
	}
}

/*
 * The last stop counts once the car took it: on a link that can tell
 * (link_queued), its queue must empty within the deadline. A car that stopped
 * reading has the byte in a queue, not in hand: it may still be moving.
 */
static int stop_taken(struct sender *s, const char **why)
{
	int64_t end = clock_now() + deadline_ns(s);

	while (link_queued(&s->target, s->fd) > 0) {
		struct pollfd none = {.fd = -1};
		if (clock_now() >= end) {
			*why = "written, but the car took no byte for the deadline";
			return -1;
		}
		clock_poll_until(&none, 1, clock_now() + RECHECK, NULL);
	}
	return 0;
}

static void push(struct sender *s);

/* At the end of input, what waits still goes, unless the link is stuck. */
static void drain_out(struct sender *s)
{
	while (s->state == LINK_UP && s->out_len > 0 && !stop_signal) {
		struct pollfd p = {.fd = s->fd, .events = POLLOUT};
		push(s);
		if (s->state != LINK_UP || s->out_len == 0)
			break;
		if (s->queued > 0 && clock_now() - s->stuck_since >= deadline_ns(s))
			break;
		clock_poll_until(&p, s->queued ? 0 : 1, clock_now() + RECHECK, &wait_mask);
	}
}

/* Leave with the car stopped when asked to (status 0 or an error status). */
static void finish(struct sender *s, int status)
{
	const char *why;
	int deliver;

	if (status == 0 && !stop_signal)
		drain_out(s);
	deliver = status != 0 || stop_signal || s->o.stop_at_eof;

	/*
	 * At the end of input, a car whose last byte on this link was a stop is
	 * already stopped (a route from iracer-cmd ends with one): a second stop
	 * would only blur what was sent. Signals and errors always send one.
	 */
	if (status == 0 && !stop_signal && s->sent_on_link > 0 && s->last_sent == BYTE_STOP)
		deliver = 0;

	if (deliver && s->state == LINK_UP) {
		if (deliver_stop(s, &why) < 0 || stop_taken(s, &why) < 0) {
			warnx("%s: stop not delivered: %s", s->o.target, why);
			status = EX_UNAVAILABLE;
		}
	} else if (deliver && status == 0) {
		warnx("%s: stop not delivered: the link is not up", s->o.target);
		status = EX_UNAVAILABLE;
	} else if (s->o.stop_at_eof && s->state == LINK_UP && stop_taken(s, &why) < 0) {
		/* -S promises a stopped car: the stop sent before must have been taken */
		warnx("%s: stop not delivered: %s", s->o.target, why);
		status = EX_UNAVAILABLE;
	}
	/* a second signal interrupts a tty drain that hangs */
	sigprocmask(SIG_SETMASK, &wait_mask, NULL);
	close_link(s, stop_signal ? strsignal(stop_signal) : status ? "error" : "end of input");
	exit(status);
}

static void link_lost(struct sender *s, const char *why)
{
	close_link(s, why);
	if (!s->o.reconnect)
		errx(EX_UNAVAILABLE, "%s: link lost: %s", s->o.target, why);
	warnx("%s: link lost: %s; reconnecting", s->o.target, why);
	s->backoff = BACKOFF_FIRST;
	s->retry_at = clock_now() + s->backoff;
	s->last_errno = 0;
}

/* Look at the link's queue: how much is unread, and since when it is stuck. */
static void watch_queue(struct sender *s, int64_t now)
{
	long q = link_queued(&s->target, s->fd);

	if (q <= 0) {
		/* -1, a kind that cannot tell: trust the writes alone */
		s->queued = 0;
		s->stuck_since = 0;
		return;
	}
	if (s->queued == 0 || q < s->queued)
		s->stuck_since = now;
	s->queued = q;
}

static int link_slow(const struct sender *s, int64_t now)
{
	return s->queued > 0 && now - s->stuck_since >= SLOW_AFTER;
}

/*
 * Bytes for the link. A slow or overfull link keeps only the newest byte:
 * what the car has not taken by now is stale.
 */
static void take_input(struct sender *s, const uint8_t *buf, size_t n)
{
	if (n == 0)
		return;
	if (link_slow(s, clock_now()) || n > OUT_CAP - s->out_len) {
		size_t dropped = s->out_len + n - 1;
		if (s->o.verbose && dropped > 0)
			warnx("%s: slow link: dropped %zu stale byte%s, kept the newest",
				s->o.target, dropped, dropped == 1 ? "" : "s");
		s->out[0] = buf[n - 1];
		s->out_len = 1;
		return;
	}
	memcpy(s->out + s->out_len, buf, n);
	s->out_len += n;
}

/*
 * Write what waits, a chunk at a time and only once the far end took the
 * last one, so at most a chunk is ever queued in the kernel; a lone stop
 * goes at once.
 */
static void push(struct sender *s)
{
	size_t n = s->out_len < CHUNK ? s->out_len : CHUNK;
	ssize_t w;

	if (s->state != LINK_UP || s->out_len == 0)
		return;
	watch_queue(s, clock_now());
	if (s->queued > 0 && !(s->out_len == 1 && s->out[0] == BYTE_STOP))
		return;
	w = write(s->fd, s->out, n);
	if (w < 0) {
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			link_lost(s, strerror(errno));
		return;
	}
	note_sent(s, s->out, (size_t)w);
	memmove(s->out, s->out + w, s->out_len - (size_t)w);
	s->out_len -= (size_t)w;
	watch_queue(s, clock_now());
}

static void link_is_up(struct sender *s, int fd)
{
	static const uint8_t stop = BYTE_STOP;

	if (link_prepare(&s->target, fd) < 0) {
		int e = errno;
		close(fd);
		connect_failed_errno(s, e);
		return;
	}
	s->fd = fd;
	s->state = LINK_UP;
	s->sent_on_link = 0;
	s->reading = 1;
	s->backoff = BACKOFF_FIRST;
	s->last_errno = 0;
	s->out_len = 0;
	s->queued = 0;
	if (s->o.verbose)
		warnx("%s: connected", s->o.target);
	echo_line(s, "{\"type\":\"link\",\"link\":\"up\"}\n");
	/* the car's state is unknown after an outage: start from stopped */
	if (s->o.reconnect) {
		take_input(s, &stop, 1);
		push(s);
	}
}

static void connect_failed(struct sender *s, int errnum, const char *prefix)
{
	char why[256], line[320];

	link_reason(&s->target, errnum, why, sizeof(why));
	snprintf(line, sizeof(line), "%s%s", prefix, why);
	s->state = LINK_DOWN;
	s->fd = -1;
	/* the first failure and every new reason: a page learns the car is unreachable */
	if (errnum != s->last_errno)
		echo_down(s, line);
	if (!s->o.reconnect || link_fatal(errnum))
		errx(EX_UNAVAILABLE, "%s: %s", s->o.target, line);
	if (s->o.verbose || errnum != s->last_errno)
		warnx("%s: %s; retrying in %.2f s", s->o.target, line,
			(double)s->backoff / (double)NS_PER_S);
	s->last_errno = errnum;
	s->reading = 1;
	s->retry_at = clock_now() + s->backoff;
	s->backoff = s->backoff * 2 > BACKOFF_MAX ? BACKOFF_MAX : s->backoff * 2;
}

static void connect_failed_errno(struct sender *s, int errnum)
{
	connect_failed(s, errnum, "");
}

static void try_connect(struct sender *s)
{
	int fd = -1;
	int rc = link_start(&s->target, &fd);

	if (rc == 0) {
		link_is_up(s, fd);
	} else if (rc == 1) {
		s->fd = fd;
		s->state = LINK_CONNECTING;
		s->connect_end = clock_now() + clock_ns_from_s(s->o.timeout_s);
	} else {
		connect_failed(s, errno, "");
	}
}

static void connect_ready(struct sender *s)
{
	if (link_finish(s->fd) == 0) {
		link_is_up(s, s->fd);
	} else {
		int e = errno;
		close(s->fd);
		connect_failed(s, e, "");
	}
}

static void connect_timed_out(struct sender *s)
{
	char prefix[64];

	close(s->fd);
	snprintf(prefix, sizeof(prefix), "no answer within %g s: ", s->o.timeout_s);
	connect_failed(s, ETIMEDOUT, prefix);
}

/* The car may talk back; nothing it says matters, but a close or error does. */
static void link_event(struct sender *s)
{
	uint8_t buf[256];
	ssize_t r = read(s->fd, buf, sizeof(buf));

	if (r > 0)
		return;
	if (r == 0)
		link_lost(s, "closed by the far end");
	else if (errno != EINTR && errno != EAGAIN)
		link_lost(s, strerror(errno));
}

static void input_event(struct sender *s)
{
	uint8_t buf[4096];
	ssize_t r = read(STDIN_FILENO, buf, sizeof(buf));

	if (r < 0) {
		if (errno == EINTR || errno == EAGAIN)
			return;
		warn("standard input");
		finish(s, EX_IOERR);
	}
	if (r == 0)
		finish(s, 0);
	if (s->state != LINK_UP) {
		if (s->o.verbose)
			warnx("link down: dropped %zd byte%s", r, r == 1 ? "" : "s");
		return;
	}
	s->last_input = clock_now();
	take_input(s, buf, (size_t)r);
	push(s);
}

/*
 * After a suspension (SIGTSTP, or SIGSTOP and SIGCONT) what waits in the
 * input was meant for a car that has moved on: drop it, send nothing stale.
 */
static void drop_stale_input(struct sender *s)
{
	static const uint8_t stop = BYTE_STOP;
	uint8_t buf[4096];
	size_t dropped = s->out_len;
	int i, saw_stop = 0;

	s->out_len = 0;
	for (i = 0; i < 256 && s->reading; i++) {
		struct pollfd p = {.fd = STDIN_FILENO, .events = POLLIN};
		ssize_t r;
		if (poll(&p, 1, 0) <= 0)
			break;
		r = read(STDIN_FILENO, buf, sizeof(buf));
		if (r <= 0)
			break; /* the end of input is seen again by the loop */
		dropped += (size_t)r;
		saw_stop |= memchr(buf, BYTE_STOP, (size_t)r) != NULL;
	}
	if (s->o.verbose)
		warnx("continued: dropped %zu stale byte%s", dropped, dropped == 1 ? "" : "s");
	/* a stop is never stale: one among them still goes */
	if (saw_stop && s->state == LINK_UP) {
		take_input(s, &stop, 1);
		push(s);
	}
}

/* SIGTSTP: stop the car, then suspend; on SIGCONT, nothing stale. */
static void suspend(struct sender *s)
{
	const char *why;
	sigset_t cont;
	struct timespec zero = {0, 0};

	stop_signal = 0;
	if (s->state == LINK_UP && deliver_stop(s, &why) < 0)
		warnx("%s: stop not delivered: %s", s->o.target, why);
	if (s->o.verbose)
		warnx("suspended; the car is stopped");
	side_flush();
	suspend_self();
	/* the SIGCONT that woke us is handled here, not later on fresh input */
	sigemptyset(&cont);
	sigaddset(&cont, SIGCONT);
	sigtimedwait(&cont, NULL, &zero);
	resumed = 0;
	drop_stale_input(s);
}

static int watchdog_armed(const struct sender *s)
{
	return s->o.watchdog_ms > 0 && s->state == LINK_UP && s->last_sent != BYTE_STOP;
}

static int64_t min64(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

static int64_t next_deadline(const struct sender *s)
{
	int64_t t = NO_DEADLINE;

	switch (s->state) {
	case LINK_DOWN:
		return s->retry_at;
	case LINK_CONNECTING:
		return s->connect_end;
	case LINK_UP:
		if (watchdog_armed(s))
			t = s->last_input + s->o.watchdog_ms * NS_PER_MS;
		/* an unread queue is watched: for room, and for the deadline */
		if (s->queued > 0)
			t = min64(t, min64(s->stuck_since + deadline_ns(s),
					     clock_now() + (s->out_len ? RECHECK : RECHECK_IDLE)));
	}
	return t;
}

static void watchdog_fire(struct sender *s)
{
	static const uint8_t stop = BYTE_STOP;

	if (s->o.verbose)
		warnx("watchdog: no input for %ld ms, stopping the car", s->o.watchdog_ms);
	s->last_input = clock_now();
	/* a stop goes first: what waited before it is stale */
	s->out[0] = stop;
	s->out_len = 1;
	push(s);
}

static void link_timers(struct sender *s, int64_t now)
{
	char why[64];

	watch_queue(s, now);
	if (s->queued > 0 && now - s->stuck_since >= deadline_ns(s)) {
		snprintf(why, sizeof(why), "the car took no byte for %g s", s->o.deadline_s);
		link_lost(s, why);
		return;
	}
	push(s);
	if (watchdog_armed(s) && now >= s->last_input + s->o.watchdog_ms * NS_PER_MS)
		watchdog_fire(s);
}

static void run_timers(struct sender *s)
{
	int64_t now = clock_now();

	if (s->state == LINK_DOWN && now >= s->retry_at)
		try_connect(s);
	else if (s->state == LINK_CONNECTING && now >= s->connect_end)
		connect_timed_out(s);
	else if (s->state == LINK_UP)
		link_timers(s, now);
}

static void check_signals(struct sender *s)
{
	if (stop_signal && is_suspend_signal(stop_signal))
		suspend(s);
	if (stop_signal) {
		if (s->o.verbose)
			warnx("%s: stopping the car", strsignal(stop_signal));
		finish(s, 0);
	}
	if (resumed) {
		resumed = 0;
		drop_stale_input(s);
	}
}

static void run(struct sender *s)
{
	for (;;) {
		struct pollfd p[2 + SIDE_NFDS] = {
			{.fd = s->reading ? STDIN_FILENO : -1, .events = POLLIN},
			{.fd = s->fd, .events = s->state == LINK_UP ? POLLIN : POLLOUT},
		};
		int rc;

		check_signals(s);
		if (s->state == LINK_UP && s->out_len > 0 && s->queued == 0)
			p[1].events |= POLLOUT;
		side_pollfds(p + 2);
		rc = clock_poll_until(p, 2 + SIDE_NFDS, next_deadline(s), &wait_mask);
		if (rc < 0) {
			if (errno == EINTR)
				continue;
			warn("ppoll");
			finish(s, EX_OSERR);
		}
		side_flush();
		check_echo(s);
		/* the link first: input read after a loss must be dropped */
		if (p[1].revents && s->state == LINK_UP) {
			if (p[1].revents & ~POLLOUT)
				link_event(s);
			push(s);
		} else if (p[1].revents && s->state == LINK_CONNECTING) {
			connect_ready(s);
		}
		if (p[0].revents)
			input_event(s);
		run_timers(s);
	}
}

int main(int argc, char **argv)
{
	struct sender s = {.fd = -1, .state = LINK_DOWN, .backoff = BACKOFF_FIRST};
	char why[256];

	program_start();
	stderr_whole_lines();
	parse_options(argc, argv, &s.o);
	if (link_parse(s.o.target, (int)s.o.channel, &s.target, why, sizeof(why)) < 0)
		errx(EX_USAGE, "%s: %s", s.o.target, why);
	/* typed text is no command: "stop" would be four bytes of driving */
	if (isatty(STDIN_FILENO))
		warnx("standard input is a terminal: each key is sent as a command byte, "
		      "not as text (for words such as 'forward 8' use iracer-cmd | iracer-send)");
	/* a lost echo reader is reported as EPIPE, never a silent death */
	signal(SIGPIPE, SIG_IGN);
	block_stop_signals(on_stop_signal, &wait_mask);
	side_open(STDERR_FILENO);
	if (s.o.echo)
		side_open(STDOUT_FILENO);
	s.start = clock_now();
	s.last_sent = BYTE_STOP;
	/* connect first: input waiting in the pipe is delivered once connected */
	try_connect(&s);
	run(&s);
	return 0;
}
