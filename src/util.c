#include "util.h"

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <string.h>
#include <unistd.h>

int write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;

	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				struct pollfd pfd = {.fd = fd, .events = POLLOUT};
				if (poll(&pfd, 1, -1) < 0 && errno != EINTR)
					return -1;
				continue;
			}
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

void on_signal(int sig, void (*handler)(int))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = handler;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;
	if (sigaction(sig, &sa, NULL) < 0)
		err(EX_OSERR, "sigaction");
}

void stderr_whole_lines(void)
{
	static char buf[BUFSIZ];

	/* line buffering never delays a message: each ends with its newline */
	setvbuf(stderr, buf, _IOLBF, sizeof(buf));
}

const char *usage_text = "";

void usage_error(const char *fmt, ...)
{
	va_list ap;

	if (fmt != NULL) {
		va_start(ap, fmt);
		vwarnx(fmt, ap);
		va_end(ap);
	}
	fprintf(stderr, "%sTry '%s --help' for more information.\n", usage_text,
		program_invocation_short_name);
	exit(EX_USAGE);
}

/*
 * strtol and strtod stop at the first character they cannot read, take ""
 * as 0 and signal overflow in errno: a number must be the whole text.
 */
static int whole_number(const char *arg, const char *end)
{
	return end != arg && *end == '\0' && errno == 0;
}

/* s is a whole number from min to max, in *v. */
static int long_in_range(const char *s, long min, long max, long *v)
{
	char *end;

	errno = 0;
	*v = strtol(s, &end, 0);
	return whole_number(s, end) && *v >= min && *v <= max;
}

long option_long(const char *name, const char *arg, long min, long max)
{
	long v;

	if (!long_in_range(arg, min, max, &v))
		usage_error("%s: %s: not a number from %ld to %ld", name, arg, min, max);
	return v;
}

double option_double(const char *name, const char *arg, double min, double max)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(arg, &end);
	if (!whole_number(arg, end) || !isfinite(v) || v < min || v > max)
		usage_error("%s: %s: not a number from %g to %g", name, arg, min, max);
	return v;
}

void print_version(void)
{
	printf("%s %s\n", program_invocation_short_name, IRACER_VERSION);
	exit(0);
}

void close_stdout(void)
{
	int failed = ferror(stdout);

	if (fclose(stdout) != 0 || failed) {
		/* EPIPE after a closed reader is still a lost line */
		warn("stdout");
		_exit(EX_IOERR);
	}
}

int set_nonblock(int fd, int on)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0)
		return -1;
	fl = on ? (fl | O_NONBLOCK) : (fl & ~O_NONBLOCK);
	return fcntl(fd, F_SETFL, fl);
}

/* Open /dev/null on fd when it is closed. */
static void fill_fd(int fd)
{
	int n;

	if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
		return;
	/* the lowest free descriptor: fd itself, since the ones below are open */
	n = open("/dev/null", O_RDWR);
	if (n < 0)
		_exit(EX_OSERR);
	if (n != fd) {
		if (dup2(n, fd) < 0)
			_exit(EX_OSERR);
		close(n);
	}
}

void program_start(void)
{
	const char *parent = getenv("IRACER_PARENT_PID");
	long ppid;

	fill_fd(STDIN_FILENO);
	fill_fd(STDOUT_FILENO);
	fill_fd(STDERR_FILENO);
	if (parent != NULL && long_in_range(parent, 1, INT_MAX, &ppid)) {
		/* our own children are not the parent's: they must not inherit it */
		unsetenv("IRACER_PARENT_PID");
		if (prctl(PR_SET_PDEATHSIG, SIGTERM) < 0)
			err(EX_OSERR, "prctl");
		/* the parent may have died before prctl: then nobody would tell us */
		if (getppid() != (pid_t)ppid)
			kill(getpid(), SIGTERM);
	}
}

static const int stop_signals[] = {
	SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM, SIGTSTP, SIGCONT};

void catch_end_signals(void (*handler)(int))
{
	for (size_t i = 0; i < sizeof(stop_signals) / sizeof(stop_signals[0]); i++)
		if (stop_signals[i] != SIGCONT && !is_suspend_signal(stop_signals[i]))
			on_signal(stop_signals[i], handler);
}

void stop_signal_set(sigset_t *set)
{
	sigemptyset(set);
	for (size_t i = 0; i < sizeof(stop_signals) / sizeof(stop_signals[0]); i++)
		sigaddset(set, stop_signals[i]);
}

void block_stop_signals(void (*handler)(int), sigset_t *wait)
{
	sigset_t block;
	size_t i;

	sigemptyset(&block);
	for (i = 0; i < sizeof(stop_signals) / sizeof(stop_signals[0]); i++) {
		on_signal(stop_signals[i], handler);
		sigaddset(&block, stop_signals[i]);
	}
	if (sigprocmask(SIG_BLOCK, &block, wait) < 0)
		err(EX_OSERR, "sigprocmask");
	for (i = 0; i < sizeof(stop_signals) / sizeof(stop_signals[0]); i++)
		sigdelset(wait, stop_signals[i]);
}

int is_suspend_signal(int sig)
{
	return sig == SIGTSTP;
}

void suspend_self(void)
{
	raise(SIGSTOP);
}
