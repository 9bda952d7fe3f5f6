/*
 * Side outputs: everything a program writes besides the car's byte stream
 * (iracer-send -e and -v, iracer-sim -j, every program's standard error).
 * A reader that stalls must never hold up the car, so lines go into a
 * bounded buffer and leave with non-blocking writes from the poll loop.
 * When the buffer is full a whole line is dropped, never a part of one, and
 * the count is reported on standard error once the reader reads again.
 */
#ifndef IRACER_SIDEOUT_H
#define IRACER_SIDEOUT_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>

#define SIDE_NFDS 2 /* pollfd entries side_pollfds fills: stdout and stderr */

/*
 * Give fd a description of its own that does not block (a FIFO, pipe or tty
 * is reopened through /proc/self/fd: O_NONBLOCK on a shared one would reach
 * into other processes). Regular files are left as they are: they never
 * stall. Returns 0, or -1 when it stays blocking.
 */
int fd_private_nonblock(int fd);

/*
 * Make fd (STDOUT_FILENO or STDERR_FILENO) a side output. For stderr, the
 * stdio stream stderr is replaced by one that writes into the buffer, so
 * err(3), warn(3) and fprintf(stderr) never block either.
 */
void side_open(int fd);

/*
 * Queue one whole line (or several) for fd; dropped whole when it does not
 * fit. On an fd that side_open was not called for, a plain blocking write.
 * Errors are kept for side_error.
 */
void side_put(int fd, const char *text, size_t n);

/* Write what is pending without waiting. Returns 0, or -1 after a write error. */
int side_flush(void);

/* pollfd entries (SIDE_NFDS) asking for POLLOUT where lines are pending. */
void side_pollfds(struct pollfd *p);

/* The errno of a failed write on fd (EPIPE: the reader left), or 0. */
int side_error(int fd);

/* Flush, waiting until the absolute CLOCK_MONOTONIC deadline at most. */
void side_drain(int64_t deadline);

/* Flush for at most a quarter second (registered with atexit by side_open). */
void side_drain_at_exit(void);

#endif
