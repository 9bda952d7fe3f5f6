/*
 * Who may do what on ws-bridge's port, as pure functions (no I/O, no
 * libwebsockets): which Host and Origin headers are ours, whether a token
 * matches, which static paths and methods are served, and how many
 * unfinished connections one address may hold. ws-bridge feeds them what
 * lws parsed; the unit tests and tests/fuzz/fuzz-policy.c feed them junk.
 */
#ifndef IRACER_POLICY_H
#define IRACER_POLICY_H

#include <stddef.h>

#define POLICY_MAX_NAMES 16

struct policy {
	const char *hostname;		     /* this machine's name (gethostname), or NULL */
	const char *hosts[POLICY_MAX_NAMES]; /* --host */
	int nhosts;
	const char *origins[POLICY_MAX_NAMES]; /* --origin */
	int norigins;
	const char *token; /* NULL: no token needed */
	size_t token_len;
};

/*
 * The Host header names us: an IP literal, localhost, this machine's name
 * or NAME.local, or a --host name, each with an optional :port. Anything
 * else may be a DNS-rebound name of an attacker's site.
 */
int policy_host_ok(const struct policy *p, const char *host);

/* No Origin (not a browser), an allowed one, or scheme://Host exactly. */
int policy_origin_ok(const struct policy *p, const char *origin, const char *host);

/* Text fit to be a token: printable ASCII (0x21-0x7e) only, not empty. */
int policy_token_text_ok(const char *s, size_t n);

/* The given token is ours; constant time in the secret's length. */
int policy_token_ok(const struct policy *p, const char *given, size_t n);

enum policy_method { METHOD_GET, METHOD_HEAD, METHOD_OTHER };

enum policy_verdict {
	POLICY_OK = 0,
	POLICY_NOT_FOUND = 404,
	POLICY_BAD_METHOD = 405,
};

/*
 * A static file request: only GET and HEAD; a path with a component that
 * starts with a dot (dotfiles, .git, ..), a backslash or a control
 * character is not found. On POLICY_OK rel holds the path relative to the
 * served directory, with index.html added for a directory ("/" too).
 */
enum policy_verdict policy_static_path(
	enum policy_method m, const char *uri, char *rel, size_t rellen);

/* resolved (a realpath) is root itself or below it. */
int policy_inside(const char *root, const char *resolved);

/*
 * Unfinished connections (TCP accepted, upgrade or first request not yet
 * done) per address. IPv6 addresses count by /64, since one host holds a
 * whole /64. One address holds at most per_peer; the last `reserve` of
 * max_total are only for addresses that hold none, so neither one address
 * nor a few can take every slot.
 */
struct peer_key {
	unsigned char b[16];
};

struct peer_slot {
	struct peer_key key;
	unsigned pending;
};

struct peers {
	struct peer_slot *slot; /* max_total entries */
	unsigned max_total, per_peer, reserve;
	unsigned total;
};

/* family is AF_INET (4 bytes) or AF_INET6 (16 bytes). */
void peer_key_from(struct peer_key *k, int family, const void *addr);

/* slots: an array of p->max_total entries, owned by the caller. */
void peers_init(struct peers *p, struct peer_slot *slots, unsigned max_total, unsigned per_peer,
	unsigned reserve);

/* Count one more for k and return 1, or return 0 when k must wait. */
int peers_admit(struct peers *p, const struct peer_key *k);

/* The connection finished its upgrade or closed. */
void peers_release(struct peers *p, const struct peer_key *k);

unsigned peers_pending(const struct peers *p, const struct peer_key *k);

#endif
