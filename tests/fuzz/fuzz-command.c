/*
 * libFuzzer harness for the iracer-cmd line parser. Any line must parse or be
 * refused with a message, never crash; a parsed command must be in range, and
 * the readable form of its byte must parse back to the same byte.
 */
#include "command.h"
#include "protocol.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct command cmd, again;
	char err[COMMAND_ERR_MAX], text[DESCRIBE_MAX];

	err[0] = '\0';
	if (command_parse((const char *)data, size, SPEED_DEFAULT, &cmd, err, sizeof(err)) < 0) {
		if (err[0] == '\0' || memchr(err, '\0', sizeof(err)) == NULL)
			abort(); /* a refusal always says why, in a terminated string */
		return 0;
	}
	if (cmd.duration_ns != COMMAND_UNTIMED &&
		(cmd.duration_ns < 0 ||
			cmd.duration_ns > COMMAND_DURATION_MAX_S * INT64_C(1000000000)))
		abort();
	if (cmd.kind == CMD_SPEED && (cmd.speed < SPEED_MIN || cmd.speed > SPEED_MAX))
		abort();
	if (cmd.kind != CMD_SEND)
		return 0;
	byte_describe(cmd.byte, text, sizeof(text));
	if (command_parse(text, strlen(text), SPEED_DEFAULT, &again, err, sizeof(err)) < 0 ||
		again.kind != CMD_SEND || again.byte != cmd.byte)
		abort();
	return 0;
}
