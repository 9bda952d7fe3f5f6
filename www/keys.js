// Keyboard: arrows and WASD drive while held (two at once give a diagonal),
// Space or Escape stops everything.

const KEYS = {
	ArrowUp: 'up', KeyW: 'up',
	ArrowDown: 'down', KeyS: 'down',
	ArrowLeft: 'left', KeyA: 'left',
	ArrowRight: 'right', KeyD: 'right',
};

// The stick vector for a set of held key directions (opposites cancel).
export function vectorOf(held) {
	const x = (held.has('right') ? 1 : 0) - (held.has('left') ? 1 : 0);
	const y = (held.has('up') ? 1 : 0) - (held.has('down') ? 1 : 0);
	return [x, y];
}

export function attachKeys(target, { onVector, onStop }) {
	const held = new Map();	// event.code -> direction

	const report = () => onVector(...vectorOf(new Set(held.values())));

	// Arrows belong to the slider while it has focus; modified keys to the browser.
	const ours = (ev) => !(ev.ctrlKey || ev.altKey || ev.metaKey) &&
		!(ev.target instanceof HTMLInputElement);

	target.addEventListener('keydown', (ev) => {
		if (ev.code === 'Space' || ev.code === 'Escape') {
			ev.preventDefault();	// no click on a focused button, no page scroll
			held.clear();
			onStop();
			return;
		}
		const dir = KEYS[ev.code];
		if (!dir || !ours(ev))
			return;
		ev.preventDefault();
		if (ev.repeat && held.has(ev.code))
			return;
		held.set(ev.code, dir);
		report();
	});
	target.addEventListener('keyup', (ev) => {
		if (ev.code === 'Space') {
			ev.preventDefault();
			return;
		}
		if (held.delete(ev.code))
			report();
	});

	return {
		release() {
			held.clear();
		},
	};
}
