/*
 * iracer-cmd: text commands in, i-Racer command bytes out, each written with
 * write(2) at the moment it is due. Timed commands are scheduled against
 * absolute CLOCK_MONOTONIC deadlines (the next deadline is the previous one
 * plus the duration), so a long route does not drift.
 *
 * The input is read with read(2) and poll(2), never stdio: whether the next
 * line "has already arrived" when a hold ends decides between flowing on and
 * sending a stop byte, and only the fd can answer that without blocking.
 *
 * Every wait is a ppoll(2) that lets the stop signals in, opening a FIFO
 * included (files are opened O_NONBLOCK and then polled), and writing: the
 * output and standard error get descriptions of their own that never block.
 * Fresh, not stale: with -i the newest waiting line wins, and a route that
 * fell behind (suspended, starved) sends only the step due now.
 */
#include "clock.h"
#include "command.h"
#include "plan.h"
#include "protocol.h"
#include "sideout.h"
#include "util.h"

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Name of standard input in messages ("<stdin>:3: ..."). */
#define STDIN_NAME "<stdin>"
#define READ_BUF (4 * COMMAND_LINE_MAX)
/* Live mode repeats a timed hold's byte this often: a third of iracer-drive's watchdog. */
#define KEEPALIVE_NS (100 * NS_PER_MS)
/*
 * Live mode: input after a silence longer than QUIET_NS (iracer-drive's
 * watchdog) waits SETTLE_NS for company. Commands that come that close
 * together then were queued behind a stall (a stopped ws-bridge or jq), not
 * typed or sent by a page: all of them are stale. SETTLE_MAX_NS bounds it.
 */
#define QUIET_NS (300 * NS_PER_MS)
#define SETTLE_NS (20 * NS_PER_MS)
#define SETTLE_MAX_NS (500 * NS_PER_MS)

enum mode { MODE_RUN, MODE_PLAN, MODE_CHECK, MODE_DECODE };

/* What waiting for input or for a deadline gave. */
enum got { GOT, LATER, END, SIGNALLED, STALE };

/* The operands, read one after another and split into lines. */
struct reader {
	char **names;
	int count, next;
	const char *name;
	int fd;
	bool eof, discarding;
	unsigned long lineno;
	int64_t last_data; /* when a read last gave bytes (live mode's silences) */
	size_t start, len;
	int speed; /* the default speed; `speed N` lines change it */
	char buf[READ_BUF];
};

struct line {
	const char *p;
	size_t len;
	bool too_long;
};

struct sched {
	bool interrupt, plan, tty;
	int64_t start;	  /* time zero of the plan */
	int64_t base;	  /* when the latest step took effect */
	int64_t hold_end; /* end of the current timed hold, or NO_DEADLINE */
	int cur;	  /* the last byte sent, -1 before the first */
};

static volatile sig_atomic_t got_signal;
/* The mask ppoll waits with: the stop signals are delivered only there. */
static sigset_t unblocked_mask;
static const sigset_t *wait_mask;
static int exit_status;
static bool out_tty;	     /* stdout is a terminal: readable lines, not bytes */
static bool stopped_by_tstp; /* the car was stopped for a suspension */

static void note_status(int status)
{
	/* the worst wins: 74 I/O error > 66 missing file > 65 bad line */
	if (status > exit_status)
		exit_status = status;
}

#define USAGE                                                                                      \
	"usage: iracer-cmd [-i] [-s speed] [file ...]\n"                                           \
	"       iracer-cmd -c | -n [-s speed] [file ...]\n"                                        \
	"       iracer-cmd -d [file ...]\n"

static void help(void)
{
	fputs(USAGE, stdout);
	printf("\nText commands in, i-Racer command bytes out, each when it is due.\n\n"
	       "  -c, --check        validate the input only\n"
	       "  -d, --decode       command bytes in, readable lines out\n"
	       "  -i, --interrupt    live mode: a new line ends a timed hold at once\n"
	       "  -n, --plan         print the schedule 'SECONDS BYTE COMMAND' at once\n"
	       "  -s, --speed N      default speed 0-15 (8)\n"
	       "  -h, --help         show this help\n"
	       "      --version      show the version\n\n"
	       "Commands: DIRECTION [SPEED] [DURATION], stop [DURATION], raw BYTE [DURATION],\n"
	       "wait DURATION, speed SPEED. See iracer-cmd(1).\n");
	exit(0);
}

/*
 * Write all n bytes, waiting in ppoll with the stop signals let in, until the
 * deadline. With give_way, a stop signal ends the wait (the byte is dropped:
 * the caller stops the car next). Returns true when all was written.
 */
static bool out_until(const void *buf, size_t n, int64_t deadline, bool give_way)
{
	const char *p = buf;

	while (n > 0) {
		struct pollfd pfd[1 + SIDE_NFDS] = {{.fd = STDOUT_FILENO, .events = POLLOUT}};
		ssize_t w = write(STDOUT_FILENO, p, n);
		if (w >= 0) {
			p += w;
			n -= (size_t)w;
			continue;
		}
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			err(EX_IOERR, "stdout");
		side_pollfds(pfd + 1);
		if (clock_poll_until(pfd, 1 + SIDE_NFDS, deadline, give_way ? wait_mask : NULL) ==
			0)
			return false;
		side_flush();
		if (give_way && got_signal && !is_suspend_signal(got_signal))
			return false;
	}
	return true;
}

static void out(const void *buf, size_t n)
{
	out_until(buf, n, NO_DEADLINE, true);
}

/* "0x18 forward 8\n": the readable form of a byte, for --decode and terminals. */
static void out_described(uint8_t byte)
{
	char what[DESCRIBE_MAX], line[DESCRIBE_MAX + 8];
	int n = snprintf(
		line, sizeof(line), "0x%02x %s\n", byte, byte_describe(byte, what, sizeof(what)));

	out(line, (size_t)n);
}

/* ---- input ---- */

static bool open_input(struct reader *r, const char *name)
{
	struct stat st;

	if (strcmp(name, "-") == 0) {
		r->fd = STDIN_FILENO;
		r->name = STDIN_NAME;
		return true;
	}
	/* O_NONBLOCK: a FIFO without a writer must not hold us in open(2), deaf to signals */
	r->fd = open(name, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (r->fd < 0) {
		warn("%s", name);
		note_status(EX_NOINPUT);
		return false;
	}
	if (fstat(r->fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		warnx("%s: is a directory", name);
		note_status(EX_NOINPUT);
		close(r->fd);
		r->fd = -1;
		return false;
	}
	r->name = name;
	return true;
}

/* Open the next operand that can be opened; false when none is left. */
static bool open_next(struct reader *r)
{
	while (r->next < r->count) {
		if (open_input(r, r->names[r->next++])) {
			r->eof = r->discarding = false;
			r->lineno = 0;
			r->start = r->len = 0;
			return true;
		}
	}
	return false;
}

static void close_input(struct reader *r)
{
	if (r->fd != STDIN_FILENO)
		close(r->fd);
	r->fd = -1;
}

static void out_stop(void);

/*
 * Whether a stop signal ends the run. SIGTSTP does not: the car is stopped,
 * then we suspend, and go on when continued (SIGCONT sets nothing).
 */
static bool signal_ends_run(void)
{
	if (!got_signal)
		return false;
	if (!is_suspend_signal(got_signal))
		return true;
	got_signal = 0;
	out_stop();
	stopped_by_tstp = true;
	side_flush();
	suspend_self();
	return false;
}

/*
 * ppoll fds (and the side outputs) until one is ready or the deadline.
 * Returns >0 ready, 0 deadline, -1 when a stop signal ends the run.
 */
static int wait_for(struct pollfd *fd, int64_t deadline)
{
	struct pollfd p[1 + SIDE_NFDS];
	int rc;

	for (;;) {
		if (signal_ends_run())
			return -1;
		p[0] = fd != NULL ? *fd : (struct pollfd){.fd = -1};
		side_pollfds(p + 1);
		rc = clock_poll_until(p, 1 + SIDE_NFDS, deadline, wait_mask);
		if (rc < 0 && errno != EINTR)
			err(EX_OSERR, "ppoll");
		side_flush();
		if (rc == 0)
			return 0;
		if (rc > 0 && p[0].revents) {
			if (fd != NULL)
				fd->revents = p[0].revents;
			return 1;
		}
	}
}

/* Read what is there, waiting until the deadline at most. GOT: look again. */
static enum got fill(struct reader *r, int64_t deadline)
{
	struct pollfd pfd = {.fd = r->fd, .events = POLLIN};
	ssize_t n;
	int rc;

	if (r->start > 0) {
		memmove(r->buf, r->buf + r->start, r->len - r->start);
		r->len -= r->start;
		r->start = 0;
	}
	rc = wait_for(&pfd, deadline);
	if (rc < 0)
		return SIGNALLED;
	if (rc == 0)
		return LATER;
	n = read(r->fd, r->buf + r->len, sizeof(r->buf) - r->len);
	if (n > 0) {
		r->len += (size_t)n;
		r->last_data = clock_now();
	} else if (n == 0)
		r->eof = true;
	else if (errno != EINTR && errno != EAGAIN) {
		warn("%s", r->name);
		note_status(EX_IOERR);
		r->eof = true;
	}
	return GOT;
}

/* A line with no newline yet: too long already, the last one of the input, or wait. */
static bool split_partial(struct reader *r, struct line *line)
{
	size_t avail = r->len - r->start;

	if (r->discarding) {
		r->start = r->len;
		return false;
	}
	if (avail <= COMMAND_LINE_MAX && !(r->eof && avail > 0))
		return false;
	/* report an over-long line now, then drop the rest of it up to its newline */
	*line = (struct line){r->buf + r->start, avail, avail > COMMAND_LINE_MAX};
	r->discarding = line->too_long && !r->eof;
	r->start = r->len;
	r->lineno++;
	return true;
}

/* The next complete line in the buffer; false when there is none yet. */
static bool split_line(struct reader *r, struct line *line)
{
	for (;;) {
		char *p = r->buf + r->start;
		char *nl = memchr(p, '\n', r->len - r->start);
		size_t n;

		if (nl == NULL)
			return split_partial(r, line);
		n = (size_t)(nl - p);
		r->start += n + 1;
		if (r->discarding) {
			r->discarding = false;
			continue;
		}
		r->lineno++;
		*line = (struct line){p, n, n > COMMAND_LINE_MAX};
		return true;
	}
}

static enum got next_line(struct reader *r, int64_t deadline, struct line *line)
{
	for (;;) {
		enum got g;

		if (r->fd < 0 && !open_next(r))
			return END;
		if (split_line(r, line))
			return GOT;
		if (r->eof) {
			close_input(r);
			continue;
		}
		g = fill(r, deadline);
		if (g != GOT)
			return g;
	}
}

/* Parse a line; true when it is a command to schedule (not blank, bad or `speed`). */
static bool take_line(struct reader *r, const struct line *line, struct command *cmd)
{
	char msg[COMMAND_ERR_MAX];

	if (line->too_long)
		snprintf(msg, sizeof(msg), "line too long (limit %d bytes)", COMMAND_LINE_MAX);
	if (line->too_long ||
		command_parse(line->p, line->len, r->speed, cmd, msg, sizeof(msg)) < 0) {
		warnx("%s:%lu: %s", r->name, r->lineno, msg);
		note_status(EX_DATAERR);
		return false;
	}
	if (cmd->kind == CMD_SPEED)
		r->speed = cmd->speed;
	return cmd->kind == CMD_SEND || cmd->kind == CMD_WAIT;
}

/* The next command, waiting for input until the deadline at most. */
static enum got fetch_command(struct reader *r, int64_t deadline, struct command *cmd)
{
	for (;;) {
		struct line line;
		enum got g = next_line(r, deadline, &line);

		if (g != GOT)
			return g;
		if (take_line(r, &line, cmd))
			return GOT;
	}
}

/* ---- schedule ---- */

static void emit(struct sched *s, uint8_t byte, int64_t at)
{
	if (s->plan) {
		char line[PLAN_LINE_MAX];
		struct plan_step step = {at - s->start, byte};

		out(line, plan_format(line, sizeof(line), &step));
	} else if (s->tty) {
		out_described(byte);
	} else {
		out(&byte, 1);
	}
	s->cur = byte;
	stopped_by_tstp = false;
}

/* false when a stop signal came first */
static bool wait_until(const struct sched *s, int64_t deadline)
{
	if (s->plan)
		return true;
	return wait_for(NULL, deadline) >= 0;
}

/*
 * A timed step whose hold was over more than BEHIND ago (we were suspended
 * or starved) is not sent: a route that fell behind sends only the step due
 * now. The grace keeps ordinary scheduling jitter from costing a short step.
 */
#define BEHIND (100 * NS_PER_MS)

static void apply(struct sched *s, const struct command *cmd, int64_t at)
{
	s->base = at;
	s->hold_end = cmd->duration_ns == COMMAND_UNTIMED ? NO_DEADLINE : at + cmd->duration_ns;
	if (cmd->kind != CMD_SEND)
		return;
	if (!s->plan && cmd->duration_ns > 0 && s->hold_end != NO_DEADLINE &&
		s->hold_end + BEHIND <= clock_now())
		return;
	emit(s, cmd->byte, at);
}

/* A timed hold ended with nothing new to do: the car stops. */
static void end_hold(struct sched *s)
{
	if (stopped_by_tstp) {
		/* stopped for the suspension already */
		stopped_by_tstp = false;
		s->cur = BYTE_STOP;
	}
	if (s->cur > 0)
		emit(s, BYTE_STOP, s->hold_end);
	s->base = s->hold_end;
	s->hold_end = NO_DEADLINE;
}

/*
 * Live mode (-i) repeats a timed hold's byte every KEEPALIVE_NS, so that
 * iracer-send's watchdog (-w 300) lets a live hold run its full time, while a
 * dead iracer-cmd still goes quiet and is caught (iracer(7), "Timed holds").
 * Returns the next moment to wait for: a keepalive, or the end of the hold.
 */
static int64_t keepalive_due(const struct sched *s)
{
	int64_t next;

	if (!s->interrupt || s->plan || s->tty || s->cur <= 0 || s->hold_end == NO_DEADLINE)
		return s->hold_end;
	next = clock_now() + KEEPALIVE_NS;
	return next < s->hold_end ? next : s->hold_end;
}

/* Live mode: the next command, or LATER when a timed hold has ended. */
static enum got fetch_live(struct sched *s, struct reader *r, struct command *cmd)
{
	for (;;) {
		int64_t until = keepalive_due(s);
		enum got g = fetch_command(r, until, cmd);

		if (g != LATER || until == s->hold_end)
			return g;
		emit(s, (uint8_t)s->cur, until);
	}
}

/* Input ended during a timed hold: it runs out (false when a signal came first). */
static bool run_out(struct sched *s)
{
	for (;;) {
		int64_t until = keepalive_due(s);

		if (!wait_until(s, until))
			return false;
		if (until == s->hold_end)
			return true;
		emit(s, (uint8_t)s->cur, until);
	}
}

/*
 * Live mode: of the lines waiting now, the newest wins; the others were
 * meant for a moment that has passed (a stalled or suspended controller).
 */
static enum got newest_command(struct reader *r, struct command *cmd)
{
	struct command next;

	for (;;) {
		enum got g = fetch_command(r, 0, &next);
		if (g == SIGNALLED)
			return g;
		if (g != GOT)
			return GOT; /* the end of input is seen by the next call */
		*cmd = next;
	}
}

/*
 * Live mode, the first command after a silence: it waits SETTLE_NS for
 * company. Alone, it goes. With others close behind it (they were queued by a
 * stall upstream), every one of them is stale: STALE, and the car stops.
 */
static enum got settle(struct reader *r, struct command *cmd, int64_t silence)
{
	int64_t first = clock_now(), until = first + SETTLE_NS;
	unsigned long n = 1;
	struct command next;

	while (clock_now() < first + SETTLE_MAX_NS) {
		enum got g = fetch_command(r, until, &next);
		if (g == SIGNALLED)
			return g;
		if (g != GOT)
			break; /* the window closed; the end of input is seen by the next call */
		*cmd = next;
		n++;
		until = clock_now() + SETTLE_NS;
		if (until > first + SETTLE_MAX_NS)
			until = first + SETTLE_MAX_NS;
	}
	if (n == 1)
		return GOT;
	warnx("%s: dropped %lu stale commands: they came at once after %.1f s of silence", r->name,
		n, (double)silence / (double)NS_PER_S);
	return STALE;
}

/*
 * The next command and when it takes effect. Without -i, a hold runs to its
 * end and the next command starts at that deadline if it is already there;
 * a command that had to be waited for starts when it arrives. With -i, every
 * command starts when it arrives, ending any hold.
 */
static enum got next_step(struct sched *s, struct reader *r, struct command *cmd, int64_t *at)
{
	int64_t no_wait = s->plan ? NO_DEADLINE : 0;
	enum got g;

	if (s->interrupt) {
		int64_t quiet_since = r->last_data;

		g = fetch_live(s, r, cmd);
		if (g == GOT && !s->plan && r->last_data - quiet_since > QUIET_NS)
			g = settle(r, cmd, r->last_data - quiet_since);
		else if (g == GOT)
			g = newest_command(r, cmd);
		*at = clock_now();
		return g;
	}
	if (s->hold_end != NO_DEADLINE) {
		if (!wait_until(s, s->hold_end))
			return SIGNALLED;
		*at = s->hold_end;
		return fetch_command(r, no_wait, cmd);
	}
	*at = s->base;
	g = fetch_command(r, no_wait, cmd);
	if (g == LATER) {
		g = fetch_command(r, NO_DEADLINE, cmd);
		*at = clock_now();
	}
	return g;
}

/* Returns END, or SIGNALLED when a stop signal interrupted the schedule. */
static enum got run(struct sched *s, struct reader *r)
{
	struct command cmd;
	int64_t at;

	for (;;) {
		switch (next_step(s, r, &cmd, &at)) {
		case GOT:
			apply(s, &cmd, at);
			break;
		case LATER:
			end_hold(s);
			break;
		case STALE:
			/* a stalled controller's backlog: nothing of it drives the car */
			s->hold_end = at;
			end_hold(s);
			break;
		case END:
			/* input ended: a timed hold still runs out, then the car stops */
			if (s->hold_end == NO_DEADLINE)
				return END;
			if (!run_out(s))
				return SIGNALLED;
			end_hold(s);
			return END;
		case SIGNALLED:
			return SIGNALLED;
		}
	}
}

/* ---- modes ---- */

static void on_stop_signal(int sig)
{
	/* SIGCONT only wakes the wait: what is due next is worked out afresh */
	if (sig != SIGCONT)
		got_signal = sig;
}

/*
 * The stop signals are blocked except inside ppoll, so one can never slip in
 * between checking the flag and starting to wait.
 */
static void catch_stop_signals(void)
{
	block_stop_signals(on_stop_signal, &unblocked_mask);
	wait_mask = &unblocked_mask;
}

/* The stop byte now, waiting a second at most for room; signals wait. */
static void out_stop(void)
{
	char what[DESCRIBE_MAX], line[DESCRIBE_MAX + 8];
	uint8_t stop = BYTE_STOP;
	int n;

	if (!out_tty) {
		out_until(&stop, 1, clock_now() + NS_PER_S, false);
		return;
	}
	n = snprintf(
		line, sizeof(line), "0x%02x %s\n", stop, byte_describe(stop, what, sizeof(what)));
	out_until(line, (size_t)n, clock_now() + NS_PER_S, false);
}

/* Interrupted: the car must end stopped, then die of the signal as expected. */
static void stop_and_die(const struct sched *s)
{
	int sig = got_signal;
	sigset_t set;

	(void)s;
	out_stop();
	side_drain(clock_now() + NS_PER_S / 4);
	signal(sig, SIG_DFL);
	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	raise(sig);
	_exit(128 + sig);
}

static void run_mode(struct reader *r, bool interrupt, bool plan)
{
	struct sched s = {.interrupt = interrupt, .plan = plan, .hold_end = NO_DEADLINE, .cur = -1};

	if (!plan) {
		catch_stop_signals();
		s.tty = out_tty = isatty(STDOUT_FILENO);
		/* the car's stream: writes wait in ppoll, where signals get in */
		fd_private_nonblock(STDOUT_FILENO);
		side_open(STDERR_FILENO);
		s.start = clock_now();
	}
	s.base = s.start;
	r->last_data = s.start;
	if (run(&s, r) == SIGNALLED)
		stop_and_die(&s);
}

static void check_mode(struct reader *r)
{
	struct command cmd;

	while (fetch_command(r, NO_DEADLINE, &cmd) == GOT)
		;
}

static void decode_mode(struct reader *r)
{
	for (;;) {
		if (r->fd < 0 && !open_next(r))
			return;
		if (r->start < r->len)
			out_described((uint8_t)r->buf[r->start++]);
		else if (r->eof)
			close_input(r);
		else
			fill(r, NO_DEADLINE);
	}
}

/* ---- main ---- */

static void set_mode(enum mode *mode, enum mode m)
{
	if (*mode != MODE_RUN && *mode != m)
		usage_error("-c, -d and -n exclude each other");
	*mode = m;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"check", no_argument, NULL, 'c'},
		{"decode", no_argument, NULL, 'd'},
		{"interrupt", no_argument, NULL, 'i'},
		{"plan", no_argument, NULL, 'n'},
		{"speed", required_argument, NULL, 's'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	static struct reader r = {.fd = -1, .speed = SPEED_DEFAULT};
	static char *stdin_only[] = {"-"};
	enum mode mode = MODE_RUN;
	bool interrupt = false;
	int c;

	program_start();
	stderr_whole_lines();
	atexit(close_stdout);
	usage_text = USAGE;
	while ((c = getopt_long(argc, argv, "cdins:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			set_mode(&mode, MODE_CHECK);
			break;
		case 'd':
			set_mode(&mode, MODE_DECODE);
			break;
		case 'i':
			interrupt = true;
			break;
		case 'n':
			set_mode(&mode, MODE_PLAN);
			break;
		case 's':
			r.speed = (int)option_long("--speed", optarg, SPEED_MIN, SPEED_MAX);
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
	if (interrupt && mode != MODE_RUN)
		usage_error("-i only applies when commands are run");
	r.names = optind < argc ? argv + optind : stdin_only;
	r.count = optind < argc ? argc - optind : 1;

	/* a reader that went away is reported (EX_IOERR), not a silent death */
	signal(SIGPIPE, SIG_IGN);
	if (mode == MODE_CHECK)
		check_mode(&r);
	else if (mode == MODE_DECODE)
		decode_mode(&r);
	else
		run_mode(&r, interrupt, mode == MODE_PLAN);
	return exit_status;
}
