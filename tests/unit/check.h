/*
 * The unit tests' one assertion: CHECK(cond) prints the failed condition with
 * its place and marks the run failed; the test goes on, so one run shows
 * every failure. main returns `failed`.
 */
#ifndef IRACER_CHECK_H
#define IRACER_CHECK_H

#include <stdio.h>

static int failed;

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);                     \
			failed = 1;                                                                \
		}                                                                                  \
	} while (0)

#endif
