/*
 * Monotonic time in nanoseconds. Every duration in iracer is scheduled as an
 * absolute deadline on CLOCK_MONOTONIC, so waiting never accumulates error.
 */
#ifndef IRACER_CLOCK_H
#define IRACER_CLOCK_H

#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <time.h>

#define NS_PER_MS INT64_C(1000000)
#define NS_PER_S INT64_C(1000000000)
#define NO_DEADLINE INT64_MAX

int64_t clock_now(void);

/* Seconds (as a double) to nanoseconds, rounded to the nearest ns. */
int64_t clock_ns_from_s(double s);

/*
 * ppoll(2) until fds are ready or the absolute deadline passes (NO_DEADLINE:
 * wait for ever). Nanosecond precision, unlike poll's milliseconds.
 * sigmask is passed to ppoll (NULL: keep the current mask).
 * Returns ppoll's result: >0 ready, 0 deadline reached, -1 with errno (EINTR).
 */
int clock_poll_until(struct pollfd *fds, nfds_t nfds, int64_t deadline, const sigset_t *sigmask);

#endif
