/*
 * The i-Racer byte table: the one place that knows how a direction and a speed
 * become a command byte (0xXY: X direction, Y speed) and back.
 */
#ifndef IRACER_PROTOCOL_H
#define IRACER_PROTOCOL_H

#include <stddef.h>
#include <stdint.h>

enum direction {
	DIR_STOP = 0x0,
	DIR_FORWARD = 0x1,
	DIR_BACKWARD = 0x2,
	DIR_STEER_LEFT = 0x3, /* "steer": the wheels turn, no drive */
	DIR_STEER_RIGHT = 0x4,
	DIR_FORWARD_LEFT = 0x5,
	DIR_FORWARD_RIGHT = 0x6,
	DIR_BACKWARD_LEFT = 0x7,
	DIR_BACKWARD_RIGHT = 0x8,
	DIR_COUNT
};

#define SPEED_MIN 0
#define SPEED_MAX 15
#define SPEED_DEFAULT 8
#define BYTE_STOP 0x00

/* Longest text byte_describe() writes, with its NUL ("backward-right 15"). */
#define DESCRIBE_MAX 24

/*
 * Direction for a name or alias, case-insensitive: canonical names
 * ("steer-left" for the wheels only), "back", the old "left"/"right" (wheels
 * only), the seed's "up"/"down", short forms "f", "b", "l", "r", "fl", "fr",
 * "bl", "br". "stop" gives DIR_STOP. Returns -1 for an unknown name.
 * The table is iracer(7)'s.
 */
int direction_from_name(const char *name, size_t len);

/*
 * The known name closest to an unknown one (edit distance), for a
 * "did you mean" hint, or NULL when nothing is close. Known names are the
 * directions (short forms aside) and the grammar's other words.
 */
const char *direction_suggest(const char *name, size_t len);

uint8_t byte_encode(enum direction d, int speed);

/* Split a byte; returns 0, or -1 when the high nibble is not one the car knows. */
int byte_decode(uint8_t b, enum direction *d, int *speed);

/*
 * Readable form of a byte, written to buf (at least DESCRIBE_MAX bytes):
 * "stop", "forward 8", or "raw 0x9a" for an undefined direction.
 * This text is also valid iracer-cmd input that yields the same byte.
 */
const char *byte_describe(uint8_t b, char *buf, size_t n);

#endif
