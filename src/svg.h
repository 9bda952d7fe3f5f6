/*
 * The driven path as an SVG picture: a metre grid, the path coloured by
 * speed (dashed where the car reversed), start and end markers, the car at
 * its final pose, and a legend. Drawing units are centimetres, with y up
 * turned into SVG's y down, and the viewBox fitted to the path with a margin.
 */
#ifndef IRACER_SVG_H
#define IRACER_SVG_H

#include "model.h"

#include <stddef.h>
#include <stdio.h>

/* One stretch of constant motion. */
struct track_seg {
	struct pose from;
	struct motion mo;
	double dt;
};

struct track {
	struct track_seg *seg;
	size_t n, cap;
};

void track_init(struct track *t);
void track_free(struct track *t);

/*
 * Record dt seconds of motion mo starting at from. Standing still is not
 * recorded; a stretch that continues the last one with the same motion is
 * merged into it. Returns 0, or -1 when out of memory.
 */
int track_add(struct track *t, struct pose from, struct motion mo, double dt);

struct svg_info {
	const char *title;
	double top_speed; /* m/s, the top of the colour scale */
	double distance;  /* m */
	double time;	  /* s */
};

/* Write the picture; returns 0, or -1 when writing failed (errno set). */
int svg_write(FILE *f, const struct track *t, struct pose final, const struct svg_info *info);

#endif
