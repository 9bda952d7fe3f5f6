/*
 * lws 4.1's event loop calls poll(2) over every descriptor it has at each
 * turn: with a hundred watching clients, each turn of the driver's round
 * trip paid for registering and scanning all of them (bench/phone: +0.2 ms
 * on the round trip's median). poll() is wrapped here (lws calls it through
 * the PLT, as recv in wsguard.c): lws's array is mirrored into an epoll(7)
 * set, level-triggered as poll is, and a call costs one pass over the array
 * in memory plus an epoll_wait(2) that does not grow with idle descriptors.
 * lws's loop, its timers and its order of service are unchanged. close(2)
 * is wrapped too, so that a descriptor leaves the set before its number can
 * be reused.
 */
#ifndef IRACER_WSPOLL_H
#define IRACER_WSPOLL_H

/*
 * Mirror descriptors below maxfd; a call with one at or above it, or one
 * with fewer than a few descriptors, is plain poll(2). Returns 0, or -1
 * (then every call is plain poll(2)).
 */
int wspoll_init(int maxfd);
void wspoll_free(void);

#endif
