#include "listen.h"

#include <bluetooth/bluetooth.h>
#include <bluetooth/rfcomm.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

static void listener_init(struct listener *l, enum listen_kind kind)
{
	memset(l, 0, sizeof(*l));
	l->kind = kind;
	l->fd = -1;
	l->slave = -1;
}

static int fail(struct listener *l, int e)
{
	if (l->fd >= 0)
		close(l->fd);
	if (l->slave >= 0)
		close(l->slave);
	l->fd = l->slave = -1;
	errno = e;
	return -1;
}

int listen_unix(struct listener *l, const char *path)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	struct stat st;

	listener_init(l, LISTEN_UNIX);
	if (strlen(path) >= sizeof(a.sun_path) || strlen(path) >= sizeof(l->path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(a.sun_path, path);
	l->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (l->fd < 0)
		return -1;
	/* bind(2) never replaces an existing file: EADDRINUSE, which is what we want */
	if (bind(l->fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		return fail(l, errno);
	if (stat(path, &st) == 0) {
		l->dev = st.st_dev;
		l->ino = st.st_ino;
		strcpy(l->path, path);
	}
	/* one connection at a time: the next one waits in the backlog */
	if (listen(l->fd, 4) < 0) {
		int e = errno;
		listen_close(l);
		errno = e;
		return -1;
	}
	return 0;
}

int listen_pty(struct listener *l)
{
	struct termios tio;
	const char *name;

	listener_init(l, LISTEN_PTY);
	l->fd = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (l->fd < 0)
		return -1;
	if (grantpt(l->fd) < 0 || unlockpt(l->fd) < 0 || (name = ptsname(l->fd)) == NULL)
		return fail(l, errno);
	if (strlen(name) >= sizeof(l->path))
		return fail(l, ENAMETOOLONG);
	strcpy(l->path, name);
	/*
	 * Holding the slave open keeps the master readable (no EIO/hangup)
	 * while writers come and go, and keeps the settings a writer made,
	 * as a bound /dev/rfcommN does.
	 */
	l->slave = open(l->path, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (l->slave < 0)
		return fail(l, errno);
	/* a fresh rfcomm tty: 9600 baud 8N1, otherwise the kernel's defaults */
	if (tcgetattr(l->slave, &tio) == 0) {
		cfsetispeed(&tio, B9600);
		cfsetospeed(&tio, B9600);
		tio.c_cflag = (tio.c_cflag & ~(tcflag_t)(CSIZE | PARENB | CSTOPB)) | CS8;
		tcsetattr(l->slave, TCSANOW, &tio);
	}
	return 0;
}

int listen_rfcomm(struct listener *l, int channel)
{
	struct sockaddr_rc a;

	listener_init(l, LISTEN_RFCOMM);
	memset(&a, 0, sizeof(a));
	a.rc_family = AF_BLUETOOTH;
	bacpy(&a.rc_bdaddr, BDADDR_ANY);
	a.rc_channel = (uint8_t)channel;
	l->fd = socket(AF_BLUETOOTH, SOCK_STREAM | SOCK_CLOEXEC, BTPROTO_RFCOMM);
	if (l->fd < 0)
		return -1;
	if (bind(l->fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(l->fd, 1) < 0)
		return fail(l, errno);
	return 0;
}

int listen_accept(struct listener *l, char *peer, size_t n)
{
	struct sockaddr_rc rc;
	socklen_t len = sizeof(rc);
	char addr[18];
	int fd;

	switch (l->kind) {
	case LISTEN_PTY:
		snprintf(peer, n, "%s", l->path);
		return l->fd;
	case LISTEN_RFCOMM:
		fd = accept4(l->fd, (struct sockaddr *)&rc, &len, SOCK_CLOEXEC);
		if (fd >= 0) {
			ba2str(&rc.rc_bdaddr, addr);
			snprintf(peer, n, "from %s", addr);
		}
		return fd;
	default:
		fd = accept4(l->fd, NULL, NULL, SOCK_CLOEXEC);
		if (fd >= 0)
			snprintf(peer, n, "on " LINK_UNIX_PREFIX "%s", l->path);
		return fd;
	}
}

int listen_is_stream(const struct listener *l)
{
	return l->kind != LISTEN_PTY;
}

void listen_close(struct listener *l)
{
	struct stat st;

	if (l->kind == LISTEN_UNIX && l->path[0] != '\0' && lstat(l->path, &st) == 0 &&
		st.st_dev == l->dev && st.st_ino == l->ino)
		unlink(l->path);
	if (l->fd >= 0)
		close(l->fd);
	if (l->slave >= 0)
		close(l->slave);
	l->fd = l->slave = -1;
	l->path[0] = '\0';
}
