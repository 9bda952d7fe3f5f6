/*
 * wsclient: the client side of RFC 6455 that the bench's C clients share
 * (ws-flood, ws-watch, ws-drive). Plain sockets to 127.0.0.1, the upgrade,
 * masked frames out and whole frames in: just enough for a bench, and lean,
 * so that a bench measures the server and not its clients. Any failure
 * ends the program (status 1) with a message.
 */
#ifndef IRACER_BENCH_WSCLIENT_H
#define IRACER_BENCH_WSCLIENT_H

#include <stddef.h>

#define WSC_TEXT 0x1
#define WSC_CLOSE 0x8
#define WSC_PING 0x9
#define WSC_PONG 0xA

/* Frames arriving on one connection. */
struct wsc_in {
	int fd;
	unsigned char buf[65536];
	size_t len;
};

void wsc_die(const char *what);
double wsc_now(void); /* CLOCK_MONOTONIC, in seconds */

/* ws://127.0.0.1:port/ws, upgraded, TCP_NODELAY; waits while the server starts. */
int wsc_connect(int port);

/* A masked frame (key 0: the payload goes as is) in dst; returns its size. */
size_t wsc_frame(void *dst, int opcode, const void *payload, size_t n);

/* One masked frame written whole. */
void wsc_send(int fd, int opcode, const void *payload, size_t n);

/*
 * One read(2) of what the connection has; every whole text message goes to
 * on_text, pings are answered. Returns the number of text messages, or -1
 * when the server closed (a close frame or end of file).
 */
long wsc_read(struct wsc_in *in, void (*on_text)(void *arg, const char *text, size_t n), void *arg);

#endif
