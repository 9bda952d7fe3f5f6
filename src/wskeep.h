/*
 * ws-bridge --keep TYPE: like MQTT's retained messages, the latest stdin line
 * of each kept type ({"type":"link",...}) goes to every new client right after
 * it connects, so a late page knows the state at once, with no polling.
 * Lines are numbered as in the stdin ring; no I/O here.
 */
#ifndef IRACER_WSKEEP_H
#define IRACER_WSKEEP_H

#include <stddef.h>
#include <stdint.h>

/*
 * Keep the lines of these types, each at most max_len bytes, with room for pre
 * bytes before each (lws_write's LWS_PRE); -1 and errno when out of memory.
 */
int wskeep_init(const char *const *types, int ntypes, size_t max_len, size_t pre);

/* Stdin line number seq is line[0..n): keep it when it is of a kept type. */
void wskeep_remember(const char *line, size_t n, uint64_t seq);

/*
 * The next kept line for a client that connected when line number `before` was
 * next, from slot *next on (a counter the client keeps, 0 at first): the line,
 * with its length in *len, or NULL when none is left. Lines kept later reach
 * the client through the ring like any other.
 */
char *wskeep_next(int *next, uint64_t before, size_t *len);

/* Whether wskeep_next would return a line, without taking it. */
int wskeep_pending(int next, uint64_t before);

void wskeep_free(void);

#endif
