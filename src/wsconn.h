/*
 * Connections that have not finished their upgrade, as libwebsockets
 * hands them to ws-bridge: each is counted against its address (policy.h's
 * peers) from accept until its upgrade or its end, and closed when it has
 * not finished its handshake (TLS, request headers) by the deadline. So
 * idle sockets, however many, cannot keep a driver out.
 */
#ifndef IRACER_WSCONN_H
#define IRACER_WSCONN_H

#include <libwebsockets.h>

/* Unfinished connections: in all, per address, and held back for new addresses. */
#define WSCONN_MAX_PENDING 512
#define WSCONN_PER_PEER 64
#define WSCONN_RESERVE 128

/* maxfd: the largest fd lws may hand over, plus one. Returns 0 or -1. */
int wsconn_init(struct lws_context *ctx, int maxfd, int handshake_ms);
void wsconn_free(void);

/* LWS_CALLBACK_FILTER_NETWORK_CONNECTION: nonzero refuses fd at once. */
int wsconn_filter(int fd);

/* LWS_CALLBACK_SERVER_NEW_CLIENT_INSTANTIATED */
int wsconn_new(struct lws *wsi);

/* A whole request arrived (the deadline is met). */
void wsconn_request(struct lws *wsi);

/* LWS_CALLBACK_ESTABLISHED: no longer unfinished. */
void wsconn_upgraded(struct lws *wsi);

/* LWS_CALLBACK_WSI_DESTROY (for every wsi; others are ignored). */
void wsconn_destroy(struct lws *wsi);

#endif
