/*
 * The listening side of iracer-sim: where a car would accept bytes.
 * A UNIX stream socket or an RFCOMM channel accepts one connection at a
 * time; a pseudo-terminal behaves like /dev/rfcomm0, which writers open,
 * configure and close as they please.
 */
#ifndef IRACER_LISTEN_H
#define IRACER_LISTEN_H

#include <stddef.h>
#include <sys/types.h>

#include "link.h"

enum listen_kind { LISTEN_UNIX, LISTEN_PTY, LISTEN_RFCOMM };

struct listener {
	enum listen_kind kind;
	int fd;			   /* listening socket, or the pty master */
	int slave;		   /* pty: our own slave fd, so the master never hangs up */
	char path[LINK_PATH_SIZE]; /* socket path we created, or the pty slave's path */
	dev_t dev;		   /* the socket file we created: removed only if still ours */
	ino_t ino;
};

/*
 * Listen on a new UNIX socket at path. An existing path is never replaced
 * (it may not be ours): -1 with errno EADDRINUSE. Returns 0 or -1 (errno).
 */
int listen_unix(struct listener *l, const char *path);

/* A pty set up like a fresh /dev/rfcomm0 (9600 baud); l->path is its slave. */
int listen_pty(struct listener *l);

/* Listen on RFCOMM channel (LINK_CHANNEL_MIN to _MAX) on every local adapter. */
int listen_rfcomm(struct listener *l, int channel);

/*
 * Accept the next connection (sockets) or hand out the master (pty).
 * peer receives a readable name of the other end. Returns an fd or -1.
 */
int listen_accept(struct listener *l, char *peer, size_t n);

/* Whether fds from listen_accept() are the connection's own (close them when done). */
int listen_is_stream(const struct listener *l);

/* Close everything and remove the socket file if it is still the one we made. */
void listen_close(struct listener *l);

#endif
