/*
 * iracer-send: command bytes from standard input to the car.
 *
 * One poll loop serves standard input, the link (connecting, up, or waiting
 * to retry), the watchdog deadline and the stop signals. Bytes read while
 * the link is up go out at once; bytes read while it is down are dropped,
 * because a stale command must never reach a car that has moved on.
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
#include "util.h"

#define BACKOFF_FIRST (NS_PER_S / 4)
#define BACKOFF_MAX (5 * NS_PER_S)
#define TIMEOUT_DEFAULT 10.0

struct options {
	int stop_at_eof;
	int reconnect;
	int verbose;
	int echo;
	long channel;
	double timeout_s;
	long watchdog_ms; /* 0: off */
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
	int last_errno; /* of the last failed attempt, to warn once per reason */
};

static volatile sig_atomic_t stop_signal;
static sigset_t wait_mask; /* the signal mask with the stop signals let through */

static void on_stop_signal(int sig)
{
	stop_signal = sig;
}

#define USAGE "usage: iracer-send [-eRSv] [-c channel] [-t secs] [-w ms] [target]\n"

static void usage(FILE *f, int status)
{
	if (f == stderr) {
		fprintf(f, USAGE "Try 'iracer-send --help' for more information.\n");
		exit(status);
	}
	fprintf(f, USAGE
		"Send command bytes from standard input to an i-Racer car.\n"
		"\n"
		"  -c, --channel N      RFCOMM channel, 1-30 (default 1)\n"
		"  -e, --echo           print a JSON line for every byte sent and link change\n"
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
	exit(status);
}

static void parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{"channel", required_argument, NULL, 'c'},
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
	*o = (struct options){.channel = LINK_CHANNEL_DEFAULT, .timeout_s = TIMEOUT_DEFAULT};
	while ((c = getopt_long(argc, argv, "c:eRSt:vw:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			if (parse_long(optarg, LINK_CHANNEL_MIN, LINK_CHANNEL_MAX, &o->channel) < 0)
				errx(EX_USAGE, "-c: RFCOMM channel must be 1-30, not '%s'", optarg);
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
			if (parse_double(optarg, 0.01, 3600, &o->timeout_s) < 0)
				errx(EX_USAGE,
					"-t: connect timeout must be 0.01-3600 seconds, not '%s'",
					optarg);
			break;
		case 'v':
			o->verbose = 1;
			break;
		case 'w':
			if (parse_long(optarg, 1, 3600000, &o->watchdog_ms) < 0)
				errx(EX_USAGE,
					"-w: watchdog must be 1-3600000 milliseconds, not '%s'",
					optarg);
			break;
		case 'h':
			usage(stdout, 0);
			break;
		case 'V':
			print_version();
			break;
		default:
			usage(stderr, EX_USAGE);
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

/* A line on stdout at once; a lost line is an I/O error, the car is stopped. */
static void echo_line(struct sender *s, const char *fmt, ...)
{
	char line[128];
	va_list ap;
	int n;

	if (!s->o.echo)
		return;
	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(line) || write_all(STDOUT_FILENO, line, (size_t)n) < 0) {
		warn("stdout");
		s->o.echo = 0;
		finish(s, EX_IOERR);
	}
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
		echo_line(s, "{\"t\":%.3f,\"byte\":\"0x%02x\",\"command\":\"%s\"}\n",
			since_start(s), buf[i], desc);
	}
	if (n > 0)
		s->last_sent = buf[n - 1];
	s->sent_on_link += n;
}

static void close_link(struct sender *s)
{
	int was_up = s->state == LINK_UP;

	link_close(&s->target, s->fd);
	s->fd = -1;
	s->state = LINK_DOWN;
	if (was_up)
		echo_line(s, "{\"link\":\"down\"}\n");
}

/* Leave with the car stopped when asked to (status 0 or an error status). */
static void finish(struct sender *s, int status)
{
	static const uint8_t stop = BYTE_STOP;
	int deliver = status != 0 || stop_signal || s->o.stop_at_eof;

	/*
	 * At the end of input, a car whose last byte on this link was a stop is
	 * already stopped (a route from iracer-cmd ends with one): a second stop
	 * would only blur what was sent. Signals and errors always send one.
	 */
	if (status == 0 && !stop_signal && s->sent_on_link > 0 && s->last_sent == BYTE_STOP)
		deliver = 0;

	if (deliver && s->state == LINK_UP) {
		if (write_all(s->fd, &stop, 1) < 0) {
			warn("%s: stop not delivered", s->o.target);
			status = EX_UNAVAILABLE;
		} else {
			note_sent(s, &stop, 1);
		}
	} else if (deliver && status == 0) {
		warnx("%s: stop not delivered: the link is not up", s->o.target);
		status = EX_UNAVAILABLE;
	}
	/* a second signal interrupts a tty drain that hangs */
	sigprocmask(SIG_SETMASK, &wait_mask, NULL);
	close_link(s);
	exit(status);
}

static void link_lost(struct sender *s, const char *why)
{
	close_link(s);
	if (!s->o.reconnect)
		errx(EX_UNAVAILABLE, "%s: link lost: %s", s->o.target, why);
	warnx("%s: link lost: %s; reconnecting", s->o.target, why);
	s->backoff = BACKOFF_FIRST;
	s->retry_at = clock_now() + s->backoff;
	s->last_errno = 0;
}

static void send_bytes(struct sender *s, const uint8_t *buf, size_t n)
{
	if (write_all(s->fd, buf, n) < 0) {
		link_lost(s, strerror(errno));
		return;
	}
	note_sent(s, buf, n);
}

static void link_is_up(struct sender *s, int fd)
{
	static const uint8_t stop = BYTE_STOP;

	s->fd = fd;
	s->state = LINK_UP;
	s->sent_on_link = 0;
	s->reading = 1;
	s->backoff = BACKOFF_FIRST;
	s->last_errno = 0;
	if (s->o.verbose)
		warnx("%s: connected", s->o.target);
	echo_line(s, "{\"link\":\"up\"}\n");
	/* the car's state is unknown after an outage: start from stopped */
	if (s->o.reconnect)
		send_bytes(s, &stop, 1);
}

static void connect_failed(struct sender *s, int errnum, const char *prefix)
{
	char why[256];

	link_reason(&s->target, errnum, why, sizeof(why));
	s->state = LINK_DOWN;
	s->fd = -1;
	if (!s->o.reconnect || link_fatal(errnum))
		errx(EX_UNAVAILABLE, "%s: %s%s", s->o.target, prefix, why);
	if (s->o.verbose || errnum != s->last_errno)
		warnx("%s: %s%s; retrying in %.2f s", s->o.target, prefix, why,
			(double)s->backoff / (double)NS_PER_S);
	s->last_errno = errnum;
	s->reading = 1;
	s->retry_at = clock_now() + s->backoff;
	s->backoff = s->backoff * 2 > BACKOFF_MAX ? BACKOFF_MAX : s->backoff * 2;
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
	send_bytes(s, buf, (size_t)r);
}

static int watchdog_armed(const struct sender *s)
{
	return s->o.watchdog_ms > 0 && s->state == LINK_UP && s->last_sent != BYTE_STOP;
}

static int64_t next_deadline(const struct sender *s)
{
	switch (s->state) {
	case LINK_DOWN:
		return s->retry_at;
	case LINK_CONNECTING:
		return s->connect_end;
	case LINK_UP:
		if (watchdog_armed(s))
			return s->last_input + s->o.watchdog_ms * NS_PER_MS;
	}
	return NO_DEADLINE;
}

static void watchdog_fire(struct sender *s)
{
	static const uint8_t stop = BYTE_STOP;

	if (s->o.verbose)
		warnx("watchdog: no input for %ld ms, stopping the car", s->o.watchdog_ms);
	send_bytes(s, &stop, 1);
}

static void run_timers(struct sender *s)
{
	int64_t now = clock_now();

	if (s->state == LINK_DOWN && now >= s->retry_at)
		try_connect(s);
	else if (s->state == LINK_CONNECTING && now >= s->connect_end)
		connect_timed_out(s);
	else if (watchdog_armed(s) && now >= next_deadline(s))
		watchdog_fire(s);
}

static void run(struct sender *s)
{
	for (;;) {
		struct pollfd p[2] = {
			{.fd = s->reading ? STDIN_FILENO : -1, .events = POLLIN},
			{.fd = s->fd, .events = s->state == LINK_UP ? POLLIN : POLLOUT},
		};
		int rc;

		if (stop_signal) {
			if (s->o.verbose)
				warnx("%s: stopping the car", strsignal(stop_signal));
			finish(s, 0);
		}
		rc = clock_poll_until(p, 2, next_deadline(s), &wait_mask);
		if (rc < 0) {
			if (errno == EINTR)
				continue;
			warn("ppoll");
			finish(s, EX_OSERR);
		}
		/* the link first: input read after a loss must be dropped */
		if (p[1].revents && s->state == LINK_UP)
			link_event(s);
		else if (p[1].revents && s->state == LINK_CONNECTING)
			connect_ready(s);
		if (p[0].revents)
			input_event(s);
		run_timers(s);
	}
}

/* Stop signals stay blocked except inside ppoll, so none is ever missed. */
static void setup_signals(void)
{
	static const int stops[] = {SIGINT, SIGTERM, SIGHUP};
	sigset_t block;
	size_t i;

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&block);
	for (i = 0; i < sizeof(stops) / sizeof(stops[0]); i++) {
		on_signal(stops[i], on_stop_signal);
		sigaddset(&block, stops[i]);
	}
	if (sigprocmask(SIG_BLOCK, &block, &wait_mask) < 0)
		err(EX_OSERR, "sigprocmask");
	for (i = 0; i < sizeof(stops) / sizeof(stops[0]); i++)
		sigdelset(&wait_mask, stops[i]);
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
	setup_signals();
	s.start = clock_now();
	s.last_sent = BYTE_STOP;
	/* connect first: input waiting in the pipe is delivered once connected */
	try_connect(&s);
	run(&s);
	return 0;
}
