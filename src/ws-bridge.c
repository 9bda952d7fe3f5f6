/*
 * ws-bridge: WebSocket text messages to stdout lines and stdin lines to
 * every WebSocket client, plus the static files of a web page, on one port.
 *
 * Everything runs in the libwebsockets event loop on one thread: the
 * listening socket, the clients, stdin (adopted as a raw file), a signalfd
 * for the stop signals (wssig.c) and, when stdout is a pipe or socket, a
 * watch on stdout that wakes us when it can take more bytes (wsout.c). Who
 * may connect is decided in policy.c and wsupgrade.c; unfinished
 * connections are kept in check by wsconn.c and wstarpit.c, frames by
 * wsguard.c, HTTP answers by wshttp.c; lws's poll(2) runs on epoll(7)
 * (wspoll.c). This file says who connects and who
 * drives; what each client is sent, and when, is wsfanout.c's.
 */
#include <err.h>
#include <errno.h>
#include <libwebsockets.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "policy.h"
#include "util.h"
#include "wsclient.h"
#include "wsconn.h"
#include "wsfanout.h"
#include "wsguard.h"
#include "wshttp.h"
#include "wskeep.h"
#include "wsopts.h"
#include "wsout.h"
#include "wspoll.h"
#include "wsupgrade.h"
#include "wsring.h"
#include "wssetup.h"
#include "wssig.h"
#include "wstarpit.h"

#define SHUTDOWN_GRACE_US (2 * LWS_US_PER_SEC)

struct bridge {
	struct options opt;
	struct lws_context *ctx;
	struct lws_vhost *vh;
	struct clients clients;
	struct wsring ring; /* stdin lines for the clients */
	int sigfd;
	int stdin_fd; /* a dup, which lws closes at EOF */
	int shutting_down;
	lws_sorted_usec_list_t sul_grace;
	int grace_over;
};

static struct bridge B;

static void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void note(const char *fmt, ...)
{
	va_list ap;

	if (B.opt.quiet)
		return;
	va_start(ap, fmt);
	vwarnx(fmt, ap);
	va_end(ap);
}

/* lws's own log lines, on stderr only and in the house format. */
static void emit_lws_log(int level, const char *line)
{
	size_t n = strlen(line);

	(void)level;
	dprintf(STDERR_FILENO, "ws-bridge: %s%s", line, n && line[n - 1] == '\n' ? "" : "\n");
}

/* wsout's throttle: stop or resume reading every client. */
static void throttle_clients(int on)
{
	for (struct client *c = B.clients.first; c; c = c->next)
		lws_rx_flow_control(c->wsi, !on);
}

static void emit_configured(const char *line)
{
	if (line)
		wsout_line(line, strlen(line));
}

/* ---- clients --------------------------------------------------------- */

static void client_add(struct client *c, struct lws *wsi)
{
	c->wsi = wsi;
	c->seq = B.ring.head;
	c->keep_before = B.ring.head;
	c->established = 1;
	clients_append(&B.clients, c);
	wshttp_peer_name(wsi, c->peer, sizeof(c->peer));
	if (B.opt.verbose)
		warnx("%s: connected", c->peer);
	if (wsout_throttled())
		lws_rx_flow_control(wsi, 0);
	if (wskeep_pending(0, c->keep_before))
		lws_callback_on_writable(wsi);
	if (!B.opt.exclusive) {
		c->driving = 1;
		emit_configured(B.opt.on_open);
		return;
	}
	c->driving = (c == B.clients.first);
	if (c->driving)
		emit_configured(B.opt.on_open);
	wsfanout_tell(c, c->driving ? NOTICE_DRIVE : NOTICE_WATCH);
}

static void client_remove(struct client *c)
{
	int was_driving = c->driving;

	if (!c->established)
		return;
	wsfanout_forget(c);
	clients_unlink(&B.clients, c);
	c->established = 0;
	free(c->msg);
	c->msg = NULL;
	if (B.opt.verbose)
		warnx("%s: disconnected", c->peer);
	if (was_driving)
		emit_configured(B.opt.on_close);
	if (B.opt.exclusive && was_driving && B.clients.first && !B.shutting_down) {
		B.clients.first->driving = 1;
		emit_configured(B.opt.on_open);
		wsfanout_tell(B.clients.first, NOTICE_DRIVE);
	}
}

static int refuse(struct lws *wsi, struct client *c, int code, const char *why)
{
	lws_close_reason(wsi, code, (unsigned char *)why, strlen(why));
	note("%s: %s (close %d)", c->peer, why, code);
	return -1;
}

/*
 * A driver's message to stdout; its answer may come back soon: watchers wait.
 * Only when there are watchers: reading the clock costs more than the rest
 * of a short line (12 % of a 1-client flood's time).
 */
static void driver_line(const char *line, size_t len)
{
	wsout_line(line, len);
	if (B.opt.exclusive && B.clients.n > 1)
		wsfanout_driver_spoke();
}

/* A piece of a text message arrived; a whole message becomes a line. */
static int client_receive(struct lws *wsi, struct client *c, const char *in, size_t len)
{
	int first = lws_is_first_fragment(wsi);
	int done = lws_is_final_fragment(wsi) && lws_remaining_packet_payload(wsi) == 0;

	if (lws_frame_is_binary(wsi))
		return refuse(
			wsi, c, LWS_CLOSE_STATUS_UNACCEPTABLE_OPCODE, "binary message refused");
	if (first)
		c->msg_len = 0;
	if (c->msg_len + len > B.opt.max_message)
		return refuse(wsi, c, LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE, "message too long");
	if (first && done) { /* the usual case: straight to stdout */
		if (c->driving)
			driver_line(in, len);
		return 0;
	}
	if (c->msg == NULL) {
		c->msg = malloc(B.opt.max_message);
		if (c->msg == NULL)
			return refuse(
				wsi, c, LWS_CLOSE_STATUS_UNEXPECTED_CONDITION, "out of memory");
	}
	memcpy(c->msg + c->msg_len, in, len);
	c->msg_len += len;
	if (done && c->driving)
		driver_line(c->msg, c->msg_len);
	return 0;
}

/* ---- lws's callbacks ------------------------------------------------ */

/* Connections that sent an unmasked frame (wsguard withheld it): close 1002. */
static void close_unmasked(void)
{
	if (wsguard_take_bad_count() == 0)
		return;
	for (struct client *c = B.clients.first; c; c = c->next) {
		if (c->closing || !wsguard_bad(lws_get_socket_fd(c->wsi)))
			continue;
		note("%s: unmasked frame (close 1002)", c->peer);
		c->closing = 1;
		lws_close_reason(c->wsi, LWS_CLOSE_STATUS_PROTOCOL_ERR,
			(unsigned char *)"frame not masked", 16);
		lws_callback_on_writable(c->wsi);
	}
}

/* Reasons before a protocol is chosen come to protocols[0], here. */
static int connection_event(struct lws *wsi, enum lws_callback_reasons reason, void *in, void *user)
{
	switch (reason) {
	case LWS_CALLBACK_FILTER_NETWORK_CONNECTION:
		return wsconn_filter((int)(intptr_t)in);
	case LWS_CALLBACK_SERVER_NEW_CLIENT_INSTANTIATED:
		return wsconn_new(wsi);
	case LWS_CALLBACK_WSI_DESTROY:
		wsconn_destroy(wsi);
		return 0;
	case LWS_CALLBACK_ADD_HEADERS: {
		struct lws_process_html_args *a = in;
		unsigned char *p = (unsigned char *)a->p;
		if (wshttp_security_headers(wsi, &p, p + a->max_len))
			return -1;
		a->p = (char *)p;
		return 0;
	}
	default:
		(void)user;
		return 1; /* not one of these */
	}
}

static int callback_ws(
	struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len)
{
	struct client *c = user;
	int r = connection_event(wsi, reason, in, user);

	if (r != 1 || reason == LWS_CALLBACK_FILTER_NETWORK_CONNECTION)
		return r;
	switch (reason) {
	case LWS_CALLBACK_HTTP_CONFIRM_UPGRADE:
		wsconn_request(wsi);
		return wsupgrade_check(wsi, &B.opt.pol, B.opt.www != NULL,
			!B.shutting_down && B.clients.n < B.opt.max_clients);
	case LWS_CALLBACK_HTTP:
		wsconn_request(wsi);
		return wshttp_serve(wsi);
	case LWS_CALLBACK_ESTABLISHED:
		wsconn_upgraded(wsi);
		client_add(c, wsi);
		break;
	case LWS_CALLBACK_RECEIVE:
		return client_receive(wsi, c, in, len);
	case LWS_CALLBACK_SERVER_WRITEABLE:
		return wsfanout_writable(wsi, c);
	case LWS_CALLBACK_CLOSED:
		client_remove(c);
		break;
	default:
		break;
	}
	return lws_callback_http_dummy(wsi, reason, user, in, len);
}

/* ---- stdin, stdout, signals (raw files in the same loop) ------------- */

/* Returns -1 at EOF or on an error, which closes the stdin watch. */
static int read_stdin(void)
{
	uint64_t before = B.ring.head;
	size_t room;
	char *dst = wsring_space(&B.ring, &room);
	ssize_t r = read(B.stdin_fd, dst, room);

	if (r < 0 && (errno == EINTR || errno == EAGAIN))
		return 0;
	if (r < 0)
		warn("stdin");
	if (r <= 0)
		wsring_eof(&B.ring);
	else
		wsring_fed(&B.ring, (size_t)r);
	if (B.ring.head != before)
		wsfanout_lines();
	return r <= 0 ? -1 : 0;
}

static void start_shutdown(void)
{
	B.shutting_down = 1;
	wsout_ending();
	for (struct client *c = B.clients.first; c; c = c->next) {
		c->closing = 1;
		lws_close_reason(c->wsi, LWS_CLOSE_STATUS_GOINGAWAY,
			(unsigned char *)"server going away", 17);
		lws_callback_on_writable(c->wsi);
	}
}

static void grace_over(lws_sorted_usec_list_t *sul)
{
	(void)sul;
	B.grace_over = 1;
}

static int read_signal(void)
{
	int sig = wssig_read(B.sigfd);

	if (sig == 0 || sig == SIGCONT)
		return 0;
	if (is_suspend_signal(sig)) { /* Ctrl-Z: suspend, as without the signalfd */
		suspend_self();
		return 0;
	}
	if (B.shutting_down) {
		B.grace_over = 1; /* a second signal: do not wait */
		return 0;
	}
	start_shutdown();
	lws_sul_schedule(B.ctx, 0, &B.sul_grace, grace_over, SHUTDOWN_GRACE_US);
	return 0;
}

enum stdio_role { ROLE_STDIN = 1, ROLE_STDOUT, ROLE_SIGNAL };

static int callback_stdio(
	struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len)
{
	enum stdio_role role = (enum stdio_role)(intptr_t)lws_get_opaque_user_data(wsi);

	switch (reason) {
	case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
		/* a client asked for this protocol by name: no way around the checks */
		return -1;
	case LWS_CALLBACK_RAW_RX_FILE:
		if (role == ROLE_STDIN)
			return read_stdin();
		if (role == ROLE_SIGNAL)
			return read_signal();
		break;
	case LWS_CALLBACK_RAW_WRITEABLE_FILE:
		wsout_flush();
		break;
	case LWS_CALLBACK_RAW_CLOSE_FILE:
		if (role == ROLE_STDOUT) /* poll said the reader is gone: POLLERR/POLLHUP */
			wsout_watch_closed(B.shutting_down);
		break;
	default:
		break;
	}
	return lws_callback_http_dummy(wsi, reason, user, in, len);
}

static const struct lws_protocols protocols[] = {
	{"ws-bridge", callback_ws, sizeof(struct client), 4096, 0, NULL, 0},
	{"ws-bridge-stdio", callback_stdio, 0, 0, 0, NULL, 0},
	{NULL, NULL, 0, 0, 0, NULL, 0},
};

static struct lws *watch_fd(int fd, enum stdio_role role)
{
	lws_sock_file_fd_type u;
	struct lws *wsi;

	u.filefd = (lws_filefd_type)(intptr_t)fd;
	wsi = lws_adopt_descriptor_vhost(B.vh, LWS_ADOPT_RAW_FILE_DESC, u, "ws-bridge-stdio", NULL);
	if (wsi)
		lws_set_opaque_user_data(wsi, (void *)(intptr_t)role);
	return wsi;
}

/* ---- setup ----------------------------------------------------------- */

/* Everything checked before lws starts, so a failure never says "listening". */
static void check_setup(void)
{
	B.opt.addr = wssetup_listen_addr(B.opt.addr);
	wshttp_init(B.opt.www ? wssetup_www(B.opt.www) : NULL, &B.opt.pol, B.opt.verbose);
	if (B.opt.tls_cert)
		wssetup_tls(B.opt.tls_cert, B.opt.tls_key);
	wssetup_check_bind(B.opt.addr, B.opt.port);
}

/*
 * lws's table of descriptors, and ours, for every client and unfinished
 * connection, and for the refused ones held (wstarpit.h): those get what
 * ulimit -n leaves, up to WSTARPIT_MAX.
 */
static int fd_room(int *hold)
{
	long base = B.opt.max_clients + WSCONN_MAX_PENDING + 64;
	long got = wssetup_fd_room(base + WSTARPIT_MAX);

	if (got < base)
		note("only %ld file descriptors (ulimit -n): fewer clients fit", got);
	*hold = got >= base + WSTARPIT_MAX ? WSTARPIT_MAX : got > base ? (int)(got - base) : 0;
	return (int)(base + *hold);
}

static void start_server(void)
{
	static lws_retry_bo_t retry;
	struct lws_context_creation_info info;
	int hold;

	memset(&info, 0, sizeof(info));
	info.port = B.opt.port;
	info.iface = B.opt.addr;
	info.protocols = protocols;
	info.options = LWS_SERVER_OPTION_VALIDATE_UTF8 | LWS_SERVER_OPTION_DISABLE_IPV6;
	if (strchr(B.opt.addr, ':'))
		info.options &= ~(uint64_t)LWS_SERVER_OPTION_DISABLE_IPV6;
	/* Ping after a second of silence, hang up after --dead-after. */
	retry.secs_since_valid_ping = 1;
	retry.secs_since_valid_hangup = (uint16_t)B.opt.dead_after;
	info.retry_and_idle_policy = &retry;
	info.fd_limit_per_thread = (unsigned)fd_room(&hold);
	/* lws's own deadlines, as a second line behind wsconn's */
	info.timeout_secs = (unsigned)B.opt.handshake_secs;
	info.timeout_secs_ah_idle = (unsigned)B.opt.handshake_secs;
	info.keepalive_timeout = B.opt.handshake_secs;
	if (B.opt.tls_cert) {
		info.options |= LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
		info.ssl_cert_filepath = B.opt.tls_cert;
		info.ssl_private_key_filepath = B.opt.tls_key;
		/* HTTP/1.1 only: our security headers and refusals are written as
		 * HTTP/1.1 text, which an HTTP/2 stream cannot carry */
		info.alpn = "http/1.1";
	}
	/* lws's poll(2) on epoll (wspoll.h); without it, plain poll(2) */
	(void)wspoll_init((int)info.fd_limit_per_thread + 64);
	B.ctx = lws_create_context(&info);
	if (B.ctx == NULL)
		errx(EX_UNAVAILABLE, "cannot listen on %s port %d", B.opt.addr, B.opt.port);
	B.vh = lws_get_vhost_by_name(B.ctx, "default");
	if (B.vh == NULL ||
		wsconn_init(B.ctx, (int)info.fd_limit_per_thread + 64,
			B.opt.handshake_secs * 1000) < 0 ||
		wstarpit_init(B.ctx, hold, (lws_usec_t)B.opt.handshake_secs * LWS_US_PER_SEC) < 0)
		errx(EX_OSERR, "cannot set up the server");
	wsfanout_init(B.ctx, &B.ring, &B.clients, B.opt.quiet);
}

static void say_listening(const char *shown)
{
	note(strchr(shown, ':') ? "listening on %s://[%s]:%d/" : "listening on %s://%s:%d/",
		B.opt.tls_cert ? "https" : "http", shown, B.opt.port);
}

static void watch_stdio(void)
{
	struct lws *watch = NULL;
	int fd;

	/* Dups, so that lws closing them never frees fd 0 or 1 for a socket. */
	B.stdin_fd = dup(STDIN_FILENO);
	if (B.stdin_fd >= 0 && watch_fd(B.stdin_fd, ROLE_STDIN) == NULL) {
		warnx("stdin: cannot watch it; no lines will be sent to clients");
		close(B.stdin_fd);
	}
	/*
	 * Only a pipe or socket is watched: poll(2) says a regular file or
	 * /dev/null is always ready, which would spin the loop. Those are
	 * written with blocking writes at the end of each turn instead.
	 */
	if (wsout_nonblock()) {
		fd = dup(STDOUT_FILENO);
		if (fd < 0)
			err(EX_IOERR, "stdout");
		watch = watch_fd(fd, ROLE_STDOUT);
		if (watch == NULL)
			errx(EX_OSERR, "cannot watch stdout");
	}
	wsout_start(B.ctx, watch);
	if (watch_fd(B.sigfd, ROLE_SIGNAL) == NULL)
		errx(EX_OSERR, "cannot watch signals");
}

static void run(void)
{
	while (!wsout_dead()) {
		if (B.shutting_down && (B.clients.n == 0 || B.grace_over))
			break;
		if (lws_service(B.ctx, 0) < 0)
			break;
		close_unmasked();
		wsout_flush();
	}
}

static void finish(void)
{
	lws_sul_cancel(&B.sul_grace);
	wsfanout_stop();
	/* Clients still there get their CLOSED callback (and on-close line) here. */
	B.shutting_down = 1;
	wsout_ending();
	wstarpit_free(); /* its timer lives in the context */
	lws_context_destroy(B.ctx);
	wspoll_free();
	wsconn_free();
	wsout_finish();
	wsring_free(&B.ring);
	wskeep_free();
}

int main(int argc, char **argv)
{
	const char *shown;

	program_start();
	stderr_whole_lines();
	wsopts_parse(&B.opt, argc, argv);
	/* lws's lines only with -v: an attacker must not be able to fill the log */
	lws_set_log_level(B.opt.verbose ? LLL_ERR | LLL_WARN : 0, emit_lws_log);
	shown = B.opt.addr;
	check_setup();
	B.sigfd = wssig_setup();
	wsout_init(B.opt.max_message, throttle_clients);
	if (wsring_init(&B.ring, B.opt.max_message, LWS_PRE, B.opt.quiet) < 0 ||
		wskeep_init(B.opt.keep_types, B.opt.nkeep, B.opt.max_message, LWS_PRE) < 0)
		err(EX_OSERR, "malloc");
	start_server();
	watch_stdio();
	say_listening(shown);
	run();
	finish();
	return wsout_failed() ? EX_IOERR : 0;
}
