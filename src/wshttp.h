/*
 * ws-bridge's HTTP side: every response it makes (files, errors, refused
 * upgrades, and the headers added to the 101) carries the same security
 * headers, and static files are served only as the policy allows.
 */
#ifndef IRACER_WSHTTP_H
#define IRACER_WSHTTP_H

#include <libwebsockets.h>

#include "policy.h"

/* root: the served directory's realpath, or NULL (no files). */
void wshttp_init(const char *root, const struct policy *pol, int verbose);

/* Append the security headers (for LWS_CALLBACK_ADD_HEADERS and files). */
int wshttp_security_headers(struct lws *wsi, unsigned char **p, unsigned char *end);

/*
 * A whole response with a short text body, written at once. With
 * keep_alive the connection may serve another request.
 */
int wshttp_respond(
	struct lws *wsi, unsigned code, const char *extra, const char *why, int keep_alive);

/* The Host header is ours (policy_host_ok); a -v note when it is not. */
int wshttp_host_ok(struct lws *wsi);

/* LWS_CALLBACK_HTTP: the return value for lws. */
int wshttp_serve(struct lws *wsi);

/* The peer's address as text, "[v6]:port" or "v4:port". */
void wshttp_peer_name(struct lws *wsi, char *buf, size_t len);

#endif
