/*
 * ws-drive: the driver's round trip for bench/phone, as the page sees it.
 * Sends {"command":"forward","speed":8} and 9 in turn every 100 ms, so the
 * command changes each time and the car side echoes it, and times each from
 * the send to the line of the car side's echo of it ({"type":"echo",...,
 * "command":"forward 8"}). Other lines (telemetry) are read and dropped.
 * A C client (bench/wsclient.c), so that the figure is the pipeline's, not
 * a client's event loop's.
 *
 * With -j, the sends fall at random times against the car's telemetry, as
 * a person's taps do. Every 100 ms exactly, they would not: the sim's ticks
 * count from the last byte, so its tick line comes 100 ms after the last
 * echo, and each send would go out just as that line reached the page (and
 * ws-bridge began handing it to the watchers).
 *
 * usage: ws-drive [-n samples] [-w secs] [-j ms] port
 *   -w: once connected ("connected" on stderr), read for secs before measuring
 *   -j: each gap is 100 ms +- ms/2, uniformly (a fixed seed)
 * prints each round trip in ms, one a line; the first 10 (warm-up) are not.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wsclient.h"

#define WARM_UP 10
#define EVERY_S 0.1

struct wanted {
	char needle[64]; /* "command":"forward 8" with its closing quote */
	int seen;
};

static void look(void *arg, const char *text, size_t n)
{
	struct wanted *w = arg;
	char line[1024];

	if (n >= sizeof(line))
		return;
	memcpy(line, text, n);
	line[n] = '\0';
	if (strstr(line, "{\"type\":\"echo\"") == line && strstr(line, w->needle))
		w->seen = 1;
}

/* Read until deadline (seconds, wsc_now), or until w->seen when w is given. */
static void read_until(struct wsc_in *in, double deadline, struct wanted *w)
{
	while (w == NULL || !w->seen) {
		double left = deadline - wsc_now();
		if (left <= 0)
			return;
		struct pollfd p = {.fd = in->fd, .events = POLLIN};
		int r = poll(&p, 1, (int)(left * 1000) + 1);
		if (r < 0 && errno != EINTR)
			wsc_die("poll");
		if (r > 0 && wsc_read(in, w ? look : NULL, w) < 0) {
			fprintf(stderr, "ws-drive: the server closed the connection\n");
			exit(1);
		}
	}
}

int main(int argc, char **argv)
{
	static struct wsc_in in;
	long samples = 300;
	double wait_s = 0, jitter_s = 0;
	int opt;

	while ((opt = getopt(argc, argv, "n:w:j:")) != -1) {
		if (opt == 'n')
			samples = strtol(optarg, NULL, 10);
		else if (opt == 'w')
			wait_s = strtod(optarg, NULL);
		else if (opt == 'j')
			jitter_s = strtod(optarg, NULL) / 1000;
		else
			break;
	}
	if (opt != -1 || argc - optind != 1 || samples < 1 || jitter_s < 0 ||
		jitter_s >= 2 * EVERY_S) {
		fprintf(stderr, "usage: ws-drive [-n samples] [-w secs] [-j ms] port\n");
		return 64;
	}
	srand(1);
	in.fd = wsc_connect(atoi(argv[optind]));
	fprintf(stderr, "connected\n");
	read_until(&in, wsc_now() + wait_s, NULL);
	for (long k = 0; k < samples + WARM_UP; k++) {
		struct wanted w = {.seen = 0};
		char msg[64];
		int speed = 8 + (int)(k % 2);
		int n = snprintf(msg, sizeof(msg), "{\"command\":\"forward\",\"speed\":%d}", speed);
		snprintf(w.needle, sizeof(w.needle), "\"command\":\"forward %d\"", speed);
		double t0 = wsc_now();
		wsc_send(in.fd, WSC_TEXT, msg, (size_t)n);
		read_until(&in, t0 + 5, &w);
		if (!w.seen) {
			fprintf(stderr, "ws-drive: no echo of forward %d within 5 s\n", speed);
			return 1;
		}
		if (k >= WARM_UP)
			printf("%.3f\n", (wsc_now() - t0) * 1000);
		double gap = EVERY_S + jitter_s * ((double)rand() / RAND_MAX - 0.5);
		read_until(&in, t0 + gap, NULL);
	}
	wsc_send(in.fd, WSC_TEXT, "{\"command\":\"stop\"}", 18);
	return fclose(stdout) == 0 ? 0 : 1;
}
