/*
 * Targets: the text a user gives (a Bluetooth address, a tty path, or
 * unix:PATH) parsed once, then turned into a connected file descriptor.
 * Connecting is split in two steps so a caller's poll loop can keep serving
 * its other inputs while a slow RFCOMM connect is under way.
 */
#ifndef IRACER_LINK_H
#define IRACER_LINK_H

#include <stddef.h>
#include <stdint.h>
#include <sys/un.h>

#include <bluetooth/bluetooth.h>

#include "util.h"

enum link_kind {
	LINK_RFCOMM, /* XX:XX:XX:XX:XX:XX, RFCOMM channel */
	LINK_TTY,    /* a path with a '/': any tty, set raw 9600 8N1 */
	LINK_UNIX,   /* unix:PATH, a UNIX stream socket */
};

#define LINK_CHANNEL_MIN 1
#define LINK_CHANNEL_MAX 30
#define LINK_CHANNEL_DEFAULT 1
/* "1-30" and the -c line, for help texts */
#define LINK_CHANNEL_RANGE STR(LINK_CHANNEL_MIN) "-" STR(LINK_CHANNEL_MAX)
#define LINK_CHANNEL_HELP                                                                          \
	"RFCOMM channel, " LINK_CHANNEL_RANGE " (default " STR(LINK_CHANNEL_DEFAULT) ")"

/* How a UNIX socket target is written: unix:PATH */
#define LINK_UNIX_PREFIX "unix:"

/* Room for a socket path and its NUL (Linux: 108) */
#define LINK_PATH_SIZE sizeof(((struct sockaddr_un *)0)->sun_path)

struct link_target {
	enum link_kind kind;
	const char *text; /* as the user wrote it, for messages */
	bdaddr_t addr;
	int channel;
	char path[LINK_PATH_SIZE];
};

/*
 * Parse a target. Text without a '/' that is not unix:PATH must be a
 * Bluetooth address: "00:11:22" is a malformed address, never a file name.
 * Returns 0, or -1 with a message (without the target itself) in why.
 */
int link_parse(const char *text, int channel, struct link_target *t, char *why, size_t n);

/*
 * Start connecting. Returns 0 when connected (*fd set), 1 when the connect is
 * in progress (*fd set: wait for POLLOUT, then call link_finish), or -1 with
 * errno set. The fd is blocking once connected.
 */
int link_start(const struct link_target *t, int *fd);

/* Complete a connect after POLLOUT. Returns 0, or -1 with errno set. */
int link_finish(int fd);

/*
 * Why a connect failed, in words that say what to do: strerror(errnum) and a
 * hint for the target kind. Returns buf.
 */
const char *link_reason(const struct link_target *t, int errnum, char *buf, size_t n);

/* True when retrying cannot help: the system lacks the address family. */
int link_fatal(int errnum);

/*
 * Prepare a connected link for iracer-send's poll loop: non-blocking, and a
 * socket gets the smallest send buffer, so unread bytes cannot pile up in
 * the kernel in front of a stop. Returns 0 or -1 (errno).
 */
int link_prepare(const struct link_target *t, int fd);

/*
 * How much written data the far end has not taken yet: 0 when it took all.
 * The unit depends on the kind (bytes, or socket buffer memory); only
 * "zero" and "less than before" mean something. -1 when it cannot be told.
 */
long link_queued(const struct link_target *t, int fd);

/* Drain a tty's output so the last byte is not lost, then close. */
void link_close(const struct link_target *t, int fd);

#endif
