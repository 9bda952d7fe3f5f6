/* Unfinished connections and their deadline; see wsconn.h. */
#include "wsconn.h"

#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "policy.h"
#include "wsguard.h"
#include "wstarpit.h"

struct conn {
	struct lws *wsi; /* NULL: free */
	struct peer_key peer;
	int pending; /* counted in peers */
	lws_sorted_usec_list_t deadline;
};

static struct conn *conns;
static int nconns;
static struct peers peers;
static struct peer_slot slots[WSCONN_MAX_PENDING];
static struct lws_context *context;
static lws_usec_t handshake_us;

int wsconn_init(struct lws_context *ctx, int maxfd, int handshake_ms)
{
	context = ctx;
	handshake_us = (lws_usec_t)handshake_ms * 1000;
	peers_init(&peers, slots, WSCONN_MAX_PENDING, WSCONN_PER_PEER, WSCONN_RESERVE);
	conns = calloc((size_t)maxfd, sizeof(*conns));
	nconns = conns ? maxfd : 0;
	return conns && wsguard_init(maxfd) == 0 ? 0 : -1;
}

void wsconn_free(void)
{
	free(conns);
	conns = NULL;
	nconns = 0;
	wsguard_free();
}

static int peer_of(int fd, struct peer_key *k)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);

	if (getpeername(fd, (struct sockaddr *)&ss, &sl) < 0)
		return -1;
	if (ss.ss_family == AF_INET6)
		peer_key_from(k, AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr);
	else if (ss.ss_family == AF_INET)
		peer_key_from(k, AF_INET, &((struct sockaddr_in *)&ss)->sin_addr);
	else
		return -1;
	return 0;
}

static struct conn *conn_of(struct lws *wsi)
{
	struct conn *c = lws_get_opaque_user_data(wsi);

	return c >= conns && c < conns + nconns && c->wsi == wsi ? c : NULL;
}

static void settle(struct conn *c)
{
	lws_sul_cancel(&c->deadline);
	if (c->pending)
		peers_release(&peers, &c->peer);
	c->pending = 0;
}

/*
 * Counted (or refused) before lws spends anything on it. A client refused
 * because its address has too many unfinished connections is held open
 * until the deadline (wstarpit.h), so that it cannot retry at once: a flood
 * of retries would otherwise keep the loop busy accepting and closing.
 */
int wsconn_filter(int fd)
{
	struct peer_key k;
	struct conn *c;

	if (fd < 0 || fd >= nconns || peer_of(fd, &k) < 0)
		return 1;
	c = &conns[fd];
	settle(c); /* the fd is new again: whatever held it before has ended */
	c->wsi = NULL;
	if (!peers_admit(&peers, &k)) {
		wstarpit_hold(fd);
		return 1;
	}
	c->peer = k;
	c->pending = 1;
	return 0;
}

static void deadline_passed(lws_sorted_usec_list_t *sul)
{
	struct conn *c = lws_container_of(sul, struct conn, deadline);

	if (c->wsi)
		lws_set_timeout(c->wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
}

int wsconn_new(struct lws *wsi)
{
	int fd = lws_get_socket_fd(wsi);
	struct conn *c;

	if (fd < 0 || fd >= nconns)
		return -1;
	c = &conns[fd];
	if (!c->pending) { /* not through wsconn_filter */
		if (peer_of(fd, &c->peer) < 0 || !peers_admit(&peers, &c->peer))
			return -1;
		c->pending = 1;
	}
	c->wsi = wsi;
	lws_set_opaque_user_data(wsi, c);
	wsguard_watch(fd);
	lws_sul_schedule(context, 0, &c->deadline, deadline_passed, handshake_us);
	return 0;
}

void wsconn_request(struct lws *wsi)
{
	struct conn *c = conn_of(wsi);

	if (c)
		lws_sul_cancel(&c->deadline);
}

void wsconn_upgraded(struct lws *wsi)
{
	struct conn *c = conn_of(wsi);

	if (c)
		settle(c);
	wsguard_upgraded(lws_get_socket_fd(wsi));
}

void wsconn_destroy(struct lws *wsi)
{
	struct conn *c = conn_of(wsi);

	if (c == NULL)
		return;
	settle(c);
	wsguard_forget((int)(c - conns));
	c->wsi = NULL;
}
