/*
 * ws-bridge's upgrade and request policy; see policy.h. Nothing here reads
 * a socket or a file: everything comes in as text or bytes.
 */
#include "policy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#define NAME_MAX_LEN 253

static int is_digits(const char *s, size_t n)
{
	if (n == 0 || n > 5)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

static int same_name(const char *name, size_t n, const char *want)
{
	return want && strlen(want) == n && strncasecmp(name, want, n) == 0;
}

/* name (no port, no trailing dot) is one of ours. */
static int name_ok(const struct policy *p, const char *name, size_t n)
{
	char ip[INET_ADDRSTRLEN];
	struct in_addr a4;

	if (n < sizeof(ip)) {
		memcpy(ip, name, n);
		ip[n] = '\0';
		if (inet_pton(AF_INET, ip, &a4) == 1)
			return 1;
	}
	if (same_name(name, n, "localhost"))
		return 1;
	if (p->hostname && *p->hostname) {
		/* avahi announces the first label: pi.example.org is pi.local */
		size_t hl = strcspn(p->hostname, ".");
		if (same_name(name, n, p->hostname))
			return 1;
		if ((n == hl || (n == hl + 6 && strncasecmp(name + hl, ".local", 6) == 0)) &&
			strncasecmp(name, p->hostname, hl) == 0)
			return 1;
	}
	for (int i = 0; i < p->nhosts; i++)
		if (same_name(name, n, p->hosts[i]))
			return 1;
	return 0;
}

static int v6_literal_ok(const char *s, size_t n)
{
	char ip[INET6_ADDRSTRLEN];
	struct in6_addr a6;

	if (n == 0 || n >= sizeof(ip))
		return 0;
	memcpy(ip, s, n);
	ip[n] = '\0';
	return inet_pton(AF_INET6, ip, &a6) == 1;
}

int policy_host_ok(const struct policy *p, const char *host)
{
	size_t n = host ? strlen(host) : 0;
	const char *colon;

	if (n == 0 || n > NAME_MAX_LEN + 6)
		return 0;
	if (host[0] == '[') {
		const char *end = strchr(host, ']');
		if (end == NULL || !v6_literal_ok(host + 1, (size_t)(end - host - 1)))
			return 0;
		return end[1] == '\0' || (end[1] == ':' && is_digits(end + 2, strlen(end + 2)));
	}
	colon = strchr(host, ':');
	if (colon) {
		if (!is_digits(colon + 1, strlen(colon + 1)))
			return 0; /* a second colon, or a port that is no number */
		n = (size_t)(colon - host);
	}
	if (n > 0 && host[n - 1] == '.')
		n--; /* "car.local." is "car.local" */
	return n > 0 && name_ok(p, host, n);
}

int policy_origin_ok(const struct policy *p, const char *origin, const char *host)
{
	const char *o = origin;

	if (origin == NULL)
		return 1; /* not a browser: scripts are welcome */
	for (int i = 0; i < p->norigins; i++)
		if (strcasecmp(origin, p->origins[i]) == 0)
			return 1;
	if (host == NULL || *host == '\0')
		return 0;
	if (strncasecmp(o, "http://", 7) == 0)
		o += 7;
	else if (strncasecmp(o, "https://", 8) == 0)
		o += 8;
	else
		return 0;
	return strcasecmp(o, host) == 0;
}

int policy_token_text_ok(const char *s, size_t n)
{
	if (n == 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x21 || (unsigned char)s[i] > 0x7e)
			return 0;
	return 1;
}

int policy_token_ok(const struct policy *p, const char *given, size_t n)
{
	unsigned diff;

	if (p->token == NULL)
		return 1;
	if (given == NULL)
		return 0;
	/* No early exit on a mismatch: the time says nothing about the secret. */
	diff = n != p->token_len;
	for (size_t i = 0; i < p->token_len; i++)
		diff |= (unsigned char)p->token[i] ^ (unsigned char)(i < n ? given[i] : 0);
	diff |= !policy_token_text_ok(given, n);
	return diff == 0;
}

/* Each path component: not empty-dotted, no dot first, nothing odd inside. */
static int components_ok(const char *path)
{
	int start = 1;

	for (const char *c = path; *c; c++) {
		unsigned char ch = (unsigned char)*c;
		if (ch < 0x20 || ch == 0x7f || ch == '\\')
			return 0;
		if (start && ch == '.')
			return 0;
		start = ch == '/';
	}
	return 1;
}

enum policy_verdict policy_static_path(
	enum policy_method m, const char *uri, char *rel, size_t rellen)
{
	size_t n;
	int dir;

	if (m != METHOD_GET && m != METHOD_HEAD)
		return POLICY_BAD_METHOD;
	if (uri == NULL || uri[0] != '/' || !components_ok(uri) || strstr(uri, "//"))
		return POLICY_NOT_FOUND;
	uri++;
	n = strlen(uri);
	dir = n == 0 || uri[n - 1] == '/';
	if (n + (dir ? sizeof("index.html") : 1) > rellen)
		return POLICY_NOT_FOUND;
	memcpy(rel, uri, n);
	if (dir)
		memcpy(rel + n, "index.html", sizeof("index.html"));
	else
		rel[n] = '\0';
	return POLICY_OK;
}

int policy_inside(const char *root, const char *resolved)
{
	size_t n = strlen(root);

	while (n > 1 && root[n - 1] == '/')
		n--;
	if (strncmp(resolved, root, n) != 0)
		return 0;
	if (n == 1 && root[0] == '/')
		return 1;
	return resolved[n] == '\0' || resolved[n] == '/';
}

/* ---- unfinished connections per address ---- */

void peer_key_from(struct peer_key *k, int family, const void *addr)
{
	memset(k, 0, sizeof(*k));
	if (family == AF_INET6) {
		const unsigned char *a = addr;
		static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
		if (memcmp(a, mapped, 12) == 0) {
			memcpy(k->b + 12, a + 12, 4); /* ::ffff:a.b.c.d is a.b.c.d */
			k->b[0] = 4;
		} else {
			memcpy(k->b, a, 8); /* the /64 */
			k->b[8] = 6;
		}
	} else {
		memcpy(k->b + 12, addr, 4);
		k->b[0] = 4;
	}
}

void peers_init(struct peers *p, struct peer_slot *slots, unsigned max_total, unsigned per_peer,
	unsigned reserve)
{
	memset(slots, 0, sizeof(*slots) * max_total);
	p->slot = slots;
	p->max_total = max_total;
	p->per_peer = per_peer;
	p->reserve = reserve < max_total ? reserve : 0;
	p->total = 0;
}

static struct peer_slot *find(const struct peers *p, const struct peer_key *k)
{
	for (unsigned i = 0; i < p->max_total; i++)
		if (p->slot[i].pending && memcmp(&p->slot[i].key, k, sizeof(*k)) == 0)
			return &p->slot[i];
	return NULL;
}

unsigned peers_pending(const struct peers *p, const struct peer_key *k)
{
	const struct peer_slot *s = find(p, k);

	return s ? s->pending : 0;
}

int peers_admit(struct peers *p, const struct peer_key *k)
{
	struct peer_slot *s = find(p, k);

	if (p->total >= p->max_total)
		return 0;
	if (s && (s->pending >= p->per_peer || p->total >= p->max_total - p->reserve))
		return 0;
	if (s == NULL) {
		/* total < max_total: some slot is free */
		for (unsigned i = 0; i < p->max_total && s == NULL; i++)
			if (p->slot[i].pending == 0)
				s = &p->slot[i];
		if (s == NULL)
			return 0;
		s->key = *k;
	}
	s->pending++;
	p->total++;
	return 1;
}

void peers_release(struct peers *p, const struct peer_key *k)
{
	struct peer_slot *s = find(p, k);

	if (s == NULL)
		return;
	s->pending--;
	p->total--;
}
