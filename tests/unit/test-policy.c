/*
 * Unit tests for src/policy.c and src/wsmask.c, run by tests/45-ws-security.bats
 * (bin/test-policy; bin/asan/test-policy on the sanitizer build). Prints one
 * line per failed check and exits 1 if any failed.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "check.h"
#include "policy.h"
#include "wsmask.h"

static void test_host(void)
{
	struct policy p = {.hostname = "carhost", .hosts = {"car.example"}, .nhosts = 1};
	static const char *const good[] = {"127.0.0.1", "127.0.0.1:8080", "10.0.0.7:1",
		"localhost", "LocalHost:80", "[::1]", "[::1]:8080", "[fe80::1]:9", "carhost",
		"CARHOST:8080", "carhost.local", "carhost.local.:80", "car.example",
		"Car.Example:443", "car.example."};
	static const char *const bad[] = {"", "evil.example", "evil.example:8080",
		"127.0.0.1.evil.example", "localhost.evil.example", "carhost.evil", "xcarhost",
		"carhost.localx", "car.example.com", "::1", "[::1", "[::1]x", "[::1]:x",
		"[evil]:80", "localhost:80:80", "localhost:", "localhost:123456", "127.1",
		":80", ".", "localhost..", "car example"};

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (!policy_host_ok(&p, good[i])) {
			printf("FAIL host refused: %s\n", good[i]);
			failed = 1;
		}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (policy_host_ok(&p, bad[i])) {
			printf("FAIL host accepted: %s\n", bad[i]);
			failed = 1;
		}
	CHECK(!policy_host_ok(&p, NULL));
	p.hostname = "pi.example.org";
	CHECK(policy_host_ok(&p, "pi.example.org:80") && policy_host_ok(&p, "pi.local"));
	CHECK(policy_host_ok(&p, "PI"));
	CHECK(!policy_host_ok(&p, "pi.example") && !policy_host_ok(&p, "pi.localx"));
	CHECK(!policy_host_ok(&p, "p.local") && !policy_host_ok(&p, "pix.local"));
	p.hostname = NULL;
	CHECK(!policy_host_ok(&p, "carhost"));
	CHECK(!policy_host_ok(&p, ".local"));
}

static void test_origin(void)
{
	struct policy p = {.origins = {"https://car.example"}, .norigins = 1};

	CHECK(policy_origin_ok(&p, NULL, "127.0.0.1:8000"));
	CHECK(policy_origin_ok(&p, "http://127.0.0.1:8000", "127.0.0.1:8000"));
	CHECK(policy_origin_ok(&p, "https://127.0.0.1:8000", "127.0.0.1:8000"));
	CHECK(policy_origin_ok(&p, "https://car.example", "10.0.0.1"));
	CHECK(!policy_origin_ok(&p, "http://127.0.0.1:8001", "127.0.0.1:8000"));
	CHECK(!policy_origin_ok(&p, "null", "127.0.0.1:8000"));
	CHECK(!policy_origin_ok(&p, "ftp://127.0.0.1:8000", "127.0.0.1:8000"));
	CHECK(!policy_origin_ok(&p, "http://a", NULL));
	CHECK(!policy_origin_ok(&p, "http://", ""));
}

static void test_token(void)
{
	struct policy p = {.token = "s3cret", .token_len = 6};
	struct policy none = {0};

	CHECK(policy_token_ok(&none, NULL, 0));
	CHECK(policy_token_ok(&p, "s3cret", 6));
	CHECK(!policy_token_ok(&p, NULL, 0));
	CHECK(!policy_token_ok(&p, "s3cre", 5));
	CHECK(!policy_token_ok(&p, "s3crett", 7));
	CHECK(!policy_token_ok(&p, "s3cret\r", 7));
	CHECK(!policy_token_ok(&p, "s3cret\0x", 8));
	CHECK(!policy_token_ok(&p, "S3cret", 6));
	CHECK(!policy_token_ok(&p, "", 0));
	CHECK(policy_token_text_ok("a-Z_0~", 6));
	CHECK(!policy_token_text_ok("a b", 3));
	CHECK(!policy_token_text_ok("a\0b", 3));
	CHECK(!policy_token_text_ok("\x7f", 1));
	CHECK(!policy_token_text_ok("\xc3\xa9", 2));
	CHECK(!policy_token_text_ok("", 0));
}

static void test_static(void)
{
	char rel[64];

	CHECK(policy_static_path(METHOD_GET, "/", rel, sizeof(rel)) == POLICY_OK);
	CHECK(strcmp(rel, "index.html") == 0);
	CHECK(policy_static_path(METHOD_HEAD, "/sub/", rel, sizeof(rel)) == POLICY_OK);
	CHECK(strcmp(rel, "sub/index.html") == 0);
	CHECK(policy_static_path(METHOD_GET, "/app.js", rel, sizeof(rel)) == POLICY_OK);
	CHECK(strcmp(rel, "app.js") == 0);
	CHECK(policy_static_path(METHOD_GET, "/a.b/c.d", rel, sizeof(rel)) == POLICY_OK);
	CHECK(policy_static_path(METHOD_OTHER, "/", rel, sizeof(rel)) == POLICY_BAD_METHOD);
	CHECK(policy_static_path(METHOD_GET, "/.hidden", rel, sizeof(rel)) == POLICY_NOT_FOUND);
	CHECK(policy_static_path(METHOD_GET, "/.git/x", rel, sizeof(rel)) == POLICY_NOT_FOUND);
	CHECK(policy_static_path(METHOD_GET, "/a/../b", rel, sizeof(rel)) == POLICY_NOT_FOUND);
	CHECK(policy_static_path(METHOD_GET, "/a/./b", rel, sizeof(rel)) == POLICY_NOT_FOUND);
	CHECK(policy_static_path(METHOD_GET, "/a\\b", rel, sizeof(rel)) == POLICY_NOT_FOUND);
	CHECK(policy_static_path(METHOD_GET, "/a\nb", rel, sizeof(rel)) == POLICY_NOT_FOUND);
	CHECK(policy_static_path(METHOD_GET, "//etc", rel, sizeof(rel)) == POLICY_NOT_FOUND);
	CHECK(policy_static_path(METHOD_GET, "x", rel, sizeof(rel)) == POLICY_NOT_FOUND);
	CHECK(policy_static_path(METHOD_GET, NULL, rel, sizeof(rel)) == POLICY_NOT_FOUND);
	CHECK(policy_static_path(METHOD_GET, "/0123456789abcdef", rel, 16) == POLICY_NOT_FOUND);
	CHECK(policy_static_path(METHOD_GET, "/0123456789abcdef", rel, 17) == POLICY_OK);
	CHECK(policy_inside("/srv/www", "/srv/www"));
	CHECK(policy_inside("/srv/www", "/srv/www/a"));
	CHECK(policy_inside("/srv/www/", "/srv/www/a"));
	CHECK(!policy_inside("/srv/www", "/srv/www2/a"));
	CHECK(!policy_inside("/srv/www", "/srv"));
	CHECK(!policy_inside("/srv/www", "/etc/passwd"));
	CHECK(policy_inside("/", "/etc"));
}

static void key4(struct peer_key *k, const char *ip)
{
	unsigned char a[4];

	inet_pton(AF_INET, ip, a);
	peer_key_from(k, AF_INET, a);
}

static void test_peers(void)
{
	struct peer_slot slots[10];
	struct peers p;
	struct peer_key a, b, c, v6a, v6b, mapped;
	unsigned char a6[16];
	int n = 0;

	peers_init(&p, slots, 10, 4, 3);
	key4(&a, "127.0.0.2");
	key4(&b, "127.0.0.1");
	key4(&c, "10.0.0.1");
	/* one address: at most per_peer */
	while (n < 100 && peers_admit(&p, &a))
		n++;
	CHECK(n == 4 && peers_pending(&p, &a) == 4);
	/* others still get in, until only the reserve is left */
	CHECK(peers_admit(&p, &b) && peers_admit(&p, &b) && peers_admit(&p, &b));
	CHECK(p.total == 7);
	CHECK(!peers_admit(&p, &b)); /* b holds some: the last 3 are for new addresses */
	CHECK(peers_admit(&p, &c));  /* c holds none */
	CHECK(!peers_admit(&p, &c));
	peers_release(&p, &a);
	CHECK(peers_pending(&p, &a) == 3 && p.total == 7);
	for (int i = 0; i < 3; i++)
		peers_release(&p, &a);
	CHECK(peers_pending(&p, &a) == 0 && p.total == 4);
	peers_release(&p, &a); /* unknown: no effect */
	CHECK(p.total == 4);
	/* IPv6: one /64 is one address; ::ffff:v4 is the v4 address */
	inet_pton(AF_INET6, "2001:db8:1:2::5", a6);
	peer_key_from(&v6a, AF_INET6, a6);
	inet_pton(AF_INET6, "2001:db8:1:2:ffff::9", a6);
	peer_key_from(&v6b, AF_INET6, a6);
	CHECK(memcmp(&v6a, &v6b, sizeof(v6a)) == 0);
	inet_pton(AF_INET6, "::ffff:127.0.0.2", a6);
	peer_key_from(&mapped, AF_INET6, a6);
	CHECK(memcmp(&mapped, &a, sizeof(a)) == 0);
	/* a full table refuses everyone */
	peers_init(&p, slots, 2, 5, 0);
	CHECK(peers_admit(&p, &a) && peers_admit(&p, &b) && !peers_admit(&p, &c));
}

static long feed(struct wsmask *m, const char *bytes, size_t n)
{
	return wsmask_feed(m, (const unsigned char *)bytes, n);
}

static void test_wsmask(void)
{
	struct wsmask m;
	/* a masked "hi", then an unmasked one */
	static const char masked[] = "\x81\x82\x01\x02\x03\x04\x69\x6b";
	static const char unmasked[] = "\x81\x02hi";
	char two[12], big[8 + 200];

	wsmask_init(&m);
	CHECK(feed(&m, masked, 8) == -1);
	CHECK(feed(&m, unmasked, 4) == 0);
	CHECK(feed(&m, masked, 8) == 0); /* stays bad */
	wsmask_init(&m);
	CHECK(feed(&m, masked, 3) == -1);
	CHECK(feed(&m, masked + 3, 5) == -1);
	CHECK(feed(&m, "x", 0) == -1);
	memcpy(two, masked, 8);
	memcpy(two + 8, unmasked, 4);
	wsmask_init(&m);
	CHECK(feed(&m, two, 12) == 8);
	/* a header split after its first byte: the cut is at 0 of the next piece */
	wsmask_init(&m);
	CHECK(feed(&m, "\x81", 1) == -1);
	CHECK(feed(&m, "\x02hi", 3) == 0);
	/* 16-bit length: 200 payload bytes that look like unmasked headers */
	memcpy(big, "\x81\xfe\x00\xc8\x00\x00\x00\x00", 8);
	memset(big + 8, 0x01, 200);
	wsmask_init(&m);
	CHECK(feed(&m, big, sizeof(big)) == -1);
	CHECK(feed(&m, masked, 8) == -1);
	/* the same in pieces that cut its header and payload */
	wsmask_init(&m);
	CHECK(feed(&m, big, 3) == -1);
	CHECK(feed(&m, big + 3, 100) == -1);
	CHECK(feed(&m, big + 103, 105) == -1);
	CHECK(feed(&m, unmasked, 4) == 0);
	/* 64-bit length, whole header in one piece, then an unmasked frame */
	wsmask_init(&m);
	CHECK(feed(&m, "\x81\xff\0\0\0\0\0\0\0\x02\x01\x02\x03\x04xy\x81\x02hi", 20) == 16);
}

int main(void)
{
	test_host();
	test_origin();
	test_token();
	test_static();
	test_peers();
	test_wsmask();
	puts(failed ? "test-policy: FAILED" : "test-policy: all passed");
	return failed;
}
