/*
 * libFuzzer harness for the plan-line reader (iracer-sim --plan).
 * Any input must parse or be refused with a message, never crash; and a line
 * that parses must survive a round trip through plan_format() unchanged
 * (to the millisecond, the format's precision).
 */
#include "plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct plan_step step, again;
	char err[128], line[PLAN_LINE_MAX];
	size_t len;
	int rc;

	err[0] = '\0';
	rc = plan_parse((const char *)data, size, &step, err, sizeof(err));
	if (rc < 0 && err[0] == '\0')
		abort(); /* a refusal always says why */
	if (rc != 1)
		return 0;

	len = plan_format(line, sizeof(line), &step);
	if (len == 0 || line[len - 1] != '\n')
		abort();
	if (plan_parse(line, len - 1, &again, err, sizeof(err)) != 1)
		abort();
	if (again.byte != step.byte || llabs(again.at_ns - step.at_ns) > 500000)
		abort();
	return 0;
}
