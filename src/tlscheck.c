/* Certificate and key checks; see tlscheck.h. */
#include "tlscheck.h"

#include <errno.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>

static int unreadable(const char *path, char *msg, size_t len)
{
	FILE *f = fopen(path, "r");

	if (f) {
		fclose(f);
		return 0;
	}
	snprintf(msg, len, "%s: %s", path, strerror(errno));
	return EX_NOINPUT;
}

static int openssl_says(const char *path, const char *what, char *msg, size_t len)
{
	unsigned long e = ERR_peek_last_error();
	const char *reason = e ? ERR_reason_error_string(e) : NULL;

	snprintf(msg, len, "%s: %s: %s", path, what, reason ? reason : "unknown error");
	ERR_clear_error();
	return EX_DATAERR;
}

int tls_check_files(const char *cert, const char *key, char *msg, size_t len)
{
	SSL_CTX *ctx;
	int r;

	if ((r = unreadable(cert, msg, len)) || (r = unreadable(key, msg, len)))
		return r;
	ctx = SSL_CTX_new(TLS_server_method());
	if (ctx == NULL) {
		snprintf(msg, len, "TLS: cannot set up OpenSSL");
		return EX_SOFTWARE;
	}
	if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1)
		r = openssl_says(cert, "bad certificate", msg, len);
	else if (SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1)
		r = openssl_says(key, "bad private key", msg, len);
	else if (SSL_CTX_check_private_key(ctx) != 1)
		r = openssl_says(key, "does not match the certificate", msg, len);
	SSL_CTX_free(ctx);
	return r;
}
