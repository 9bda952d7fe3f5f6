/*
 * Small helpers every program needs: full writes, strict number parsing,
 * signals, and the version line. Errors are printed with err(3)/warn(3),
 * which give the house format "prog: context: reason".
 */
#ifndef IRACER_UTIL_H
#define IRACER_UTIL_H

#include <signal.h>
#include <stddef.h>
#include <sys/types.h>
#include <sysexits.h>

#ifndef IRACER_VERSION
#define IRACER_VERSION "0.0.0"
#endif

/*
 * Write all n bytes: loops over partial writes, retries on EINTR, waits with
 * poll(2) on EAGAIN. Returns 0, or -1 with errno set (EPIPE when the reader left).
 */
int write_all(int fd, const void *buf, size_t n);

/*
 * Parse a whole string as a number within [min, max]. Returns 0, or -1 when
 * the text is empty, has trailing junk or is out of range.
 */
int parse_long(const char *s, long min, long max, long *out);
int parse_double(const char *s, double min, double max, double *out);

/* Install a handler without SA_RESTART, so blocking calls return EINTR. */
void on_signal(int sig, void (*handler)(int));

/*
 * Make every message on stderr one write(2): our programs share one stderr in
 * a pipeline, and err(3) otherwise writes a message in pieces that another
 * process's line can split. Call first thing in main.
 */
void stderr_whole_lines(void);

/* Print "prog VERSION" to stdout and exit 0. */
void print_version(void);

/*
 * Flush and close stdout, exiting EX_IOERR with a message when a write
 * failed: a lost final line must not look like success. Use with atexit(3).
 */
void close_stdout(void);

/* Make fd non-blocking (or blocking when on == 0). Returns 0 or -1. */
int set_nonblock(int fd, int on);

#endif
