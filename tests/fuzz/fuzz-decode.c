/*
 * libFuzzer harness for the --decode path: every byte, defined or not, has a
 * readable form, and that form is iracer-cmd input giving the same byte back.
 */
#include "command.h"
#include "protocol.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char text[DESCRIBE_MAX], err[COMMAND_ERR_MAX];
	struct command cmd;

	for (size_t i = 0; i < size; i++) {
		size_t len = strlen(byte_describe(data[i], text, sizeof(text)));
		if (len == 0 || len >= sizeof(text) - 1)
			abort();
		if (command_parse(text, len, SPEED_DEFAULT, &cmd, err, sizeof(err)) < 0 ||
			cmd.kind != CMD_SEND || cmd.byte != data[i])
			abort();
	}
	return 0;
}
