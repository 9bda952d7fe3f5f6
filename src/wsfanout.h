/*
 * What each ws-bridge client is sent, and when: its role notice first, then
 * the kept lines (wskeep.h), then the stdin lines from the ring (wsring.h),
 * as many in one writable callback as its socket takes. A client whose queue
 * overflows loses its oldest lines, which is said once on stderr.
 *
 * The driver comes first. Its lines go out at once; the watchers get theirs
 * a few at a time, between turns of the loop, and not just after a driver's
 * message, whose answer is then on its way (see wsfanout.c).
 */
#ifndef IRACER_WSFANOUT_H
#define IRACER_WSFANOUT_H

#include <libwebsockets.h>

#include "wsclient.h"
#include "wsring.h"

/* The loop's context, the stdin lines, the clients; quiet: no stderr notes. */
void wsfanout_init(struct lws_context *ctx, struct wsring *ring, struct clients *list, int quiet);

/* New stdin lines are in the ring: queue them for every client. */
void wsfanout_lines(void);

/* A driver's message went to stdout: its answer may come back soon. */
void wsfanout_driver_spoke(void);

/* Tell c whether it drives or watches. */
void wsfanout_tell(struct client *c, enum notice n);

/* LWS_CALLBACK_SERVER_WRITEABLE for c: 0, or -1 to close it. */
int wsfanout_writable(struct lws *wsi, struct client *c);

/* c leaves (called before it is unlinked). */
void wsfanout_forget(struct client *c);

/* The loop ends: no more timers (before the context is destroyed). */
void wsfanout_stop(void);

#endif
