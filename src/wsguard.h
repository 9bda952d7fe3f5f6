/*
 * What ws-bridge sees of the bytes libwebsockets reads from each client,
 * before lws parses them: recv(2) and SSL_read(3) are wrapped here (lws
 * calls them through the PLT, so the program's own definitions win).
 * Used for checks lws 4.1 cannot make: a client that sends data before its
 * upgrade is answered (pipelining, which RFC 6455 forbids), odd request
 * lines, and a frame without a mask. The bytes of a bad frame never reach lws.
 */
#ifndef IRACER_WSGUARD_H
#define IRACER_WSGUARD_H

/* Room for file descriptors below maxfd; returns 0 or -1 (no memory). */
int wsguard_init(int maxfd);
void wsguard_free(void);

/* A new connection on fd: it speaks HTTP until wsguard_upgraded(). */
void wsguard_watch(int fd);

/* Bytes came after the end of the request headers (before any answer). */
int wsguard_pipelined(int fd);

/*
 * A request line on fd that lws reads differently from HTTP: a method not
 * in capitals (lws takes "get" for GET) or an escaped control character in
 * the target (lws cuts "?token=SECRET%0Djunk" to "token=SECRET").
 * Returns 0, 405 (the method) or 400 (the target).
 */
int wsguard_odd_request(int fd);

/* The upgrade is done: from now on every frame must be masked. */
void wsguard_upgraded(int fd);

/* fd sent an unmasked frame (its bytes were withheld from lws). */
int wsguard_bad(int fd);

/* How many connections went bad since the last call (to save a walk). */
unsigned wsguard_take_bad_count(void);

void wsguard_forget(int fd);

#endif
