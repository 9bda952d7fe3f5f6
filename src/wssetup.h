/*
 * ws-bridge's start: the listen address, the served directory, the TLS
 * files, the token and room for file descriptors. Each function ends the
 * program with "ws-bridge: context: reason" and its sysexits status when
 * something is wrong, so nothing half-started ever says "listening".
 */
#ifndef IRACER_WSSETUP_H
#define IRACER_WSSETUP_H

#include <stddef.h>

/*
 * The address as lws wants it: an IP literal or an interface name stay as
 * they are, a host name (localhost) is looked up once. Exits 69 when it
 * names nothing.
 */
const char *wssetup_listen_addr(const char *addr);

/* Bind addr:port once and let go: exits 69 with the reason if that fails. */
void wssetup_check_bind(const char *addr, int port);

/* The realpath of the served directory; exits 66 when it is no directory. */
const char *wssetup_www(const char *dir);

/* Exits 66 (unreadable) or 65 (bad content) with OpenSSL's reason. */
void wssetup_tls(const char *cert, const char *key);

/*
 * The token from file, or else from $WS_BRIDGE_TOKEN, into buf (cap bytes,
 * NUL-terminated). Returns its length, 0 when there is none. The file's
 * first line must be printable ASCII: a NUL, a control character or a space
 * exits 65, as does an empty or too long token.
 */
size_t wssetup_token(const char *file, char *buf, size_t cap);

/* Raise the soft RLIMIT_NOFILE towards want; returns the limit now. */
long wssetup_fd_room(long want);

#endif
