/* ws-bridge's command line; see wsopts.h. */
#include "wsopts.h"

#include <err.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"
#include "wssetup.h"

static const char usage_lines[] =
	"usage: ws-bridge [-qvx] [-a addr] [-p port] [-w dir] [-d secs] [-m bytes]\n"
	"                 [-n max] [-o origin] [-H name] [-t file]\n"
	"                 [--handshake-timeout secs] [--on-open line]\n"
	"                 [--on-close line] [--tls-cert file --tls-key file]\n"
	"                 [--keep type]\n";

static const char help_text[] =
	"\n"
	"  -a, --addr ADDR        listen address (default 127.0.0.1)\n"
	"  -p, --port PORT        listen port (default 8000)\n"
	"  -w, --www DIR          serve the files in DIR; WebSocket on /ws\n"
	"  -d, --dead-after SECS  drop a client silent for SECS seconds (default 3)\n"
	"  -m, --max-message N    longest message in bytes (default 4096)\n"
	"  -n, --max-clients N    most clients at once (default 1000)\n"
	"  -o, --origin ORIGIN    also accept upgrades from ORIGIN (repeatable)\n"
	"  -H, --host NAME        also accept Host: NAME, e.g. a proxy's (repeatable)\n"
	"  -t, --token-file FILE  require ?token= with the secret in FILE\n"
	"      --handshake-timeout SECS  close unfinished connections after SECS (2)\n"
	"  -x, --exclusive        only the earliest client drives\n"
	"      --on-open LINE     print LINE when a client connects\n"
	"      --on-close LINE    print LINE when a client goes away\n"
	"      --tls-cert FILE    serve https and wss with this certificate\n"
	"      --tls-key FILE     and this private key\n"
	"      --keep TYPE        send each new client the latest stdin line that\n"
	"                         starts {\"type\":\"TYPE\" (repeatable)\n"
	"  -q, --quiet            no notes on stderr, only errors\n"
	"  -v, --verbose          log connects and disconnects\n"
	"  -h, --help             this help\n"
	"      --version          print the version\n";

/* --keep TYPE: a name that can stand in {"type":"TYPE" as it is. */
static void keep_type(struct options *o, const char *type)
{
	static const char ok[] =
		"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.";
	size_t n = strlen(type);

	if (o->nkeep == MAX_KEEP)
		errx(EX_USAGE, "at most %d --keep options", MAX_KEEP);
	if (n == 0 || n > KEEP_TYPE_MAX || strspn(type, ok) != n)
		usage_error("keep: '%s': a type is 1 to %d letters, digits, '-', '_' or '.'", type,
			KEEP_TYPE_MAX);
	o->keep_types[o->nkeep++] = type;
}

enum {
	OPT_ON_OPEN = 256,
	OPT_ON_CLOSE,
	OPT_TLS_CERT,
	OPT_TLS_KEY,
	OPT_VERSION,
	OPT_HANDSHAKE,
	OPT_KEEP
};

void wsopts_parse(struct options *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		{"addr", required_argument, NULL, 'a'},
		{"port", required_argument, NULL, 'p'},
		{"www", required_argument, NULL, 'w'},
		{"dead-after", required_argument, NULL, 'd'},
		{"max-message", required_argument, NULL, 'm'},
		{"max-clients", required_argument, NULL, 'n'},
		{"origin", required_argument, NULL, 'o'},
		{"host", required_argument, NULL, 'H'},
		{"handshake-timeout", required_argument, NULL, OPT_HANDSHAKE},
		{"token-file", required_argument, NULL, 't'},
		{"exclusive", no_argument, NULL, 'x'},
		{"on-open", required_argument, NULL, OPT_ON_OPEN},
		{"on-close", required_argument, NULL, OPT_ON_CLOSE},
		{"tls-cert", required_argument, NULL, OPT_TLS_CERT},
		{"tls-key", required_argument, NULL, OPT_TLS_KEY},
		{"keep", required_argument, NULL, OPT_KEEP},
		{"quiet", no_argument, NULL, 'q'},
		{"verbose", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, OPT_VERSION},
		{NULL, 0, NULL, 0},
	};
	const char *token_file = NULL;
	int ch;

	usage_text = usage_lines;
	o->addr = "127.0.0.1";
	o->port = 8000;
	o->dead_after = 3;
	o->max_clients = 1000;
	o->max_message = 4096;
	o->handshake_secs = 2;
	while ((ch = getopt_long(argc, argv, "a:p:w:d:m:n:o:H:t:xqvh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'a':
			o->addr = optarg;
			break;
		case 'p':
			o->port = (int)option_long("--port", optarg, 1, 65535);
			break;
		case 'w':
			o->www = optarg;
			break;
		case 'd':
			o->dead_after = (int)option_long("--dead-after", optarg, 2, 3600);
			break;
		case 'm':
			o->max_message = (size_t)option_long("--max-message", optarg, 1, 16 << 20);
			break;
		case 'n':
			o->max_clients = option_long("--max-clients", optarg, 1, 100000);
			break;
		case 'o':
			if (o->pol.norigins == POLICY_MAX_NAMES)
				errx(EX_USAGE, "at most %d --origin options", POLICY_MAX_NAMES);
			o->pol.origins[o->pol.norigins++] = optarg;
			break;
		case 'H':
			if (o->pol.nhosts == POLICY_MAX_NAMES)
				errx(EX_USAGE, "at most %d --host options", POLICY_MAX_NAMES);
			o->pol.hosts[o->pol.nhosts++] = optarg;
			break;
		case OPT_HANDSHAKE:
			o->handshake_secs = (int)option_long("--handshake-timeout", optarg, 1, 60);
			break;
		case 't':
			token_file = optarg;
			break;
		case 'x':
			o->exclusive = 1;
			break;
		case OPT_ON_OPEN:
			o->on_open = optarg;
			break;
		case OPT_ON_CLOSE:
			o->on_close = optarg;
			break;
		case OPT_TLS_CERT:
			o->tls_cert = optarg;
			break;
		case OPT_TLS_KEY:
			o->tls_key = optarg;
			break;
		case OPT_KEEP:
			keep_type(o, optarg);
			break;
		case 'q':
			o->quiet = 1;
			o->verbose = 0;
			break;
		case 'v':
			o->verbose = 1;
			o->quiet = 0;
			break;
		case 'h':
			fputs(usage_lines, stdout);
			fputs(help_text, stdout);
			exit(0);
		case OPT_VERSION:
			print_version();
			break;
		default:
			usage_error(NULL);
		}
	}
	if (optind != argc)
		usage_error("unexpected argument '%s'", argv[optind]);
	if (!o->tls_cert != !o->tls_key)
		usage_error("--tls-cert and --tls-key go together");
	o->pol.token_len = wssetup_token(token_file, o->token, sizeof(o->token));
	o->pol.token = o->pol.token_len ? o->token : NULL;
	if (gethostname(o->hostname, sizeof(o->hostname) - 1) == 0)
		o->pol.hostname = o->hostname;
}
