/*
 * ws-watch: N WebSocket clients that only read, as watching pages do, for
 * bench/phone. Lean on purpose (plain sockets, one poll loop), so the bench
 * measures ws-bridge's fan-out and not its client's event loop. Answers pings
 * (ws-bridge drops a silent client), counts text messages, ends on SIGTERM.
 *
 * usage: ws-watch port clients
 * prints "watching" once all are connected, then msgs_per_s=X at the end.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BUF 65536

struct conn {
	int fd;
	unsigned char buf[BUF];
	size_t len;
};

static volatile sig_atomic_t done;

static void on_term(int sig)
{
	(void)sig;
	done = 1;
}

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static int ws_connect(int port)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	char req[512], resp[1024];
	size_t got = 0;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		die("connect");
	int n = snprintf(req, sizeof(req),
			 "GET /ws HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nUpgrade: websocket\r\n"
			 "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
			 "Sec-WebSocket-Version: 13\r\n\r\n",
			 port);
	if (write(fd, req, (size_t)n) != n)
		die("write");
	while (got < sizeof(resp) - 1) {
		if (read(fd, resp + got, 1) != 1)
			die("handshake");
		resp[++got] = '\0';
		if (got >= 4 && strcmp(resp + got - 4, "\r\n\r\n") == 0)
			break;
	}
	if (strncmp(resp, "HTTP/1.1 101", 12) != 0) {
		fprintf(stderr, "ws-watch: handshake refused: %.40s\n", resp);
		exit(1);
	}
	return fd;
}

/* A pong with the ping's payload, masked with key 0 (the payload goes as is). */
static void pong(int fd, const unsigned char *payload, size_t n)
{
	unsigned char f[6 + 125] = {0x8A, (unsigned char)(0x80 | n), 0, 0, 0, 0};

	memcpy(f + 6, payload, n);
	if (write(fd, f, 6 + n) != (ssize_t)(6 + n))
		die("pong");
}

/* Whole frames out of c->buf; returns the number of text messages. */
static long frames(struct conn *c)
{
	long texts = 0;
	size_t at = 0;

	for (;;) {
		size_t head = 2, n;
		if (c->len - at < 2)
			break;
		unsigned op = c->buf[at] & 0x0F;
		n = c->buf[at + 1] & 0x7F;
		if (n == 126) {
			head = 4;
			if (c->len - at < head)
				break;
			n = (size_t)c->buf[at + 2] << 8 | c->buf[at + 3];
		} else if (n == 127) {
			fprintf(stderr, "ws-watch: frame too large\n");
			exit(1);
		}
		if (c->len - at < head + n)
			break;
		if (op == 0x9)
			pong(c->fd, c->buf + at + head, n);
		else if (op == 0x1)
			texts++;
		else if (op == 0x8)
			done = 1;
		at += head + n;
	}
	memmove(c->buf, c->buf + at, c->len - at);
	c->len -= at;
	return texts;
}

int main(int argc, char **argv)
{
	struct timespec t0, t1;
	long total = 0;

	if (argc != 3) {
		fprintf(stderr, "usage: ws-watch port clients\n");
		return 64;
	}
	int port = atoi(argv[1]), n = atoi(argv[2]);
	struct conn *cs = calloc((size_t)n, sizeof(*cs));
	struct pollfd *pf = calloc((size_t)n, sizeof(*pf));
	if (cs == NULL || pf == NULL)
		die("calloc");
	signal(SIGTERM, on_term);
	for (int i = 0; i < n; i++) {
		cs[i].fd = ws_connect(port);
		pf[i] = (struct pollfd){.fd = cs[i].fd, .events = POLLIN};
	}
	printf("watching\n");
	fflush(stdout);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (!done) {
		if (poll(pf, (nfds_t)n, 1000) < 0) {
			if (errno == EINTR)
				continue;
			die("poll");
		}
		for (int i = 0; i < n; i++) {
			if (!(pf[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			ssize_t r = read(cs[i].fd, cs[i].buf + cs[i].len, BUF - cs[i].len);
			if (r <= 0) {
				fprintf(stderr, "ws-watch: client %d: connection ended\n", i);
				return 1;
			}
			cs[i].len += (size_t)r;
			total += frames(&cs[i]);
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("msgs_per_s=%.1f\n", (double)total / n / secs);
	return 0;
}
