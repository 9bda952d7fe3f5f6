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

/* A macro's value as a string literal: STR(SPEED_MAX) is "15" */
#define STR_(x) #x
#define STR(x) STR_(x)

#ifndef IRACER_VERSION
#define IRACER_VERSION "0.0.0"
#endif

/*
 * Write all n bytes: loops over partial writes, retries on EINTR, waits with
 * poll(2) on EAGAIN. Returns 0, or -1 with errno set (EPIPE when the reader left).
 */
int write_all(int fd, const void *buf, size_t n);

/* Install a handler without SA_RESTART, so blocking calls return EINTR. */
void on_signal(int sig, void (*handler)(int));

/*
 * Make every message on stderr one write(2): our programs share one stderr in
 * a pipeline, and err(3) otherwise writes a message in pieces that another
 * process's line can split. Call first thing in main.
 */
void stderr_whole_lines(void);

/*
 * First thing in main, before anything opens a descriptor: 0, 1 and 2 that
 * are closed are opened on /dev/null, so no socket or file we open later can
 * become "standard output" and receive our logs (or the car our JSON).
 * With IRACER_PARENT_PID=PID in the environment (iracer-drive sets it), the
 * program also gets SIGTERM when that parent dies, even by SIGKILL
 * (PR_SET_PDEATHSIG), and at once when it is gone already.
 */
void program_start(void);

/*
 * The signals that end or suspend a program, each of which must stop the car
 * first: INT TERM HUP QUIT USR1 USR2 ALRM TSTP. SIGCONT is caught as well
 * (after a suspension nothing stale may be sent). All are given handler and
 * blocked; *wait receives the mask to wait with (ppoll), which lets them in.
 * Between waits they stay blocked, so no signal slips past a check.
 */
void block_stop_signals(void (*handler)(int), sigset_t *wait);

/* Those signals as a set (for a signalfd, as ws-bridge takes them). */
void stop_signal_set(sigset_t *set);

/*
 * For a program with no car to stop (iracer-sim --plan): the signals that
 * end a program get handler, unblocked, so they interrupt a blocking read;
 * SIGTSTP and SIGCONT keep their default (suspend, resume).
 */
void catch_end_signals(void (*handler)(int));

/* Whether sig asks to suspend (SIGTSTP) rather than to end. */
int is_suspend_signal(int sig);

/*
 * Suspend the calling process now (SIGSTOP, which cannot be caught), after
 * the car was stopped; returns when it is continued.
 */
void suspend_self(void);

/*
 * The program's usage lines ("usage: prog ...\n"), set first thing in main:
 * every misuse ends the same way through usage_error.
 */
extern const char *usage_text;

/*
 * Print "prog: MESSAGE" when fmt is not NULL, then the usage lines and a
 * pointer to --help on stderr, and exit EX_USAGE.
 */
__attribute__((format(printf, 1, 2), noreturn)) void usage_error(const char *fmt, ...);

/*
 * An option's number, the whole text, within [min, max], or usage_error with
 * "prog: NAME: VALUE: not a number from MIN to MAX".
 */
long option_long(const char *name, const char *arg, long min, long max);
double option_double(const char *name, const char *arg, double min, double max);

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
