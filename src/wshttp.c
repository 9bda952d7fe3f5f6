/* ws-bridge's HTTP responses and static files; see wshttp.h. */
#include "wshttp.h"

#include "wsguard.h"

#include <arpa/inet.h>
#include <err.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

static const char *root;
static const struct policy *policy;
static int verbose;

void wshttp_init(const char *dir, const struct policy *pol, int verb)
{
	root = dir;
	policy = pol;
	verbose = verb;
}

void wshttp_peer_name(struct lws *wsi, char *buf, size_t len)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	char host[INET6_ADDRSTRLEN] = "?";
	int port = 0;

	if (getpeername(lws_get_socket_fd(wsi), (struct sockaddr *)&ss, &sl) == 0) {
		if (ss.ss_family == AF_INET) {
			struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
			inet_ntop(AF_INET, &s4->sin_addr, host, sizeof(host));
			port = ntohs(s4->sin_port);
		} else if (ss.ss_family == AF_INET6) {
			struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
			inet_ntop(AF_INET6, &s6->sin6_addr, host, sizeof(host));
			port = ntohs(s6->sin6_port);
		}
	}
	snprintf(buf, len, strchr(host, ':') ? "[%s]:%d" : "%s:%d", host, port);
}

static void note_refusal(struct lws *wsi, unsigned code, const char *why)
{
	char peer[64];

	if (!verbose)
		return;
	wshttp_peer_name(wsi, peer, sizeof(peer));
	warnx("%s: refused: %u %s", peer, code, why);
}

/* The Host header, only when it is ours and plain enough to quote in a header. */
static int checked_host(struct lws *wsi, char *host, size_t len)
{
	if (lws_hdr_copy(wsi, host, (int)len, WSI_TOKEN_HOST) <= 0)
		return 0;
	if (strspn(host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]") !=
		strlen(host))
		return 0;
	return policy_host_ok(policy, host);
}

int wshttp_host_ok(struct lws *wsi)
{
	char host[256];

	return checked_host(wsi, host, sizeof(host));
}

/*
 * No framing by other sites (clickjacking), no guessing of types, no
 * Referer with ?token= in it, and the page may talk only to its own
 * server: scripts, styles and its WebSocket.
 */
static int security_text(struct lws *wsi, char *buf, size_t len)
{
	char host[256];
	int n;

	if (!checked_host(wsi, host, sizeof(host)))
		host[0] = '\0';
	n = snprintf(buf, len,
		"x-frame-options: DENY\r\n"
		"x-content-type-options: nosniff\r\n"
		"referrer-policy: no-referrer\r\n"
		"cross-origin-resource-policy: same-origin\r\n"
		"content-security-policy: default-src 'self'; connect-src 'self'%s%s%s%s; "
		"img-src 'self' data:; object-src 'none'; base-uri 'none'; "
		"form-action 'none'; frame-ancestors 'none'\r\n",
		*host ? " ws://" : "", host, *host ? " wss://" : "", host);
	return n < 0 || (size_t)n >= len ? -1 : n;
}

int wshttp_security_headers(struct lws *wsi, unsigned char **p, unsigned char *end)
{
	char text[1024];
	int n = security_text(wsi, text, sizeof(text));

	if (n < 0 || n > end - *p)
		return -1;
	memcpy(*p, text, (size_t)n);
	*p += n;
	return 0;
}

static const char *status_text(unsigned code)
{
	switch (code) {
	case 400:
		return "Bad Request";
	case 403:
		return "Forbidden";
	case 404:
		return "Not Found";
	case 405:
		return "Method Not Allowed";
	case 421:
		return "Misdirected Request";
	default:
		return "Service Unavailable";
	}
}

/*
 * Our own status line and headers: lws_return_http_status() would answer
 * an upgrade request with HTTP/1.0, which strict clients refuse.
 */
int wshttp_respond(
	struct lws *wsi, unsigned code, const char *extra, const char *why, int keep_alive)
{
	char buf[LWS_PRE + 2048], sec[1024];
	int n;

	note_refusal(wsi, code, why);
	if (security_text(wsi, sec, sizeof(sec)) < 0)
		sec[0] = '\0';
	n = snprintf(buf + LWS_PRE, sizeof(buf) - LWS_PRE,
		"HTTP/1.1 %u %s\r\n%s%scontent-type: text/plain\r\n"
		"content-length: %zu\r\n%s\r\n%s\n",
		code, status_text(code), sec, extra ? extra : "", strlen(why) + 1,
		keep_alive ? "" : "connection: close\r\n", why);
	if (n < 0 || (size_t)n >= sizeof(buf) - LWS_PRE)
		return -1;
	if (lws_write(wsi, (unsigned char *)buf + LWS_PRE, (size_t)n, LWS_WRITE_HTTP_HEADERS) < n)
		return -1;
	return 0;
}

static const char *mime_type(const char *path)
{
	static const char *const types[][2] = {
		{".html", "text/html"},
		{".js", "text/javascript"},
		{".mjs", "text/javascript"},
		{".css", "text/css"},
		{".svg", "image/svg+xml"},
		{".json", "application/json"},
		{".webmanifest", "application/manifest+json"},
		{".png", "image/png"},
		{".ico", "image/x-icon"},
		{".txt", "text/plain"},
		{".jpg", "image/jpeg"},
	};
	const char *dot = strrchr(path, '.');

	for (size_t i = 0; dot && i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(dot, types[i][0]) == 0)
			return types[i][1];
	return "application/octet-stream";
}

static enum policy_method method_of(struct lws *wsi)
{
	if (wsguard_odd_request(lws_get_socket_fd(wsi)) == 405)
		return METHOD_OTHER;
	if (lws_hdr_total_length(wsi, WSI_TOKEN_GET_URI) > 0)
		return METHOD_GET;
	if (lws_hdr_total_length(wsi, WSI_TOKEN_HEAD_URI) > 0)
		return METHOD_HEAD;
	return METHOD_OTHER;
}

/* The file for an allowed request, or "" (not found). */
static void resolve(struct lws *wsi, enum policy_verdict *v, char *file, size_t len)
{
	char uri[1024], rel[1024], joined[PATH_MAX + 1024];
	enum policy_method m = method_of(wsi);
	struct stat st;
	int n = -1;

	file[0] = '\0';
	if (m != METHOD_OTHER)
		n = lws_hdr_copy(wsi, uri, sizeof(uri),
			m == METHOD_GET ? WSI_TOKEN_GET_URI : WSI_TOKEN_HEAD_URI);
	if (n <= 0)
		uri[0] = '\0';
	*v = policy_static_path(m, uri, rel, sizeof(rel));
	if (*v != POLICY_OK)
		return;
	*v = POLICY_NOT_FOUND;
	snprintf(joined, sizeof(joined), "%s/%s", root, rel);
	/* symlinks may point anywhere: what counts is where they end */
	if (realpath(joined, file) == NULL || !policy_inside(root, file) || stat(file, &st) < 0 ||
		!S_ISREG(st.st_mode)) {
		file[0] = '\0';
		return;
	}
	(void)len;
	*v = POLICY_OK;
}

static int serve_file(struct lws *wsi, const char *file)
{
	unsigned char headers[1024], *p = headers;
	int n;

	if (wshttp_security_headers(wsi, &p, headers + sizeof(headers) - 1))
		return -1;
	*p = '\0'; /* lws looks into the headers with strstr() */
	n = lws_serve_http_file(
		wsi, file, mime_type(file), (const char *)headers, (int)(p - headers));
	if (n < 0 || (n > 0 && lws_http_transaction_completed(wsi)))
		return -1;
	return 0;
}

int wshttp_serve(struct lws *wsi)
{
	char file[PATH_MAX];
	enum policy_verdict v = POLICY_NOT_FOUND;

	if (lws_hdr_total_length(wsi, WSI_TOKEN_HOST) <= 0)
		return wshttp_respond(wsi, 400, NULL, "no Host header", 0), -1;
	if (wsguard_odd_request(lws_get_socket_fd(wsi)) == 400)
		return wshttp_respond(wsi, 400, NULL, "odd request line", 0), -1;
	if (!wshttp_host_ok(wsi))
		return wshttp_respond(wsi, 421, NULL, "not this server's name", 0), -1;
	if (root)
		resolve(wsi, &v, file, sizeof(file));
	else if (method_of(wsi) == METHOD_OTHER)
		v = POLICY_BAD_METHOD;
	if (v == POLICY_BAD_METHOD)
		return wshttp_respond(wsi, 405, "allow: GET, HEAD\r\n", "method not allowed", 0),
		       -1;
	if (v != POLICY_OK) {
		if (wshttp_respond(wsi, 404, NULL, "not found", 1))
			return -1;
		return lws_http_transaction_completed(wsi) ? -1 : 0;
	}
	return serve_file(wsi, file);
}
