/*
 * ws-bridge's stdout: client messages become lines in one bounded buffer that
 * leaves with one write(2) per loop turn. Stdout is non-blocking when it is a
 * pipe or socket (watched by lws, so a slow reader never stalls the loop) and
 * written with blocking writes when it is a file, which poll(2) would call
 * always ready. When the buffer is nearly full the throttle callback stops
 * reading clients until a flush made room.
 */
#ifndef IRACER_WSOUT_H
#define IRACER_WSOUT_H

#include <libwebsockets.h>
#include <stddef.h>

/* Lines of up to max bytes; throttle(1) stops reading clients, (0) resumes. */
void wsout_init(size_t max, void (*throttle)(int on));

/* Whether stdout is to be watched (a pipe or socket). */
int wsout_nonblock(void);

/* The loop runs: ctx to wake, and the watch on stdout (NULL for a file). */
void wsout_start(struct lws_context *ctx, struct lws *watch);

/* Queue one message as a line (newlines in it become spaces, see msgline.h). */
void wsout_line(const char *text, size_t n);

/* Write what is queued; from the loop and on the watch's writable callback. */
void wsout_flush(void);

/* The watch saw the reader go (POLLHUP/POLLERR); ending tells it not to complain. */
void wsout_watch_closed(int ending);

/* Dead: no more writes. Failed: dead by a fault (not EPIPE once ending). */
int wsout_dead(void);
int wsout_failed(void);

/* We are shutting down: a reader that is gone by now is no fault. */
void wsout_ending(void);

int wsout_throttled(void);

/* Write the rest, restore stdout's flags, free. */
void wsout_finish(void);

#endif
