/*
 * ws-watch: N WebSocket clients that only read, as watching pages do, for
 * bench/phone. Lean on purpose (bench/wsclient.c, one poll loop), so the
 * bench measures ws-bridge's fan-out and not its clients' event loop.
 * Answers pings (ws-bridge drops a silent client), counts text messages,
 * ends on SIGTERM.
 *
 * usage: ws-watch port clients
 * prints "watching" once all are connected, then msgs_per_s=X at the end.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "wsclient.h"

static volatile sig_atomic_t done;

static void on_term(int sig)
{
	(void)sig;
	done = 1;
}

int main(int argc, char **argv)
{
	long total = 0;
	double t0;

	if (argc != 3) {
		fprintf(stderr, "usage: ws-watch port clients\n");
		return 64;
	}
	int port = atoi(argv[1]), n = atoi(argv[2]);
	struct wsc_in *cs = calloc((size_t)n, sizeof(*cs));
	struct pollfd *pf = calloc((size_t)n, sizeof(*pf));
	if (cs == NULL || pf == NULL)
		wsc_die("calloc");
	signal(SIGTERM, on_term);
	for (int i = 0; i < n; i++) {
		cs[i].fd = wsc_connect(port);
		pf[i] = (struct pollfd){.fd = cs[i].fd, .events = POLLIN};
	}
	printf("watching\n");
	fflush(stdout);
	t0 = wsc_now();
	while (!done) {
		if (poll(pf, (nfds_t)n, 1000) < 0) {
			if (errno == EINTR)
				continue;
			wsc_die("poll");
		}
		for (int i = 0; i < n && !done; i++) {
			if (!(pf[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			long got = wsc_read(&cs[i], NULL, NULL);
			if (got < 0) {
				fprintf(stderr, "ws-watch: client %d: connection ended\n", i);
				return 1;
			}
			total += got;
		}
	}
	printf("msgs_per_s=%.1f\n", (double)total / n / (wsc_now() - t0));
	return 0;
}
