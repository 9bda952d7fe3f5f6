#include "clock.h"

#include <math.h>

int64_t clock_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * NS_PER_S + ts.tv_nsec;
}

int64_t clock_ns_from_s(double s)
{
	return (int64_t)llround(s * 1e9);
}

int clock_poll_until(struct pollfd *fds, nfds_t nfds, int64_t deadline, const sigset_t *sigmask)
{
	struct timespec ts, *tsp = NULL;

	if (deadline != NO_DEADLINE) {
		int64_t left = deadline - clock_now();
		if (left < 0)
			left = 0;
		ts.tv_sec = (time_t)(left / NS_PER_S);
		ts.tv_nsec = (long)(left % NS_PER_S);
		tsp = &ts;
	}
	return ppoll(fds, nfds, tsp, sigmask);
}
