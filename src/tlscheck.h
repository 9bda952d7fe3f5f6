/*
 * Check a certificate and key with OpenSSL before libwebsockets loads them,
 * so a mistake is reported with the file's name and OpenSSL's reason
 * instead of lws's "cannot listen".
 */
#ifndef IRACER_TLSCHECK_H
#define IRACER_TLSCHECK_H

#include <stddef.h>

/*
 * Returns 0, or a sysexits code with a message in msg: EX_NOINPUT when a
 * file cannot be read, EX_DATAERR when its content is no good.
 */
int tls_check_files(const char *cert, const char *key, char *msg, size_t len);

#endif
