/*
 * ws-bridge's checks on a WebSocket upgrade request, in order: the path,
 * the Host header (rebinding), the Origin, the token, the request's shape
 * (wsguard) and room for one more client. The decisions are policy.c's; this
 * reads them out of lws's headers and answers a refusal.
 */
#ifndef IRACER_WSUPGRADE_H
#define IRACER_WSUPGRADE_H

#include <libwebsockets.h>

#include "policy.h"

/*
 * LWS_CALLBACK_HTTP_CONFIRM_UPGRADE: 0 lets the upgrade go on; 1 when it was
 * refused with an HTTP answer. ws_path_only: only /ws upgrades (files are
 * served too); room: one more client may connect.
 */
int wsupgrade_check(struct lws *wsi, const struct policy *pol, int ws_path_only, int room);

#endif
