/* ws-bridge's checks on a WebSocket upgrade; see wsupgrade.h. */
#include "wsupgrade.h"

#include <string.h>

#include "wsguard.h"
#include "wshttp.h"
#include "wsopts.h"

static const char *header(struct lws *wsi, enum lws_token_indexes h, char *buf, int len)
{
	if (lws_hdr_total_length(wsi, h) <= 0)
		return NULL;
	return lws_hdr_copy(wsi, buf, len, h) > 0 ? buf : "";
}

/* ?token=..., its length taken as lws decoded it (a %00 does not end it). */
static int token_allowed(struct lws *wsi, const struct policy *pol)
{
	char buf[TOKEN_MAX + 8];
	int n;

	if (pol->token == NULL)
		return 1;
	for (int i = 0;
		(n = lws_hdr_copy_fragment(wsi, buf, sizeof(buf), WSI_TOKEN_HTTP_URI_ARGS, i)) >= 0;
		i++) {
		if (n >= 6 && strncmp(buf, "token=", 6) == 0)
			return policy_token_ok(pol, buf + 6, (size_t)n - 6);
	}
	return 0;
}

static int reject(struct lws *wsi, unsigned code, const char *why)
{
	wshttp_respond(wsi, code, NULL, why, 0);
	return 1; /* lws completes the transaction */
}

int wsupgrade_check(struct lws *wsi, const struct policy *pol, int ws_path_only, int room)
{
	char uri[64], origin[256], host[256];
	const char *h = header(wsi, WSI_TOKEN_HOST, host, sizeof(host));

	if (ws_path_only &&
		(!header(wsi, WSI_TOKEN_GET_URI, uri, sizeof(uri)) || strcmp(uri, "/ws")))
		return reject(wsi, HTTP_STATUS_NOT_FOUND, "not the WebSocket path");
	if (h == NULL)
		return reject(wsi, HTTP_STATUS_BAD_REQUEST, "no Host header");
	if (!wshttp_host_ok(wsi))
		return reject(wsi, 421, "not this server's name");
	if (!policy_origin_ok(pol, header(wsi, WSI_TOKEN_ORIGIN, origin, sizeof(origin)), h))
		return reject(wsi, HTTP_STATUS_FORBIDDEN, "cross-origin");
	if (!token_allowed(wsi, pol))
		return reject(wsi, HTTP_STATUS_FORBIDDEN, "bad token");
	if (wsguard_pipelined(lws_get_socket_fd(wsi)))
		return reject(wsi, HTTP_STATUS_BAD_REQUEST, "data before the upgrade");
	if (wsguard_odd_request(lws_get_socket_fd(wsi)))
		return reject(wsi, (unsigned)wsguard_odd_request(lws_get_socket_fd(wsi)),
			"odd request line");
	if (!room)
		return reject(wsi, HTTP_STATUS_SERVICE_UNAVAILABLE, "too many clients");
	return 0;
}
