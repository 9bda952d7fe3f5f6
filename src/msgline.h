/*
 * The one conversion from a WebSocket text message to a stdout line: CR and
 * LF inside the message become spaces, so a message is always exactly one
 * line (and JSON stays valid JSON). Pure: no state, no I/O, no allocation,
 * which is what makes it a good fuzzing target.
 */
#ifndef IRACER_MSGLINE_H
#define IRACER_MSGLINE_H

#include <stddef.h>

/*
 * Copy n bytes of message text from src to dst, CR and LF replaced by
 * spaces. Works on any piece of a message (fragments convert alone).
 * dst and src may be the same buffer; otherwise they must not overlap.
 */
void msgline_convert(char *dst, const char *src, size_t n);

/*
 * Write a whole message as one line: the converted text plus '\n'.
 * dst must hold n + 1 bytes. Returns the line length, n + 1.
 */
size_t msgline_from_message(char *dst, const char *src, size_t n);

#endif
