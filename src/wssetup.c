/* ws-bridge's start-up checks; see wssetup.h. */
#include "wssetup.h"

#include <arpa/inet.h>
#include <err.h>
#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#include "policy.h"
#include "tlscheck.h"

const char *wssetup_listen_addr(const char *addr)
{
	static char numeric[INET6_ADDRSTRLEN];
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *res;
	int r;

	if (if_nametoindex(addr) != 0)
		return addr;
	hints.ai_flags = AI_NUMERICHOST;
	if (getaddrinfo(addr, NULL, &hints, &res) == 0) {
		freeaddrinfo(res);
		return addr;
	}
	hints.ai_flags = AI_ADDRCONFIG;
	r = getaddrinfo(addr, NULL, &hints, &res);
	if (r != 0)
		errx(EX_UNAVAILABLE, "cannot listen on %s: %s", addr, gai_strerror(r));
	r = getnameinfo(
		res->ai_addr, res->ai_addrlen, numeric, sizeof(numeric), NULL, 0, NI_NUMERICHOST);
	freeaddrinfo(res);
	if (r != 0)
		errx(EX_UNAVAILABLE, "cannot listen on %s: %s", addr, gai_strerror(r));
	return numeric;
}

/*
 * A clear message, and lws's own failure path when it cannot bind leaks
 * memory (which the sanitizer build reports).
 */
void wssetup_check_bind(const char *addr, int port)
{
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICHOST}, *res;
	int fd, one = 1;

	if (getaddrinfo(addr, NULL, &hints, &res) != 0)
		return; /* an interface name: lws binds to its address */
	/* sin_port and sin6_port sit at the same place */
	((struct sockaddr_in *)res->ai_addr)->sin_port = htons((uint16_t)port);
	fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		err(EX_OSERR, "socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, res->ai_addr, res->ai_addrlen) < 0)
		err(EX_UNAVAILABLE, "cannot listen on %s port %d", addr, port);
	close(fd);
	freeaddrinfo(res);
}

const char *wssetup_www(const char *dir)
{
	static char real[PATH_MAX];
	struct stat st;

	if (stat(dir, &st) < 0 || realpath(dir, real) == NULL)
		err(EX_NOINPUT, "%s", dir);
	if (!S_ISDIR(st.st_mode))
		errx(EX_NOINPUT, "%s: not a directory", dir);
	return real;
}

void wssetup_tls(const char *cert, const char *key)
{
	char msg[PATH_MAX + 256];
	int r = tls_check_files(cert, key, msg, sizeof(msg));

	if (r)
		errx(r, "%s", msg);
}

static size_t set_token(const char *what, const char *t, size_t n, char *buf, size_t cap)
{
	if (n > cap - 1)
		errx(EX_DATAERR, "%s: token longer than %zu bytes", what, cap - 1);
	if (n == 0)
		errx(EX_DATAERR, "%s: empty token", what);
	if (!policy_token_text_ok(t, n))
		errx(EX_DATAERR, "%s: the token has a space, control character or NUL", what);
	memcpy(buf, t, n);
	buf[n] = '\0';
	return n;
}

/* The first line; a NUL anywhere in it is refused, not a quiet end. */
size_t wssetup_token(const char *file, char *buf, size_t cap)
{
	char line[1024];
	const char *env = getenv("WS_BRIDGE_TOKEN");
	FILE *f;
	size_t n;

	if (file == NULL)
		return env && *env ? set_token("WS_BRIDGE_TOKEN", env, strlen(env), buf, cap) : 0;
	if ((f = fopen(file, "r")) == NULL)
		err(EX_NOINPUT, "%s", file);
	n = fread(line, 1, sizeof(line), f);
	/* a directory opens but cannot be read: no input, not an I/O fault */
	if (ferror(f))
		err(errno == EISDIR ? EX_NOINPUT : EX_IOERR, "%s", file);
	fclose(f);
	for (size_t i = 0; i < n; i++)
		if (line[i] == '\n') {
			n = i > 0 && line[i - 1] == '\r' ? i - 1 : i;
			break;
		}
	return set_token(file, line, n, buf, cap);
}

long wssetup_fd_room(long want)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return want;
	if (rl.rlim_cur < (rlim_t)want) {
		rl.rlim_cur = rl.rlim_max < (rlim_t)want ? rl.rlim_max : (rlim_t)want;
		if (setrlimit(RLIMIT_NOFILE, &rl) < 0 && getrlimit(RLIMIT_NOFILE, &rl) < 0)
			return want;
	}
	return (long)rl.rlim_cur;
}
