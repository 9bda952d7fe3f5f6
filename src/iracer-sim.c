/*
 * iracer-sim: a virtual i-Racer. Reads command bytes where a car would
 * (stdin, a UNIX socket, a pty, an RFCOMM channel) or a plan in virtual
 * time, moves a model car, and reports where it went: JSON telemetry lines,
 * an SVG picture and a summary.
 */
#include "clock.h"
#include "link.h"
#include "listen.h"
#include "model.h"
#include "plan.h"
#include "protocol.h"
#include "sideout.h"
#include "svg.h"
#include "util.h"

#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage_lines[] =
	"usage: iracer-sim [-jpv] [-l unix:path] [--rfcomm channel] [--plan] [--svg file]\n"
	"                  [--title text] [--rate hz] [--top-speed m/s] [--dead-speed level]\n"
	"                  [--radius m]\n";

static const char help_text[] =
	"Simulate an i-Racer: read command bytes from stdin (or listen for them),\n"
	"move a model car, report where it went.\n"
	"\n"
	"  -l, --listen unix:PATH  listen on a UNIX stream socket, one connection at a time\n"
	"                          (like the car, a second one is refused while one is open)\n"
	"  -p, --pty               create a pseudo-terminal (path on stderr), like /dev/rfcomm0\n"
	"      --rfcomm CHANNEL    listen on a Bluetooth RFCOMM channel (" LINK_CHANNEL_RANGE ")\n"
	"      --plan              read 'SECONDS BYTE COMMAND' plan lines, simulate in virtual "
	"time\n"
	"  -j, --telemetry         JSON lines on stdout: one per byte, --rate per second while "
	"moving\n"
	"      --rate HZ           telemetry lines per second while moving (default 20)\n"
	"      --svg FILE          write the driven path as an SVG picture on exit\n"
	"      --title TEXT        the picture's title (default: iracer-sim)\n"
	"      --top-speed M/S     ground speed at speed level 15 (default 1.5)\n"
	"      --dead-speed LEVEL  levels up to this one do not move the car (default 5)\n"
	"      --radius M          turning radius of forward/backward-left/right (default 0.6)\n"
	"  -v, --verbose           log every byte on stderr\n"
	"  -h, --help              print this help and exit\n"
	"      --version           print the version and exit\n";

enum {
	OPT_RFCOMM = 256,
	OPT_PLAN,
	OPT_RATE,
	OPT_SVG,
	OPT_TITLE,
	OPT_TOP,
	OPT_DEAD,
	OPT_RADIUS,
	OPT_VERSION
};

static const struct option long_options[] = {
	{"listen", required_argument, NULL, 'l'},
	{"pty", no_argument, NULL, 'p'},
	{"rfcomm", required_argument, NULL, OPT_RFCOMM},
	{"plan", no_argument, NULL, OPT_PLAN},
	{"telemetry", no_argument, NULL, 'j'},
	{"rate", required_argument, NULL, OPT_RATE},
	{"svg", required_argument, NULL, OPT_SVG},
	{"title", required_argument, NULL, OPT_TITLE},
	{"top-speed", required_argument, NULL, OPT_TOP},
	{"dead-speed", required_argument, NULL, OPT_DEAD},
	{"radius", required_argument, NULL, OPT_RADIUS},
	{"verbose", no_argument, NULL, 'v'},
	{"help", no_argument, NULL, 'h'},
	{"version", no_argument, NULL, OPT_VERSION},
	{NULL, 0, NULL, 0},
};

enum source { SRC_STDIN, SRC_PLAN, SRC_UNIX, SRC_PTY, SRC_RFCOMM };

struct options {
	enum source source;
	const char *unix_path;
	long channel;
	int telemetry, verbose;
	double rate;
	const char *svg, *title;
	struct model_params params;
};

struct sim {
	struct model car;
	struct track track;
	int64_t t;	   /* ns since the start, up to which the car has been moved */
	int64_t last_line; /* ns, when the last telemetry line was written */
	int64_t tick;	   /* ns between telemetry lines while moving */
	int telemetry, verbose;
	int failed; /* exit status to report, 0 while all is well */
};

static volatile sig_atomic_t stop_signal;

static void on_stop_signal(int sig)
{
	if (sig != SIGCONT)
		stop_signal = sig;
}

static int moving(const struct sim *s)
{
	return s->car.motion.v != 0;
}

/* Three decimals, and no "-0.000" for a value that rounds to zero. */
static double tidy(double v, double unit)
{
	return fabs(v) < unit / 2 ? 0 : v;
}

/* A telemetry reader that left is reported once: exit 74. */
static void check_stdout(struct sim *s)
{
	if (s->telemetry && !s->failed && side_error(STDOUT_FILENO)) {
		errno = side_error(STDOUT_FILENO);
		warn("stdout");
		s->failed = EX_IOERR;
	}
}

static void telemetry_line(struct sim *s, const uint8_t *byte)
{
	char what[DESCRIBE_MAX], head[64] = "", line[256];
	const struct pose *p = &s->car.pose;
	int n;

	if (!s->telemetry || s->failed)
		return;
	if (byte != NULL)
		snprintf(head, sizeof(head), "\"byte\":\"0x%02x\",\"command\":\"%s\",", *byte,
			byte_describe(*byte, what, sizeof(what)));
	n = snprintf(line, sizeof(line),
		"{\"type\":\"telemetry\",\"t\":%.3f,%s\"x\":%.3f,\"y\":%.3f,\"heading\":%.1f,"
		"\"speed\":%.2f}\n",
		(double)s->t / NS_PER_S, head, tidy(p->x, 1e-3), tidy(p->y, 1e-3),
		tidy(heading_degrees(p->heading), 0.1), tidy(s->car.motion.v, 0.01));
	s->last_line = s->t;
	/* a line is due now, not when a buffer fills; a stalled reader loses it */
	if (n > 0 && (size_t)n < sizeof(line))
		side_put(STDOUT_FILENO, line, (size_t)n);
	check_stdout(s);
}

/*
 * Move the car to time t (ns), with a telemetry line at every tick on the
 * way; a tick at t itself only when tick_at_end (a byte's own line at t
 * would repeat it).
 */
static void sim_advance(struct sim *s, int64_t t, int tick_at_end)
{
	while (s->t < t) {
		int64_t next = t;
		if (s->telemetry && moving(s) && s->last_line + s->tick < next)
			next = s->last_line + s->tick;
		if (next <= s->t)
			next = t;
		double dt = (double)(next - s->t) / NS_PER_S;
		if (track_add(&s->track, s->car.pose, s->car.motion, dt) < 0)
			err(EX_OSERR, "track");
		model_step(&s->car, dt);
		s->t = next;
		if (next < t || (tick_at_end && s->telemetry && moving(s) &&
					s->last_line + s->tick == next))
			telemetry_line(s, NULL);
	}
}

/* The next time the telemetry wants a line, or NO_DEADLINE. */
static int64_t sim_next_tick(const struct sim *s)
{
	return s->telemetry && moving(s) ? s->last_line + s->tick : NO_DEADLINE;
}

static void sim_byte(struct sim *s, uint8_t b, int64_t t)
{
	char what[DESCRIBE_MAX], now[DESCRIBE_MAX];

	sim_advance(s, t, 0);
	if (s->verbose)
		warnx("%.3f 0x%02x %s", (double)t / NS_PER_S, b,
			byte_describe(b, what, sizeof(what)));
	if (model_command(&s->car, b) < 0)
		warnx("byte 0x%02x: direction 0x%x is not one the car knows; ignored "
		      "(still %s)",
			b, b >> 4, byte_describe(s->car.byte, now, sizeof(now)));
	telemetry_line(s, &b);
}

static void summary(const struct sim *s)
{
	const struct pose *p = &s->car.pose;

	warnx("distance %.3f m, time %.3f s, final x %.3f m, y %.3f m, heading %.1f deg",
		s->car.distance, (double)s->t / NS_PER_S, tidy(p->x, 1e-3), tidy(p->y, 1e-3),
		tidy(heading_degrees(p->heading), 0.1));
}

static int write_picture(const struct sim *s, const struct options *o)
{
	struct svg_info info = {
		o->title, o->params.top_speed, s->car.distance, (double)s->t / NS_PER_S};
	FILE *f = fopen(o->svg, "w");

	if (f == NULL) {
		warn("%s", o->svg);
		return EX_IOERR;
	}
	if (svg_write(f, &s->track, s->car.pose, &info) < 0 || fclose(f) != 0) {
		warn("%s", o->svg);
		return EX_IOERR;
	}
	return 0;
}

static void run_plan(struct sim *s)
{
	struct plan_step step;
	char *line = NULL, err_text[128], what[DESCRIBE_MAX];
	size_t cap = 0, lineno = 0;
	int64_t last = 0;
	ssize_t len;
	int r;

	while (!stop_signal && !s->failed && (len = getline(&line, &cap, stdin)) >= 0) {
		lineno++;
		if (len > 0 && line[len - 1] == '\n')
			len--;
		r = plan_parse(line, (size_t)len, &step, err_text, sizeof(err_text));
		if (r < 0)
			errx(EX_DATAERR, "stdin:%zu: %s", lineno, err_text);
		if (r == 0)
			continue;
		if (step.at_ns < last)
			errx(EX_DATAERR, "stdin:%zu: time %.3f s goes back before %.3f s", lineno,
				(double)step.at_ns / NS_PER_S, (double)last / NS_PER_S);
		last = step.at_ns;
		sim_byte(s, step.byte, step.at_ns);
	}
	if (ferror(stdin) && !stop_signal)
		err(EX_IOERR, "stdin");
	free(line);
	if (moving(s) && !s->failed && !stop_signal)
		warnx("the plan ends with the car still moving (%s); shown up to its last step",
			byte_describe(s->car.byte, what, sizeof(what)));
}

/* Read what is there and simulate each byte in order at its arrival time. */
static int take_bytes(struct sim *s, int fd, int64_t start)
{
	uint8_t buf[4096];
	ssize_t n, i;
	int64_t t;

	n = read(fd, buf, sizeof(buf));
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return 1;
	if (n < 0) {
		/* RFCOMM reports an ordinary disconnect by the far end as a reset */
		if (errno != ECONNRESET)
			warn("read");
		return 0;
	}
	/* one read, one arrival time: the bytes came together */
	t = clock_now() - start;
	for (i = 0; i < n; i++)
		sim_byte(s, buf[i], t);
	return n > 0;
}

/*
 * Like the car, one connection at a time: while one is open the listening
 * socket is closed (its file stays), so a second sender is refused at once
 * instead of waiting unseen in the backlog, believing it is connected.
 */
static void pause_listening(struct listener *l)
{
	if (l->kind != LISTEN_PTY && l->fd >= 0) {
		close(l->fd);
		l->fd = -1;
	}
}

static void resume_listening(struct listener *l, const struct options *o)
{
	if (l->kind == LISTEN_PTY || l->fd >= 0)
		return;
	listen_close(l); /* removes the socket file if it is still ours */
	if (o->source == SRC_UNIX && listen_unix(l, o->unix_path) < 0)
		err(EX_UNAVAILABLE, LINK_UNIX_PREFIX "%s", o->unix_path);
	if (o->source == SRC_RFCOMM && listen_rfcomm(l, (int)o->channel) < 0)
		err(EX_UNAVAILABLE, "rfcomm channel %ld", o->channel);
}

/* Wait for input, a telemetry tick or a side output; acts on signals. */
static int live_wait(struct sim *s, int fd, int64_t start, const sigset_t *waitmask)
{
	struct pollfd p[1 + SIDE_NFDS] = {{.fd = fd, .events = POLLIN}};
	int64_t tick = sim_next_tick(s);
	int r;

	side_pollfds(p + 1);
	r = clock_poll_until(
		p, 1 + SIDE_NFDS, tick == NO_DEADLINE ? NO_DEADLINE : start + tick, waitmask);
	if (r < 0 && errno != EINTR)
		err(EX_OSERR, "poll");
	side_flush();
	check_stdout(s);
	if (stop_signal && is_suspend_signal(stop_signal)) {
		/* a car has nothing to stop first: just suspend */
		stop_signal = 0;
		suspend_self();
	}
	sim_advance(s, clock_now() - start, 1);
	return r > 0 && p[0].revents;
}

/*
 * Bytes arrive in real time from fd, or from connections accepted on l
 * when l is not NULL. Ends on EOF of a plain fd or on a signal.
 */
static void run_live(struct sim *s, struct listener *l, const struct options *o, int fd,
	int64_t start, const sigset_t *waitmask)
{
	char peer[128], what[DESCRIBE_MAX];
	int count = 0;

	while (!stop_signal && !s->failed) {
		int waiting = l != NULL && fd < 0;
		if (!live_wait(s, waiting ? l->fd : fd, start, waitmask))
			continue;
		if (waiting) {
			fd = listen_accept(l, peer, sizeof(peer));
			if (fd < 0) {
				warn("accept");
				continue;
			}
			set_nonblock(fd, 1);
			pause_listening(l);
			warnx("connection %d %s", ++count, peer);
			continue;
		}
		if (take_bytes(s, fd, start))
			continue;
		if (l == NULL || !listen_is_stream(l))
			return; /* end of input; a pty whose master fails cannot recover */
		/* a real car whose link drops keeps doing what it was told */
		warnx("connection closed; the car keeps its last command (%s)",
			byte_describe(s->car.byte, what, sizeof(what)));
		close(fd);
		fd = -1;
		resume_listening(l, o);
	}
	if (l != NULL && fd >= 0 && listen_is_stream(l))
		close(fd);
}

static void open_source(const struct options *o, struct listener *l)
{
	switch (o->source) {
	case SRC_UNIX:
		if (listen_unix(l, o->unix_path) < 0) {
			if (errno == EADDRINUSE)
				errx(EX_UNAVAILABLE,
					LINK_UNIX_PREFIX "%s: the path exists; not replacing it "
							 "(remove it if it is a stale socket)",
					o->unix_path);
			err(EX_UNAVAILABLE, LINK_UNIX_PREFIX "%s", o->unix_path);
		}
		warnx("listening on " LINK_UNIX_PREFIX "%s", o->unix_path);
		break;
	case SRC_PTY:
		if (listen_pty(l) < 0)
			err(EX_UNAVAILABLE, "pty");
		warnx("pty %s", l->path);
		break;
	case SRC_RFCOMM:
		if (listen_rfcomm(l, (int)o->channel) < 0) {
			if (errno == EAFNOSUPPORT)
				errx(EX_UNAVAILABLE,
					"rfcomm channel %ld: no Bluetooth in this "
					"kernel (%s)",
					o->channel, strerror(errno));
			err(EX_UNAVAILABLE, "rfcomm channel %ld", o->channel);
		}
		warnx("listening on RFCOMM channel %ld", o->channel);
		break;
	default:
		break;
	}
}

static void set_source(struct options *o, enum source src)
{
	if (o->source != SRC_STDIN && o->source != src)
		usage_error("choose one of -l, --pty, --rfcomm and --plan");
	o->source = src;
}

static void parse_options(int argc, char **argv, struct options *o)
{
	int c;

	usage_text = usage_lines;
	*o = (struct options){.source = SRC_STDIN,
		.rate = 20,
		.params = {MODEL_TOP_SPEED, MODEL_DEAD_SPEED, MODEL_RADIUS}};
	while ((c = getopt_long(argc, argv, "l:pjvh", long_options, NULL)) != -1) {
		switch (c) {
		case 'l':
			if (strncmp(optarg, LINK_UNIX_PREFIX, strlen(LINK_UNIX_PREFIX)) != 0 ||
				optarg[strlen(LINK_UNIX_PREFIX)] == '\0')
				usage_error("-l: expected unix:PATH, not '%s'", optarg);
			set_source(o, SRC_UNIX);
			o->unix_path = optarg + strlen(LINK_UNIX_PREFIX);
			break;
		case 'p':
			set_source(o, SRC_PTY);
			break;
		case OPT_RFCOMM:
			o->channel =
				option_long("--rfcomm", optarg, LINK_CHANNEL_MIN, LINK_CHANNEL_MAX);
			set_source(o, SRC_RFCOMM);
			break;
		case OPT_PLAN:
			set_source(o, SRC_PLAN);
			break;
		case 'j':
			o->telemetry = 1;
			break;
		case OPT_RATE:
			o->rate = option_double("--rate", optarg, 0.1, 1000);
			break;
		case OPT_SVG:
			o->svg = optarg;
			break;
		case OPT_TITLE:
			o->title = optarg;
			break;
		case OPT_TOP:
			o->params.top_speed = option_double("--top-speed", optarg, 0.01, 100);
			break;
		case OPT_DEAD:
			o->params.dead_speed =
				(int)option_long("--dead-speed", optarg, SPEED_MIN, SPEED_MAX);
			break;
		case OPT_RADIUS:
			o->params.radius = option_double("--radius", optarg, 0.01, 1000);
			break;
		case 'v':
			o->verbose = 1;
			break;
		case 'h':
			fputs(usage_lines, stdout);
			fputs(help_text, stdout);
			exit(0);
		case OPT_VERSION:
			print_version();
			break;
		default:
			usage_error(NULL);
		}
	}
	if (optind < argc)
		usage_error("unexpected argument '%s'", argv[optind]);
}

int main(int argc, char **argv)
{
	struct options o;
	struct listener l;
	struct sim s;
	sigset_t waitmask;
	int64_t start;
	int status;

	program_start();
	stderr_whole_lines();
	parse_options(argc, argv, &o);
	atexit(close_stdout);
	signal(SIGPIPE, SIG_IGN); /* a lost telemetry reader is reported as EPIPE */

	memset(&s, 0, sizeof(s));
	model_init(&s.car, &o.params);
	track_init(&s.track);
	s.telemetry = o.telemetry;
	s.verbose = o.verbose;
	s.tick = clock_ns_from_s(1 / o.rate);

	if (o.source == SRC_PLAN) {
		catch_end_signals(on_stop_signal);
		run_plan(&s);
	} else {
		/* Signals stay blocked except inside ppoll, so none slips past a check. */
		block_stop_signals(on_stop_signal, &waitmask);
		/* a stalled reader of -j or stderr must not stall the car's reading */
		side_open(STDERR_FILENO);
		if (s.telemetry)
			side_open(STDOUT_FILENO);
		open_source(&o, &l);
		start = clock_now();
		if (o.source == SRC_STDIN) {
			run_live(&s, NULL, &o, STDIN_FILENO, start, &waitmask);
		} else {
			/* a pty is always "connected": writers come and go unseen */
			int fd = o.source == SRC_PTY ? l.fd : -1;
			run_live(&s, &l, &o, fd, start, &waitmask);
			listen_close(&l);
		}
		sim_advance(&s, clock_now() - start, 0);
	}

	status = s.failed;
	if (o.svg != NULL && write_picture(&s, &o) != 0)
		status = EX_IOERR;
	summary(&s);
	track_free(&s.track);
	return status;
}
