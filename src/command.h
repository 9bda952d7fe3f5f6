/*
 * The iracer-cmd grammar: one text line -> one command, or a precise error.
 * Pure (no I/O, no globals), so it can be fuzzed on its own.
 *
 *	DIRECTION [SPEED] [DURATION]	forward 8 1.5s, fl 12, steer-left, up
 *	stop [DURATION]			stop, stop 250ms
 *	raw BYTE [DURATION]		raw 0x57, raw 87 2s
 *	wait DURATION			keep doing the current command for a while
 *	speed SPEED			default speed for later lines
 *
 * Case-insensitive. '#' starts a comment anywhere; blank lines are ignored.
 * SPEED is 0-15 (decimal), DURATION a number with unit s or ms, BYTE decimal
 * 0-255 or 0xHH. The contract, with every direction name, is iracer(7).
 */
#ifndef IRACER_COMMAND_H
#define IRACER_COMMAND_H

#include <stddef.h>
#include <stdint.h>

/* Longest line accepted, in bytes, without its newline. */
#define COMMAND_LINE_MAX 1024

/* Longest duration accepted: one day. */
#define COMMAND_DURATION_MAX_S 86400

/* A room-enough size for command_parse()'s error text. */
#define COMMAND_ERR_MAX 160

#define COMMAND_UNTIMED INT64_C(-1)

enum command_kind {
	CMD_NONE,  /* blank line or comment */
	CMD_SEND,  /* send byte; hold it for duration_ns, or until the next command */
	CMD_WAIT,  /* send nothing; keep the current byte for duration_ns */
	CMD_SPEED, /* speed becomes the default for later lines */
};

struct command {
	enum command_kind kind;
	uint8_t byte;
	int speed;
	int64_t duration_ns; /* COMMAND_UNTIMED, or >= 0 */
};

/*
 * Parse one line of len bytes (no newline; need not be NUL-terminated; a
 * trailing '\r' is ignored). default_speed fills in a missing SPEED.
 * Returns 0 with *cmd set, or -1 with a message in err (errlen bytes), e.g.
 * "unknown command 'forwrd' (did you mean 'forward'?)".
 */
int command_parse(const char *line, size_t len, int default_speed, struct command *cmd, char *err,
	size_t errlen);

#endif
