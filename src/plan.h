/*
 * The one place for the plan line format, "SECONDS BYTE COMMAND":
 *
 *	0.000 0x18 forward 8
 *	1.500 0x00 stop
 *
 * SECONDS is the time since the start at which BYTE is sent, to the
 * millisecond; COMMAND is the byte's readable form (protocol.h). Written by
 * `iracer-cmd --plan`, read by `iracer-sim --plan`. The byte is what counts;
 * the command text is for people and is checked to agree with it.
 */
#ifndef IRACER_PLAN_H
#define IRACER_PLAN_H

#include <stddef.h>
#include <stdint.h>

/* Longest line plan_format() writes, with newline and NUL. */
#define PLAN_LINE_MAX 64

struct plan_step {
	int64_t at_ns; /* since the start of the plan */
	uint8_t byte;
};

/* Format one step as a line ending in '\n'; returns its length. */
size_t plan_format(char *buf, size_t n, const struct plan_step *step);

/*
 * Parse one line (without its newline; len bytes, need not be NUL-terminated).
 * Blank lines and '#' comments give 0 and leave *step alone; a step gives 1;
 * a malformed line gives -1 with a message in err (errlen bytes).
 */
int plan_parse(const char *line, size_t len, struct plan_step *step, char *err, size_t errlen);

#endif
