/* poll(2) on epoll(7) for lws's loop; see wspoll.h. */
#include "wspoll.h"

#include <dlfcn.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <unistd.h>

/* Below this many descriptors plain poll(2) is as cheap (lws_send_pipe_choked: 1). */
#define WSPOLL_MIN 8

struct mirror {
	short events;	    /* what the epoll set asks for it */
	int slot;	    /* its place in P.member + 1; 0: not in the set */
	unsigned long turn; /* the last call that saw it in lws's array */
	nfds_t index;	    /* its place in that array */
};

static struct {
	int epfd;
	int maxfd;
	struct mirror *fd;
	int *member; /* the descriptors in the epoll set */
	int nmember;
	unsigned long turn;
	struct epoll_event *ev;
} P = {.epfd = -1};

static int (*real_poll)(struct pollfd *, nfds_t, int);
static int (*real_close)(int);

int wspoll_init(int maxfd)
{
	/*
	 * One block (a fresh mapping for any real maxfd): its pages cost memory
	 * only once touched, so an idle ws-bridge's RSS does not grow with
	 * ulimit -n. P.fd (24n bytes, from calloc's alignment) first, then
	 * P.ev, then P.member: each starts aligned for its type.
	 */
	size_t n = (size_t)maxfd;
	char *block = calloc(n, sizeof(*P.fd) + sizeof(*P.ev) + sizeof(*P.member));

	if (block) {
		P.fd = (struct mirror *)block;
		P.ev = (struct epoll_event *)(block + n * sizeof(*P.fd));
		P.member = (int *)(block + n * (sizeof(*P.fd) + sizeof(*P.ev)));
		P.epfd = epoll_create1(EPOLL_CLOEXEC);
	}
	if (P.epfd < 0) {
		wspoll_free();
		return -1;
	}
	P.maxfd = maxfd;
	return 0;
}

void wspoll_free(void)
{
	int epfd = P.epfd;

	P.epfd = -1;
	P.maxfd = 0;
	P.nmember = 0;
	free(P.fd); /* the block */
	P.fd = NULL;
	P.member = NULL;
	P.ev = NULL;
	if (epfd >= 0)
		close(epfd);
}

static void leave_set(int fd)
{
	struct mirror *m = &P.fd[fd];
	int last = P.member[--P.nmember];

	epoll_ctl(P.epfd, EPOLL_CTL_DEL, fd, NULL);
	P.member[m->slot - 1] = last;
	P.fd[last].slot = m->slot;
	m->slot = 0;
}

static uint32_t to_epoll(short events)
{
	return (events & POLLIN ? EPOLLIN : 0) | (events & POLLPRI ? EPOLLPRI : 0) |
	       (events & POLLOUT ? EPOLLOUT : 0) | (events & POLLRDHUP ? EPOLLRDHUP : 0);
}

static short to_poll(uint32_t events)
{
	return (short)((events & EPOLLIN ? POLLIN : 0) | (events & EPOLLPRI ? POLLPRI : 0) |
		       (events & EPOLLOUT ? POLLOUT : 0) | (events & EPOLLERR ? POLLERR : 0) |
		       (events & EPOLLHUP ? POLLHUP : 0) | (events & EPOLLRDHUP ? POLLRDHUP : 0));
}

/*
 * Bring the epoll set in line with lws's array: one pass in memory, and an
 * epoll_ctl(2) only for what changed since the last call. Returns 0 when
 * the array can't be mirrored (a descriptor out of range, or one epoll
 * refuses, as a regular file): then this call is plain poll(2).
 */
static int mirror(struct pollfd *fds, nfds_t n)
{
	P.turn++;
	for (nfds_t i = 0; i < n; i++) {
		int fd = fds[i].fd;
		fds[i].revents = 0;
		if (fd < 0)
			continue; /* poll(2) skips it too */
		if (fd >= P.maxfd)
			return 0;
		struct mirror *m = &P.fd[fd];
		struct epoll_event ev = {.events = to_epoll(fds[i].events), .data.fd = fd};
		m->turn = P.turn;
		m->index = i;
		if (m->slot == 0) {
			if (epoll_ctl(P.epfd, EPOLL_CTL_ADD, fd, &ev) < 0)
				return 0;
			P.member[P.nmember++] = fd;
			m->slot = P.nmember;
			m->events = fds[i].events;
		} else if (m->events != fds[i].events) {
			if (epoll_ctl(P.epfd, EPOLL_CTL_MOD, fd, &ev) < 0)
				return 0;
			m->events = fds[i].events;
		}
	}
	/* what lws no longer watches leaves the set */
	for (int k = 0; k < P.nmember;) {
		int fd = P.member[k];
		if (P.fd[fd].turn != P.turn)
			leave_set(fd); /* moves the last member to k */
		else
			k++;
	}
	return 1;
}

int poll(struct pollfd *fds, nfds_t n, int timeout)
{
	int got, ready = 0;

	if (real_poll == NULL)
		*(void **)&real_poll = dlsym(RTLD_NEXT, "poll");
	if (P.epfd < 0 || n < WSPOLL_MIN || !mirror(fds, n))
		return real_poll(fds, n, timeout);
	got = epoll_wait(P.epfd, P.ev, P.maxfd, timeout);
	if (got < 0)
		return -1; /* errno as poll(2)'s: EINTR */
	for (int k = 0; k < got; k++) {
		struct pollfd *p = &fds[P.fd[P.ev[k].data.fd].index];
		p->revents = to_poll(P.ev[k].events);
		ready += p->revents != 0;
	}
	return ready;
}

int close(int fd)
{
	if (real_close == NULL)
		*(void **)&real_close = dlsym(RTLD_NEXT, "close");
	/* before the number can be reused by the next accept */
	if (P.epfd >= 0 && fd >= 0 && fd < P.maxfd && P.fd[fd].slot > 0)
		leave_set(fd);
	return real_close(fd);
}
