/*
 * Refused connections held open, unread, until the handshake deadline. A
 * peer over its limit that is refused at once connects again at once: one
 * address can make ws-bridge accept and close thousands of connections a
 * second, and each one delays the driver. Held, each of its sockets costs us
 * one accept per deadline instead. Bounded: when the hold is full, a refused
 * connection is closed at once, as before.
 */
#ifndef IRACER_WSTARPIT_H
#define IRACER_WSTARPIT_H

#include <libwebsockets.h>

/* At most this many held (each one a descriptor). */
#define WSTARPIT_MAX 2048

/* Hold at most cap descriptors for hold_us each. Returns 0 or -1. */
int wstarpit_init(struct lws_context *ctx, int cap, lws_usec_t hold_us);

/* Keep a refused connection open (a duplicate of fd; lws closes fd itself). */
void wstarpit_hold(int fd);

/* Close all and free. */
void wstarpit_free(void);

#endif
