/*
 * iracer-record: what the car got in, a route file out. Reads raw command
 * bytes (timed on arrival, CLOCK_MONOTONIC) or iracer-send's -e echo lines
 * (timed by their "t"), and writes iracer-cmd lines with durations, each the
 * moment it is known, with write(2): a recording cut short by a signal or a
 * crash of the drive is still a route up to that moment.
 *
 * With --control it also records on request: "record start" and "record
 * stop" lines on a FIFO (a page's button, through json2cmd.jq) start and stop
 * a recording that goes back as {"type":"route",...} JSON lines on stdout, the
 * page's back channel. Those writes never block: reading the input must go on,
 * since whatever feeds us must never wait for a browser.
 */
#include "clock.h"
#include "outbuf.h"
#include "record.h"
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
#include <time.h>
#include <unistd.h>

#define READ_BUF 4096
/* A page recording's route text is at most this long; then it stops by itself. */
#define PAGE_ROUTE_MAX (256 * 1024)
/* Route text per {"type":"route"} line: escaped, it stays under ws-bridge's 4096. */
#define PAGE_CHUNK 1500
#define PAGE_OUT_MAX (1024 * 1024)

struct options {
	bool echo;
	const char *output, *control, *comment;
};

/* A recording in progress: the pure recorder plus where its lines go. */
struct take {
	struct record rec;
	bool on;
	char name[64]; /* the page's file name for it */
	char *text;    /* page recordings keep their text until stop */
	size_t len;
};

struct recorder {
	struct options o;
	int out_fd; /* the whole drive's route, or -1 */
	struct take file, page;
	struct outbuf json; /* page mode: lines to stdout */
	int last_byte;	    /* the latest byte the car got, -1 before any */
	int64_t last_t;	    /* echo mode: its "t", and when it arrived */
	int64_t last_arrival;
	bool have_t;
	int status;
};

static volatile sig_atomic_t got_signal;

static void on_stop_signal(int sig)
{
	got_signal = sig;
}

#define USAGE "usage: iracer-record [-e] [-o file] [-C fifo] [-m comment]\n"

static void help(void)
{
	printf(USAGE "Record command bytes as a route: iracer-cmd lines with durations.\n"
		     "\n"
		     "  -e, --echo           read iracer-send -e echo lines, not raw bytes\n"
		     "  -o, --output FILE    write the route to FILE (default: standard output)\n"
		     "  -C, --control FIFO   'record start'/'record stop' lines on FIFO record on\n"
		     "                       request; the routes go out as JSON lines on stdout\n"
		     "  -m, --comment TEXT   one more comment line for the route's header\n"
		     "  -h, --help           print this help and exit\n"
		     "      --version        print the version and exit\n");
	exit(0);
}

static void parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{"echo", no_argument, NULL, 'e'},
		{"output", required_argument, NULL, 'o'},
		{"control", required_argument, NULL, 'C'},
		{"comment", required_argument, NULL, 'm'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	int c;

	argv[0] = program_invocation_short_name; /* getopt's messages */
	usage_text = USAGE;
	while ((c = getopt_long(argc, argv, "eo:C:m:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'e':
			o->echo = true;
			break;
		case 'o':
			o->output = optarg;
			break;
		case 'C':
			o->control = optarg;
			break;
		case 'm':
			o->comment = optarg;
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
	if (optind < argc)
		usage_error("unexpected argument '%s'", argv[optind]);
}

/* ---- where lines go ---- */

static void out_file(struct recorder *R, const char *text, size_t n)
{
	if (n > 0 && write_all(R->out_fd, text, n) < 0)
		err(EX_IOERR, "%s", R->o.output ? R->o.output : "stdout");
}

/* A page recording keeps its text, up to PAGE_ROUTE_MAX. */
static bool keep_text(struct take *t, const char *text, size_t n)
{
	if (t->len + n > PAGE_ROUTE_MAX)
		return false;
	if (t->text == NULL && (t->text = malloc(PAGE_ROUTE_MAX)) == NULL)
		return false;
	memcpy(t->text + t->len, text, n);
	t->len += n;
	return true;
}

/* Write what the page can take now; after an error nobody will take the rest. */
static void flush_json(struct recorder *R)
{
	if (outbuf_flush(&R->json) < 0) {
		if (errno != EPIPE)
			warn("stdout");
		R->json.len = 0; /* else poll reports the error at once, for ever */
	}
}

/* One JSON line for the page; dropped (with a note) when the page does not read. */
static void out_json(struct recorder *R, const char *line, size_t n)
{
	char *room = outbuf_reserve(&R->json, n);

	if (room == NULL) {
		warnx("stdout: the page does not read; a %zu-byte line is dropped", n);
		return;
	}
	memcpy(room, line, n);
	outbuf_commit(&R->json, n);
	flush_json(R);
}

/* The header: the shebang, when, from what, and the caller's comment. */
static size_t format_header(const struct options *o, char *buf, size_t n)
{
	char when[32], note[200];
	time_t now = time(NULL);
	struct tm tm;
	size_t i;

	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", gmtime_r(&now, &tm));
	snprintf(note, sizeof(note), "%s", o->comment ? o->comment : "");
	for (i = 0; note[i] != '\0'; i++)
		if ((unsigned char)note[i] < 0x20 || note[i] == 0x7f)
			note[i] = ' '; /* one comment line stays one line */
	return (size_t)snprintf(buf, n,
		"#!/usr/bin/env iracer-cmd\n"
		"# Recorded by iracer-record %s on %s from %s.\n%s%s%s",
		IRACER_VERSION, when,
		o->echo ? "what the car got (iracer-send -e echo lines)"
			: "command bytes on standard input, timed on arrival",
		note[0] ? "# " : "", note, note[0] ? "\n" : "");
}

/* ---- the recordings ---- */

/* Now, on the input's clock: echo times run on from the latest "t". */
static int64_t now_time(const struct recorder *R)
{
	if (!R->o.echo)
		return clock_now();
	return R->have_t ? R->last_t + (clock_now() - R->last_arrival) : 0;
}

static void page_stop(struct recorder *R, const char *why);

static void take_lines(struct recorder *R, struct take *t, const char *text, size_t n)
{
	if (n == 0)
		return;
	if (t == &R->file)
		out_file(R, text, n);
	else if (!keep_text(t, text, n))
		page_stop(R, "the route is too long");
}

static void take_start(struct recorder *R, struct take *t)
{
	char head[512];
	size_t n = format_header(&R->o, head, sizeof(head));

	record_init(&t->rec);
	t->on = true;
	t->len = 0;
	take_lines(R, t, head, n < sizeof(head) ? n : sizeof(head) - 1);
}

static void feed_byte(struct recorder *R, uint8_t byte, int64_t at)
{
	struct take *takes[] = {&R->file, &R->page};
	char buf[RECORD_OUT_MAX];

	R->last_byte = byte;
	for (size_t i = 0; i < 2; i++)
		if (takes[i]->on)
			take_lines(R, takes[i], buf,
				record_byte(&takes[i]->rec, byte, at, buf, sizeof(buf)));
}

/* JSON string body for text (no quotes); dst holds 6 * n + 1. */
static size_t json_escape(char *dst, const char *src, size_t n)
{
	size_t len = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)src[i];
		if (c == '\n') {
			memcpy(dst + len, "\\n", 2);
			len += 2;
		} else if (c == '"' || c == '\\') {
			dst[len++] = '\\';
			dst[len++] = (char)c;
		} else if (c < 0x20 || c == 0x7f) {
			len += (size_t)sprintf(dst + len, "\\u%04x", c);
		} else {
			dst[len++] = (char)c;
		}
	}
	dst[len] = '\0';
	return len;
}

/* The route in parts the page joins: each line stays far below ws-bridge's limit. */
static void send_route(struct recorder *R, const struct take *t)
{
	size_t parts = t->len / PAGE_CHUNK + 1, part;
	char esc[6 * PAGE_CHUNK + 1], line[6 * PAGE_CHUNK + 160];

	for (part = 0; part < parts; part++) {
		size_t off = part * PAGE_CHUNK;
		size_t n = t->len - off < PAGE_CHUNK ? t->len - off : PAGE_CHUNK;
		int len;

		json_escape(esc, t->text + off, n);
		len = snprintf(line, sizeof(line),
			"{\"type\":\"route\",\"name\":\"%s\",\"part\":%zu,\"parts\":%zu,"
			"\"text\":\"%s\"}\n",
			t->name, part + 1, parts, esc);
		if (len > 0 && (size_t)len < sizeof(line))
			out_json(R, line, (size_t)len);
	}
}

static void page_state(struct recorder *R, const char *state, const char *why)
{
	char line[256];
	int len = snprintf(line, sizeof(line), "{\"type\":\"record\",\"state\":\"%s\"%s%s%s}\n",
		state, why ? ",\"note\":\"" : "", why ? why : "", why ? "\"" : "");

	if (len > 0 && (size_t)len < sizeof(line))
		out_json(R, line, (size_t)len);
}

static void page_start(struct recorder *R)
{
	struct take *t = &R->page;
	time_t now = time(NULL);
	struct tm tm;

	if (!t->on) {
		strftime(
			t->name, sizeof(t->name), "drive-%Y%m%d-%H%M%S.route", gmtime_r(&now, &tm));
		take_start(R, t);
		/* the car may be moving already: that is where this route starts */
		if (R->last_byte >= 0) {
			char buf[RECORD_OUT_MAX];
			take_lines(R, t, buf,
				record_byte(&t->rec, (uint8_t)R->last_byte, now_time(R), buf,
					sizeof(buf)));
		}
	}
	page_state(R, "on", NULL);
}

static void page_stop(struct recorder *R, const char *why)
{
	struct take *t = &R->page;
	char buf[RECORD_OUT_MAX];
	size_t n;

	if (t->on) {
		t->on = false;
		n = record_end(&t->rec, now_time(R), buf, sizeof(buf));
		/* too long: the last whole lines make room for the final stop */
		while (t->text != NULL && t->len > 0 &&
			(t->len + n > PAGE_ROUTE_MAX || t->text[t->len - 1] != '\n'))
			t->len--;
		if (t->text != NULL) {
			memcpy(t->text + t->len, buf, n);
			t->len += n;
			send_route(R, t);
		}
		free(t->text);
		t->text = NULL;
	}
	page_state(R, "off", why);
}

/* ---- input ---- */

/* Lines split out of a byte stream; a line too long for any use is skipped. */
struct lines {
	int fd;
	bool eof, skipping;
	size_t len;
	char buf[READ_BUF];
};

static void control_line(struct recorder *R, const char *p, size_t n)
{
	while (n > 0 && (*p == '#' || *p == ' ' || *p == '\t')) {
		p++;
		n--;
	}
	while (n > 0 && (p[n - 1] == '\r' || p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	if (n == 12 && memcmp(p, "record start", 12) == 0)
		page_start(R);
	else if (n == 11 && memcmp(p, "record stop", 11) == 0)
		page_stop(R, NULL);
}

static void echo_line(struct recorder *R, const char *p, size_t n)
{
	int64_t at;
	uint8_t byte;

	if (record_parse_echo(p, n, &at, &byte) != 1)
		return;
	R->last_t = at;
	R->last_arrival = clock_now();
	R->have_t = true;
	feed_byte(R, byte, at);
}

typedef void line_fn(struct recorder *R, const char *p, size_t n);

/* Read what is there; hand each whole line (and at EOF a last partial one) to fn. */
static int read_lines(struct recorder *R, struct lines *l, line_fn *fn)
{
	ssize_t got = read(l->fd, l->buf + l->len, sizeof(l->buf) - l->len);
	size_t start = 0;
	char *nl;

	if (got < 0)
		return errno == EINTR || errno == EAGAIN ? 0 : -1;
	l->eof = got == 0;
	l->len += (size_t)got;
	while ((nl = memchr(l->buf + start, '\n', l->len - start)) != NULL) {
		if (!l->skipping)
			fn(R, l->buf + start, (size_t)(nl - (l->buf + start)));
		l->skipping = false;
		start = (size_t)(nl - l->buf) + 1;
	}
	memmove(l->buf, l->buf + start, l->len - start);
	l->len -= start;
	if (l->len == sizeof(l->buf)) { /* no newline in sight */
		l->skipping = true;
		l->len = 0;
	}
	if (l->eof && l->len > 0 && !l->skipping)
		fn(R, l->buf, l->len); /* the stream ended mid-line */
	return 0;
}

static int read_raw(struct recorder *R, struct lines *l)
{
	unsigned char buf[READ_BUF];
	ssize_t got = read(l->fd, buf, sizeof(buf));
	int64_t at = clock_now(); /* what arrived together was sent together */

	if (got < 0)
		return errno == EINTR || errno == EAGAIN ? 0 : -1;
	l->eof = got == 0;
	for (ssize_t i = 0; i < got; i++)
		feed_byte(R, buf[i], at);
	return 0;
}

/* ---- the run ---- */

static sigset_t wait_mask;

static void setup_signals(void)
{
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
	sigset_t block;

	/* delivered only inside ppoll, so a signal is never missed between checks */
	sigemptyset(&block);
	for (size_t i = 0; i < 3; i++) {
		on_signal(sigs[i], on_stop_signal);
		sigaddset(&block, sigs[i]);
	}
	sigprocmask(SIG_BLOCK, &block, &wait_mask);
	for (size_t i = 0; i < 3; i++)
		sigdelset(&wait_mask, sigs[i]);
	signal(SIGPIPE, SIG_IGN);
}

/*
 * Non-blocking stdout for the page's lines. O_NONBLOCK belongs to the open
 * file, which others may share (iracer-drive gives the simulator and tee the
 * same FIFO): a FIFO is opened afresh through /proc, so only ours changes.
 */
static int stdout_nonblock(void)
{
	struct stat st;
	int fd;

	if (fstat(STDOUT_FILENO, &st) == 0 && S_ISFIFO(st.st_mode)) {
		fd = open("/proc/self/fd/1", O_WRONLY | O_NONBLOCK | O_CLOEXEC);
		if (fd >= 0) {
			int rc = dup2(fd, STDOUT_FILENO);
			close(fd);
			return rc < 0 ? -1 : 0;
		}
	}
	return set_nonblock(STDOUT_FILENO, 1);
}

static void open_outputs(struct recorder *R)
{
	R->out_fd = -1;
	if (R->o.output != NULL) {
		R->out_fd = open(R->o.output, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
		if (R->out_fd < 0)
			err(EX_CANTCREAT, "%s", R->o.output);
	} else if (R->o.control == NULL) {
		R->out_fd = STDOUT_FILENO;
	}
	if (R->o.control != NULL && (outbuf_init(&R->json, STDOUT_FILENO, PAGE_OUT_MAX, 1) < 0 ||
					    stdout_nonblock() < 0))
		err(EX_OSERR, "stdout");
	if (R->out_fd >= 0)
		take_start(R, &R->file);
}

/* Until the input ends or a signal asks us to finish. */
static void run(struct recorder *R, struct lines *in, struct lines *ctl)
{
	struct pollfd fds[3];

	while (!in->eof && !got_signal) {
		nfds_t n = 1;
		fds[0] = (struct pollfd){.fd = in->fd, .events = POLLIN};
		if (ctl->fd >= 0)
			fds[n++] = (struct pollfd){.fd = ctl->fd, .events = POLLIN};
		if (R->json.len > 0)
			fds[n++] = (struct pollfd){.fd = STDOUT_FILENO, .events = POLLOUT};
		if (clock_poll_until(fds, n, NO_DEADLINE, &wait_mask) < 0) {
			if (errno == EINTR)
				continue;
			err(EX_OSERR, "ppoll");
		}
		if (fds[0].revents != 0 &&
			(R->o.echo ? read_lines(R, in, echo_line) : read_raw(R, in)) < 0) {
			warn("stdin");
			R->status = EX_IOERR;
			break;
		}
		if (ctl->fd >= 0 && fds[1].revents != 0 && read_lines(R, ctl, control_line) < 0)
			err(EX_IOERR, "%s", R->o.control);
		if (R->json.len > 0)
			flush_json(R);
	}
}

/* The end of the drive: every recording finishes stopped. */
static void finish(struct recorder *R)
{
	char buf[RECORD_OUT_MAX];
	int64_t at = now_time(R);

	if (R->file.on) {
		out_file(R, buf, record_end(&R->file.rec, at, buf, sizeof(buf)));
		if (R->out_fd != STDOUT_FILENO && close(R->out_fd) < 0)
			err(EX_IOERR, "%s", R->o.output);
	}
	if (R->page.on)
		page_stop(R, "the drive ended");
	if (R->json.len > 0)
		outbuf_flush(&R->json); /* once: nobody may be reading any more */
}

int main(int argc, char **argv)
{
	static struct recorder R = {.last_byte = -1};
	static struct lines in = {.fd = STDIN_FILENO}, ctl = {.fd = -1};

	program_start();
	stderr_whole_lines();
	parse_options(argc, argv, &R.o);
	setup_signals();
	if (R.o.control != NULL) {
		/* read and write: the FIFO never ends while its writers come and go */
		ctl.fd = open(R.o.control, O_RDWR | O_NONBLOCK | O_CLOEXEC);
		if (ctl.fd < 0)
			err(EX_NOINPUT, "%s", R.o.control);
	}
	open_outputs(&R);
	run(&R, &in, &ctl);
	finish(&R);
	outbuf_free(&R.json);
	return R.status;
}
