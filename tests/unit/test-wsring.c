/*
 * Unit tests for src/wsring.c (ws-bridge's stdin line splitter and ring),
 * run by tests/41-wsring.bats. Prints one line per failed check and exits 1
 * if any failed.
 */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "wskeep.h"
#include "wsring.h"

static void feed(struct wsring *r, const char *s)
{
	size_t room, n = strlen(s);
	char *dst = wsring_space(r, &room);

	if (n > room)
		n = room;
	memcpy(dst, s, n);
	wsring_fed(r, n);
}

static int line_is(struct wsring *r, uint64_t seq, const char *want)
{
	size_t len;
	const char *p = wsring_line(r, seq, &len);

	return len == strlen(want) && memcmp(p, want, len) == 0;
}

static void test_split(void)
{
	struct wsring r;

	CHECK(wsring_init(&r, 8, 16, 1) == 0);
	feed(&r, "ab\ncd\r\n\nef");
	CHECK(r.head == 3);
	CHECK(line_is(&r, 0, "ab") && line_is(&r, 1, "cd") && line_is(&r, 2, ""));
	feed(&r, "g\n");
	CHECK(r.head == 4 && line_is(&r, 3, "efg"));
	feed(&r, "0123456789"); /* over 8 bytes, no newline: the rest is skipped */
	feed(&r, "more\nok\n");
	CHECK(r.head == 5 && line_is(&r, 4, "ok"));
	feed(&r, "tail");
	wsring_eof(&r);
	CHECK(r.head == 6 && line_is(&r, 5, "tail"));
	wsring_free(&r);
}

static void test_catch_up(void)
{
	struct wsring r;
	uint64_t seq = 0;

	CHECK(wsring_init(&r, 8, 0, 1) == 0);
	for (int i = 0; i < WSRING_LEN; i++)
		feed(&r, "x\n");
	CHECK(wsring_catch_up(&r, &seq) == 0 && seq == 0);
	feed(&r, "y\nz\n");
	CHECK(wsring_catch_up(&r, &seq) == 2 && seq == 2);
	CHECK(line_is(&r, r.head - 1, "z"));
	wsring_free(&r);
}

int main(void)
{
	if (wskeep_init(NULL, 0, 8, 0) < 0)
		return 1;
	test_split();
	test_catch_up();
	wskeep_free();
	if (failed)
		return 1;
	puts("test-wsring: all passed");
	return 0;
}
