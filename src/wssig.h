/*
 * ws-bridge's signals: every program's stop signals (util.h: INT TERM HUP
 * QUIT USR1 USR2 ALRM, and TSTP and CONT) arrive on a signalfd that lws
 * watches in its loop, so shutdown runs there and not in a handler; SIGPIPE
 * is ignored (write errors say EPIPE).
 */
#ifndef IRACER_WSSIG_H
#define IRACER_WSSIG_H

/* Block the signals and return the signalfd; exits on failure. */
int wssig_setup(void);

/* The fd is readable: the signal taken from it, or 0. */
int wssig_read(int fd);

#endif
