/*
 * ws-bridge's signals: SIGINT, SIGTERM and SIGHUP (the terminal went away)
 * arrive on a signalfd that lws watches in its loop, so shutdown runs there
 * and not in a handler; SIGPIPE is ignored (write errors say EPIPE).
 */
#ifndef IRACER_WSSIG_H
#define IRACER_WSSIG_H

/* Block the signals and return the signalfd; exits on failure. */
int wssig_setup(void);

/* The fd is readable: 1 when a signal was taken from it, else 0. */
int wssig_read(int fd);

#endif
