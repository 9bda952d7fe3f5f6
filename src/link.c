#include "link.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <bluetooth/rfcomm.h>
#include <linux/sockios.h>

#include "util.h"

/* Only hex digits and colons: the user meant a Bluetooth address. */
static int looks_like_address(const char *s)
{
	if (*s == '\0')
		return 0;
	return s[strspn(s, "0123456789abcdefABCDEF:")] == '\0' && strchr(s, ':') != NULL;
}

/* A socket or device path for t, when it fits. */
static int set_path(
	struct link_target *t, enum link_kind kind, const char *path, char *why, size_t n)
{
	if (strlen(path) >= sizeof(t->path)) {
		snprintf(why, n, "%s path longer than %zu bytes",
			kind == LINK_UNIX ? "socket" : "device", sizeof(t->path) - 1);
		return -1;
	}
	t->kind = kind;
	strcpy(t->path, path);
	return 0;
}

int link_parse(const char *text, int channel, struct link_target *t, char *why, size_t n)
{
	memset(t, 0, sizeof(*t));
	t->text = text;
	t->channel = channel;

	if (strncmp(text, LINK_UNIX_PREFIX, strlen(LINK_UNIX_PREFIX)) == 0) {
		const char *path = text + strlen(LINK_UNIX_PREFIX);
		if (*path == '\0') {
			snprintf(why, n, "unix: needs a socket path, e.g. unix:/tmp/car.sock");
			return -1;
		}
		return set_path(t, LINK_UNIX, path, why, n);
	}
	if (strchr(text, '/') != NULL)
		return set_path(t, LINK_TTY, text, why, n);
	if (looks_like_address(text) && bachk(text) < 0) {
		snprintf(why, n,
			"malformed Bluetooth address (want six hex pairs, "
			"like 00:12:05:09:98:36)");
		return -1;
	}
	if (bachk(text) < 0) {
		snprintf(why, n,
			"not a Bluetooth address (XX:XX:XX:XX:XX:XX), "
			"a device path (/dev/rfcomm0, ./tty) or unix:PATH");
		return -1;
	}
	t->kind = LINK_RFCOMM;
	str2ba(text, &t->addr);
	return 0;
}

/*
 * Non-blocking connect, so the caller's poll loop decides how long to wait.
 * On success or in progress the fd is kept; otherwise closed, errno kept.
 */
static int start_connect(int fd, const struct sockaddr *sa, socklen_t len, int *out)
{
	int e;

	if (set_nonblock(fd, 1) < 0)
		goto fail;
	if (connect(fd, sa, len) == 0) {
		if (set_nonblock(fd, 0) < 0)
			goto fail;
		*out = fd;
		return 0;
	}
	if (errno == EINPROGRESS) {
		*out = fd;
		return 1;
	}
fail:
	e = errno;
	close(fd);
	errno = e;
	return -1;
}

static int start_rfcomm(const struct link_target *t, int *out)
{
	struct sockaddr_rc sa;
	int fd = socket(AF_BLUETOOTH, SOCK_STREAM | SOCK_CLOEXEC, BTPROTO_RFCOMM);

	if (fd < 0)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.rc_family = AF_BLUETOOTH;
	bacpy(&sa.rc_bdaddr, &t->addr);
	sa.rc_channel = (uint8_t)t->channel;
	return start_connect(fd, (struct sockaddr *)&sa, sizeof(sa), out);
}

static int start_unix(const struct link_target *t, int *out)
{
	struct sockaddr_un sa;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	strcpy(sa.sun_path, t->path);
	return start_connect(fd, (struct sockaddr *)&sa, sizeof(sa), out);
}

/* The car's serial line: 9600 baud, 8 data bits, no parity, 1 stop bit, raw. */
static int set_raw_9600_8n1(int fd)
{
	struct termios tio;

	if (tcgetattr(fd, &tio) < 0)
		return -1;
	cfmakeraw(&tio);
	tio.c_cflag &= ~(tcflag_t)(CSIZE | PARENB | CSTOPB | CRTSCTS);
	tio.c_cflag |= CS8 | CREAD | CLOCAL;
	tio.c_cc[VMIN] = 1;
	tio.c_cc[VTIME] = 0;
	if (cfsetispeed(&tio, B9600) < 0 || cfsetospeed(&tio, B9600) < 0)
		return -1;
	return tcsetattr(fd, TCSANOW, &tio);
}

static int start_tty(const struct link_target *t, int *out)
{
	/* O_NONBLOCK: a modem line must not hang the open waiting for carrier */
	int fd = open(t->path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	int e;

	if (fd < 0)
		return -1;
	if (!isatty(fd) || set_raw_9600_8n1(fd) < 0 || set_nonblock(fd, 0) < 0) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	*out = fd;
	return 0;
}

int link_start(const struct link_target *t, int *fd)
{
	switch (t->kind) {
	case LINK_RFCOMM:
		return start_rfcomm(t, fd);
	case LINK_UNIX:
		return start_unix(t, fd);
	case LINK_TTY:
		return start_tty(t, fd);
	}
	errno = EINVAL;
	return -1;
}

int link_finish(int fd)
{
	int e = 0;
	socklen_t len = sizeof(e);

	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len) < 0)
		return -1;
	if (e != 0) {
		errno = e;
		return -1;
	}
	return set_nonblock(fd, 0);
}

int link_fatal(int errnum)
{
	return errnum == EAFNOSUPPORT || errnum == EPROTONOSUPPORT || errnum == ESOCKTNOSUPPORT;
}

static const char *rfcomm_hint(int errnum)
{
	switch (errnum) {
	case EHOSTDOWN:
	case ETIMEDOUT:
		return "is the car switched on and in range?";
	case ECONNREFUSED:
		return "nothing listens on that RFCOMM channel; the i-Racer uses -c 1";
	case EACCES:
	case EPERM:
	case ECONNRESET:
		return "is the car paired? bluetoothctl pair ADDRESS; PIN 1234 or 0000";
	case EHOSTUNREACH:
	case ENETDOWN:
	case ENODEV:
	case EADDRNOTAVAIL:
		return "is a Bluetooth adapter present and powered? bluetoothctl power on";
	case EBUSY:
		return "is another program connected to the car?";
	}
	return NULL;
}

static const char *tty_hint(const char *path, int errnum)
{
	switch (errnum) {
	case ENOENT:
		if (strncmp(path, "/dev/rfcomm", strlen("/dev/rfcomm")) == 0)
			return "run rfcomm bind first, or give the car's address instead";
		return NULL;
	case EACCES:
		return "is your user in the dialout group?";
	case EBUSY:
		return "is another program using the device?";
	}
	return NULL;
}

static const char *unix_hint(int errnum)
{
	switch (errnum) {
	case ENOENT:
		return "nothing listens there; start iracer-sim -l first";
	case ECONNREFUSED:
		return "nothing listens on the socket, or the car is busy with another sender";
	case EAGAIN:
		return "the listener is not accepting connections";
	}
	return NULL;
}

/*
 * connect(2) to a regular file says ECONNREFUSED, as if a listener had gone:
 * only stat(2) tells a file that is no socket at all.
 */
static int is_socket_path(const char *path)
{
	struct stat st;

	return stat(path, &st) < 0 || S_ISSOCK(st.st_mode);
}

const char *link_reason(const struct link_target *t, int errnum, char *buf, size_t n)
{
	const char *hint = NULL;

	if (link_fatal(errnum)) {
		snprintf(buf, n, "this system has no Bluetooth support (kernel or driver missing)");
		return buf;
	}
	if (t->kind == LINK_UNIX && (errnum == ECONNREFUSED || errnum == ENOTSOCK) &&
		!is_socket_path(t->path)) {
		snprintf(buf, n, "not a socket");
		return buf;
	}
	if (t->kind == LINK_TTY && errnum == ENOTTY) {
		snprintf(buf, n, "not a terminal device (give a tty such as /dev/rfcomm0)");
		return buf;
	}
	switch (t->kind) {
	case LINK_RFCOMM:
		hint = rfcomm_hint(errnum);
		break;
	case LINK_TTY:
		hint = tty_hint(t->path, errnum);
		break;
	case LINK_UNIX:
		hint = unix_hint(errnum);
		break;
	}
	if (hint != NULL)
		snprintf(buf, n, "%s (%s)", strerror(errnum), hint);
	else
		snprintf(buf, n, "%s", strerror(errnum));
	return buf;
}

int link_prepare(const struct link_target *t, int fd)
{
	int one = 1;

	/* the kernel raises this to its minimum: a few small writes at most */
	if (t->kind != LINK_TTY && setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &one, sizeof(one)) < 0)
		return -1;
	return set_nonblock(fd, 1);
}

long link_queued(const struct link_target *t, int fd)
{
	int n = 0, buf = 0;
	socklen_t len = sizeof(buf);

	switch (t->kind) {
	case LINK_UNIX:
		/* the memory of the unread data: zero once the far end read it all */
		return ioctl(fd, SIOCOUTQ, &n) < 0 ? -1 : n;
	case LINK_TTY:
		return ioctl(fd, TIOCOUTQ, &n) < 0 ? -1 : n;
	case LINK_RFCOMM:
		/* Bluetooth sockets answer TIOCOUTQ with the room left, not the data */
		if (ioctl(fd, TIOCOUTQ, &n) < 0 ||
			getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buf, &len) < 0)
			return -1;
		return buf > n ? buf - n : 0;
	}
	return -1;
}

void link_close(const struct link_target *t, int fd)
{
	if (fd < 0)
		return;
	/* close(2) may discard a tty's unsent output: the final stop byte */
	if (t->kind == LINK_TTY)
		tcdrain(fd);
	close(fd);
}
