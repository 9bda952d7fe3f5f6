/*
 * RFC 6455 5.1: a server must close the connection when a client sends an
 * unmasked frame. libwebsockets 4.1 accepts them and keeps the mask bit to
 * itself, so ws-bridge follows the frame headers in the bytes lws reads
 * (wsguard.c) with this small parser. Pure: bytes in, a verdict out.
 */
#ifndef IRACER_WSMASK_H
#define IRACER_WSMASK_H

#include <stddef.h>
#include <stdint.h>

struct wsmask {
	unsigned char hdr[14]; /* the frame header being collected */
	unsigned hlen;
	uint64_t left; /* payload bytes still to skip */
	int bad;
};

/* A fresh parser: the next byte starts a frame. */
void wsmask_init(struct wsmask *m);

/*
 * Follow n more bytes of the client's stream. Returns -1 while every frame
 * is masked, else the offset in b of the first byte that belongs to an
 * unmasked frame (0 when it began in an earlier call); from then on every
 * call returns 0.
 */
long wsmask_feed(struct wsmask *m, const unsigned char *b, size_t n);

#endif
