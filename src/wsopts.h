/*
 * ws-bridge's command line: the options, their defaults, --help and the
 * checks that need no network (the token file is read here).
 */
#ifndef IRACER_WSOPTS_H
#define IRACER_WSOPTS_H

#include <stddef.h>

#include "policy.h"

#define TOKEN_MAX 256
#define MAX_KEEP 16
#define KEEP_TYPE_MAX 64

struct options {
	const char *addr;
	int port;
	const char *www;
	const char *on_open;
	const char *on_close;
	int dead_after;
	int exclusive;
	struct policy pol;
	char hostname[256];
	char token[TOKEN_MAX];
	int handshake_secs;
	long max_clients;
	size_t max_message;
	const char *tls_cert;
	const char *tls_key;
	const char *keep_types[MAX_KEEP]; /* --keep TYPE */
	int nkeep;
	int quiet;
	int verbose;
};

/* Fill o from argv; exits 64 on a usage error, 0 after --help or --version. */
void wsopts_parse(struct options *o, int argc, char **argv);

#endif
