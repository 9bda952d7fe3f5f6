#include "model.h"

#include "protocol.h"

#include <math.h>

void model_init(struct model *m, const struct model_params *p)
{
	m->params = *p;
	m->pose = (struct pose){0, 0, 0};
	m->byte = BYTE_STOP;
	m->motion = (struct motion){0, 0};
	m->distance = 0;
}

static double ground_speed(const struct model_params *p, int level)
{
	if (level <= p->dead_speed || level <= 0)
		return 0;
	return p->top_speed * level / SPEED_MAX;
}

/* Steering without drive only turns the front wheels: nothing moves. */
static struct motion motion_for(const struct model_params *p, enum direction d, int level)
{
	double v = ground_speed(p, level), k = 1 / p->radius;

	switch (d) {
	case DIR_FORWARD:
		return (struct motion){v, 0};
	case DIR_BACKWARD:
		return (struct motion){-v, 0};
	case DIR_FORWARD_LEFT:
		return (struct motion){v, k};
	case DIR_FORWARD_RIGHT:
		return (struct motion){v, -k};
	case DIR_BACKWARD_LEFT:
		/* wheels left while reversing: the tail swings left, the nose right */
		return (struct motion){-v, k};
	case DIR_BACKWARD_RIGHT:
		return (struct motion){-v, -k};
	default:
		return (struct motion){0, 0};
	}
}

int model_command(struct model *m, uint8_t byte)
{
	enum direction d;
	int level;

	if (byte_decode(byte, &d, &level) < 0)
		return -1;
	m->byte = byte;
	m->motion = motion_for(&m->params, d, level);
	return 0;
}

static double normalise(double a)
{
	a = remainder(a, 2 * M_PI); /* [-pi, pi] */
	return a <= -M_PI ? a + 2 * M_PI : a;
}

struct pose pose_advance(struct pose p, struct motion mo, double dt)
{
	double s = mo.v * dt, turn = s * mo.k;
	struct pose q = p;

	if (s == 0)
		return q;
	if (mo.k == 0) {
		q.x += s * cos(p.heading);
		q.y += s * sin(p.heading);
		return q;
	}
	/* an arc of radius 1/k: integrate (cos h, sin h) dh / k from h to h + turn */
	q.heading = p.heading + turn;
	q.x += (sin(q.heading) - sin(p.heading)) / mo.k;
	q.y += (cos(p.heading) - cos(q.heading)) / mo.k;
	q.heading = normalise(q.heading);
	return q;
}

void model_step(struct model *m, double dt)
{
	if (dt <= 0)
		return;
	m->pose = pose_advance(m->pose, m->motion, dt);
	m->distance += fabs(m->motion.v) * dt;
}

double heading_degrees(double rad)
{
	double d = normalise(rad) * 180 / M_PI;

	return d <= -180 ? d + 360 : d;
}
