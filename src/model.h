/*
 * The model car: pure kinematics, no I/O. A command byte sets a motion (a
 * signed ground speed and a curvature); the pose then advances along exact
 * straight lines and circular arcs, so the result does not depend on how
 * often it is stepped.
 *
 * Pose convention (the whole project's): the car starts at (0,0) facing +x
 * (heading 0); y grows to the left of the start direction; heading grows
 * counter-clockwise, i.e. with a left turn.
 */
#ifndef IRACER_MODEL_H
#define IRACER_MODEL_H

#include <stdint.h>

#define MODEL_TOP_SPEED 1.5 /* m/s at speed level 15 */
#define MODEL_DEAD_SPEED 5  /* levels 1 to this do not move the car (owners' reports) */
#define MODEL_RADIUS 0.6    /* m, turning radius of the arcs */

struct model_params {
	double top_speed;
	int dead_speed;
	double radius;
};

struct pose {
	double x, y;	/* metres */
	double heading; /* radians, normalised to (-pi, pi] */
};

struct motion {
	double v; /* m/s along the heading; negative when reversing */
	double k; /* curvature, 1/m; positive when the wheels are turned left */
};

struct model {
	struct model_params params;
	struct pose pose;
	uint8_t byte; /* the command the car obeys until it gets another */
	struct motion motion;
	double distance; /* metres driven, forwards and backwards */
};

void model_init(struct model *m, const struct model_params *p);

/*
 * Obey a command byte. Returns 0, or -1 for a byte whose high nibble the car
 * does not know: it is ignored and the car keeps its previous command.
 */
int model_command(struct model *m, uint8_t byte);

/* Advance the car by dt seconds under its current command. */
void model_step(struct model *m, double dt);

/* Where a pose ends after dt seconds of one motion (closed form). */
struct pose pose_advance(struct pose p, struct motion mo, double dt);

/* Heading in degrees, in (-180, 180]. */
double heading_degrees(double rad);

#endif
