/*
 * libFuzzer harness for ws-bridge's message-to-line conversion (msgline.h):
 * every message becomes exactly one line, the message's bytes unchanged except
 * CR and LF (spaces), whether converted whole, in place, or fragment by
 * fragment as lws hands them over.
 */
#include "msgline.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *msg = (const char *)data;
	char *line, *inplace, *frag;
	size_t len, cut;

	line = malloc(size + 1);
	inplace = malloc(size + 1);
	frag = malloc(size + 1);
	if (line == NULL || inplace == NULL || frag == NULL)
		abort();

	len = msgline_from_message(line, msg, size);
	if (len != size + 1 || line[size] != '\n')
		abort();
	for (size_t i = 0; i < size; i++) {
		char want = (msg[i] == '\n' || msg[i] == '\r') ? ' ' : msg[i];
		if (line[i] != want)
			abort(); /* one line, nothing else changed */
	}

	memcpy(inplace, msg, size);
	msgline_convert(inplace, inplace, size);
	if (size > 0 && memcmp(inplace, line, size) != 0)
		abort();

	/* two fragments, cut where the first byte says */
	cut = size > 0 ? data[0] % (size + 1) : 0;
	msgline_convert(frag, msg, cut);
	msgline_convert(frag + cut, msg + cut, size - cut);
	if (size > 0 && memcmp(frag, line, size) != 0)
		abort();

	free(line);
	free(inplace);
	free(frag);
	return 0;
}
