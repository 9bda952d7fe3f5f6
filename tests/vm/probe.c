// SPDX-License-Identifier: MIT
/*
 * probe: a minimal RFCOMM listener/sender used only inside the test VM to check that
 * the virtual controllers carry RFCOMM at all, independently of the programs under test.
 *
 *   probe listen CH        accept one connection, print what arrives as hex, exit at EOF
 *   probe send ADDR CH HEX connect, send the bytes given as hex pairs ("1c3900"), close
 */
#include <bluetooth/bluetooth.h>
#include <bluetooth/rfcomm.h>
#include <err.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int do_listen(int ch)
{
	struct sockaddr_rc a = { .rc_family = AF_BLUETOOTH, .rc_channel = (uint8_t)ch };
	int s = socket(AF_BLUETOOTH, SOCK_STREAM, BTPROTO_RFCOMM);
	int c;
	unsigned char buf[256];
	ssize_t n;

	if (s < 0)
		err(74, "socket");
	bacpy(&a.rc_bdaddr, BDADDR_ANY);
	if (bind(s, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(s, 1) < 0)
		err(74, "bind/listen channel %d", ch);
	printf("listening %d\n", ch);
	fflush(stdout);
	c = accept(s, NULL, NULL);
	if (c < 0)
		err(74, "accept");
	while ((n = read(c, buf, sizeof(buf))) > 0) {
		for (ssize_t i = 0; i < n; i++)
			printf("%02x\n", buf[i]);
		fflush(stdout);
	}
	if (n < 0)
		err(74, "read");
	return 0;
}

static int do_send(const char *addr, int ch, const char *hexs)
{
	struct sockaddr_rc a = { .rc_family = AF_BLUETOOTH, .rc_channel = (uint8_t)ch };
	int s = socket(AF_BLUETOOTH, SOCK_STREAM, BTPROTO_RFCOMM);
	unsigned char buf[256];
	size_t n = 0;

	if (s < 0)
		err(74, "socket");
	if (str2ba(addr, &a.rc_bdaddr) < 0)
		errx(64, "bad address %s", addr);
	for (const char *p = hexs; p[0] && p[1] && n < sizeof(buf); p += 2) {
		char two[3] = { p[0], p[1], 0 };
		buf[n++] = (unsigned char)strtoul(two, NULL, 16);
	}
	if (connect(s, (struct sockaddr *)&a, sizeof(a)) < 0)
		err(69, "connect %s channel %d", addr, ch);
	if (write(s, buf, n) != (ssize_t)n)
		err(74, "write");
	sleep(1);
	close(s);
	return 0;
}

static int channel(const char *s)
{
	char *end;
	long ch = strtol(s, &end, 10);

	if (*s == '\0' || *end != '\0' || ch < 1 || ch > 30)
		errx(64, "bad channel '%s'", s);
	return (int)ch;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "listen"))
		return do_listen(channel(argv[2]));
	if (argc == 5 && !strcmp(argv[1], "send"))
		return do_send(argv[2], channel(argv[3]), argv[4]);
	fprintf(stderr, "usage: probe listen CH | probe send ADDR CH HEX\n");
	return 64;
}
