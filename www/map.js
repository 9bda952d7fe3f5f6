// The small live map of the virtual car, drawn from iracer-sim -j telemetry.
// World: metres, the car starts at (0,0) facing +x, y to its left, heading in
// degrees counter-clockwise. Screen: the start direction points up (like the
// joystick), so screen x = -y and screen y = -x.

const SVGNS = 'http://www.w3.org/2000/svg';
const MAX_POINTS = 2000;
const MIN_STEP = 0.01;	// metres between kept path points
const MIN_SPAN = 1.0;	// metres shown at least

export function createMap(svg, caption) {
	const path = svg.querySelector('#map-path');
	const car = svg.querySelector('#map-car');
	const grid = svg.querySelector('#map-grid');
	const points = [];	// screen coordinates, from the first telemetry line this page saw
	let pose = { sx: 0, sy: 0, x: 0, y: 0, heading: 0, speed: 0 };
	const figure = svg.closest('figure') || svg;
	let queued = false;
	let lastBox = '';

	function bounds() {
		// the start (0,0) stays in view, with its marker
		let x0 = 0, y0 = 0, x1 = 0, y1 = 0;
		for (const [x, y] of points) {
			x0 = Math.min(x0, x); x1 = Math.max(x1, x);
			y0 = Math.min(y0, y); y1 = Math.max(y1, y);
		}
		const span = Math.max(MIN_SPAN, x1 - x0, y1 - y0) * 1.25;
		return { cx: (x0 + x1) / 2, cy: (y0 + y1) / 2, span };
	}

	function drawGrid(b) {
		const step = b.span > 8 ? 2 : b.span > 3 ? 1 : 0.5;
		const lines = [];
		const from = (c) => Math.floor((c - b.span / 2) / step) * step;
		for (let x = from(b.cx); x <= b.cx + b.span / 2; x += step)
			lines.push(`M ${x} ${b.cy - b.span} V ${b.cy + b.span}`);
		for (let y = from(b.cy); y <= b.cy + b.span / 2; y += step)
			lines.push(`M ${b.cx - b.span} ${y} H ${b.cx + b.span}`);
		grid.replaceChildren();
		const p = document.createElementNS(SVGNS, 'path');
		p.setAttribute('d', lines.join(' '));
		grid.append(p);
		const o = document.createElementNS(SVGNS, 'circle');
		o.setAttribute('r', b.span * 0.015);
		o.setAttribute('class', 'origin');
		grid.append(o);
		svg.dataset.grid = `${step} m`;
	}

	function render() {
		queued = false;
		if (figure.dataset.stale)
			return;
		const b = bounds();
		const box = [b.cx - b.span / 2, b.cy - b.span / 2, b.span, b.span].map((v) => v.toFixed(3)).join(' ');
		if (box !== lastBox) {
			lastBox = box;
			svg.setAttribute('viewBox', box);
			drawGrid(b);
			svg.style.setProperty('--stroke', (b.span * 0.012).toFixed(4));
		}
		path.setAttribute('points', points.map(([x, y]) => `${x.toFixed(3)},${y.toFixed(3)}`).join(' '));
		const size = b.span * 0.06;
		car.setAttribute('transform',
			`translate(${pose.sx.toFixed(3)} ${pose.sy.toFixed(3)}) rotate(${(-pose.heading).toFixed(1)}) scale(${size.toFixed(4)})`);
		caption.textContent = `${pose.x.toFixed(2)}, ${pose.y.toFixed(2)} m\n` +
			`${Math.round(pose.heading)}° ${pose.speed.toFixed(2)} m/s\ngrid ${svg.dataset.grid}`;
	}

	return {
		// One telemetry object with x, y, heading (speed optional).
		update(t) {
			delete figure.dataset.stale;
			const sx = -t.y, sy = -t.x;
			pose = { sx, sy, x: t.x, y: t.y, heading: +t.heading || 0, speed: +t.speed || 0 };
			const last = points[points.length - 1];
			if (!last || Math.hypot(sx - last[0], sy - last[1]) >= MIN_STEP) {
				points.push([sx, sy]);
				if (points.length > MAX_POINTS)
					points.splice(0, points.length - MAX_POINTS);
			}
			if (!queued) {
				queued = true;
				requestAnimationFrame(render);
			}
		},
		// Telemetry stopped (the connection dropped): the figures are not current.
		stale(text) {
			figure.dataset.stale = 'yes';
			caption.textContent = text;
		},
		// A new connection: the path starts again with its first telemetry line.
		reset(text) {
			points.length = 0;
			pose = { sx: 0, sy: 0, x: 0, y: 0, heading: 0, speed: 0 };
			path.setAttribute('points', '');
			delete figure.dataset.stale;
			caption.textContent = text;
		},
		get pose() {
			return pose;
		},
	};
}
