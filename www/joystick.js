// The SVG joystick: one captured pointer (mouse, touch or pen) moves the knob
// inside the ring; letting go springs it back. Reports the position as x, y in
// -1..1 (y up) to onMove, and onRelease when the pointer is gone.

import { DIRECTIONS, DEAD_ZONE } from './drive.js';

const SVGNS = 'http://www.w3.org/2000/svg';
const TRAVEL = 66;	// knob centre's furthest distance from the middle, in viewBox units
const RING = 96;

const ARROWS = ['↑', '↗', '→', '↘', '↓', '↙', '←', '↖'];

// One wedge of the ring per direction, for showing which one is active.
function drawSectors(g) {
	const inner = RING * DEAD_ZONE + 1, outer = RING - 2;
	DIRECTIONS.forEach((name, i) => {
		const a0 = (i * 45 - 22.5) * Math.PI / 180, a1 = (i * 45 + 22.5) * Math.PI / 180;
		const pt = (r, a) => `${(r * Math.sin(a)).toFixed(2)} ${(-r * Math.cos(a)).toFixed(2)}`;
		const path = document.createElementNS(SVGNS, 'path');
		path.setAttribute('d', `M ${pt(inner, a0)} L ${pt(outer, a0)} A ${outer} ${outer} 0 0 1 ${pt(outer, a1)}` +
			` L ${pt(inner, a1)} A ${inner} ${inner} 0 0 0 ${pt(inner, a0)} Z`);
		path.dataset.dir = name;
		g.append(path);
		const label = document.createElementNS(SVGNS, 'text');
		const a = i * 45 * Math.PI / 180, r = RING - 13;
		label.setAttribute('x', (r * Math.sin(a)).toFixed(2));
		label.setAttribute('y', (-r * Math.cos(a)).toFixed(2));
		label.setAttribute('aria-hidden', 'true');
		label.textContent = ARROWS[i];
		g.append(label);
	});
}

export function createJoystick(svg, { onMove, onRelease }) {
	const knob = svg.querySelector('#knob');
	const sectors = svg.querySelector('#sectors');
	drawSectors(sectors);
	let pointer = null;

	function place(x, y) {
		knob.style.transform = `translate(${x}px, ${y}px)`;
	}

	// Pointer position in viewBox units, clamped to the knob's travel.
	function position(ev) {
		const box = svg.getBoundingClientRect();
		const scale = 200 / Math.min(box.width, box.height);
		let x = (ev.clientX - (box.left + box.width / 2)) * scale;
		let y = (ev.clientY - (box.top + box.height / 2)) * scale;
		const r = Math.hypot(x, y);
		if (r > TRAVEL) {
			x *= TRAVEL / r;
			y *= TRAVEL / r;
		}
		return [x, y];
	}

	function move(ev) {
		const [x, y] = position(ev);
		place(x, y);
		onMove(x / TRAVEL, -y / TRAVEL);
	}

	function release() {
		if (pointer === null)
			return;
		const id = pointer;
		pointer = null;
		svg.classList.remove('held');
		place(0, 0);
		if (svg.hasPointerCapture(id))
			svg.releasePointerCapture(id);
		onRelease();
	}

	svg.addEventListener('pointerdown', (ev) => {
		if (pointer !== null || (ev.pointerType === 'mouse' && ev.button !== 0))
			return;
		ev.preventDefault();
		pointer = ev.pointerId;
		svg.setPointerCapture(pointer);
		svg.classList.add('held');
		move(ev);
	});
	svg.addEventListener('pointermove', (ev) => {
		if (ev.pointerId === pointer)
			move(ev);
	});
	for (const type of ['pointerup', 'pointercancel', 'lostpointercapture'])
		svg.addEventListener(type, (ev) => {
			if (ev.pointerId === pointer)
				release();
		});
	svg.addEventListener('contextmenu', (ev) => ev.preventDefault());

	return {
		release,
		// Light the wedge of the direction being driven, whoever drives it.
		show(command) {
			for (const p of sectors.querySelectorAll('path'))
				p.classList.toggle('on', p.dataset.dir === command);
		},
	};
}
