// Game pad (the browser Gamepad API): the left stick drives like the joystick,
// any face button (A/B/X/Y, cross/circle/square/triangle) stops. Polled once per
// animation frame while a pad is connected; browsers send no events for sticks.

const STOP_BUTTONS = [0, 1, 2, 3];
const REST = 0.15;	// stick noise around the centre

export function attachGamepad({ onVector, onStop }) {
	let running = false;
	let latched = false;	// after a stop, the stick must come back to the centre first
	let wasPressed = false;
	let lastX = 0, lastY = 0;

	function poll() {
		const pads = navigator.getGamepads ? [...navigator.getGamepads()].filter(Boolean) : [];
		if (pads.length === 0) {
			running = false;
			return;
		}
		const pad = pads[0];
		const pressed = STOP_BUTTONS.some((i) => pad.buttons[i] && pad.buttons[i].pressed);
		if (pressed && !wasPressed) {
			latched = true;
			onStop();
		}
		wasPressed = pressed;
		let x = pad.axes[0] || 0, y = -(pad.axes[1] || 0);
		if (Math.hypot(x, y) < REST) {
			x = 0;
			y = 0;
			latched = false;
		}
		if (latched || pressed)
			x = y = 0;
		if (x !== lastX || y !== lastY) {
			lastX = x;
			lastY = y;
			onVector(x, y);
		}
		requestAnimationFrame(poll);
	}

	function start() {
		if (!running) {
			running = true;
			requestAnimationFrame(poll);
		}
	}

	window.addEventListener('gamepadconnected', start);
	window.addEventListener('gamepaddisconnected', () => onVector(0, 0));
	start();

	return {
		release() {
			latched = lastX !== 0 || lastY !== 0;
			lastX = lastY = 0;
		},
	};
}
