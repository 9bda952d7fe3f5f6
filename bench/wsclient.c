/* The bench's WebSocket client side; see wsclient.h. */
#include "wsclient.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

void wsc_die(const char *what)
{
	perror(what);
	exit(1);
}

double wsc_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The 101 and its headers, a byte at a time so that no frame is read with them. */
static void read_upgrade(int fd)
{
	char resp[1024];
	size_t got = 0;

	while (got < sizeof(resp) - 1) {
		if (read(fd, resp + got, 1) != 1)
			wsc_die("handshake");
		resp[++got] = '\0';
		if (got >= 4 && strcmp(resp + got - 4, "\r\n\r\n") == 0)
			break;
	}
	if (strncmp(resp, "HTTP/1.1 101", 12) != 0) {
		fprintf(stderr, "wsclient: handshake refused: %.40s\n", resp);
		exit(1);
	}
}

int wsc_connect(int port)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	char req[512];
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	if (fd < 0)
		wsc_die("socket");
	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	for (int tries = 0; connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0; tries++) {
		if (errno != ECONNREFUSED || tries > 500)
			wsc_die("connect");
		usleep(10000); /* the server may still be starting */
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	int n = snprintf(req, sizeof(req),
		"GET /ws HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nUpgrade: websocket\r\n"
		"Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
		"Sec-WebSocket-Version: 13\r\n\r\n",
		port);
	if (write(fd, req, (size_t)n) != n)
		wsc_die("write");
	read_upgrade(fd);
	return fd;
}

size_t wsc_frame(void *dst, int opcode, const void *payload, size_t n)
{
	unsigned char *d = dst;
	size_t h = 0;

	d[h++] = (unsigned char)(0x80 | opcode);
	if (n < 126) {
		d[h++] = (unsigned char)(0x80 | n);
	} else {
		d[h++] = 0x80 | 126;
		d[h++] = (unsigned char)(n >> 8);
		d[h++] = (unsigned char)(n & 0xff);
	}
	memset(d + h, 0, 4);
	h += 4;
	memcpy(d + h, payload, n);
	return h + n;
}

void wsc_send(int fd, int opcode, const void *payload, size_t n)
{
	unsigned char f[8 + 65535];
	size_t len;

	if (n > 65535) {
		fprintf(stderr, "wsclient: message too large\n");
		exit(1);
	}
	len = wsc_frame(f, opcode, payload, n);
	if (write(fd, f, len) != (ssize_t)len)
		wsc_die("write");
}

/* Whole frames out of in->buf: texts counted and handed on, pings answered. */
static long take_frames(struct wsc_in *in, void (*on_text)(void *, const char *, size_t), void *arg)
{
	long texts = 0;
	size_t at = 0;

	for (;;) {
		size_t head = 2, n;
		if (in->len - at < 2)
			break;
		unsigned op = in->buf[at] & 0x0F;
		n = in->buf[at + 1] & 0x7F;
		if (n == 126) {
			head = 4;
			if (in->len - at < head)
				break;
			n = (size_t)in->buf[at + 2] << 8 | in->buf[at + 3];
		} else if (n == 127) {
			fprintf(stderr, "wsclient: frame too large\n");
			exit(1);
		}
		if (in->len - at < head + n)
			break;
		if (op == WSC_CLOSE)
			return -1;
		if (op == WSC_PING)
			wsc_send(in->fd, WSC_PONG, in->buf + at + head, n);
		else if (op == WSC_TEXT && ++texts && on_text)
			on_text(arg, (const char *)in->buf + at + head, n);
		at += head + n;
	}
	memmove(in->buf, in->buf + at, in->len - at);
	in->len -= at;
	return texts;
}

long wsc_read(struct wsc_in *in, void (*on_text)(void *arg, const char *text, size_t n), void *arg)
{
	ssize_t r = read(in->fd, in->buf + in->len, sizeof(in->buf) - in->len);

	if (r < 0 && errno == EINTR)
		return 0;
	if (r < 0)
		wsc_die("read");
	if (r == 0)
		return -1;
	in->len += (size_t)r;
	return take_frames(in, on_text, arg);
}
