/*
 * ws-flood: a fast WebSocket client for bench/ws-bridge. It speaks just
 * enough RFC 6455 (bench/wsclient.c: handshake, masked text frames) to
 * push messages as fast as the server takes them, and reads the server's
 * stdout (a FIFO) itself to check every line: none lost, none torn, each
 * client's lines in order.
 *
 * usage: ws-flood [-l] [-c clients] [-n messages] [-p pid] [-i idle] port fifo
 *   -p: the server's pid, to report its peak RSS (flood) or RSS (-i)
 *   -i N: connect N idle clients and report the server's RSS
 *   flood mode prints: lines=N secs=S rate=R torn=T lost=L
 *   -l (latency) sends one message at a time and waits for its line:
 *   prints: n=N p50_us=X p99_us=Y
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wsclient.h"

#define PAD "padding-padding"

struct conn {
	int fd;
	char *buf;
	size_t len, off;
	long next; /* next message number expected on stdout */
};

static int server_pid;

/* A line of /proc/PID/status, e.g. VmHWM (peak RSS) or VmRSS, in KiB. */
static long proc_kib(const char *key)
{
	char path[64], line[256];
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", server_pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, key, strlen(key)) == 0)
			v = atol(line + strlen(key) + 1);
	fclose(f);
	return v;
}

static size_t message(char *dst, int client, long j)
{
	char text[64];
	int n = snprintf(text, sizeof(text), "c%d m%ld " PAD, client, j);
	return wsc_frame(dst, WSC_TEXT, text, (size_t)n);
}

/* Check one stdout line; returns 0 when well formed and in order. */
static int check_line(struct conn *cs, int nclients, const char *line, size_t len)
{
	int c;
	long j;
	char pad[32];

	if (len == 0 || len > 60 || sscanf(line, "c%d m%ld %31s", &c, &j, pad) != 3)
		return -1;
	if (c < 0 || c >= nclients || strcmp(pad, PAD) != 0 || cs[c].next != j)
		return -1;
	cs[c].next++;
	return 0;
}

struct reader {
	int fd;
	char buf[1 << 16];
	size_t len;
	long lines, torn;
};

/* Read what the FIFO has; check whole lines. */
static void read_lines(struct reader *r, struct conn *cs, int nclients)
{
	ssize_t n = read(r->fd, r->buf + r->len, sizeof(r->buf) - r->len);
	size_t start = 0;

	if (n <= 0) {
		if (n < 0 && errno == EAGAIN)
			return;
		fprintf(stderr, "ws-flood: stdout fifo closed\n");
		exit(1);
	}
	r->len += (size_t)n;
	for (size_t i = 0; i < r->len; i++) {
		if (r->buf[i] != '\n')
			continue;
		r->buf[i] = '\0';
		if (check_line(cs, nclients, r->buf + start, i - start) < 0)
			r->torn++;
		r->lines++;
		start = i + 1;
	}
	memmove(r->buf, r->buf + start, r->len - start);
	r->len -= start;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static void latency(int port, struct reader *r, long count)
{
	struct conn c = {0};
	double *t = malloc(sizeof(double) * (size_t)count);
	char fr[128];

	c.fd = wsc_connect(port);
	for (long j = 0; j < count; j++) {
		size_t n = message(fr, 0, j);
		long before = r->lines;
		double t0 = wsc_now();
		if (write(c.fd, fr, n) != (ssize_t)n)
			wsc_die("write");
		while (r->lines == before) {
			struct pollfd p = {.fd = r->fd, .events = POLLIN};
			if (poll(&p, 1, 5000) == 0) {
				fprintf(stderr, "ws-flood: no line for 5 s\n");
				exit(1);
			}
			read_lines(r, &c, 1);
		}
		t[j] = (wsc_now() - t0) * 1e6;
	}
	qsort(t, (size_t)count, sizeof(double), cmp_double);
	printf("n=%ld p50_us=%.1f p99_us=%.1f torn=%ld\n", count, t[count / 2],
	       t[count * 99 / 100], r->torn);
	free(t);
	close(c.fd);
}

static void flood(int port, struct reader *r, int nclients, long count)
{
	struct conn *cs = calloc((size_t)nclients, sizeof(*cs));
	struct pollfd *p = calloc((size_t)nclients + 1, sizeof(*p));
	long total = (long)nclients * count;
	int sending = nclients;
	double t0;

	for (int i = 0; i < nclients; i++) {
		cs[i].fd = wsc_connect(port);
		cs[i].buf = malloc((size_t)count * 40);
		for (long j = 0; j < count; j++)
			cs[i].len += message(cs[i].buf + cs[i].len, i, j);
		fcntl(cs[i].fd, F_SETFL, O_NONBLOCK);
	}
	t0 = wsc_now();
	while (r->lines < total) {
		int np = 0;
		p[np++] = (struct pollfd){.fd = r->fd, .events = POLLIN};
		for (int i = 0; i < nclients; i++)
			p[np++] = (struct pollfd){
				.fd = cs[i].off < cs[i].len ? cs[i].fd : -1, .events = POLLOUT};
		if (poll(p, (nfds_t)np, 10000) <= 0) {
			fprintf(stderr, "ws-flood: stalled at %ld lines\n", r->lines);
			break;
		}
		if (p[0].revents)
			read_lines(r, cs, nclients);
		for (int i = 0; i < nclients; i++) {
			if (!(p[i + 1].revents & POLLOUT))
				continue;
			ssize_t w = write(cs[i].fd, cs[i].buf + cs[i].off, cs[i].len - cs[i].off);
			if (w > 0 && (cs[i].off += (size_t)w) == cs[i].len)
				sending--;
		}
	}
	double secs = wsc_now() - t0;
	printf("clients=%d lines=%ld secs=%.3f rate=%.0f torn=%ld lost=%ld peak_rss_kib=%ld\n",
	       nclients, r->lines, secs, (double)r->lines / secs, r->torn, total - r->lines,
	       proc_kib("VmHWM:"));
	(void)sending;
	for (int i = 0; i < nclients; i++) {
		close(cs[i].fd);
		free(cs[i].buf);
	}
	free(cs);
	free(p);
}

/* Connect n clients, let the server settle, report its resident memory. */
static void idle(int port, int n)
{
	int *fds = calloc((size_t)n + 1, sizeof(int));

	for (int i = 0; i < n; i++)
		fds[i] = wsc_connect(port);
	sleep(2);
	printf("idle_clients=%d rss_kib=%ld\n", n, proc_kib("VmRSS:"));
	for (int i = 0; i < n; i++)
		close(fds[i]);
	free(fds);
}

int main(int argc, char **argv)
{
	int opt, lat = 0, nclients = 1, idle_n = -1;
	long count = 100000;
	static struct reader r;

	while ((opt = getopt(argc, argv, "lc:n:p:i:")) != -1) {
		switch (opt) {
		case 'p': server_pid = atoi(optarg); break;
		case 'i': idle_n = atoi(optarg); break;
		case 'l': lat = 1; break;
		case 'c': nclients = atoi(optarg); break;
		case 'n': count = atol(optarg); break;
		default:
			fprintf(stderr, "usage: ws-flood [-l] [-c clients] [-n messages] "
					"[-p pid] [-i idle] port fifo\n");
			return 2;
		}
	}
	if (argc - optind != 2)
		return 2;
	r.fd = open(argv[optind + 1], O_RDONLY | O_NONBLOCK);
	if (r.fd < 0)
		wsc_die(argv[optind + 1]);
	if (idle_n >= 0)
		idle(atoi(argv[optind]), idle_n);
	else if (lat)
		latency(atoi(argv[optind]), &r, count);
	else
		flood(atoi(argv[optind]), &r, nclients, count);
	return r.torn ? 1 : 0;
}
