/*
 * libFuzzer harness for ws-bridge's policy (policy.h) and frame-mask
 * tracker (wsmask.h): whatever an attacker puts in Host, Origin, ?token=,
 * the path or the frame stream, nothing crashes, and the answers keep their
 * promises: an accepted static path has no dot-led component and stays
 * relative; a token matches only itself; per-peer counts never exceed
 * their caps; wsmask finds an unmasked frame at the same place however
 * the stream is cut.
 *
 * The input is split at NUL bytes into fields: host, origin, token, path,
 * and the rest is a frame stream.
 */
#include "policy.h"
#include "wsmask.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The next NUL-terminated field of in (a copy), or all that is left. */
static char *field(const uint8_t **in, size_t *left)
{
	const uint8_t *end = memchr(*in, 0, *left);
	size_t n = end ? (size_t)(end - *in) : *left;
	char *s = malloc(n + 1);

	if (s == NULL)
		abort();
	memcpy(s, *in, n);
	s[n] = '\0';
	*in += end ? n + 1 : n;
	*left -= end ? n + 1 : n;
	return s;
}

static void check_static(const char *path)
{
	char rel[256];
	enum policy_verdict v;

	if (policy_static_path(METHOD_OTHER, path, rel, sizeof(rel)) != POLICY_BAD_METHOD)
		abort();
	v = policy_static_path(METHOD_GET, path, rel, sizeof(rel));
	if (v == POLICY_OK) {
		if (rel[0] == '/' || rel[0] == '.' || strstr(rel, "/.") || strchr(rel, '\\'))
			abort(); /* no dotfile, no "..", never absolute */
	} else if (v != POLICY_NOT_FOUND) {
		abort();
	}
}

static void check_token(const char *tok)
{
	size_t n = strlen(tok);
	struct policy p = {.token = tok, .token_len = n};

	if (policy_token_ok(&p, tok, n) != policy_token_text_ok(tok, n))
		abort(); /* a fit token matches itself */
	if (n > 0 && policy_token_ok(&p, tok, n - 1))
		abort();
	if (policy_token_ok(&p, "x", 1) && strcmp(tok, "x") != 0)
		abort();
}

static void check_peers(const uint8_t *b, size_t n)
{
	struct peer_slot slots[8];
	struct peers p;
	struct peer_key k;
	unsigned char addr[4] = {127, 0, 0, 0};

	peers_init(&p, slots, 8, 3, 2);
	for (size_t i = 0; i < n; i++) {
		addr[3] = b[i] & 7;
		peer_key_from(&k, AF_INET, addr);
		if (b[i] & 0x80)
			peers_release(&p, &k);
		else
			peers_admit(&p, &k);
		if (p.total > 8 || peers_pending(&p, &k) > 3)
			abort();
	}
}

static void check_mask(const uint8_t *b, size_t n)
{
	struct wsmask whole, parts;
	long at = -1, r;
	size_t cut = n > 0 ? b[0] % (n + 1) : 0;

	wsmask_init(&whole);
	long w = wsmask_feed(&whole, b, n);
	wsmask_init(&parts);
	r = wsmask_feed(&parts, b, cut);
	if (r >= 0)
		at = r;
	r = wsmask_feed(&parts, b + cut, n - cut);
	if (at < 0 && r >= 0)
		at = (long)cut + r;
	/* the same frame; a header cut after its first byte is found one later */
	if ((w < 0) != (at < 0) || (w >= 0 && (at < w || at > w + 1)))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *in = data;
	size_t left = size;
	char *host = field(&in, &left);
	char *origin = field(&in, &left);
	char *tok = field(&in, &left);
	char *path = field(&in, &left);
	struct policy p = {.hostname = "carhost", .hosts = {"car.example"}, .nhosts = 1};

	(void)policy_host_ok(&p, host);
	(void)policy_origin_ok(&p, origin, host);
	(void)policy_inside("/srv/www", path);
	check_static(path);
	check_token(tok);
	check_peers(in, left);
	check_mask(in, left);
	free(host);
	free(origin);
	free(tok);
	free(path);
	return 0;
}
