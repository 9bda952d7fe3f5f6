/*
 * ws-bridge's clients: one per WebSocket connection, listed in order of
 * connection. ws-bridge.c decides who connects and who drives, wsfanout.c
 * what each is sent and when.
 */
#ifndef IRACER_WSCLIENT_H
#define IRACER_WSCLIENT_H

#include <libwebsockets.h>
#include <stddef.h>
#include <stdint.h>

/* A role notice waiting to go to a client (--exclusive). */
enum notice { NOTICE_NONE, NOTICE_DRIVE, NOTICE_WATCH };

/* Per WebSocket connection; lws allocates it zeroed (per_session_data). */
struct client {
	struct lws *wsi;
	struct client *prev, *next; /* in order of connection */
	char peer[64];
	char *msg; /* a message arriving in pieces, max_message bytes */
	size_t msg_len;
	uint64_t seq; /* next stdin line (broadcast number) to send */
	uint64_t dropped;
	enum notice notice;
	int established;
	int driving;	      /* --exclusive: this one's lines are printed */
	int keep_next;	      /* --keep: the next kept line to look at */
	uint64_t keep_before; /* kept lines from here on come in the ring */
	int closing;	      /* close with the reason set when writable (1001, 1002) */
	int dropping;	      /* its queue overflowed since the last report */
};

struct clients {
	struct client *first, *last;
	long n;
};

void clients_append(struct clients *l, struct client *c);
void clients_unlink(struct clients *l, struct client *c);

#endif
