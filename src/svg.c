#include "svg.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Arcs become polylines with a point every 3 degrees: under 1 mm off at R = 0.6 m. */
#define ARC_STEP (3 * M_PI / 180)
#define MIN_EXTENT 300.0 /* cm: tiny routes still get a readable picture */

void track_init(struct track *t)
{
	memset(t, 0, sizeof(*t));
}

void track_free(struct track *t)
{
	free(t->seg);
	track_init(t);
}

static int same_motion(struct motion a, struct motion b)
{
	return a.v == b.v && a.k == b.k;
}

int track_add(struct track *t, struct pose from, struct motion mo, double dt)
{
	struct track_seg *last = t->n ? &t->seg[t->n - 1] : NULL;

	if (mo.v == 0 || dt <= 0)
		return 0;
	if (last && same_motion(last->mo, mo)) {
		struct pose end = pose_advance(last->from, last->mo, last->dt);
		if (fabs(end.x - from.x) < 1e-6 && fabs(end.y - from.y) < 1e-6) {
			last->dt += dt;
			return 0;
		}
	}
	if (t->n == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 64;
		struct track_seg *s = realloc(t->seg, cap * sizeof(*s));
		if (s == NULL)
			return -1;
		t->seg = s;
		t->cap = cap;
	}
	t->seg[t->n++] = (struct track_seg){from, mo, dt};
	return 0;
}

/* Metres, y up -> centimetres, y down. */
static double sx(double x)
{
	return 100 * x;
}

static double sy(double y)
{
	return -100 * y;
}

static int arc_points(const struct track_seg *s)
{
	double turn = fabs(s->mo.v * s->dt * s->mo.k);
	int n = (int)ceil(turn / ARC_STEP);

	return n < 1 ? 1 : n > 100000 ? 100000 : n;
}

static struct pose seg_point(const struct track_seg *s, int i, int n)
{
	return pose_advance(s->from, s->mo, s->dt * i / n);
}

struct box {
	double x0, y0, x1, y1; /* SVG units */
};

static void box_add(struct box *b, double x, double y)
{
	b->x0 = fmin(b->x0, x);
	b->y0 = fmin(b->y0, y);
	b->x1 = fmax(b->x1, x);
	b->y1 = fmax(b->y1, y);
}

/* Grow the box by margin, then to a readable, not too tall shape, centred. */
static void box_fit(struct box *b)
{
	double w, h, margin = 40 + 0.05 * fmax(b->x1 - b->x0, b->y1 - b->y0);

	b->x0 -= margin;
	b->y0 -= margin;
	b->x1 += margin;
	b->y1 += margin;
	w = b->x1 - b->x0;
	h = b->y1 - b->y0;
	if (w < fmax(h, MIN_EXTENT)) {
		double grow = (fmax(h, MIN_EXTENT) - w) / 2;
		b->x0 -= grow;
		b->x1 += grow;
	}
	if (h < MIN_EXTENT) {
		double grow = (MIN_EXTENT - h) / 2;
		b->y0 -= grow;
		b->y1 += grow;
	}
}

/* Plasma-like ramp from slow (deep blue) to fast (orange), readable on white. */
static const struct {
	double at;
	int r, g, b;
} ramp[] = {
	{0.00, 0x0d, 0x08, 0x87},
	{0.35, 0x7e, 0x03, 0xa8},
	{0.70, 0xcc, 0x47, 0x78},
	{1.00, 0xf8, 0x95, 0x40},
};

static void speed_colour(double f, char *buf, size_t n)
{
	size_t i;
	double u;

	f = fmin(fmax(f, 0), 1);
	for (i = 1; i < sizeof(ramp) / sizeof(ramp[0]) - 1 && f > ramp[i].at; i++)
		;
	u = (f - ramp[i - 1].at) / (ramp[i].at - ramp[i - 1].at);
	snprintf(buf, n, "#%02x%02x%02x",
		(int)lround(ramp[i - 1].r + u * (ramp[i].r - ramp[i - 1].r)),
		(int)lround(ramp[i - 1].g + u * (ramp[i].g - ramp[i - 1].g)),
		(int)lround(ramp[i - 1].b + u * (ramp[i].b - ramp[i - 1].b)));
}

/* The entity for a character that XML text or an attribute may not hold as it is. */
static const char *xml_entity(char c)
{
	static const char *const entities[][2] = {
		{"<", "&lt;"}, {">", "&gt;"}, {"&", "&amp;"}, {"\"", "&quot;"}};

	for (size_t i = 0; i < sizeof(entities) / sizeof(entities[0]); i++)
		if (c == entities[i][0][0])
			return entities[i][1];
	return NULL;
}

static void put_escaped(FILE *f, const char *s)
{
	for (; *s; s++) {
		const char *entity = xml_entity(*s);

		if (entity != NULL)
			fputs(entity, f);
		/* control characters are not allowed in XML 1.0 text */
		else if ((unsigned char)*s >= 0x20 || *s == '\t')
			fputc(*s, f);
	}
}

/* Centimetres with one decimal, and never "-0.0". */
static double clean(double v)
{
	return fabs(v) < 0.05 ? 0 : v;
}

/* Grid spacing in cm: 1 m, or 2, 5, 10, 20, 50... m when 1 m would crowd the labels. */
static long grid_step(const struct box *b)
{
	static const long nice[] = {1, 2, 5};
	double extent = fmax(b->x1 - b->x0, b->y1 - b->y0);
	long decade, step = 100;

	for (decade = 100; decade < 100000000; decade *= 10)
		for (size_t i = 0; i < sizeof(nice) / sizeof(nice[0]); i++)
			if (extent / (step = nice[i] * decade) <= 12)
				return step;
	return step;
}

static void write_grid(FILE *f, const struct box *b, double u)
{
	long m, step = grid_step(b);

	fprintf(f, "<g class=\"grid\" stroke=\"#dde3ea\" stroke-width=\"%.2f\">\n", 0.15 * u);
	for (m = (long)ceil(b->x0 / step) * step; m <= b->x1; m += step)
		fprintf(f, "<line x1=\"%ld\" y1=\"%.1f\" x2=\"%ld\" y2=\"%.1f\"%s/>\n", m, b->y0, m,
			b->y1, m == 0 ? " stroke=\"#b8c2cc\"" : "");
	for (m = (long)ceil(b->y0 / step) * step; m <= b->y1; m += step)
		fprintf(f, "<line x1=\"%.1f\" y1=\"%ld\" x2=\"%.1f\" y2=\"%ld\"%s/>\n", b->x0, m,
			b->x1, m, m == 0 ? " stroke=\"#b8c2cc\"" : "");
	fputs("</g>\n", f);

	/* labels in metres, in the car's own frame (y to the left of the start) */
	fprintf(f, "<g class=\"grid-labels\" fill=\"#8895a3\" font-size=\"%.2f\">\n", 2.2 * u);
	for (m = (long)ceil(b->x0 / step) * step; m <= b->x1; m += step)
		fprintf(f, "<text x=\"%ld\" y=\"%.1f\" dx=\"%.1f\" dy=\"%.1f\">%ld m</text>\n", m,
			b->y1, 0.6 * u, -0.8 * u, m / 100);
	for (m = (long)ceil(b->y0 / step) * step; m <= b->y1; m += step)
		if (m != 0)
			fprintf(f,
				"<text x=\"%.1f\" y=\"%ld\" dx=\"%.1f\" dy=\"%.1f\">%ld m</text>\n",
				b->x0, m, 0.6 * u, -0.6 * u, -m / 100);
	fputs("</g>\n", f);
}

static void write_path(FILE *f, const struct track *t, double top, double u)
{
	char colour[8];
	size_t i;
	int j, n;

	fprintf(f,
		"<g class=\"path\" fill=\"none\" stroke-width=\"%.2f\" "
		"stroke-linecap=\"round\" stroke-linejoin=\"round\">\n",
		0.8 * u);
	for (i = 0; i < t->n; i++) {
		const struct track_seg *s = &t->seg[i];
		speed_colour(top > 0 ? fabs(s->mo.v) / top : 0, colour, sizeof(colour));
		fprintf(f, "<path stroke=\"%s\"", colour);
		if (s->mo.v < 0)
			fprintf(f, " stroke-dasharray=\"%.2f %.2f\"", 1.6 * u, 1.4 * u);
		fprintf(f, " d=\"M%.1f %.1f", clean(sx(s->from.x)), clean(sy(s->from.y)));
		n = s->mo.k == 0 ? 1 : arc_points(s);
		for (j = 1; j <= n; j++) {
			struct pose p = seg_point(s, j, n);
			fprintf(f, " L%.1f %.1f", clean(sx(p.x)), clean(sy(p.y)));
		}
		fputs("\"/>\n", f);
	}
	fputs("</g>\n", f);
}

/* Arrowheads along the path, every spacing cm, pointing the way the car went. */
static void write_arrows(FILE *f, const struct track *t, double top, double u)
{
	double spacing = fmax(60, 18 * u), next = spacing / 2, done = 0;
	char colour[8];
	size_t i;

	fputs("<g class=\"arrows\">\n", f);
	for (i = 0; i < t->n; i++) {
		const struct track_seg *s = &t->seg[i];
		double len = 100 * fabs(s->mo.v) * s->dt;
		speed_colour(top > 0 ? fabs(s->mo.v) / top : 0, colour, sizeof(colour));
		for (; next <= done + len; next += spacing) {
			struct pose p = pose_advance(s->from, s->mo, (next - done) / len * s->dt);
			double deg = heading_degrees(p.heading) + (s->mo.v < 0 ? 180 : 0);
			fprintf(f,
				"<path transform=\"translate(%.1f %.1f) rotate(%.1f)\" "
				"d=\"M%.2f 0 L%.2f %.2f L%.2f 0 L%.2f %.2f Z\" fill=\"%s\"/>\n",
				clean(sx(p.x)), clean(sy(p.y)), clean(-deg), 1.7 * u, -1.4 * u,
				-1.5 * u, -0.6 * u, -1.4 * u, 1.5 * u, colour);
		}
		done += len;
	}
	fputs("</g>\n", f);
}

/* A small car seen from above, nose towards its heading. */
static void write_car(FILE *f, struct pose p, double len)
{
	double w = 0.55 * len;

	fprintf(f, "<g class=\"car\" transform=\"translate(%.1f %.1f) rotate(%.1f)\">\n",
		clean(sx(p.x)), clean(sy(p.y)), clean(-heading_degrees(p.heading)));
	fprintf(f,
		"<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" rx=\"%.1f\" "
		"fill=\"#d62728\" stroke=\"#5c1010\" stroke-width=\"%.2f\"/>\n",
		-len / 2, -w / 2, len, w, 0.18 * len, 0.04 * len);
	/* wheels */
	fprintf(f, "<g fill=\"#222\">");
	for (int i = 0; i < 4; i++)
		fprintf(f,
			"<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" rx=\"%.1f\"/>",
			(i < 2 ? 0.18 : -0.42) * len,
			(i % 2 ? w / 2 - 0.04 * len : -w / 2 - 0.08 * len), 0.24 * len, 0.12 * len,
			0.04 * len);
	fputs("</g>\n", f);
	fprintf(f, "<path d=\"M%.1f 0 L%.1f %.1f L%.1f %.1f Z\" fill=\"#fff\"/>\n", 0.38 * len,
		0.05 * len, -0.17 * len, 0.05 * len, 0.17 * len);
	fputs("</g>\n", f);
}

static void write_start(FILE *f, double u)
{
	fprintf(f, "<g class=\"start\">\n");
	/* under the path and the car: a car that ends at the start leaves a halo */
	fprintf(f,
		"<circle cx=\"0\" cy=\"0\" r=\"%.2f\" fill=\"#2ca02c\" stroke=\"#fff\" "
		"stroke-width=\"%.2f\"/>\n",
		2.0 * u, 0.35 * u);
	fprintf(f, "<path d=\"M%.2f 0 L%.2f %.2f L%.2f %.2f Z\" fill=\"#fff\"/>\n", 1.2 * u,
		-0.8 * u, -0.9 * u, -0.8 * u, 0.9 * u);
	fputs("</g>\n", f);
}

static void write_legend(FILE *f, const struct box *b, const struct svg_info *info, double u)
{
	double x = b->x0 + 2 * u, y = b->y1 + 3.5 * u, bar = 22 * u;
	char colour[8];
	int i;

	fputs("<defs><linearGradient id=\"speed\">", f);
	for (i = 0; i <= 10; i++) {
		speed_colour(i / 10.0, colour, sizeof(colour));
		fprintf(f, "<stop offset=\"%d%%\" stop-color=\"%s\"/>", i * 10, colour);
	}
	fputs("</linearGradient></defs>\n", f);

	fprintf(f, "<g class=\"legend\" font-size=\"%.2f\" fill=\"#333\">\n", 2.4 * u);
	fprintf(f, "<text x=\"%.1f\" y=\"%.1f\">speed</text>\n", x, y + 1.7 * u);
	x += 8 * u;
	fprintf(f,
		"<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" rx=\"%.1f\" "
		"fill=\"url(#speed)\"/>\n",
		x, y, bar, 2 * u, 0.5 * u);
	fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%.2f\">0</text>\n", x, y + 5 * u,
		2 * u);
	fprintf(f,
		"<text x=\"%.1f\" y=\"%.1f\" font-size=\"%.2f\" text-anchor=\"end\">%.2g "
		"m/s</text>\n",
		x + bar, y + 5 * u, 2 * u, info->top_speed);
	x += bar + 4 * u;
	fprintf(f,
		"<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#7e03a8\" "
		"stroke-width=\"%.2f\" stroke-dasharray=\"%.2f %.2f\"/>\n",
		x, y + u, x + 7 * u, y + u, 0.8 * u, 1.6 * u, 1.4 * u);
	fprintf(f, "<text x=\"%.1f\" y=\"%.1f\">reversing</text>\n", x + 8.5 * u, y + 1.7 * u);
	x += 24 * u;
	fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.2f\" fill=\"#2ca02c\"/>\n", x + u, y + u,
		1.1 * u);
	fprintf(f, "<text x=\"%.1f\" y=\"%.1f\">start</text>\n", x + 3 * u, y + 1.7 * u);
	x += 11 * u;
	fprintf(f,
		"<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" rx=\"%.1f\" "
		"fill=\"#d62728\"/>\n",
		x, y, 3 * u, 1.8 * u, 0.4 * u);
	fprintf(f, "<text x=\"%.1f\" y=\"%.1f\">end</text>\n", x + 4.2 * u, y + 1.7 * u);
	fputs("</g>\n", f);
}

static void write_title(
	FILE *f, const struct box *b, struct pose final, const struct svg_info *info, double u)
{
	fprintf(f,
		"<text x=\"%.1f\" y=\"%.1f\" font-size=\"%.2f\" font-weight=\"bold\" "
		"fill=\"#222\">",
		b->x0 + 2 * u, b->y0 - 3.2 * u, 3.2 * u);
	put_escaped(f, info->title ? info->title : "iracer-sim");
	fputs("</text>\n", f);
	fprintf(f,
		"<text x=\"%.1f\" y=\"%.1f\" font-size=\"%.2f\" fill=\"#555\" "
		"text-anchor=\"end\">%.2f m in %.1f s, ends at (%.2f, %.2f) heading "
		"%.0f\u00b0</text>\n",
		b->x1 - 2 * u, b->y0 - 3.2 * u, 2.2 * u, info->distance, info->time,
		fabs(final.x) < 0.005 ? 0 : final.x, fabs(final.y) < 0.005 ? 0 : final.y,
		fabs(heading_degrees(final.heading)) < 0.5 ? 0 : heading_degrees(final.heading));
}

int svg_write(FILE *f, const struct track *t, struct pose final, const struct svg_info *info)
{
	struct box b = {0, 0, 0, 0};
	double u, car, top, bottom;
	size_t i;
	int j, n;

	box_add(&b, sx(final.x), sy(final.y));
	for (i = 0; i < t->n; i++) {
		n = arc_points(&t->seg[i]);
		for (j = 0; j <= n; j++) {
			struct pose p = seg_point(&t->seg[i], j, n);
			box_add(&b, sx(p.x), sy(p.y));
		}
	}
	box_fit(&b);
	u = fmax(b.x1 - b.x0, b.y1 - b.y0) / 100;
	car = fmax(18, 3.2 * u); /* true size (18 cm) unless that is too small to see */
	top = 8 * u;
	bottom = 9 * u;

	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	fprintf(f,
		"<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"%.1f %.1f %.1f %.1f\" "
		"width=\"%.0f\" height=\"%.0f\" font-family=\"DejaVu Sans, Helvetica, Arial, "
		"sans-serif\">\n",
		b.x0, b.y0 - top, b.x1 - b.x0, b.y1 - b.y0 + top + bottom, 800.0,
		800 * (b.y1 - b.y0 + top + bottom) / (b.x1 - b.x0));
	fprintf(f, "<title>");
	put_escaped(f, info->title ? info->title : "iracer-sim");
	fprintf(f, "</title>\n");
	fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#fff\"/>\n",
		b.x0, b.y0 - top, b.x1 - b.x0, b.y1 - b.y0 + top + bottom);
	fprintf(f,
		"<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#f7f9fb\"/>\n",
		b.x0, b.y0, b.x1 - b.x0, b.y1 - b.y0);
	write_grid(f, &b, u);
	write_title(f, &b, final, info, u);
	write_start(f, u);
	write_path(f, t, info->top_speed, u);
	write_arrows(f, t, info->top_speed, u);
	write_car(f, final, car);
	write_legend(f, &b, info, u);
	fputs("</svg>\n", f);
	if (ferror(f)) {
		if (errno == 0)
			errno = EIO;
		return -1;
	}
	return 0;
}
