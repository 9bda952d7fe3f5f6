/* ws-bridge's signalfd; see wssig.h. */
#include "wssig.h"

#include <err.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "util.h"

int wssig_setup(void)
{
	sigset_t set;
	int fd;

	signal(SIGPIPE, SIG_IGN);
	stop_signal_set(&set); /* the same signals as every program's (util.h) */
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		err(EX_OSERR, "sigprocmask");
	fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (fd < 0)
		err(EX_OSERR, "signalfd");
	return fd;
}

int wssig_read(int fd)
{
	struct signalfd_siginfo si;

	return read(fd, &si, sizeof(si)) == sizeof(si) ? (int)si.ssi_signo : 0;
}
